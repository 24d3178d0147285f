// Personal data through the real binary on PostgreSQL (docs/privacy.md): a job over tables with CPF,
// e-mail, phone and name columns — one keyed by the CPF itself — leaves no clear value in anything
// recon writes or prints but the fix-up files: stdout, stderr (heartbeat lines too), summary.json,
// metrics, the EMF log, report.html, a duplicate-key error, history, explain without --reveal, and
// every byte of the audit DB. Tokens still tell equal from different: recheck and apply repair
// every divergence (truth by SQL EXCEPT), and explain --reveal reads the clear values live.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cctype>

#include "e2e_support.hpp"

namespace e2e {
namespace {

const EnvEdits kKey = {{"RECON_PII_KEY", "an e2e test key, long enough to be accepted"}};

constexpr const char* kSetup =
    "CREATE SCHEMA src; CREATE SCHEMA tgt;"
    "CREATE TABLE src.clientes (id int PRIMARY KEY, cpf text, email text, telefone text, nome text, saldo int);"
    "INSERT INTO src.clientes SELECT i,"
    " to_char(100000000 + i * 7919, 'FM000\".\"000\".\"000') || '-' || lpad((i % 100)::text, 2, '0'),"
    " 'cliente' || i || '@exemplo.com.br', '(11) 9' || lpad((i * 37 % 10000)::text, 4, '0') || '-' || lpad(i::text, 4, '0'),"
    " 'Nome ' || i, i FROM generate_series(1, 3000) i;"
    "CREATE TABLE tgt.clientes (LIKE src.clientes INCLUDING ALL); INSERT INTO tgt.clientes SELECT * FROM src.clientes"
    " WHERE id % 97 <> 0;"
    "UPDATE tgt.clientes SET cpf = '000.000.000-' || lpad((id % 100)::text, 2, '0') WHERE id % 101 = 1;"
    "UPDATE tgt.clientes SET email = 'outro' || id || '@exemplo.com.br' WHERE id % 103 = 2;"
    "UPDATE tgt.clientes SET telefone = '(21) 98888-' || lpad(id::text, 4, '0') WHERE id % 107 = 3;"
    "UPDATE tgt.clientes SET saldo = saldo + 1 WHERE id % 109 = 4;"
    "INSERT INTO tgt.clientes VALUES (9001, '999.888.777-66', 'intruso@exemplo.com.br', '(11) 97777-0001', 'Nome X', 0);"
    "CREATE TABLE src.contas (cpf text PRIMARY KEY, limite int);"
    "INSERT INTO src.contas SELECT cpf, id FROM src.clientes WHERE id <= 600;"
    "CREATE TABLE tgt.contas (LIKE src.contas INCLUDING ALL);"
    "INSERT INTO tgt.contas SELECT * FROM src.contas WHERE limite % 53 <> 0;"
    "UPDATE tgt.contas SET limite = -limite WHERE limite % 59 = 0;"
    "INSERT INTO tgt.contas VALUES ('555.444.333-22', 1);";

constexpr const char* kTables =
    "[[tables]]\nsource = \"src.clientes\"\ntarget = \"tgt.clientes\"\nkey = [\"id\"]\n"
    "pii = { cpf = \"cpf\", email = \"email\", telefone = \"phone\", nome = \"redact\" }\n\n"
    "[[tables]]\nsource = \"src.contas\"\ntarget = \"tgt.contas\"\nkey = [\"cpf\"]\npii = { cpf = \"cpf\" }\n";

/// Every clear value of the sensitive columns that differs between the sides — what a leak would
/// show — and two that never differ, read on the engine.
std::vector<std::string> sensitive_values(PgDatabase& db) {
  std::vector<std::string> out;
  for (const char* sql :
       {"SELECT cpf, email, telefone, nome FROM (SELECT * FROM src.clientes EXCEPT SELECT * FROM tgt.clientes) a",
        "SELECT cpf, email, telefone, nome FROM (SELECT * FROM tgt.clientes EXCEPT SELECT * FROM src.clientes) a",
        "SELECT cpf, cpf, cpf, cpf FROM (SELECT * FROM src.contas EXCEPT SELECT * FROM tgt.contas) a",
        "SELECT cpf, cpf, cpf, cpf FROM (SELECT * FROM tgt.contas EXCEPT SELECT * FROM src.contas) a"})
    for (const auto& row : db.query(sql))
      for (int c = 0; c < 4; ++c) out.push_back(row[c].c_str());
  return out;
}

bool digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

/// The first clear personal value in `text`, "" when none: a listed value, or anything shaped like
/// the test's CPFs ("ddd.ddd.ddd-dd"), e-mails ("x@exemplo.com.br" with a letter or digit before
/// the '@'), phones ("(dd) d") or names ("Nome d").
std::string first_leak(const std::string& text, const std::vector<std::string>& values) {
  for (const std::string& v : values)
    if (text.find(v) != std::string::npos) return v;
  for (std::size_t i = 0; i + 14 <= text.size(); ++i) {
    const char* p = text.data() + i;
    if (digit(p[0]) && digit(p[2]) && p[3] == '.' && digit(p[4]) && p[7] == '.' && digit(p[8]) && p[11] == '-' &&
        digit(p[12]) && digit(p[13]))
      return text.substr(i, 14);
  }
  for (std::size_t at = text.find("@exemplo.com.br"); at != std::string::npos; at = text.find("@exemplo.com.br", at + 1))
    if (at > 0 && std::isalnum(static_cast<unsigned char>(text[at - 1]))) return text.substr(at - 1, 16);
  for (std::size_t i = 0; i + 6 <= text.size(); ++i)
    if (text[i] == '(' && digit(text[i + 1]) && digit(text[i + 2]) && text.compare(i + 3, 2, ") ") == 0 &&
        digit(text[i + 5]))
      return text.substr(i, 8);
  for (std::size_t at = text.find("Nome "); at != std::string::npos; at = text.find("Nome ", at + 1))
    if (at + 5 < text.size() && (digit(text[at + 5]) || text[at + 5] == 'X')) return text.substr(at, 8);
  return "";
}

/// Every byte of every row of every table of a SQLite file: text as it is, blobs raw.
std::string every_byte(const fs::path& file) {
  SqliteDb db(file);
  std::string out;
  for (const auto& t : db.rows("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db.handle(), ("SELECT * FROM \"" + t[0] + "\"").c_str(), -1, &s, nullptr) != SQLITE_OK)
      continue;
    while (sqlite3_step(s) == SQLITE_ROW)
      for (int c = 0; c < sqlite3_column_count(s); ++c) {
        const void* b = sqlite3_column_blob(s, c);
        out.append(static_cast<const char*>(b ? b : ""), static_cast<std::size_t>(sqlite3_column_bytes(s, c)));
        out.push_back('\n');
      }
    sqlite3_finalize(s);
  }
  return out;
}

/// Every file under `dir` but the fix-up folder's, by path.
std::vector<fs::path> outputs_but_fixup(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().string().find("/fixup/") == std::string::npos &&
        e.path().extension() != ".db" && e.path().string().find("audit.db") == std::string::npos)
      out.push_back(e.path());
  return out;
}

class PgPrivacy : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
    db_ = std::make_unique<PgDatabase>("recon_e2e_privacy");
    db_->exec(kSetup);
    values_ = sensitive_values(*db_);
    ASSERT_GT(values_.size(), 200u);
    write_file(dir_ / "job.toml", pg_job(*db_, kTables, "emf = " + toml_str((dir_ / "emf.log").string())));
  }
  ProcResult recon(std::vector<std::string> args) {
    args.insert(args.end(), {"--audit", (dir_ / "audit.db").string()});
    return run_recon(args, kKey);
  }
  void expect_no_leak(const std::string& what, const std::string& text) {
    const std::string leak = first_leak(text, values_);
    EXPECT_EQ(leak, "") << what << " shows a clear value";
  }
  void expect_no_leak(const ProcResult& r, const std::string& what) {
    expect_no_leak(what + " stdout", r.out);
    expect_no_leak(what + " stderr", r.err);
  }
  std::unique_ptr<PgDatabase> db_;
  TempDir dir_{"privacy"};
  std::vector<std::string> values_;
};

TEST_F(PgPrivacy, NoClearValueOutsideTheFixupAndTokensStillRepair) {
  const Truth clientes = pg_truth(*db_, "src.clientes", "tgt.clientes", "id");
  const Truth contas = pg_truth(*db_, "src.contas", "tgt.contas", "cpf");
  const std::string job = (dir_ / "job.toml").string();
  const ProcResult check = recon({"check", "--config", job, "--out", (dir_ / "out").string(), "--no-progress",
                                  "--log-format", "json", "--heartbeat", "1ms", "--metrics-file",
                                  (dir_ / "metrics" / "recon.prom").string()});
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  const json summary = read_json(dir_ / "out" / "summary.json");
  expect_counts(summary, "clientes", clientes);
  expect_counts(summary, "contas", contas);
  expect_no_leak(check, "check");
  for (const fs::path& f : outputs_but_fixup(dir_.path())) expect_no_leak(f.string(), read_file(f));
  expect_no_leak("audit DB", every_byte(dir_ / "audit.db"));
  EXPECT_NE(read_file(dir_ / "out" / "summary.json").find("***.***.*"), std::string::npos) << "keys shown masked";

  // The fix-up must carry the real values, and says so.
  const std::string fixup = read_file(dir_ / "out" / "fixup" / "clientes.sql");
  EXPECT_NE(fixup.find("PERSONAL DATA"), std::string::npos);
  EXPECT_NE(first_leak(fixup, values_), "");
  EXPECT_EQ(fixup.find("tok:"), std::string::npos) << "statements carry values, never tokens";
  EXPECT_EQ(fs::status(dir_ / "out" / "fixup" / "clientes.sql").permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);

  // explain: masked unless --reveal, which reads the engines; by token for the CPF-keyed table.
  const std::string changed_id = std::to_string(101 + 1);
  const ProcResult masked = recon({"explain", "--config", job, "--table", "clientes", "--key", changed_id});
  EXPECT_EQ(masked.exit_code, 1) << masked.describe();
  expect_no_leak(masked, "explain");
  EXPECT_NE(masked.out.find("cpf"), std::string::npos) << masked.out;
  const ProcResult revealed = recon({"explain", "--config", job, "--table", "clientes", "--key", changed_id, "--reveal"});
  EXPECT_NE(revealed.out.find(db_->query("SELECT cpf FROM src.clientes WHERE id = 102")[0][0].c_str()), std::string::npos)
      << revealed.out;
  const auto& contas_categories = table_entry(summary, "contas")["categories"];
  ASSERT_FALSE(contas_categories.empty());
  const json token_key = contas_categories.begin().value()["explain_key"];
  ASSERT_TRUE(token_key.is_array()) << contas_categories.dump();
  const ProcResult by_token = recon({"explain", "--run", "latest", "--config", job, "--table", "contas", "--key", token_key.dump()});
  EXPECT_EQ(by_token.exit_code, 1) << by_token.describe();
  EXPECT_NE(by_token.out.find("recorded:"), std::string::npos) << by_token.out;
  expect_no_leak(by_token, "explain by token");
  const ProcResult show = recon({"show", "latest"});
  expect_no_leak(show, "show");

  // Tokens still tell equal from different: what the run recorded for a changed CPF shows the cpf
  // column differing (tokens on both sides), and history finds both keys — the CPF key by its token.
  const ProcResult recorded = recon({"explain", "--run", "latest", "--config", job, "--table", "clientes", "--key", changed_id});
  expect_no_leak(recorded, "explain --run");
  const std::size_t recorded_at = recorded.out.find("recorded:");
  ASSERT_NE(recorded_at, std::string::npos) << recorded.out;
  const std::size_t cpf_row = recorded.out.find("  cpf ", recorded_at);
  ASSERT_NE(cpf_row, std::string::npos) << recorded.out;
  const std::size_t email_row = recorded.out.find("  email ", recorded_at);
  ASSERT_NE(email_row, std::string::npos);
  const std::string cpf_block = recorded.out.substr(cpf_row, email_row - cpf_row);  // a token is wrapped: 38 characters
  EXPECT_NE(cpf_block.find("tok:"), std::string::npos) << cpf_block;
  EXPECT_NE(cpf_block.find("differs"), std::string::npos) << cpf_block;
  EXPECT_EQ(recorded.out.substr(email_row, recorded.out.find('\n', email_row) - email_row).find("differs"),
            std::string::npos) << "equal values, equal tokens";
  const ProcResult by_id = recon({"history", "--table", "clientes", "--key", changed_id});
  EXPECT_NE(by_id.out.find("changed"), std::string::npos) << by_id.describe();
  EXPECT_NE(by_id.out.find("[\"cpf\"]"), std::string::npos) << by_id.out;
  const ProcResult by_cpf = recon({"history", "--table", "contas", "--key", token_key.dump()});
  EXPECT_NE(by_cpf.out.find("changed"), std::string::npos) << by_cpf.describe();
  expect_no_leak(by_id, "history");
  expect_no_leak(by_cpf, "history by token");

  // A recheck after part of the target was repaired outside recon, then apply: tokens and the
  // rows read back live are enough to repair everything.
  db_->exec("UPDATE tgt.clientes t SET email = s.email FROM src.clientes s WHERE s.id = t.id AND t.id % 103 = 2");
  const ProcResult recheck = recon({"recheck", "--run", "latest", "--config", job});
  EXPECT_EQ(recheck.exit_code, 1) << recheck.describe();
  expect_no_leak(recheck, "recheck");
  const std::string refreshed = read_file(dir_ / "out" / "fixup" / "clientes.sql");
  EXPECT_NE(refreshed.find("not fixed here: 30 converged"), std::string::npos) << refreshed.substr(0, 1500);
  EXPECT_EQ(refreshed.find("tok:"), std::string::npos) << "the refreshed fix-up read the values back";
  EXPECT_NE(first_leak(refreshed, values_), "");
  const ProcResult apply = recon({"apply", "--run", "latest", "--config", job, "--no-progress"});
  EXPECT_EQ(apply.exit_code, 0) << apply.describe();
  expect_no_leak(apply, "apply");
  EXPECT_TRUE(pg_truth(*db_, "src.clientes", "tgt.clientes", "id").zero());
  EXPECT_TRUE(pg_truth(*db_, "src.contas", "tgt.contas", "cpf").zero());
  for (const fs::path& f : outputs_but_fixup(dir_.path())) expect_no_leak(f.string() + " after apply", read_file(f));
  expect_no_leak("audit DB after apply", every_byte(dir_ / "audit.db"));
}

TEST_F(PgPrivacy, ADuplicateSensitiveKeyIsNamedMaskedAndAJobWithoutItsKeyIsRefused) {
  db_->exec("ALTER TABLE tgt.contas DROP CONSTRAINT contas_pkey;"
            "INSERT INTO tgt.contas SELECT cpf, 0 FROM src.contas WHERE limite = 7");
  write_file(dir_ / "dup.toml", pg_job(*db_, "[[tables]]\nsource = \"src.contas\"\ntarget = \"tgt.contas\"\n"
                                             "key = [\"cpf\"]\ntrust_key = true\npii = { cpf = \"cpf\" }\n"));
  const ProcResult dup = recon({"check", "--config", (dir_ / "dup.toml").string(), "--out", (dir_ / "dup").string(),
                                "--no-progress"});
  EXPECT_NE(dup.exit_code, 0) << dup.describe();
  EXPECT_NE((dup.out + dup.err).find("appears twice"), std::string::npos) << dup.describe();
  expect_no_leak(dup, "duplicate key");
  for (const fs::path& f : outputs_but_fixup(dir_ / "dup")) expect_no_leak(f.string(), read_file(f));
  expect_no_leak("audit DB", every_byte(dir_ / "audit.db"));

  const ProcResult no_key = run_recon({"check", "--config", (dir_ / "job.toml").string(), "--out",
                                       (dir_ / "nokey").string(), "--no-progress"},
                                      {{"RECON_PII_KEY", std::nullopt}});
  EXPECT_EQ(no_key.exit_code, 2) << no_key.describe();
  EXPECT_NE(no_key.err.find("RECON_PII_KEY is not set"), std::string::npos) << no_key.err;
  EXPECT_FALSE(fs::exists(dir_ / "nokey"));

  // A misspelt column would leave personal data unmasked: refused before any data moves.
  write_file(dir_ / "typo.toml", pg_job(*db_, "[[tables]]\nsource = \"src.contas\"\ntarget = \"tgt.contas\"\n"
                                              "pii = { cpff = \"cpf\" }\n"));
  const ProcResult typo = recon({"check", "--config", (dir_ / "typo.toml").string(), "--out", (dir_ / "typo").string(),
                                 "--no-progress"});
  EXPECT_EQ(typo.exit_code, 2) << typo.describe();
  EXPECT_NE(typo.err.find("pii names column 'cpff', which target table tgt.contas does not have"), std::string::npos)
      << typo.err;
}

TEST_F(PgPrivacy, AResumedRunWritesValuesNotTokensAndLeavesOutRowsThatChanged) {
  write_file(dir_ / "small.toml", pg_job(*db_, kTables, "chunk_rows = 500"));
  const std::string job = (dir_ / "small.toml").string();
  const ProcResult first = recon({"check", "--config", job, "--out", (dir_ / "out").string(), "--no-progress"});
  ASSERT_EQ(first.exit_code, 1) << first.describe();
  const std::string run_id = read_json(dir_ / "out" / "summary.json")["run_id"];
  {
    // As if the run had stopped half-way; meanwhile the row of a recorded divergence changed.
    SqliteDb audit(dir_ / "audit.db");
    audit.exec("UPDATE runs SET status = 'interrupted' WHERE run_id = '" + run_id + "';"
               "UPDATE ranges SET status = 'planned' WHERE run_id = '" + run_id + "' AND range_index % 2 = 1;");
  }
  db_->exec("UPDATE tgt.clientes SET cpf = '111.222.333-44' WHERE id = 1");  // range 0: done, replayed
  const ProcResult resumed = recon({"check", "--config", job, "--resume", run_id, "--no-progress"});
  ASSERT_EQ(resumed.exit_code, 1) << resumed.describe();
  EXPECT_GT(table_entry(read_json(dir_ / "out" / "summary.json"), "clientes")["ranges_resumed"].get<std::int64_t>(), 0);
  const std::string fixup = read_file(dir_ / "out" / "fixup" / "clientes.sql");
  EXPECT_EQ(fixup.find("tok:"), std::string::npos) << "replayed divergences were read back, not written as tokens";
  EXPECT_NE(fixup.find("1 with personal data changed since recorded"), std::string::npos) << fixup.substr(0, 1500);
  expect_no_leak(resumed, "resume");
  expect_no_leak("audit DB", every_byte(dir_ / "audit.db"));

  // apply repairs every row still as recorded and withholds the one that changed: exit 1, since
  // that row is still divergent, and nothing of it is written.
  const ProcResult apply = recon({"apply", "--run", run_id, "--config", job, "--no-progress", "--json"});
  EXPECT_EQ(apply.exit_code, 1) << apply.describe();
  const json doc = json::parse(apply.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << apply.out;
  std::int64_t withheld = 0;
  for (const auto& t : doc["tables"]) withheld += t["withheld"].get<std::int64_t>();
  EXPECT_EQ(withheld, 1) << apply.out;
  EXPECT_EQ(db_->count("SELECT count(*) FROM ((SELECT * FROM src.clientes EXCEPT SELECT * FROM tgt.clientes) UNION ALL"
                       " (SELECT * FROM tgt.clientes EXCEPT SELECT * FROM src.clientes)) d"), 2)
      << "only the withheld row (id 1, both sides of it) still differs";
  EXPECT_EQ(db_->count("SELECT count(*) FROM tgt.clientes WHERE id = 1 AND cpf = '111.222.333-44'"), 1);
  EXPECT_TRUE(pg_truth(*db_, "src.contas", "tgt.contas", "cpf").zero());
}

}  // namespace
}  // namespace e2e

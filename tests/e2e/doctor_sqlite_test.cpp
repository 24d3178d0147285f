// `recon doctor` on SQLite against SQLite, the real binary: statuses and exit codes from real
// files, the fix it names applied and checked on the engine, the audit entry, and the type
// self-test against docs/canonical-values.md read here from the source tree (docs/doctor.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "e2e_support.hpp"
#include "../support/selftest_doc.hpp"

namespace e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::ContainsRegex;

/// A job over two SQLite files with the given [[tables]] entries.
std::string sqlite_job(const fs::path& src, const fs::path& tgt, const std::string& tables, const std::string& extra = "") {
  return "[source]\nkind = \"sqlite\"\nurl = " + toml_str(src.string()) + "\n[target]\nkind = \"sqlite\"\nurl = " +
         toml_str(tgt.string()) + "\n" + extra + tables;
}

ProcResult doctor(const fs::path& job, const std::vector<std::string>& more = {}, const EnvEdits& env = {}) {
  std::vector<std::string> args{"doctor", "--config", job.string()};
  args.insert(args.end(), more.begin(), more.end());
  return run_recon(args, env);
}

json doctor_json(const fs::path& job, int expected_exit, const EnvEdits& env = {}) {
  const ProcResult r = doctor(job, {"--json"}, env);
  EXPECT_EQ(r.exit_code, expected_exit) << r.describe();
  return json::parse(r.out);
}

/// The checks of `j` with this id (and side / table when given).
std::vector<json> checks(const json& j, const std::string& id, const std::string& side = "", const std::string& table = "") {
  std::vector<json> out;
  for (const json& c : j["checks"])
    if (c["check"] == id && (side.empty() || c["side"] == side) && (table.empty() || c["table"] == table)) out.push_back(c);
  return out;
}

std::string status(const json& j, const std::string& id, const std::string& side = "", const std::string& table = "") {
  const auto cs = checks(j, id, side, table);
  return cs.size() == 1 ? cs[0]["status"].get<std::string>() : "(" + std::to_string(cs.size()) + " checks)";
}

/// Two files holding the same clean table: INTEGER PRIMARY KEY, analysed.
void clean_pair(const fs::path& src, const fs::path& tgt) {
  for (const fs::path& p : {src, tgt}) {
    SqliteDb db(p);
    db.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, amount NUMERIC(10,2));"
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 200)"
            " INSERT INTO orders SELECT i, 'c' || i, i * 1.25 FROM s; ANALYZE;");
  }
}

TEST(DoctorSqlite, CleanJobIsExitZeroEveryCheckOkOrSkipAndTextMatchesJson) {
  TempDir dir("doctor_clean");
  clean_pair(dir / "a.db", dir / "b.db");
  write_file(dir / "job.toml", sqlite_job(dir / "a.db", dir / "b.db", "[[tables]]\nsource = \"orders\"\ntarget = \"orders\"\n"));
  const json j = doctor_json(dir / "job.toml", 0);
  for (const json& c : j["checks"]) EXPECT_TRUE(c["status"] == "OK" || c["status"] == "SKIP") << c.dump();
  EXPECT_EQ(status(j, "connect", "source"), "OK");
  EXPECT_EQ(status(j, "table.key", "", "orders"), "OK");
  EXPECT_EQ(status(j, "table.statistics", "target", "orders"), "OK");
  EXPECT_EQ(status(j, "table.estimate", "", "orders"), "OK");
  EXPECT_EQ(status(j, "table.range_read", "source", "orders"), "OK");
  EXPECT_EQ(status(j, "self_test", "source"), "OK");
  EXPECT_EQ(status(j, "clock", "source"), "SKIP");  // SQLite has no clock of its own
  EXPECT_EQ(j["sides"]["source"]["product"], "SQLite");
  EXPECT_EQ(j["sides"]["target"]["database"], (dir / "b.db").string());

  // The text says the same: with --all one line per JSON check, starting with its status and id,
  // and the counts.
  const ProcResult text = doctor(dir / "job.toml", {"--all"});
  ASSERT_EQ(text.exit_code, 0) << text.describe();
  std::size_t lines = 0;
  std::istringstream in(text.out);
  std::string line;
  std::vector<std::pair<std::string, std::string>> seen;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string st, id;
    words >> st >> id;
    if (st == "OK" || st == "WARN" || st == "FAIL" || st == "SKIP") seen.emplace_back(st, id), ++lines;
  }
  ASSERT_EQ(lines, j["checks"].size()) << text.out;
  for (std::size_t i = 0; i < lines; ++i) {
    EXPECT_EQ(seen[i].first, j["checks"][i]["status"]);
    EXPECT_EQ(seen[i].second, j["checks"][i]["check"]);
  }
  const json& n = j["counts"];
  EXPECT_THAT(text.out, HasSubstr(std::to_string(n["ok"].get<int>()) + " OK, 0 WARN, 0 FAIL, " +
                                  std::to_string(n["skip"].get<int>()) + " SKIP: exit 0"));

  // Without --all the table's quiet checks share one row naming each; the counts stay per check.
  const ProcResult folded = doctor(dir / "job.toml");
  ASSERT_EQ(folded.exit_code, 0) << folded.describe();
  EXPECT_THAT(folded.out, Not(HasSubstr("table.select"))) << folded.out;
  EXPECT_THAT(folded.out, ContainsRegex("OK +table +orders +OK: select, write, key, columns")) << folded.out;
  EXPECT_THAT(folded.out, HasSubstr(std::to_string(n["ok"].get<int>()) + " OK, 0 WARN")) << folded.out;
}

TEST(DoctorSqlite, KeyWithoutIndexWarnsNamingTheIndexThatThenMakesItOk) {
  TempDir dir("doctor_index");
  for (const char* f : {"a.db", "b.db"}) {
    SqliteDb db(dir / f);
    db.exec("CREATE TABLE t (code TEXT, v INTEGER); INSERT INTO t VALUES ('x', 1), ('y', 2); ANALYZE;");
  }
  write_file(dir / "job.toml", sqlite_job(dir / "a.db", dir / "b.db",
                                          "[[tables]]\nsource = \"t\"\ntarget = \"t\"\nkey = [\"code\"]\ntrust_key = true\n"));
  const json j = doctor_json(dir / "job.toml", 1);
  const auto warn = checks(j, "table.range_read", "target", "t");
  ASSERT_EQ(warn.size(), 1u);
  EXPECT_EQ(warn[0]["status"], "WARN");
  const std::string create = warn[0]["detail"]["create_index"];
  EXPECT_EQ(create, R"(CREATE INDEX "t_code_idx" ON "t" ("code"))");
  EXPECT_THAT(warn[0]["fix"].get<std::string>(), HasSubstr(create));
  EXPECT_EQ(status(j, "table.key", "", "t"), "WARN");  // unique only by trust_key

  // The engine's own plan agrees, before and after the index doctor named.
  SqliteDb b(dir / "b.db");
  auto plan = [&] {
    std::string all;
    for (const auto& row : b.rows("EXPLAIN QUERY PLAN SELECT \"code\", \"v\" FROM \"t\" ORDER BY \"code\" COLLATE BINARY"))
      all += row[3] + ";";
    return all;
  };
  EXPECT_THAT(plan(), HasSubstr("USE TEMP B-TREE FOR ORDER BY"));
  b.exec(create);
  EXPECT_THAT(plan(), Not(HasSubstr("TEMP B-TREE")));
  const json after = doctor_json(dir / "job.toml", 1);
  EXPECT_EQ(status(after, "table.range_read", "target", "t"), "OK");
  EXPECT_EQ(status(after, "table.range_read", "source", "t"), "WARN");
}

TEST(DoctorSqlite, NocaseKeyWithCaseVariantsWarnsCollationAndCollisionsMasked) {
  TempDir dir("doctor_nocase");
  for (const char* f : {"a.db", "b.db"}) {
    SqliteDb db(dir / f);
    db.exec("CREATE TABLE people (email TEXT COLLATE NOCASE, n INTEGER);"
            "CREATE UNIQUE INDEX people_email ON people (email COLLATE BINARY);"
            "INSERT INTO people VALUES ('ana@x.org', 1), ('ANA@x.org', 2), ('bia@x.org', 3), ('Bia@X.org', 4),"
            " ('caio@x.org', 5);");
  }
  // Truth on the engine: keys another key equals under NOCASE.
  SqliteDb a(dir / "a.db");
  const std::int64_t colliding =
      a.count("SELECT count(*) FROM people WHERE lower(email) IN "
              "(SELECT lower(email) FROM people GROUP BY lower(email) HAVING count(*) > 1)");
  ASSERT_EQ(colliding, 4);
  write_file(dir / "job.toml",
             sqlite_job(dir / "a.db", dir / "b.db",
                        "[[tables]]\nsource = \"people\"\ntarget = \"people\"\nkey = [\"email\"]\npii = { email = \"email\" }\n"));
  const json j = doctor_json(dir / "job.toml", 1, {{"RECON_PII_KEY", "doctor-e2e-test-secret-key"}});
  EXPECT_EQ(status(j, "table.collation", "source", "people"), "WARN");
  const auto c = checks(j, "table.collisions", "source", "people");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0]["status"], "WARN");
  EXPECT_EQ(c[0]["detail"]["colliding_keys"], colliding);
  EXPECT_EQ(c[0]["detail"]["scanned"], 5);
  EXPECT_EQ(c[0]["detail"]["examples"].size(), 3u);
  // Masked as reports mask the key (pii): no address appears anywhere in the report.
  const ProcResult text = doctor(dir / "job.toml", {}, {{"RECON_PII_KEY", "doctor-e2e-test-secret-key"}});
  for (const char* raw : {"ana@x.org", "ANA@x.org", "bia@x.org", "Bia@X.org"}) {
    EXPECT_THAT(j.dump(), Not(HasSubstr(raw)));
    EXPECT_THAT(text.out, Not(HasSubstr(raw)));
  }
}

TEST(DoctorSqlite, RefusedColumnIsExitTwoWithTheOtherChecksStillPrinted) {
  TempDir dir("doctor_refused");
  clean_pair(dir / "a.db", dir / "b.db");
  {
    SqliteDb b(dir / "b.db");
    b.exec("CREATE TABLE shifts (id INTEGER PRIMARY KEY, starts TIMETZ)");
    SqliteDb a(dir / "a.db");
    a.exec("CREATE TABLE shifts (id INTEGER PRIMARY KEY, starts TIMETZ)");
  }
  write_file(dir / "job.toml", sqlite_job(dir / "a.db", dir / "b.db",
                                          "[[tables]]\nsource = \"shifts\"\ntarget = \"shifts\"\n"
                                          "[[tables]]\nsource = \"orders\"\ntarget = \"orders\"\n"));
  const json j = doctor_json(dir / "job.toml", 2);
  const auto refused = checks(j, "table.columns", "", "shifts");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0]["status"], "FAIL");
  EXPECT_THAT(refused[0]["summary"].get<std::string>(), HasSubstr("starts"));
  EXPECT_THAT(refused[0]["summary"].get<std::string>(), HasSubstr("TIMETZ"));
  EXPECT_EQ(status(j, "connect", "target"), "OK");
  EXPECT_EQ(status(j, "table.range_read", "source", "orders"), "OK");  // the other table is checked
  const ProcResult text = doctor(dir / "job.toml", {"--all"});
  EXPECT_EQ(text.exit_code, 2) << text.describe();
  EXPECT_THAT(text.out, HasSubstr("table.range_read"));
  EXPECT_THAT(text.out, HasSubstr("exit 2"));
}

TEST(DoctorSqlite, MissingDatabaseFileIsExitThreeTheOtherSideStillChecked) {
  TempDir dir("doctor_missing");
  clean_pair(dir / "a.db", dir / "b.db");
  write_file(dir / "job.toml", sqlite_job(dir / "a.db", dir / "nosuch" / "b.db",
                                          "[[tables]]\nsource = \"orders\"\ntarget = \"orders\"\n"));
  const json j = doctor_json(dir / "job.toml", 3);
  EXPECT_EQ(status(j, "connect", "source"), "OK");
  const auto c = checks(j, "connect", "target");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0]["status"], "FAIL");
  EXPECT_THAT(c[0]["summary"].get<std::string>(), HasSubstr("does not exist"));
  EXPECT_EQ(status(j, "self_test", "source"), "OK");
  EXPECT_EQ(status(j, "table.select", "target", "orders"), "SKIP");
  EXPECT_TRUE(j["sides"]["target"]["product"].is_null());
}

TEST(DoctorSqlite, UnknownTableIsASelectFailNamingItExitOne) {
  TempDir dir("doctor_unknown");
  clean_pair(dir / "a.db", dir / "b.db");
  write_file(dir / "job.toml", sqlite_job(dir / "a.db", dir / "b.db",
                                          "[[tables]]\nsource = \"orders\"\ntarget = \"orderz\"\n"
                                          "[[tables]]\nsource = \"orders\"\ntarget = \"orders\"\n"));
  const json j = doctor_json(dir / "job.toml", 1);
  const auto c = checks(j, "table.select", "target", "orderz");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0]["status"], "FAIL");
  EXPECT_THAT(c[0]["summary"].get<std::string>(), HasSubstr("orderz"));
  EXPECT_EQ(status(j, "table.select", "source", "orderz"), "OK");
  EXPECT_EQ(status(j, "table.range_read", "target", "orders"), "OK");
}

TEST(DoctorSqlite, BadJobFileIsExitTwoAndNothingIsWritten) {
  TempDir dir("doctor_badjob");
  write_file(dir / "job.toml", "[source]\nkind = \"sqlite\"\nurl = \"a.db\"\n[[tables]\n");
  const ProcResult r = doctor(dir / "job.toml");
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_THAT(r.err, HasSubstr("job.toml"));
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_FALSE(fs::exists(dir / "recon-audit.db"));
}

TEST(DoctorSqlite, AuditGainsOneDoctorRunsRowAndNoRunAndTheChainVerifies) {
  TempDir dir("doctor_audit");
  clean_pair(dir / "a.db", dir / "b.db");
  write_file(dir / "job.toml", sqlite_job(dir / "a.db", dir / "b.db", "[[tables]]\nsource = \"orders\"\ntarget = \"orders\"\n"));
  const ProcResult r = doctor(dir / "job.toml", {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  {
    SqliteDb audit(dir / "recon-audit.db");
    EXPECT_EQ(audit.count("SELECT count(*) FROM doctor_runs"), 1);
    EXPECT_EQ(audit.count("SELECT count(*) FROM runs"), 0);
    EXPECT_EQ(audit.count("SELECT count(*) FROM chain WHERE tbl = 'doctor_runs'"), 1);
    const auto row = audit.rows("SELECT exit_code, ok, skip, job_file, report_json FROM doctor_runs");
    EXPECT_EQ(row[0][0], "0");
    const json printed = json::parse(r.out);
    EXPECT_EQ(row[0][1], std::to_string(printed["counts"]["ok"].get<int>()));
    EXPECT_EQ(json::parse(row[0][4])["checks"], printed["checks"]);
  }
  const ProcResult verify = run_recon({"audit", "verify", "--audit", (dir / "recon-audit.db").string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.describe();
  const ProcResult list = run_recon({"audit", "doctor", "--audit", (dir / "recon-audit.db").string(), "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.describe();
  const json l = json::parse(list.out);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0]["exit_code"], 0);
  EXPECT_EQ(l[0]["job"], (dir / "job.toml").string());
  const ProcResult runs = run_recon({"runs", "--audit", (dir / "recon-audit.db").string()});
  EXPECT_THAT(runs.out, Not(HasSubstr("doctor")));
}

/// The rows of `### Self-test: <name>` in docs/canonical-values.md, read independently of recon.
std::vector<selftest_doc::Row> doc_rows(const std::string& name) {
  return selftest_doc::read(std::string(RECON_SOURCE_DIR) + "/docs/canonical-values.md", name);
}

TEST(DoctorSqlite, SelfTestCasesAreTheDocsRowsOneForOneAndAllPass) {
  TempDir dir("doctor_selftest");
  clean_pair(dir / "a.db", dir / "b.db");
  write_file(dir / "job.toml", sqlite_job(dir / "a.db", dir / "b.db", "[[tables]]\nsource = \"orders\"\ntarget = \"orders\"\n"));
  const json j = doctor_json(dir / "job.toml", 0);
  const auto rows = doc_rows("sqlite");
  ASSERT_GE(rows.size(), 40u);
  for (const char* side : {"source", "target"}) {
    const json& st = j["self_test"][side];
    EXPECT_EQ(st["name"], "sqlite");
    ASSERT_EQ(st["cases"].size(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const json& c = st["cases"][i];
      EXPECT_EQ(c["type"], rows[i].type);
      EXPECT_EQ(c["literal"], rows[i].literal);
      EXPECT_EQ(c["expected"], rows[i].canonical);
      EXPECT_EQ(c["got"], rows[i].canonical) << rows[i].type << " " << rows[i].literal;
      EXPECT_EQ(c["ok"], true);
    }
    EXPECT_EQ(st["failed"], 0);
  }
}

}  // namespace
}  // namespace e2e

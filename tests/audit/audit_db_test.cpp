// AuditDb: schema creation and checks, a fake run's rows (v1 and v2 columns), JSON rendering, no passwords.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <string>
#include <vector>

#include "audit_test_support.hpp"
#include "recon/core/errors.hpp"

namespace recon {
namespace {

using namespace audit_test;
using ::testing::HasSubstr;

TEST(AuditDb, RecordsAFakeRun) {
  TempDir dir("run");
  const fs::path file = dir.path / "sub" / "recon-audit.db";

  TableJob job;
  TableContext ctx;
  ctx.job = &job;
  ctx.name = "clientes";
  ctx.target_keys = {column("id", TypeClass::Integer), column("uf", TypeClass::Text)};
  ctx.target_values = {column("nome", TypeClass::Text), column("saldo", TypeClass::Decimal)};

  RunOptions opts;
  opts.job_file = "/jobs/nightly.toml";
  opts.job_hash = "abcd";
  opts.mode = Mode::Sample;
  opts.seed = 18446744073709551615ull;
  opts.sample_rate = 0.25;
  opts.source.kind = EngineKind::Postgres;
  opts.source.url = "postgresql://recon:s3cret@db/src";
  opts.target.kind = EngineKind::Sqlite;
  opts.target.url = "/data/t.db";
  RunResult run;
  run.run_id = "20261123T101500Z-3f9a";
  run.started_at = "2026-11-23T10:15:00Z";

  {
    AuditDb audit;
    audit.open(file);
    audit.begin_run(AuditRunInfo::from(opts, run, "0.1.0"));
    audit.begin_table(ctx);
    audit.divergences(ctx, {divergence(Category::MissingInTarget, 1, "Ana \"A\"", nullptr),
                            divergence(Category::MissingInSource, 2, nullptr, "Bia")});
    Divergence changed = divergence(Category::Changed, 3, "Caio", "Kaio", {0});
    changed.finding = {"name_typo", 3, Action::Report, "nome-typo", "nome: rule nome-typo (one letter)",
                       {}, Status::Open, 2, 0};
    audit.divergences(ctx, {changed});
    TableResult tr;
    tr.name = "clientes";
    tr.source = "dbo.Clientes";
    tr.target = "public.clientes";
    tr.rows_compared = 10;
    tr.matched = 7;
    tr.missing_in_target = tr.missing_in_source = tr.changed = 1;
    tr.tolerated = 2;
    tr.converged = 1;
    tr.escalated = 1;
    tr.categories["trailing_space"] = {2, 4, Action::Tolerate, {}, {}};
    tr.categories["changed"] = {1, 2, Action::Escalate, {}, {}};
    tr.notes = {"uf: on one side only", "odd note password=hunter2"};
    audit.end_table(ctx, tr);

    run.finished_at = "2026-11-23T10:15:42Z";
    run.status = "divergent";
    tr.partial = true;
    tr.error = "target lost: password=hunter2";
    run.tables = {tr};
    audit.finish_run(run);
  }

  EXPECT_EQ(query(file, "SELECT version FROM schema_version"), std::vector<std::string>{"8"});
  EXPECT_EQ(query(file, "PRAGMA journal_mode"), std::vector<std::string>{"wal"});
  const auto runs = query(file,
                          "SELECT run_id, started_at, finished_at, job_file, job_hash, mode, seed, sample_rate, status,"
                          " consistency_index, source_endpoint, target_endpoint, recon_version, error FROM runs");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0],
            "20261123T101500Z-3f9a|2026-11-23T10:15:00Z|2026-11-23T10:15:42Z|/jobs/nightly.toml|abcd|sample|"
            "18446744073709551615|0.25|divergent|~|postgres postgresql://recon:***@db/src|sqlite /data/t.db|0.1.0|~")
      << "a partial table: the run has no index (never a false all-clear)";
  EXPECT_EQ(query(file, "SELECT host IS NOT NULL AND user IS NOT NULL FROM runs"), std::vector<std::string>{"1"});

  const auto tables = query(file,
                            "SELECT table_name, source, target, rows_compared, matched, missing_in_target,"
                            " missing_in_source, changed, consistency_index, partial, error FROM table_results");
  ASSERT_EQ(tables.size(), 1u);  // finish_run replaced the end_table row
  EXPECT_EQ(tables[0], "clientes|dbo.Clientes|public.clientes|10|7|1|1|1|~|1|target lost: password=***");
  EXPECT_EQ(query(file, "SELECT tolerated, in_flight, converged, suspended, escalated, categories_json, notes_json"
                        " FROM table_results"),
            std::vector<std::string>{
                R"(2|0|1|0|1|{"changed":{"count":1,"severity":"P2","action":"escalate"},)"
                R"("trailing_space":{"count":2,"severity":"P4","action":"tolerate"}}|)"
                R"(["uf: on one side only","odd note password=***"])"});

  const auto divs = query(file,
                          "SELECT table_name, key_json, category, columns_json, source_values_json,"
                          " target_values_json, length(source_digest), length(target_digest) FROM divergences ORDER BY id");
  ASSERT_EQ(divs.size(), 3u);
  EXPECT_EQ(divs[0], R"(clientes|[1,"SP"]|missing_in_target|~|{"nome":"Ana \"A\"","saldo":"10.5"}|~|32|~)");
  EXPECT_EQ(divs[1], R"(clientes|[2,"SP"]|missing_in_source|~|~|{"nome":"Bia","saldo":"10.5"}|~|32)");
  EXPECT_EQ(divs[2], R"(clientes|[3,"SP"]|changed|["nome"]|{"nome":"Caio"}|{"nome":"Kaio"}|32|32)");

  // Version 2: canonical encodings (exactly the Divergence's bytes, NULL for an absent side) and
  // the finding.
  const Divergence first = divergence(Category::MissingInTarget, 1, "Ana \"A\"", nullptr);
  std::string upper_key = canon::format_hex(first.key), upper_src = canon::format_hex(first.source_values);
  for (char& c : upper_key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (char& c : upper_src) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(query(file, "SELECT hex(key_canon), hex(source_canon) FROM divergences WHERE id = 1"),
            std::vector<std::string>{upper_key + "|" + upper_src});
  const auto findings = query(file,
                              "SELECT source_canon IS NULL, target_canon IS NULL, columns_idx, finding_category,"
                              " severity, action, rule, explanation, fix_columns_idx, status, recheck_attempts,"
                              " converged_after_s FROM divergences ORDER BY id");
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ(findings[0], "0|1|~|missing_in_target|2|fix|||~|open|0|~");
  EXPECT_EQ(findings[1], "1|0|~|missing_in_source|2|fix|||~|open|0|~");
  EXPECT_EQ(findings[2], "0|0|0|name_typo|3|report|nome-typo|nome: rule nome-typo (one letter)||open|2|~");

  // Reopening an existing trail works and appends.
  AuditDb again;
  again.open(file);
  RunResult second = run;
  second.run_id = "second";
  again.begin_run(AuditRunInfo::from(opts, second, "0.1.0"));
  EXPECT_EQ(query(file, "SELECT count(*) FROM runs"), std::vector<std::string>{"2"});

  // No password anywhere in the file.
  again.close();
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ifstream wal(file.string() + "-wal", std::ios::binary);
  const std::string wal_bytes((std::istreambuf_iterator<char>(wal)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find("s3cret"), std::string::npos);
  EXPECT_EQ(bytes.find("hunter2"), std::string::npos);
  EXPECT_EQ(wal_bytes.find("hunter2"), std::string::npos);
}

TEST(AuditDb, RefusesNewerSchema) {
  TempDir dir("newer");
  const fs::path file = dir.path / "a.db";
  { AuditDb a; a.open(file); }
  query(file, "UPDATE schema_version SET version = 9");
  AuditDb b;
  try {
    b.open(file);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("schema version 9, newer than this recon understands (8)"));
    EXPECT_THAT(e.what(), HasSubstr(file.string()));
  }
  EXPECT_FALSE(b.is_open());
}

TEST(AuditDb, RefusesForeignFiles) {
  TempDir dir("foreign");
  const fs::path text = dir.path / "notes.txt";
  std::ofstream(text) << "this is not a database, just some text that is long enough to have a header......\n";
  AuditDb a;
  EXPECT_THROW(a.open(text), InputError);

  const fs::path other = dir.path / "other.db";
  query(other, "CREATE TABLE x (y)");  // a SQLite file of someone else
  EXPECT_THROW(a.open(other), InputError);
}

TEST(AuditDb, ValuesJson) {
  std::string v;
  canon::put_null(v);
  canon::put_float(v, 1.5);
  canon::put_invalid(v, "abc");
  const std::vector<ColumnInfo> cols = {column("a\"", TypeClass::Text), column("b", TypeClass::Float),
                                        column("c", TypeClass::Integer)};
  EXPECT_EQ(AuditDb::values_json(cols, v, nullptr), R"({"a\"":null,"b":1.5,"c":{"invalid":"abc"}})");
  const std::vector<std::uint32_t> only = {2};
  EXPECT_EQ(AuditDb::values_json(cols, v, &only), R"({"c":{"invalid":"abc"}})");
}

TEST(AuditDb, MisuseIsALogicError) {
  AuditDb a;
  TableContext ctx;
  EXPECT_THROW(a.divergences(ctx, {}), std::logic_error);
}

}  // namespace
}  // namespace recon

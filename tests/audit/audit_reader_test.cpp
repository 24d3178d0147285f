// AuditDb read-back for `recon recheck` / `recon explain`, recheck recording, v1 → v2 migration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "audit_test_support.hpp"
#include "recon/core/errors.hpp"

namespace recon {
namespace {

using namespace audit_test;
using ::testing::HasSubstr;

/// A finished run "r1" over clientes and produtos with one divergence per status.
void record_run(const fs::path& file) {
  FakeTable clientes, produtos("produtos");
  AuditDb audit;
  audit.open(file);
  audit.begin_run(run_info("r1", "2026-11-23T10:15:00Z"));
  audit.begin_table(clientes.ctx);
  Divergence open = divergence(Category::Changed, 1, "Caio", "Kaio", {0});
  open.finding = {"name_typo", 3, Action::Escalate, "nome-typo", "nome: rule nome-typo", {0}, Status::Open, 0, 0};
  Divergence tolerated = divergence(Category::Changed, 2, "Bia ", "Bia", {0});
  tolerated.finding = {"trailing_space", 4, Action::Tolerate, "trim", "nome: equal after trimming", {},
                       Status::Tolerated, 0, 0};
  Divergence in_flight = divergence(Category::MissingInTarget, 3, "Davi", nullptr);
  in_flight.finding.status = Status::InFlight;
  Divergence converged = divergence(Category::MissingInSource, 4, nullptr, "Eva");
  converged.finding.status = Status::Converged;
  converged.finding.converged_after_s = 2.5;
  converged.finding.recheck_attempts = 1;
  Divergence suspended = divergence(Category::Changed, 5, "Fabio", "Fábio", {0});
  suspended.finding.status = Status::Suspended;
  suspended.finding.recheck_attempts = 3;
  audit.divergences(clientes.ctx, {open, tolerated, in_flight});
  audit.begin_table(produtos.ctx);
  audit.divergences(produtos.ctx, {divergence(Category::MissingInTarget, 9, "Cota", nullptr)});
  audit.divergences(clientes.ctx, {converged, suspended});
  TableResult c, p;
  c.name = "clientes";
  p.name = "produtos";
  audit.end_table(produtos.ctx, p);
  audit.end_table(clientes.ctx, c);
  RunResult run;
  run.run_id = "r1";
  run.finished_at = "2026-11-23T10:15:42Z";
  run.status = "divergent";
  run.tables = {c, p};  // the run's order: finish_run rewrites them last
  audit.finish_run(run);
}

TEST(AuditReader, FindsRunsLatestAndUnknown) {
  TempDir dir("runs");
  const fs::path file = dir.path / "a.db";
  record_run(file);
  {
    AuditDb audit;
    audit.open(file);
    audit.begin_run(run_info("r2", "2026-11-24T02:00:00Z"));
  }
  AuditDb audit;
  audit.open(file);  // no begin_run: the readers work on a file opened to read
  const auto r1 = audit.find_run("r1");
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->run_id, "r1");
  EXPECT_EQ(r1->started_at, "2026-11-23T10:15:00Z");
  EXPECT_EQ(r1->finished_at, "2026-11-23T10:15:42Z");
  EXPECT_EQ(r1->job_file, "/jobs/nightly.toml");
  EXPECT_EQ(r1->job_hash, "abcd");
  EXPECT_EQ(r1->mode, "full");
  EXPECT_EQ(r1->status, "divergent");
  EXPECT_DOUBLE_EQ(r1->started_epoch, 1795428900.0);
  EXPECT_DOUBLE_EQ(r1->consistency_index, 1.0);
  // r2 never finished and its heartbeat is long stale: opening the file marked it abandoned, and
  // "latest" is the newest finished run.
  const auto r2 = audit.find_run("r2");
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, "abandoned");
  EXPECT_TRUE(r2->resumable());
  EXPECT_EQ(r2->finished_at, "2026-11-24T02:00:00Z") << "it ended with its last heartbeat";
  const auto latest = audit.find_run("latest");
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->run_id, "r1");
  EXPECT_EQ(audit.newer_unfinished(*latest)->run_id, "r2");
  EXPECT_FALSE(audit.find_run("nope"));
  EXPECT_EQ(audit.run_tables("r1"), (std::vector<std::string>{"clientes", "produtos"}));
  EXPECT_TRUE(audit.run_tables("nope").empty());

  TempDir empty_dir("empty");
  AuditDb empty;
  empty.open(empty_dir.path / "b.db");
  EXPECT_FALSE(empty.find_run("latest"));
}

TEST(AuditReader, OpenDivergencesRoundTrip) {
  TempDir dir("open");
  const fs::path file = dir.path / "a.db";
  record_run(file);
  AuditDb audit;
  audit.open(file);
  const auto all = audit.open_divergences("r1");
  ASSERT_EQ(all.size(), 4u);  // open, in_flight, suspended (clientes) + open (produtos); id order
  EXPECT_EQ(all[0].key_json, R"([1,"SP"])");
  EXPECT_EQ(all[1].key_json, R"([3,"SP"])");
  EXPECT_EQ(all[2].table_name, "produtos");
  EXPECT_EQ(all[3].key_json, R"([5,"SP"])");

  const StoredDivergence& d = all[0];
  const Divergence want = divergence(Category::Changed, 1, "Caio", "Kaio", {0});
  EXPECT_GT(d.id, 0);
  EXPECT_EQ(d.run_id, "r1");
  EXPECT_EQ(d.table_name, "clientes");
  EXPECT_EQ(d.key, want.key);
  EXPECT_EQ(d.category, Category::Changed);
  EXPECT_EQ(d.columns, (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(d.source_values, want.source_values);
  EXPECT_EQ(d.target_values, want.target_values);
  EXPECT_EQ(d.finding.category, "name_typo");
  EXPECT_EQ(d.finding.severity, 3);
  EXPECT_EQ(d.finding.action, Action::Escalate);
  EXPECT_EQ(d.finding.rule, "nome-typo");
  EXPECT_EQ(d.finding.explanation, "nome: rule nome-typo");
  EXPECT_EQ(d.finding.fix_columns, (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(d.finding.status, Status::Open);

  const StoredDivergence& missing = all[1];
  EXPECT_EQ(missing.category, Category::MissingInTarget);
  EXPECT_TRUE(missing.columns.empty());
  EXPECT_EQ(missing.source_values, divergence(Category::MissingInTarget, 3, "Davi", nullptr).source_values);
  EXPECT_TRUE(missing.target_values.empty());
  EXPECT_EQ(missing.finding.status, Status::InFlight);
  EXPECT_EQ(missing.finding.category, "missing_in_target");
  EXPECT_EQ(missing.finding.action, Action::Fix);
  EXPECT_EQ(all[3].finding.status, Status::Suspended);
  EXPECT_EQ(all[3].finding.recheck_attempts, 3);

  const auto only = audit.open_divergences("r1", "produtos");
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(only[0].key_json, R"([9,"SP"])");
  EXPECT_TRUE(audit.open_divergences("nope").empty());
}

TEST(AuditReader, FindDivergenceByKeyJson) {
  TempDir dir("find");
  const fs::path file = dir.path / "a.db";
  record_run(file);
  AuditDb audit;
  audit.open(file);
  const auto tolerated = audit.find_divergence("r1", "clientes", " [ 2 , \"SP\" ]\n");
  ASSERT_TRUE(tolerated);  // any status, whitespace outside strings ignored
  EXPECT_EQ(tolerated->finding.status, Status::Tolerated);
  EXPECT_EQ(tolerated->finding.category, "trailing_space");
  const auto converged = audit.find_divergence("r1", "clientes", R"([4,"SP"])");
  ASSERT_TRUE(converged);
  EXPECT_EQ(converged->category, Category::MissingInSource);
  EXPECT_TRUE(converged->source_values.empty());
  EXPECT_DOUBLE_EQ(converged->finding.converged_after_s, 2.5);
  EXPECT_EQ(converged->finding.recheck_attempts, 1);
  EXPECT_FALSE(audit.find_divergence("r1", "clientes", R"([2,"S P"])"));  // spaces inside strings count
  EXPECT_FALSE(audit.find_divergence("r1", "produtos", R"([2,"SP"])"));
  EXPECT_FALSE(audit.find_divergence("nope", "clientes", R"([2,"SP"])"));
}

TEST(AuditReader, BareScalarIsAOneColumnKey) {
  TempDir dir("scalar");
  const fs::path file = dir.path / "a.db";
  FakeTable t("contas");
  t.ctx.target_keys = {column("id", TypeClass::Integer)};
  Divergence d = divergence(Category::MissingInTarget, 0, "x", nullptr);
  d.key.clear();
  canon::put_integer(d.key, 42);
  AuditDb audit;
  audit.open(file);
  audit.begin_run(run_info("r1", "2026-11-23T10:15:00Z"));
  audit.begin_table(t.ctx);
  audit.divergences(t.ctx, {d});
  EXPECT_TRUE(audit.find_divergence("r1", "contas", "42"));
  EXPECT_TRUE(audit.find_divergence("r1", "contas", "[42]"));
  EXPECT_FALSE(audit.find_divergence("r1", "contas", "43"));
}

TEST(AuditReader, RecordRecheckUpdatesTheOriginalRow) {
  TempDir dir("recheck");
  const fs::path file = dir.path / "a.db";
  record_run(file);
  AuditDb audit;
  audit.open(file);
  const auto before = audit.open_divergences("r1", "clientes");
  ASSERT_EQ(before.size(), 3u);

  // The open changed row converged: both sides now read "Caio".
  Divergence now = divergence(Category::Changed, 1, "Caio", "Caio", {});
  now.finding = before[0].finding;
  now.finding.status = Status::Converged;
  now.finding.recheck_attempts = before[0].finding.recheck_attempts + 1;
  now.finding.converged_after_s = 31.5;
  now.finding.explanation = "equal on recheck 1";
  audit.record_recheck(before[0].id, "rc-1", "2026-11-23T10:16:00Z", now, privacy::TablePrivacy());
  // The in-flight missing row is still missing: open now.
  Divergence still = divergence(Category::MissingInTarget, 3, "Davi", nullptr);
  still.finding.status = Status::Open;
  still.finding.recheck_attempts = 1;
  audit.record_recheck(before[1].id, "rc-1", "2026-11-23T10:16:01Z", still, privacy::TablePrivacy());

  const auto after = audit.open_divergences("r1", "clientes");
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].id, before[1].id);
  EXPECT_EQ(after[0].finding.status, Status::Open);
  EXPECT_EQ(after[0].finding.recheck_attempts, 1);

  const auto row = audit.find_divergence("r1", "clientes", R"([1,"SP"])");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->finding.status, Status::Converged);
  EXPECT_EQ(row->finding.recheck_attempts, 1);
  EXPECT_DOUBLE_EQ(row->finding.converged_after_s, 31.5);
  EXPECT_EQ(row->finding.explanation, "equal on recheck 1");
  EXPECT_EQ(row->finding.category, "name_typo");
  EXPECT_EQ(row->target_values, before[0].target_values);  // values as first found stay
  EXPECT_EQ(row->category, Category::Changed);

  const auto rechecks = query(file,
                              "SELECT divergence_id, run_id, recheck_id, checked_at, status, finding_category, severity,"
                              " action, explanation, source_canon IS NULL, target_canon IS NULL FROM rechecks ORDER BY id");
  ASSERT_EQ(rechecks.size(), 2u);
  EXPECT_EQ(rechecks[0], std::to_string(before[0].id) +
                             "|r1|rc-1|2026-11-23T10:16:00Z|converged|name_typo|3|escalate|equal on recheck 1|0|0");
  EXPECT_EQ(rechecks[1], std::to_string(before[1].id) +
                             "|r1|rc-1|2026-11-23T10:16:01Z|open|missing_in_target|2|fix||0|1");
  EXPECT_EQ(query(file, "SELECT count(*) FROM rechecks r JOIN divergences d ON d.id = r.divergence_id"
                        " WHERE hex(r.target_canon) = hex(d.source_canon)"),
            std::vector<std::string>{"1"});  // the converged recheck stored what it saw

  EXPECT_THROW(audit.record_recheck(999999, "rc-1", "2026-11-23T10:16:02Z", now, privacy::TablePrivacy()), std::invalid_argument);
}

// ---- a file written by a version 1 recon ------------------------------------------------------

constexpr const char* kV1Schema = R"sql(
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (1);
CREATE TABLE runs (
  run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, host TEXT, user TEXT, job_file TEXT,
  job_hash TEXT, mode TEXT NOT NULL, seed TEXT, sample_rate REAL, status TEXT NOT NULL, consistency_index REAL,
  source_endpoint TEXT, target_endpoint TEXT, recon_version TEXT, error TEXT);
CREATE TABLE table_results (
  run_id TEXT NOT NULL REFERENCES runs(run_id), table_name TEXT NOT NULL, source TEXT, target TEXT,
  rows_source INTEGER NOT NULL DEFAULT 0, rows_target INTEGER NOT NULL DEFAULT 0,
  rows_compared INTEGER NOT NULL DEFAULT 0, matched INTEGER NOT NULL DEFAULT 0,
  missing_in_target INTEGER NOT NULL DEFAULT 0, missing_in_source INTEGER NOT NULL DEFAULT 0,
  changed INTEGER NOT NULL DEFAULT 0, consistency_index REAL, partial INTEGER NOT NULL DEFAULT 0, error TEXT,
  PRIMARY KEY (run_id, table_name));
CREATE TABLE divergences (
  id INTEGER PRIMARY KEY, run_id TEXT NOT NULL REFERENCES runs(run_id), table_name TEXT NOT NULL,
  key_json TEXT NOT NULL, category TEXT NOT NULL, columns_json TEXT, source_values_json TEXT,
  target_values_json TEXT, source_digest TEXT, target_digest TEXT);
CREATE INDEX divergences_run_table ON divergences (run_id, table_name);
CREATE INDEX runs_started ON runs (started_at);
INSERT INTO runs (run_id, started_at, finished_at, mode, status, consistency_index)
  VALUES ('old', '2026-11-20T02:00:00Z', '2026-11-20T02:01:00Z', 'full', 'divergent', 0.9);
INSERT INTO table_results (run_id, table_name, rows_compared, matched, changed, consistency_index)
  VALUES ('old', 'clientes', 10, 9, 1, 0.9);
INSERT INTO divergences (run_id, table_name, key_json, category, columns_json, source_values_json,
  target_values_json) VALUES ('old', 'clientes', '[7,"SP"]', 'changed', '["nome"]', '{"nome":"a"}', '{"nome":"b"}');
)sql";

TEST(AuditReader, MigratesAVersion1FileInPlace) {
  TempDir dir("v1");
  const fs::path file = dir.path / "old.db";
  query(file, kV1Schema, /*script=*/true);
  {
    AuditDb audit;
    audit.open(file);
    EXPECT_EQ(query(file, "SELECT version FROM schema_version"), std::vector<std::string>{"8"});
    // The old rows are all there, with NULL in the new divergence columns and 0 in the new counts.
    EXPECT_EQ(query(file, "SELECT key_json, category, columns_json, key_canon IS NULL, status IS NULL FROM divergences"),
              std::vector<std::string>{R"([7,"SP"]|changed|["nome"]|1|1)"});
    EXPECT_EQ(query(file, "SELECT matched, changed, tolerated, escalated, categories_json FROM table_results"),
              std::vector<std::string>{"9|1|0|0|~"});
    EXPECT_EQ(query(file, "SELECT count(*) FROM rechecks"), std::vector<std::string>{"0"});

    // Runs recorded by the old recon can be found but not rechecked or explained.
    ASSERT_TRUE(audit.find_run("old"));
    EXPECT_EQ(audit.run_tables("old"), std::vector<std::string>{"clientes"});
    try {
      audit.open_divergences("old");
      FAIL() << "expected InputError";
    } catch (const InputError& e) {
      EXPECT_THAT(e.what(), HasSubstr("run old"));
      EXPECT_THAT(e.what(), HasSubstr("older recon"));
      EXPECT_THAT(e.what(), HasSubstr("cannot be rechecked"));
      EXPECT_THAT(e.what(), HasSubstr("recon check"));
    }
    EXPECT_THROW(audit.find_divergence("old", "clientes", R"([7,"SP"])"), InputError);
    EXPECT_THROW(audit.find_divergence("old", "clientes", R"([8,"SP"])"), InputError);

    // A new run on the migrated file is recorded with every version 2 column.
    FakeTable t;
    audit.begin_run(run_info("new", "2026-11-24T02:00:00Z"));
    audit.begin_table(t.ctx);
    audit.divergences(t.ctx, {divergence(Category::MissingInTarget, 1, "Ana", nullptr)});
    TableResult r;
    r.name = "clientes";
    r.tolerated = 4;
    audit.end_table(t.ctx, r);
    ASSERT_EQ(audit.open_divergences("new").size(), 1u);
    EXPECT_EQ(audit.find_run("new")->status, "running");
  }
  AuditDb again;  // reopening a migrated file does not migrate twice
  again.open(file);
  EXPECT_EQ(query(file, "SELECT count(*) FROM schema_version"), std::vector<std::string>{"1"});
  EXPECT_EQ(query(file, "SELECT tolerated FROM table_results WHERE run_id = 'new'"), std::vector<std::string>{"4"});
}

TEST(AuditReader, AFailedMigrationLeavesVersion1) {
  TempDir dir("v1-broken");
  const fs::path file = dir.path / "old.db";
  query(file, kV1Schema, /*script=*/true);
  query(file, "CREATE TABLE rechecks (x)");  // someone's table in the way: the migration fails
  AuditDb audit;
  EXPECT_ANY_THROW(audit.open(file));
  EXPECT_FALSE(audit.is_open());
  EXPECT_EQ(query(file, "SELECT version FROM schema_version"), std::vector<std::string>{"1"});
  EXPECT_EQ(query(file, "SELECT count(*) FROM pragma_table_info('divergences') WHERE name = 'key_canon'"),
            std::vector<std::string>{"0"});
}

TEST(AuditReader, ReadersNeedAnOpenFile) {
  AuditDb audit;
  EXPECT_THROW(audit.find_run("latest"), std::logic_error);
  EXPECT_THROW(audit.open_divergences("r"), std::logic_error);
  EXPECT_THROW(audit.run_tables("r"), std::logic_error);
}

}  // namespace
}  // namespace recon

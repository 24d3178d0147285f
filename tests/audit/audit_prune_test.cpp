// AuditDb::prune / vacuum: retention for the audit DB — old runs go with every record of them, the
// runs something still needs stay, and the prune itself is on record.
#include <gtest/gtest.h>

#include "audit_test_support.hpp"

namespace recon {
namespace {

using namespace audit_test;

/// A finished run with two divergences of clientes, one rechecked.
void record(const fs::path& file, const std::string& id, const std::string& started_at, bool finish = true) {
  FakeTable clientes;
  AuditDb audit;
  audit.open(file);
  audit.begin_run(run_info(id, started_at));
  audit.begin_table(clientes.ctx);
  audit.divergences(clientes.ctx, {divergence(Category::MissingInTarget, 1, "Ana", nullptr),
                                   divergence(Category::Changed, 2, "Bia", "BIA", {0})});
  RunResult run;
  run.run_id = id;
  run.finished_at = started_at;
  run.status = "divergent";
  TableResult t;
  t.name = "clientes";
  t.rows_compared = 10;
  t.matched = 8;
  t.missing_in_target = 1;
  t.changed = 1;
  audit.end_table(clientes.ctx, t);
  run.tables.push_back(t);
  if (!finish) return;
  audit.finish_run(run);
  const auto open = audit.open_divergences(id, "clientes");
  ASSERT_EQ(open.size(), 2u);
  Divergence now = open[0].to_divergence();
  now.finding.status = Status::Converged;
  audit.record_recheck(open[0].id, "rc-" + id, started_at, now, privacy::TablePrivacy());
}

std::string count(const fs::path& file, const std::string& sql) { return query(file, sql.c_str()).at(0); }

TEST(AuditPrune, RemovesOldRunsWithEveryRecordAndKeepsWhatIsStillNeeded) {
  TempDir dir("prune");
  const fs::path file = dir.path / "a.db";
  record(file, "r1", "2026-01-01T02:00:00Z");
  record(file, "r2", "2026-01-02T02:00:00Z");  // an incremental watermark points at it
  record(file, "r3", "2026-01-03T02:00:00Z");
  record(file, "r4", "2026-06-01T02:00:00Z");  // recent
  query(file,
        "INSERT INTO watermarks (table_identity, table_name, watermark, watermark_epoch, run_id, scrub_cycle, scrub_next,"
        " scrub_bounds_json, updated_at) VALUES ('clientes|src|tgt', 'clientes', '2026-01-02T02:00:00Z', 1767319200, 'r2', 7, 0,"
        " '[]', '2026-01-02T02:10:00Z')");
  AuditDb audit;
  audit.open(file);
  const PruneResult dry = audit.prune("2026-05-01T00:00:00Z", "120d", /*dry_run=*/true);
  EXPECT_EQ(dry.run_ids, (std::vector<std::string>{"r1", "r3"}));
  EXPECT_EQ(count(file, "SELECT count(*) FROM runs"), "4") << "a dry run changes nothing";
  EXPECT_EQ(count(file, "SELECT count(*) FROM prunes"), "0");

  const PruneResult r = audit.prune("2026-05-01T00:00:00Z", "120d", false);
  EXPECT_EQ(r.run_ids, (std::vector<std::string>{"r1", "r3"}));
  EXPECT_EQ(r.divergences, 4);
  EXPECT_EQ(r.rechecks, 2);
  EXPECT_EQ(r.kept_old, 1) << "r2: its watermark's next run compares its open divergences again";
  EXPECT_EQ(r.runs_left, 2);
  EXPECT_EQ(count(file, "SELECT group_concat(run_id) FROM (SELECT run_id FROM runs ORDER BY run_id)"), "r2,r4");
  for (const char* table : {"table_results", "divergences", "rechecks"})
    EXPECT_EQ(count(file, std::string("SELECT count(*) FROM ") + table + " WHERE run_id IN ('r1', 'r3')"), "0")
        << table;
  EXPECT_EQ(count(file, "SELECT count(*) FROM divergences WHERE run_id = 'r4'"), "2");
  EXPECT_EQ(count(file, "SELECT keep || ' ' || cutoff || ' ' || runs || ' ' || divergences || ' ' || run_ids_json "
                        "FROM prunes"),
            "120d 2026-05-01T00:00:00Z 2 4 [\"r1\",\"r3\"]");
  const auto [before, after] = audit.vacuum();
  EXPECT_GT(before, 0);
  EXPECT_LE(after, before);
}

TEST(AuditPrune, TheNewestFinishedRunAndRunningRunsStay) {
  TempDir dir("prune-newest");
  const fs::path file = dir.path / "a.db";
  record(file, "r1", "2026-01-01T02:00:00Z");
  record(file, "r2", "2026-01-02T02:00:00Z");
  record(file, "r3", "2026-01-03T02:00:00Z", /*finish=*/false);
  record(file, "r4", "2026-01-04T02:00:00Z", /*finish=*/false);
  // r3: its process was lost long ago (abandoned on open, removable); r4: still beating.
  query(file, "UPDATE runs SET status = 'running', heartbeat_at = '2999-01-01T00:00:00Z' WHERE run_id = 'r4'");
  AuditDb audit;
  audit.open(file);
  const PruneResult r = audit.prune("2026-12-01T00:00:00Z", "1d", false);
  EXPECT_EQ(r.run_ids, (std::vector<std::string>{"r1", "r3"})) << "r2 is the newest finished run; r4 is running";
  EXPECT_EQ(r.kept_old, 2);
  EXPECT_EQ(audit.prune("2026-12-01T00:00:00Z", "1d", false).run_ids.size(), 0u) << "nothing more to remove";
  EXPECT_EQ(count(file, "SELECT count(*) FROM prunes"), "1") << "an empty prune leaves no record";
}

}  // namespace
}  // namespace recon

// The life of a run in the audit trail: heartbeats and abandoned runs, "latest", the per-range plan
// an interrupted run resumes from, failed runs, and the v2 -> v3 migration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "audit_test_support.hpp"
#include "recon/audit/heartbeat.hpp"
#include "recon/core/utc_time.hpp"

namespace recon {
namespace {

using namespace audit_test;
using ::testing::HasSubstr;

RangeRecord range(std::int64_t index, std::optional<std::string> lower, std::optional<std::string> upper) {
  return RangeRecord{index, std::move(lower), std::move(upper), {}};
}

TEST(AuditRuns, AFreshHeartbeatKeepsARunRunningAStaleOneIsAbandoned) {
  TempDir dir("heartbeat");
  const fs::path file = dir.path / "a.db";
  {
    AuditDb done;
    done.open(file);
    done.begin_run(run_info("done", "2026-11-22T10:00:00Z"));
    RunResult run;
    run.run_id = "done";
    run.status = "consistent";
    done.finish_run(run);
  }
  AuditDb writer;
  writer.open(file);
  writer.begin_run(run_info("old", "2026-11-23T10:00:00Z"));
  {
    AuditDb reader;
    reader.open(file);  // "old" started long ago and never beat: abandoned
    ASSERT_TRUE(reader.find_run("old"));
    EXPECT_EQ(reader.find_run("old")->status, "abandoned");
    EXPECT_THAT(query(file, "SELECT error FROM runs WHERE run_id = 'old'")[0], HasSubstr("recon check --resume old"));
  }
  AuditDb now_writer;
  now_writer.open(file);
  now_writer.begin_run(run_info("now", iso_utc_now()));
  {
    const AuditHeartbeat beating(file, "now", 0.05);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  AuditDb reader;
  reader.open(file);
  EXPECT_EQ(reader.find_run("now")->status, "running") << "its heartbeat is fresh";
  const auto latest = reader.find_run("latest");
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->run_id, "done") << "latest is the newest finished run: not an abandoned or running one";
  const auto newer = reader.newer_unfinished(*latest);
  ASSERT_TRUE(newer);
  EXPECT_EQ(newer->run_id, "now");
  EXPECT_EQ(reader.find_run("latest", /*any=*/true)->run_id, "now") << "--resume latest takes the newest run";
  EXPECT_EQ(reader.mark_abandoned(-60), 1) << "a run silent for longer than the limit is abandoned";
  EXPECT_EQ(reader.find_run("now")->status, "abandoned");
}

TEST(AuditRuns, ThePlanAndItsDoneRangesAreKeptForAResume) {
  TempDir dir("plan");
  const fs::path file = dir.path / "a.db";
  FakeTable t;
  {
    AuditDb audit;
    audit.open(file);
    audit.begin_run(run_info("r", iso_utc_now()));
    audit.begin_table(t.ctx);
    audit.ranges_planned(t.ctx, {range(0, std::nullopt, "k5"), range(1, "k5", "k9"), range(2, "k9", std::nullopt)});
    Divergence a = divergence(Category::MissingInTarget, 1, "Ana", nullptr);
    a.range_index = 0;
    Divergence b = divergence(Category::MissingInTarget, 6, "Bia", nullptr);
    b.range_index = 1;  // recorded, but its range was cut short before it was done
    audit.divergences(t.ctx, {a, b});
    RangeRecord done = range(0, std::nullopt, "k5");
    done.counts.rows_source = 5;
    done.counts.rows_compared = 5;
    done.counts.matched = 4;
    done.counts.missing_in_target = 1;
    audit.range_done(t.ctx, done);
    RunResult run;
    run.run_id = "r";
    run.status = "interrupted";
    audit.finish_run(run);
  }
  AuditDb audit;
  audit.open(file);
  EXPECT_EQ(audit.find_run("r")->status, "interrupted");
  EXPECT_TRUE(audit.find_run("r")->resumable());
  const std::vector<StoredRange> plan = audit.stored_ranges("r", "clientes");
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_TRUE(plan[0].done);
  EXPECT_FALSE(plan[0].range.lower);
  EXPECT_EQ(plan[0].range.upper, "k5");
  EXPECT_EQ(plan[0].range.counts.matched, 4);
  EXPECT_EQ(plan[0].range.counts.missing_in_target, 1);
  EXPECT_FALSE(plan[1].done);
  EXPECT_EQ(plan[1].range.lower, "k5");
  EXPECT_FALSE(plan[2].range.upper);
  ASSERT_EQ(audit.done_range_divergences("r", "clientes").size(), 1u) << "only ranges marked done count";

  audit.resume_run("r");
  EXPECT_EQ(audit.find_run("r")->status, "running");
  EXPECT_EQ(query(file, "SELECT count(*) FROM divergences WHERE run_id = 'r'"), std::vector<std::string>{"1"})
      << "what the unfinished range had recorded is found again, not twice";
  EXPECT_EQ(query(file, "SELECT resumed_at IS NOT NULL FROM runs"), std::vector<std::string>{"1"});
  EXPECT_TRUE(audit.stored_ranges("r", "produtos").empty());
}

TEST(AuditRuns, AFailedRunIsRecordedWithItsReason) {
  TempDir dir("failed");
  const fs::path file = dir.path / "a.db";
  AuditDb audit;
  audit.open(file);
  audit.begin_run(run_info("f", iso_utc_now()));
  RunResult run;
  run.run_id = "f";
  run.status = "error";
  run.error = "source: cannot connect to postgresql://u:pw@h/db";
  TableResult t;
  t.name = "clientes";
  t.partial = true;
  t.error = "not compared";
  run.tables = {t};
  audit.fail_run(run);
  EXPECT_EQ(query(file, "SELECT status, consistency_index, error FROM runs"),
            std::vector<std::string>{"failed|~|source: cannot connect to postgresql://u:***@h/db"});
  EXPECT_EQ(query(file, "SELECT table_name, partial, consistency_index FROM table_results"),
            std::vector<std::string>{"clientes|1|~"});
}

/// SQL that takes a current file back to what each older version left (newest first).
constexpr const char* kBackToV4 =
    "DROP TABLE prunes; ALTER TABLE runs DROP COLUMN job_sha256; ALTER TABLE runs DROP COLUMN rule_files_json;"
    " DROP TABLE watermarks; DROP TABLE cluster_plans; ALTER TABLE runs DROP COLUMN index_lower;"
    " ALTER TABLE runs DROP COLUMN index_upper; ALTER TABLE runs DROP COLUMN confidence;"
    " ALTER TABLE table_results DROP COLUMN mode; ALTER TABLE table_results DROP COLUMN index_lower;"
    " ALTER TABLE table_results DROP COLUMN index_upper; ALTER TABLE table_results DROP COLUMN sample_json;"
    " ALTER TABLE table_results DROP COLUMN incremental_json;";
constexpr const char* kBackToV3 =
    " DROP TABLE apply_keys; DROP TABLE applies; ALTER TABLE table_results DROP COLUMN fixup_file;"
    " ALTER TABLE table_results DROP COLUMN fixup_sha256;";

TEST(AuditRuns, AVersion2FileIsMigratedToTheCurrentVersionInPlace) {
  TempDir dir("v2");
  const fs::path file = dir.path / "a.db";
  write_v6_file(file);
  // Back to what a version 2 recon left: no version 3, 4 or 5 columns, no ranges, applies or watermarks.
  query(file,
        (std::string(kBackToV4) + kBackToV3 +
         " DROP TABLE ranges; ALTER TABLE runs DROP COLUMN heartbeat_at; ALTER TABLE runs DROP COLUMN out_dir;"
        " ALTER TABLE runs DROP COLUMN rules_hash; ALTER TABLE runs DROP COLUMN resumed_at;"
        " ALTER TABLE divergences DROP COLUMN range_index; UPDATE schema_version SET version = 2;"
        " INSERT INTO runs (run_id, started_at, mode, status) VALUES ('v2run', '2026-11-20T01:00:00Z', 'full',"
        " 'consistent');")
            .c_str(),
        true);
  AuditDb audit;
  audit.open(file);
  EXPECT_EQ(query(file, "SELECT version FROM schema_version"), std::vector<std::string>{"8"});
  EXPECT_EQ(query(file, "SELECT count(*) FROM prunes"), std::vector<std::string>{"0"}) << "version 6: prunes";
  EXPECT_THAT(query(file, "SELECT note FROM chain_marks").at(0), ::testing::HasSubstr("from schema version 2"));
  EXPECT_EQ(audit.find_run("latest")->run_id, "v2run");
  EXPECT_TRUE(audit.stored_ranges("v2run", "t").empty());
  EXPECT_EQ(audit.recorded_fixup("v2run", "t"), (std::pair<std::string, std::string>{}));
  EXPECT_TRUE(audit.repaired_divergences("v2run", "t").empty());
}

TEST(AuditRuns, AVersion3FileGainsTheApplyTables) {
  TempDir dir("v3");
  const fs::path file = dir.path / "a.db";
  write_v6_file(file);
  query(file, (std::string(kBackToV4) + kBackToV3 + " UPDATE schema_version SET version = 3;").c_str(), true);
  AuditDb audit;
  audit.open(file);
  EXPECT_EQ(query(file, "SELECT version FROM schema_version"), std::vector<std::string>{"8"});
  EXPECT_EQ(query(file, "SELECT count(*) FROM applies"), std::vector<std::string>{"0"});
}

TEST(AuditRuns, AnApplyIsRecordedWithItsKeysAndRepairedKeysAreFoundAgain) {
  TempDir dir("apply");
  const fs::path file = dir.path / "a.db";
  AuditDb audit;
  audit.open(file);
  audit.begin_run(run_info("r", iso_utc_now()));
  ApplyRecord a;
  a.apply_id = "apply-1";
  a.run_id = "r";
  a.table_name = "clientes";
  a.started_at = a.finished_at = iso_utc_now();
  a.os_user = "ana";
  a.host = "h";
  a.target_endpoint = "postgres postgresql://u:pw@h/db";
  a.status = "committed";
  a.statements = 3;
  a.applied = 2;
  a.conflicts = 1;
  a.repaired = 2;
  a.undo_file = "fixup/clientes.undo-apply-1.sql";
  const std::vector<ApplyKeyRecord> keys = {{7, "[1]", "update", 1, "repaired", true, "t"},
                                            {8, "[2]", "delete", 1, "repaired", true, "t"},
                                            {9, "[3]", "update", 0, "conflict", false, "t"}};
  audit.record_apply(a, keys);
  EXPECT_EQ(audit.repaired_divergences("r", "clientes"), (std::vector<std::int64_t>{7, 8}));
  EXPECT_EQ(query(file, "SELECT target_endpoint, applied, conflicts FROM applies"),
            std::vector<std::string>{"postgres postgresql://u:***@h/db|2|1"});
  const auto latest = audit.latest_apply(9);
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->key.outcome, "conflict");
  EXPECT_EQ(latest->key.now_equal, false);
  EXPECT_EQ(latest->undo_file, "fixup/clientes.undo-apply-1.sql");
  EXPECT_FALSE(audit.latest_apply(10));

  // A rolled-back apply repairs nothing.
  a.apply_id = "apply-2";
  a.status = "rolled_back";
  audit.record_apply(a, {{10, "[4]", "update", 1, "repaired", true, "t"}});
  EXPECT_EQ(audit.repaired_divergences("r", "clientes"), (std::vector<std::int64_t>{7, 8}));
}

}  // namespace
}  // namespace recon

// Runs that stop before their end, through the real binary against PostgreSQL: SIGTERM / SIGINT
// mid-run (status interrupted, outputs written, nothing half-written), a resumed run that reads
// only the ranges not finished and ends with the engine's exact truth, and a run killed with
// SIGKILL that the next command marks abandoned. Truth comes from EXCEPT on the engine.
#include <signal.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "e2e_support.hpp"

namespace e2e {
namespace {

using Clock = std::chrono::steady_clock;

class PgInterrupt : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg()) return;
    db_ = std::make_unique<PgDatabase>("recon_e2e_interrupt");
    // 300 ranges of 1000 rows: long enough to stop in the middle, short enough to finish quickly.
    db_->exec("CREATE SCHEMA src; CREATE SCHEMA tgt;"
              "CREATE TABLE src.t (id bigint PRIMARY KEY, v text, n numeric(12,2));"
              "INSERT INTO src.t SELECT i, md5(i::text), i / 7.0 FROM generate_series(1, 300000) i;"
              "CREATE TABLE tgt.t (LIKE src.t INCLUDING ALL); INSERT INTO tgt.t SELECT * FROM src.t;"
              "UPDATE tgt.t SET v = v || 'x' WHERE id % 3001 = 0; DELETE FROM tgt.t WHERE id % 7001 = 0;"
              "INSERT INTO tgt.t VALUES (400001, 'extra', 1), (400002, 'extra', 2);"
              "ANALYZE src.t; ANALYZE tgt.t;");
    truth_ = pg_truth(*db_, "src.t", "tgt.t", "id");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!db_) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }

  /// A job over src.t/tgt.t with small ranges, its audit DB in `dir`.
  static fs::path write_job(const TempDir& dir, const std::string& extra_check = "") {
    const fs::path job = dir / "job.toml";
    write_file(job, pg_job(*db_, "[[tables]]\nsource = \"src.t\"\ntarget = \"tgt.t\"\nkey = [\"id\"]\n",
                           "chunk_rows = 1000\naudit = " + toml_str((dir / "audit.db").string()) + "\n" + extra_check));
    return job;
  }

  /// Starts `recon args…` in the background, waits until the audit DB says `ranges_done` ranges
  /// are compared, then sends `signal` (twice when `twice`). Returns what the process left.
  static ProcResult stop_midway(const std::vector<std::string>& args, const fs::path& audit, std::int64_t ranges_done,
                                int signal, bool twice = false) {
    std::atomic<int> pid{0};
    ProcResult r;
    std::atomic<bool> ended{false};
    std::thread run([&] {
      r = run_recon(args, {}, 120, &pid);
      ended = true;
    });
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (!ended && Clock::now() < deadline && done_ranges(audit) < ranges_done)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (const int p = pid.load(); p > 0 && !ended) {
      kill(p, signal);
      if (twice) kill(p, signal);
    }
    run.join();
    return r;
  }

  static std::int64_t done_ranges(const fs::path& audit) {
    if (!fs::exists(audit)) return 0;
    try {
      SqliteDb a(audit);
      return a.count("SELECT count(*) FROM sqlite_master WHERE name = 'ranges'") == 0
                 ? 0
                 : a.count("SELECT count(*) FROM ranges WHERE status = 'done'");
    } catch (const std::exception&) {
      return 0;  // being created: look again
    }
  }

  static std::vector<fs::path> temp_files(const fs::path& dir) {
    std::vector<fs::path> tmp;
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.path().string().find(".tmp") != std::string::npos) tmp.push_back(e.path());
    return tmp;
  }

  static std::unique_ptr<PgDatabase> db_;
  static Truth truth_;
};
std::unique_ptr<PgDatabase> PgInterrupt::db_;
Truth PgInterrupt::truth_;

TEST_F(PgInterrupt, SigtermWritesWhatIsKnownAndResumeReadsOnlyTheRest) {
  TempDir dir("interrupt");
  const fs::path job = write_job(dir);
  const fs::path audit = dir / "audit.db";
  const ProcResult first = stop_midway({"check", "--config", job.string(), "--out", (dir / "out").string(),
                                        "--no-progress"},
                                       audit, 150, SIGTERM);
  ASSERT_EQ(first.exit_code, 3) << "an interrupted run is a runtime failure\n" << first.describe();

  // What is known is written, marked as such, and nothing is half-written.
  const json summary = read_json(dir / "out" / "summary.json");
  EXPECT_EQ(summary["status"], "interrupted");
  EXPECT_TRUE(summary["consistency_index"].is_null()) << "never a false all-clear";
  const json& t = table_entry(summary, "t");
  EXPECT_TRUE(t["partial"].get<bool>());
  EXPECT_TRUE(t["consistency_index"].is_null());
  EXPECT_NE(t["error"].get<std::string>().find("interrupted"), std::string::npos) << t.dump();
  EXPECT_LT(t["ranges_done"].get<std::int64_t>(), t["ranges_total"].get<std::int64_t>());
  EXPECT_TRUE(temp_files(dir / "out").empty()) << temp_files(dir / "out").front();
  EXPECT_NE(read_file(dir / "out" / "metrics.prom").find("recon_run_status{status=\"interrupted\",mode=\"full\"} 1"),
            std::string::npos);
  SqliteDb a(audit);
  EXPECT_EQ(a.rows("SELECT status FROM runs"), (std::vector<std::vector<std::string>>{{"interrupted"}}));
  const std::int64_t done_before = a.count("SELECT count(*) FROM ranges WHERE status = 'done'");
  const std::int64_t planned = a.count("SELECT count(*) FROM ranges");
  ASSERT_GT(done_before, 0);
  ASSERT_LT(done_before, planned);

  // Resumed: the same run, only the ranges not finished are read, and the result is the engine's.
  const ProcResult second = run_recon({"check", "--config", job.string(), "--resume", "latest", "--no-progress"});
  ASSERT_EQ(second.exit_code, expected_exit(truth_)) << second.describe();
  const json resumed = read_json(dir / "out" / "summary.json");
  EXPECT_EQ(resumed["run_id"], summary["run_id"]) << "one run, continued";
  EXPECT_EQ(resumed["status"], "divergent");
  EXPECT_EQ(resumed["resumed"], true);
  expect_counts(resumed, "t", truth_);
  const json& rt = table_entry(resumed, "t");
  EXPECT_EQ(rt["ranges_total"].get<std::int64_t>(), planned) << "the recorded plan, not a new one";
  EXPECT_EQ(rt["ranges_done"].get<std::int64_t>(), planned);
  EXPECT_EQ(rt["ranges_resumed"].get<std::int64_t>(), done_before)
      << "the ranges the first part finished are taken as recorded; only the rest were read";
  EXPECT_EQ(a.rows("SELECT status FROM runs"), (std::vector<std::vector<std::string>>{{"divergent"}}));
  // The audit and the fix-up are those of one whole run: every divergence once.
  EXPECT_EQ(a.count("SELECT count(*) FROM divergences"),
            truth_.missing_in_target + truth_.missing_in_source + truth_.changed);
  EXPECT_EQ(a.count("SELECT count(DISTINCT key_json) FROM divergences"),
            truth_.missing_in_target + truth_.missing_in_source + truth_.changed);
  const std::string fixup = read_file(dir / "out" / rt["fixup_sql"].get<std::string>());
  std::int64_t statements = 0;
  for (const char* verb : {"\nINSERT INTO", "\nDELETE FROM", "\nUPDATE "})
    for (std::size_t p = fixup.find(verb); p != std::string::npos; p = fixup.find(verb, p + 1)) ++statements;
  EXPECT_EQ(statements, truth_.missing_in_target + truth_.missing_in_source + truth_.changed) << fixup.substr(0, 2000);

  // Resuming a run that ended is refused, and so is resuming after the job changed.
  const ProcResult again = run_recon({"check", "--config", job.string(), "--resume", "latest"});
  EXPECT_EQ(again.exit_code, 2) << again.describe();
  EXPECT_NE(again.err.find("nothing to resume"), std::string::npos) << again.err;
}

TEST_F(PgInterrupt, AChangedJobIsNotResumed) {
  TempDir dir("interrupt-changed");
  const fs::path job = write_job(dir);
  const ProcResult first = stop_midway({"check", "--config", job.string(), "--out", (dir / "out").string()},
                                       dir / "audit.db", 20, SIGINT);
  ASSERT_EQ(first.exit_code, 3) << first.describe();
  write_file(job, read_file(job) + "\n# edited\n");
  const ProcResult second = run_recon({"check", "--config", job.string(), "--resume", "latest"});
  EXPECT_EQ(second.exit_code, 2) << second.describe();
  EXPECT_NE(second.err.find("changed since run"), std::string::npos) << second.err;
}

TEST_F(PgInterrupt, ASecondSignalEndsTheProcessAtOnce) {
  TempDir dir("interrupt-twice");
  const fs::path job = write_job(dir);
  const ProcResult r = stop_midway({"check", "--config", job.string(), "--out", (dir / "out").string()},
                                   dir / "audit.db", 10, SIGTERM, /*twice=*/true);
  EXPECT_EQ(r.exit_code, 3) << r.describe();
}

TEST_F(PgInterrupt, AKilledRunIsMarkedAbandonedAndCanBeResumed) {
  TempDir dir("interrupt-kill");
  const fs::path job = write_job(dir);
  const fs::path audit = dir / "audit.db";
  const ProcResult killed = stop_midway({"check", "--config", job.string(), "--out", (dir / "out").string()},
                                        audit, 50, SIGKILL);
  ASSERT_EQ(killed.exit_code, -1) << killed.describe();
  {
    SqliteDb a(audit);
    EXPECT_EQ(a.rows("SELECT status FROM runs"), (std::vector<std::vector<std::string>>{{"running"}}));
    // A minute without a heartbeat, as the next command would find it.
    a.exec("UPDATE runs SET heartbeat_at = '2026-01-01T00:00:00Z'");
  }
  const ProcResult recheck = run_recon({"recheck", "--run", "latest", "--audit", audit.string()});
  EXPECT_EQ(recheck.exit_code, 2) << "no finished run to recheck\n" << recheck.describe();
  {
    SqliteDb a(audit);
    EXPECT_EQ(a.rows("SELECT status FROM runs"), (std::vector<std::vector<std::string>>{{"abandoned"}}));
  }
  const ProcResult resumed = run_recon({"check", "--config", job.string(), "--resume", "latest", "--no-progress"});
  ASSERT_EQ(resumed.exit_code, expected_exit(truth_)) << resumed.describe();
  const json summary = read_json(dir / "out" / "summary.json");
  expect_counts(summary, "t", truth_);
  EXPECT_GT(table_entry(summary, "t")["ranges_resumed"].get<std::int64_t>(), 0);
  SqliteDb a(audit);
  EXPECT_EQ(a.count("SELECT count(*) FROM divergences"),
            truth_.missing_in_target + truth_.missing_in_source + truth_.changed)
      << "what the killed run recorded for unfinished ranges is not counted twice";
}

}  // namespace
}  // namespace e2e

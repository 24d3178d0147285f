// "Runs you can trust", end to end against PostgreSQL, the failure half: connections killed in the
// middle of a run (retried to the engine's exact truth), failures before comparing that stay on
// record, and read-only sessions. Expected numbers come from EXCEPT on the engine (pg_truth).
#include "trust_support.hpp"

namespace e2e {
namespace {

using namespace trust;
using namespace std::chrono_literals;

// ---- 8, 9. connections killed mid-run -----------------------------------------------------

class TrustKilled : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg()) return;
    db_ = std::make_unique<PgDatabase>("recon_e2e_trust_killed");
    make_table_pair(*db_, "t", 300000,
                    "UPDATE tgt.t SET v = v || 'x' WHERE id % 5000 = 0; DELETE FROM tgt.t WHERE id % 7001 = 0;"
                    "INSERT INTO tgt.t SELECT i, 'extra' FROM generate_series(300001, 300040) i");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override { SKIP_WITHOUT_PG(); }

  /// Starts recon (chunk_rows 4000, `check` and `table` extra) and waits until it reads ranges.
  std::unique_ptr<BackgroundRun> start(const std::string& check, const std::string& table = "") {
    dir_.write_job(pg_job(*db_, table_toml("src.t", "tgt.t", table), "chunk_rows = 4000\n" + check));
    auto run = std::make_unique<BackgroundRun>([this] { return dir_.check(); });
    EXPECT_TRUE(wait_until([&] { return run->finished() || recon_is_reading_ranges(*db_); }, 30s, 1ms));
    return run;
  }
  /// The run ended as the engine's truth says, every range compared.
  void expect_complete(const ProcResult& r) {
    const Truth truth = pg_truth(*db_, "src.t", "tgt.t", "id");
    ASSERT_EQ(r.exit_code, expected_exit(truth)) << r.describe();
    const json s = read_json(dir_.summary());
    expect_counts(s, "t", truth);
    const json& t = table_entry(s, "t");
    SCOPED_TRACE(t.dump());
    EXPECT_EQ(t.at("ranges_failed"), 0);
    EXPECT_EQ(t.at("ranges_done"), t.at("ranges_total"));
    EXPECT_FALSE(t.at("partial").get<bool>());
  }
  /// Once, in one statement, at a moment when recon's range reads in flight — the CTE a(pid,
  /// query) — satisfy `when`: terminates the backends `victims` selects (a query of pids). Polls
  /// until that happened or the run ended (30 s at most); returns how many were terminated.
  int kill_once_when(const BackgroundRun& run, const std::string& when, const std::string& victims) {
    int killed = 0;
    wait_until(
        [&] {
          if (run.finished()) return true;
          killed = static_cast<int>(db_->count(
              std::string("WITH a AS (SELECT pid, query FROM pg_stat_activity WHERE application_name = 'recon' AND ") +
              kRangeRead + ") SELECT CASE WHEN " + when + " THEN (SELECT count(pg_terminate_backend(pid)) FROM (" +
              victims + ") v) ELSE 0 END"));
          return killed > 0;
        },
        30s, 1ms);
    return killed;
  }
  static constexpr const char* kSourceReads = "EXISTS (SELECT 1 FROM a WHERE query LIKE '%src%')";
  static constexpr const char* kTargetReads = "EXISTS (SELECT 1 FROM a WHERE query LIKE '%tgt%')";

  static inline std::unique_ptr<PgDatabase> db_;
  JobDir dir_{"trust-killed"};
};

TEST_F(TrustKilled, BurstOfKillsOnBothSidesIsRetriedToExactCounts) {
  auto run = start("");  // default retries (3)
  ASSERT_FALSE(run->finished()) << "recon ended before comparing could be disturbed:\n" << run->join().describe();
  // Every recon backend, source and target, busy or idle, every 20 ms for 1 s.
  int killed = 0;
  const auto burst_end = Clock::now() + 1s;
  while (Clock::now() < burst_end) {
    killed += terminate_recon(*db_);
    std::this_thread::sleep_for(20ms);
  }
  const bool ran_through_burst = !run->finished();
  const ProcResult& r = run->join();
  ASSERT_GT(killed, 0) << r.describe();
  EXPECT_TRUE(ran_through_burst) << "recon finished during the burst; make the table bigger";
  expect_complete(r);
}

TEST_F(TrustKilled, BothSidesKilledAtOnceIsRetriedOnceToExactCounts) {
  auto run = start("retries = 1");
  // One statement, once, when a source and a target range read are both in flight: those die.
  const int killed = kill_once_when(*run, std::string(kSourceReads) + " AND " + kTargetReads, "SELECT pid FROM a");
  const ProcResult& r = run->join();
  ASSERT_GE(killed, 2) << "recon finished before both sides could be killed at once\n" << r.describe();
  expect_complete(r);
}

TEST_F(TrustKilled, EveryBackendKilledOnceWhileTheTargetIdlesIsRetriedOnceToExactCounts) {
  // A server restart: every recon connection, busy or idle, dies at one moment. The source is made
  // slower than the target (a costly, always-true filter), and the moment is one where a source
  // range read is in flight and no target read is: the target connections die idle. The retry of
  // each range interrupted there must use fresh connections on both sides (docs/job-file.md,
  // Retries: "tried again on fresh connections"), so one retry is enough.
  auto run = start("retries = 1", "source_where = \"md5(repeat(v, 200)) <> ''\"\n");
  const int killed = kill_once_when(*run, std::string(kSourceReads) + " AND NOT " + kTargetReads,
                                    "SELECT pid FROM pg_stat_activity WHERE application_name = 'recon'");
  const ProcResult& r = run->join();
  ASSERT_GE(killed, 2) << "recon finished before a source read with an idle target could be caught\n" << r.describe();
  expect_complete(r);
}

// ---- 10. failures on record ----------------------------------------------------------------

TEST(TrustFailureRecord, UnreachableTargetIsRecordedAsFailed) {
  SKIP_WITHOUT_PG();
  PgDatabase db("recon_e2e_trust_unreach");
  make_table_pair(db, "t", 10);
  make_table_pair(db, "u", 10);
  JobDir dir("trust-unreach");
  dir.write_job(two_sided_job(endpoint_toml("source", db.conninfo()),
                              endpoint_toml("target", "host=127.0.0.1 port=1 dbname=" + db.name()),
                              table_toml("src.t", "tgt.t") + table_toml("src.u", "tgt.u")));
  const ProcResult r = dir.check();
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  expect_failure_on_record(dir, {"t", "u"});
}

TEST(TrustFailureRecord, MissingTargetTableIsBadInputAndRecordedAsFailed) {
  SKIP_WITHOUT_PG();
  PgDatabase db("recon_e2e_trust_notable");
  make_table_pair(db, "t", 10);
  JobDir dir("trust-notable");
  dir.write_job(pg_job(db, table_toml("src.t", "tgt.no_such_table")));
  const ProcResult r = dir.check();
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "no_such_table")) << r.err;
  expect_failure_on_record(dir, {"no_such_table"});
}

// ---- 11. read-only sessions ----------------------------------------------------------------

TEST(TrustReadOnly, FilterCallingAWritingFunctionFailsTheTableAndWritesNothing) {
  SKIP_WITHOUT_PG();
  PgDatabase db("recon_e2e_trust_readonly");
  make_table_pair(db, "t", 30);
  db.exec("CREATE TABLE public.canary (i int);"
          "CREATE FUNCTION public.writes() RETURNS boolean LANGUAGE sql AS "
          "'INSERT INTO public.canary VALUES (1); SELECT true';");
  JobDir dir("trust-readonly");
  dir.write_job(pg_job(db, table_toml("src.t", "tgt.t", "source_where = \"public.writes()\"\n")));
  const ProcResult r = dir.check();
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  expect_partial_without_index(dir, "t", "read-only transaction");
  EXPECT_EQ(db.count("SELECT count(*) FROM public.canary"), 0) << "recon's session wrote";
}

}  // namespace
}  // namespace e2e

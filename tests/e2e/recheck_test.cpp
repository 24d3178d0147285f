// Rechecks through the real binary (issue #4, "In-flight"): rows a simulated CDC is still applying
// while recon reads end converged, a row rewritten on every look ends suspended, recently updated
// rows that stay stale are in flight, and `recon recheck --run` records what a past run's open
// divergences are now. Writers are threads of this test with their own connections.
#include <atomic>
#include <chrono>
#include <deque>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "rules_support.hpp"

namespace e2e {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// Simulated CDC on src.<t>/tgt.<t> (id, v bigint, updated_at timestamp): for `run` it updates
/// batches of random source rows (new v, updated_at = now() in UTC), and applies each same update
/// to the target `lag` later; then it drains what is queued and stops. Never leaves a difference.
class CdcWriter {
 public:
  CdcWriter(std::string db, std::string table, int rows, milliseconds run, milliseconds lag)
      : db_(std::move(db)), table_(std::move(table)), rows_(rows), run_(run), lag_(lag) {}
  ~CdcWriter() { join(); }
  void start() { thread_ = std::thread([this] { loop(); }); }
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  std::int64_t source_updates() const { return updates_; }
  std::int64_t applied() const { return applied_; }  ///< batches applied to the target
  const std::string& error() const { return error_; }

 private:
  struct Pending {
    Clock::time_point due;
    std::string ids, value, updated_at;
  };
  void loop() {
    try {
      pqxx::connection conn("dbname=" + db_);
      std::mt19937 rng(42);
      std::uniform_int_distribution<int> pick(1, rows_);
      std::deque<Pending> queue;
      const auto stop = Clock::now() + run_;
      std::int64_t value = 1'000'000'000;
      while (Clock::now() < stop || !queue.empty()) {
        if (Clock::now() < stop) {
          std::string ids;
          for (int i = 0; i < 20; ++i) ids += (ids.empty() ? "" : ",") + std::to_string(pick(rng));
          const std::string v = std::to_string(++value);
          pqxx::work tx(conn);
          const pqxx::result r = tx.exec("UPDATE src." + table_ + " SET v = " + v +
                                         ", updated_at = timezone('UTC', now()) WHERE id IN (" + ids +
                                         ") RETURNING updated_at::text");
          tx.commit();
          queue.push_back({Clock::now() + lag_, ids, v, r[0][0].c_str()});
          updates_ += static_cast<std::int64_t>(r.size());
        }
        while (!queue.empty() && queue.front().due <= Clock::now()) {
          const Pending& p = queue.front();
          pqxx::work tx(conn);
          tx.exec("UPDATE tgt." + table_ + " SET v = " + p.value + ", updated_at = " + tx.quote(p.updated_at) +
                  " WHERE id IN (" + p.ids + ")");
          tx.commit();
          queue.pop_front();
          ++applied_;
        }
        std::this_thread::sleep_for(milliseconds(4));
      }
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  }
  std::string db_, table_;
  int rows_;
  milliseconds run_, lag_;
  std::thread thread_;
  std::atomic<std::int64_t> updates_{0}, applied_{0};
  std::string error_;
};

/// Rewrites src.<t> row `id` with a new v every `every` until stopped (never applied to the target).
class Rewriter {
 public:
  Rewriter(std::string db, std::string table, int id, milliseconds every)
      : db_(std::move(db)), table_(std::move(table)), id_(id), every_(every) {
    thread_ = std::thread([this] { loop(); });
  }
  ~Rewriter() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::int64_t writes() const { return writes_; }
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }  ///< read after stop()

 private:
  void loop() {
    try {
      pqxx::connection conn("dbname=" + db_);
      while (!stop_) {
        pqxx::work tx(conn);
        tx.exec("UPDATE src." + table_ + " SET v = v + 1 WHERE id = " + std::to_string(id_));
        tx.commit();
        ++writes_;
        std::this_thread::sleep_for(every_);
      }
    } catch (const std::exception& e) {
      error_ = e.what();
      failed_ = true;
    }
  }
  std::string db_, table_;
  int id_;
  milliseconds every_;
  std::atomic<bool> stop_{false}, failed_{false};
  std::atomic<std::int64_t> writes_{0};
  std::thread thread_;
  std::string error_;
};

class PgRecheck : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (have_pg()) db_ = std::make_unique<PgDatabase>("recon_e2e_recheck");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }
  /// src.<t> = tgt.<t>: `rows` rows of (id, v, pad, updated_at a day or more old).
  static void create_equal(const std::string& t, int rows) {
    db_->exec("CREATE SCHEMA IF NOT EXISTS src; CREATE SCHEMA IF NOT EXISTS tgt;"
              "CREATE TABLE src." + t + " (id int PRIMARY KEY, v bigint, pad text, updated_at timestamp);"
              "INSERT INTO src." + t + " SELECT i, i * 3, md5(i::text), timezone('UTC', now()) - interval '1 day' - i * "
              "interval '1 second' FROM generate_series(1, " + std::to_string(rows) + ") i;"
              "CREATE TABLE tgt." + t + " (LIKE src." + t + " INCLUDING ALL); INSERT INTO tgt." + t +
              " SELECT * FROM src." + t + "; ANALYZE src." + t + "; ANALYZE tgt." + t);
  }
  static std::string job(const std::string& tables, const std::string& check = "") {
    return pg_job(*db_, tables, check);
  }
  static inline std::unique_ptr<PgDatabase> db_;
};

TEST_F(PgRecheck, RowsCdcIsStillApplyingEndConverged) {
  create_equal("cdc", 300000);
  TempDir dir("recheck-cdc");
  write_file(dir / "job.toml",
             job(table_toml("cdc", "updated_at = \"updated_at\"\nupdated_at_zone = \"UTC\"\nlag = \"5m\"\n"),
                 "[check.recheck]\nattempts = 3\ndelay = \"2s\"\n"));
  CdcWriter writer(db_->name(), "cdc", 300000, milliseconds(1500), milliseconds(300));
  writer.start();
  std::this_thread::sleep_for(milliseconds(350));  // the simulated CDC pipeline is full
  const CheckRun r = run_check(dir / "job.toml", dir / "out", dir / "audit.db");
  writer.join();
  ASSERT_EQ(writer.error(), "");
  ASSERT_GT(writer.applied(), 0);
  const Truth truth = pg_truth(*db_, "src.cdc", "tgt.cdc", "id");
  ASSERT_TRUE(truth.zero()) << "the writer left a difference: changed " << truth.changed;

  ASSERT_EQ(r.proc.exit_code, 0) << r.proc.describe();
  const json& t = r.table("cdc");
  SCOPED_TRACE(t.dump(2));
  EXPECT_EQ(num(t, "changed"), 0);
  EXPECT_EQ(num(t, "missing_in_target"), 0);
  EXPECT_EQ(num(t, "missing_in_source"), 0);
  EXPECT_EQ(num(t, "in_flight"), 0);
  EXPECT_EQ(num(t, "suspended"), 0);
  EXPECT_EQ(num(t, "matched"), num(t, "rows_compared"));
  EXPECT_EQ(num(t, "rows_compared"), truth.keys_union);
  EXPECT_GE(num(t, "converged"), 1)
      << "no row was in flight during the main pass: the writer (" << writer.source_updates()
      << " source row updates) lost the race against recon; make the table bigger or the writer faster";
  expect_invariants(t);
  const auto statuses = audit_statuses(dir / "audit.db", r.summary.at("run_id").get<std::string>(), "cdc");
  EXPECT_EQ(statuses.count("converged") ? statuses.at("converged") : 0, num(t, "converged"));
  EXPECT_EQ(statuses.size(), statuses.count("converged")) << "statuses other than converged recorded";
  SqliteDb audit(dir / "audit.db");
  EXPECT_EQ(audit.count("SELECT count(*) FROM divergences WHERE status = 'converged' AND "
                        "(converged_after_s IS NULL OR converged_after_s < 0 OR recheck_attempts < 1)"),
            0);
}

TEST_F(PgRecheck, ARowRewrittenOnEveryLookIsSuspended) {
  create_equal("busy", 1000);
  TempDir dir("recheck-busy");
  write_file(dir / "job.toml", job(table_toml("busy", "recheck = true\n"),
                                   "[check.recheck]\nattempts = 3\ndelay = \"300ms\"\nbackoff = 1.5\n"));
  Rewriter writer(db_->name(), "busy", 7, milliseconds(50));
  while (writer.writes() == 0 && !writer.failed()) std::this_thread::sleep_for(milliseconds(5));
  const CheckRun r = run_check(dir / "job.toml", dir / "out", dir / "audit.db");
  writer.stop();
  ASSERT_EQ(writer.error(), "");
  const json& t = r.table("busy");
  SCOPED_TRACE(t.dump(2) + "\n" + r.proc.describe());
  EXPECT_GE(num(t, "suspended"), 1);
  EXPECT_EQ(num(t, "changed"), 0);
  EXPECT_EQ(num(t, "missing_in_target"), 0);
  EXPECT_EQ(num(t, "missing_in_source"), 0);
  expect_invariants(t);
  EXPECT_EQ(r.proc.exit_code, 0) << "the index leaves suspended rows out";
  SqliteDb audit(dir / "audit.db");
  const auto rows = audit.rows("SELECT status FROM divergences WHERE table_name = 'busy' AND key_json = '[7]'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "suspended");
}

TEST_F(PgRecheck, RecentRowsThatStayStaleAreInFlightOldOnesChanged) {
  create_equal("lagging", 2000);
  // Recent: the source moved on (updated now) and the target has not caught up; a few recent rows
  // are not in the target yet. Old: a day old on both sides and different.
  db_->exec("UPDATE src.lagging SET v = v + 1, updated_at = timezone('UTC', now()) WHERE id % 100 = 10;"
            "INSERT INTO src.lagging SELECT i, i, 'new', timezone('UTC', now()) FROM generate_series(5001, 5003) i;"
            "UPDATE tgt.lagging SET v = v - 1 WHERE id % 125 = 20;"
            "DELETE FROM tgt.lagging WHERE id IN (1001, 1002)");
  const std::string differing =
      "FROM src.lagging s FULL JOIN tgt.lagging x USING (id) WHERE (s.v, s.pad, s.updated_at) IS DISTINCT FROM "
      "(x.v, x.pad, x.updated_at) AND ";
  const std::string recent = "greatest(s.updated_at, x.updated_at) >= timezone('UTC', now()) - interval '5 minutes'";
  const std::int64_t want_in_flight = db_->count("SELECT count(*) " + differing + recent);
  const std::int64_t want_changed = db_->count("SELECT count(*) " + differing + "s.id IS NOT NULL AND x.id IS NOT NULL AND NOT " + recent);
  const std::int64_t want_mit = db_->count("SELECT count(*) " + differing + "x.id IS NULL AND NOT " + recent);
  const Truth truth = pg_truth(*db_, "src.lagging", "tgt.lagging", "id");
  ASSERT_EQ(want_in_flight + want_changed + want_mit, truth.changed + truth.missing_in_target + truth.missing_in_source);
  ASSERT_GT(want_in_flight, 0);
  ASSERT_GT(want_changed, 0);

  TempDir dir("recheck-lag");
  // The file says 3 looks from 10 s on; the flags bring it down to one look after 100 ms.
  const std::string tables = table_toml("lagging", "updated_at = \"updated_at\"\nlag = \"5m\"\n");
  write_file(dir / "job.toml", job(tables, "[check.recheck]\nattempts = 3\ndelay = \"10s\"\n"));
  const std::vector<std::string> flags{"--recheck-attempts", "1", "--recheck-delay", "100ms"};
  const auto started = Clock::now();
  const CheckRun r = run_check(dir / "job.toml", dir / "out", dir / "audit.db", flags);
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
  ASSERT_FALSE(r.summary.is_null()) << r.proc.describe();
  EXPECT_LT(took.count(), 8000) << "--recheck-delay 100ms was not used";
  const json& t = r.table("lagging");
  SCOPED_TRACE(t.dump(2));
  EXPECT_EQ(num(t, "in_flight"), want_in_flight);
  EXPECT_EQ(num(t, "changed"), want_changed);
  EXPECT_EQ(num(t, "missing_in_target"), want_mit);
  EXPECT_EQ(num(t, "missing_in_source"), 0);
  EXPECT_EQ(num(t, "converged"), 0);
  EXPECT_EQ(num(t, "suspended"), 0);
  EXPECT_EQ(num(t, "rows_compared"), truth.keys_union);
  expect_invariants(t);
  const double index = static_cast<double>(truth.keys_union - want_in_flight - want_changed - want_mit) /
                       static_cast<double>(truth.keys_union - want_in_flight);
  EXPECT_EQ(r.proc.exit_code, index < 0.9999 ? 1 : 0) << "index " << index << "\n" << r.proc.describe();
  const std::string run_id = r.summary.at("run_id").get<std::string>();
  const auto statuses = audit_statuses(dir / "audit.db", run_id, "lagging");
  EXPECT_EQ(statuses.count("in_flight") ? statuses.at("in_flight") : 0, want_in_flight);
  EXPECT_EQ(statuses.count("open") ? statuses.at("open") : 0, want_changed + want_mit);
  SqliteDb audit(dir / "audit.db");
  EXPECT_LE(audit.count("SELECT coalesce(max(recheck_attempts), 0) FROM divergences WHERE run_id = '" + run_id + "'"), 2)
      << "more looks than the in-flight look and --recheck-attempts 1";

  // With a table slo the index reaches, the same data exits 0: in-flight rows do not count against it.
  write_file(dir / "wide.toml", job(tables + "slo = 0.98\n", "[check.recheck]\nattempts = 1\ndelay = \"100ms\"\n"));
  const CheckRun wide = run_check(dir / "wide.toml", dir / "out-wide", dir / "audit.db");
  ASSERT_GE(index, 0.98);
  EXPECT_EQ(wide.proc.exit_code, 0) << "index " << index << "\n" << wide.proc.describe();
}

}  // namespace
}  // namespace e2e

// Rechecks against two real SQLite files: the test's sleep hook plays CDC (or a hot row) between
// looks, so converged, suspended, in-flight and still-open outcomes are each deterministic.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include <sqlite3.h>

#include "sqlite_exec.hpp"

#include "recon/engine/lookup.hpp"
#include "recon/engine/prepare.hpp"
#include "recon/engine/recheck.hpp"

using namespace recon;
namespace fs = std::filesystem;

namespace {

double epoch_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

using engine_test::exec;

class Recheck : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("recon_recheck_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const std::string schema =
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, updated_at TIMESTAMP);"
        "INSERT INTO t VALUES (1,'a','2020-01-01 00:00:00'), (2,'b','2020-01-01 00:00:00'),"
        " (3,'c','2020-01-01 00:00:00'), (4,'d','2020-01-01 00:00:00'), (5,'e','2020-01-01 00:00:00');";
    exec(src(), schema);
    exec(tgt(), schema);
    exec(tgt(), "UPDATE t SET v = 'B' WHERE id = 2; DELETE FROM t WHERE id = 3;");
    // Row 4 is being applied by CDC: updated on the source a moment ago, not yet on the target.
    exec(src(), "UPDATE t SET v = 'D', updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 4;");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path src() const { return dir_ / "src.db"; }
  fs::path tgt() const { return dir_ / "tgt.db"; }

  /// Prepares the job, looks up keys 2, 3 and 4, and rechecks them with `settings`.
  std::vector<HeldDivergence> run(RecheckSettings settings, const std::string& table_extra = "updated_at = \"updated_at\"\nlag = \"5m\"\n") {
    const std::string job = "[source]\nkind = \"sqlite\"\nurl = \"" + src().string() + "\"\n[target]\nkind = \"sqlite\"\nurl = \"" +
                            tgt().string() + "\"\n[[tables]]\nsource = \"t\"\nkey = [\"id\"]\n" +
                            table_extra;
    opts_ = parse_job_text(job, "job.toml", dir_);
    prepared_ = prepare_job(opts_);
    const TableContext& ctx = prepared_.contexts.at(0);
    std::vector<HeldDivergence> held;
    for (const char* k : {"2", "3", "4"}) {
      KeyLookup l = lookup_key(opts_, ctx, *prepared_.pool, parse_key(ctx, k));
      EXPECT_FALSE(l.equal) << k;
      held.push_back(HeldDivergence{l.divergence, epoch_now() - 10, 0});
    }
    const RecheckReport report = recheck_divergences(opts_, ctx, *prepared_.pool, held, settings);
    EXPECT_EQ(report.error, "");
    looks_ = report.looks;
    return held;
  }

  fs::path dir_;
  RunOptions opts_;
  PreparedJob prepared_;
  int looks_ = 0;
};

TEST_F(Recheck, RowsThatCdcAppliesConvergeWithTheirDelay) {
  RecheckSettings s;
  s.attempts = 2;
  s.in_flight_look = true;
  int sleeps = 0;
  s.sleep = [&](std::int64_t) {
    if (sleeps++ == 0) exec(tgt(), "UPDATE t SET v = 'b' WHERE id = 2; INSERT INTO t VALUES (3, 'c', '2020-01-01 00:00:00');");
  };
  auto held = run(s);
  EXPECT_EQ(held[0].divergence.finding.status, Status::Converged);
  EXPECT_GE(held[0].divergence.finding.converged_after_s, 10.0);
  EXPECT_EQ(held[0].divergence.finding.recheck_attempts, 2);  // the in-flight look, then the first delayed one
  EXPECT_EQ(held[1].divergence.finding.status, Status::Converged);
  EXPECT_EQ(held[2].divergence.finding.status, Status::InFlight);
  EXPECT_NE(held[2].divergence.finding.explanation.find("in flight"), std::string::npos);
  EXPECT_EQ(sleeps, 2);  // row 4 stayed open, so both delayed looks happened
}

TEST_F(Recheck, ARowRewrittenOnEveryLookIsSuspended) {
  RecheckSettings s;
  s.attempts = 3;
  int n = 0;
  s.sleep = [&](std::int64_t) { exec(src(), "UPDATE t SET v = 'hot" + std::to_string(n++) + "' WHERE id = 2;"); };
  auto held = run(s, "");
  EXPECT_EQ(held[0].divergence.finding.status, Status::Suspended);
  EXPECT_EQ(held[1].divergence.finding.status, Status::Open);  // still missing, never moved
  EXPECT_EQ(held[1].divergence.category, Category::MissingInTarget);
  EXPECT_EQ(held[2].divergence.finding.status, Status::Open);  // no lag window: not in flight
  EXPECT_EQ(looks_, 3);
}

TEST_F(Recheck, WithoutDelayedLooksTheLagWindowAloneDecidesInFlight) {
  RecheckSettings s;
  s.attempts = 0;
  s.in_flight_look = true;
  s.sleep = [](std::int64_t) { FAIL() << "no delayed look was asked for"; };
  auto held = run(s);
  EXPECT_EQ(held[0].divergence.finding.status, Status::Open);
  EXPECT_EQ(held[1].divergence.finding.status, Status::Open);
  EXPECT_EQ(held[2].divergence.finding.status, Status::InFlight);
  EXPECT_EQ(looks_, 1);
}

TEST_F(Recheck, ACategoryCanChangeBetweenLooks) {
  RecheckSettings s;
  s.attempts = 1;
  s.sleep = [&](std::int64_t) { exec(tgt(), "INSERT INTO t VALUES (3, 'x', '2020-01-01 00:00:00');"); };
  auto held = run(s, "updated_at = \"updated_at\"\nlag = \"1s\"\n");
  EXPECT_EQ(held[1].divergence.category, Category::Changed);
  EXPECT_EQ(held[1].divergence.finding.status, Status::Open);
  EXPECT_EQ(held[1].divergence.columns, std::vector<std::uint32_t>{0});
}

TEST_F(Recheck, RowsDeletedFromBothSidesConverge) {
  RecheckSettings s;
  s.attempts = 1;
  s.sleep = [&](std::int64_t) { exec(src(), "DELETE FROM t WHERE id = 3;"); };
  auto held = run(s, "");
  EXPECT_EQ(held[1].divergence.finding.status, Status::Converged);
}

}  // namespace

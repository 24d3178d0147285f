// The on-call commands through the real binary: `recon recheck --run` ("is it still broken?")
// records what a past run's open divergences are now, against the original divergence rows; and
// `recon explain` shows one key's values and the rules' chain of decisions, live or as a run
// recorded it. Truth about the rows comes from PostgreSQL (rules_support.cpp).
#include <gtest/gtest.h>

#include "rules_support.hpp"

namespace e2e {
namespace {

class PgOnCall : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (have_pg()) db_ = std::make_unique<PgDatabase>("recon_e2e_oncall");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }
  /// Planted table `t`, its rules (status changes say `status_action`) and a job, no rechecks.
  static fs::path planted_job(const TempDir& dir, const std::string& t, const std::string& status_action) {
    create_planted(*db_, t);
    write_file(dir / "rules.toml", planted_rules(status_action));
    write_file(dir / "job.toml", pg_job(*db_, table_toml(t), "rules = [\"rules.toml\"]"));
    return dir / "job.toml";
  }
  static std::int64_t first_id(const std::string& t, const std::string& where) {
    return db_->count("SELECT id FROM " + t + "_diff WHERE " + where + " ORDER BY id LIMIT 1");
  }
  static inline std::unique_ptr<PgDatabase> db_;
};

ProcResult recheck(const fs::path& audit, const std::string& run, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"recheck", "--run", run, "--audit", audit.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_recon(args);
}

TEST_F(PgOnCall, RecheckAfterTheFixupRecordsEveryOpenDivergenceConverged) {
  TempDir dir("oncall-fixed");
  const fs::path job = planted_job(dir, "pl_rc", "fix");
  const PlantTruth p = planted_truth(*db_, "pl_rc");
  const CheckRun r = run_check(job, dir / "out", dir / "audit.db");
  ASSERT_EQ(r.proc.exit_code, 1) << r.proc.describe();
  const std::string run_id = r.summary.at("run_id").get<std::string>();
  const std::int64_t open = p.open_changed() + p.missing_in_target + p.missing_in_source;
  ASSERT_EQ(audit_statuses(dir / "audit.db", run_id, "pl_rc").at("open"), open);

  const ProcResult psql = apply_sql(*db_, dir / "out" / "fixup" / "pl_rc.sql");
  ASSERT_EQ(psql.exit_code, 0) << psql.describe();
  const PlantTruth fixed = planted_truth(*db_, "pl_rc");
  ASSERT_EQ(fixed.changed_rows, fixed.tolerated());
  ASSERT_EQ(fixed.missing_in_target + fixed.missing_in_source, 0);

  const ProcResult rc = recheck(dir / "audit.db", "latest");
  EXPECT_EQ(rc.exit_code, 0) << rc.describe();
  EXPECT_NE(rc.out.find("pl_rc"), std::string::npos) << rc.out;
  // A combo row's amount is fixed, its trailing space is not: the rules now tolerate it.
  const std::int64_t converged = open - p.combo;
  const auto statuses = audit_statuses(dir / "audit.db", run_id, "pl_rc");
  EXPECT_EQ(statuses.count("converged") ? statuses.at("converged") : 0, converged) << rc.describe();
  EXPECT_EQ(statuses.count("open"), 0u) << rc.describe();
  EXPECT_EQ(statuses.count("tolerated") ? statuses.at("tolerated") : 0, p.tolerated() + p.combo);

  SqliteDb audit(dir / "audit.db");
  EXPECT_EQ(audit.count("SELECT count(*) FROM rechecks WHERE run_id = '" + run_id + "'"), open)
      << "one rechecks row per open divergence; rows the rules tolerated are not open and are not rechecked";
  EXPECT_EQ(audit.count("SELECT count(*) FROM rechecks WHERE status = 'converged'"), converged);
  EXPECT_EQ(audit.count("SELECT count(*) FROM rechecks WHERE status = 'tolerated'"), p.combo);
  EXPECT_EQ(audit.count("SELECT count(DISTINCT recheck_id) FROM rechecks"), 1);
  EXPECT_EQ(audit.count("SELECT count(*) FROM rechecks r JOIN divergences d ON d.id = r.divergence_id "
                        "WHERE d.status = 'converged' AND (d.converged_after_s IS NULL OR d.converged_after_s < 0)"),
            0);
  EXPECT_EQ(audit.count("SELECT count(*) FROM runs"), 1) << "a recheck is not a run";

  // Nothing is left open: a second recheck has nothing to do and says so.
  const ProcResult again = recheck(dir / "audit.db", run_id);
  EXPECT_EQ(again.exit_code, 0) << again.describe();
}

TEST_F(PgOnCall, RecheckOfAnUnfixedTargetKeepsThemOpen) {
  TempDir dir("oncall-open");
  const fs::path job = planted_job(dir, "pl_rc_open", "fix");
  const PlantTruth p = planted_truth(*db_, "pl_rc_open");
  const CheckRun r = run_check(job, dir / "out", dir / "audit.db");
  ASSERT_EQ(r.proc.exit_code, 1) << r.proc.describe();
  const std::string run_id = r.summary.at("run_id").get<std::string>();
  const std::int64_t open = p.open_changed() + p.missing_in_target + p.missing_in_source;

  const ProcResult rc = recheck(dir / "audit.db", run_id, {"--config", job.string(), "--delay", "10ms"});
  EXPECT_EQ(rc.exit_code, 1) << rc.describe();
  const auto statuses = audit_statuses(dir / "audit.db", run_id, "pl_rc_open");
  EXPECT_EQ(statuses.count("open") ? statuses.at("open") : 0, open) << rc.describe();
  EXPECT_EQ(statuses.count("converged"), 0u);
  SqliteDb audit(dir / "audit.db");
  EXPECT_EQ(audit.count("SELECT count(*) FROM rechecks WHERE status = 'open'"), open);

  // A side that cannot be reached: exit 3, nothing recorded.
  std::string text = read_file(job);
  const std::size_t port = text.find("port=");
  ASSERT_NE(port, std::string::npos) << text;
  text.replace(port, text.find(' ', port) - port, "port=1");
  write_file(dir / "unreachable.toml", text);
  const ProcResult down = recheck(dir / "audit.db", run_id, {"--config", (dir / "unreachable.toml").string()});
  EXPECT_EQ(down.exit_code, 3) << down.describe();
  EXPECT_EQ(audit.count("SELECT count(*) FROM rechecks"), open) << "a failed recheck recorded outcomes";

  const ProcResult unknown = recheck(dir / "audit.db", "20990101T000000Z-none");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.describe();
  EXPECT_NE(unknown.err.find((dir / "audit.db").string()), std::string::npos) << unknown.err;
  const ProcResult no_file = recheck(dir / "nowhere.db", "latest");
  EXPECT_EQ(no_file.exit_code, 2) << no_file.describe();
  EXPECT_NE(no_file.err.find("nowhere.db"), std::string::npos) << no_file.err;
}

TEST_F(PgOnCall, ExplainShowsTheRuleChainAndExitsByTheRowsStateNow) {
  TempDir dir("oncall-explain");
  const fs::path job = planted_job(dir, "pl_ex", "escalate");
  const std::int64_t off = first_id("pl_ex", "da AND NOT amount_tol AND NOT (dn OR dt OR dst OR du)");
  const std::int64_t tolerated = first_id("pl_ex", "da AND amount_tol AND NOT (dn OR dt OR dst OR du)");
  const std::int64_t equal = first_id("pl_ex", "NOT (dn OR da OR dt OR dst OR du)");
  ASSERT_EQ(db_->count("SELECT ((s.amount - x.amount) * 100)::int FROM src.pl_ex s JOIN tgt.pl_ex x USING (id) WHERE id = " +
                       std::to_string(off)),
            -2);
  auto explain = [&](std::int64_t id) {
    return run_recon({"explain", "--config", job.string(), "--table", "pl_ex", "--key", "[" + std::to_string(id) + "]"});
  };

  const ProcResult diverges = explain(off);
  EXPECT_EQ(diverges.exit_code, 1) << diverges.describe();
  EXPECT_NE(diverges.out.find("rules (first match wins):"), std::string::npos) << diverges.out;
  EXPECT_NE(diverges.out.find("amount: rule 'precision_drift'"), std::string::npos) << diverges.out;
  EXPECT_NE(diverges.out.find("0.02 > 0.01"), std::string::npos) << diverges.out;
  EXPECT_NE(diverges.out.find("rules.toml:"), std::string::npos) << "the chain names where each rule is\n" << diverges.out;
  EXPECT_NE(diverges.out.find("finding: changed  P2  fix"), std::string::npos) << diverges.out;

  const ProcResult tol = explain(tolerated);
  EXPECT_EQ(tol.exit_code, 0) << tol.describe();
  EXPECT_NE(tol.out.find("0.001"), std::string::npos) << tol.out;
  EXPECT_NE(tol.out.find("finding: precision_drift  P4  tolerate"), std::string::npos) << tol.out;

  const ProcResult same = explain(equal);
  EXPECT_EQ(same.exit_code, 0) << same.describe();
  EXPECT_NE(same.out.find("equal"), std::string::npos) << same.out;
  EXPECT_EQ(same.out.find("finding:"), std::string::npos) << same.out;

  // --run: what the run recorded, then the row now. A bare key value works for a one-column key.
  const CheckRun r = run_check(job, dir / "out", dir / "audit.db");
  ASSERT_EQ(r.proc.exit_code, 1) << r.proc.describe();
  const ProcResult recorded = run_recon({"explain", "--run", "latest", "--audit", (dir / "audit.db").string(),
                                         "--table", "pl_ex", "--key", std::to_string(off)});
  EXPECT_EQ(recorded.exit_code, 1) << recorded.describe();
  EXPECT_NE(recorded.out.find("recorded"), std::string::npos) << recorded.out;
  EXPECT_NE(recorded.out.find(r.summary.at("run_id").get<std::string>()), std::string::npos) << recorded.out;
  EXPECT_NE(recorded.out.find("0.02 > 0.01"), std::string::npos) << recorded.out;

  // Fixed since: the run's record stays, the row is equal now, exit 0.
  db_->exec("UPDATE tgt.pl_ex x SET amount = s.amount FROM src.pl_ex s WHERE s.id = x.id AND x.id = " + std::to_string(off));
  const ProcResult later = run_recon({"explain", "--run", r.summary.at("run_id").get<std::string>(), "--audit",
                                      (dir / "audit.db").string(), "--table", "pl_ex", "--key", std::to_string(off)});
  EXPECT_EQ(later.exit_code, 0) << later.describe();
  EXPECT_NE(later.out.find("recorded"), std::string::npos) << later.out;
  EXPECT_NE(later.out.find("equal"), std::string::npos) << later.out;

  const ProcResult bad_table = run_recon({"explain", "--config", job.string(), "--table", "nope", "--key", "[1]"});
  EXPECT_EQ(bad_table.exit_code, 2) << bad_table.describe();

  // An engine down during the incident: what the run recorded is still shown, exit 3.
  std::string text = read_file(job);
  const std::size_t port = text.find("port=");
  ASSERT_NE(port, std::string::npos) << text;
  text.replace(port, text.find(' ', port) - port, "port=1");
  write_file(dir / "unreachable.toml", text);
  const ProcResult down = run_recon({"explain", "--run", "latest", "--audit", (dir / "audit.db").string(), "--config",
                                     (dir / "unreachable.toml").string(), "--table", "pl_ex", "--key", std::to_string(off)});
  EXPECT_EQ(down.exit_code, 3) << down.describe();
  EXPECT_NE(down.err.find("unreachable"), std::string::npos) << down.err;
  EXPECT_NE(down.out.find("recorded: changed"), std::string::npos) << down.out;
  EXPECT_NE(down.out.find("[" + std::to_string(off) + "]"), std::string::npos) << down.out;
}

}  // namespace
}  // namespace e2e

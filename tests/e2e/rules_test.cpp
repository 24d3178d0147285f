// The rules engine through the real binary (issue #4): categories, severities and actions of
// planted differences, the index and exit code they give, fix-up SQL that holds only what the rules
// say to fix, rules that must not hide missing rows, the shipped default rules, and rule files
// that are wrong. Every expected count is computed on PostgreSQL (rules_support.cpp).
#include <regex>

#include <gtest/gtest.h>

#include "rules_support.hpp"

namespace e2e {
namespace {

class PgRules : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (have_pg()) db_ = std::make_unique<PgDatabase>("recon_e2e_rules");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }
  /// A job on table `t` with rule file `rules_text` (written beside it as rules.toml; none when
  /// empty) and extra [check] lines.
  static fs::path write_job(const TempDir& dir, const std::string& t, const std::string& rules_text,
                            const std::string& check = "", const std::string& name = "job.toml") {
    std::string check_lines = check;
    if (!rules_text.empty()) {
      write_file(dir / ("rules-" + name), rules_text);
      check_lines += "\nrules = [\"rules-" + name + "\"]\n";
    }
    write_file(dir / name, pg_job(*db_, table_toml(t), check_lines));
    return dir / name;
  }
  static inline std::unique_ptr<PgDatabase> db_;
};

TEST_F(PgRules, PlantedDifferencesGetTheirCategoriesSeveritiesAndActions) {
  create_planted(*db_, "pl_cat");
  const PlantTruth p = planted_truth(*db_, "pl_cat");
  ASSERT_TRUE(p.kinds_cover_changed()) << "plants overlap: changed rows " << p.changed_rows;
  for (std::int64_t n : {p.trailing, p.ts_drift, p.small_drift, p.big_drift, p.status, p.combo, p.missing_in_target,
                         p.missing_in_source})
    ASSERT_GT(n, 0) << "a planted kind is empty";
  TempDir dir("rules-cat");
  const CheckRun r = run_check(write_job(dir, "pl_cat", planted_rules("escalate")), dir / "out", dir / "audit.db");
  ASSERT_EQ(r.proc.exit_code, 1) << r.proc.describe();
  const json& t = r.table("pl_cat");
  SCOPED_TRACE(t.dump(2));

  EXPECT_EQ(num(t, "tolerated"), p.tolerated());
  EXPECT_EQ(num(t, "changed"), p.big_drift + p.status + p.combo);
  EXPECT_EQ(num(t, "missing_in_target"), p.missing_in_target);
  EXPECT_EQ(num(t, "missing_in_source"), p.missing_in_source);
  EXPECT_EQ(num(t, "rows_compared"), p.rows_compared);
  const std::int64_t open = p.big_drift + p.status + p.combo + p.missing_in_target + p.missing_in_source;
  EXPECT_EQ(num(t, "matched"), p.rows_compared - open);
  EXPECT_EQ(num(t, "in_flight"), 0);
  EXPECT_EQ(num(t, "converged"), 0);
  EXPECT_EQ(num(t, "suspended"), 0);
  EXPECT_EQ(num(t, "escalated"), p.status);
  EXPECT_NEAR(t.at("consistency_index").get<double>(),
              static_cast<double>(p.rows_compared - open) / static_cast<double>(p.rows_compared), 1e-9);
  expect_invariants(t);

  expect_category(t, "trailing_space", p.trailing, 4, "tolerate");
  expect_category(t, "ts_drift", p.ts_drift, 4, "tolerate");
  expect_category(t, "precision_drift", p.small_drift, 4, "tolerate");
  expect_category(t, "status_change", p.status, 1, "escalate");
  // No rule matched: the raw category, P2, fix (a combo row's trailing space is tolerated, its
  // amount is not, so the row is an unmatched change).
  expect_category(t, "changed", p.big_drift + p.combo, 2, "fix");
  expect_category(t, "missing_in_target", p.missing_in_target, 2, "fix");
  expect_category(t, "missing_in_source", p.missing_in_source, 2, "fix");
  EXPECT_EQ(t.at("categories").size(), 7u) << t.at("categories").dump();

  // The audit trail records each finding's status, rule and severity.
  const std::string run_id = r.summary.at("run_id").get<std::string>();
  const auto statuses = audit_statuses(dir / "audit.db", run_id, "pl_cat");
  EXPECT_EQ(statuses.count("tolerated") ? statuses.at("tolerated") : 0, p.tolerated());
  EXPECT_EQ(statuses.count("open") ? statuses.at("open") : 0, open);
  SqliteDb audit(dir / "audit.db");
  EXPECT_EQ(audit.count("SELECT count(*) FROM divergences WHERE run_id = '" + run_id +
                        "' AND rule = 'status_change' AND severity = 1 AND action = 'escalate' AND status = 'open'"),
            p.status);
  EXPECT_EQ(audit.count("SELECT count(*) FROM divergences WHERE run_id = '" + run_id +
                        "' AND rule = 'precision_drift' AND finding_category = 'precision_drift' AND severity = 4"),
            p.small_drift);
  EXPECT_EQ(audit.count("SELECT count(*) FROM divergences WHERE run_id = '" + run_id + "' AND rule = 'unmatched'"),
            p.big_drift + p.combo + p.missing_in_target + p.missing_in_source);
}

TEST_F(PgRules, EscalateForcesExitOneWhateverTheSloAndWithoutItTheIndexDecides) {
  create_planted(*db_, "pl_exit");
  const PlantTruth p = planted_truth(*db_, "pl_exit");
  const double index = static_cast<double>(p.rows_compared - p.open_changed() - p.missing_in_target - p.missing_in_source) /
                       static_cast<double>(p.rows_compared);
  ASSERT_GT(index, 0.9);
  TempDir dir("rules-exit");
  const CheckRun esc = run_check(write_job(dir, "pl_exit", planted_rules("escalate"), "slo = 0", "esc.toml"),
                                 dir / "esc", dir / "audit.db");
  EXPECT_EQ(esc.proc.exit_code, 1) << "slo = 0 but a P1 escalate divergence is open\n" << esc.proc.describe();
  const CheckRun low = run_check(write_job(dir, "pl_exit", planted_rules(""), "slo = 0.9", "low.toml"), dir / "low",
                                 dir / "audit.db");
  EXPECT_EQ(low.proc.exit_code, 0) << "index " << index << " >= slo 0.9 and nothing escalates\n" << low.proc.describe();
  if (!low.summary.is_null()) {
    EXPECT_EQ(num(low.table("pl_exit"), "escalated"), 0);
    expect_category(low.table("pl_exit"), "changed", p.open_changed(), 2, "fix");  // status now unmatched
  }
  const CheckRun high = run_check(write_job(dir, "pl_exit", planted_rules(""), "slo = 0.9999", "high.toml"),
                                  dir / "high", dir / "audit.db");
  EXPECT_EQ(high.proc.exit_code, 1) << high.proc.describe();
}

TEST_F(PgRules, FixupHoldsOnlyWhatTheRulesSayToFix) {
  create_planted(*db_, "pl_fix");
  const PlantTruth before = planted_truth(*db_, "pl_fix");
  TempDir dir("rules-fix");
  const fs::path job = write_job(dir, "pl_fix", planted_rules("escalate"));
  const CheckRun first = run_check(job, dir / "out1", dir / "audit.db");
  ASSERT_EQ(first.proc.exit_code, 1) << first.proc.describe();
  const fs::path fix1 = dir / "out1" / "fixup" / "pl_fix.sql";
  ASSERT_TRUE(fs::exists(fix1));
  const ProcResult psql1 = apply_sql(*db_, fix1);
  ASSERT_EQ(psql1.exit_code, 0) << psql1.describe() << "\n--- fixup ---\n" << read_file(fix1);

  // Fixed: amounts beyond the tolerance (combo rows too), missing rows both ways. Not touched:
  // tolerated rows, the combo rows' trailing spaces, escalated status changes.
  const PlantTruth mid = planted_truth(*db_, "pl_fix");
  EXPECT_EQ(mid.big_drift, 0) << read_file(fix1);
  EXPECT_EQ(mid.combo, 0);
  EXPECT_EQ(mid.missing_in_target, 0);
  EXPECT_EQ(mid.missing_in_source, 0);
  EXPECT_EQ(mid.trailing, before.trailing + before.combo) << "the fix-up touched a tolerated column";
  EXPECT_EQ(mid.ts_drift, before.ts_drift);
  EXPECT_EQ(mid.small_drift, before.small_drift);
  EXPECT_EQ(mid.status, before.status) << "an escalated divergence was fixed, the rules said escalate";

  // Status changes now say fix: the next fix-up repairs them, and the check after that finds only
  // tolerated rows.
  write_file(dir / "rules-job.toml", planted_rules("fix"));
  const CheckRun second = run_check(job, dir / "out2", dir / "audit.db");
  ASSERT_EQ(second.proc.exit_code, 1) << second.proc.describe();
  EXPECT_EQ(num(second.table("pl_fix"), "changed"), before.status);
  const ProcResult psql2 = apply_sql(*db_, dir / "out2" / "fixup" / "pl_fix.sql");
  ASSERT_EQ(psql2.exit_code, 0) << psql2.describe();
  const PlantTruth after = planted_truth(*db_, "pl_fix");
  EXPECT_EQ(after.status, 0);
  EXPECT_EQ(after.tolerated(), after.changed_rows);

  const CheckRun third = run_check(job, dir / "out3", dir / "audit.db");
  ASSERT_EQ(third.proc.exit_code, 0) << third.proc.describe();
  const json& t = third.table("pl_fix");
  EXPECT_EQ(num(t, "changed"), 0) << t.dump();
  EXPECT_EQ(num(t, "missing_in_target"), 0);
  EXPECT_EQ(num(t, "missing_in_source"), 0);
  EXPECT_EQ(num(t, "tolerated"), after.tolerated());
  EXPECT_EQ(num(t, "matched"), after.rows_compared);
  EXPECT_DOUBLE_EQ(t.at("consistency_index").get<double>(), 1.0);
  expect_invariants(t);
  const std::string fix3 = read_file(dir / "out3" / "fixup" / "pl_fix.sql");
  EXPECT_EQ(fix3.find("UPDATE "), std::string::npos) << fix3;
  EXPECT_EQ(fix3.find("INSERT "), std::string::npos) << fix3;
  EXPECT_EQ(fix3.find("DELETE "), std::string::npos) << fix3;
}

TEST_F(PgRules, ToleratingEveryColumnNeverHidesMissingRowsUnlessARuleNamesThem) {
  create_planted(*db_, "pl_all");
  const PlantTruth p = planted_truth(*db_, "pl_all");
  TempDir dir("rules-all");
  const std::string everything = "[[rule]]\nname = \"anything\"\nmatch.column = \"*\"\n"
                                 "outcome.category = \"whatever\"\noutcome.action = \"tolerate\"\n";
  const CheckRun r = run_check(write_job(dir, "pl_all", everything, "", "all.toml"), dir / "all", dir / "audit.db");
  ASSERT_EQ(r.proc.exit_code, 1) << r.proc.describe();
  const json& t = r.table("pl_all");
  EXPECT_EQ(num(t, "missing_in_target"), p.missing_in_target) << t.dump();
  EXPECT_EQ(num(t, "missing_in_source"), p.missing_in_source) << t.dump();
  EXPECT_EQ(num(t, "changed"), 0) << t.dump();
  EXPECT_EQ(num(t, "tolerated"), p.changed_rows) << t.dump();
  expect_invariants(t);

  const std::string named = everything +
                            "\n[[rule]]\nname = \"extra-rows-ok\"\nmatch.category = \"missing_in_source\"\n"
                            "outcome.category = \"extra_rows\"\noutcome.severity = \"P4\"\noutcome.action = \"tolerate\"\n";
  const CheckRun r2 = run_check(write_job(dir, "pl_all", named, "", "named.toml"), dir / "named", dir / "audit.db");
  ASSERT_EQ(r2.proc.exit_code, 1) << r2.proc.describe();
  const json& t2 = r2.table("pl_all");
  EXPECT_EQ(num(t2, "missing_in_source"), 0) << t2.dump();
  EXPECT_EQ(num(t2, "missing_in_target"), p.missing_in_target) << t2.dump();
  EXPECT_EQ(num(t2, "tolerated"), p.changed_rows + p.missing_in_source) << t2.dump();
  expect_category(t2, "extra_rows", p.missing_in_source, 4, "tolerate");
  expect_invariants(t2);
}

TEST_F(PgRules, DefaultRulesClassifyButTolerateNothing) {
  const fs::path default_rules = fs::path(RECON_SOURCE_DIR) / "rules" / "default.toml";
  if (!fs::exists(default_rules)) GTEST_FAIL() << default_rules << " is not shipped";
  create_planted(*db_, "pl_def");
  const PlantTruth p = planted_truth(*db_, "pl_def");
  TempDir dir("rules-default");
  const CheckRun bare = run_check(write_job(dir, "pl_def", "", "", "bare.toml"), dir / "bare", dir / "audit.db");
  ASSERT_EQ(bare.proc.exit_code, 1) << bare.proc.describe();
  write_file(dir / "def.toml", pg_job(*db_, table_toml("pl_def"), "rules = [" + toml_str(default_rules.string()) + "]"));
  const CheckRun def = run_check(dir / "def.toml", dir / "def", dir / "audit.db");
  ASSERT_EQ(def.proc.exit_code, 1) << def.proc.describe();
  const json& b = bare.table("pl_def");
  const json& d = def.table("pl_def");
  SCOPED_TRACE("no rules: " + b.dump() + "\ndefault rules: " + d.dump());
  EXPECT_EQ(num(d, "matched"), num(b, "matched"));
  EXPECT_EQ(num(d, "matched"), p.rows_compared - p.changed_rows - p.missing_in_target - p.missing_in_source);
  EXPECT_EQ(num(d, "tolerated"), 0);
  EXPECT_EQ(num(d, "changed"), p.changed_rows);
  EXPECT_EQ(num(d, "missing_in_target"), p.missing_in_target);
  EXPECT_EQ(num(d, "missing_in_source"), p.missing_in_source);
  expect_invariants(d);
  // Classified, not hidden: the shipped names (rules/default.toml), every one of them fixed. A
  // combo row's amount (P2 changed) outranks its trailing space (P3).
  for (const auto& [name, c] : d.at("categories").items()) EXPECT_EQ(c.at("action"), "fix") << name;
  expect_category(d, "trailing_space", p.trailing, 3, "fix");
  expect_category(d, "sub_millisecond_drift", p.ts_drift, 3, "fix");
  expect_category(d, "rounding_drift", p.small_drift, 3, "fix");
  expect_category(d, "changed", p.big_drift + p.status + p.combo, 2, "fix");
  expect_category(d, "missing_in_target", p.missing_in_target, 2, "fix");
  expect_category(d, "missing_in_source", p.missing_in_source, 2, "fix");
  EXPECT_EQ(d.at("categories").size(), 6u);

  // Everything is in the fix-up: applied, the target equals the source.
  const ProcResult psql = apply_sql(*db_, dir / "def" / "fixup" / "pl_def.sql");
  ASSERT_EQ(psql.exit_code, 0) << psql.describe();
  const Truth after = pg_truth(*db_, "src.pl_def", "tgt.pl_def", "id");
  EXPECT_TRUE(after.zero()) << "changed " << after.changed << ", missing " << after.missing_in_target << "/"
                            << after.missing_in_source;
}

TEST_F(PgRules, TableRulesComeBeforeTheJobsRules) {
  create_planted(*db_, "pl_own");
  const PlantTruth p = planted_truth(*db_, "pl_own");
  TempDir dir("rules-own");
  // [check].rules = the shipped defaults (trailing_space: P3 fix); the table's own file tolerates.
  write_file(dir / "own.toml", planted_rules("report"));
  const fs::path default_rules = fs::path(RECON_SOURCE_DIR) / "rules" / "default.toml";
  write_file(dir / "job.toml", pg_job(*db_, table_toml("pl_own", "rules = [\"own.toml\"]"),
                                      "rules = [" + toml_str(default_rules.string()) + "]"));
  const CheckRun r = run_check(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(r.proc.exit_code, 1) << r.proc.describe();
  const json& t = r.table("pl_own");
  SCOPED_TRACE(t.dump(2));
  EXPECT_EQ(num(t, "tolerated"), p.tolerated());
  expect_category(t, "trailing_space", p.trailing, 4, "tolerate");
  expect_category(t, "ts_drift", p.ts_drift, 4, "tolerate");
  expect_category(t, "precision_drift", p.small_drift, 4, "tolerate");
  expect_category(t, "status_change", p.status, 1, "report");
  // Not decided by the table's rules: the defaults' catch-all and missing-row rules.
  expect_category(t, "changed", p.big_drift + p.combo, 2, "fix");
  expect_category(t, "missing_in_target", p.missing_in_target, 2, "fix");
  EXPECT_EQ(num(t, "escalated"), 0);
  expect_invariants(t);
  // report: recorded, not fixed.
  const std::string fix = read_file(dir / "out" / "fixup" / "pl_own.sql");
  EXPECT_EQ(fix.find("\"status\" ="), std::string::npos) << fix;
  std::int64_t updates = 0;
  for (std::size_t at = 0; (at = fix.find("\nUPDATE ", at)) != std::string::npos; ++at) ++updates;
  EXPECT_EQ(updates, p.big_drift + p.combo) << fix;
}

TEST_F(PgRules, BadRuleFilesAreExitTwoWithFileLineAndAHint) {
  create_planted(*db_, "pl_bad");
  TempDir dir("rules-bad");
  const std::string misspelt = "# line 1\n[[rule]]\nname = \"drift\"\nmatch.column = \"amount\"\n"
                               "interpret.abs_tolerence = \"0.01\"\noutcome.category = \"precision_drift\"\n";
  const CheckRun r = run_check(write_job(dir, "pl_bad", misspelt, "", "misspelt.toml"), dir / "o1", dir / "audit.db");
  EXPECT_EQ(r.proc.exit_code, 2) << r.proc.describe();
  EXPECT_NE(r.proc.err.find("rules-misspelt.toml:5"), std::string::npos) << r.proc.err;
  EXPECT_NE(r.proc.err.find("abs_tolerance"), std::string::npos) << r.proc.err;
  EXPECT_NE(r.proc.err.find("did you mean"), std::string::npos) << r.proc.err;
  EXPECT_FALSE(fs::exists(dir / "o1" / "summary.json")) << "nothing may be compared";

  const std::string never = "[[rule]]\nname = \"gone-rows\"\nmatch.category = \"missing_in_target\"\n"
                            "interpret.trim_trailing = true\noutcome.category = \"x\"\n";
  const CheckRun r2 = run_check(write_job(dir, "pl_bad", never, "", "never.toml"), dir / "o2", dir / "audit.db");
  EXPECT_EQ(r2.proc.exit_code, 2) << r2.proc.describe();
  EXPECT_NE(r2.proc.err.find("never match"), std::string::npos) << r2.proc.err;
  EXPECT_TRUE(std::regex_search(r2.proc.err, std::regex("rules-never\\.toml:[0-9]+"))) << r2.proc.err;
}

}  // namespace
}  // namespace e2e

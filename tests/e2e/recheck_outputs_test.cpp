// `recon recheck` refreshes the run it rechecked (#13 item 4), through the real binary on
// PostgreSQL: after part of the difference is repaired outside recon, the run's summary.json,
// metrics.prom, fix-up file and the job's stable metrics file say what the engines say now (truth
// by SQL EXCEPT), and `recon apply` accepts the rewritten fix-up and repairs the rest.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

class PgRecheckOutputs : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
    db_ = std::make_unique<PgDatabase>("recon_e2e_recheck_outputs");
    db_->exec("CREATE SCHEMA src; CREATE SCHEMA tgt;"
              "CREATE TABLE src.r (id int PRIMARY KEY, a text, b int);"
              "INSERT INTO src.r SELECT i, md5(i::text), i % 97 FROM generate_series(1, 3000) i;"
              "CREATE TABLE tgt.r (LIKE src.r INCLUDING ALL); INSERT INTO tgt.r SELECT * FROM src.r;"
              "UPDATE tgt.r SET b = b + 1 WHERE id % 100 = 7;"
              "UPDATE tgt.r SET a = 'x' WHERE id % 150 = 8;"
              "DELETE FROM tgt.r WHERE id % 300 = 11;"
              "INSERT INTO tgt.r VALUES (5001, 'x', 1), (5002, 'y', 2);");
    write_file(dir_ / "job.toml", pg_job(*db_, "[[tables]]\nsource = \"src.r\"\ntarget = \"tgt.r\"\nkey = [\"id\"]\n",
                                         "metrics_file = " + toml_str((dir_ / "node" / "recon.prom").string()) + "\n"));
  }
  ProcResult check() {
    return run_recon({"check", "--config", (dir_ / "job.toml").string(), "--out", (dir_ / "out").string(), "--audit",
                      (dir_ / "audit.db").string(), "--no-progress"});
  }
  ProcResult recheck(const std::string& run) {
    return run_recon({"recheck", "--run", run, "--audit", (dir_ / "audit.db").string()});
  }
  /// The value of the metrics line starting with `series` (e.g. `recon_divergences{table="r",category="changed"}`).
  static std::string metric(const std::string& text, const std::string& series) {
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return "(absent)";
    const auto start = at + series.size() + 2;
    return text.substr(start, text.find('\n', start) - start);
  }
  TempDir dir_{"recheck-outputs"};
  std::unique_ptr<PgDatabase> db_;
};

TEST_F(PgRecheckOutputs, SummaryMetricsAndFixupSayWhatIsTrueNow) {
  const Truth planted = pg_truth(*db_, "src.r", "tgt.r", "id");
  const ProcResult first = check();
  ASSERT_EQ(first.exit_code, 1) << first.describe();
  const json before = read_json(dir_ / "out" / "summary.json");
  const std::string run_id = before["run_id"];
  const fs::path run_dir = dir_ / "out";

  // Repaired outside recon: half of the changed rows, and some of the missing ones.
  db_->exec("UPDATE tgt.r t SET b = s.b FROM src.r s WHERE s.id = t.id AND t.id % 200 = 7;"
            "INSERT INTO tgt.r SELECT * FROM src.r WHERE id % 600 = 11;"
            "DELETE FROM tgt.r WHERE id = 5001;");
  const Truth truth = pg_truth(*db_, "src.r", "tgt.r", "id");
  // Truth on the engine, before and after the repair outside recon.
  const std::int64_t open_before = planted.changed + planted.missing_in_target + planted.missing_in_source;
  const std::int64_t converged = open_before - (truth.changed + truth.missing_in_target + truth.missing_in_source);
  ASSERT_GT(converged, 0);

  const ProcResult r = recheck("latest");
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.out.find("refreshed the outputs of run " + run_id), std::string::npos) << r.out;
  EXPECT_NE(r.out.find((run_dir / "summary.json").string()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find((run_dir / "report.html").string()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find((dir_ / "node" / "recon.prom").string()), std::string::npos) << r.out;

  // The run's row counts are what it read; what it found is now what the engines say.
  const json after = read_json(run_dir / "summary.json");
  const json& t = table_entry(after, "r");
  EXPECT_EQ(t["changed"], truth.changed);
  EXPECT_EQ(t["missing_in_target"], truth.missing_in_target);
  EXPECT_EQ(t["missing_in_source"], truth.missing_in_source);
  EXPECT_EQ(t["rows_compared"], before["tables"][0]["rows_compared"]);
  EXPECT_EQ(t["matched"].get<std::int64_t>() + t["open_findings"].get<std::int64_t>(), t["rows_compared"].get<std::int64_t>());
  EXPECT_DOUBLE_EQ(t["consistency_index"].get<double>(),
                   t["matched"].get<double>() / t["rows_compared"].get<double>());
  EXPECT_EQ(t["converged"], converged);
  EXPECT_EQ(t["matched"].get<std::int64_t>(), planted.keys_union - open_before + converged);
  EXPECT_EQ(t["open_findings"], truth.changed + truth.missing_in_target + truth.missing_in_source);
  EXPECT_EQ(t["columns_changed"]["b"], db_->count("SELECT count(*) FROM src.r s JOIN tgt.r t USING (id) WHERE s.b <> t.b"));
  EXPECT_EQ(t["categories"]["changed"]["count"], truth.changed);
  EXPECT_EQ(t["categories"]["changed"]["first_keys"][0], json::array({8})) << "[7] converged; [8] is the first still changed";
  ASSERT_EQ(after["rechecks"].size(), 1u);
  EXPECT_EQ(after["rechecks"][0]["converged"], converged);
  EXPECT_EQ(after["run_id"], run_id);
  EXPECT_EQ(after["status"], "divergent");

  // The fix-up lists only what is still different; metrics (run folder and stable file) agree.
  const std::string fixup = read_file(run_dir / t["fixup_sql"].get<std::string>());
  auto count_lines = [&](const std::string& prefix) {
    std::int64_t n = 0;
    for (std::size_t at = 0; (at = fixup.find("\n" + prefix, at)) != std::string::npos; ++at) ++n;
    return n;
  };
  EXPECT_EQ(count_lines("UPDATE "), truth.changed) << fixup;
  EXPECT_EQ(count_lines("INSERT "), truth.missing_in_target) << fixup;
  EXPECT_EQ(count_lines("DELETE "), truth.missing_in_source) << fixup;
  for (const fs::path& prom : {run_dir / "metrics.prom", dir_ / "node" / "recon.prom"}) {
    const std::string text = read_file(prom);
    EXPECT_EQ(metric(text, "recon_divergences{table=\"r\",category=\"changed\",mode=\"full\"}"), std::to_string(truth.changed)) << prom;
    EXPECT_EQ(metric(text, "recon_rows_converged{table=\"r\",mode=\"full\"}"), std::to_string(converged)) << prom;
  }

  // recon apply accepts the rewritten file (its hash is the recorded one) and repairs the rest.
  const ProcResult apply = run_recon({"apply", "--run", run_id, "--audit", (dir_ / "audit.db").string(), "--no-progress"});
  EXPECT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_TRUE(pg_truth(*db_, "src.r", "tgt.r", "id").zero());

  // A last recheck: everything converged, the run now reads consistent.
  const ProcResult last = recheck(run_id);
  EXPECT_EQ(last.exit_code, 0) << last.describe();
  const json final_summary = read_json(run_dir / "summary.json");
  EXPECT_EQ(final_summary["status"], "consistent");
  EXPECT_EQ(final_summary["open_findings"], 0);
  EXPECT_EQ(final_summary["rechecks"].size(), 2u);
  EXPECT_EQ(metric(read_file(dir_ / "node" / "recon.prom"), "recon_open_findings{table=\"r\",mode=\"full\"}"), "0");
}

TEST_F(PgRecheckOutputs, AnOlderRunLeavesTheStableMetricsFileToTheNewerOne) {
  ASSERT_EQ(check().exit_code, 1);
  const std::string older = read_json(dir_ / "out" / "summary.json")["run_id"];
  db_->exec("UPDATE tgt.r t SET b = s.b FROM src.r s WHERE s.id = t.id AND t.id % 100 = 7;");
  const fs::path newer_out = dir_ / "out2";
  const ProcResult newer = run_recon({"check", "--config", (dir_ / "job.toml").string(), "--out", newer_out.string(),
                                      "--audit", (dir_ / "audit.db").string(), "--no-progress"});
  ASSERT_EQ(newer.exit_code, 1) << newer.describe();
  const std::string stable = read_file(dir_ / "node" / "recon.prom");

  const ProcResult r = recheck(older);
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.out.find("metrics file and EMF log left alone: run " +
                       read_json(newer_out / "summary.json")["run_id"].get<std::string>() + " is newer"),
            std::string::npos) << r.out;
  EXPECT_EQ(read_file(dir_ / "node" / "recon.prom"), stable);
  EXPECT_EQ(table_entry(read_json(dir_ / "out" / "summary.json"), "r")["changed"],
            pg_truth(*db_, "src.r", "tgt.r", "id").changed) << "the older run's own summary is refreshed";
}

TEST_F(PgRecheckOutputs, AFolderWrittenAgainByALaterRunIsLeftToThatRun) {
  ASSERT_EQ(check().exit_code, 1);
  const std::string older = read_json(dir_ / "out" / "summary.json")["run_id"];
  ASSERT_EQ(check().exit_code, 1);  // the same --out: the folder is the newer run's now
  const std::string summary = read_file(dir_ / "out" / "summary.json");
  const std::string fixup = read_file(dir_ / "out" / "fixup" / "r.sql");
  db_->exec("UPDATE tgt.r t SET b = s.b FROM src.r s WHERE s.id = t.id AND t.id % 100 = 7;");

  const ProcResult r = recheck(older);
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.out.find("outputs of run " + older + " not refreshed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the folder was written again"), std::string::npos) << r.out;
  EXPECT_EQ(read_file(dir_ / "out" / "summary.json"), summary);
  EXPECT_EQ(read_file(dir_ / "out" / "fixup" / "r.sql"), fixup);
}

TEST_F(PgRecheckOutputs, ARowThatChangesCategoryBetweenRechecksIsCountedWhereItIsNow) {
  ASSERT_EQ(check().exit_code, 1);
  const std::string run_id = read_json(dir_ / "out" / "summary.json")["run_id"];
  auto expect_truth = [&](const char* when) {
    const Truth truth = pg_truth(*db_, "src.r", "tgt.r", "id");
    const json summary = read_json(dir_ / "out" / "summary.json");
    const json& t = table_entry(summary, "r");
    EXPECT_EQ(t["changed"], truth.changed) << when;
    EXPECT_EQ(t["missing_in_target"], truth.missing_in_target) << when;
    EXPECT_EQ(t["missing_in_source"], truth.missing_in_source) << when;
    EXPECT_EQ(t["columns_changed"]["b"],
              db_->count("SELECT count(*) FROM src.r s JOIN tgt.r t USING (id) WHERE s.b <> t.b")) << when;
    const std::string fixup = read_file(dir_ / "out" / "fixup" / "r.sql");
    EXPECT_EQ(fixup.find("\nUPDATE ") == std::string::npos ? 0 : 1, truth.changed > 0 ? 1 : 0) << when;
  };
  // Row 107 differed in b: gone from the target now — a missing row, not a changed one.
  db_->exec("DELETE FROM tgt.r WHERE id = 107");
  ASSERT_EQ(recheck(run_id).exit_code, 1);
  expect_truth("after the row went missing");
  EXPECT_NE(read_file(dir_ / "out" / "fixup" / "r.sql").find(") SELECT 107, "), std::string::npos)
      << "the refreshed fix-up inserts it, from the values last seen";
  // Then put back equal: converged, counted once, nothing negative.
  db_->exec("INSERT INTO tgt.r SELECT * FROM src.r WHERE id = 107");
  ASSERT_EQ(recheck(run_id).exit_code, 1);
  expect_truth("after it converged");
  const json summary = read_json(dir_ / "out" / "summary.json");
  const json& t = table_entry(summary, "r");
  for (const char* field : {"changed", "missing_in_target", "missing_in_source", "converged", "matched"})
    EXPECT_GE(t[field].get<std::int64_t>(), 0) << field;
  EXPECT_EQ(t["converged"], 1);
}

}  // namespace
}  // namespace e2e

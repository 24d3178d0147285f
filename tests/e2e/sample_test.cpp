// Sampled runs on PostgreSQL: the same seed reads the same clusters; the index comes with its 95 %
// interval, labelled as sampled in summary.json, metrics.prom, the terminal and the audit; the SLO
// is decided on the interval's lower bound. The true index comes from EXCEPT on the engine.
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

constexpr int kRows = 30000;

class PgSample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg()) return;
    db_ = std::make_unique<PgDatabase>("recon_e2e_sample");
    for (const char* t : {"planted", "clean"})
      db_->exec(std::string("CREATE SCHEMA IF NOT EXISTS src; CREATE SCHEMA IF NOT EXISTS tgt;") +
                "CREATE TABLE src." + t + " (id bigint PRIMARY KEY, v text);"
                "INSERT INTO src." + t + " SELECT i, md5(i::text) FROM generate_series(1, " + std::to_string(kRows) +
                ") i; CREATE TABLE tgt." + t + " (LIKE src." + t + " INCLUDING ALL); INSERT INTO tgt." + t +
                " SELECT * FROM src." + t + "; ANALYZE src." + t + "; ANALYZE tgt." + t + ";");
    // 1 row in 200 differs, spread over the key space: true index 0.995.
    db_->exec("UPDATE tgt.planted SET v = 'x' WHERE id % 200 = 7");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }
  static std::string table(const std::string& t, const std::string& slo) {
    return "[[tables]]\nsource = \"src." + t + "\"\ntarget = \"tgt." + t + "\"\nkey = [\"id\"]\nslo = " + slo + "\n";
  }
  static ProcResult sample(const TempDir& dir, const std::string& out, const std::string& rate, const std::string& seed) {
    return run_recon({"check", "--config", (dir / "job.toml").string(), "--mode", "sample", "--sample-rate", rate,
                      "--seed", seed, "--out", (dir / out).string(), "--audit", (dir / "audit.db").string(),
                      "--no-progress"});
  }
  static inline std::unique_ptr<PgDatabase> db_;
};

TEST_F(PgSample, TheSameSeedReadsTheSameClustersAndTheIntervalHoldsTheTruth) {
  TempDir dir("sample_interval");
  write_file(dir / "job.toml", pg_job(*db_, table("planted", "0.9")));
  const Truth truth = pg_truth(*db_, "src.planted", "tgt.planted", "id");
  const double true_index = 1.0 - static_cast<double>(truth.changed) / static_cast<double>(truth.keys_union);
  json runs[2];
  for (int i = 0; i < 2; ++i) {
    const ProcResult r = sample(dir, "out" + std::to_string(i), "0.2", "42");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.out.find("SAMPLED RUN"), std::string::npos) << r.out;
    runs[i] = read_json(dir / ("out" + std::to_string(i)) / "summary.json");
  }
  const json& t0 = table_entry(runs[0], "planted");
  const json& t1 = table_entry(runs[1], "planted");
  EXPECT_EQ(t0["rows_compared"], t1["rows_compared"]);
  EXPECT_EQ(t0["changed"], t1["changed"]);
  EXPECT_EQ(t0["index_lower"], t1["index_lower"]);
  EXPECT_EQ(t0["index_upper"], t1["index_upper"]);
  // About a fifth of the rows, and the interval holds the index EXCEPT gives.
  const auto compared = t0["rows_compared"].get<std::int64_t>();
  EXPECT_GT(compared, kRows / 10) << t0.dump(2);
  EXPECT_LT(compared, kRows * 3 / 10) << t0.dump(2);
  EXPECT_LE(t0["index_lower"].get<double>(), true_index) << t0.dump(2);
  EXPECT_GE(t0["index_upper"].get<double>(), true_index) << t0.dump(2);
  EXPECT_LE(t0["index_lower"].get<double>(), t0["consistency_index"].get<double>());
  EXPECT_GE(t0["index_upper"].get<double>(), t0["consistency_index"].get<double>());
  EXPECT_EQ(t0["sample"]["clusters_read"], t0["ranges_total"]);
  EXPECT_EQ(t0["sample"]["method"], "ratio");
  // Labelled as sampled everywhere.
  EXPECT_EQ(runs[0]["mode"], "sample");
  EXPECT_EQ(runs[0]["sample_rate"], 0.2);
  EXPECT_EQ(runs[0]["confidence"], 0.95);
  EXPECT_TRUE(runs[0]["index_lower"].is_number()) << runs[0].dump(2);
  std::istringstream metrics(read_file(dir / "out0" / "metrics.prom"));
  std::string line;
  int samples = 0;
  while (std::getline(metrics, line)) {
    if (line.empty() || line[0] == '#') continue;
    ++samples;
    EXPECT_NE(line.find("mode=\"sample\""), std::string::npos) << line;
  }
  EXPECT_GT(samples, 10);
  SqliteDb audit(dir / "audit.db");
  EXPECT_EQ(audit.count("SELECT count(*) FROM runs WHERE mode = 'sample' AND index_lower IS NOT NULL"), 2);
  EXPECT_EQ(audit.count("SELECT count(*) FROM table_results WHERE mode = 'sample' AND index_upper IS NOT NULL"), 2);
}

TEST_F(PgSample, TheSloIsDecidedOnTheLowerBound) {
  TempDir dir("sample_slo");
  // No divergence in the clean table: a small sample cannot show 99.99 %, a census can.
  write_file(dir / "job.toml", pg_job(*db_, table("clean", "0.9999")));
  ProcResult r = sample(dir, "small", "0.05", "3");
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  const json small = table_entry(read_json(dir / "small" / "summary.json"), "clean");
  EXPECT_EQ(small["changed"], 0);
  EXPECT_EQ(small["consistency_index"], 1.0);
  EXPECT_LT(small["index_lower"].get<double>(), 0.9999);
  EXPECT_EQ(small["sample"]["method"], "none_seen");
  ASSERT_TRUE(small.contains("notes")) << small.dump(2);
  EXPECT_NE(small["notes"].dump().find("clusters"), std::string::npos) << small.dump(2);
  r = sample(dir, "census", "1.0", "3");
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  const json census = table_entry(read_json(dir / "census" / "summary.json"), "clean");
  EXPECT_EQ(census["index_lower"], 1.0);
  EXPECT_EQ(census["sample"]["method"], "census");
}

}  // namespace
}  // namespace e2e

namespace e2e {
namespace {

TEST_F(PgSample, AResumedSampledRunEstimatesFromTheSameClusters) {
  TempDir dir("sample_resume");
  write_file(dir / "job.toml", pg_job(*db_, table("planted", "0.9")));
  ProcResult r = sample(dir, "out", "0.2", "9");
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  const json whole = table_entry(read_json(dir / "out" / "summary.json"), "planted");
  const std::string run_id = read_json(dir / "out" / "summary.json")["run_id"];
  {
    // As if the run had stopped half-way: half of its clusters not compared.
    SqliteDb audit(dir / "audit.db");
    audit.exec("UPDATE runs SET status = 'interrupted' WHERE run_id = '" + run_id + "';"
               "UPDATE ranges SET status = 'planned' WHERE run_id = '" + run_id + "' AND range_index % 2 = 0;");
  }
  r = run_recon({"check", "--config", (dir / "job.toml").string(), "--mode", "sample", "--resume", run_id, "--audit",
                 (dir / "audit.db").string(), "--no-progress"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  const json resumed = table_entry(read_json(dir / "out" / "summary.json"), "planted");
  EXPECT_GT(resumed["ranges_resumed"].get<std::int64_t>(), 0) << resumed.dump(2);
  for (const char* field : {"rows_compared", "changed", "index_lower", "index_upper", "consistency_index"})
    EXPECT_EQ(resumed[field], whole[field]) << field;
  EXPECT_EQ(resumed["sample"]["clusters_total"], whole["sample"]["clusters_total"]);
}

}  // namespace
}  // namespace e2e

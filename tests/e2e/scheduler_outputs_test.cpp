// What a scheduler watches, through the real binary on PostgreSQL: the metrics at a stable path
// (replaced atomically each run, success 1 or 0) and CloudWatch EMF lines appended per run.
#include <gtest/gtest.h>

#include <sstream>

#include "e2e_support.hpp"

namespace e2e {
namespace {

class PgSchedulerOutputs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg()) return;
    db_ = std::make_unique<PgDatabase>("recon_e2e_scheduler");
    db_->exec("CREATE SCHEMA src; CREATE SCHEMA tgt;"
              "CREATE TABLE src.a (id int PRIMARY KEY, v text); INSERT INTO src.a SELECT i, 'v' FROM generate_series(1, 300) i;"
              "CREATE TABLE tgt.a (LIKE src.a INCLUDING ALL); INSERT INTO tgt.a SELECT * FROM src.a;"
              "UPDATE tgt.a SET v = 'w' WHERE id IN (5, 6);"
              "CREATE TABLE src.b (id int PRIMARY KEY, v text); INSERT INTO src.b VALUES (1, 'x');"
              "CREATE TABLE tgt.b (LIKE src.b INCLUDING ALL); INSERT INTO tgt.b SELECT * FROM src.b;");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }
  static std::string tables(const std::string& b_target = "tgt.b") {
    return "[[tables]]\nsource = \"src.a\"\ntarget = \"tgt.a\"\nkey = [\"id\"]\n"
           "[[tables]]\nsource = \"src.b\"\ntarget = \"" + b_target + "\"\nkey = [\"id\"]\n";
  }
  static inline std::unique_ptr<PgDatabase> db_;
};

std::vector<json> lines_of(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

TEST_F(PgSchedulerOutputs, StableMetricsFileAndEmfLinesPerRun) {
  TempDir dir("scheduler");
  // [check].metrics_file is relative to the job file's folder; --emf to the current directory.
  write_file(dir / "job.toml", pg_job(*db_, tables(), "metrics_file = \"textfile/recon.prom\"\n"));
  const fs::path emf = dir / "logs" / "recon-emf.log";
  for (int run = 0; run < 2; ++run) {
    const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out",
                                    (dir / ("out" + std::to_string(run))).string(), "--audit", (dir / "audit.db").string(),
                                    "--emf", emf.string(), "--no-progress", "--quiet"});
    ASSERT_EQ(r.exit_code, 1) << r.describe();
  }
  const std::string prom = read_file(dir / "textfile" / "recon.prom");
  EXPECT_EQ(prom, read_file(dir / "out1" / "metrics.prom")) << "the stable file is the last run's";
  EXPECT_NE(prom.find("recon_run_success{mode=\"full\"} 1\n"), std::string::npos) << prom;
  EXPECT_NE(prom.find("# TYPE recon_rows_compared gauge\n"), std::string::npos) << prom;
  EXPECT_EQ(prom.find(" counter\n"), std::string::npos) << "gauges only";
  EXPECT_NE(prom.find("recon_open_findings{table=\"a\",mode=\"full\"} 2\n"), std::string::npos) << prom;
  for (const auto& e : fs::directory_iterator(dir / "textfile"))
    EXPECT_EQ(e.path().filename(), "recon.prom") << "no temp file left beside it";

  const std::vector<json> lines = lines_of(read_file(emf));
  ASSERT_EQ(lines.size(), 6u) << "two runs × (two tables + the run)";
  const json& a = lines[0];
  EXPECT_EQ(a["Job"], "job");
  EXPECT_EQ(a["Table"], "a");
  EXPECT_EQ(a["Mode"], "full");
  EXPECT_EQ(a["Changed"], 2);
  EXPECT_EQ(a["RowsCompared"], 300);
  const json& directive = a["_aws"]["CloudWatchMetrics"][0];
  EXPECT_EQ(directive["Namespace"], "recon");
  EXPECT_EQ(directive["Dimensions"], json::parse(R"([["Job","Table","Mode"]])"));
  for (const json& m : directive["Metrics"]) EXPECT_TRUE(a[m["Name"].get<std::string>()].is_number()) << m.dump();
  EXPECT_GT(a["_aws"]["Timestamp"].get<std::int64_t>(), 1'700'000'000'000);
  const json& run = lines[2];
  EXPECT_EQ(run["_aws"]["CloudWatchMetrics"][0]["Dimensions"], json::parse(R"([["Job","Mode"]])"));
  EXPECT_EQ(run["RunSuccess"], 1);
  EXPECT_EQ(run["OpenFindings"], 2);
  EXPECT_EQ(run["Status"], "divergent");
  EXPECT_NE(lines[5]["RunId"], run["RunId"]);
}

TEST_F(PgSchedulerOutputs, AFailedRunSaysSoAtTheStablePath) {
  TempDir dir("scheduler-fail");
  write_file(dir / "job.toml", pg_job(*db_, tables("tgt.missing")));
  const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(),
                                  "--audit", (dir / "audit.db").string(), "--metrics-file",
                                  (dir / "m.prom").string(), "--emf", (dir / "emf.log").string(), "--no-progress"});
  ASSERT_EQ(r.exit_code, 2) << r.describe();
  const std::string prom = read_file(dir / "m.prom");
  EXPECT_NE(prom.find("recon_run_success{mode=\"full\"} 0\n"), std::string::npos) << prom;
  EXPECT_NE(prom.find("recon_last_run_timestamp_seconds{mode=\"full\"} "), std::string::npos) << prom;
  const std::vector<json> lines = lines_of(read_file(dir / "emf.log"));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back()["RunSuccess"], 0);
}

TEST_F(PgSchedulerOutputs, HeartbeatLinesInALogAsTextOrJson) {
  TempDir dir("scheduler-heartbeat");
  write_file(dir / "job.toml", pg_job(*db_, tables(), "chunk_rows = 20\n"));
  auto check = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args{"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(),
                                  "--audit", (dir / "audit.db").string(), "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_recon(args);  // stderr is a pipe, as under cron or systemd
  };
  const ProcResult text = check({"--heartbeat", "1ms"});
  ASSERT_EQ(text.exit_code, 1) << text.describe();
  EXPECT_NE(text.err.find("recon: progress a: ranges "), std::string::npos) << text.err;
  EXPECT_EQ(text.err.find('\r'), std::string::npos) << "no live line in a log";

  const ProcResult js = check({"--heartbeat", "1ms", "--log-format", "json"});
  ASSERT_EQ(js.exit_code, 1) << js.describe();
  int beats = 0;
  std::istringstream in(js.err);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("{", 0) == 0) {
      const json j = json::parse(line);
      EXPECT_EQ(j["event"], "progress");
      EXPECT_LE(j["done"].get<int>(), j["total"].get<int>());
      ++beats;
    }
  EXPECT_GT(beats, 0) << js.err;

  const ProcResult none = check({});  // the default 10 s: a run this short prints no heartbeat
  EXPECT_EQ(none.err.find("recon: progress"), std::string::npos) << none.err;
  const ProcResult bad = check({"--heartbeat", "often"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--heartbeat 'often' is not a duration"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace e2e

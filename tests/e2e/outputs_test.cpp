// The output folder (summary.json, metrics.prom, fix-up files), the audit DB, sample mode, the
// progress line's terminal-only behaviour, secrets, and `recon demo`.
#include <regex>

#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

class PgOutputs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg()) return;
    db_ = std::make_unique<PgDatabase>("recon_e2e_outputs");
    // big: 20k rows, 40 planted divergences spread over the key space. small: 30 rows.
    db_->exec("CREATE SCHEMA src; CREATE SCHEMA tgt;"
              "CREATE TABLE src.big (id int PRIMARY KEY, v text, n numeric(12,2));"
              "INSERT INTO src.big SELECT i, md5(i::text), i / 7.0 FROM generate_series(1, 20000) i;"
              "CREATE TABLE tgt.big (LIKE src.big INCLUDING ALL); INSERT INTO tgt.big SELECT * FROM src.big;"
              "UPDATE tgt.big SET v = 'x' WHERE id % 1000 = 17;"
              "DELETE FROM tgt.big WHERE id % 1000 = 503;"
              "CREATE TABLE src.small (id int PRIMARY KEY, v text);"
              "INSERT INTO src.small SELECT i, 'v' || i FROM generate_series(1, 30) i;"
              "CREATE TABLE tgt.small (LIKE src.small INCLUDING ALL); INSERT INTO tgt.small SELECT * FROM src.small;"
              "DELETE FROM tgt.small WHERE id = 4; INSERT INTO tgt.small VALUES (99, 'extra');"
              "UPDATE tgt.small SET v = 'changed' WHERE id = 9;");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }
  static std::string table(const std::string& t) {
    return "[[tables]]\nsource = \"src." + t + "\"\ntarget = \"tgt." + t + "\"\nkey = [\"id\"]\n";
  }
  static inline std::unique_ptr<PgDatabase> db_;
};

TEST_F(PgOutputs, SampleModeIsReproducibleAndNearTheRate) {
  TempDir dir("sample");
  write_file(dir / "job.toml", pg_job(*db_, table("big")));
  std::int64_t compared[2] = {0, 0};
  for (int run = 0; run < 2; ++run) {
    const fs::path out = dir / ("out" + std::to_string(run));
    const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--mode", "sample",
                                    "--sample-rate", "0.25", "--seed", "7", "--chunk-rows", "1000", "--out",
                                    out.string(), "--no-progress"});
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.describe();
    const json s = read_json(out / "summary.json");
    EXPECT_EQ(s.value("mode", ""), "sample");
    ASSERT_TRUE(s.contains("seed")) << s.dump(2);
    EXPECT_EQ(s.at("seed").get<std::uint64_t>(), 7u);
    compared[run] = table_entry(s, "big").at("rows_compared").get<std::int64_t>();
  }
  EXPECT_EQ(compared[0], compared[1]);
  const std::int64_t rows = db_->count("SELECT count(*) FROM (SELECT id FROM src.big UNION SELECT id FROM tgt.big) x");
  EXPECT_GE(compared[0], rows / 10) << "sampled " << compared[0] << " of " << rows;
  EXPECT_LE(compared[0], rows * 45 / 100) << "sampled " << compared[0] << " of " << rows;
}

TEST_F(PgOutputs, NoCarriageReturnProgressWhenStderrIsNotATerminal) {
  TempDir dir("progress");
  write_file(dir / "job.toml", pg_job(*db_, table("big"), "chunk_rows = 500"));
  // No --no-progress: recon itself must notice stderr is a pipe.
  const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string()});
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find('\r'), std::string::npos) << r.out;
  expect_counts(read_json(dir / "out" / "summary.json"), "big", pg_truth(*db_, "src.big", "tgt.big", "id"));
}

TEST_F(PgOutputs, SummaryJsonMetricsAndFixupFollowTheContract) {
  TempDir dir("summary");
  write_file(dir / "job.toml", pg_job(*db_, table("small") + table("big"), "chunk_rows = 4000"));
  const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(),
                                  "--no-progress", "--quiet"});
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  const json s = read_json(dir / "out" / "summary.json");
  SCOPED_TRACE(s.dump(2));
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)");
  ASSERT_TRUE(s.at("run_id").is_string());
  EXPECT_FALSE(s.at("run_id").get<std::string>().empty());
  EXPECT_TRUE(std::regex_match(s.at("started_at").get<std::string>(), iso));
  EXPECT_TRUE(std::regex_match(s.at("finished_at").get<std::string>(), iso));
  EXPECT_LE(s.at("started_at").get<std::string>(), s.at("finished_at").get<std::string>());
  EXPECT_EQ(s.at("mode"), "full");
  EXPECT_EQ(s.at("status"), "divergent");
  EXPECT_TRUE(s.at("slo").is_number());
  EXPECT_DOUBLE_EQ(s.at("slo").get<double>(), 0.9999);
  ASSERT_TRUE(s.at("consistency_index").is_number());
  ASSERT_TRUE(s.at("tables").is_array());
  ASSERT_EQ(s.at("tables").size(), 2u);

  std::int64_t sum_matched = 0, sum_compared = 0;
  const std::string metrics = read_file(dir / "out" / "metrics.prom");
  for (const std::string name : {"small", "big"}) {
    const json& t = table_entry(s, name);
    for (const char* f : {"name", "source", "target", "fixup_sql"}) EXPECT_TRUE(t.at(f).is_string()) << f;
    for (const char* f : {"rows_source", "rows_target", "rows_compared", "matched", "missing_in_target",
                          "missing_in_source", "changed"})
      EXPECT_TRUE(t.at(f).is_number_integer()) << f;
    EXPECT_TRUE(t.at("consistency_index").is_number());
    EXPECT_EQ(t.at("source"), "src." + name);
    EXPECT_EQ(t.at("target"), "tgt." + name);
    EXPECT_TRUE(fs::exists(dir / "out" / t.at("fixup_sql").get<std::string>())) << t.at("fixup_sql");
    expect_counts(s, name, pg_truth(*db_, "src." + name, "tgt." + name, "id"));
    sum_matched += t.at("matched").get<std::int64_t>();
    sum_compared += t.at("rows_compared").get<std::int64_t>();

    // metrics.prom: one gauge sample per table carrying the table's index.
    const std::regex sample("(^|\n)recon_consistency_index\\{[^}]*table=\"" + name + "\"[^}]*\\} ([^ \n]+)");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(metrics, m, sample)) << "no recon_consistency_index for " << name << " in:\n" << metrics;
    EXPECT_NEAR(std::stod(m[2].str()), t.at("consistency_index").get<double>(), 1e-6);
  }
  EXPECT_NEAR(s.at("consistency_index").get<double>(),
              static_cast<double>(sum_matched) / static_cast<double>(sum_compared), 1e-9);
  EXPECT_NE(metrics.find("# TYPE recon_consistency_index gauge"), std::string::npos) << metrics;

  // Fix-up: one transaction, on the target.
  const std::string fix = read_file(dir / "out" / "fixup" / "small.sql");
  EXPECT_NE(fix.find("BEGIN"), std::string::npos) << fix;
  EXPECT_NE(fix.find("COMMIT"), std::string::npos) << fix;
  EXPECT_NE(fix.find("tgt"), std::string::npos) << fix;
}

TEST_F(PgOutputs, AuditHasOneRunRowPerRunAndNoPasswordAnywhere) {
  const char* pw_env = std::getenv("PGPASSWORD");
  const std::string password = pw_env ? pw_env : "";
  TempDir dir("audit");
  // The password in the URL itself (the worst case a user can write): recon must still never
  // store or print it.
  std::string job = pg_job(*db_, table("small"));
  if (!password.empty()) {
    const std::string url = toml_str(db_->conninfo());
    const char* host = std::getenv("PGHOST");
    const char* port = std::getenv("PGPORT");
    const char* user = std::getenv("PGUSER");
    const std::string uri = std::string("postgresql://") + (user ? user : "postgres") + ":" + password + "@" +
                            (host ? host : "localhost") + ":" + (port ? port : "5432") + "/" + db_->name();
    for (std::size_t at; (at = job.find(url)) != std::string::npos;) job.replace(at, url.size(), toml_str(uri));
  }
  write_file(dir / "job.toml", job);
  std::vector<std::string> run_ids;
  std::string all_output;
  for (int run = 0; run < 2; ++run) {
    const fs::path out = dir / ("out" + std::to_string(run));
    const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", out.string(),
                                    "--no-progress"},
                                   {{"PGPASSWORD", std::nullopt}});  // only the URL carries it
    ASSERT_EQ(r.exit_code, 1) << r.describe();
    run_ids.push_back(read_json(out / "summary.json").at("run_id").get<std::string>());
    all_output += r.out + r.err;
    for (const auto& f : fs::recursive_directory_iterator(out))
      if (f.is_regular_file()) all_output += read_file(f.path());
  }
  EXPECT_NE(run_ids[0], run_ids[1]);
  const fs::path audit_file = dir / "recon-audit.db";  // default: beside the job file
  ASSERT_TRUE(fs::exists(audit_file));
  SqliteDb audit(audit_file);
  const auto runs = audit.rows("SELECT run_id FROM runs ORDER BY started_at, run_id");
  ASSERT_EQ(runs.size(), 2u);
  std::set<std::string> got{runs[0][0], runs[1][0]}, want(run_ids.begin(), run_ids.end());
  EXPECT_EQ(got, want);
  EXPECT_EQ(audit.count("SELECT count(*) FROM table_results"), 2);
  const Truth t = pg_truth(*db_, "src.small", "tgt.small", "id");
  EXPECT_EQ(audit.count("SELECT count(*) FROM divergences"), 2 * (t.missing_in_target + t.missing_in_source + t.changed));

  if (password.empty()) GTEST_SKIP() << "PGPASSWORD unset: cannot look for it";
  EXPECT_EQ(all_output.find(password), std::string::npos) << "password leaked into stdout/stderr/output folder";
  for (const auto& tbl : audit.rows("SELECT name FROM sqlite_master WHERE type = 'table'")) {
    for (const auto& row : audit.rows("SELECT * FROM \"" + tbl[0] + "\""))
      for (const auto& cell : row) EXPECT_EQ(cell.find(password), std::string::npos) << "audit table " << tbl[0];
  }
  for (const auto& f : fs::directory_iterator(dir.path())) {  // WAL / journal files too
    if (f.is_regular_file() && f.path().filename().string().rfind("recon-audit", 0) == 0) {
      EXPECT_EQ(read_file(f.path()).find(password), std::string::npos) << f.path();
    }
  }
}

TEST(DemoE2e, DemoExitsZeroAndWritesTheThreeOutputs) {
  TempDir dir("demo");
  const ProcResult r = run_recon({"demo", "--out", (dir / "demo").string()}, {}, 240);
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(fs::exists(dir / "demo" / "source.db"));
  EXPECT_TRUE(fs::exists(dir / "demo" / "target.db"));
  fs::path summary;
  for (const auto& f : fs::recursive_directory_iterator(dir / "demo"))
    if (f.path().filename() == "summary.json") summary = f.path();
  ASSERT_FALSE(summary.empty()) << "no summary.json under " << (dir / "demo");
  const fs::path out = summary.parent_path();
  EXPECT_TRUE(fs::exists(out / "metrics.prom"));
  ASSERT_TRUE(fs::is_directory(out / "fixup"));
  const json s = read_json(summary);
  std::set<std::string> names;
  for (const auto& t : s.at("tables")) {
    names.insert(t.at("name").get<std::string>());
    EXPECT_TRUE(fs::exists(out / t.at("fixup_sql").get<std::string>())) << t.dump();
  }
  for (const char* want : {"clientes", "produtos", "grupos", "simulacoes"}) EXPECT_EQ(names.count(want), 1u) << want;
}

}  // namespace
}  // namespace e2e

// Exit codes (docs/cli.md: 0 at/above SLO, 1 below, 2 bad input, 3 runtime failure) and the
// quality of the one-line error messages: they name the problem and never contain a password.
#include <algorithm>

#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

/// stderr is exactly one non-empty line.
::testing::AssertionResult one_line(const std::string& err) {
  std::string s = err;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  if (s.empty()) return ::testing::AssertionFailure() << "stderr is empty";
  if (s.find('\n') != std::string::npos) return ::testing::AssertionFailure() << "stderr has several lines:\n" << err;
  return ::testing::AssertionSuccess();
}

// ---- no database needed ----------------------------------------------------------------------

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    // Two empty SQLite files so only the job file itself can be wrong.
    SqliteDb(dir_ / "src.db").exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    SqliteDb(dir_ / "tgt.db").exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  }
  ProcResult check(const std::string& job_text) {
    write_file(dir_ / "job.toml", job_text);
    return run_recon({"check", "--config", (dir_ / "job.toml").string(), "--out", (dir_ / "out").string(),
                      "--no-progress"});
  }
  static std::string good_job(const std::string& check_extra = "", const std::string& table_extra = "") {
    return "[source]\nkind = \"sqlite\"\nurl = \"src.db\"\n\n[target]\nkind = \"sqlite\"\nurl = \"tgt.db\"\n\n"
           "[check]\nthreads = 1\n" + check_extra + "\n[[tables]]\nsource = \"t\"\nkey = [\"id\"]\n" + table_extra;
  }
  TempDir dir_{"badinput"};
};

TEST_F(BadInput, SanityTheGoodJobRunsClean) {
  const ProcResult r = check(good_job());
  EXPECT_EQ(r.exit_code, 0) << r.describe();
}

TEST_F(BadInput, MalformedTomlNamesFileAndLine) {
  std::string job = good_job();
  job += "columns = [\"v\"\n";  // unterminated array on the last line
  const int line = static_cast<int>(std::count(job.begin(), job.end(), '\n'));
  const ProcResult r = check(job);
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("job.toml:" + std::to_string(line)), std::string::npos)
      << "expected file:line (line " << line << ") in:\n" << r.err;
  EXPECT_TRUE(one_line(r.err));
}

TEST_F(BadInput, MissingJobFile) {
  const ProcResult r = run_recon({"check", "--config", (dir_ / "nope.toml").string(), "--no-progress"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("nope.toml"), std::string::npos) << r.err;
  EXPECT_TRUE(one_line(r.err));
}

TEST_F(BadInput, UnknownKeyInJobFile) {
  const ProcResult r = check(good_job("threadz = 2\n"));
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("threadz"), std::string::npos) << r.err;
  EXPECT_TRUE(one_line(r.err));
  const ProcResult r2 = check(good_job("", "chunk_row = 5\n"));
  EXPECT_EQ(r2.exit_code, 2) << r2.describe();
  EXPECT_NE(r2.err.find("chunk_row"), std::string::npos) << r2.err;
}

TEST_F(BadInput, UnknownColumnAndTableOnSqlite) {
  const ProcResult col = check(good_job("", "columns = [\"v\", \"no_such_col\"]\n"));
  EXPECT_EQ(col.exit_code, 2) << col.describe();
  EXPECT_NE(col.err.find("no_such_col"), std::string::npos) << col.err;
  const ProcResult tab = check(good_job("", "target = \"no_such_table\"\n"));
  EXPECT_EQ(tab.exit_code, 2) << tab.describe();
  EXPECT_NE(tab.err.find("no_such_table"), std::string::npos) << tab.err;
}

TEST_F(BadInput, UnknownTableInTablesFlag) {
  write_file(dir_ / "job.toml", good_job());
  const ProcResult r = run_recon({"check", "--config", (dir_ / "job.toml").string(), "--tables", "nope",
                                  "--out", (dir_ / "out").string(), "--no-progress"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
}

TEST(CliE2e, HelpListsEveryCheckOptionAndVersionWorks) {
  const ProcResult help = run_recon({"check", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.describe();
  for (const char* opt : {"--config", "--tables", "--mode", "--sample-rate", "--seed", "--threads", "--chunk-rows",
                          "--out", "--audit", "--no-progress", "--quiet"})
    EXPECT_NE(help.out.find(opt), std::string::npos) << opt << " missing from:\n" << help.out;
  const ProcResult version = run_recon({"--version"});
  EXPECT_EQ(version.exit_code, 0) << version.describe();
  EXPECT_EQ(version.out.rfind("recon ", 0), 0u) << version.out;
  const ProcResult unknown = run_recon({"check", "--no-such-flag"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.describe();
}

// ---- PostgreSQL ------------------------------------------------------------------------------

class PgExit : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg()) return;
    db_ = std::make_unique<PgDatabase>("recon_e2e_exit");
    db_->exec("CREATE SCHEMA src; CREATE SCHEMA tgt;"
              "CREATE TABLE src.same (id int PRIMARY KEY, v text);"
              "INSERT INTO src.same SELECT i, 'v' || i FROM generate_series(1, 10) i;"
              "CREATE TABLE tgt.same (LIKE src.same INCLUDING ALL); INSERT INTO tgt.same SELECT * FROM src.same;"
              "CREATE TABLE src.diff (LIKE src.same INCLUDING ALL); INSERT INTO src.diff SELECT * FROM src.same;"
              "CREATE TABLE tgt.diff (LIKE src.same INCLUDING ALL); INSERT INTO tgt.diff SELECT * FROM src.same;"
              "UPDATE tgt.diff SET v = 'x' WHERE id = 3;");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }
  static std::string table(const std::string& t, const std::string& extra = "") {
    return "[[tables]]\nsource = \"src." + t + "\"\ntarget = \"tgt." + t + "\"\nkey = [\"id\"]\n" + extra;
  }
  ProcResult check(const std::string& job_text, const EnvEdits& env = {}) {
    write_file(dir_ / "job.toml", job_text);
    return run_recon({"check", "--config", (dir_ / "job.toml").string(), "--out", (dir_ / "out").string(),
                      "--no-progress"},
                     env);
  }
  static std::string pgpassword() {
    const char* p = std::getenv("PGPASSWORD");
    return p ? p : "";
  }
  static inline std::unique_ptr<PgDatabase> db_;
  TempDir dir_{"exit"};
};

TEST_F(PgExit, IdenticalIsZero) {
  ASSERT_TRUE(pg_truth(*db_, "src.same", "tgt.same", "id").zero());
  const ProcResult r = check(pg_job(*db_, table("same")));
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(read_json(dir_ / "out" / "summary.json").value("status", ""), "consistent");
}

TEST_F(PgExit, DivergentBelowSloIsOne) {
  const Truth t = pg_truth(*db_, "src.diff", "tgt.diff", "id");
  ASSERT_EQ(t.changed, 1);
  const ProcResult r = check(pg_job(*db_, table("diff")));
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  expect_counts(read_json(dir_ / "out" / "summary.json"), "diff", t);
}

TEST_F(PgExit, DivergentButSloSatisfiedIsZero) {
  // 9 of 10 rows match: index 0.9 >= 0.5. Both the [check] and the per-table spelling.
  const ProcResult r = check(pg_job(*db_, table("diff"), "slo = 0.5"));
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  const json s = read_json(dir_ / "out" / "summary.json");
  EXPECT_DOUBLE_EQ(s.at("slo").get<double>(), 0.5);
  expect_counts(s, "diff", pg_truth(*db_, "src.diff", "tgt.diff", "id"));
  const ProcResult per_table = check(pg_job(*db_, table("diff", "slo = 0.5\n")));
  EXPECT_EQ(per_table.exit_code, 0) << per_table.describe();
  const ProcResult mixed = check(pg_job(*db_, table("diff", "slo = 0.5\n") + table("same")));
  EXPECT_EQ(mixed.exit_code, 0) << mixed.describe();
}

TEST_F(PgExit, UnknownColumnIsTwo) {
  const ProcResult r = check(pg_job(*db_, table("same", "columns = [\"v\", \"no_such_col\"]\n")));
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  // Validation may list several problems, one per line; this job has exactly one.
  std::size_t mentions = 0;
  for (std::size_t at = 0; (at = r.err.find("'no_such_col'", at)) != std::string::npos; ++at) ++mentions;
  EXPECT_EQ(mentions, 1u) << "one unknown column should be reported once:\n" << r.err;
}

TEST_F(PgExit, UnknownTableIsTwo) {
  const ProcResult r = check(pg_job(*db_, "[[tables]]\nsource = \"src.same\"\ntarget = \"tgt.no_such_table\"\nkey = [\"id\"]\n"));
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("no_such_table"), std::string::npos) << r.err;
  EXPECT_TRUE(one_line(r.err));
}

TEST_F(PgExit, WrongPasswordIsTwoAndNotPrinted) {
  const std::string wrong = "wrong-pw-Zq81x";
  // A cluster that trusts local connections cannot tell a wrong password: nothing to test then.
  const ProcResult probe = run_process("/usr/bin/psql", {"-X", "-w", "-d", db_->conninfo(), "-c", "SELECT 1"},
                                       {{"PGPASSWORD", wrong}});
  if (probe.exit_code == 0) GTEST_SKIP() << "the cluster accepts any password (trust authentication)";

  std::string job = pg_job(*db_, table("same"));
  const std::string marker = "[source]\nkind = \"postgres\"\n";
  job.insert(job.find(marker) + marker.size(), "password_env = \"E2E_WRONG_PW\"\n");
  const std::string tmarker = "[target]\nkind = \"postgres\"\n";
  job.insert(job.find(tmarker) + tmarker.size(), "password_env = \"E2E_WRONG_PW\"\n");
  const ProcResult r = check(job, {{"E2E_WRONG_PW", wrong}, {"PGPASSWORD", std::nullopt}});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(one_line(r.err));
  EXPECT_EQ(r.err.find(wrong), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find(wrong), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("password"), std::string::npos) << "message should point at the password: " << r.err;
}

TEST_F(PgExit, UnreachableHostIsThreeWithOneCleanLine) {
  // Nothing listens on port 1. The password in the URL must never be echoed.
  const std::string secret = "s3cr3t-Pw-9d1";
  std::string job = pg_job(*db_, table("same"));
  const std::string url = toml_str(db_->conninfo());
  job.replace(job.find(url), url.size(), toml_str("postgresql://postgres:" + secret + "@127.0.0.1:1/" + db_->name()));
  const ProcResult r = check(job);
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_TRUE(one_line(r.err));
  EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
  if (!pgpassword().empty()) {
    EXPECT_EQ(r.err.find(pgpassword()), std::string::npos) << r.err;
  }
  EXPECT_NE(r.err.find("127.0.0.1"), std::string::npos) << "message should name the host: " << r.err;
}

}  // namespace
}  // namespace e2e

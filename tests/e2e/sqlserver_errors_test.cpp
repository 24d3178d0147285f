// SQL Server failures through the real binary (the exit codes of docs/cli.md): a wrong password and an
// unknown table are bad input (2, nothing compared); a server that dies mid-stream or a port
// nobody listens on are runtime failures (3, partial results kept and marked). No message may
// contain a password.
#include <gtest/gtest.h>

#include "tds_fixture.hpp"

namespace e2e {
namespace {

constexpr int kRows = 200;

class SqlServerErrors : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg() || tds_server_binary().empty()) return;
    dir_ = std::make_unique<TempDir>("tds-errors");
    {
      SqliteDb fixture(*dir_ / "fixture.db");
      fixture.exec("CREATE TABLE \"dbo.items\" (id int PRIMARY KEY, v \"nvarchar(50)\", d \"datetime2(7) text\")");
      fixture.exec("CREATE TABLE \"dbo.docs\" (id int PRIMARY KEY, body xml)");
      fixture.exec("INSERT INTO \"dbo.docs\" VALUES (1, '<a />')");
      fixture.exec("BEGIN");
      for (int i = 1; i <= kRows; ++i)
        fixture.exec("INSERT INTO \"dbo.items\" VALUES (" + std::to_string(i) + ", 'item " + std::to_string(i) +
                     " ção', '2024-01-01 00:00:" + std::to_string(10 + i % 50) + ".1234567')");
      fixture.exec("COMMIT");
    }
    server_ = std::make_unique<TdsServer>(*dir_ / "fixture.db");
    db_ = std::make_unique<PgDatabase>("recon_e2e_tds_errors");
    db_->exec("CREATE TABLE items (id int PRIMARY KEY, v text, d timestamp);"
              "INSERT INTO items SELECT i, 'item ' || i || ' ção', "
              "timestamp '2024-01-01 00:00:00.123457' + (10 + i % 50) * interval '1 second' "
              "FROM generate_series(1, " + std::to_string(kRows) + ") i;"
              "CREATE TABLE docs (id int PRIMARY KEY, body xml); INSERT INTO docs VALUES (1, '<a />');");
  }
  static void TearDownTestSuite() {
    server_.reset();
    db_.reset();
    dir_.reset();
  }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
    if (tds_server_binary().empty()) GTEST_SKIP() << "tds_test_server was not built";
  }
  static std::string items(const std::string& source = "dbo.items") {
    return "[[tables]]\nsource = \"" + source + "\"\ntarget = \"public.items\"\nkey = [\"id\"]\n";
  }
  /// Neither the test server's password nor `other` appears anywhere recon wrote to.
  static void expect_no_password(const ProcResult& r, const std::string& other = "") {
    for (const std::string& pw : {std::string(kTdsPassword), other}) {
      if (pw.empty()) continue;
      EXPECT_EQ(r.out.find(pw), std::string::npos) << "password in stdout:\n" << r.out;
      EXPECT_EQ(r.err.find(pw), std::string::npos) << "password in stderr:\n" << r.err;
    }
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<TdsServer> server_;
  static inline std::unique_ptr<PgDatabase> db_;
  TempDir run_dir_{"tds-err"};
};

TEST_F(SqlServerErrors, SanityTheSameJobRunsClean) {
  write_file(run_dir_ / "job.toml", tds_job(server_->port(), *db_, items(), "chunk_rows = 50"));
  const ProcResult r = run_check(run_dir_);
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  expect_no_password(r);
}

TEST_F(SqlServerErrors, WrongPasswordIsTwoAndNeverPrinted) {
  const std::string wrong = "Wrong-Pw-z81q";
  write_file(run_dir_ / "job.toml", tds_job(server_->port(), *db_, items()));
  const ProcResult r = run_check(run_dir_, "out", wrong);
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  expect_no_password(r, wrong);
  EXPECT_NE(r.err.find("ogin failed"), std::string::npos) << "should relay SQL Server's 'Login failed':\n" << r.err;
  EXPECT_NE(r.err.find(kTdsPasswordEnv), std::string::npos) << "should point at the password variable:\n" << r.err;
}

TEST_F(SqlServerErrors, UnknownTableIsTwoNamingIt) {
  write_file(run_dir_ / "job.toml", tds_job(server_->port(), *db_, items("dbo.no_such_table")));
  const ProcResult r = run_check(run_dir_);
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("no_such_table"), std::string::npos) << r.err;
  expect_no_password(r);
}

TEST_F(SqlServerErrors, ServerGoneMidStreamIsThreeWithPartialTable) {
  // A second server over the same fixture that drops the connection after 30 rows of any result,
  // with retries = 0. The SQL Server connector plans by reading the whole key column (its only
  // even and exact sample), the longest result of the run, so the stream dies there — before any
  // range — and the table is partial with no range done.
  TdsServer flaky(dir_->path() / "fixture.db", {"--fail-after-rows", "30"});
  write_file(run_dir_ / "job.toml", tds_job(flaky.port(), *db_, items(), "chunk_rows = 50\nretries = 0"));
  const ProcResult r = run_check(run_dir_);
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  expect_no_password(r);
  ASSERT_TRUE(fs::exists(run_dir_ / "out" / "summary.json")) << r.describe();
  const json summary = read_json(run_dir_ / "out" / "summary.json");
  EXPECT_EQ(summary.value("status", ""), "error") << summary.dump(2);
  const json& t = table_entry(summary, "items");
  EXPECT_TRUE(t.at("partial").get<bool>()) << t.dump();
  EXPECT_EQ(t.at("matched").get<int>(), 0) << t.dump();
  const std::string error = t.value("error", "");
  EXPECT_NE(error.find("dbo.items"), std::string::npos) << "the error should name the table: " << t.dump();
  EXPECT_NE(error.find("connection lost"), std::string::npos) << t.dump();
  EXPECT_NE(r.err.find("dbo.items"), std::string::npos) << r.err;
}

TEST_F(SqlServerErrors, UnreachablePortIsThreeAndTheFailureIsOnRecord) {
  const int port = unused_port();
  write_file(run_dir_ / "job.toml", tds_job(port, *db_, items()));
  const ProcResult r = run_check(run_dir_);
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_NE(r.err.find("127.0.0.1"), std::string::npos) << "message should name the host:\n" << r.err;
  expect_no_password(r);
  // A run that never compared anything still tells the scheduler so, everywhere it looks.
  const json summary = read_json(run_dir_ / "out" / "summary.json");
  EXPECT_EQ(summary["status"], "error");
  EXPECT_TRUE(summary["consistency_index"].is_null());
  EXPECT_NE(summary.value("error", "").find("127.0.0.1"), std::string::npos) << summary.dump(2);
  EXPECT_TRUE(table_entry(summary, "items")["partial"].get<bool>());
  const std::string metrics = read_file(run_dir_ / "out" / "metrics.prom");
  EXPECT_NE(metrics.find("recon_run_success{mode=\"full\"} 0\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("recon_table_partial{table=\"items\",mode=\"full\"} 1"), std::string::npos) << metrics;
  SqliteDb audit(run_dir_ / "audit.db");
  const auto runs = audit.rows("SELECT status, error IS NOT NULL FROM runs");
  EXPECT_EQ(runs, (std::vector<std::vector<std::string>>{{"failed", "1"}}));
}

TEST_F(SqlServerErrors, XmlKeyIsTwoNamingTheColumn) {
  // xml compares as text (sqlserver_types_test.cpp) but has no = or ordering on either engine, so
  // it cannot be a key: a configuration error naming the column, nothing compared.
  write_file(run_dir_ / "job.toml",
             tds_job(server_->port(), *db_,
                     "[[tables]]\nsource = \"dbo.docs\"\ntarget = \"public.docs\"\nkey = [\"body\"]\ntrust_key = true\n"));
  const ProcResult r = run_check(run_dir_);
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("key column 'body' has type xml"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace e2e

// SQL Server planning reads statistics, not tables (docs/sqlserver.md, "Planning"), end to end:
// `recon check` against the TDS 7.4 test server, whose --read-log records what every statement
// read. With statistics no statement reads every row and the ranges still cover every row; a
// table without statistics is read whole and the summary says why; a NULL key still fails the
// table naming the column.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "tds_fixture.hpp"

namespace e2e {
namespace {

/// The rows_read column of every line of a read log, with the statement it belongs to.
std::vector<std::pair<std::uint64_t, std::string>> rows_read(const fs::path& log) {
  std::vector<std::pair<std::uint64_t, std::string>> out;
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::size_t at = 0;
    for (std::size_t tab; (tab = line.find('\t', at)) != std::string::npos && f.size() < 7; at = tab + 1)
      f.push_back(line.substr(at, tab - at));
    f.push_back(line.substr(at));
    if (f.size() == 8) out.emplace_back(std::stoull(f[4]), f[7]);
  }
  return out;
}

class SqlServerPlan : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
    if (tds_server_binary().empty()) GTEST_SKIP() << "tds_test_server was not built";
  }
  /// dbo.items(id int PRIMARY KEY, v) with `rows` rows in the fixture (plus `extra_sql`), and
  /// public.items on PostgreSQL with the same rows but one missing and one changed.
  void make_items(PgDatabase& db, int rows, const std::string& extra_sql = "") {
    SqliteDb fixture(dir_ / "fixture.db");
    fixture.exec("CREATE TABLE \"dbo.items\" (id int PRIMARY KEY, v \"nvarchar(50)\");"
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(rows) +
                 ") INSERT INTO \"dbo.items\" SELECT i * 7, 'item ' || i FROM n;" + extra_sql);
    db.exec("CREATE TABLE items (id int PRIMARY KEY, v text);"
            "INSERT INTO items SELECT i * 7, 'item ' || i FROM generate_series(1, " + std::to_string(rows) + ") i;"
            "DELETE FROM items WHERE id = 700; UPDATE items SET v = 'changed' WHERE id = 7 * 1234; ANALYZE items;");
  }
  static std::string job_table() {
    return "[[tables]]\nsource = \"dbo.items\"\ntarget = \"public.items\"\nkey = [\"id\"]\n";
  }
  static void expect_every_row_compared(const json& summary, int rows) {
    const json& t = table_entry(summary, "items");
    SCOPED_TRACE(t.dump());
    EXPECT_FALSE(t.at("partial").get<bool>());
    EXPECT_EQ(t.at("rows_source").get<int>(), rows);
    EXPECT_EQ(t.at("rows_target").get<int>(), rows - 1);
    EXPECT_EQ(t.at("matched").get<int>(), rows - 2);
    EXPECT_EQ(t.at("missing_in_target").get<int>(), 1);
    EXPECT_EQ(t.at("changed").get<int>(), 1);
    EXPECT_GE(t.at("ranges_total").get<int>(), 20) << "chunk_rows 1000 cuts the table into many ranges";
  }

  TempDir dir_{"tds-plan"};
};

TEST_F(SqlServerPlan, WithStatisticsNoStatementReadsEveryRowAndEveryRowIsCompared) {
  constexpr int kRows = 30000;
  PgDatabase db("recon_e2e_tds_plan");
  make_items(db, kRows);
  TdsServer server(dir_ / "fixture.db", {"--read-log", (dir_ / "reads.log").string()});
  write_file(dir_ / "job.toml", tds_job(server.port(), db, job_table(), "chunk_rows = 1000"));
  const ProcResult r = run_check(dir_);
  EXPECT_EQ(r.exit_code, 0) << "99.99 % of the rows match, the default SLO: " << r.describe();
  const json summary = read_json(dir_ / "out" / "summary.json");
  expect_every_row_compared(summary, kRows);
  EXPECT_FALSE(table_entry(summary, "items").contains("notes")) << table_entry(summary, "items").dump();
  const auto log = rows_read(dir_ / "reads.log");
  ASSERT_FALSE(log.empty());
  bool histogram = false;
  for (const auto& [read, statement] : log) {
    EXPECT_LT(read, std::uint64_t{kRows} / 10) << "no statement reads the table whole: " << statement;
    histogram = histogram || statement.find("dm_db_stats_histogram") != std::string::npos;
  }
  EXPECT_TRUE(histogram) << "planning read the histogram";
}

TEST_F(SqlServerPlan, WithoutStatisticsPlanningReadsEveryKeyAndTheSummarySaysSo) {
  constexpr int kRows = 20000;  // more than two first samples' worth, so the full read is noted
  PgDatabase db("recon_e2e_tds_plan_nostats");
  make_items(db, kRows, "CREATE TABLE _tds_no_statistics (table_name TEXT); INSERT INTO _tds_no_statistics VALUES ('dbo.items');");
  TdsServer server(dir_ / "fixture.db", {"--read-log", (dir_ / "reads.log").string()});
  write_file(dir_ / "job.toml", tds_job(server.port(), db, job_table(), "chunk_rows = 1000"));
  const ProcResult r = run_check(dir_);
  EXPECT_EQ(r.exit_code, 0) << "99.99 % of the rows match, the default SLO: " << r.describe();
  const json summary = read_json(dir_ / "out" / "summary.json");
  expect_every_row_compared(summary, kRows);
  const json& t = table_entry(summary, "items");
  ASSERT_TRUE(t.contains("notes")) << t.dump();
  bool noted = false;
  for (const auto& n : t.at("notes")) noted = noted || n.get<std::string>().find("planning read every key") != std::string::npos;
  EXPECT_TRUE(noted) << t.dump();
  EXPECT_NE(r.err.find("CREATE STATISTICS"), std::string::npos) << "the note says what to do:\n" << r.err;
  const auto log = rows_read(dir_ / "reads.log");
  EXPECT_TRUE(std::any_of(log.begin(), log.end(), [](const auto& l) { return l.first == std::uint64_t{kRows}; }))
      << "the key scan read every row";
}

TEST_F(SqlServerPlan, ANullKeyStillFailsTheTableNamingTheColumn) {
  PgDatabase db("recon_e2e_tds_plan_null");
  {
    SqliteDb fixture(dir_ / "fixture.db");
    fixture.exec("CREATE TABLE \"dbo.items\" (id int UNIQUE, v \"nvarchar(50)\");"
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
                 "INSERT INTO \"dbo.items\" SELECT i, 'item ' || i FROM n; INSERT INTO \"dbo.items\" VALUES (NULL, 'none');");
  }
  db.exec("CREATE TABLE items (id int PRIMARY KEY, v text);"
          "INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 5000) i;");
  TdsServer server(dir_ / "fixture.db");
  write_file(dir_ / "job.toml", tds_job(server.port(), db, job_table(), "chunk_rows = 500"));
  const ProcResult r = run_check(dir_);
  EXPECT_EQ(r.exit_code, 3) << "a partial table: " << r.describe();
  EXPECT_NE(r.err.find("NULL in key column id"), std::string::npos) << r.err;
  const json summary = read_json(dir_ / "out" / "summary.json");
  const json& t = table_entry(summary, "items");
  EXPECT_TRUE(t.at("partial").get<bool>()) << t.dump();
  EXPECT_NE(t.value("error", "").find("source table dbo.items has a NULL in key column id"), std::string::npos)
      << t.dump();
  EXPECT_TRUE(t.at("consistency_index").is_null()) << "no index for a table not wholly compared: " << t.dump();
}

}  // namespace
}  // namespace e2e

// The statements a planner sends, against the server over DB-Library: sys.dm_db_partition_stats,
// sys.stats, sys.stats_columns, sys.dm_db_stats_histogram, TABLESAMPLE SYSTEM, and the read log
// that shows what each statement read (docs/tds-test-server.md, "Planning statements").
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>

#include "dblib_support.hpp"

namespace tds_test::testing {
namespace {

using Rows = std::vector<std::vector<std::optional<std::string>>>;

const char* kTable = R"sql(
  CREATE TABLE "dbo.T" (id int PRIMARY KEY, code "nvarchar(10)" UNIQUE, v int);
  WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000)
  INSERT INTO "dbo.T" SELECT x * 2, CASE WHEN x % 10 = 0 THEN NULL ELSE 'c' || x END, x % 7 FROM c;
  CREATE INDEX ix_v ON "dbo.T" (v);
  CREATE TABLE "dbo.Heap" (a int, b int);
  INSERT INTO "dbo.Heap" VALUES (1, 1), (2, 2);
  CREATE VIEW "dbo.V" AS SELECT id FROM "dbo.T";
)sql";

std::string cell(const Rows& r, std::size_t row, std::size_t col) {
  return r.at(row).at(col).value_or("NULL");
}

/// The read log's lines: {reads, rows_read, rows_sent} of each statement.
std::vector<std::vector<std::string>> read_log(const std::string& path) {
  std::vector<std::vector<std::string>> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::size_t at = 0;
    for (std::size_t tab; (tab = line.find('\t', at)) != std::string::npos; at = tab + 1) f.push_back(line.substr(at, tab - at));
    f.push_back(line.substr(at));
    if (f.size() == 8) out.push_back({f[3], f[4], f[5], f[6], f[7]});
  }
  return out;
}

void reads_log(ServerOptions& o) { o.read_log = o.db_path + ".reads"; }

TEST(Planning, PartitionStatsCountRowsAsTheyAre) {
  ServedFixture fx(kTable);
  Conn c(fx.connect());
  ASSERT_TRUE(c.p);
  Rows r;
  const std::string sql = "SELECT SUM(row_count), SUM(in_row_data_page_count) FROM sys.dm_db_partition_stats "
                          "WHERE object_id = OBJECT_ID(N'[dbo].[T]') AND index_id IN (0, 1)";
  ASSERT_TRUE(query(c, sql, r));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(cell(r, 0, 0), "1000");
  EXPECT_EQ(cell(r, 0, 1), "10") << "100 rows a page";
  ASSERT_TRUE(query(c, "DELETE FROM T WHERE id <= 200", r));
  ASSERT_TRUE(query(c, sql, r));
  EXPECT_EQ(cell(r, 0, 0), "900") << "row_count is kept current";
  ASSERT_TRUE(query(c, "SELECT index_id, row_count FROM sys.dm_db_partition_stats WHERE object_id = OBJECT_ID('dbo.T') ORDER BY index_id", r));
  ASSERT_EQ(r.size(), 3u) << "the clustered primary key, the UNIQUE constraint's index, ix_v";
  EXPECT_EQ(cell(r, 0, 0), "1");
  ASSERT_TRUE(query(c, "SELECT index_id FROM sys.dm_db_partition_stats WHERE object_id = OBJECT_ID(N'Heap')", r));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(cell(r, 0, 0), "0") << "a table without a primary key is a heap";
  ASSERT_TRUE(query(c, "SELECT OBJECT_ID(N'dbo.Missing'), COLUMNPROPERTY(OBJECT_ID(N'[dbo].[T]'), N'code', 'ColumnId')", r));
  EXPECT_EQ(cell(r, 0, 0), "NULL");
  EXPECT_EQ(cell(r, 0, 1), "2");
}

TEST(Planning, StatisticsFollowTheIndexesAndHistogramsTheirFirstColumn) {
  ServedFixture fx(kTable);
  Conn c(fx.connect());
  Rows r;
  ASSERT_TRUE(query(c, "SELECT stats_id, name, has_filter FROM sys.stats WHERE object_id = OBJECT_ID(N'[dbo].[T]') ORDER BY stats_id", r));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(cell(r, 0, 1), "PK_T");
  EXPECT_EQ(cell(r, 1, 1), "UQ_T_1");
  EXPECT_EQ(cell(r, 2, 1), "ix_v");
  ASSERT_TRUE(query(c, "SELECT stats_id FROM sys.stats_columns WHERE object_id = OBJECT_ID(N'[dbo].[T]') AND "
                       "stats_column_id = 1 AND column_id = COLUMNPROPERTY(OBJECT_ID(N'[dbo].[T]'), N'code', 'ColumnId')", r));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(cell(r, 0, 0), "2");

  ASSERT_TRUE(query(c, "SELECT CAST(range_high_key AS int), CAST(range_rows AS bigint), CAST(equal_rows AS bigint) "
                       "FROM sys.dm_db_stats_histogram(OBJECT_ID(N'[dbo].[T]'), 1) ORDER BY step_number", r));
  ASSERT_EQ(r.size(), 200u) << "at most 200 steps";
  EXPECT_EQ(cell(r, 0, 0), "2") << "the first step is the lowest value";
  EXPECT_EQ(cell(r, 0, 1), "0");
  EXPECT_EQ(cell(r, 199, 0), "2000") << "the last step is the highest";
  long total = 0;
  for (std::size_t i = 0; i < r.size(); ++i) total += std::stol(cell(r, i, 1)) + std::stol(cell(r, i, 2));
  EXPECT_EQ(total, 1000) << "every row is in one step";

  ASSERT_TRUE(query(c, "SELECT range_high_key, equal_rows FROM sys.dm_db_stats_histogram(OBJECT_ID(N'[dbo].[T]'), 2)", r));
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(cell(r, 0, 0), "NULL") << "NULLs have a step of their own, first";
  EXPECT_EQ(cell(r, 0, 1), "100");
  ASSERT_TRUE(query(c, "SELECT range_high_key FROM sys.dm_db_stats_histogram(OBJECT_ID(N'[dbo].[T]'), 3)", r));
  EXPECT_EQ(r.size(), 7u) << "ix_v: one step per distinct value";
  ASSERT_TRUE(query(c, "SELECT * FROM sys.dm_db_stats_histogram(OBJECT_ID(N'[dbo].[T]'), 9)", r));
  EXPECT_TRUE(r.empty()) << "an unknown statistics id has no steps";
  ASSERT_TRUE(query(c, "SELECT stats_id FROM sys.stats WHERE object_id = OBJECT_ID(N'dbo.Heap')", r));
  EXPECT_TRUE(r.empty()) << "a heap without indexes has no statistics";
}

TEST(Planning, NoStatisticsSwitchAndAServerWithoutTheHistogram) {
  ServedFixture fx(std::string(kTable) +
                       "CREATE TABLE _tds_no_statistics (table_name TEXT); INSERT INTO _tds_no_statistics VALUES ('T');",
                   std::nullopt, [](ServerOptions& o) { o.stats_histogram = false; });
  Conn c(fx.connect());
  Rows r;
  ASSERT_TRUE(query(c, "SELECT stats_id FROM sys.stats WHERE object_id = OBJECT_ID(N'[dbo].[T]')", r));
  EXPECT_TRUE(r.empty()) << "_tds_no_statistics lists the table";
  captured().clear();
  EXPECT_FALSE(query(c, "SELECT * FROM sys.dm_db_stats_histogram(OBJECT_ID(N'[dbo].[T]'), 1)", r));
  EXPECT_TRUE(captured().saw_msg(208)) << "as on SQL Server before 2016 SP1 CU2";
}

TEST(Planning, TablesampleKeepsWholePagesRepeatably) {
  ServedFixture fx(kTable);
  Conn c(fx.connect());
  Rows a, b;
  const std::string sql = "SELECT id FROM [dbo].[T] TABLESAMPLE SYSTEM (30 PERCENT) REPEATABLE (7)";
  ASSERT_TRUE(query(c, sql, a));
  ASSERT_TRUE(query(c, sql, b));
  EXPECT_EQ(a, b) << "REPEATABLE gives the same pages";
  ASSERT_FALSE(a.empty());
  EXPECT_LT(a.size(), 1000u);
  EXPECT_EQ(a.size() % 100, 0u) << "whole pages of 100 rows";
  ASSERT_TRUE(query(c, "SELECT id FROM T TABLESAMPLE SYSTEM (30 PERCENT) REPEATABLE (8) WHERE v = 1", b));
  EXPECT_FALSE(b.empty());
  for (const char* bad : {"SELECT id FROM V TABLESAMPLE SYSTEM (5 PERCENT)",
                          "SELECT id FROM T TABLESAMPLE SYSTEM (150 PERCENT)",
                          "SELECT id FROM T TABLESAMPLE SYSTEM (5 PERCENT) REPEATABLE (0)"}) {
    captured().clear();
    EXPECT_FALSE(query(c, bad, b)) << bad;
  }
  EXPECT_TRUE(captured().saw_msg(479));
}

TEST(Planning, TheReadLogSaysWhatEachStatementRead) {
  ServedFixture fx(kTable, std::nullopt, reads_log);
  Conn c(fx.connect());
  Rows r;
  ASSERT_TRUE(query(c, "SELECT id FROM T ORDER BY id", r));
  ASSERT_TRUE(query(c, "SELECT id, v FROM T WHERE id >= 100 AND id < 200", r));
  ASSERT_TRUE(query(c, "SELECT COUNT_BIG(*) FROM T", r));
  ASSERT_TRUE(query(c, "SELECT id FROM T TABLESAMPLE SYSTEM (20 PERCENT) REPEATABLE (1)", r));
  const std::size_t sampled = r.size();
  ASSERT_TRUE(query(c, "SELECT range_high_key FROM sys.dm_db_stats_histogram(OBJECT_ID(N'[dbo].[T]'), 1)", r));
  ASSERT_TRUE(query(c, "SELECT row_count FROM sys.dm_db_partition_stats", r));
  ASSERT_TRUE(query(c, "SELECT 1", r));
  const auto log = read_log(fx.path() + ".reads");
  ASSERT_EQ(log.size(), 7u);
  EXPECT_EQ(log[0], (std::vector<std::string>{"table", "1000", "1000", "dbo.T", "SELECT id FROM T ORDER BY id"}));
  EXPECT_EQ(log[1][0], "table");
  EXPECT_EQ(log[1][1], "50") << "a key range reads its own rows (the index seek)";
  EXPECT_EQ(log[2][1], "1000") << "COUNT_BIG reads every row";
  EXPECT_EQ(log[3][0], "tablesample");
  EXPECT_EQ(log[3][1], std::to_string(sampled)) << "the rows of the sampled pages";
  EXPECT_EQ(log[4][0], "histogram");
  EXPECT_EQ(log[4][1], "0");
  EXPECT_EQ(log[4][2], "200");
  EXPECT_EQ(log[5][0], "catalog");
  EXPECT_EQ(log[5][1], "0");
  EXPECT_EQ(log[6][0], "none");
}

}  // namespace
}  // namespace tds_test::testing

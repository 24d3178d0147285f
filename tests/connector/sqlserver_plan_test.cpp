// SQL Server planning reads statistics, not tables (docs/sqlserver.md, "Planning"): what
// sample_keys sends to the TDS 7.4 test server, as its --read-log records it, and what it does
// when a table has no statistics, a composite key, a filter, a NULL key or case-colliding keys.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "recon/connector/sqlserver.hpp"
#include "tds_server_support.hpp"

namespace recon {
namespace {

using ::testing::HasSubstr;
using tds_test::endpoint;
using tds_test::Fixture;
using tds_test::int_key;
using tds_test::ReadLogLine;
using tds_test::TdsServer;
using tds_test::whole;

/// INSERT of `rows` rows into `table` through a recursive CTE: `select` names the values from x.
std::string fill(const std::string& table, int rows, const std::string& select) {
  return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + std::to_string(rows) +
         ") INSERT INTO \"" + table + "\" SELECT " + select + " FROM c;";
}

std::int64_t as_int(const std::string& key) {
  std::size_t pos = 0;
  return canon::read_value(key, pos).as_int64();
}

class SqlServerPlan : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_ = tds_test::server_binary();
    if (binary_.empty()) GTEST_SKIP() << "tds_test_server is not built yet";
    log_ = std::filesystem::temp_directory_path() / ("recon_tds_plan_" + std::to_string(::getpid()) + ".log");
    std::filesystem::remove(log_);
  }
  void TearDown() override { std::filesystem::remove(log_); }

  std::unique_ptr<TdsServer> serve(const Fixture& f, std::vector<std::string> extra = {}) {
    extra.insert(extra.end(), {"--read-log", log_.string()});
    return std::make_unique<TdsServer>(binary_, f.path(), extra);
  }
  /// The log lines written since the last call (the statements of one step of a test).
  std::vector<ReadLogLine> statements() {
    std::vector<ReadLogLine> all = tds_test::read_log(log_.string());
    std::vector<ReadLogLine> out(all.begin() + std::min(seen_, all.size()), all.end());
    seen_ = all.size();
    return out;
  }
  static std::uint64_t table_rows_read(const std::vector<ReadLogLine>& lines) {
    std::uint64_t n = 0;
    for (const auto& l : lines)
      if (l.reads == "table" || l.reads == "tablesample") n += l.rows_read;
    return n;
  }
  static bool any(const std::vector<ReadLogLine>& lines, const std::string& reads) {
    return std::any_of(lines.begin(), lines.end(), [&](const ReadLogLine& l) { return l.reads == reads; });
  }
  static std::string dump(const std::vector<ReadLogLine>& lines) {
    std::string s;
    for (const auto& l : lines)
      s += l.reads + " read=" + std::to_string(l.rows_read) + " sent=" + std::to_string(l.rows_sent) + " " +
           l.statement + "\n";
    return s;
  }

  std::string binary_;
  std::filesystem::path log_;
  std::size_t seen_ = 0;
};

TEST_F(SqlServerPlan, PlansFromTheHistogramAndPartitionStatsWithoutReadingARow) {
  Fixture f("plan_hist");
  f.exec("CREATE TABLE \"dbo.Nums\" (id bigint PRIMARY KEY, v int);" + fill("dbo.Nums", 5000, "x * 3, x"));
  auto server = serve(f);
  auto conn = make_sqlserver_connector(endpoint(server->port()), Side::Source);
  const TableInfo info = conn->describe(TableRef{"dbo", "Nums"});
  statements();
  const KeySample s = conn->sample_keys(whole(info, {"id"}, {}), 100);
  const auto sent = statements();
  EXPECT_EQ(s.estimated_rows, 5000) << "sys.dm_db_partition_stats";
  EXPECT_EQ(table_rows_read(sent), 0u) << "no statement reads the table:\n" << dump(sent);
  EXPECT_TRUE(any(sent, "histogram")) << dump(sent);
  EXPECT_EQ(sent.size(), 4u) << "partition stats, sys.stats, sys.stats_columns, the histogram:\n" << dump(sent);
  ASSERT_EQ(s.keys.size(), 200u) << "the histogram's 200 upper bounds";
  std::vector<std::int64_t> keys;
  for (const auto& k : s.keys) keys.push_back(as_int(k));
  EXPECT_EQ(*std::min_element(keys.begin(), keys.end()), 3) << "the first step is the lowest key";
  EXPECT_EQ(*std::max_element(keys.begin(), keys.end()), 15000) << "the last step is the highest key";
  EXPECT_TRUE(conn->take_notes().empty());

  // Asked for more keys than there are steps, an integer key is split evenly within each step.
  const KeySample more = conn->sample_keys(whole(info, {"id"}, {}), 2000);
  EXPECT_EQ(table_rows_read(statements()), 0u);
  EXPECT_GT(more.keys.size(), 1800u);
  EXPECT_LT(more.keys.size(), 2200u);
  std::vector<std::int64_t> dense;
  for (const auto& k : more.keys) dense.push_back(as_int(k));
  std::sort(dense.begin(), dense.end());
  EXPECT_EQ(std::adjacent_find(dense.begin(), dense.end()), dense.end()) << "no bound twice";
  for (std::size_t i = 1; i < dense.size(); ++i)
    EXPECT_LE(dense[i] - dense[i - 1], 30) << "bounds about 5000 / 2000 rows (x 3) apart at " << dense[i];
}

TEST_F(SqlServerPlan, ATableWithoutStatisticsIsReadWholeAndNoted) {
  Fixture f("plan_nostats");
  f.exec("CREATE TABLE \"dbo.Listed\" (id int PRIMARY KEY, v int);" + fill("dbo.Listed", 500, "x, x") +
         "CREATE TABLE \"dbo.Heap\" (id int, v int);" + fill("dbo.Heap", 500, "x, x") +
         "CREATE TABLE _tds_no_statistics (table_name TEXT); INSERT INTO _tds_no_statistics VALUES ('dbo.Listed');");
  auto server = serve(f);
  auto conn = make_sqlserver_connector(endpoint(server->port()), Side::Source);
  for (const char* name : {"Listed", "Heap"}) {
    SCOPED_TRACE(name);
    const TableInfo info = conn->describe(TableRef{"dbo", name});
    statements();
    const KeySample s = conn->sample_keys(whole(info, {"id"}, {}), 50);
    const auto sent = statements();
    EXPECT_EQ(s.estimated_rows, 500);
    EXPECT_EQ(s.keys.size(), 50u) << "every 10th key of the key scan";
    EXPECT_EQ(table_rows_read(sent), 500u) << dump(sent);
    EXPECT_FALSE(any(sent, "histogram")) << "no statistics object, no histogram asked for:\n" << dump(sent);
    const auto notes = conn->take_notes();
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_THAT(notes[0], HasSubstr("planning read every key of the source table dbo." + std::string(name)));
    EXPECT_THAT(notes[0], HasSubstr("no statistics object starts with column id"));
    EXPECT_THAT(notes[0], HasSubstr("CREATE STATISTICS"));
  }
}

TEST_F(SqlServerPlan, WithoutTheHistogramFunctionPlanningReadsEveryKeyAndSaysWhy) {
  Fixture f("plan_2016");
  f.exec("CREATE TABLE \"dbo.T\" (id int PRIMARY KEY, v int);" + fill("dbo.T", 300, "x, x"));
  auto server = serve(f, {"--without-stats-histogram"});
  auto conn = make_sqlserver_connector(endpoint(server->port()), Side::Source);
  const TableInfo info = conn->describe(TableRef{"dbo", "T"});
  const KeySample s = conn->sample_keys(whole(info, {"id"}, {}), 30);
  EXPECT_EQ(s.keys.size(), 30u);
  const auto notes = conn->take_notes();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0], HasSubstr("Invalid object name 'sys.dm_db_stats_histogram'. (SQL Server error 208)"));
  RowBatch batch;  // the refused statement left the connection usable
  conn->read_range(whole(info, {"id"}, {"v"}), batch);
  EXPECT_EQ(batch.size(), 300u);
}

TEST_F(SqlServerPlan, CompositeKeysAndFiltersAreSampledFromPages) {
  Fixture f("plan_pages");
  f.exec("CREATE TABLE \"dbo.Cotas\" (grupo int, cota int, v int, PRIMARY KEY (grupo, cota));" +
         fill("dbo.Cotas", 40000, "x / 100, x % 100, x"));
  auto server = serve(f);
  auto conn = make_sqlserver_connector(endpoint(server->port()), Side::Source);
  const TableInfo info = conn->describe(TableRef{"dbo", "Cotas"});
  statements();
  const KeySample s = conn->sample_keys(whole(info, {"grupo", "cota"}, {}), 1000);
  auto sent = statements();
  EXPECT_EQ(s.estimated_rows, 40000);
  EXPECT_TRUE(any(sent, "tablesample")) << dump(sent);
  EXPECT_FALSE(any(sent, "table")) << "no statement reads every row:\n" << dump(sent);
  EXPECT_GT(table_rows_read(sent), 0u);
  EXPECT_LT(table_rows_read(sent), 40000u / 2) << dump(sent);
  EXPECT_GE(s.keys.size(), 250u);
  EXPECT_TRUE(conn->take_notes().empty());

  RangeQuery filtered = whole(info, {"grupo", "cota"}, {});
  filtered.where = "v > 10000";
  const KeySample fs = conn->sample_keys(filtered, 1000);
  sent = statements();
  EXPECT_EQ(fs.estimated_rows, 30000) << "a filter is counted exactly (COUNT_BIG)";
  EXPECT_TRUE(any(sent, "tablesample")) << dump(sent);
  for (const auto& k : fs.keys) {
    std::size_t pos = 0;
    EXPECT_GE(canon::read_value(k, pos).as_int64(), 100) << "sampled keys pass the filter";
  }
}

TEST_F(SqlServerPlan, ANullKeyFailsTheFirstRangeReadNamingTheColumn) {
  Fixture f("plan_null");
  f.exec("CREATE TABLE \"dbo.U\" (k int UNIQUE, v int);" + fill("dbo.U", 1000, "x, x") +
         "INSERT INTO \"dbo.U\" VALUES (NULL, 0);");
  auto server = serve(f);
  auto conn = make_sqlserver_connector(endpoint(server->port()), Side::Source);
  const TableInfo info = conn->describe(TableRef{"dbo", "U"});
  const KeySample s = conn->sample_keys(whole(info, {"k"}, {}), 100);
  EXPECT_FALSE(s.keys.empty()) << "planning reads the histogram: it does not see the NULL";
  RangeQuery first = whole(info, {"k"}, {"v"});
  first.upper = int_key(500);
  RowBatch batch;
  try {
    conn->read_range(first, batch);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("source table dbo.U has a NULL in key column k"));
  }
  RangeQuery later = whole(info, {"k"}, {"v"});
  later.lower = int_key(500);
  later.upper = int_key(600);
  batch.clear();
  conn->read_range(later, batch);
  EXPECT_EQ(batch.size(), 100u) << "a range with a lower bound holds no NULL";
}

TEST_F(SqlServerPlan, CaseInsensitiveKeysWithoutAConstraintAreReadWhole) {
  Fixture f("plan_ci");
  f.exec("CREATE TABLE \"dbo.Free\" (code \"nvarchar(20)\", v int);" + fill("dbo.Free", 300, "'k' || x, x") +
         "INSERT INTO \"dbo.Free\" VALUES ('K7', 0);"
         "CREATE TABLE \"dbo.Keyed\" (code \"nvarchar(20)\" PRIMARY KEY, v int);" + fill("dbo.Keyed", 300, "'k' || x, x"));
  auto server = serve(f);
  auto conn = make_sqlserver_connector(endpoint(server->port()), Side::Source);
  const TableInfo free = conn->describe(TableRef{"dbo", "Free"});
  statements();
  conn->sample_keys(whole(free, {"code"}, {}), 30);
  EXPECT_EQ(table_rows_read(statements()), 301u) << "only a full read finds k7 / K7";
  const auto notes = conn->take_notes();
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_THAT(notes[0], HasSubstr("case-insensitive text that no unique constraint covers"));
  EXPECT_THAT(notes[1], HasSubstr("1 keys of the source table differ from another key only in letter case"));

  const TableInfo keyed = conn->describe(TableRef{"dbo", "Keyed"});
  statements();
  conn->sample_keys(whole(keyed, {"code"}, {}), 30);
  const auto sent = statements();
  EXPECT_EQ(table_rows_read(sent), 0u) << "its primary key already refuses keys equal but for case:\n" << dump(sent);
  EXPECT_TRUE(conn->take_notes().empty());
}

}  // namespace
}  // namespace recon

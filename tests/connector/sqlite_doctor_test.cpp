// What the SQLite connector tells `recon doctor`, on real files: sqlite_stat1, declared key
// collations, NOCASE-colliding keys, the plan of the first range read; and how a plan reads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../../src/connector/sqlite/sqlite_doctor.hpp"
#include "sqlite_test_support.hpp"

namespace recon {
namespace {

using namespace sqlite_test;
using ::testing::HasSubstr;

RangeQuery whole(Connector& c, const std::string& table, const std::vector<std::pair<std::string, TypeClass>>& keys) {
  const TableInfo info = c.describe(TableRef{"", table});
  RangeQuery q;
  q.table = info.ref;
  for (const auto& [k, cls] : keys) q.keys.push_back(column(info, k, cls));
  return q;
}

TEST(SqliteDoctor, ServerFactsNameTheLibraryAndTheFile) {
  TempDb db("doctor_server");
  db.exec("CREATE TABLE t (a)");
  auto c = db.open();
  const ServerFacts f = c->server_facts();
  EXPECT_EQ(f.product, "SQLite");
  EXPECT_EQ(f.version, sqlite3_libversion());
  EXPECT_EQ(f.protocol, "in process");
  EXPECT_FALSE(f.tls);
  EXPECT_FALSE(f.utc_now_micros);
  EXPECT_EQ(f.database, db.path().string());
  EXPECT_EQ(c->self_test_name(), "sqlite");
}

TEST(SqliteDoctor, StatisticsOnlyAfterAnalyzeWithTheirRowCount) {
  TempDb db("doctor_stats");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX t_v ON t (v);"
          "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 42) INSERT INTO t SELECT i, 'v' || i FROM s;");
  {
    auto c = db.open();
    const TableFacts f = c->table_facts(whole(*c, "t", {{"id", TypeClass::Integer}}), c->describe(TableRef{"", "t"}));
    EXPECT_EQ(f.statistics_present, false);
    EXPECT_FALSE(f.estimated_rows);
    EXPECT_TRUE(f.can_select);
    EXPECT_TRUE(f.write_rights.empty());
  }
  db.exec("ANALYZE");
  auto c = db.open();
  const TableFacts f = c->table_facts(whole(*c, "t", {{"id", TypeClass::Integer}}), c->describe(TableRef{"", "t"}));
  EXPECT_EQ(f.statistics_present, true);
  EXPECT_EQ(f.estimated_rows, 42);
  ASSERT_EQ(f.key_columns.size(), 1u);
  EXPECT_EQ(f.key_columns[0].collation, "BINARY");
  EXPECT_FALSE(f.key_columns[0].case_insensitive);
  EXPECT_FALSE(f.case_colliding_keys);  // no NOCASE key: not counted
  EXPECT_EQ(f.range_read.uses_key_index, true);
}

TEST(SqliteDoctor, NocaseKeyCollisionsCountedWithExamplesAndTheBinaryIndexToCreate) {
  TempDb db("doctor_nocase");
  db.exec("CREATE TABLE p (k TEXT COLLATE NOCASE, n INTEGER);"
          "INSERT INTO p VALUES ('a', 1), ('A', 2), ('b', 3), ('c', 4), ('C', 5), ('c ', 6);");
  auto c = db.open();
  RangeQuery q = whole(*c, "p", {{"k", TypeClass::Text}});
  const TableFacts f = c->table_facts(q, c->describe(TableRef{"", "p"}));
  ASSERT_EQ(f.key_columns.size(), 1u);
  EXPECT_EQ(f.key_columns[0].collation, "NOCASE");
  EXPECT_TRUE(f.key_columns[0].case_insensitive);
  EXPECT_EQ(f.key_columns[0].range_bound, "BINARY");
  EXPECT_EQ(f.case_colliding_keys, 4);  // a/A and c/C ('c ' differs under NOCASE too)
  EXPECT_EQ(f.collisions_scanned, 6);
  ASSERT_EQ(f.colliding_examples.size(), 3u);
  EXPECT_EQ(canon::key_to_json(f.colliding_examples[0]).substr(0, 3), "[\"a");  // 'a' or 'A'
  EXPECT_EQ(f.range_read.uses_key_index, false);
  EXPECT_EQ(f.range_read.create_index, R"(CREATE INDEX "p_k_idx" ON "p" ("k" COLLATE BINARY))");
  // The index it names serves the read.
  db.exec(f.range_read.create_index);
  auto again = db.open();
  EXPECT_EQ(again->table_facts(q, again->describe(TableRef{"", "p"})).range_read.uses_key_index, true);
  // The job's filter narrows what is counted.
  q.where = "n < 3";
  EXPECT_EQ(again->table_facts(q, again->describe(TableRef{"", "p"})).collisions_scanned, 2);
}

TEST(SqliteDoctor, PlansReadAsSortOrIndex) {
  using sqlite::range_read_from_plan;
  EXPECT_EQ(range_read_from_plan({"SCAN t", "USE TEMP B-TREE FOR ORDER BY"}).uses_key_index, false);
  const RangeReadFacts idx = range_read_from_plan({"SCAN t USING COVERING INDEX t_k"});
  EXPECT_EQ(idx.uses_key_index, true);
  EXPECT_EQ(idx.index, "t_k");
  EXPECT_EQ(range_read_from_plan({"SEARCH t USING INDEX sqlite_autoindex_t_1 (k>?)"}).index, "sqlite_autoindex_t_1");
  EXPECT_THAT(range_read_from_plan({"SCAN t"}).index, HasSubstr("rowid"));
  EXPECT_EQ(range_read_from_plan({"SCAN t"}).plan, "SCAN t");
}

TEST(SqliteDoctor, LiteralsReadAsTheirDeclaredTypeAndARefusalThrows) {
  TempDb db("doctor_literals");
  db.exec("CREATE TABLE t (a)");
  auto c = db.open();
  const auto v = c->read_literals({{"FLOAT4", "16777217"}, {"DECIMAL(10,2)", "1.50"}, {"INTEGER", "NULL"}});
  ASSERT_EQ(v.size(), 3u);
  std::size_t pos = 0;
  EXPECT_EQ(canon::read_value(v[0], pos).as_double(), 16777216.0);  // float4: single precision
  pos = 0;
  EXPECT_EQ(canon::to_display(canon::read_value(v[1], pos)), "1.5");
  pos = 0;
  EXPECT_TRUE(canon::read_value(v[2], pos).is_null());
  EXPECT_THROW(c->read_literals({{"INTEGER", "no_such_function()"}}), ConnectorError);
}

}  // namespace
}  // namespace recon

// SQLite connector: the SQL text of reads, and that SQLite can drive it from the key index.
#include <gtest/gtest.h>

#include "../../src/connector/sqlite/sqlite_handle.hpp"
#include "../../src/connector/sqlite/sqlite_query.hpp"
#include "sqlite_test_support.hpp"

namespace recon {
namespace {

using sqlite_test::column;
using sqlite_test::int_key;
using sqlite_test::TempDb;

std::string text_key(std::string_view s) {
  std::string k;
  canon::put_text(k, s);
  return k;
}

RangeQuery composite_query(const TableInfo& info) {
  RangeQuery q;
  q.table = TableRef{"main", "t"};
  q.keys = {column(info, "a", TypeClass::Text), column(info, "b", TypeClass::Integer)};
  q.values = {column(info, "v", TypeClass::Float)};
  q.lower = text_key("a") + int_key(1);
  q.upper = text_key("b") + int_key(2);
  return q;
}

TEST(SqliteQuery, RangeSqlPutsBinaryCollationOnTheParameters) {
  TempDb db("query_text");
  db.exec("CREATE TABLE t(a TEXT, b INT, v REAL, PRIMARY KEY (a, b))");
  auto info = db.open()->describe(TableRef{"main", "t"});
  auto q = composite_query(info);
  q.where = "v > 0";
  EXPECT_EQ(sqlite::range_sql(q, true),
            R"(SELECT "a", "b", "v" FROM "main"."t" WHERE ("a", "b") >= (?1 COLLATE BINARY, ?2))"
            R"( AND ("a", "b") < (?3 COLLATE BINARY, ?4) AND (v > 0) ORDER BY "a" COLLATE BINARY, "b")");
  EXPECT_EQ(sqlite::count_sql(q),
            R"(SELECT count(*) FROM "main"."t" WHERE ("a", "b") >= (?1 COLLATE BINARY, ?2))"
            R"( AND ("a", "b") < (?3 COLLATE BINARY, ?4) AND (v > 0))");
  q.keys.pop_back();
  q.lower = int_key(1);
  q.upper.reset();
  q.where.clear();
  EXPECT_EQ(sqlite::range_sql(q, false),
            R"(SELECT "a" FROM "main"."t" WHERE "a" >= ?1 COLLATE BINARY ORDER BY "a" COLLATE BINARY)");
  EXPECT_EQ(sqlite::table_sql(TableRef{"", "we\"ird"}), R"("we""ird")");
}

/// EXPLAIN QUERY PLAN text of `sql`.
std::string plan_of(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  std::string plan;
  if (sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &st, nullptr) == SQLITE_OK)
    while (sqlite3_step(st) == SQLITE_ROW) plan += std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))) + "\n";
  sqlite3_finalize(st);
  sqlite3_close(db);
  return plan;
}

TEST(SqliteQuery, RangesAndLookupsAreIndexSearchesNotScans) {
  TempDb db("query_plan");
  db.exec("CREATE TABLE t(a TEXT, b INT, v REAL, PRIMARY KEY (a, b)); CREATE TABLE r(id INTEGER PRIMARY KEY, v)");
  auto c = db.open();
  auto info = c->describe(TableRef{"main", "t"});
  auto q = composite_query(info);
  const std::string range_plan = plan_of(db.path(), sqlite::range_sql(q, true));
  EXPECT_NE(range_plan.find("SEARCH main.t USING INDEX sqlite_autoindex_t_1 (("), std::string::npos) << range_plan;
  const std::string fetch = plan_of(db.path(), sqlite::fetch_sql(q, 3));
  EXPECT_NE(fetch.find("USING INDEX sqlite_autoindex_t_1 ("), std::string::npos) << fetch;

  auto rinfo = c->describe(TableRef{"", "r"});
  RangeQuery rq;
  rq.table = rinfo.ref;
  rq.keys = {column(rinfo, "id", TypeClass::Integer)};
  rq.values = {column(rinfo, "v", TypeClass::Text)};
  rq.lower = int_key(1);
  rq.upper = int_key(9);
  const std::string range = plan_of(db.path(), sqlite::range_sql(rq, true));
  EXPECT_NE(range.find("SEARCH r USING INTEGER PRIMARY KEY"), std::string::npos) << range;
  EXPECT_EQ(range.find("TEMP B-TREE"), std::string::npos) << range;  // rows come in key order
}

TEST(SqliteQuery, LockIoAndCorruptionPoisonTheConnectionQueryErrorsDoNot) {
  EXPECT_TRUE(sqlite::is_poisoning(SQLITE_BUSY));
  EXPECT_TRUE(sqlite::is_poisoning(SQLITE_IOERR_READ));
  EXPECT_TRUE(sqlite::is_poisoning(SQLITE_CORRUPT));
  EXPECT_FALSE(sqlite::is_poisoning(SQLITE_ERROR));
  EXPECT_FALSE(sqlite::is_poisoning(SQLITE_MISMATCH));
}

}  // namespace
}  // namespace recon

// The T-SQL subset's translation to SQLite and its SQL Server error numbers (no network).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "sql.hpp"

namespace tds_test {
namespace {

class Translate : public ::testing::Test {
 protected:
  void SetUp() override {
    sqlite3_open(":memory:", &db_);
    sqlite3_exec(db_,
                 "CREATE TABLE \"dbo.T\" (id int PRIMARY KEY, name \"nvarchar(20)\", amt \"decimal(10,2) text\", "
                 "g \"uniqueidentifier text\", d \"date text\");",
                 nullptr, nullptr, nullptr);
    cat_ = Catalog::load(db_);
  }
  void TearDown() override { sqlite3_close(db_); }
  Query tr(const std::string& sql) {
    auto st = split_batch(lex(sql));
    EXPECT_EQ(st.size(), 1u);
    return translate_select(st.at(0), cat_, info_);
  }
  int error_of(const std::string& sql) {
    try {
      for (const Statement& st : split_batch(lex(sql)))
        if (st.kind == Statement::Kind::Select) translate_select(st, cat_, info_);
    } catch (const SqlError& e) {
      return e.number;
    }
    return 0;
  }
  sqlite3* db_ = nullptr;
  Catalog cat_;
  SessionInfo info_;
};

TEST_F(Translate, RangeQueryGetsTypeCollationsAndStringLiterals) {
  const Query q = tr("SELECT TOP (10) [id], [name] FROM [dbo].[T] WHERE [amt] >= 1.50 AND [name] COLLATE "
                     "Latin1_General_BIN2 < N'x' AND d < '2024-01-01' ORDER BY [id]");
  EXPECT_EQ(q.sqlite_sql,
            "SELECT \"id\", \"name\" FROM \"dbo.T\" WHERE \"amt\" COLLATE TDSDEC >= '1.50' AND \"name\" COLLATE BINARY "
            "< 'x' AND \"d\" COLLATE TDSTIME < '2024-01-01' ORDER BY \"id\" LIMIT 10");
  ASSERT_EQ(q.columns.size(), 2u);
  EXPECT_EQ(q.columns[1].type.kind, Kind::NVarChar);
  EXPECT_FALSE(q.columns[0].nullable);  // primary key
}

TEST_F(Translate, GuidAsTextIsUppercaseAndCaseInsensitiveTextIsNocase) {
  const Query q = tr("SELECT CONVERT(char(36), g) AS k, COUNT_BIG(*) FROM T WHERE name = N'a'");
  EXPECT_EQ(q.sqlite_sql, "SELECT upper(\"g\"), count(*) FROM \"dbo.T\" WHERE \"name\" COLLATE NOCASE = 'a'");
  EXPECT_EQ(q.columns[0].name, "k");
  EXPECT_EQ(q.columns[0].type.kind, Kind::Char);
  EXPECT_EQ(q.columns[1].type.kind, Kind::BigInt);
}

TEST_F(Translate, ErrorsUseSqlServerNumbers) {
  EXPECT_EQ(error_of("SELECT * FROM dbo.Missing"), 208);
  EXPECT_EQ(error_of("SELECT missing FROM T"), 207);
  EXPECT_EQ(error_of("SELECT x.id FROM T"), 4104);
  EXPECT_EQ(error_of("SELECT id FROM T WHERE"), 102);
  EXPECT_EQ(error_of("TRUNCATE TABLE T"), 156);
  EXPECT_EQ(error_of("SELECT NEWID()"), 195);
  EXPECT_EQ(error_of("SELECT id COLLATE Klingon_CI_AS FROM T"), 448);
  EXPECT_EQ(error_of("SELECT 'open"), 105);
  EXPECT_EQ(error_of("SET NOCOUNT ON; SELECT @@SPID; USE [x]"), 0);
}

TEST_F(Translate, BatchSplitsWithoutSemicolons) {
  const auto st = split_batch(lex("SET TEXTSIZE 100 SET NOCOUNT ON SELECT 1 SELECT (2) USE db"));
  ASSERT_EQ(st.size(), 5u);
  EXPECT_EQ(st[2].kind, Statement::Kind::Select);
  EXPECT_EQ(st[4].kind, Statement::Kind::Use);
}

}  // namespace
}  // namespace tds_test

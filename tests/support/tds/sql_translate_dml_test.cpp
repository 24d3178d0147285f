// The fix-up subset's translation to SQLite (no network): batch splitting, INSERT / UPDATE /
// DELETE with the constants recon's sqlserver_literal writes, their storage forms, the guarded
// INSERT, and SQL Server's error numbers for values that do not fit.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "sql.hpp"

namespace tds_test {
namespace {

using SK = Statement::Kind;

class TranslateDml : public ::testing::Test {
 protected:
  void SetUp() override {
    sqlite3_open(":memory:", &db_);
    sqlite3_exec(db_,
                 "CREATE TABLE \"dbo.T\" (id int PRIMARY KEY, name \"nvarchar(5)\", code \"varchar(3)\", "
                 "amt \"decimal(10,2) text\", g \"uniqueidentifier text\", d \"date text\", t \"time(7) text\", "
                 "ts \"datetime2(7) text\", tz \"datetimeoffset(7) text\", f float, b bit, big bigint, "
                 "bin \"varbinary(4)\", m \"money text\", tiny tinyint, req int NOT NULL);"
                 "CREATE VIEW \"dbo.V\" AS SELECT id FROM \"dbo.T\";",
                 nullptr, nullptr, nullptr);
    cat_ = Catalog::load(db_);
    info_.database = "shop";
  }
  void TearDown() override { sqlite3_close(db_); }
  Dml tr(const std::string& sql) {
    auto st = split_batch(lex(sql));
    EXPECT_EQ(st.size(), 1u);
    return translate_dml(st.at(0), cat_, info_);
  }
  /// The SqlError number of a statement, with "r" appended when it is a run-time error.
  std::string error_of(const std::string& sql) {
    try {
      tr(sql);
    } catch (const SqlError& e) {
      return std::to_string(e.number) + (e.runtime ? "r" : "");
    }
    return "none";
  }
  /// The stored form of one constant assigned to one column.
  std::string stored(const std::string& column, const std::string& constant) {
    const Dml d = tr("UPDATE [dbo].[T] SET [" + column + "] = " + constant + " WHERE [id] = 1");
    const Bound& b = d.params.at(0);
    switch (b.kind) {
      case Bound::Kind::Null: return "NULL";
      case Bound::Kind::Integer: return "int " + std::to_string(b.integer);
      case Bound::Kind::Real: return "real " + std::to_string(b.real);
      case Bound::Kind::Text: return "text " + b.bytes;
      case Bound::Kind::Blob: return "blob " + std::to_string(b.bytes.size());
    }
    return "?";
  }
  sqlite3* db_ = nullptr;
  Catalog cat_;
  SessionInfo info_;
};

TEST_F(TranslateDml, ABatchSplitsIntoItsStatements) {
  const auto st = split_batch(lex(
      "SET XACT_ABORT ON\nBEGIN TRANSACTION;\nSELECT 1 FROM [dbo].[T] WITH (UPDLOCK, HOLDLOCK) WHERE [id] IN (1, 2);\n"
      "UPDATE [dbo].[T] SET [name] = N'a' WHERE [id] = 1;\nDELETE FROM [dbo].[T] WHERE [id] = 2;\n"
      "INSERT INTO [dbo].[T] ([id], [req]) SELECT 3, 0 WHERE NOT EXISTS (SELECT 1 FROM [dbo].[T] WITH (UPDLOCK, "
      "HOLDLOCK) WHERE [id] = 3);\nINSERT INTO [dbo].[T] ([id], [req]) VALUES (4, 0) SELECT 5\n"
      "COMMIT TRANSACTION\nBEGIN TRAN ROLLBACK COMMIT"));
  std::vector<SK> kinds;
  for (const auto& s : st) kinds.push_back(s.kind);
  EXPECT_EQ(kinds, (std::vector<SK>{SK::Set, SK::Begin, SK::Select, SK::Update, SK::Delete, SK::Insert, SK::Insert,
                                    SK::Select, SK::Commit, SK::Begin, SK::Rollback, SK::Commit}));
}

TEST_F(TranslateDml, UpdateBindsConstantsAndTranslatesTheGuard) {
  const Dml d = tr("UPDATE [dbo].[T] SET [name] = N'it''s', [amt] = 12.5, [f] = 1.5E0 WHERE [id] = 7 AND "
                   "([name] = N'Ab' COLLATE Latin1_General_100_BIN2 OR [name] IS NULL) AND [amt] = -12.50");
  EXPECT_EQ(d.kind, SK::Update);
  EXPECT_EQ(d.sqlite_sql,
            "UPDATE \"dbo.T\" SET \"name\" = ?, \"amt\" = ?, \"f\" = ? WHERE \"id\" = '7' AND (\"name\" = 'Ab' COLLATE "
            "BINARY OR \"name\" COLLATE NOCASE IS NULL) AND \"amt\" COLLATE TDSDEC = '-12.50'");
  ASSERT_EQ(d.params.size(), 3u);
  EXPECT_EQ(d.params[0].bytes, "it's");
  EXPECT_EQ(d.params[1].bytes, "12.50");  // rounded to the column's scale, as SQL Server stores it
  EXPECT_EQ(d.params[2].real, 1.5);
}

TEST_F(TranslateDml, DeleteAndGuardsOnEveryLiteralForm) {
  const Dml d = tr("DELETE FROM [dbo].[T] WHERE [g] = CAST('6f9619ff-8b86-d011-b42d-00c04fc964ff' AS uniqueidentifier) "
                   "AND [ts] = CAST('2024-01-02T10:00:00.5' AS datetime2(7)) AND [bin] = 0xABC AND "
                   "[big] = CAST('-9223372036854775808' AS bigint)");
  EXPECT_EQ(d.kind, SK::Delete);
  EXPECT_EQ(d.sqlite_sql,
            "DELETE FROM \"dbo.T\" WHERE \"g\" COLLATE TDSGUID = ('6f9619ff-8b86-d011-b42d-00c04fc964ff') AND \"ts\" "
            "COLLATE TDSTIME = ('2024-01-02T10:00:00.5') AND \"bin\" = X'0ABC' AND \"big\" = "
            "CAST('-9223372036854775808' AS INTEGER)");
  EXPECT_TRUE(d.params.empty());
}

TEST_F(TranslateDml, GuardedInsertAndPlainInsert) {
  Dml d = tr("INSERT INTO [dbo].[T] ([id], [name], [req]) SELECT 3, N'x', 0 WHERE NOT EXISTS (SELECT 1 FROM "
             "[dbo].[T] WITH (UPDLOCK, HOLDLOCK) WHERE [id] = 3)");
  EXPECT_EQ(d.sqlite_sql, "INSERT INTO \"dbo.T\" (\"id\", \"name\", \"req\") SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 "
                          "FROM \"dbo.T\" WHERE \"id\" = '3')");
  ASSERT_EQ(d.params.size(), 3u);
  EXPECT_EQ(d.params[0].kind, Bound::Kind::Integer);
  d = tr("INSERT INTO [dbo].[T] ([id], [req]) VALUES (1, 0), (-2, 1)");
  EXPECT_EQ(d.sqlite_sql, "INSERT INTO \"dbo.T\" (\"id\", \"req\") VALUES (?, ?), (?, ?)");
  ASSERT_EQ(d.params.size(), 4u);
  EXPECT_EQ(d.params[2].integer, -2);
}

TEST_F(TranslateDml, ConstantsAreStoredAsTheFixtureStoresTheirColumns) {
  EXPECT_EQ(stored("d", "CAST('2024-01-02' AS date)"), "text 2024-01-02");
  EXPECT_EQ(stored("d", "CAST('2024-01-02T10:00:00' AS datetime2(7))"), "text 2024-01-02");
  EXPECT_EQ(stored("t", "CAST('10:00:00.123456' AS time(7))"), "text 10:00:00.123456");
  EXPECT_EQ(stored("ts", "CAST('2024-01-02T10:00:00.5' AS datetime2(7))"), "text 2024-01-02 10:00:00.5");
  EXPECT_EQ(stored("tz", "CAST('2024-01-02T10:00:00+00:00' AS datetimeoffset(7))"), "text 2024-01-02 10:00:00 +00:00");
  EXPECT_EQ(stored("tz", "N'2024-01-02 10:00:00.25 -03:30'"), "text 2024-01-02 10:00:00.25 -03:30");
  EXPECT_EQ(stored("g", "CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier)"),
            "text 6F9619FF-8B86-D011-B42D-00C04FC964FF");
  EXPECT_EQ(stored("big", "CAST('-9223372036854775808' AS bigint)"), "int -9223372036854775808");
  EXPECT_EQ(stored("f", "1e+20"), "real 100000000000000000000.000000");
  EXPECT_EQ(stored("b", "1"), "int 1");
  EXPECT_EQ(stored("bin", "0xABCD"), "blob 2");
  EXPECT_EQ(stored("m", "-12.3"), "text -12.3000");
  EXPECT_EQ(stored("amt", "N'7'"), "text 7.00");
  EXPECT_EQ(stored("amt", "0.005"), "text 0.01");
  EXPECT_EQ(stored("name", "NULL"), "NULL");
  EXPECT_EQ(stored("code", "N'ab   '"), "text ab ");  // blanks past the length are dropped
}

TEST_F(TranslateDml, ValuesThatDoNotFitAreSqlServerRunTimeErrors) {
  EXPECT_EQ(error_of("UPDATE T SET name = N'toolong' WHERE id = 1"), "8152r");
  EXPECT_EQ(error_of("UPDATE T SET bin = 0x0102030405 WHERE id = 1"), "8152r");
  EXPECT_EQ(error_of("UPDATE T SET req = NULL WHERE id = 1"), "515r");
  EXPECT_EQ(error_of("INSERT INTO T (id) VALUES (1)"), "515r");  // req is NOT NULL and left out
  EXPECT_EQ(error_of("UPDATE T SET tiny = 300 WHERE id = 1"), "220r");
  EXPECT_EQ(error_of("UPDATE T SET amt = 123456789.5 WHERE id = 1"), "8115r");
  EXPECT_EQ(error_of("UPDATE T SET id = N'x' WHERE id = 1"), "245r");
  EXPECT_EQ(error_of("UPDATE T SET amt = N'x' WHERE id = 1"), "8114r");
  EXPECT_EQ(error_of("UPDATE T SET d = N'2024-02-30' WHERE id = 1"), "241r");
  EXPECT_EQ(error_of("UPDATE T SET d = CAST('nope' AS date) WHERE id = 1"), "241r");
  EXPECT_EQ(error_of("UPDATE T SET g = N'xyz' WHERE id = 1"), "8169r");
  EXPECT_EQ(error_of("UPDATE T SET bin = N'ab' WHERE id = 1"), "257r");
  EXPECT_EQ(error_of("UPDATE T SET d = 5 WHERE id = 1"), "206r");
}

TEST_F(TranslateDml, StatementsThatDoNotBindAreCompileErrors) {
  EXPECT_EQ(error_of("UPDATE dbo.Nope SET x = 1"), "208");
  EXPECT_EQ(error_of("UPDATE T SET nope = 1 WHERE id = 1"), "207");
  EXPECT_EQ(error_of("DELETE FROM T WHERE nope = 1"), "207");
  EXPECT_EQ(error_of("UPDATE T SET name = N'a', name = N'b'"), "264");
  EXPECT_EQ(error_of("INSERT INTO T (id, req) VALUES (1)"), "109");
  EXPECT_EQ(error_of("INSERT INTO T (id, req) VALUES (1, 2, 3)"), "110");
  EXPECT_EQ(error_of("INSERT INTO T (id, req) SELECT 1"), "120");
  EXPECT_EQ(error_of("INSERT INTO T (id) SELECT 1, 2"), "121");
  EXPECT_EQ(error_of("INSERT INTO V (id) VALUES (1)"), "4406");
  EXPECT_EQ(error_of("UPDATE T SET name = upper(N'a')"), "102");
  EXPECT_EQ(error_of("DELETE FROM T WHERE"), "102");
}

TEST_F(TranslateDml, RowLockReadsTranslateAsSelects) {
  auto st = split_batch(lex("SELECT 1 FROM [dbo].[T] WITH (UPDLOCK, HOLDLOCK) WHERE ([id] = 1 AND [name] = N'x') OR "
                            "([id] = 2 AND [name] = N'y')"));
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(translate_select(st[0], cat_, info_).sqlite_sql,
            "SELECT 1 FROM \"dbo.T\" WHERE (\"id\" = '1' AND \"name\" COLLATE NOCASE = 'x') OR (\"id\" = '2' AND "
            "\"name\" COLLATE NOCASE = 'y')");
  info_.trancount = 1;
  st = split_batch(lex("SELECT @@TRANCOUNT"));
  EXPECT_EQ(translate_select(st[0], cat_, info_).sqlite_sql, "SELECT 1");
}

}  // namespace
}  // namespace tds_test

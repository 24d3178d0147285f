// Writes seen through DB-Library: one DONE per statement with its row count (DBCOUNT), real
// transactions on the backing SQLite file (a rollback undoes, another session does not see
// uncommitted rows), XACT_ABORT, lock timeouts, and every constant form recon writes reading back
// as the same value.
#include "dblib_support.hpp"

namespace tds_test::testing {
namespace {

using Rows = std::vector<std::vector<std::optional<std::string>>>;

const char* kFixture = R"sql(
CREATE TABLE "dbo.Acct" (id int PRIMARY KEY, name "nvarchar(10)", bal "decimal(10,2) text");
INSERT INTO "dbo.Acct" VALUES (1, 'ann', '10.00'), (2, 'bob', '20.00'), (3, 'cy', '30.00');
CREATE TABLE "dbo.Typed" (id bigint PRIMARY KEY, d "date text", t "time(7) text", ts "datetime2(7) text",
  tz "datetimeoffset(7) text", g "uniqueidentifier text", bin "varbinary(8)", f float, b bit, s "nvarchar(20)");
)sql";

constexpr int kFailed = -99;  // a dbresults that returned FAIL

class DblibDml : public ::testing::Test {
 protected:
  void SetUp() override {
    captured().clear();
    fx_ = std::make_unique<ServedFixture>(kFixture);
  }
  /// DBCOUNT of every result of a batch, in order (rows are read first; kFailed for a failed one).
  static std::vector<long> counts(DBPROCESS* p, const std::string& sql) {
    std::vector<long> out;
    dbcmd(p, sql.c_str());
    if (dbsqlexec(p) != kDbOk) out.push_back(kFailed);
    RETCODE rc;
    while ((rc = dbresults(p)) != NO_MORE_RESULTS) {
      if (rc == kDbFail) {
        out.push_back(kFailed);
        continue;
      }
      while (dbnextrow(p) == REG_ROW) {
      }
      out.push_back(long(DBCOUNT(p)));
    }
    return out;
  }
  static std::string one(DBPROCESS* p, const std::string& sql) {
    Rows rows;
    if (!query(p, sql, rows) || rows.size() != 1) return "<" + std::to_string(rows.size()) + " rows>";
    std::string s;
    for (const auto& v : rows[0]) s += (s.empty() ? "" : "|") + (v ? *v : "NULL");
    return s;
  }
  std::unique_ptr<ServedFixture> fx_;
};

TEST_F(DblibDml, EveryStatementOfABatchHasItsOwnCount) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  const auto n = counts(c, "SET XACT_ABORT ON;\nBEGIN TRANSACTION;\n"
                           "SELECT 1 FROM [dbo].[Acct] WITH (UPDLOCK, HOLDLOCK) WHERE [id] IN (1, 2, 3);\n"
                           "UPDATE [dbo].[Acct] SET [bal] = 11.5 WHERE [id] = 1 AND [bal] = 10.00;\n"
                           "UPDATE [dbo].[Acct] SET [bal] = 99 WHERE [id] = 2 AND [bal] = 21;\n"
                           "INSERT INTO [dbo].[Acct] ([id], [name], [bal]) SELECT 4, N'dee', 40 WHERE NOT EXISTS "
                           "(SELECT 1 FROM [dbo].[Acct] WITH (UPDLOCK, HOLDLOCK) WHERE [id] = 4);\n"
                           "INSERT INTO [dbo].[Acct] ([id], [name], [bal]) SELECT 4, N'dee', 40 WHERE NOT EXISTS "
                           "(SELECT 1 FROM [dbo].[Acct] WITH (UPDLOCK, HOLDLOCK) WHERE [id] = 4);\n"
                           "DELETE FROM [dbo].[Acct] WHERE [id] = 3;\nCOMMIT TRANSACTION;\n");
  EXPECT_EQ(n, (std::vector<long>{-1, -1, 3, 1, 0, 1, 0, 1, -1}));
  Conn other(fx_->connect());
  Rows rows;
  ASSERT_TRUE(query(other, "SELECT id, bal FROM dbo.Acct ORDER BY id", rows));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(*rows[0][1], "11.50");
  EXPECT_EQ(*rows[2][0] + "|" + *rows[2][1], "4|40.00");
  EXPECT_EQ(counts(c, "INSERT INTO dbo.Acct (id, name) VALUES (5, N'e'), (6, N'f')"), std::vector<long>{2});
}

TEST_F(DblibDml, RollbackUndoesAndOtherSessionsSeeOnlyCommittedRows) {
  Conn c(fx_->connect());
  Conn other(fx_->connect());
  ASSERT_TRUE(c.p && other.p);
  EXPECT_EQ(counts(c, "BEGIN TRAN"), std::vector<long>{-1});
  EXPECT_EQ(one(c, "SELECT @@TRANCOUNT"), "1");
  EXPECT_EQ(counts(c, "UPDATE dbo.Acct SET name = N'zed' WHERE id = 1; DELETE FROM dbo.Acct WHERE id = 2"),
            (std::vector<long>{1, 1}));
  EXPECT_EQ(one(c, "SELECT name FROM dbo.Acct WHERE id = 1"), "zed");
  EXPECT_EQ(one(other, "SELECT name FROM dbo.Acct WHERE id = 1"), "ann");  // not committed
  EXPECT_EQ(counts(c, "ROLLBACK TRANSACTION"), std::vector<long>{-1});
  EXPECT_EQ(one(c, "SELECT @@TRANCOUNT"), "0");
  EXPECT_EQ(one(c, "SELECT name FROM dbo.Acct WHERE id = 1"), "ann");
  EXPECT_EQ(one(c, "SELECT COUNT(*) FROM dbo.Acct"), "3");
  EXPECT_EQ(counts(c, "COMMIT"), std::vector<long>{kFailed});
  EXPECT_TRUE(captured().saw_msg(3902));
}

TEST_F(DblibDml, AFailingStatementUnderXactAbortRollsTheTransactionBack) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  const auto n = counts(c, "SET XACT_ABORT ON; BEGIN TRANSACTION; UPDATE dbo.Acct SET bal = 0 WHERE id = 1;\n"
                           "INSERT INTO dbo.Acct (id, name) VALUES (2, N'dup');\nDELETE FROM dbo.Acct WHERE id = 3;\n");
  EXPECT_EQ(n, (std::vector<long>{-1, -1, 1, kFailed}));  // the batch ends at the failure
  EXPECT_TRUE(captured().saw_msg(2627));
  ASSERT_FALSE(captured().msg_texts.empty());
  EXPECT_EQ(captured().msg_texts.back(),
            "Violation of PRIMARY KEY constraint 'PK_Acct'. Cannot insert duplicate key in object 'dbo.Acct'.");
  EXPECT_EQ(one(c, "SELECT @@TRANCOUNT"), "0");
  EXPECT_EQ(one(c, "SELECT bal FROM dbo.Acct WHERE id = 1"), "10.00");
  EXPECT_EQ(one(c, "SELECT COUNT(*) FROM dbo.Acct"), "3");
}

TEST_F(DblibDml, WithoutXactAbortOnlyTheStatementIsUndone) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  EXPECT_EQ(counts(c, "BEGIN TRAN; UPDATE dbo.Acct SET bal = 0 WHERE id = 1; UPDATE dbo.Acct SET name = "
                      "N'far too long a name' WHERE id = 2"),
            (std::vector<long>{-1, 1, kFailed}));
  EXPECT_TRUE(captured().saw_msg(8152));
  EXPECT_EQ(one(c, "SELECT @@TRANCOUNT"), "1");
  EXPECT_EQ(counts(c, "COMMIT TRAN"), std::vector<long>{-1});
  EXPECT_EQ(one(c, "SELECT bal FROM dbo.Acct WHERE id = 1"), "0.00");
}

TEST_F(DblibDml, AWriteBlockedByAnotherSessionTimesOutWith1222) {
  Conn a(fx_->connect());
  Conn b(fx_->connect());
  ASSERT_TRUE(a.p && b.p);
  EXPECT_EQ(counts(a, "BEGIN TRAN UPDATE dbo.Acct SET bal = 1 WHERE id = 1"), (std::vector<long>{-1, 1}));
  EXPECT_EQ(counts(b, "SET LOCK_TIMEOUT 100; UPDATE dbo.Acct SET bal = 2 WHERE id = 2"),
            (std::vector<long>{-1, kFailed}));
  EXPECT_TRUE(captured().saw_msg(1222));
  EXPECT_EQ(counts(a, "COMMIT"), std::vector<long>{-1});
  EXPECT_EQ(counts(b, "UPDATE dbo.Acct SET bal = 2 WHERE id = 2"), std::vector<long>{1});
}

TEST_F(DblibDml, ConstantsReconWritesReadBackAsTheSameValues) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  EXPECT_EQ(counts(c, "INSERT INTO [dbo].[Typed] ([id], [d], [t], [ts], [tz], [g], [bin], [f], [b], [s]) VALUES ("
                      "CAST('-9223372036854775808' AS bigint), CAST('2024-01-02' AS date), "
                      "CAST('10:00:00.123456' AS time(7)), CAST('2024-01-02T10:00:00.5' AS datetime2(7)), "
                      "CAST('2024-01-02T10:00:00+00:00' AS datetimeoffset(7)), "
                      "CAST('6f9619ff-8b86-d011-b42d-00c04fc964ff' AS uniqueidentifier), 0xABCD, 1e+20, 1, "
                      "N'it''s ü')"),
            std::vector<long>{1});
  // DB-Library's dbconvert shows dates in its own style (datetimeoffset in local time).
  EXPECT_EQ(one(c, "SELECT id, d, t, ts, tz, CONVERT(char(36), g), bin, b, s FROM dbo.Typed"),
            "-9223372036854775808|Jan  2 2024 12:00:00:AM|Jan  1 1900 10:00:00:1234560AM|"
            "Jan  2 2024 10:00:00:5000000AM|Jan  2 2024 10:00:00:0000000AM|6F9619FF-8B86-D011-B42D-00C04FC964FF|"
            "abcd|1|it's ü");
  // The same constants find the row again: guards compare as SQL Server compares.
  EXPECT_EQ(counts(c, "UPDATE [dbo].[Typed] SET [f] = 1.5E0 WHERE [id] = CAST('-9223372036854775808' AS bigint) AND "
                      "[d] = CAST('2024-01-02' AS date) AND [t] = CAST('10:00:00.123456' AS time(7)) AND "
                      "[ts] = CAST('2024-01-02T10:00:00.5' AS datetime2(7)) AND "
                      "[tz] = CAST('2024-01-02T10:00:00+00:00' AS datetimeoffset(7)) AND "
                      "[g] = CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier) AND [bin] = 0xABCD AND "
                      "[f] = 1e+20 AND [b] = 1 AND [s] = N'it''s ü' COLLATE Latin1_General_100_BIN2"),
            std::vector<long>{1});
  EXPECT_EQ(counts(c, "DELETE FROM dbo.Typed WHERE s = N'IT''S Ü' COLLATE Latin1_General_100_BIN2"),
            std::vector<long>{0});
  EXPECT_EQ(one(c, "SELECT f FROM dbo.Typed"), "1.5");
}

}  // namespace
}  // namespace tds_test::testing

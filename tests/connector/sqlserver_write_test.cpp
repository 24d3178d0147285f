// The SQL Server connector's write transaction (recon apply) against the TDS 7.4 test server
// (tests/support), through the real FreeTDS client: one batch per execute with a count per
// statement, commit and rollback seen through a read connector, failures naming the statement,
// lock timeouts, cancel from another thread, a lost server, and every value class written with
// sql_literal reading back as the same value. Skipped until the tds_test_server binary exists.
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "recon/connector/sqlserver.hpp"
#include "tds_server_support.hpp"
#include "recon/core/canonical.hpp"

namespace recon {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using tds_test::kPassword;
using tds_test::kUser;
using tds_test::server_binary;
using tds_test::TdsServer;

/// A SQLite fixture file in the temp folder, built from SQL, removed at the end.
class Fixture {
 public:
  Fixture(const std::string& tag, const std::string& sql)
      : path_(fs::temp_directory_path() / ("recon_tdsw_" + tag + "_" + std::to_string(::getpid()) + ".db")) {
    fs::remove(path_);
    sqlite3* db = nullptr;
    char* err = nullptr;
    const bool ok = sqlite3_open(path_.c_str(), &db) == SQLITE_OK &&
                    sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK;
    const std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    if (!ok) throw std::runtime_error("fixture SQL failed: " + msg);
  }
  ~Fixture() { fs::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

Endpoint endpoint(int port, std::int64_t lock_timeout_ms = 30'000) {
  Endpoint ep;
  ep.kind = EngineKind::SqlServer;
  ep.url = "sqlserver://" + std::string(kUser) + "@127.0.0.1:" + std::to_string(port) + "/recon_test";
  ep.password = kPassword;
  ep.password_env = "RECON_TEST_MSSQL_PASSWORD";
  ep.login_timeout_s = 5;
  ep.lock_timeout_ms = lock_timeout_ms;
  return ep;
}

const char* kAccounts = R"sql(
  CREATE TABLE "dbo.Acct" (id int PRIMARY KEY, name "nvarchar(10)", bal "decimal(10,2) text");
  INSERT INTO "dbo.Acct" VALUES (1, 'ann', '10.00'), (2, 'bob', '20.00'), (3, 'cy', '30.00');
)sql";

/// Every row of a table as "v1 | v2 …" (display form), in key order, through the read path.
std::vector<std::string> rows_of(Connector& conn, const std::string& table) {
  const TableInfo info = conn.describe(TableRef{"dbo", table});
  RangeQuery q;
  q.table = info.ref;
  for (const ColumnInfo& c : info.columns) {
    SelectColumn s;
    s.native = c;
    s.compare_as = c.type_class.value_or(TypeClass::Text);
    (c.name == "id" ? q.keys : q.values).push_back(s);
  }
  RowBatch batch;
  conn.read_range(q, batch);
  std::vector<std::string> out;
  for (std::size_t r = 0; r < batch.size(); ++r) {
    std::string s;
    for (std::string_view part : {batch.key(r), batch.values(r)})
      for (std::size_t pos = 0; pos < part.size();) s += (s.empty() ? "" : " | ") + canon::to_display(canon::read_value(part, pos));
    out.push_back(s);
  }
  return out;
}

class SqlServerWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_ = server_binary();
    if (binary_.empty()) GTEST_SKIP() << "tds_test_server is not built yet";
  }
  std::string binary_;
};

TEST_F(SqlServerWrite, OneBatchCountsEveryStatementAndCommitMakesItVisible) {
  Fixture f("batch", kAccounts);
  TdsServer server(binary_, f.path());
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Target);
  ASSERT_TRUE(conn->can_write());
  auto tx = conn->begin_write();
  const std::string insert = "INSERT INTO [dbo].[Acct] ([id], [name], [bal]) SELECT 4, N'dee', 40.00 WHERE NOT EXISTS "
                             "(SELECT 1 FROM [dbo].[Acct] WITH (UPDLOCK, HOLDLOCK) WHERE [id] = 4)";
  const auto counts = tx->execute({"SELECT 1 FROM [dbo].[Acct] WITH (UPDLOCK, HOLDLOCK) WHERE [id] IN (1, 2, 3)",
                                   "UPDATE [dbo].[Acct] SET [bal] = 11.50 WHERE [id] = 1 AND [bal] = 10.00",
                                   "UPDATE [dbo].[Acct] SET [bal] = 99.00 WHERE [id] = 2 AND [bal] = 21.00", insert,
                                   insert + ";", "DELETE FROM [dbo].[Acct] WHERE [id] = 3 AND [name] = N'cy' COLLATE "
                                                 "Latin1_General_100_BIN2"});
  EXPECT_EQ(counts, (std::vector<std::int64_t>{3, 1, 0, 1, 0, 1}));
  const std::vector<std::string> before = {"1 | \"ann\" | 10", "2 | \"bob\" | 20", "3 | \"cy\" | 30"};
  EXPECT_EQ(rows_of(*conn, "Acct"), before) << "nothing is visible before COMMIT";
  EXPECT_EQ(tx->execute({"UPDATE [dbo].[Acct] SET [name] = N'Ann' WHERE [id] = 1"}), std::vector<std::int64_t>{1});
  tx->commit();
  EXPECT_EQ(rows_of(*conn, "Acct"), (std::vector<std::string>{"1 | \"Ann\" | 11.5", "2 | \"bob\" | 20",
                                                              "4 | \"dee\" | 40"}));
  EXPECT_THAT([&] { tx->execute({"DELETE FROM [dbo].[Acct]"}); },
              ::testing::ThrowsMessage<ConnectorError>(HasSubstr("already ended")));
}

TEST_F(SqlServerWrite, RollbackAndTheDestructorUndoEverything) {
  Fixture f("rollback", kAccounts);
  TdsServer server(binary_, f.path());
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Target);
  const auto before = rows_of(*conn, "Acct");
  {
    auto tx = conn->begin_write();
    EXPECT_EQ(tx->execute({"DELETE FROM [dbo].[Acct] WHERE [id] IN (1, 2)", "UPDATE [dbo].[Acct] SET [bal] = 0"}),
              (std::vector<std::int64_t>{2, 1}));
    tx->rollback();
    tx->rollback();  // twice is harmless
  }
  EXPECT_EQ(rows_of(*conn, "Acct"), before);
  {
    auto tx = conn->begin_write();
    tx->execute({"INSERT INTO [dbo].[Acct] ([id], [name], [bal]) VALUES (9, N'z', 1)"});
  }  // neither commit nor rollback
  EXPECT_EQ(rows_of(*conn, "Acct"), before);
}

TEST_F(SqlServerWrite, AFailingStatementIsNamedAndRollsTheTransactionBack) {
  Fixture f("fail", kAccounts);
  TdsServer server(binary_, f.path());
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Target);
  const auto before = rows_of(*conn, "Acct");
  auto tx = conn->begin_write();
  try {
    tx->execute({"UPDATE [dbo].[Acct] SET [bal] = 0 WHERE [id] = 1",
                 "INSERT INTO [dbo].[Acct] ([id], [name], [bal]) VALUES (2, N'dup', 1)",
                 "DELETE FROM [dbo].[Acct] WHERE [id] = 3"});
    FAIL() << "a duplicate key must fail";
  } catch (const ConnectorError& e) {
    const std::string msg = e.what();
    EXPECT_FALSE(e.poisoned());
    EXPECT_EQ(e.side(), Side::Target);
    EXPECT_THAT(msg, HasSubstr("statement 2 of the batch of 3 failed: Violation of PRIMARY KEY constraint 'PK_Acct'"));
    EXPECT_THAT(msg, HasSubstr("(SQL Server error 2627)"));
    EXPECT_THAT(msg, HasSubstr("sqlserver://recon@127.0.0.1:"));
    EXPECT_THAT(msg, Not(HasSubstr(kPassword)));
  }
  EXPECT_THROW(tx->commit(), ConnectorError);  // the transaction is gone: only rollback is left
  tx->rollback();
  EXPECT_EQ(rows_of(*conn, "Acct"), before) << "the first UPDATE is undone too";
  auto again = conn->begin_write();  // the server is fine for the next transaction
  EXPECT_EQ(again->execute({"UPDATE [dbo].[Acct] SET [bal] = 5 WHERE [id] = 1"}), std::vector<std::int64_t>{1});
  again->commit();
}

TEST_F(SqlServerWrite, ALockHeldByAnotherWriterTimesOutAndCancelStopsAWait) {
  Fixture f("locks", kAccounts);
  TdsServer server(binary_, f.path());
  auto holder = make_sqlserver_connector(endpoint(server.port()), Side::Target)->begin_write();
  holder->execute({"UPDATE [dbo].[Acct] SET [bal] = 1 WHERE [id] = 1"});

  auto impatient = make_sqlserver_connector(endpoint(server.port(), 200), Side::Target)->begin_write();
  EXPECT_THAT([&] { impatient->execute({"UPDATE [dbo].[Acct] SET [bal] = 2 WHERE [id] = 2"}); },
              ::testing::ThrowsMessage<ConnectorError>(
                  ::testing::AllOf(HasSubstr("statement 1 of the batch of 1 failed: Lock request time out period exceeded"),
                        HasSubstr("[check].lock_timeout"))));
  impatient->rollback();

  auto waiting = make_sqlserver_connector(endpoint(server.port(), 60'000), Side::Target)->begin_write();
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    waiting->cancel();
  });
  const auto t0 = std::chrono::steady_clock::now();
  try {
    waiting->execute({"UPDATE [dbo].[Acct] SET [bal] = 3 WHERE [id] = 3"});
    ADD_FAILURE() << "cancel() must stop the wait";
  } catch (const ConnectorError& e) {
    EXPECT_TRUE(e.poisoned()) << e.what();
    EXPECT_THAT(e.what(), HasSubstr("cancelled"));
  }
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  waiting.reset();
  holder->rollback();
}

TEST_F(SqlServerWrite, ALostServerPoisonsTheTransaction) {
  Fixture f("lost", kAccounts);
  auto server = std::make_unique<TdsServer>(binary_, f.path());
  auto tx = make_sqlserver_connector(endpoint(server->port()), Side::Target)->begin_write();
  server.reset();
  try {
    tx->execute({"UPDATE [dbo].[Acct] SET [bal] = 1 WHERE [id] = 1"});
    FAIL() << "the server is gone";
  } catch (const ConnectorError& e) {
    EXPECT_TRUE(e.poisoned()) << e.what();
    EXPECT_THAT(e.what(), HasSubstr("statement 1 of the batch of 1 failed: connection lost"));
  }
  tx->rollback();  // never throws
}

TEST_F(SqlServerWrite, EveryValueClassWrittenWithSqlLiteralReadsBackTheSame) {
  Fixture f("values", R"sql(
    CREATE TABLE "dbo.Typed" (id int PRIMARY KEY, big bigint, amt "decimal(10,2) text", f float, b bit,
      d "date text", t "time(7) text", ts "datetime2(7) text", tz "datetimeoffset(7) text",
      g "uniqueidentifier text", bin "varbinary(8)", s "nvarchar(20)");
    INSERT INTO "dbo.Typed" (id) VALUES (1);)sql");
  TdsServer server(binary_, f.path());
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Target);
  const TableInfo info = conn->describe(TableRef{"dbo", "Typed"});
  const unsigned char uuid[16] = {0x6f, 0x96, 0x19, 0xff, 0x8b, 0x86, 0xd0, 0x11,
                                  0xb4, 0x2d, 0x00, 0xc0, 0x4f, 0xc9, 0x64, 0xff};
  std::vector<std::string> values(11);
  canon::put_integer(values[0], INT64_MIN);
  canon::put_decimal_digits(values[1], true, "125", -1);
  canon::put_float(values[2], 1e20);
  canon::put_bool(values[3], true);
  canon::put_date(values[4], 19724);                                 // 2024-01-02
  canon::put_time(values[5], 36'000'123'456);                        // 10:00:00.123456
  canon::put_timestamp(values[6], 1'704'189'600'500'000);            // 2024-01-02 10:00:00.5
  canon::put_timestamptz(values[7], 1'704'189'600'000'001);          // …10:00:00.000001+00
  canon::put_uuid(values[8], uuid);
  canon::put_bytes(values[9], std::string("\xab\xcd\x00", 3));
  canon::put_text(values[10], "it's ü");
  std::string set, guard, expected = "1";
  for (std::size_t i = 0; i < values.size(); ++i) {
    const ColumnInfo& col = info.columns[i + 1];
    std::size_t pos = 0;
    const canon::ValueView v = canon::read_value(values[i], pos);
    const std::string lit = sql_literal(Dialect::SqlServer, col, v);
    set += (set.empty() ? "" : ", ") + quote_ident(Dialect::SqlServer, col.name) + " = " + lit;
    guard += " AND " + quote_ident(Dialect::SqlServer, col.name) + " = " + lit;
    expected += " | " + canon::to_display(v);
  }
  auto tx = conn->begin_write();
  EXPECT_EQ(tx->execute({"UPDATE [dbo].[Typed] SET " + set + " WHERE [id] = 1",
                         "UPDATE [dbo].[Typed] SET [id] = 1 WHERE [id] = 1" + guard}),
            (std::vector<std::int64_t>{1, 1}))
      << "the literals assign the values and then find them again";
  tx->commit();
  EXPECT_EQ(rows_of(*conn, "Typed"), std::vector<std::string>{expected});
}

}  // namespace
}  // namespace recon

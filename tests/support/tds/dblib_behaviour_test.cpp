// Server behaviour seen through DB-Library: login, errors as SQL Server numbers them, ATTENTION,
// a server that dies mid-stream, the INFORMATION_SCHEMA catalog, and the range-query subset
// (collations, GUID order, exact decimal and date comparisons).
#include <chrono>
#include <csignal>
#include <cstdio>
#include <sys/wait.h>
#include <unistd.h>

#include "dblib_support.hpp"

namespace tds_test::testing {
namespace {

using Rows = std::vector<std::vector<std::optional<std::string>>>;

const char* kShop = R"sql(
CREATE TABLE "dbo.Orders" (id int PRIMARY KEY, customer "nvarchar(40)", amount "decimal(18,3) text",
                           placed "datetime2(7) text", note "varchar(max)", UNIQUE (customer, placed));
INSERT INTO "dbo.Orders" VALUES (1, 'abc', '9.990', '2024-01-01 00:00:00', NULL),
  (2, 'ABC', '10.500', '2024-01-01 23:59:59.9999999', 'x'), (3, 'b', '100.000', '2024-01-02 00:00:00', ''),
  (4, 'Zed', '99.999', '2023-12-31 12:00:00', NULL), (5, NULL, '-1.000', '2024-01-01 12:00:00.5', NULL);
CREATE TABLE "sales.Lines" (order_id int NOT NULL, line smallint NOT NULL, sku "char(8)",
                            PRIMARY KEY (order_id, line));
INSERT INTO "sales.Lines" VALUES (1, 1, 'A'), (1, 2, 'B'), (2, 1, 'C');
CREATE TABLE "dbo.Guids" (g "uniqueidentifier text" PRIMARY KEY, n int);
INSERT INTO "dbo.Guids" VALUES ('00000000-0000-0000-0000-000000000001', 1),
  ('ffffffff-ffff-ffff-ffff-000000000000', 2), ('00000000-0000-0100-0000-000000000000', 3),
  ('00000000-0000-0001-0000-000000000000', 4);
CREATE TABLE _tds_columns (table_name TEXT, column_name TEXT, collation TEXT);
INSERT INTO _tds_columns VALUES ('dbo.Orders', 'note', 'Latin1_General_BIN2');
CREATE TABLE "dbo.Big" (id int PRIMARY KEY, name "nvarchar(20)");
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 200000)
  INSERT INTO "dbo.Big" SELECT i, 'name ' || i FROM s;
)sql";

class DblibBehaviour : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fx_ = new ServedFixture(kShop); }
  static void TearDownTestSuite() {
    delete fx_;
    fx_ = nullptr;
  }
  void SetUp() override { captured().clear(); }
  static ServedFixture* fx_;
};
ServedFixture* DblibBehaviour::fx_ = nullptr;

std::vector<std::string> column0(const Rows& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r[0] ? *r[0] : "NULL");
  return out;
}

TEST_F(DblibBehaviour, WrongPasswordFailsTheLoginWith18456) {
  EXPECT_EQ(fx_->connect("wrong"), nullptr);
  EXPECT_TRUE(captured().saw_msg(18456));
  Conn ok(fx_->connect());
  EXPECT_NE(ok.p, nullptr);
}

TEST_F(DblibBehaviour, ErrorsCarrySqlServerNumbersAndTheConnectionSurvives) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  Rows rows;
  EXPECT_FALSE(query(c, "SELECT * FROM dbo.Nope", rows));
  EXPECT_TRUE(captured().saw_msg(208));
  EXPECT_FALSE(query(c, "SELECT nope FROM dbo.Orders", rows));
  EXPECT_TRUE(captured().saw_msg(207));
  EXPECT_FALSE(query(c, "SELEC 1", rows));
  EXPECT_TRUE(captured().saw_msg(102));
  EXPECT_FALSE(query(c, "SELECT FOO(id) FROM dbo.Orders", rows));
  EXPECT_TRUE(captured().saw_msg(195));
  ASSERT_TRUE(query(c, "SELECT COUNT_BIG(*) FROM dbo.Orders", rows));
  EXPECT_EQ(column0(rows), std::vector<std::string>{"5"});
}

TEST_F(DblibBehaviour, SessionStatementsAndScalars) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  Rows rows;
  ASSERT_TRUE(query(c, "SET NOCOUNT ON; SET TEXTSIZE 2147483647 USE [recon]; SELECT @@SPID, 42, N'ü', 1.50, NULL", rows));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_GE(std::stoi(*rows[0][0]), 51);
  EXPECT_EQ(*rows[0][1], "42");
  EXPECT_EQ(*rows[0][2], "ü");
  EXPECT_EQ(*rows[0][3], "1.50");
  EXPECT_FALSE(rows[0][4]);
  EXPECT_STREQ(dbname(c), "recon");
}

TEST_F(DblibBehaviour, RangesUseBinaryCollationsAndExactValues) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  Rows rows;
  // The column's collation is case-insensitive; BIN2 compares code points.
  ASSERT_TRUE(query(c, "SELECT id FROM dbo.Orders WHERE customer = N'abc' ORDER BY id", rows));
  EXPECT_EQ(column0(rows), (std::vector<std::string>{"1", "2"}));
  ASSERT_TRUE(query(c, "SELECT id FROM dbo.Orders WHERE customer COLLATE Latin1_General_BIN2 = N'abc'", rows));
  EXPECT_EQ(column0(rows), std::vector<std::string>{"1"});
  ASSERT_TRUE(query(c, "SELECT customer FROM dbo.Orders WHERE customer IS NOT NULL "
                       "ORDER BY customer COLLATE Latin1_General_BIN2", rows));
  EXPECT_EQ(column0(rows), (std::vector<std::string>{"ABC", "Zed", "abc", "b"}));
  // Decimals compare as numbers, exactly, although SQLite holds them as text.
  ASSERT_TRUE(query(c, "SELECT id FROM dbo.Orders WHERE amount >= 10.5 AND amount < 100 ORDER BY amount", rows));
  EXPECT_EQ(column0(rows), (std::vector<std::string>{"2", "4"}));
  ASSERT_TRUE(query(c, "SELECT TOP 2 amount FROM dbo.Orders ORDER BY amount DESC", rows));
  EXPECT_EQ(column0(rows), (std::vector<std::string>{"100.000", "99.999"}));
  // datetime2 as instants, ISO 'T' literals included.
  ASSERT_TRUE(query(c, "SELECT id FROM dbo.Orders WHERE placed >= '2024-01-01T00:00:00' AND placed < '2024-01-02' "
                       "ORDER BY placed", rows));
  EXPECT_EQ(column0(rows), (std::vector<std::string>{"1", "5", "2"}));
  // A composite bound, expanded the way the connector sends it.
  ASSERT_TRUE(query(c, "SELECT [order_id], [line] FROM [sales].[Lines] WHERE ([order_id] > 1 OR ([order_id] = 1 "
                       "AND [line] >= 2)) ORDER BY [order_id], [line]", rows));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(*rows[0][0] + "," + *rows[0][1], "1,2");
  EXPECT_EQ(*rows[1][0] + "," + *rows[1][1], "2,1");
  ASSERT_TRUE(query(c, "SELECT id FROM dbo.Orders WHERE id IN (1, 3, 7) AND note IS NULL", rows));
  EXPECT_EQ(column0(rows), std::vector<std::string>{"1"});
}

TEST_F(DblibBehaviour, GuidKeysOrderBySqlServerRulesOrByCanonicalText) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  Rows rows;
  // SQL Server's own uniqueidentifier order: bytes 10-15 first, then 8-9, 6-7 (stored order), ...
  ASSERT_TRUE(query(c, "SELECT n FROM dbo.Guids ORDER BY g", rows));
  // Node bytes 10-15: 1 is last. Bytes 8-9: 2 (ffff) after 3 and 4. Bytes 6-7 as stored: 0100 is
  // stored 00 01, before 0001 stored 01 00.
  EXPECT_EQ(column0(rows), (std::vector<std::string>{"3", "4", "2", "1"}));
  // What the connector ranges on: the uppercase text under BIN2, which is PostgreSQL's uuid order.
  ASSERT_TRUE(query(c, "SELECT CONVERT(char(36), g) AS k FROM dbo.Guids WHERE CONVERT(char(36), g) COLLATE "
                       "Latin1_General_BIN2 >= '00000000-0000-0001-0000-000000000000' ORDER BY k", rows));
  EXPECT_EQ(column0(rows), (std::vector<std::string>{"00000000-0000-0001-0000-000000000000",
                                                     "00000000-0000-0100-0000-000000000000",
                                                     "FFFFFFFF-FFFF-FFFF-FFFF-000000000000"}));
}

TEST_F(DblibBehaviour, InformationSchemaDescribesTheFixture) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  Rows rows;
  ASSERT_TRUE(query(c, "SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, "
                       "DATETIME_PRECISION, IS_NULLABLE, COLLATION_NAME FROM INFORMATION_SCHEMA.COLUMNS "
                       "WHERE TABLE_SCHEMA = 'dbo' AND TABLE_NAME = 'Orders' ORDER BY ORDINAL_POSITION", rows));
  ASSERT_EQ(rows.size(), 5u);
  auto show = [](const std::vector<std::optional<std::string>>& r) {
    std::string s;
    for (const auto& v : r) s += (s.empty() ? "" : "|") + (v ? *v : "NULL");
    return s;
  };
  EXPECT_EQ(show(rows[0]), "id|int|NULL|10|0|NULL|NO|NULL");
  EXPECT_EQ(show(rows[1]), "customer|nvarchar|40|NULL|NULL|NULL|YES|SQL_Latin1_General_CP1_CI_AS");
  EXPECT_EQ(show(rows[2]), "amount|decimal|NULL|18|3|NULL|YES|NULL");
  EXPECT_EQ(show(rows[3]), "placed|datetime2|NULL|NULL|NULL|7|YES|NULL");
  EXPECT_EQ(show(rows[4]), "note|varchar|-1|NULL|NULL|NULL|YES|Latin1_General_BIN2");
  ASSERT_TRUE(query(c, "SELECT CONSTRAINT_NAME, CONSTRAINT_TYPE FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS "
                       "WHERE TABLE_SCHEMA = N'sales' AND TABLE_NAME = N'Lines'", rows));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(*rows[0][1], "PRIMARY KEY");
  ASSERT_TRUE(query(c, "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.KEY_COLUMN_USAGE WHERE CONSTRAINT_NAME = '" +
                           *rows[0][0] + "' ORDER BY ORDINAL_POSITION", rows));
  EXPECT_EQ(column0(rows), (std::vector<std::string>{"order_id", "line"}));
  ASSERT_TRUE(query(c, "SELECT c.CONSTRAINT_TYPE FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS AS c "
                       "WHERE c.TABLE_NAME = 'Orders' ORDER BY c.CONSTRAINT_TYPE", rows));
  EXPECT_EQ(column0(rows), (std::vector<std::string>{"PRIMARY KEY", "UNIQUE"}));
  ASSERT_TRUE(query(c, "SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES ORDER BY TABLE_NAME", rows));
  EXPECT_EQ(column0(rows), (std::vector<std::string>{"dbo", "dbo", "sales", "dbo"}));
}

TEST_F(DblibBehaviour, CancelStopsALargeResultAndTheConnectionGoesOn) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  dbcmd(c, "SELECT id, name FROM dbo.Big ORDER BY id");
  ASSERT_EQ(dbsqlexec(c), kDbOk);
  ASSERT_EQ(dbresults(c), kDbOk);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(dbnextrow(c), REG_ROW);
  EXPECT_EQ(dbcancel(c), kDbOk);  // sends ATTENTION, reads to the acknowledgement
  EXPECT_FALSE(dbdead(c));
  Rows rows;
  ASSERT_TRUE(query(c, "SELECT COUNT(*) FROM dbo.Big", rows));
  EXPECT_EQ(column0(rows), std::vector<std::string>{"200000"});
}

TEST(DblibFailure, ServerGoneMidStreamIsAnErrorAtTheClient) {
  captured().clear();
  ServedFixture fx(R"sql(CREATE TABLE "dbo.T" (id int PRIMARY KEY, v "nvarchar(20)");
    WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 5000) INSERT INTO "dbo.T" SELECT i, 'v' FROM s;)sql",
                   100);
  Conn c(fx.connect());
  ASSERT_TRUE(c.p);
  dbcmd(c, "SELECT id, v FROM dbo.T");
  ASSERT_EQ(dbsqlexec(c), kDbOk);
  ASSERT_EQ(dbresults(c), kDbOk);
  int n = 0;
  RETCODE rc;
  while ((rc = dbnextrow(c)) == REG_ROW) ++n;
  EXPECT_EQ(n, 100);  // every row sent before the cut arrives; then the stream ends mid-message
  EXPECT_EQ(rc, kDbFail);
  EXPECT_TRUE(dbdead(c));
  EXPECT_FALSE(captured().errors.empty());
}

TEST(ServerBinary, PrintsItsPortAndServes) {
  init_dblib();
  const std::string dir = ::testing::TempDir();
  const std::string db = dir + "/tds_cli_fixture.db";
  std::remove(db.c_str());
  sqlite3* h = nullptr;
  sqlite3_open(db.c_str(), &h);
  sqlite3_exec(h, "CREATE TABLE \"dbo.T\" (id int PRIMARY KEY); INSERT INTO \"dbo.T\" VALUES (7);", nullptr, nullptr, nullptr);
  sqlite3_close(h);
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::execl(TDS_TEST_SERVER_BINARY, "tds_test_server", "--db", db.c_str(), "--port", "0", "--user", "u",
            "--password", "p", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  FILE* f = ::fdopen(out[0], "r");
  char line[128] = {};
  ASSERT_TRUE(std::fgets(line, sizeof line, f));
  unsigned port = 0;
  ASSERT_EQ(std::sscanf(line, "listening on 127.0.0.1:%u", &port), 1) << line;
  LOGINREC* login = dblogin();
  DBSETLUSER(login, "u");
  DBSETLPWD(login, "p");
  DBSETLVERSION(login, DBVERSION_74);
  DBPROCESS* p = dbopen(login, ("127.0.0.1:" + std::to_string(port)).c_str());
  dbloginfree(login);
  ASSERT_TRUE(p);
  Rows rows;
  EXPECT_TRUE(query(p, "SELECT id FROM T", rows));
  EXPECT_EQ(column0(rows), std::vector<std::string>{"7"});
  dbclose(p);
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
  std::fclose(f);
}

/// Not an assertion: the rows/s the server delivers to DB-Library for narrow rows.
TEST(Benchmark, NarrowRowsPerSecond) {
  constexpr int kRows = 1'000'000;
  ServedFixture fx("CREATE TABLE \"dbo.Narrow\" (id int PRIMARY KEY, name \"nvarchar(20)\");"
                   "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < " + std::to_string(kRows) +
                   ") INSERT INTO \"dbo.Narrow\" SELECT i, 'customer ' || i FROM s;");
  Conn c(fx.connect());
  ASSERT_TRUE(c.p);
  const auto t0 = std::chrono::steady_clock::now();
  dbcmd(c, "SELECT id, name FROM dbo.Narrow ORDER BY id");
  ASSERT_EQ(dbsqlexec(c), kDbOk);
  ASSERT_EQ(dbresults(c), kDbOk);
  long n = 0, sum = 0;
  while (dbnextrow(c) == REG_ROW) {
    DBINT id;
    std::memcpy(&id, dbdata(c, 1), 4);
    sum += dbdatlen(c, 2) > 0;
    ++n;
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(n, kRows);
  EXPECT_EQ(sum, kRows);
  std::printf("[ bench    ] %d rows (int + nvarchar(20)) in %.3f s: %.0f rows/s through DB-Library\n", kRows, s,
              double(n) / s);
}

}  // namespace
}  // namespace tds_test::testing

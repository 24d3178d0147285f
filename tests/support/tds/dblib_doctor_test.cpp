// What `recon doctor` asks, against the server over DB-Library: the server's identity and clock,
// the login's roles and permissions from _tds_login / _tds_permissions, statistics dates from
// _tds_statistics, sys.indexes and sys.index_columns, and CASTs of constants converted as SQL
// Server converts them (docs/tds-test-server.md, "Doctor statements").
#include <chrono>

#include "dblib_support.hpp"

namespace tds_test::testing {
namespace {

using Rows = std::vector<std::vector<std::optional<std::string>>>;

std::string cell(const Rows& r, std::size_t row, std::size_t col) { return r.at(row).at(col).value_or("NULL"); }

const char* kTables = R"sql(
  CREATE TABLE "dbo.T" (id int PRIMARY KEY, code "nvarchar(10)" UNIQUE, v int);
  INSERT INTO "dbo.T" VALUES (1, 'a', 1), (2, 'b', 2);
  CREATE INDEX ix_v_id ON "dbo.T" (v DESC, id);
  CREATE TABLE "dbo.Heap" (a int, b int);
  CREATE VIEW "dbo.V" AS SELECT id FROM "dbo.T";
)sql";

TEST(Doctor, ServerIdentityLoginDatabaseAndClock) {
  ServedFixture fx(kTables);
  Conn c(fx.connect());
  ASSERT_TRUE(c.p);
  Rows r;
  ASSERT_TRUE(query(c, "SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)), "
                       "CAST(SERVERPROPERTY('Edition') AS nvarchar(128)), SERVERPROPERTY('NoSuchProperty'), "
                       "SUSER_SNAME(), DB_NAME(), CAST(CONNECTIONPROPERTY('encrypt_option') AS nvarchar(10))", r));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(cell(r, 0, 0), "14.0.3456.2");
  EXPECT_EQ(cell(r, 0, 1), "Developer Edition (64-bit)");
  EXPECT_EQ(cell(r, 0, 2), "NULL");
  EXPECT_EQ(cell(r, 0, 3), "recon");
  EXPECT_EQ(cell(r, 0, 4), "recon");
  EXPECT_EQ(cell(r, 0, 5), "FALSE");
  const auto now = std::chrono::system_clock::now();
  ASSERT_TRUE(query(c, "SELECT CONVERT(nvarchar(33), SYSUTCDATETIME(), 126), SYSDATETIME()", r));
  const std::string utc = cell(r, 0, 0);
  ASSERT_EQ(utc.size(), 27u) << utc;  // 2026-12-04T10:00:00.1234567
  EXPECT_EQ(utc[10], 'T');
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char today[11];
  std::strftime(today, sizeof today, "%Y-%m-%d", &tm);
  EXPECT_EQ(utc.substr(0, 10), today);
}

TEST(Doctor, RolesAndPermissionsOfAPlainReaderByDefault) {
  ServedFixture fx(kTables);
  Conn c(fx.connect());
  Rows r;
  ASSERT_TRUE(query(c, "SELECT IS_SRVROLEMEMBER(N'sysadmin'), IS_ROLEMEMBER(N'db_owner'), IS_SRVROLEMEMBER(N'nobody'), "
                       "HAS_PERMS_BY_NAME(NULL, N'DATABASE', N'VIEW DATABASE STATE'), "
                       "HAS_PERMS_BY_NAME(N'[dbo].[T]', N'OBJECT', N'SELECT'), "
                       "HAS_PERMS_BY_NAME(N'dbo.T', N'OBJECT', N'INSERT'), "
                       "HAS_PERMS_BY_NAME(N'dbo.Missing', N'OBJECT', N'SELECT')", r));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(cell(r, 0, 0), "0");
  EXPECT_EQ(cell(r, 0, 1), "0");
  EXPECT_EQ(cell(r, 0, 2), "NULL") << "not a server role";
  EXPECT_EQ(cell(r, 0, 3), "1");
  EXPECT_EQ(cell(r, 0, 4), "1");
  EXPECT_EQ(cell(r, 0, 5), "0");
  EXPECT_EQ(cell(r, 0, 6), "NULL") << "no such object";
}

TEST(Doctor, FixtureGrantsRolesAndRefusesPartitionStatsWithoutViewDatabaseState) {
  ServedFixture fx(std::string(kTables) + R"sql(
    CREATE TABLE _tds_login (role TEXT);
    INSERT INTO _tds_login VALUES ('db_datareader');
    CREATE TABLE _tds_permissions (securable TEXT, permission TEXT);
    INSERT INTO _tds_permissions VALUES ('*', 'SELECT'), ('T', 'UPDATE');
  )sql");
  Conn c(fx.connect());
  Rows r;
  ASSERT_TRUE(query(c, "SELECT IS_ROLEMEMBER(N'db_datareader'), IS_ROLEMEMBER(N'db_owner'), "
                       "HAS_PERMS_BY_NAME(NULL, N'DATABASE', N'VIEW DATABASE STATE'), "
                       "HAS_PERMS_BY_NAME(N'[dbo].[Heap]', N'OBJECT', N'SELECT'), "
                       "HAS_PERMS_BY_NAME(N'[dbo].[T]', N'OBJECT', N'UPDATE'), "
                       "HAS_PERMS_BY_NAME(N'[dbo].[Heap]', N'OBJECT', N'UPDATE')", r));
  EXPECT_EQ(cell(r, 0, 0), "1");
  EXPECT_EQ(cell(r, 0, 1), "0");
  EXPECT_EQ(cell(r, 0, 2), "0");
  EXPECT_EQ(cell(r, 0, 3), "1");
  EXPECT_EQ(cell(r, 0, 4), "1");
  EXPECT_EQ(cell(r, 0, 5), "0");
  captured().clear();
  EXPECT_FALSE(query(c, "SELECT SUM(row_count) FROM sys.dm_db_partition_stats WHERE object_id = OBJECT_ID(N'dbo.T')", r));
  EXPECT_TRUE(captured().saw_msg(297));
}

TEST(Doctor, SysadminHoldsEveryPermission) {
  ServedFixture fx(std::string(kTables) + R"sql(
    CREATE TABLE _tds_login (role TEXT); INSERT INTO _tds_login VALUES ('sysadmin');
    CREATE TABLE _tds_permissions (securable TEXT, permission TEXT);
  )sql");
  Conn c(fx.connect());
  Rows r;
  ASSERT_TRUE(query(c, "SELECT IS_SRVROLEMEMBER(N'sysadmin'), HAS_PERMS_BY_NAME(N'dbo.T', N'OBJECT', N'ALTER'), "
                       "HAS_PERMS_BY_NAME(NULL, N'DATABASE', N'VIEW DATABASE STATE')", r));
  EXPECT_EQ(cell(r, 0, 0), "1");
  EXPECT_EQ(cell(r, 0, 1), "1");
  EXPECT_EQ(cell(r, 0, 2), "1");
}

TEST(Doctor, StatisticsDatesFromTheFixtureOrTheLoad) {
  ServedFixture fx(std::string(kTables) + R"sql(
    CREATE TABLE "dbo.Old" (id int PRIMARY KEY);
    CREATE TABLE "dbo.Never" (id int PRIMARY KEY);
    CREATE TABLE _tds_statistics (table_name TEXT, updated TEXT);
    INSERT INTO _tds_statistics VALUES ('dbo.Old', '2020-01-02T03:04:05.000'), ('Never', NULL);
  )sql");
  Conn c(fx.connect());
  Rows r;
  const std::string sql = "SELECT name, CONVERT(nvarchar(33), STATS_DATE(object_id, stats_id), 126) FROM sys.stats "
                          "WHERE object_id = OBJECT_ID(N'[dbo].[{}]') ORDER BY stats_id";
  auto for_table = [&](const std::string& t) {
    std::string s = sql;
    s.replace(s.find("{}"), 2, t);
    EXPECT_TRUE(query(c, s, r)) << s;
    return r;
  };
  Rows old = for_table("Old");
  ASSERT_EQ(old.size(), 1u);
  EXPECT_EQ(cell(old, 0, 0), "PK_Old");
  EXPECT_EQ(cell(old, 0, 1), "2020-01-02T03:04:05.000");
  Rows never = for_table("Never");
  ASSERT_EQ(never.size(), 1u);
  EXPECT_EQ(cell(never, 0, 1), "NULL");
  Rows loaded = for_table("T");
  ASSERT_EQ(loaded.size(), 3u);  // PK_T, UQ_T_1, ix_v_id
  EXPECT_EQ(cell(loaded, 0, 1).size(), 23u) << "the time the server loaded the fixture";
  EXPECT_EQ(cell(loaded, 0, 1).substr(0, 4), cell(loaded, 2, 1).substr(0, 4));
}

TEST(Doctor, IndexesAndTheirKeyColumns) {
  ServedFixture fx(kTables);
  Conn c(fx.connect());
  Rows r;
  ASSERT_TRUE(query(c, "SELECT index_id, name, type_desc, is_unique, is_primary_key, is_unique_constraint, is_disabled, "
                       "has_filter FROM sys.indexes WHERE object_id = OBJECT_ID(N'[dbo].[T]') ORDER BY index_id", r));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(cell(r, 0, 0) + " " + cell(r, 0, 1) + " " + cell(r, 0, 2) + " " + cell(r, 0, 4), "1 PK_T CLUSTERED 1");
  EXPECT_EQ(cell(r, 1, 0) + " " + cell(r, 1, 1) + " " + cell(r, 1, 2) + " " + cell(r, 1, 5), "2 UQ_T_1 NONCLUSTERED 1");
  EXPECT_EQ(cell(r, 2, 0) + " " + cell(r, 2, 1) + " " + cell(r, 2, 3), "3 ix_v_id 0");
  ASSERT_TRUE(query(c, "SELECT index_id, key_ordinal, column_id, is_descending_key FROM sys.index_columns "
                       "WHERE object_id = OBJECT_ID(N'[dbo].[T]') AND key_ordinal > 0 ORDER BY index_id, key_ordinal", r));
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(cell(r, 0, 0) + cell(r, 0, 2), "11");  // PK on id (column 1)
  EXPECT_EQ(cell(r, 1, 0) + cell(r, 1, 2), "22");  // UQ on code (column 2)
  EXPECT_EQ(cell(r, 2, 0) + cell(r, 2, 1) + cell(r, 2, 2) + cell(r, 2, 3), "3131");  // v DESC first
  EXPECT_EQ(cell(r, 3, 0) + cell(r, 3, 1) + cell(r, 3, 2) + cell(r, 3, 3), "3210");
  ASSERT_TRUE(query(c, "SELECT index_id, name, type_desc FROM sys.indexes WHERE object_id = OBJECT_ID(N'dbo.Heap')", r));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(cell(r, 0, 0) + " " + cell(r, 0, 1) + " " + cell(r, 0, 2), "0 NULL HEAP");
}

TEST(Doctor, CastsOfConstantsConvertAsSqlServerDoes) {
  ServedFixture fx(kTables);
  Conn c(fx.connect());
  Rows r;
  ASSERT_TRUE(query(c, "SELECT CAST('1.005' AS decimal(18,2)), CAST('2024-01-02T10:00:00.002' AS datetime), "
                       "CAST('2024-01-02T10:00:29.999' AS smalldatetime), CAST('ab' AS char(4)), CAST(2 AS bit), "
                       "CAST('AB' AS varbinary(4)), CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier)", r));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(cell(r, 0, 0), "1.01");
  EXPECT_EQ(cell(r, 0, 3), "ab  ");
  EXPECT_EQ(cell(r, 0, 4), "1");
  EXPECT_EQ(cell(r, 0, 6), "6F9619FF-8B86-D011-B42D-00C04FC964FF");
  captured().clear();
  EXPECT_FALSE(query(c, "SELECT CAST('x' AS int)", r));
  EXPECT_TRUE(captured().saw_msg(245)) << "Conversion failed when converting the varchar value 'x' to data type int.";
  captured().clear();
  EXPECT_FALSE(query(c, "SELECT CAST('922337203685477.5808' AS money)", r));
  EXPECT_TRUE(captured().saw_msg(8115));
}

}  // namespace
}  // namespace tds_test::testing

// SQL Server (the TDS 7.4 test server, FreeTDS client) against MySQL (a throwaway MariaDB): the
// same values written each engine's way compare equal, and planted differences are found exactly.
#include <gtest/gtest.h>

#include "mariadb_server.hpp"
#include "tds_fixture.hpp"

namespace e2e {
namespace {

struct Col {
  std::string name, sqlserver, mysql;
};
/// One value: the fixture's (SQL text, or a double bound exactly) and MySQL's literal.
struct Cell {
  FixtureValue ss;
  std::string my;
};
Cell S(const std::string& both) { return {{sql_str(both), {}}, sql_str(both)}; }
Cell P(const std::string& ss, const std::string& my) { return {{sql_str(ss), {}}, sql_str(my)}; }
Cell L(const std::string& ss, const std::string& my) { return {{ss, {}}, my}; }
Cell F(double d, const std::string& my) { return {{"", d}, my}; }
Cell N() { return {{"NULL", {}}, "NULL"}; }

const std::vector<Col> kCols = {
    {"c_int", "int", "int"},
    {"c_big", "bigint", "bigint"},
    {"c_bit", "bit", "tinyint(1)"},
    {"c_dec", "decimal(18,4) text", "decimal(18,4)"},
    {"c_flt", "float", "double"},
    {"c_date", "date text", "date"},
    {"c_dt2", "datetime2(6) text", "datetime(6)"},
    {"c_dto", "datetimeoffset(7) text", "timestamp(6) NULL"},
    {"c_nv", "nvarchar(50)", "varchar(50)"},
    {"c_vb", "varbinary(20)", "varbinary(20)"},
    {"c_guid", "uniqueidentifier text", "char(36)"},
    // A tick's exact value (what datetime -> datetime2 gives) or the millisecond SQL Server shows.
    {"c_dt", "datetime text", "datetime(6)"},
};

std::vector<std::vector<Cell>> rows() {
  return {
      {L("0", "0"), L("0", "0"), L("0", "0"), P("0.0000", "0"), F(0.0, "0"), S("2024-01-15"),
       S("2024-01-15 10:00:00.123456"), P("2024-03-10 12:00:00.0000000 +02:00", "2024-03-10 10:00:00"), S("abc"),
       L("X'00FF'", "X'00FF'"), P("6F9619FF-8B86-D011-B42D-00C04FC964FF", "6f9619ff-8b86-d011-b42d-00c04fc964ff"), P("2024-01-15 10:00:00.003", "2024-01-15 10:00:00.003333")},
      {L("-2147483648", "-2147483648"), L("-9223372036854775808", "-9223372036854775808"), L("1", "1"),
       P("-12.5000", "-12.5"), F(0.1, "0.1"), S("1970-01-01"), S("1969-12-31 23:59:59.999999"),
       P("2024-01-01 00:30:00.0000000 +05:30", "2023-12-31 19:00:00"), S("Ação é útil"), L("X''", "X''"),
       S("ff000000-0000-0000-0000-000000000000"), P("1969-12-31 23:59:59.997", "1969-12-31 23:59:59.996667")},
      {L("2147483647", "2147483647"), L("9223372036854775807", "9223372036854775807"), L("1", "1"),
       S("99999999999999.9999"), F(1.7976931348623157e308, "1.7976931348623157e308"), S("9999-12-31"),
       S("9999-12-31 23:59:59.999999"), P("2038-01-19 03:14:07.9999990 +00:00", "2038-01-19 03:14:07.999999"),
       S("😀 emoji"), L("X'41'", "X'41'"), S("01020304-0506-0708-090a-0b0c0d0e0f10"), S("9999-12-31 23:59:59.997")},
      {L("42", "42"), L("42", "42"), L("0", "0"), S("0.0001"), F(-2.5, "-2.5"), S("2000-02-29"),
       S("2000-02-29 00:00:00"), P("1970-01-01 00:00:01.0000000 +00:00", "1970-01-01 00:00:01"), S(""),
       L("X'00'", "X'00'"), S("00000000-0000-0000-0000-000000000001"), P("2000-02-29 00:00:00.007", "2000-02-29 00:00:00.006667")},
      {N(), N(), N(), N(), N(), N(), N(), N(), N(), N(), N(), N()},
      {L("7", "7"), L("7", "7"), L("1", "1"), P("1.5000", "1.5"), F(1e-300, "1e-300"), S("1000-01-01"),
       S("1000-01-01 00:00:00"), P("2000-01-01 00:00:00.5000000 -03:00", "2000-01-01 03:00:00.5"), S("trailing  "),
       L("X'7F80'", "X'7F80'"), S("00000000-0000-0000-0000-000000000000"), P("1753-01-01 00:00:00.000", "1753-01-01 00:00:00")},
  };
}

TEST(MysqlTds, SqlServerAgainstMysqlMatchesAndFindsPlantsExactly) {
  if (!have_mariadb()) GTEST_SKIP() << "mariadb-server is not installed";
  if (tds_server_binary().empty()) GTEST_SKIP() << "tds_test_server was not built";
  const auto data = rows();
  ASSERT_GE(data.size() * kCols.size(), 60u);
  TempDir dir("my-tds");
  MariaDbServer server;
  MyDb my(server);
  {
    SqliteDb fixture(dir / "fixture.db");
    std::string ddl = "CREATE TABLE \"dbo.t\" (id int PRIMARY KEY";
    std::string my_ddl = "CREATE DATABASE m CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci; CREATE TABLE m.t (id int PRIMARY KEY";
    for (const auto& c : kCols) {
      ddl += ", " + c.name + " \"" + c.sqlserver + "\"";
      my_ddl += ", " + c.name + " " + c.mysql;
    }
    fixture.exec(ddl + ")");
    my.exec(my_ddl + ")");
    for (std::size_t i = 0; i < data.size(); ++i) {
      std::vector<FixtureValue> values{{std::to_string(i + 1), {}}};
      std::string insert = "INSERT INTO m.t VALUES (" + std::to_string(i + 1);
      for (const auto& cell : data[i]) {
        values.push_back(cell.ss);
        insert += ", " + cell.my;
      }
      fixture_insert(fixture, "dbo.t", values);
      my.exec(insert + ")");
    }
  }
  TdsServer tds(dir / "fixture.db");
  std::string target = server.side_toml("target", "m");
  write_file(dir / "job.toml", tds_source_toml(tds.port()) + "\n" + target +
                                   "\n[check]\nthreads = 2\n\n[[tables]]\nname = \"t\"\nsource = \"dbo.t\"\n"
                                   "target = \"m.t\"\nkey = [\"id\"]\nchunk_rows = 2\n");
  EnvEdits env = tds_env();
  for (const auto& [k, v] : my_env()) env[k] = v;
  auto run = [&](const std::string& out) {
    return run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / out).string(), "--audit",
                      (dir / (out + ".db")).string(), "--no-progress"},
                     env, 120);
  };
  const ProcResult equal = run("out1");
  ASSERT_EQ(equal.exit_code, 0) << equal.describe();
  const json summary = read_json(dir / "out1" / "summary.json");
  const json& e = table_entry(summary, "t");
  EXPECT_EQ(e.at("matched").get<std::size_t>(), data.size()) << e.dump();
  EXPECT_EQ(e.at("columns").size(), kCols.size()) << e.dump();  // every column compared

  // One unit off in four families, each in its own row (row 4: tick 3's exact value, .010000,
  // where SQL Server holds tick 2, .007).
  my.exec("UPDATE m.t SET c_dto = c_dto + INTERVAL 1 MICROSECOND WHERE id = 1; "
          "UPDATE m.t SET c_nv = 'Ação e útil' WHERE id = 2; "
          "UPDATE m.t SET c_guid = '01020304-0506-0708-090a-0b0c0d0e0f11' WHERE id = 3; "
          "UPDATE m.t SET c_dt = '2000-02-29 00:00:00.010000' WHERE id = 4");
  const ProcResult planted = run("out2");
  ASSERT_EQ(planted.exit_code, 1) << planted.describe();
  SqliteDb audit(dir / "out2.db");
  const auto got = audit.rows("SELECT key_json, category, columns_json FROM divergences ORDER BY key_json");
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0][0] + got[0][2], "[1][\"c_dto\"]");
  EXPECT_EQ(got[1][0] + got[1][2], "[2][\"c_nv\"]");
  EXPECT_EQ(got[2][0] + got[2][2], "[3][\"c_guid\"]");
  EXPECT_EQ(got[3][0] + got[3][2], "[4][\"c_dt\"]");
}

}  // namespace
}  // namespace e2e

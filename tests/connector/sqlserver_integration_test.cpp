// The SQL Server connector against the TDS 7.4 test server (tests/support), through the real
// FreeTDS client. Skipped until the tds_test_server binary exists.
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
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
using tds_test::endpoint;
using tds_test::Fixture;
using tds_test::int_key;
using tds_test::kPassword;
using tds_test::kUser;
using tds_test::row_text;
using tds_test::select;
using tds_test::server_binary;
using tds_test::TdsServer;
using tds_test::whole;

class SqlServerIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_ = server_binary();
    if (binary_.empty()) GTEST_SKIP() << "tds_test_server is not built yet";
  }
  std::string binary_;
};

void all_types_fixture(Fixture& f) {
  f.exec(R"sql(
    CREATE TABLE "dbo.AllTypes" (
      id int PRIMARY KEY, ti tinyint, si smallint, bi bigint, b bit,
      d "decimal(18,2) text", n "numeric(38,10) text", m "money text", sm "smallmoney text",
      f float, r real, dt "date text", tm "time(7) text", dtm "datetime text", sdt "smalldatetime text",
      dt2 "datetime2(7) text", dto "datetimeoffset(7) text", g "uniqueidentifier text",
      c "char(5)", nc "nchar(4)", vc "varchar(50)", nv "nvarchar(max)", bin "binary(4)", vb "varbinary(max)",
      x "xml");
    INSERT INTO "dbo.AllTypes" VALUES (1, 255, -32768, -9223372036854775808, 1,
      '1234.50', '-12345678901234567890.0123456789', '922337203685477.5807', '-214748.3648',
      0.1, 0.1, '2024-02-29', '23:59:59.9999995', '2023-07-14 01:00:00.007', '2079-06-06 23:59',
      '2024-02-29 23:59:59.9999995', '2024-05-01 10:00:00.1234567 +03:00',
      '6f9619ff-8b86-d011-b42d-00c04fc964ff', 'ab', 'çé', 'Olá', 'emoji 😀 e combinação',
      X'01020304', X'', '<a b="1"/>');
    INSERT INTO "dbo.AllTypes" (id) VALUES (2);
    INSERT INTO "dbo.AllTypes" (id, vc, nv, vb, c) VALUES (3, '', '', X'00', '');
  )sql");
}

TEST_F(SqlServerIntegration, ReadsEveryType) {
  Fixture f("types");
  all_types_fixture(f);
  std::string big(9000, 'x');
  f.exec("INSERT INTO \"dbo.AllTypes\" (id, nv) VALUES (4, '" + big + "é')");
  TdsServer server(binary_, f.path());
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Source);
  const TableInfo info = conn->describe(TableRef{"dbo", "AllTypes"});
  ASSERT_EQ(info.columns.size(), 25u);
  ASSERT_EQ(info.unique_keys.size(), 1u);
  EXPECT_EQ(info.unique_keys[0], std::vector<std::string>{"id"});
  EXPECT_EQ(info.find("d")->type_name, "decimal(18,2)");
  EXPECT_EQ(info.find("dt2")->type_class, TypeClass::Timestamp);
  EXPECT_EQ(info.find("dto")->type_class, TypeClass::TimestampTz);
  EXPECT_TRUE(info.find("nc")->padded_char);
  EXPECT_TRUE(info.find("r")->single_float);

  std::vector<std::string> values;
  for (const auto& c : info.columns)
    if (c.name != "id") values.push_back(c.name);
  RangeQuery q = whole(info, {"id"}, values);
  RowBatch batch;
  conn->read_range(q, batch);
  ASSERT_EQ(batch.size(), 4u);
  EXPECT_EQ(row_text(batch, 0),
            "1 | 255 | -32768 | -9223372036854775808 | true | 1234.5 | -12345678901234567890.0123456789 | "
            "922337203685477.5807 | -214748.3648 | 0.1 | " + canon::format_double(static_cast<double>(0.1f)) +
            " | 2024-02-29 | 24:00:00 | 2023-07-14 01:00:00.007 | 2079-06-06 23:59:00 | 2024-03-01 00:00:00 | "
            "2024-05-01 07:00:00.123457+00 | 6f9619ff-8b86-d011-b42d-00c04fc964ff | \"ab\" | \"çé\" | \"Olá\" | "
            "\"emoji 😀 e combinação\" | \\x01020304 | \\x | \"<a b=\\\"1\\\"/>\"")
      << "every type decodes exactly";
  EXPECT_EQ(row_text(batch, 1), "2 | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | "
                                "NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL");
  const std::string r3 = row_text(batch, 2);
  EXPECT_NE(r3.find("| \"\" | NULL | \"\" | \"\" | NULL | \\x00 | NULL"), std::string::npos)
      << "empty strings are not NULL: " << r3;
  std::size_t pos = 0;
  std::string_view vals = batch.values(3);
  canon::ValueView nv;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto v = canon::read_value(vals, pos);
    if (values[i] == "nv") nv = v;
  }
  EXPECT_EQ(nv.payload, big + "é") << "nvarchar(max) beyond 8000 bytes arrives whole";
}

TEST_F(SqlServerIntegration, RangesSamplesAndLookups) {
  Fixture f("ranges");
  f.exec("CREATE TABLE \"dbo.Nums\" (id bigint PRIMARY KEY, v \"nvarchar(20)\")");
  std::string ins = "INSERT INTO \"dbo.Nums\" VALUES ";
  for (int i = 1; i <= 300; ++i) ins += (i > 1 ? "," : "") + std::string("(") + std::to_string(i) + ", 'v" + std::to_string(i) + "')";
  f.exec(ins);
  TdsServer server(binary_, f.path());
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Source);
  const TableInfo info = conn->describe(TableRef{"", "Nums"});
  EXPECT_EQ(info.ref.schema, "dbo");
  RangeQuery q = whole(info, {"id"}, {"v"});
  q.lower = int_key(10);
  q.upper = int_key(20);
  RowBatch batch;
  conn->read_range(q, batch);
  ASSERT_EQ(batch.size(), 10u);
  EXPECT_EQ(row_text(batch, 0), "10 | \"v10\"");
  EXPECT_EQ(row_text(batch, 9), "19 | \"v19\"");

  q.spans = {KeySpan{std::nullopt, int_key(3)}, KeySpan{int_key(150), int_key(152)},
             KeySpan{int_key(299), std::nullopt}};  // several ranges, one statement
  batch.clear();
  conn->read_range(q, batch);
  ASSERT_EQ(batch.size(), 6u);
  EXPECT_EQ(row_text(batch, 1), "2 | \"v2\"");
  EXPECT_EQ(row_text(batch, 2), "150 | \"v150\"");
  EXPECT_EQ(row_text(batch, 3), "151 | \"v151\"");
  EXPECT_EQ(row_text(batch, 4), "299 | \"v299\"");

  RangeQuery all = whole(info, {"id"}, {"v"});
  const KeySample sample = conn->sample_keys(all, 30);
  EXPECT_EQ(sample.estimated_rows, 300);
  EXPECT_GE(sample.keys.size(), 30u) << "about 30: every 6th of the histogram's 200 steps";
  EXPECT_LE(sample.keys.size(), 40u);
  EXPECT_EQ(sample.keys.front(), int_key(1)) << "the histogram's first step is the lowest key";

  batch.clear();
  conn->fetch_keys(all, {int_key(5), int_key(250), int_key(999)}, batch);
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(row_text(batch, 1), "250 | \"v250\"");

  all.where = "v = N'v7' OR v = N'v8'";  // the job's own T-SQL filter, pasted as written
  batch.clear();
  conn->read_range(all, batch);
  EXPECT_EQ(batch.size(), 2u);
}

TEST_F(SqlServerIntegration, TextAndUuidKeysFollowCanonicalOrder) {
  Fixture f("order");
  f.exec(R"sql(
    CREATE TABLE "dbo.Codes" (code "varchar(10)", n int);
    INSERT INTO "dbo.Codes" VALUES ('b', 1), ('B', 2), ('a', 3), ('Z', 4), ('abc', 5), ('ABC', 6);
    CREATE TABLE "dbo.Guids" (g "uniqueidentifier text" PRIMARY KEY, n int);
    INSERT INTO "dbo.Guids" VALUES ('00000000-0000-0000-0000-000000000002', 1),
      ('ffffffff-0000-0000-0000-000000000001', 2), ('10000000-0000-0000-0000-0000000000ff', 3),
      ('0000000A-0000-0000-0000-000000000000', 4);
    CREATE TABLE "dbo.Pairs" (a int, b "nvarchar(5)", v int, PRIMARY KEY (a, b));
    INSERT INTO "dbo.Pairs" VALUES (1, 'x', 1), (1, 'y', 2), (2, 'a', 3), (2, 'b', 4), (3, 'a', 5);
  )sql");
  TdsServer server(binary_, f.path());
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Source);

  const TableInfo codes = conn->describe(TableRef{"dbo", "Codes"});
  EXPECT_TRUE(codes.unique_keys.empty());
  RowBatch batch;
  RangeQuery q = whole(codes, {"code"}, {"n"});
  conn->read_range(q, batch);
  ASSERT_EQ(batch.size(), 6u);
  std::vector<std::string> order;
  for (std::size_t i = 0; i < batch.size(); ++i) order.push_back(row_text(batch, i));
  EXPECT_EQ(order, (std::vector<std::string>{"\"ABC\" | 6", "\"B\" | 2", "\"Z\" | 4", "\"a\" | 3", "\"abc\" | 5", "\"b\" | 1"}));
  const std::vector<std::string> notes = conn->take_notes();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0], HasSubstr("2 keys of the source table differ from another key only in letter case"))
      << "b/B and abc/ABC collide under SQL_Latin1_General_CP1_CI_AS";
  EXPECT_THAT(notes[0], HasSubstr("(e.g. "));
  EXPECT_TRUE(conn->take_notes().empty()) << "each note is handed out once";
  batch.clear();
  conn->read_range(q, batch);
  EXPECT_TRUE(conn->take_notes().empty()) << "the same keys read again are not counted again";

  const TableInfo guids = conn->describe(TableRef{"dbo", "Guids"});
  RangeQuery g = whole(guids, {"g"}, {"n"});
  batch.clear();
  conn->read_range(g, batch);
  ASSERT_EQ(batch.size(), 4u);
  EXPECT_EQ(row_text(batch, 0), "00000000-0000-0000-0000-000000000002 | 1");
  EXPECT_EQ(row_text(batch, 1), "0000000a-0000-0000-0000-000000000000 | 4");
  EXPECT_EQ(row_text(batch, 3), "ffffffff-0000-0000-0000-000000000001 | 2");
  std::string lower;
  const unsigned char b[16] = {0x00, 0x00, 0x00, 0x0a};
  canon::put_uuid(lower, b);
  g.lower = lower;
  batch.clear();
  conn->read_range(g, batch);
  EXPECT_EQ(batch.size(), 3u) << "ranges follow RFC byte order, not SQL Server's GUID order";

  const TableInfo pairs = conn->describe(TableRef{"dbo", "Pairs"});
  ASSERT_EQ(pairs.unique_keys.size(), 1u);
  EXPECT_EQ(pairs.unique_keys[0], (std::vector<std::string>{"a", "b"}));
  RangeQuery p = whole(pairs, {"a", "b"}, {"v"});
  std::string lo, hi;
  canon::put_integer(lo, 1);
  canon::put_text(lo, "y");
  canon::put_integer(hi, 2);
  canon::put_text(hi, "b");
  p.lower = lo;
  p.upper = hi;
  batch.clear();
  conn->read_range(p, batch);
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(row_text(batch, 0), "1 | \"y\" | 2");
  EXPECT_EQ(row_text(batch, 1), "2 | \"a\" | 3");
}

TEST_F(SqlServerIntegration, NullKeyIsBadInput) {
  Fixture f("nullkey");
  f.exec("CREATE TABLE \"dbo.T\" (k int, v int); INSERT INTO \"dbo.T\" VALUES (1, 1), (NULL, 2);");
  TdsServer server(binary_, f.path());
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Source);
  const TableInfo info = conn->describe(TableRef{"dbo", "T"});
  try {
    conn->sample_keys(whole(info, {"k"}, {}), 10);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("NULL in key column k"), std::string::npos) << e.what();
  }
  RowBatch batch;  // the connection is still usable afterwards
  RangeQuery q = whole(info, {"v"}, {});
  conn->read_range(q, batch);
  EXPECT_EQ(batch.size(), 2u);
}

TEST_F(SqlServerIntegration, WrongPasswordIsALoginError) {
  Fixture f("login");
  f.exec("CREATE TABLE \"dbo.T\" (k int PRIMARY KEY)");
  TdsServer server(binary_, f.path());
  try {
    make_sqlserver_connector(endpoint(server.port(), "not-the-password"), Side::Source);
    FAIL() << "expected ConnectorError";
  } catch (const ConnectorError& e) {
    const std::string msg = e.what();
    EXPECT_TRUE(e.login()) << msg;
    EXPECT_NE(msg.find("Login failed for user 'recon'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("18456"), std::string::npos) << msg;
    EXPECT_NE(msg.find("$RECON_TEST_MSSQL_PASSWORD"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("not-the-password"), std::string::npos) << msg;
  }
}

TEST_F(SqlServerIntegration, UnknownTableAndColumn) {
  Fixture f("unknown");
  f.exec("CREATE TABLE \"dbo.T\" (k int PRIMARY KEY, v int); INSERT INTO \"dbo.T\" VALUES (1, 2);");
  TdsServer server(binary_, f.path());
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Source);
  try {
    conn->describe(TableRef{"dbo", "Missing"});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("dbo.Missing does not exist"), std::string::npos) << e.what();
  }
  const TableInfo info = conn->describe(TableRef{"dbo", "T"});
  RangeQuery q = whole(info, {"k"}, {"v"});
  q.where = "nope = 1";
  RowBatch batch;
  try {
    conn->read_range(q, batch);
    FAIL() << "expected ConnectorError";
  } catch (const ConnectorError& e) {
    EXPECT_FALSE(e.poisoned()) << e.what();
    EXPECT_NE(std::string(e.what()).find("Invalid column name 'nope'"), std::string::npos) << e.what();
  }
  q.where.clear();
  batch.clear();
  conn->read_range(q, batch);  // the same connection still works
  EXPECT_EQ(batch.size(), 1u);
}

TEST_F(SqlServerIntegration, UnreachableServerIsARuntimeFailure) {
  int free_port = 0;
  {
    Fixture f("probe");
    f.exec("CREATE TABLE \"dbo.T\" (k int PRIMARY KEY)");
    TdsServer server(binary_, f.path());
    free_port = server.port();
  }  // the server is gone: nothing listens there any more
  try {
    make_sqlserver_connector(endpoint(free_port), Side::Source);
    FAIL() << "expected ConnectorError";
  } catch (const ConnectorError& e) {
    EXPECT_FALSE(e.login()) << e.what();
    EXPECT_TRUE(e.poisoned()) << e.what();
    EXPECT_NE(std::string(e.what()).find("check the host and port"), std::string::npos) << e.what();
  }
}

TEST_F(SqlServerIntegration, ServerGoneMidStreamPoisonsTheConnection) {
  Fixture f("gone");
  f.exec("CREATE TABLE \"dbo.T\" (k int PRIMARY KEY, v \"nvarchar(20)\")");
  std::string ins = "INSERT INTO \"dbo.T\" VALUES ";
  for (int i = 1; i <= 50; ++i) ins += (i > 1 ? "," : "") + std::string("(") + std::to_string(i) + ", 'x')";
  f.exec(ins);
  TdsServer server(binary_, f.path(), {"--fail-after-rows", "20"});
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Source);
  const TableInfo info = conn->describe(TableRef{"dbo", "T"});
  RowBatch batch;
  try {
    conn->read_range(whole(info, {"k"}, {"v"}), batch);
    FAIL() << "expected ConnectorError";
  } catch (const ConnectorError& e) {
    EXPECT_TRUE(e.poisoned()) << e.what();
    EXPECT_FALSE(e.login()) << e.what();
    EXPECT_NE(std::string(e.what()).find("connection lost"), std::string::npos) << e.what();
  }
}

TEST_F(SqlServerIntegration, EncryptionLevels) {
  Fixture f("encrypt");
  f.exec("CREATE TABLE \"dbo.T\" (k int PRIMARY KEY); INSERT INTO \"dbo.T\" VALUES (1);");
  TdsServer server(binary_, f.path());
  Endpoint off = endpoint(server.port());
  off.encrypt = "off";
  auto conn = make_sqlserver_connector(off, Side::Source);
  EXPECT_EQ(conn->describe(TableRef{"dbo", "T"}).columns.size(), 1u);
  Endpoint require = endpoint(server.port());
  require.encrypt = "require";  // the test server does not encrypt: the login must not go ahead in clear
  try {
    make_sqlserver_connector(require, Side::Source);
    FAIL() << "expected ConnectorError";
  } catch (const ConnectorError& e) {
    EXPECT_NE(std::string(e.what()).find("supports encryption"), std::string::npos) << e.what();
  }
  Endpoint bad = endpoint(server.port());
  bad.encrypt = "maybe";
  EXPECT_THROW(make_sqlserver_connector(bad, Side::Source), InputError);
}

}  // namespace
}  // namespace recon

// recon doctor's SQL Server facts against the TDS 7.4 test server (tests/support/tds), through
// the real FreeTDS client: the server and login facts, a table's rights, statistics, collations,
// case-colliding keys and the index a range read uses, and the type self-test compared with the
// table in docs/canonical-values.md ("Self-test: sqlserver"), read from the file itself.
#include <chrono>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../../src/connector/sqlserver/tds_doctor.hpp"
#include "../../src/connector/sqlserver/tds_range_index.hpp"
#include "../../src/connector/sqlserver/tds_selftest.hpp"
#include "recon/connector/sqlserver.hpp"
#include "recon/core/canonical.hpp"
#include "tds_server_support.hpp"
#include "../support/selftest_doc.hpp"

namespace recon {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using tds_test::endpoint;
using tds_test::Fixture;
using tds_test::server_binary;
using tds_test::TdsServer;

using Row = selftest_doc::Row;

std::vector<Row> self_test_rows(const std::string& name) {
  return selftest_doc::read(std::string(RECON_SOURCE_DIR) + "/docs/canonical-values.md", name);
}

std::string rendered(const std::string& encoding) {
  std::size_t pos = 0;
  const canon::ValueView v = canon::read_value(encoding, pos);
  if (v.is_null()) return "null";
  return std::string(type_class_name(v.tag)) + " " + canon::to_display(v);
}

class SqlServerDoctor : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_ = server_binary();
    if (binary_.empty()) GTEST_SKIP() << "tds_test_server is not built yet";
  }
  std::string binary_;
};

TEST_F(SqlServerDoctor, SelfTestReadsEveryLiteralAsTheDocSays) {
  const std::vector<Row> rows = self_test_rows("sqlserver");
  ASSERT_GE(rows.size(), 80u);
  Fixture f("doctor_selftest");
  f.exec("CREATE TABLE \"dbo.t\" (id int PRIMARY KEY)");
  TdsServer server(binary_, f.path());
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Source);
  EXPECT_EQ(conn->self_test_name(), "sqlserver");
  std::vector<LiteralProbe> probes;
  for (const Row& r : rows) probes.push_back({r.type, r.literal});
  const std::vector<std::string> got = conn->read_literals(probes);
  ASSERT_EQ(got.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    EXPECT_EQ(rendered(got[i]), rows[i].canonical) << rows[i].type << " " << rows[i].literal;
}

TEST_F(SqlServerDoctor, ServerFactsNameTheServerTheSessionAndItsClock) {
  Fixture f("doctor_server");
  f.exec("CREATE TABLE \"dbo.t\" (id int PRIMARY KEY)");
  TdsServer server(binary_, f.path());
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Source);
  const auto before = std::chrono::system_clock::now();
  const ServerFacts s = conn->server_facts();
  const auto after = std::chrono::system_clock::now();
  EXPECT_EQ(s.product, "Microsoft SQL Server");
  EXPECT_THAT(s.version, HasSubstr("Microsoft SQL Server 2017"));
  EXPECT_THAT(s.version, HasSubstr("14.0.3456.2"));
  EXPECT_EQ(s.edition, "Developer Edition (64-bit)");
  EXPECT_EQ(s.protocol, "TDS 7.4");
  EXPECT_EQ(s.tls, std::optional<bool>(false));
  EXPECT_EQ(s.login, tds_test::kUser);
  EXPECT_EQ(s.database, "recon_test");
  ASSERT_TRUE(s.utc_now_micros.has_value());
  const auto micros = [](auto t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  };
  EXPECT_GE(*s.utc_now_micros, micros(before) - 1000);  // the server's clock is this host's
  EXPECT_LE(*s.utc_now_micros, micros(after) + 1000);
  EXPECT_GT(s.clock_round_trip_micros, 0);
  EXPECT_LT(s.clock_round_trip_micros, micros(after) - micros(before) + 1);
}

TEST_F(SqlServerDoctor, LoginFactsFollowTheFixturesRolesAndPermissions) {
  {
    Fixture f("doctor_reader");
    f.exec("CREATE TABLE \"dbo.t\" (id int PRIMARY KEY)");
    TdsServer server(binary_, f.path());
    const LoginFacts l = make_sqlserver_connector(endpoint(server.port()), Side::Source)->login_facts();
    EXPECT_EQ(l.all_powerful_role, "");
    EXPECT_TRUE(l.catalog_missing.empty());
  }
  {
    Fixture f("doctor_sysadmin");
    f.exec("CREATE TABLE \"dbo.t\" (id int PRIMARY KEY); CREATE TABLE _tds_login (role TEXT);"
           "INSERT INTO _tds_login VALUES ('sysadmin')");
    TdsServer server(binary_, f.path());
    const LoginFacts l = make_sqlserver_connector(endpoint(server.port()), Side::Source)->login_facts();
    EXPECT_EQ(l.all_powerful_role, "sysadmin");
    EXPECT_TRUE(l.catalog_missing.empty());
  }
  {
    Fixture f("doctor_no_state");
    f.exec("CREATE TABLE \"dbo.t\" (id int PRIMARY KEY); CREATE TABLE _tds_permissions (securable TEXT, permission TEXT);"
           "INSERT INTO _tds_permissions VALUES ('dbo.t', 'SELECT')");
    TdsServer server(binary_, f.path());
    auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Source);
    const LoginFacts l = conn->login_facts();
    EXPECT_EQ(l.all_powerful_role, "");
    ASSERT_EQ(l.catalog_missing.size(), 1u);
    EXPECT_THAT(l.catalog_missing[0], HasSubstr("VIEW DATABASE STATE"));
    EXPECT_THAT(l.catalog_missing[0], HasSubstr("COUNT_BIG(*)"));
    // And the estimate it costs: sys.dm_db_partition_stats is refused (error 297), not a failure.
    const TableInfo info = conn->describe(TableRef{"dbo", "t"});
    const TableFacts t = conn->table_facts(tds_test::whole(info, {"id"}, {}), info);
    EXPECT_TRUE(t.can_select);
    EXPECT_FALSE(t.estimated_rows.has_value());
  }
}

TEST_F(SqlServerDoctor, TableFactsOfACleanTableWithAPrimaryKey) {
  Fixture f("doctor_clean");
  f.exec("CREATE TABLE \"dbo.orders\" (id int PRIMARY KEY, note \"nvarchar(20)\");"
         "INSERT INTO \"dbo.orders\" VALUES (1, 'a'), (2, 'b'), (3, 'c');");
  TdsServer server(binary_, f.path());
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Source);
  const TableInfo info = conn->describe(TableRef{"dbo", "orders"});
  const TableFacts t = conn->table_facts(tds_test::whole(info, {"id"}, {"note"}), info);
  EXPECT_TRUE(t.can_select);
  EXPECT_TRUE(t.write_rights.empty());
  EXPECT_EQ(t.statistics_present, std::optional<bool>(true));
  ASSERT_TRUE(t.statistics_age_seconds.has_value());
  EXPECT_LT(*t.statistics_age_seconds, 600);  // built when the server loaded the fixture
  EXPECT_EQ(t.estimated_rows, std::optional<std::int64_t>(3));
  ASSERT_EQ(t.key_columns.size(), 1u);
  EXPECT_EQ(t.key_columns[0].range_bound, "native order");
  EXPECT_FALSE(t.key_columns[0].case_insensitive);
  EXPECT_FALSE(t.case_colliding_keys.has_value());
  EXPECT_EQ(t.range_read.uses_key_index, std::optional<bool>(true));
  EXPECT_EQ(t.range_read.index, "PK_orders");
  EXPECT_THAT(t.range_read.plan, HasSubstr("CLUSTERED index PK_orders"));
}

TEST_F(SqlServerDoctor, CaseInsensitiveKeyWithCollisionsWriteRightsAndOldStatistics) {
  Fixture f("doctor_ci");
  f.exec("CREATE TABLE \"dbo.people\" (code \"nvarchar(20)\", v int);"
         "CREATE INDEX ix_people_code ON \"dbo.people\" (code);"
         "INSERT INTO \"dbo.people\" VALUES ('abc', 1), ('ABC', 2), ('Abc', 3), ('x', 4), ('y', 5), ('Y', 6);"
         "CREATE TABLE _tds_permissions (securable TEXT, permission TEXT);"
         "INSERT INTO _tds_permissions VALUES ('*', 'SELECT'), ('dbo.people', 'UPDATE'), ('dbo.people', 'DELETE'),"
         " ('DATABASE', 'VIEW DATABASE STATE');"
         "CREATE TABLE _tds_statistics (table_name TEXT, updated TEXT);"
         "INSERT INTO _tds_statistics VALUES ('dbo.people', '2020-01-01T00:00:00.000');");
  TdsServer server(binary_, f.path());
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Source);
  const TableInfo info = conn->describe(TableRef{"dbo", "people"});
  const TableFacts t = conn->table_facts(tds_test::whole(info, {"code"}, {"v"}), info);
  EXPECT_TRUE(t.can_select);
  EXPECT_THAT(t.write_rights, ElementsAre("UPDATE", "DELETE"));
  EXPECT_EQ(t.statistics_present, std::optional<bool>(true));
  ASSERT_TRUE(t.statistics_age_seconds.has_value());
  EXPECT_GT(*t.statistics_age_seconds, 365LL * 86400);
  ASSERT_EQ(t.key_columns.size(), 1u);
  EXPECT_EQ(t.key_columns[0].collation, "SQL_Latin1_General_CP1_CI_AS");
  EXPECT_TRUE(t.key_columns[0].case_insensitive);
  EXPECT_EQ(t.key_columns[0].range_bound, "COLLATE Latin1_General_BIN2");
  // Two keys under the collation that recon reads as several: abc (ABC, Abc) and y (Y).
  EXPECT_EQ(t.case_colliding_keys, std::optional<std::int64_t>(2));
  EXPECT_EQ(t.collisions_scanned, 6);
  ASSERT_EQ(t.colliding_examples.size(), 2u);
  std::vector<std::string> examples;
  for (const std::string& k : t.colliding_examples) {
    std::size_t pos = 0;
    examples.push_back(canon::to_display(canon::read_value(k, pos)));
  }
  // The scan has no order: which of a group's keys comes second is the server's choice.
  EXPECT_THAT(examples, ::testing::UnorderedElementsAre(::testing::AnyOf("\"abc\"", "\"ABC\"", "\"Abc\""),
                                                       ::testing::AnyOf("\"y\"", "\"Y\"")));
  EXPECT_EQ(t.range_read.uses_key_index, std::optional<bool>(false));
  EXPECT_EQ(t.range_read.index, "ix_people_code");
  EXPECT_THAT(t.range_read.plan, HasSubstr("cannot seek"));
}

TEST_F(SqlServerDoctor, ConstrainedCaseInsensitiveKeyHasNoCollisionsAndIsNotRead) {
  Fixture f("doctor_ci_pk");
  f.exec("CREATE TABLE \"dbo.people\" (code \"nvarchar(20)\" PRIMARY KEY, v int);"
         "INSERT INTO \"dbo.people\" VALUES ('abc', 1), ('x', 2);");
  const std::string log = f.path() + ".reads";
  TdsServer server(binary_, f.path(), {"--read-log", log});
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Source);
  const TableInfo info = conn->describe(TableRef{"dbo", "people"});
  const TableFacts t = conn->table_facts(tds_test::whole(info, {"code"}, {"v"}), info);
  EXPECT_TRUE(t.key_columns.at(0).case_insensitive);
  EXPECT_EQ(t.case_colliding_keys, std::optional<std::int64_t>(0));
  EXPECT_EQ(t.collisions_scanned, 0);
  const auto lines = tds_test::read_log(log);
  EXPECT_GT(lines.size(), 3u) << "every doctor statement is logged";
  for (const auto& line : lines) EXPECT_NE(line.reads, "table") << line.statement;
  std::filesystem::remove(log);
}

TEST_F(SqlServerDoctor, NullInATrustedCaseInsensitiveKeyIsAConnectorErrorNamingIt) {
  Fixture f("doctor_ci_null");
  f.exec("CREATE TABLE \"dbo.people\" (code \"nvarchar(20)\", v int);"
         "INSERT INTO \"dbo.people\" VALUES ('abc', 1), (NULL, 2);");
  TdsServer server(binary_, f.path());
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Source);
  const TableInfo info = conn->describe(TableRef{"dbo", "people"});
  try {
    conn->table_facts(tds_test::whole(info, {"code"}, {"v"}), info);
    ADD_FAILURE() << "a NULL key was not reported";
  } catch (const ConnectorError& e) {
    EXPECT_THAT(e.what(), HasSubstr("NULL in key column code"));
    EXPECT_FALSE(e.poisoned());
  }
  EXPECT_EQ(conn->login_facts().all_powerful_role, "") << "the connection serves the next statement";
}

TEST_F(SqlServerDoctor, KeyWithoutIndexIsAScanNamingTheIndexToCreate) {
  Fixture f("doctor_heap");
  f.exec("CREATE TABLE \"dbo.events\" (id bigint, at \"datetime2(7) text\");"
         "CREATE INDEX ix_events_at ON \"dbo.events\" (at);"
         "INSERT INTO \"dbo.events\" VALUES (1, '2024-01-01 00:00:00');"
         "CREATE TABLE _tds_no_statistics (table_name TEXT); INSERT INTO _tds_no_statistics VALUES ('dbo.events');");
  TdsServer server(binary_, f.path());
  auto conn = make_sqlserver_connector(endpoint(server.port()), Side::Source);
  const TableInfo info = conn->describe(TableRef{"dbo", "events"});
  const TableFacts t = conn->table_facts(tds_test::whole(info, {"id"}, {"at"}), info);
  EXPECT_EQ(t.statistics_present, std::optional<bool>(false));
  EXPECT_FALSE(t.statistics_age_seconds.has_value());
  EXPECT_EQ(t.range_read.uses_key_index, std::optional<bool>(false));
  EXPECT_EQ(t.range_read.index, "");
  EXPECT_THAT(t.range_read.plan, HasSubstr("no index of [dbo].[events] leads with ([id])"));
}

TEST(SqlServerRangeIndex, LeadingColumnsInOrderAndOneDirection) {
  SelectColumn a, b;
  a.native.name = "a";
  a.native.type_class = TypeClass::Integer;
  b.native.name = "b";
  b.native.type_class = TypeClass::Date;
  tds::IndexInfo wrong{2, "ix_ba", "NONCLUSTERED", false, false, {2, 1}, {false, false}};
  tds::IndexInfo mixed{3, "ix_ab_mixed", "NONCLUSTERED", false, false, {1, 2}, {false, true}};
  tds::IndexInfo right{4, "ix_abc", "NONCLUSTERED", false, false, {1, 2, 3}, {true, true, false}};
  const RangeReadFacts f = tds::range_read_facts({a, b}, {1, 2}, {wrong, mixed, right}, "[dbo].[t]");
  EXPECT_EQ(f.uses_key_index, std::optional<bool>(true));
  EXPECT_EQ(f.index, "ix_abc");
  EXPECT_THAT(f.plan, HasSubstr("backward"));
  tds::IndexInfo disabled = right;
  disabled.disabled = true;
  EXPECT_EQ(tds::range_read_facts({a, b}, {1, 2}, {disabled}, "[dbo].[t]").uses_key_index, std::optional<bool>(false));
  SelectColumn g;
  g.native.name = "g";
  g.native.type_class = TypeClass::Uuid;
  tds::IndexInfo pk{1, "PK_t", "CLUSTERED", false, false, {1}, {false}};
  const RangeReadFacts gf = tds::range_read_facts({g}, {1}, {pk}, "[dbo].[t]");
  EXPECT_EQ(gf.uses_key_index, std::optional<bool>(false));
  EXPECT_THAT(gf.plan, HasSubstr("uniqueidentifier"));
  SelectColumn s;
  s.native.name = "s";
  s.native.type_class = TypeClass::Text;
  s.native.type_name = "varchar(10) COLLATE Latin1_General_BIN2";
  EXPECT_EQ(tds::range_read_facts({s}, {1}, {pk}, "[dbo].[t]").uses_key_index, std::optional<bool>(true));
}

TEST(SqlServerSelfTest, ProbeTypesAreTheColumnsARangeReadWouldDecode) {
  const SelectColumn d = tds::probe_column("decimal(38,10)");
  EXPECT_EQ(d.compare_as, TypeClass::Decimal);
  EXPECT_EQ(d.native.precision, 38);
  EXPECT_EQ(d.native.scale, 10);
  EXPECT_EQ(tds::probe_column("datetime2(3)").native.precision, 3);
  EXPECT_TRUE(tds::probe_column("datetime").native.datetime_ticks);
  EXPECT_TRUE(tds::probe_column("real").single_float);
  EXPECT_TRUE(tds::probe_column("nchar(4)").trim_padding);
  EXPECT_FALSE(tds::probe_column("nvarchar(max)").trim_padding);
  EXPECT_EQ(tds::probe_column("varbinary(max)").compare_as, TypeClass::Bytes);
  EXPECT_EQ(tds::probe_column("uniqueidentifier").compare_as, TypeClass::Uuid);
  EXPECT_EQ(tds::probe_column("datetimeoffset(7)").compare_as, TypeClass::TimestampTz);
  EXPECT_EQ(tds::probe_column("money").compare_as, TypeClass::Decimal);
  EXPECT_EQ(tds::probe_column("xml").compare_as, TypeClass::Text);
  EXPECT_THROW(tds::probe_column("geography"), InputError);
}

TEST(SqlServerLeastPrivilege, ReaderGrantsAndASeparateApplyUser) {
  const std::vector<std::string> reader = tds::least_privilege_sql({TableRef{"", "orders"}, TableRef{"sales", "lines"}}, "recon_reader", false);
  EXPECT_THAT(reader, ::testing::Contains("GRANT SELECT ON OBJECT::[dbo].[orders] TO [recon_reader];"));
  EXPECT_THAT(reader, ::testing::Contains("GRANT SELECT ON OBJECT::[sales].[lines] TO [recon_reader];"));
  EXPECT_THAT(reader, ::testing::Contains("GRANT VIEW DATABASE STATE TO [recon_reader];"));
  for (const std::string& s : reader) {
    EXPECT_THAT(s, ::testing::Not(HasSubstr("INSERT"))) << s;
    if (s.find("CREATE") != std::string::npos) {
      EXPECT_EQ(s.rfind("--", 0), 0u) << s;  // placeholders stay comments
    }
  }
  const std::vector<std::string> both = tds::least_privilege_sql({TableRef{"dbo", "orders"}}, "recon_reader", true);
  EXPECT_THAT(both, ::testing::Contains("GRANT SELECT, INSERT, UPDATE, DELETE ON OBJECT::[dbo].[orders] TO [recon_reader_apply];"));
  for (const std::string& s : both) EXPECT_THAT(s, ::testing::Not(HasSubstr("ALTER"))) << s;
}

}  // namespace
}  // namespace recon

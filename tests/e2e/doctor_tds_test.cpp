// `recon doctor` against SQL Server — the project's TDS 7.4 test server (tests/support/tds)
// through the real FreeTDS client in the real `recon` binary — with a PostgreSQL target under
// pg_virtualenv. The self-test's cases are compared with the rows of docs/canonical-values.md
// ("Self-test: sqlserver"), read from the file here; the fixtures' roles, rights, collations,
// indexes and statistics come from the test server's fixture tables (docs/tds-test-server.md).
#include <gtest/gtest.h>

#include <fstream>

#include "tds_fixture.hpp"
#include "../support/selftest_doc.hpp"

namespace e2e {
namespace {

/// The rows under "### Self-test: sqlserver", read from the doc itself.
using DocRow = selftest_doc::Row;

std::vector<DocRow> doc_rows() {
  return selftest_doc::read(std::string(RECON_SOURCE_DIR) + "/docs/canonical-values.md", "sqlserver");
}

/// doctor()'s expected exit when the test does not depend on the PostgreSQL side's checks.
constexpr int report_exit_any = -1;

class DoctorTds : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
    if (tds_server_binary().empty()) GTEST_SKIP() << "tds_test_server was not built";
  }

  /// `recon doctor --json` on dir_/job.toml (source: the test server on `port`, target: `db`).
  json doctor(int port, PgDatabase& db, const std::string& tables, int expected_exit) {
    write_file(dir_ / "job.toml", tds_job(port, db, tables));
    const ProcResult r = run_recon(
        {"doctor", "--config", (dir_ / "job.toml").string(), "--json", "--audit", (dir_ / "audit.db").string()}, tds_env());
    if (expected_exit >= 0) {
      EXPECT_EQ(r.exit_code, expected_exit) << r.describe();
    }
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.describe();
    try {
      return json::parse(r.out);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "doctor --json printed no JSON: " << e.what() << "\n" << r.describe();
      return json::object();
    }
  }

  /// The check `id` of the source side (and `table`, when given).
  static json source_check(const json& report, const std::string& id, const std::string& table = "") {
    for (const json& c : report.value("checks", json::array()))
      if (c.at("check") == id && c.at("side") == "source" && (table.empty() || c.at("table") == table)) return c;
    ADD_FAILURE() << "no source check " << id << " in " << report.dump(2);
    return json::object();
  }

  static std::string orders_table() {
    return "[[tables]]\nsource = \"dbo.orders\"\ntarget = \"public.orders\"\nkey = [\"id\"]\n\n";
  }

  /// dbo.orders(id int PRIMARY KEY, note nvarchar(20)) on both sides, 3 rows; `extra` more fixture SQL.
  void clean_fixture(PgDatabase& db, const std::string& extra = "") {
    SqliteDb f(dir_ / "fixture.db");
    f.exec("CREATE TABLE \"dbo.orders\" (id int PRIMARY KEY, note \"nvarchar(20)\");"
           "INSERT INTO \"dbo.orders\" VALUES (1, 'a'), (2, 'b'), (3, 'c');" + extra);
    db.exec("CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders VALUES (1, 'a'), (2, 'b'), (3, 'c');"
            "ANALYZE orders;");
  }

  TempDir dir_{"doctor-tds"};
};

TEST_F(DoctorTds, SelfTestPassesAndItsCasesAreTheDocsRows) {
  PgDatabase db("recon_e2e_doctor_tds_self");
  clean_fixture(db);
  TdsServer server(dir_ / "fixture.db");
  const json report = doctor(server.port(), db, orders_table(), report_exit_any);
  const std::vector<DocRow> rows = doc_rows();
  ASSERT_GE(rows.size(), 80u);
  const json& st = report.at("self_test").at("source");
  EXPECT_EQ(st.at("name"), "sqlserver");
  EXPECT_EQ(st.at("failed"), 0) << st.dump(2);
  EXPECT_EQ(st.at("passed").get<std::size_t>(), rows.size());
  const json& cases = st.at("cases");
  ASSERT_EQ(cases.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(cases[i].at("type"), rows[i].type);
    EXPECT_EQ(cases[i].at("literal"), rows[i].literal);
    EXPECT_EQ(cases[i].at("expected"), rows[i].canonical);
    EXPECT_EQ(cases[i].at("got"), rows[i].canonical) << rows[i].literal;
    EXPECT_TRUE(cases[i].at("ok").get<bool>());
  }
  EXPECT_EQ(source_check(report, "self_test").at("status"), "OK");
}

TEST_F(DoctorTds, CleanReaderIsOkOnTheSqlServerSide) {
  PgDatabase db("recon_e2e_doctor_tds_clean");
  clean_fixture(db);
  TdsServer server(dir_ / "fixture.db");
  const json report = doctor(server.port(), db, orders_table(), report_exit_any);
  const json& side = report.at("sides").at("source");
  EXPECT_EQ(side.at("product"), "Microsoft SQL Server");
  EXPECT_EQ(side.at("protocol"), "TDS 7.4");
  EXPECT_EQ(side.at("tls"), false);
  EXPECT_EQ(side.at("login"), kTdsUser);
  EXPECT_EQ(side.at("database"), kTdsDatabase);
  int source_checks = 0;
  for (const json& c : report.at("checks")) {
    if (c.at("side") != "source") continue;
    ++source_checks;
    EXPECT_EQ(c.at("status"), "OK") << c.dump(2);
  }
  EXPECT_GE(source_checks, 10) << report.dump(2);
  const json range = source_check(report, "table.range_read", "orders");
  EXPECT_NE(range.at("summary").get<std::string>().find("PK_orders"), std::string::npos) << range.dump(2);
  // The least-privilege statements for SQL Server are its own dialect.
  const std::string lp = report.at("least_privilege").at("source").dump();
  EXPECT_NE(lp.find("GRANT SELECT ON OBJECT::[dbo].[orders] TO [recon_reader];"), std::string::npos) << lp;
  EXPECT_NE(lp.find("GRANT VIEW DATABASE STATE TO [recon_reader];"), std::string::npos) << lp;
}

TEST_F(DoctorTds, CaseInsensitiveKeyWithCollidingKeysWarnsOnCollationAndCollisions) {
  PgDatabase db("recon_e2e_doctor_tds_ci");
  {
    SqliteDb f(dir_ / "fixture.db");
    // No constraint on the SQL Server side (the job trusts the key): a unique index under the CI
    // collation would refuse 'abc' beside 'ABC'.
    f.exec("CREATE TABLE \"dbo.codes\" (code \"nvarchar(20)\", v int);"
           "CREATE INDEX ix_codes_code ON \"dbo.codes\" (code);"
           "INSERT INTO \"dbo.codes\" VALUES ('abc', 1), ('ABC', 2), ('x', 3), ('y', 4), ('Y', 5);"
           "CREATE TABLE _tds_columns (table_name TEXT, column_name TEXT, collation TEXT);"
           "INSERT INTO _tds_columns VALUES ('dbo.codes', 'code', 'SQL_Latin1_General_CP1_CI_AS');");
  }
  db.exec("CREATE TABLE codes (code text PRIMARY KEY, v int);"
          "INSERT INTO codes VALUES ('abc', 1), ('ABC', 2), ('x', 3), ('y', 4), ('Y', 5); ANALYZE codes;");
  TdsServer server(dir_ / "fixture.db");
  const json report = doctor(server.port(), db,
                             "[[tables]]\nsource = \"dbo.codes\"\ntarget = \"public.codes\"\nkey = [\"code\"]\n"
                             "trust_key = true\n\n",
                             1);
  const json collation = source_check(report, "table.collation", "codes");
  EXPECT_EQ(collation.at("status"), "WARN") << collation.dump(2);
  EXPECT_NE(collation.dump().find("SQL_Latin1_General_CP1_CI_AS"), std::string::npos) << collation.dump(2);
  const json collisions = source_check(report, "table.collisions", "codes");
  EXPECT_EQ(collisions.at("status"), "WARN") << collisions.dump(2);
  EXPECT_NE(collisions.at("summary").get<std::string>().find('2'), std::string::npos) << collisions.dump(2);
  // The index on the key orders it under the CI collation, not recon's BIN2 bounds: no seek.
  const json range = source_check(report, "table.range_read", "codes");
  EXPECT_EQ(range.at("status"), "WARN") << range.dump(2);
  EXPECT_NE(range.dump().find("cannot seek"), std::string::npos) << range.dump(2);
  // An index under the CI collation exists and would not help: the fix says what would.
  EXPECT_NE(range.at("fix").get<std::string>().find("_BIN2 collation"), std::string::npos) << range.dump(2);
  EXPECT_FALSE(range.at("detail").contains("create_index")) << range.dump(2);
}

TEST_F(DoctorTds, KeyWithoutAnIndexWarnsOnRangeReadNamingTheIndexToCreate) {
  PgDatabase db("recon_e2e_doctor_tds_noindex");
  {
    SqliteDb f(dir_ / "fixture.db");
    f.exec("CREATE TABLE \"dbo.events\" (id bigint, note \"nvarchar(20)\");"
           "INSERT INTO \"dbo.events\" VALUES (1, 'a'), (2, 'b');");
  }
  db.exec("CREATE TABLE events (id bigint PRIMARY KEY, note text); INSERT INTO events VALUES (1, 'a'), (2, 'b'); ANALYZE events;");
  TdsServer server(dir_ / "fixture.db");
  const json report = doctor(server.port(), db,
                             "[[tables]]\nsource = \"dbo.events\"\ntarget = \"public.events\"\nkey = [\"id\"]\n"
                             "trust_key = true\n\n",
                             1);
  const json range = source_check(report, "table.range_read", "events");
  EXPECT_EQ(range.at("status"), "WARN") << range.dump(2);
  EXPECT_NE(range.at("fix").get<std::string>().find("CREATE INDEX"), std::string::npos) << range.dump(2);
  EXPECT_NE(range.at("fix").get<std::string>().find("[dbo].[events] ([id])"), std::string::npos) << range.dump(2);
}

TEST_F(DoctorTds, SysadminLoginWarnsOnLoginRole) {
  PgDatabase db("recon_e2e_doctor_tds_sysadmin");
  clean_fixture(db, "CREATE TABLE _tds_login (role TEXT); INSERT INTO _tds_login VALUES ('sysadmin');");
  TdsServer server(dir_ / "fixture.db");
  const json report = doctor(server.port(), db, orders_table(), 1);
  const json role = source_check(report, "login.role");
  EXPECT_EQ(role.at("status"), "WARN") << role.dump(2);
  EXPECT_NE(role.dump().find("sysadmin"), std::string::npos) << role.dump(2);
}

TEST_F(DoctorTds, LoginWithoutViewDatabaseStateWarnsOnLoginCatalog) {
  PgDatabase db("recon_e2e_doctor_tds_nostate");
  clean_fixture(db, "CREATE TABLE _tds_permissions (securable TEXT, permission TEXT);"
                    "INSERT INTO _tds_permissions VALUES ('dbo.orders', 'SELECT');");
  TdsServer server(dir_ / "fixture.db");
  const json report = doctor(server.port(), db, orders_table(), 1);
  const json catalog = source_check(report, "login.catalog");
  EXPECT_EQ(catalog.at("status"), "WARN") << catalog.dump(2);
  EXPECT_NE(catalog.dump().find("VIEW DATABASE STATE"), std::string::npos) << catalog.dump(2);
  EXPECT_EQ(source_check(report, "login.role").at("status"), "OK");
}

TEST_F(DoctorTds, StatisticsOlderThanThirtyDaysWarn) {
  PgDatabase db("recon_e2e_doctor_tds_stale");
  clean_fixture(db, "CREATE TABLE _tds_statistics (table_name TEXT, updated TEXT);"
                    "INSERT INTO _tds_statistics VALUES ('dbo.orders', '2020-01-02T03:04:05.000');");
  TdsServer server(dir_ / "fixture.db");
  const json report = doctor(server.port(), db, orders_table(), 1);
  const json stats = source_check(report, "table.statistics", "orders");
  EXPECT_EQ(stats.at("status"), "WARN") << stats.dump(2);
  EXPECT_NE(stats.at("fix").get<std::string>().find("UPDATE STATISTICS"), std::string::npos) << stats.dump(2);
}

}  // namespace
}  // namespace e2e

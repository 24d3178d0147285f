// `recon doctor` against a private MariaDB server (tests/e2e/mariadb_server.hpp) with PostgreSQL
// under pg_virtualenv as the other side. Truth comes from the
// engines (grants, information_schema, collation comparisons computed by MariaDB) and from
// docs/canonical-values.md, parsed here — never from recon's own output.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <cmath>
#include <sstream>

#include "doctor_report.hpp"
#include "mariadb_server.hpp"
#include "../support/selftest_doc.hpp"

namespace e2e {
namespace {

using DocRow = selftest_doc::Row;

/// The rows of the doc's "### Self-test: `name`" table, read from the doc itself.
std::vector<DocRow> doc_rows(const std::string& name) {
  return selftest_doc::read(std::string(RECON_SOURCE_DIR) + "/docs/canonical-values.md", name);
}

class DoctorMysql : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (have_pg() && have_mariadb()) server_ = new MariaDbServer();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
    if (!server_) GTEST_SKIP() << "mariadb-server is not installed";
  }

  /// Writes a job with the MySQL database `db` as source (`source_side` overrides the section)
  /// and `pg` as target, runs `recon doctor --json` on it and returns the report.
  static json doctor(const TempDir& dir, const std::string& source_side, const PgDatabase& pg,
                     const std::string& tables, ProcResult* result = nullptr, const EnvEdits& env = my_env()) {
    write_file(dir / "job.toml", source_side + "\n[target]\nkind = \"postgres\"\nurl = " + toml_str(pg.conninfo()) +
                                     "\n\n" + tables);
    return run_doctor_json(dir / "job.toml", env, result);
  }

  static MariaDbServer* server_;
};

MariaDbServer* DoctorMysql::server_ = nullptr;

const std::string kOneTable = "[[tables]]\nname = \"t\"\nsource = \"t\"\ntarget = \"public.t\"\nkey = [\"id\"]\n";

TEST_F(DoctorMysql, SelfTestPassesWithTheDocsRowsAndServerFactsAreTheServers) {
  MyDb my(*server_);
  my.exec("CREATE DATABASE st; CREATE TABLE st.t (id int PRIMARY KEY, code varchar(10) COLLATE utf8mb4_bin); "
          "INSERT INTO st.t VALUES (1, 'a'), (2, 'A')");
  PgDatabase pg("recon_e2e_doctor_my_st");
  pg.exec("CREATE TABLE t (id int PRIMARY KEY, code text); INSERT INTO t VALUES (1, 'a'), (2, 'A')");
  TempDir dir("doctor-my-st");
  ProcResult run;
  const json r = doctor(dir, server_->side_toml("source", "st"), pg, kOneTable, &run);
  ASSERT_EQ(run.exit_code, 1) << run.describe();  // the test login has ALL PRIVILEGES: WARN

  const json& side = r.at("sides").at("source");
  const auto server = my.query("SELECT VERSION(), CURRENT_USER()");
  EXPECT_EQ(side.at("product"), "MariaDB");
  EXPECT_EQ(side.at("version"), *server[0][0]);
  EXPECT_EQ(side.at("login"), *server[0][1]);
  EXPECT_EQ(side.at("database"), "st");
  EXPECT_EQ(side.at("protocol"), "MySQL protocol 10");
  EXPECT_EQ(side.at("tls"), false);  // the test server has no certificate
  ASSERT_TRUE(side.at("clock_skew_ms").is_number()) << side.dump();
  EXPECT_LT(std::abs(side.at("clock_skew_ms").get<double>()), 5000.0);  // same host, same clock
  EXPECT_EQ(status_of(r, "clock", "source"), "OK");

  const std::vector<DocRow> rows = doc_rows("mysql");
  ASSERT_GE(rows.size(), 50u);
  const json& st = r.at("self_test").at("source");
  EXPECT_EQ(st.at("name"), "mysql");
  EXPECT_EQ(st.at("failed"), 0) << st.dump(1);
  EXPECT_EQ(st.at("passed"), rows.size());
  ASSERT_EQ(st.at("cases").size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const json& c = st.at("cases")[i];
    EXPECT_EQ(c.at("type"), rows[i].type);
    EXPECT_EQ(c.at("literal"), rows[i].literal);
    EXPECT_EQ(c.at("expected"), rows[i].canonical);
    EXPECT_EQ(c.at("got"), rows[i].canonical) << rows[i].type << " " << rows[i].literal;
  }
  EXPECT_EQ(status_of(r, "self_test", "source"), "OK");

  // A _bin key under its primary key: byte order is the index's order.
  EXPECT_EQ(status_of(r, "table.collation", "source", "t"), "OK");
  EXPECT_EQ(status_of(r, "table.collisions", "source", "t"), "OK");
  const json* range = find_check(r, "table.range_read", "source", "t");
  ASSERT_NE(range, nullptr);
  EXPECT_EQ(range->at("status"), "OK") << range->dump();
  EXPECT_EQ(range->at("detail").at("index"), "PRIMARY");
  const json* stats = find_check(r, "table.statistics", "source", "t");
  ASSERT_NE(stats, nullptr);
  EXPECT_EQ(stats->at("status"), "OK") << stats->dump();
  EXPECT_TRUE(stats->at("detail").at("age_seconds").is_number()) << stats->dump();  // mysql.* is readable
}

TEST_F(DoctorMysql, AllPrivilegesLoginWarnsWithItsWriteRights) {
  MyDb my(*server_);
  my.exec("CREATE DATABASE wr; CREATE TABLE wr.t (id int PRIMARY KEY); INSERT INTO wr.t VALUES (1)");
  PgDatabase pg("recon_e2e_doctor_my_wr");
  pg.exec("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");
  TempDir dir("doctor-my-wr");
  const json r = doctor(dir, server_->side_toml("source", "wr"), pg, kOneTable);
  // Truth: what the server says the login was granted.
  const auto grants = my.query("SHOW GRANTS FOR CURRENT_USER()");
  ASSERT_NE((*grants[0][0]).find("GRANT ALL PRIVILEGES ON *.*"), std::string::npos) << *grants[0][0];
  const json* role = find_check(r, "login.role", "source");
  ASSERT_NE(role, nullptr) << r.dump(1);
  EXPECT_EQ(role->at("status"), "WARN");
  EXPECT_NE(role->at("summary").get<std::string>().find("ALL PRIVILEGES"), std::string::npos) << role->dump();
  const json* write = find_check(r, "table.write", "source", "t");
  ASSERT_NE(write, nullptr);
  EXPECT_EQ(write->at("status"), "WARN");
  for (const char* w : {"INSERT", "UPDATE", "DELETE", "ALTER", "DROP"})
    EXPECT_NE(std::find(write->at("detail").at("write_rights").begin(), write->at("detail").at("write_rights").end(), w),
              write->at("detail").at("write_rights").end())
        << w << " in " << write->dump();
  EXPECT_EQ(r.at("exit_code"), 1);
}

TEST_F(DoctorMysql, CaseInsensitiveKeyWithCaseVariantsWarnsOnCollationAndCollisions) {
  MyDb my(*server_);
  // No unique index: one under utf8mb4_general_ci would refuse 'A' beside 'a'.
  my.exec("CREATE DATABASE ci; CREATE TABLE ci.t (code varchar(20) COLLATE utf8mb4_general_ci NOT NULL, n int); "
          "INSERT INTO ci.t VALUES ('a', 1), ('A', 2), ('b', 3), ('B', 4), ('e', 5), ('\xC3\xA9', 6), ('c', 7)");
  PgDatabase pg("recon_e2e_doctor_my_ci");
  pg.exec("CREATE TABLE t (code text PRIMARY KEY, n int); "
          "INSERT INTO t VALUES ('a', 1), ('A', 2), ('b', 3), ('B', 4), ('e', 5), ('\xC3\xA9', 6), ('c', 7)");
  TempDir dir("doctor-my-ci");
  // And a primary key under the same collation: the server itself refuses case variants.
  my.exec("CREATE TABLE ci.p (code varchar(20) COLLATE utf8mb4_general_ci PRIMARY KEY); INSERT INTO ci.p VALUES ('a')");
  EXPECT_THROW(my.exec("INSERT INTO ci.p VALUES ('A')"), std::runtime_error);
  pg.exec("CREATE TABLE p (code text PRIMARY KEY); INSERT INTO p VALUES ('a')");
  const json r = doctor(dir, server_->side_toml("source", "ci"), pg,
                        "[[tables]]\nname = \"t\"\nsource = \"t\"\ntarget = \"public.t\"\nkey = [\"code\"]\n"
                        "trust_key = true\n\n[[tables]]\nname = \"p\"\nsource = \"p\"\ntarget = \"public.p\"\n");
  const json* unique = find_check(r, "table.collisions", "source", "p");
  ASSERT_NE(unique, nullptr) << r.dump(1);
  EXPECT_EQ(unique->at("status"), "OK") << unique->dump();
  EXPECT_EQ(unique->at("detail").at("colliding_keys"), 0);
  EXPECT_EQ(status_of(r, "table.collation", "source", "p"), "WARN");  // still a case-insensitive key
  // Truth from MariaDB: keys that another, byte-different key equals under the collation.
  const std::int64_t colliding = my.count(
      "SELECT COUNT(*) FROM ci.t a WHERE EXISTS (SELECT 1 FROM ci.t b WHERE b.code = a.code AND "
      "CAST(b.code AS BINARY) <> CAST(a.code AS BINARY))");
  ASSERT_EQ(colliding, 6);  // a A, b B, e é
  const json* collation = find_check(r, "table.collation", "source", "t");
  ASSERT_NE(collation, nullptr) << r.dump(1);
  EXPECT_EQ(collation->at("status"), "WARN");
  const json& key = collation->at("detail").at("key_columns")[0];
  EXPECT_EQ(key.at("collation"), "utf8mb4_general_ci");
  EXPECT_EQ(key.at("case_insensitive"), true);
  EXPECT_EQ(key.at("range_bound"), "CAST(`code` AS BINARY)");
  const json* collisions = find_check(r, "table.collisions", "source", "t");
  ASSERT_NE(collisions, nullptr);
  EXPECT_EQ(collisions->at("status"), "WARN") << collisions->dump();
  EXPECT_EQ(collisions->at("detail").at("colliding_keys"), colliding);
  EXPECT_EQ(collisions->at("detail").at("scanned"), my.count("SELECT COUNT(*) FROM ci.t"));
  // The first three in collation order, the variants of one key side by side ('A' < 'a' in bytes).
  EXPECT_EQ(collisions->at("detail").at("examples"), json::parse(R"(["[\"A\"]", "[\"a\"]", "[\"B\"]"])"))
      << collisions->dump();
  // The byte-order bound is something no index under the _ci collation serves.
  const json* range = find_check(r, "table.range_read", "source", "t");
  ASSERT_NE(range, nullptr);
  EXPECT_EQ(range->at("status"), "WARN");
  // …so the fix names the collation to change rather than an index to create.
  EXPECT_NE(range->at("fix").get<std::string>().find("_bin collation"), std::string::npos) << range->dump();
  EXPECT_FALSE(range->at("detail").contains("create_index")) << range->dump();
}

TEST_F(DoctorMysql, KeyWithoutAnIndexWarnsOnTheRangeRead) {
  MyDb my(*server_);
  // MyISAM too: an engine without InnoDB's statistics.
  my.exec("CREATE DATABASE ni; CREATE TABLE ni.t (id int NOT NULL, v int) ENGINE = MyISAM; "
          "INSERT INTO ni.t VALUES (1, 1), (2, 2)");
  ASSERT_EQ(my.count("SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'ni'"), 0);
  ASSERT_EQ(my.count("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'ni' AND ENGINE = 'MyISAM'"), 1);
  PgDatabase pg("recon_e2e_doctor_my_ni");
  pg.exec("CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 1), (2, 2)");
  TempDir dir("doctor-my-ni");
  const json r = doctor(dir, server_->side_toml("source", "ni"), pg, kOneTable + "trust_key = true\n");
  const json* range = find_check(r, "table.range_read", "source", "t");
  ASSERT_NE(range, nullptr) << r.dump(1);
  EXPECT_EQ(range->at("status"), "WARN") << range->dump();
  EXPECT_EQ(range->at("detail").at("uses_key_index"), false);
  EXPECT_NE(range->at("detail").at("plan").get<std::string>().find("filesort"), std::string::npos) << range->dump();
  EXPECT_NE(range->at("fix").get<std::string>().find("CREATE INDEX"), std::string::npos) << range->dump();
  EXPECT_EQ(status_of(r, "table.statistics", "source", "t"), "SKIP");
}

TEST_F(DoctorMysql, SelectOnlyLoginFromTheLeastPrivilegeStatementsIsOkOnTheMysqlSide) {
  MyDb my(*server_);
  my.exec("CREATE DATABASE lp; CREATE TABLE lp.t (id int PRIMARY KEY, name varchar(20) COLLATE utf8mb4_bin); "
          "INSERT INTO lp.t VALUES (1, 'x'), (2, 'y'); ANALYZE TABLE lp.t");
  PgDatabase pg("recon_e2e_doctor_my_lp");
  pg.exec("CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t VALUES (1, 'x'), (2, 'y')");
  TempDir dir("doctor-my-lp");
  const json first = doctor(dir, server_->side_toml("source", "lp"), pg, kOneTable);
  // The statements run as written on MariaDB (comments are lines of their own).
  const json& statements = first.at("least_privilege").at("source");
  ASSERT_FALSE(statements.empty()) << first.dump(1);
  for (const json& s : statements)
    if (s.get<std::string>().rfind("--", 0) != 0) my.exec(s.get<std::string>());
  // Truth: the login holds SELECT on lp.t and nothing else.
  const auto grants = my.query("SHOW GRANTS FOR 'recon_reader'@'%'");
  ASSERT_EQ(grants.size(), 2u);
  EXPECT_NE(grants[1][0]->find("GRANT SELECT ON `lp`.`t`"), std::string::npos) << *grants[1][0];

  const std::string side = "[source]\nkind = \"mysql\"\nurl = \"mysql://recon_reader@127.0.0.1:" +
                           std::to_string(server_->port()) + "/lp\"\npassword_env = \"E2E_READER_PASSWORD\"\n";
  ProcResult run;
  const json r = doctor(dir, side, pg, kOneTable, &run, {{"E2E_READER_PASSWORD", "<password>"}});
  ASSERT_TRUE(r.contains("checks")) << run.describe();
  int source_checks = 0;
  for (const json& c : r.at("checks")) {
    if (!c.at("side").is_string() || c.at("side") != "source") continue;
    ++source_checks;
    EXPECT_TRUE(c.at("status") == "OK" || c.at("status") == "SKIP") << c.dump();
  }
  EXPECT_GE(source_checks, 11);
  EXPECT_EQ(r.at("sides").at("source").at("login"), "recon_reader@%");
  EXPECT_EQ(r.at("self_test").at("source").at("failed"), 0);

  // A table the login was granted nothing on: information_schema hides it, SELECT is refused.
  my.exec("CREATE TABLE lp.other (id int PRIMARY KEY)");
  pg.exec("CREATE TABLE other (id int PRIMARY KEY)");
  const json denied = doctor(dir, side, pg, "[[tables]]\nname = \"other\"\nsource = \"other\"\ntarget = \"public.other\"\n",
                             &run, {{"E2E_READER_PASSWORD", "<password>"}});
  const json* select = find_check(denied, "table.select", "source", "other");
  ASSERT_NE(select, nullptr) << run.describe();
  EXPECT_EQ(select->at("status"), "FAIL") << select->dump();
  EXPECT_EQ(denied.at("exit_code"), 1) << select->dump();
}

TEST_F(DoctorMysql, MysqlTargetsApplyLoginCanWriteWhatApplyWritesAndTheReaderCannot) {
  MyDb my(*server_);
  my.exec("CREATE DATABASE ap; CREATE TABLE ap.t (id int PRIMARY KEY, v int); INSERT INTO ap.t VALUES (1, 1), (2, 2)");
  PgDatabase pg("recon_e2e_doctor_my_ap");
  pg.exec("CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 1), (2, 2)");
  TempDir dir("doctor-my-ap");
  const std::string source = "[source]\nkind = \"postgres\"\nurl = " + toml_str(pg.conninfo()) + "\n";
  auto doctor_on = [&](const std::string& target_side, const EnvEdits& env) {
    write_file(dir / "job.toml", source + "\n" + target_side + "\n[[tables]]\nname = \"t\"\nsource = \"public.t\"\n"
                                 "target = \"t\"\nkey = [\"id\"]\n");
    return run_doctor_json(dir / "job.toml", env);
  };
  const json first = doctor_on(server_->side_toml("target", "ap"), my_env());
  for (const char* block : {"target", "target_apply"})
    for (const json& s : first.at("least_privilege").at(block))
      if (s.get<std::string>().rfind("--", 0) != 0) my.exec(s.get<std::string>());
  // Truth from the server: what each login may do, through the mariadb client.
  auto as = [&](const std::string& user, const std::string& sql) {
    return run_process("/usr/bin/mariadb", {"--no-defaults", "-h127.0.0.1", "-P" + std::to_string(server_->port()),
                                            "-u" + user, "-p<password>", "ap", "-e", sql}, {}, 30);
  };
  const ProcResult writes = as("recon_reader_apply", "START TRANSACTION; SELECT v FROM t WHERE id = 1 FOR UPDATE; "
                                                     "UPDATE t SET v = 9 WHERE id = 1; DELETE FROM t WHERE id = 2; "
                                                     "INSERT INTO t VALUES (3, 3); COMMIT");
  EXPECT_EQ(writes.exit_code, 0) << writes.describe();
  EXPECT_EQ(my.count("SELECT COUNT(*) FROM ap.t WHERE (id = 1 AND v = 9) OR id = 3"), 2);
  const ProcResult refused = as("recon_reader", "UPDATE t SET v = 8 WHERE id = 1");
  EXPECT_NE(refused.exit_code, 0) << refused.describe();
  EXPECT_NE(refused.err.find("UPDATE command denied"), std::string::npos) << refused.describe();

  // Doctor run as the apply login names exactly its three writes.
  const std::string apply_side = "[target]\nkind = \"mysql\"\nurl = \"mysql://recon_reader_apply@127.0.0.1:" +
                                 std::to_string(server_->port()) + "/ap\"\npassword_env = \"E2E_APPLY_PASSWORD\"\n";
  const json r = doctor_on(apply_side, {{"E2E_APPLY_PASSWORD", "<password>"}});
  const json* write = find_check(r, "table.write", "target", "t");
  ASSERT_NE(write, nullptr) << r.dump(1);
  EXPECT_EQ(write->at("status"), "WARN");
  EXPECT_EQ(write->at("detail").at("write_rights"), json::parse(R"(["INSERT", "UPDATE", "DELETE"])"));
  EXPECT_EQ(status_of(r, "table.select", "target", "t"), "OK");
}

/// The statements MariaDB's general log recorded, first lines only, by session (thread id).
std::map<std::string, std::vector<std::string>> logged_statements(const std::string& log) {
  std::map<std::string, std::vector<std::string>> by_thread;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    // "[date time]\t  <id> Query\t<statement>"; continuation lines of a statement do not match.
    const std::size_t query = line.find(" Query\t");
    if (query == std::string::npos) continue;
    std::size_t id_begin = query;
    while (id_begin > 0 && std::isdigit(static_cast<unsigned char>(line[id_begin - 1]))) --id_begin;
    if (id_begin == query) continue;
    by_thread[line.substr(id_begin, query - id_begin)].push_back(line.substr(query + 7));
  }
  return by_thread;
}

TEST_F(DoctorMysql, SendsOnlyReadingStatements) {
  MyDb my(*server_);
  my.exec("CREATE DATABASE ro; CREATE TABLE ro.t (code varchar(20) COLLATE utf8mb4_general_ci NOT NULL, n int); "
          "INSERT INTO ro.t VALUES ('a', 1), ('A', 2)");
  PgDatabase pg("recon_e2e_doctor_my_ro");
  pg.exec("CREATE TABLE t (code text PRIMARY KEY, n int); INSERT INTO t VALUES ('a', 1), ('A', 2)");
  TempDir dir("doctor-my-ro");
  const fs::path log = dir / "general.log";
  my.exec("SET GLOBAL general_log_file = '" + log.string() + "'; SET GLOBAL general_log = 1");
  const json r = doctor(dir, server_->side_toml("source", "ro"), pg,
                        "[[tables]]\nname = \"t\"\nsource = \"t\"\ntarget = \"public.t\"\nkey = [\"code\"]\n"
                        "trust_key = true\n");
  my.exec("SET GLOBAL general_log = 0");
  ASSERT_EQ(status_of(r, "table.collisions", "source", "t"), "WARN") << r.dump(1);  // the key column was read
  // Every session but the test's own is recon's: each made itself read-only, and sent only reads.
  auto sessions = logged_statements(read_file(log));
  sessions.erase(*my.query("SELECT CONNECTION_ID()")[0][0]);
  ASSERT_FALSE(sessions.empty()) << read_file(log);
  std::vector<std::string> statements;
  for (const auto& [thread, list] : sessions) {
    EXPECT_NE(std::find(list.begin(), list.end(), "SET SESSION TRANSACTION READ ONLY"), list.end()) << thread;
    statements.insert(statements.end(), list.begin(), list.end());
  }
  ASSERT_GE(statements.size(), 10u) << read_file(log);
  for (const std::string& s : statements) {
    const std::string verb = s.substr(0, s.find_first_of(" \t"));
    const bool reads = verb == "SELECT" || verb == "SHOW" || verb == "EXPLAIN" || verb == "COMMIT" ||
                       verb == "ROLLBACK" || (verb == "START" && s.find("READ ONLY") != std::string::npos) ||
                       (verb == "SET" && s.find("GLOBAL") == std::string::npos);
    EXPECT_TRUE(reads) << s;
    EXPECT_EQ(s.find("FOR UPDATE"), std::string::npos) << s;
    EXPECT_EQ(s.find("ANALYZE"), std::string::npos) << s;
  }
}

}  // namespace
}  // namespace e2e

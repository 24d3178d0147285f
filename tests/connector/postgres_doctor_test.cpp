// What doctor asks the postgres connector, against a real server. Skipped unless PGHOST is set;
// run with  pg_virtualenv -t -v 15 build/test_connector --gtest_filter='PostgresDoctor*'
// Every expectation is computed on the server (count(*), has_table_privilege, format_type…) or
// read from docs/canonical-values.md, never taken from the connector.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include <libpq-fe.h>
#include <pqxx/pqxx>

#include "../support/selftest_doc.hpp"
#include "recon/connector/connector.hpp"
#include "recon/connector/postgres.hpp"
#include "recon/core/canonical.hpp"

namespace recon {
namespace {

const std::string kTag = std::to_string(::getpid());
const std::string kSchema = "recon_doctor_" + kTag;
const std::string kReader = "recon_doc_reader_" + kTag;  // roles are cluster-wide: one name per process
const std::string kPassword = "doctor-test-pw";

void admin_exec(const std::string& sql) {
  pqxx::connection c;
  pqxx::nontransaction tx(c);
  tx.exec(sql);
}

/// The canonical column's spelling of a value: the class name, a space, the value as shown; "null".
std::string rendered(const std::string& encoding) {
  std::size_t pos = 0;
  const canon::ValueView v = canon::read_value(encoding, pos);
  if (v.is_null()) return "null";
  return std::string(type_class_name(v.tag)) + " " + canon::to_display(v);
}

class PostgresDoctor : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::getenv("PGHOST") == nullptr) return;
    pqxx::connection admin;
    pqxx::work tx(admin);
    tx.exec("DROP SCHEMA IF EXISTS " + kSchema + " CASCADE");
    tx.exec("CREATE SCHEMA " + kSchema);
    tx.exec("SET search_path = " + kSchema);
    // Inserted in key order and analysed: the planner walks the primary key for a full ordered read.
    tx.exec("CREATE TABLE indexed (id int8 PRIMARY KEY, v text)");
    tx.exec("INSERT INTO indexed SELECT g, md5(g::text) FROM generate_series(1, 50000) g");
    tx.exec("CREATE TABLE unindexed (id int8 NOT NULL, v text)");
    tx.exec("INSERT INTO unindexed SELECT g, md5(g::text) FROM generate_series(1, 50000) g ORDER BY random()");
    tx.exec("CREATE TABLE texts (k text PRIMARY KEY, v int)");
    tx.exec("INSERT INTO texts SELECT md5(g::text), g FROM generate_series(1, 50000) g");
    tx.exec("CREATE TABLE never_analysed (id int4 PRIMARY KEY, v int)");
    tx.exec("INSERT INTO never_analysed SELECT g, g FROM generate_series(1, 100) g");
    tx.commit();
    admin_exec("ANALYZE " + kSchema + ".indexed, " + kSchema + ".unindexed, " + kSchema + ".texts");
  }
  static void TearDownTestSuite() {
    if (std::getenv("PGHOST") == nullptr) return;
    for (const std::string& r : {kReader + "_apply", kReader}) {
      admin_exec("DO $$BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + r + "') THEN "
                 "EXECUTE 'DROP OWNED BY " + r + "'; EXECUTE 'DROP ROLE " + r + "'; END IF; END$$");
    }
    admin_exec("DROP SCHEMA IF EXISTS " + kSchema + " CASCADE");
  }

  void SetUp() override {
    if (std::getenv("PGHOST") == nullptr) GTEST_SKIP() << "PGHOST not set: no PostgreSQL to test against";
    endpoint_.kind = EngineKind::Postgres;
    conn_ = make_postgres_connector(endpoint_, Side::Source);
  }

  static TableRef ref(const std::string& name) { return TableRef{kSchema, name}; }

  /// The whole table as a run's first range: `keys` then every other column, each in its own class.
  static RangeQuery range(Connector& c, const std::string& table, const std::vector<std::string>& keys) {
    const TableInfo info = c.describe(ref(table));
    RangeQuery q;
    q.table = ref(table);
    for (const ColumnInfo& col : info.columns) {
      SelectColumn s;
      s.native = col;
      s.compare_as = col.type_class.value_or(TypeClass::Text);
      const bool is_key = std::find(keys.begin(), keys.end(), col.name) != keys.end();
      (is_key ? q.keys : q.values).push_back(s);
    }
    return q;
  }

  TableFacts facts(Connector& c, const std::string& table, const std::vector<std::string>& keys) {
    const RangeQuery q = range(c, table, keys);
    return c.table_facts(q, c.describe(q.table));
  }

  std::unique_ptr<Connector> login_as(const std::string& role) {
    Endpoint ep = endpoint_;
    ep.url = "user=" + role;
    ep.password = kPassword;
    return make_postgres_connector(ep, Side::Target);
  }

  Endpoint endpoint_;
  std::unique_ptr<Connector> conn_;
};

TEST_F(PostgresDoctor, SelfTestReadsEveryDocumentedLiteralAsTheDocSays) {
  const auto rows = selftest_doc::read(std::string(RECON_SOURCE_DIR) + "/docs/canonical-values.md", "postgres");
  ASSERT_EQ(conn_->self_test_name(), "postgres");
  std::vector<LiteralProbe> probes;
  for (const auto& r : rows) probes.push_back(LiteralProbe{r.type, r.literal});
  const std::vector<std::string> got = conn_->read_literals(probes);
  ASSERT_EQ(got.size(), rows.size());
  // The type column is what the server says each literal is: format_type of the described column.
  std::unique_ptr<PGconn, void (*)(PGconn*)> c(PQconnectdb(""), &PQfinish);
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
  std::string select = "SELECT ";
  for (std::size_t i = 0; i < rows.size(); ++i) select += (i ? ", (" : "(") + rows[i].literal + ")";
  std::unique_ptr<PGresult, void (*)(PGresult*)> prep(PQprepare(c.get(), "", select.c_str(), 0, nullptr), &PQclear);
  ASSERT_EQ(PQresultStatus(prep.get()), PGRES_COMMAND_OK) << PQerrorMessage(c.get());
  std::unique_ptr<PGresult, void (*)(PGresult*)> desc(PQdescribePrepared(c.get(), ""), &PQclear);
  ASSERT_EQ(PQnfields(desc.get()), static_cast<int>(rows.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const int f = static_cast<int>(i);
    const std::string q = "SELECT format_type(" + std::to_string(PQftype(desc.get(), f)) + ", " +
                          std::to_string(PQfmod(desc.get(), f)) + ")";
    std::unique_ptr<PGresult, void (*)(PGresult*)> t(PQexec(c.get(), q.c_str()), &PQclear);
    EXPECT_EQ(PQgetvalue(t.get(), 0, 0), rows[i].type) << rows[i].literal;
    EXPECT_EQ(rendered(got[i]), rows[i].canonical) << rows[i].type << " " << rows[i].literal;
  }
}

TEST_F(PostgresDoctor, ServerFactsNameTheServerTheLoginAndAClockNearOurs) {
  pqxx::connection c;
  pqxx::nontransaction tx(c);
  const pqxx::row truth = tx.exec("SELECT current_setting('server_version'), current_user::text, current_database()::text")[0];
  const auto before = std::chrono::system_clock::now();
  const ServerFacts f = conn_->server_facts();
  const auto after = std::chrono::system_clock::now();
  EXPECT_EQ(f.product, "PostgreSQL");
  EXPECT_EQ(f.version, truth[0].as<std::string>());
  EXPECT_EQ(f.edition, "");  // not Aurora: aurora_version() does not exist here
  EXPECT_EQ(f.protocol, "PostgreSQL protocol 3");
  ASSERT_TRUE(f.tls.has_value());
  // Truth: what the server says of a session opened with the same settings.
  EXPECT_EQ(*f.tls, tx.exec("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")[0][0].as<bool>());
  EXPECT_EQ(f.login, truth[1].as<std::string>());
  EXPECT_EQ(f.database, truth[2].as<std::string>());
  ASSERT_TRUE(f.utc_now_micros.has_value());
  // The same machine's clock: the server's reading lies between ours, within a millisecond.
  const auto us = [](auto t) { return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count(); };
  EXPECT_GE(*f.utc_now_micros, us(before) - 1000);
  EXPECT_LE(*f.utc_now_micros, us(after) + 1000);
  EXPECT_GT(f.clock_round_trip_micros, 0);
  EXPECT_LE(f.clock_round_trip_micros, us(after) - us(before));
}

TEST_F(PostgresDoctor, TheSuperuserIsAllPowerfulAndReadsEveryCatalog) {
  pqxx::connection c;
  pqxx::nontransaction tx(c);
  ASSERT_TRUE(tx.exec("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0][0].as<bool>())
      << "the test login is expected to be pg_virtualenv's superuser";
  const LoginFacts f = conn_->login_facts();
  EXPECT_EQ(f.all_powerful_role, "superuser");
  EXPECT_TRUE(f.catalog_missing.empty());
}

TEST_F(PostgresDoctor, RdsSuperuserMembershipIsAllPowerfulAndARevokedCatalogIsNamed) {
  // RDS and Aurora give their administrators the role rds_superuser instead of SUPERUSER. A role
  // of that name is made here (unless one exists) to stand for it.
  const std::string admin = "recon_doc_rds_" + kTag;
  bool made_rds_role = false;
  {
    pqxx::connection c;
    pqxx::nontransaction tx(c);
    made_rds_role = tx.exec("SELECT 1 FROM pg_roles WHERE rolname = 'rds_superuser'").empty();
    if (made_rds_role) tx.exec("CREATE ROLE rds_superuser NOLOGIN");
  }
  admin_exec("CREATE ROLE " + admin + " LOGIN PASSWORD '" + kPassword + "' IN ROLE rds_superuser");
  // A hardened server: pg_stats revoked from PUBLIC (given back below).
  admin_exec("REVOKE SELECT ON pg_catalog.pg_stats FROM PUBLIC");
  LoginFacts f;
  try {
    f = login_as(admin)->login_facts();
  } catch (...) {
  }
  admin_exec("GRANT SELECT ON pg_catalog.pg_stats TO PUBLIC");
  admin_exec("DROP ROLE " + admin);
  if (made_rds_role) admin_exec("DROP ROLE rds_superuser");
  EXPECT_EQ(f.all_powerful_role, "rds_superuser");
  ASSERT_EQ(f.catalog_missing.size(), 1u);
  EXPECT_EQ(f.catalog_missing[0].rfind("SELECT on pg_catalog.pg_stats is refused", 0), 0u) << f.catalog_missing[0];
}

TEST_F(PostgresDoctor, StatisticsAppearWithAnalyzeAndTheEstimateIsTheAnalysedCount) {
  TableFacts f = facts(*conn_, "never_analysed", {"id"});
  ASSERT_TRUE(f.statistics_present.has_value());
  EXPECT_FALSE(*f.statistics_present);
  EXPECT_FALSE(f.statistics_age_seconds.has_value());
  EXPECT_FALSE(f.estimated_rows.has_value());  // reltuples = -1: the planner has no estimate

  f = facts(*conn_, "indexed", {"id"});
  EXPECT_TRUE(*f.statistics_present);
  ASSERT_TRUE(f.statistics_age_seconds.has_value());
  EXPECT_GE(*f.statistics_age_seconds, 0);
  EXPECT_LT(*f.statistics_age_seconds, 600);
  pqxx::connection c;
  pqxx::nontransaction tx(c);
  ASSERT_TRUE(f.estimated_rows.has_value());
  EXPECT_EQ(*f.estimated_rows, tx.exec("SELECT count(*) FROM " + kSchema + ".indexed")[0][0].as<std::int64_t>());
}

TEST_F(PostgresDoctor, AViewHasNoStatisticsOfItsOwn) {
  admin_exec("CREATE VIEW " + kSchema + ".v_indexed AS SELECT * FROM " + kSchema + ".indexed");
  const TableFacts f = facts(*conn_, "v_indexed", {"id"});
  EXPECT_TRUE(f.can_select);
  EXPECT_FALSE(f.statistics_present.has_value());  // not "missing": there is nothing to ANALYZE
  EXPECT_FALSE(f.estimated_rows.has_value());
  // The planner reads through the view to the table's primary key.
  EXPECT_TRUE(*f.range_read.uses_key_index) << f.range_read.plan;
  EXPECT_EQ(f.range_read.index, "indexed_pkey");
}

TEST_F(PostgresDoctor, TheOwnerCanWriteEverything) {
  const TableFacts f = facts(*conn_, "indexed", {"id"});
  EXPECT_TRUE(f.can_select);
  EXPECT_EQ(f.write_rights, (std::vector<std::string>{"INSERT", "UPDATE", "DELETE", "TRUNCATE", "ALTER"}));
}

TEST_F(PostgresDoctor, APrimaryKeyReadInKeyOrderWalksItsIndex) {
  const TableFacts f = facts(*conn_, "indexed", {"id"});
  ASSERT_TRUE(f.range_read.uses_key_index.has_value());
  EXPECT_TRUE(*f.range_read.uses_key_index) << f.range_read.plan;
  EXPECT_EQ(f.range_read.index, "indexed_pkey");
  ASSERT_EQ(f.key_columns.size(), 1u);
  EXPECT_EQ(f.key_columns[0].collation, "");  // int8 has none
  EXPECT_EQ(f.key_columns[0].range_bound, "native order");
}

TEST_F(PostgresDoctor, AKeyWithoutAnIndexSortsAndNamesTheIndexToCreate) {
  const TableFacts f = facts(*conn_, "unindexed", {"id"});
  ASSERT_TRUE(f.range_read.uses_key_index.has_value());
  EXPECT_FALSE(*f.range_read.uses_key_index);
  EXPECT_EQ(f.range_read.index, "");
  EXPECT_NE(f.range_read.plan.find("Sort"), std::string::npos) << f.range_read.plan;
  EXPECT_EQ(f.range_read.create_index, "CREATE INDEX ON \"" + kSchema + "\".\"unindexed\" (\"id\")");
}

TEST_F(PostgresDoctor, ATextKeyIndexUnderTheDefaultCollationDoesNotServeCOrder) {
  const TableFacts f = facts(*conn_, "texts", {"k"});
  ASSERT_EQ(f.key_columns.size(), 1u);
  EXPECT_EQ(f.key_columns[0].collation.rfind("default (", 0), 0u) << f.key_columns[0].collation;
  EXPECT_FALSE(f.key_columns[0].case_insensitive);
  EXPECT_EQ(f.key_columns[0].range_bound, "\"k\" COLLATE \"C\"");
  EXPECT_FALSE(*f.range_read.uses_key_index) << f.range_read.plan;
  EXPECT_EQ(f.range_read.create_index, "CREATE INDEX ON \"" + kSchema + "\".\"texts\" (\"k\" COLLATE \"C\")");
  EXPECT_NE(f.range_read.plan.find("index texts_pkey orders \"k\" by collation \"default\""), std::string::npos)
      << f.range_read.plan;
  // The index doctor names, run as written, serves it (built and dropped again by the test).
  admin_exec(f.range_read.create_index);
  const TableFacts g = facts(*conn_, "texts", {"k"});
  admin_exec("DROP INDEX " + kSchema + ".texts_k_idx");
  EXPECT_TRUE(*g.range_read.uses_key_index) << g.range_read.plan;
  EXPECT_EQ(g.range_read.index, "texts_k_idx");
}

TEST_F(PostgresDoctor, ANondeterministicCaseInsensitiveCollationIsSaid) {
  pqxx::connection c;
  pqxx::nontransaction tx(c);
  if (tx.exec("SELECT count(*) FROM pg_collation WHERE collprovider = 'i'")[0][0].as<int>() == 0)
    GTEST_SKIP() << "this PostgreSQL has no ICU collations";
  tx.exec("CREATE COLLATION " + kSchema + ".ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");
  tx.exec("CREATE TABLE " + kSchema + ".ci_keys (k text COLLATE " + kSchema + ".ci PRIMARY KEY)");
  tx.exec("INSERT INTO " + kSchema + ".ci_keys VALUES ('a'), ('b')");
  const TableFacts f = facts(*conn_, "ci_keys", {"k"});
  ASSERT_EQ(f.key_columns.size(), 1u);
  EXPECT_TRUE(f.key_columns[0].case_insensitive);
  EXPECT_NE(f.key_columns[0].collation.find(kSchema + ".ci"), std::string::npos) << f.key_columns[0].collation;
  EXPECT_NE(f.key_columns[0].collation.find("'a' = 'A'"), std::string::npos) << f.key_columns[0].collation;
  EXPECT_EQ(f.case_colliding_keys, 0);  // the primary key under the collation keeps them apart
  EXPECT_EQ(f.collisions_scanned, 2);

  // Without a unique index the collation lets 'x' and 'X' in side by side.
  tx.exec("CREATE TABLE " + kSchema + ".ci_dups (k text COLLATE " + kSchema + ".ci NOT NULL, v int)");
  tx.exec("INSERT INTO " + kSchema + ".ci_dups VALUES ('x', 1), ('X', 2), ('y', 3)");
  const TableFacts d = facts(*conn_, "ci_dups", {"k"});
  // Truth: the server's own grouping under the collation.
  const auto truth = tx.exec("SELECT sum(n) FROM (SELECT count(*) AS n FROM " + kSchema +
                             ".ci_dups GROUP BY k HAVING count(*) > 1) g")[0][0].as<std::int64_t>();
  EXPECT_EQ(d.case_colliding_keys, truth);
  EXPECT_EQ(d.collisions_scanned, 3);
  std::vector<std::string> shown;
  for (const auto& k : d.colliding_examples) shown.push_back(canon::key_to_json(k));
  EXPECT_EQ(shown, (std::vector<std::string>{R"(["X"])", R"(["x"])"}));  // byte order: 'X' < 'x'
}

TEST_F(PostgresDoctor, LeastPrivilegeStatementsRunAsWrittenAndGiveReadsOnly) {
  const std::vector<TableRef> tables = {ref("indexed"), TableRef{"", "pg_class"}};
  // As doctor asks for them: the reading role, and recon apply's role named <role>_apply.
  auto statements = conn_->least_privilege_sql(tables, kReader, /*writes=*/false);
  const auto apply_statements = conn_->least_privilege_sql(tables, kReader + "_apply", /*writes=*/true);
  statements.insert(statements.end(), apply_statements.begin(), apply_statements.end());
  for (const auto& s : statements) {
    if (s.rfind("--", 0) == 0) continue;
    ASSERT_NO_THROW(admin_exec(s)) << s;  // as written, by the superuser
  }
  for (const std::string& r : {kReader, kReader + "_apply"}) admin_exec("ALTER ROLE " + r + " PASSWORD '" + kPassword + "'");
  // The unqualified name was resolved through the search_path, as a run resolves it.
  EXPECT_NE(std::find(statements.begin(), statements.end(),
                      "GRANT SELECT ON TABLE \"pg_catalog\".\"pg_class\" TO \"" + kReader + "\";"),
            statements.end());

  auto reader = login_as(kReader);
  EXPECT_EQ(reader->login_facts().all_powerful_role, "");
  EXPECT_TRUE(reader->login_facts().catalog_missing.empty());
  const TableFacts r = facts(*reader, "indexed", {"id"});
  EXPECT_TRUE(r.can_select);
  EXPECT_TRUE(r.write_rights.empty());
  EXPECT_TRUE(*r.range_read.uses_key_index) << r.range_read.plan;

  auto apply = login_as(kReader + "_apply");
  const TableFacts a = facts(*apply, "indexed", {"id"});
  EXPECT_TRUE(a.can_select);
  EXPECT_EQ(a.write_rights, (std::vector<std::string>{"INSERT", "UPDATE", "DELETE"}));
}

TEST_F(PostgresDoctor, TheSelfTestNamesTheStatementTheServerRefuses) {
  try {
    conn_->read_literals({LiteralProbe{"integer", "CAST('x' AS int4)"}});
    FAIL() << "an invalid literal was read";
  } catch (const ConnectorError& e) {
    EXPECT_NE(std::string(e.what()).find("invalid input syntax for type integer"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace recon

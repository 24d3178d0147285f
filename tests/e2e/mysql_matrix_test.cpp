// The MySQL side end to end: MariaDB (a throwaway mariadbd, read by recon through MariaDB
// Connector/C) against PostgreSQL (pg_virtualenv), both directions. The same logical values on
// both sides give zero divergences; one unit off in one value gives exactly one `changed` row
// naming that column; `recon apply` on a MySQL target makes it equal, as EXCEPT on MariaDB shows.
#include <gtest/gtest.h>

#include "mysql_matrix.hpp"
#include "tds_fixture.hpp"

namespace e2e {
namespace {

namespace mx = mymatrix;

class MysqlMatrix : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg() || !have_mariadb()) return;
    server_ = std::make_unique<MariaDbServer>();
    root_ = std::make_unique<MyDb>(*server_);
    db_ = std::make_unique<PgDatabase>("recon_e2e_mysql_matrix");
    mx::build_mysql(*root_, "mx");
    mx::build_postgres(*db_, "mx");
  }
  static void TearDownTestSuite() {
    root_.reset();
    server_.reset();
    db_.reset();
  }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
    if (!have_mariadb()) GTEST_SKIP() << "mariadb-server is not installed";
  }

  static std::string pg_side(const std::string& side) {
    return "[" + side + "]\nkind = \"postgres\"\nurl = " + toml_str(db_->conninfo()) + "\n";
  }
  /// dir/job.toml: MySQL database `my_ns` against PostgreSQL schema `pg_ns`, MySQL as source
  /// when `mysql_source`.
  static void write_job(const TempDir& dir, bool mysql_source, const std::string& my_ns, const std::string& pg_ns) {
    const std::string sides = mysql_source ? server_->side_toml("source", my_ns) + "\n" + pg_side("target")
                                           : pg_side("source") + "\n" + server_->side_toml("target", my_ns);
    write_file(dir / "job.toml", sides + "\n[check]\nthreads = 2\n\n" +
                                     mx::tables_toml(mysql_source ? my_ns : pg_ns, mysql_source ? pg_ns : my_ns, 2));
  }
  static ProcResult check(const TempDir& dir, const std::string& out = "out") {
    return run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / out).string(), "--audit",
                      (dir / "audit.db").string(), "--no-progress"},
                     my_env(), 120);
  }

  static void expect_all_columns_compared(const json& summary) {
    for (const auto& t : mx::tables()) {
      const json& e = table_entry(summary, t.name);
      std::set<std::string> want, got;
      for (const auto& c : t.columns) want.insert(c.name);
      for (const auto& c : e.at("columns")) got.insert(c.get<std::string>());
      got.erase("id");
      EXPECT_EQ(got, want) << "table " << t.name << ": " << e.dump();
      EXPECT_FALSE(e.at("partial").get<bool>()) << e.dump();
    }
  }

  /// (table, id) -> the columns the audit names for a `changed` row; other categories as "!category".
  static std::map<std::pair<std::string, long long>, std::set<std::string>> audit_divergences(const fs::path& audit_db) {
    std::map<std::pair<std::string, long long>, std::set<std::string>> out;
    SqliteDb audit(audit_db);
    for (const auto& row : audit.rows("SELECT table_name, key_json, category, columns_json FROM divergences")) {
      auto& cols = out[{row[0], json::parse(row[1]).at(0).get<long long>()}];
      if (row[2] != "changed") {
        cols.insert("!" + row[2]);
        continue;
      }
      for (const auto& c : json::parse(row[3])) cols.insert(c.get<std::string>());
    }
    return out;
  }

  static void expect_exactly_the_plants(const fs::path& audit_db) {
    std::map<std::pair<std::string, long long>, std::set<std::string>> want;
    for (const auto& p : mx::plants()) want[{p.table, p.id}].insert(p.column);
    const auto got = audit_divergences(audit_db);
    for (const auto& [where, cols] : want) {
      const auto it = got.find(where);
      if (it == got.end()) ADD_FAILURE() << "missed: " << where.first << " id " << where.second << " " << *cols.begin();
      else EXPECT_EQ(it->second, cols) << where.first << " id " << where.second;
    }
    for (const auto& [where, cols] : got)
      if (!want.count(where)) ADD_FAILURE() << "false positive: " << where.first << " id " << where.second << " " << *cols.begin();
  }

  static inline std::unique_ptr<MariaDbServer> server_;
  static inline std::unique_ptr<MyDb> root_;
  static inline std::unique_ptr<PgDatabase> db_;
};

TEST_F(MysqlMatrix, SameValuesWrittenEachEnginesWayHaveZeroDivergencesBothWays) {
  ASSERT_GE(mx::value_pairs(), 60u);
  for (const bool mysql_source : {true, false}) {
    SCOPED_TRACE(mysql_source ? "mysql -> postgres" : "postgres -> mysql");
    TempDir dir("my-mx");
    write_job(dir, mysql_source, "mx", "mx");
    const ProcResult r = check(dir);
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    const json summary = read_json(dir / "out" / "summary.json");
    EXPECT_EQ(summary.value("status", ""), "consistent") << summary.dump(2);
    expect_all_columns_compared(summary);
    for (const auto& t : mx::tables()) {
      const json& e = table_entry(summary, t.name);
      EXPECT_DOUBLE_EQ(e.at("consistency_index").get<double>(), 1.0) << e.dump();
      EXPECT_EQ(e.at("matched").get<std::size_t>(), t.rows.size()) << e.dump();
    }
    SqliteDb audit(dir / "audit.db");
    for (const auto& row : audit.rows("SELECT table_name, key_json, category, columns_json, source_values_json, "
                                      "target_values_json FROM divergences"))
      ADD_FAILURE() << "false positive: " << row[0] << " key " << row[1] << " " << row[2] << " " << row[3]
                    << "\n  source: " << row[4].substr(0, 400) << "\n  target: " << row[5].substr(0, 400);
  }
}

TEST_F(MysqlMatrix, OneUnitOffIsOneChangedRowNamingTheColumnBothWays) {
  // MySQL source, plants on the PostgreSQL target.
  mx::build_postgres(*db_, "pl");
  for (const auto& p : mx::plants()) mx::plant_postgres(*db_, "pl", p);
  TempDir to_pg("my-pl");
  write_job(to_pg, true, "mx", "pl");
  const ProcResult r1 = check(to_pg);
  ASSERT_EQ(r1.exit_code, 1) << r1.describe();
  expect_all_columns_compared(read_json(to_pg / "out" / "summary.json"));
  expect_exactly_the_plants(to_pg / "audit.db");

  // PostgreSQL source, plants on the MySQL target.
  mx::build_mysql(*root_, "pl");
  for (const auto& p : mx::plants()) mx::plant_mysql(*root_, "pl", p);
  TempDir to_my("my-pl2");
  write_job(to_my, false, "pl", "mx");
  const ProcResult r2 = check(to_my);
  ASSERT_EQ(r2.exit_code, 1) << r2.describe();
  expect_exactly_the_plants(to_my / "audit.db");
}

TEST_F(MysqlMatrix, ApplyOnAMysqlTargetMakesItEqual) {
  // Plants, a row missing in the target (INSERT renders every type) and one only in the target.
  // No JSON plant: the repaired document is written in canonical form, which MariaDB's own
  // JSON_NORMALIZE (the truth below) matches for key order and numbers but not for \u escapes.
  mx::build_mysql(*root_, "fx");
  for (const auto& p : mx::plants())
    if (p.column != "c_json") mx::plant_mysql(*root_, "fx", p);
  for (const auto& t : mx::tables()) {
    root_->exec("DELETE FROM fx." + t.name + " WHERE id = 1");
    root_->exec("INSERT INTO fx." + t.name + " SELECT 99, " + [&] {
      std::string cols;
      for (const auto& c : t.columns) cols += (cols.empty() ? "" : ", ") + c.name;
      return cols;
    }() + " FROM fx." + t.name + " WHERE id = 2");
  }
  TempDir dir("my-fx");
  write_job(dir, false, "fx", "mx");
  const ProcResult first = check(dir, "out1");
  ASSERT_EQ(first.exit_code, 1) << first.describe();
  for (const auto& t : mx::tables())
    ASSERT_TRUE(fs::exists(dir / "out1" / "fixup" / (t.name + ".sql"))) << t.name;
  const ProcResult apply =
      run_recon({"apply", "--run", "latest", "--audit", (dir / "audit.db").string(), "--no-progress"}, my_env(), 120);
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  // Truth on MariaDB itself: fx now holds exactly what mx holds (mx was written from the same
  // values as the PostgreSQL source, and the matrix test shows those equal); JSON as documents.
  for (const auto& t : mx::tables()) {
    std::string cols = "id";
    for (const auto& c : t.columns) cols += ", " + (c.name == "c_json" ? "JSON_NORMALIZE(c_json)" : c.name);
    for (const auto& [a, b] : {std::pair{"fx", "mx"}, std::pair{"mx", "fx"}})
      EXPECT_EQ(root_->count("SELECT COUNT(*) FROM (SELECT " + cols + " FROM " + a + "." + t.name + " EXCEPT SELECT " +
                             cols + " FROM " + b + "." + t.name + ") d"),
                0)
          << t.name << ": " << a << " EXCEPT " << b;
  }
  const ProcResult second = check(dir, "out2");
  EXPECT_EQ(second.exit_code, 0) << second.describe();
}

TEST_F(MysqlMatrix, ZeroDateIsADivergenceNotACrash) {
  root_->exec("DROP DATABASE IF EXISTS zd; CREATE DATABASE zd; CREATE TABLE zd.z (id int PRIMARY KEY, d date, "
              "dt datetime); INSERT INTO zd.z VALUES (1, '0000-00-00', '0000-00-00 00:00:00'), (2, '2024-01-01', "
              "'2024-01-01 00:00:00')");
  db_->exec("DROP SCHEMA IF EXISTS zd CASCADE; CREATE SCHEMA zd; CREATE TABLE zd.z (id int PRIMARY KEY, d date, "
            "dt timestamp); INSERT INTO zd.z VALUES (1, NULL, NULL), (2, '2024-01-01', '2024-01-01')");
  TempDir dir("my-zd");
  write_file(dir / "job.toml", server_->side_toml("source", "zd") + "\n" + pg_side("target") +
                                   "\n[check]\nthreads = 2\n\n[[tables]]\nname = \"z\"\nsource = \"zd.z\"\n"
                                   "target = \"zd.z\"\nkey = [\"id\"]\n");
  const ProcResult r = check(dir);
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  const auto got = audit_divergences(dir / "audit.db");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got.begin()->first.second, 1);
  EXPECT_EQ(got.begin()->second, (std::set<std::string>{"d", "dt"}));
}

TEST_F(MysqlMatrix, LoginTableAndReachabilityFailuresExitAsDocumented) {
  TempDir dir("my-err");
  auto job = [&](const std::string& url, const std::string& table) {
    write_file(dir / "job.toml", "[source]\nkind = \"mysql\"\nurl = \"" + url + "\"\npassword_env = \"" +
                                     kMyPasswordEnv + "\"\nlogin_timeout = 3\n\n" + pg_side("target") +
                                     "\n[check]\nthreads = 1\nretries = 0\n\n[[tables]]\nname = \"ints\"\nsource = \"" +
                                     table + "\"\ntarget = \"mx.ints\"\nkey = [\"id\"]\n");
  };
  auto run = [&](const std::string& password) {
    return run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(), "--audit",
                      (dir / "audit.db").string(), "--no-progress"},
                     {{kMyPasswordEnv, password}}, 120);
  };
  job(server_->url("mx"), "mx.ints");
  const ProcResult wrong = run("not-the-Pw-73");
  EXPECT_EQ(wrong.exit_code, 2) << wrong.describe();
  EXPECT_EQ(wrong.err.find("not-the-Pw-73"), std::string::npos) << wrong.describe();
  EXPECT_NE(wrong.err.find("mysql://recon@127.0.0.1"), std::string::npos) << wrong.describe();

  job(server_->url("mx"), "mx.no_such_table");
  const ProcResult missing = run(kMyPassword);
  EXPECT_EQ(missing.exit_code, 2) << missing.describe();
  EXPECT_NE(missing.err.find("no_such_table"), std::string::npos) << missing.describe();

  job("mysql://recon@127.0.0.1:" + std::to_string(unused_port()) + "/mx", "mx.ints");
  const ProcResult unreachable = run(kMyPassword);
  EXPECT_EQ(unreachable.exit_code, 3) << unreachable.describe();
}

}  // namespace
}  // namespace e2e

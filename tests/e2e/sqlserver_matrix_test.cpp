// Issue 3's type matrix end to end: SQL Server (the TDS 7.4 test server, read by recon through
// the real FreeTDS client) against PostgreSQL (pg_virtualenv). The same logical values on both
// sides must give zero divergences; one unit off in one value must give exactly one `changed` row
// naming that column; the fix-up SQL must make the target equal.
#include <gtest/gtest.h>

#include "sqlserver_matrix.hpp"

namespace e2e {
namespace {

namespace mx = matrix;

class SqlServerMatrix : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg() || tds_server_binary().empty()) return;
    dir_ = std::make_unique<TempDir>("tds-matrix");
    {
      SqliteDb fixture(*dir_ / "fixture.db");
      mx::build_fixture(fixture);
    }
    server_ = std::make_unique<TdsServer>(*dir_ / "fixture.db");
    db_ = std::make_unique<PgDatabase>("recon_e2e_tds_matrix");
  }
  static void TearDownTestSuite() {
    server_.reset();
    db_.reset();
    dir_.reset();
  }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
    if (tds_server_binary().empty()) GTEST_SKIP() << "tds_test_server was not built";
  }

  /// Writes dir/job.toml comparing dbo.* with schema.* (chunk_rows 3: several ranges per table).
  static void write_job(const TempDir& dir, const std::string& schema) {
    write_file(dir / "job.toml", tds_job(server_->port(), *db_, mx::tables_toml(schema, 3)));
  }

  /// Every table's summary entry compares every matrix column (none skipped) over all its rows.
  static void expect_all_columns_compared(const json& summary) {
    for (const auto& t : mx::tables()) {
      const json& e = table_entry(summary, t.name);
      std::set<std::string> want, got;
      for (const auto& c : t.columns) want.insert(c.name);
      for (const auto& c : e.at("columns")) got.insert(c.get<std::string>());
      got.erase("id");
      EXPECT_EQ(got, want) << "table " << t.name << ": " << e.dump();
      EXPECT_EQ(e.at("rows_source").get<std::size_t>(), t.rows.size()) << e.dump();
      EXPECT_FALSE(e.at("partial").get<bool>()) << e.dump();
    }
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<TdsServer> server_;
  static inline std::unique_ptr<PgDatabase> db_;
};

TEST_F(SqlServerMatrix, SameValuesWrittenEachEnginesWayHaveZeroDivergences) {
  ASSERT_GE(mx::value_pairs(), 150u);
  mx::build_postgres(*db_, "mx");
  TempDir dir("tds-mx");
  write_job(dir, "mx");
  const ProcResult r = run_check(dir);
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  const json summary = read_json(dir / "out" / "summary.json");
  EXPECT_EQ(summary.value("status", ""), "consistent") << summary.dump(2);
  expect_all_columns_compared(summary);
  for (const auto& t : mx::tables()) {
    const json& e = table_entry(summary, t.name);
    EXPECT_DOUBLE_EQ(e.at("consistency_index").get<double>(), 1.0) << e.dump();
    EXPECT_EQ(e.at("matched").get<std::size_t>(), t.rows.size()) << e.dump();
  }
  // What recon said differs, for the failure message: the audit names the column and both values.
  SqliteDb audit(dir / "audit.db");
  const auto rows = audit.rows(
      "SELECT table_name, key_json, category, columns_json, source_values_json, target_values_json FROM divergences");
  for (const auto& row : rows)
    ADD_FAILURE() << "false positive: " << row[0] << " key " << row[1] << " " << row[2] << " " << row[3]
                  << "\n  source: " << row[4].substr(0, 400) << "\n  target: " << row[5].substr(0, 400);
}

/// (table, id) -> the columns recon's audit names for a `changed` row; other categories as "!category".
std::map<std::pair<std::string, long long>, std::set<std::string>> audit_divergences(const fs::path& audit_db) {
  std::map<std::pair<std::string, long long>, std::set<std::string>> out;
  SqliteDb audit(audit_db);
  for (const auto& row : audit.rows("SELECT table_name, key_json, category, columns_json FROM divergences")) {
    const json key = json::parse(row[1]);
    auto& cols = out[{row[0], key.at(0).get<long long>()}];
    if (row[2] != "changed") {
      cols.insert("!" + row[2]);
      continue;
    }
    for (const auto& c : json::parse(row[3])) cols.insert(c.get<std::string>());
  }
  return out;
}

TEST_F(SqlServerMatrix, OneUnitOffInEachFamilyIsOneChangedRowNamingTheColumn) {
  mx::build_postgres(*db_, "pl");
  std::map<std::pair<std::string, long long>, std::set<std::string>> want;
  std::map<std::string, long long> changed_per_table;
  for (const auto& p : mx::plants()) {
    mx::apply(*db_, "pl", p);
    auto& cols = want[std::make_pair(p.table, static_cast<long long>(p.id))];
    cols.insert(p.column);
    ASSERT_EQ(cols.size(), 1u) << "two plants in one row: " << p.table << " " << p.id;
    ++changed_per_table[p.table];
  }
  TempDir dir("tds-pl");
  write_job(dir, "pl");
  const ProcResult r = run_check(dir);
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  const json summary = read_json(dir / "out" / "summary.json");
  EXPECT_EQ(summary.value("status", ""), "divergent");
  expect_all_columns_compared(summary);
  for (const auto& t : mx::tables()) {
    const json& e = table_entry(summary, t.name);
    SCOPED_TRACE(e.dump());
    EXPECT_EQ(e.at("changed").get<long long>(), changed_per_table[t.name]);
    EXPECT_EQ(e.at("missing_in_target").get<long long>(), 0);
    EXPECT_EQ(e.at("missing_in_source").get<long long>(), 0);
    EXPECT_EQ(e.at("rows_compared").get<std::size_t>(), t.rows.size());
  }
  const auto got = audit_divergences(dir / "audit.db");
  for (const auto& [where, cols] : want) {
    const auto it = got.find(where);
    if (it == got.end()) ADD_FAILURE() << "missed: " << where.first << " id " << where.second << " " << *cols.begin();
    else EXPECT_EQ(it->second, cols) << where.first << " id " << where.second;
  }
  for (const auto& [where, cols] : got)
    if (!want.count(where)) ADD_FAILURE() << "false positive: " << where.first << " id " << where.second << " " << *cols.begin();
}

TEST_F(SqlServerMatrix, FixupSqlAppliedWithPsqlGivesIndexOne) {
  // Planted changes, plus a row missing in the target (fix-up INSERT renders every type) and a
  // row only in the target (fix-up DELETE).
  mx::build_postgres(*db_, "fx");
  for (const auto& p : mx::plants()) mx::apply(*db_, "fx", p);
  for (const auto& t : mx::tables()) {
    db_->exec("DELETE FROM fx." + t.name + " WHERE id = " + std::to_string(t.rows.size()));
    std::string cols;
    for (const auto& c : t.columns) cols += ", " + c.name;
    db_->exec("INSERT INTO fx." + t.name + " SELECT 99" + cols + " FROM fx." + t.name + " WHERE id = 1");
  }
  TempDir dir("tds-fx");
  write_job(dir, "fx");
  const ProcResult first = run_check(dir, "out1");
  ASSERT_EQ(first.exit_code, 1) << first.describe();
  for (const auto& t : mx::tables()) {
    const fs::path fixup = dir / "out1" / "fixup" / (t.name + ".sql");
    ASSERT_TRUE(fs::exists(fixup)) << fixup;
    const ProcResult psql =
        run_process("/usr/bin/psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db_->name(), "-f", fixup.string()});
    ASSERT_EQ(psql.exit_code, 0) << psql.describe() << "\n--- " << fixup << " ---\n" << read_file(fixup).substr(0, 4000);
  }
  const ProcResult second = run_check(dir, "out2");
  EXPECT_EQ(second.exit_code, 0) << second.describe();
  const json s2 = read_json(dir / "out2" / "summary.json");
  EXPECT_EQ(s2.value("status", ""), "consistent");
  EXPECT_DOUBLE_EQ(s2.at("consistency_index").get<double>(), 1.0);
  for (const auto& e : s2.at("tables")) {
    EXPECT_DOUBLE_EQ(e.at("consistency_index").get<double>(), 1.0) << e.dump();
    EXPECT_EQ(e.at("missing_in_source").get<long long>(), 0) << e.dump();
  }
}

}  // namespace
}  // namespace e2e

namespace e2e {
namespace {

TEST(SqlServerJsonText, JsonInTextOnBothSidesIsJsonOnlyWhenTheJobSaysSo) {
  if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  if (tds_server_binary().empty()) GTEST_SKIP() << "tds_test_server was not built";
  // The same JSON documents, spelled differently (key order, whitespace, escapes), in nvarchar on
  // SQL Server and text on PostgreSQL: different text, equal JSON.
  const std::vector<std::pair<std::string, std::string>> docs = {
      {R"({"b": 1, "a": [1, 2.0]})", R"({"a":[1,2],"b":1})"},
      {R"({"s": "\u00e9"})", R"({"s":"é"})"},
      {R"([ true, null ])", R"([true,null])"}};
  TempDir dir("tds-jtext");
  PgDatabase db("recon_e2e_tds_jtext");
  {
    SqliteDb fixture(dir / "fixture.db");
    fixture.exec("CREATE TABLE \"dbo.jtext\" (id int PRIMARY KEY, doc \"nvarchar(max)\")");
    std::string pg = "CREATE TABLE jtext (id int PRIMARY KEY, doc text);";
    for (std::size_t i = 0; i < docs.size(); ++i) {
      fixture.exec("INSERT INTO \"dbo.jtext\" VALUES (" + std::to_string(i + 1) + ", " + sql_str(docs[i].first) + ")");
      pg += "INSERT INTO jtext VALUES (" + std::to_string(i + 1) + ", " + sql_str(docs[i].second) + ");";
    }
    db.exec(pg);
  }
  TdsServer server(dir / "fixture.db");
  const std::string table = "[[tables]]\nsource = \"dbo.jtext\"\ntarget = \"public.jtext\"\nkey = [\"id\"]\n";

  write_file(dir / "job.toml", tds_job(server.port(), db, table));
  const ProcResult as_text = run_check(dir, "out_text");
  EXPECT_EQ(as_text.exit_code, 1) << as_text.describe();
  EXPECT_EQ(table_entry(read_json(dir / "out_text" / "summary.json"), "jtext").at("changed").get<std::size_t>(),
            docs.size());

  write_file(dir / "job.toml", tds_job(server.port(), db, table + "json_columns = [\"doc\"]\n"));
  const ProcResult as_json = run_check(dir, "out_json");
  EXPECT_EQ(as_json.exit_code, 0) << as_json.describe();
  EXPECT_EQ(table_entry(read_json(dir / "out_json" / "summary.json"), "jtext").at("matched").get<std::size_t>(),
            docs.size());
}

}  // namespace
}  // namespace e2e

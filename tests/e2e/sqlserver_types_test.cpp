// SQL Server types that were refused or at risk, through the real binary against the TDS test
// server and PostgreSQL (and SQLite for datetime): xml against xml and text (compared as the text both engines keep),
// datetime against timestamp(6) holding either spelling of a 1/300 s tick, rowversion against
// bytea, and the types recon refuses with the view expression that compares them.
//
// Truth: the SQL Server values are copied from the fixture into PostgreSQL mirror tables and the
// expected divergences come from EXCEPT queries there (pg_truth), never from recon's output.
#include <cstdio>

#include <gtest/gtest.h>

#include "tds_fixture.hpp"

namespace e2e {
namespace {

/// A literal for PostgreSQL from a fixture cell read as text (SqliteDb::rows), NULL kept.
std::string pg_literal(const std::string& cell) { return cell == "<NULL>" ? "NULL" : sql_str(cell); }

class SqlServerTypes : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
    if (tds_server_binary().empty()) GTEST_SKIP() << "tds_test_server was not built";
  }
  static std::string table(const std::string& name, const std::string& extra = "") {
    return "[[tables]]\nsource = \"dbo." + name + "\"\ntarget = \"public." + name + "\"\nkey = [\"id\"]\n" + extra + "\n";
  }
  /// The fixture table's rows, each cell as text (blobs in hex), into a PostgreSQL mirror table
  /// `mirror` created by `ddl` (columns in the fixture's order).
  static void mirror(SqliteDb& fixture, PgDatabase& db, const std::string& select, const std::string& mirror,
                     const std::string& ddl) {
    std::string sql = "CREATE TABLE " + mirror + " (" + ddl + ");";
    for (const auto& row : fixture.rows(select)) {
      sql += "INSERT INTO " + mirror + " VALUES (";
      for (std::size_t i = 0; i < row.size(); ++i) sql += (i ? ", " : "") + pg_literal(row[i]);
      sql += ");";
    }
    db.exec(sql);
  }

  TempDir dir_{"tds-types"};
};

// ---- xml ----------------------------------------------------------------------------------------

/// Documents as SQL Server serialises them (attributes in stored order, `<e />`, entities kept
/// where XML needs them), with characters outside Latin-1 and one past the 4 KB/8 KB chunk sizes.
std::vector<std::string> xml_documents() {
  std::string big = "<big>";
  for (int i = 0; i < 3000; ++i) big += "<i n=\"" + std::to_string(i) + "\">ção &amp; 日本</i>";
  big += "</big>";
  return {"<r><a x=\"1\" y=\"2\">t &amp; u &lt; v &gt; w</a></r>",
          "<e z=\"1\" a=\"2\" />",
          "<x>ção Ωmega 日本語 😀</x>",
          "<q t=\"&quot;quoted&quot; &amp; &lt;tag&gt;\" u=\"single\" />",
          "<w>  spaced   text </w>",
          "<a /><b>fragment</b>",
          "<ns:doc xmlns:ns=\"urn:x\"><ns:v>1</ns:v></ns:doc>",
          big};
}

TEST_F(SqlServerTypes, XmlComparesAsTextAgainstXmlAndText) {
  PgDatabase db("recon_e2e_tds_xml");
  const auto docs = xml_documents();
  {
    SqliteDb fixture(dir_ / "fixture.db");
    // a: xml ↔ xml, b: xml ↔ text, c: nvarchar(max) ↔ xml.
    fixture.exec("CREATE TABLE \"dbo.docs\" (id int PRIMARY KEY, a xml, b xml, c \"nvarchar(max)\")");
    std::string pg = "CREATE TABLE docs (id int PRIMARY KEY, a xml, b text, c xml);";
    for (std::size_t i = 0; i < docs.size(); ++i) {
      // Each column holds a different document of the list, so a column read in the wrong place differs.
      const std::string a = sql_str(docs[i]), b = sql_str(docs[(i + 1) % docs.size()]), c = sql_str(docs[(i + 2) % docs.size()]);
      const std::string row = std::to_string(i + 1) + ", " + a + ", " + b + ", " + c;
      fixture.exec("INSERT INTO \"dbo.docs\" VALUES (" + row + ")");
      pg += "INSERT INTO docs VALUES (" + row + ");";
    }
    fixture.exec("INSERT INTO \"dbo.docs\" VALUES (50, NULL, NULL, NULL)");
    pg += "INSERT INTO docs VALUES (50, NULL, NULL, NULL);";
    // Planted: an attribute's value, attributes in another order (text differs: compared as
    // stored), an entity spelled as its character, and a row only the source has.
    fixture.exec("INSERT INTO \"dbo.docs\" VALUES (100, '<r><a x=\"1\" /></r>', '<e z=\"1\" a=\"2\" />', '<t>&amp;</t>')");
    pg += "INSERT INTO docs VALUES (100, '<r><a x=\"2\" /></r>', '<e z=\"1\" a=\"2\" />', '<t>&amp;</t>');";
    fixture.exec("INSERT INTO \"dbo.docs\" VALUES (101, '<r />', '<e z=\"1\" a=\"2\" />', '<t>&#38;</t>')");
    pg += "INSERT INTO docs VALUES (101, '<r />', '<e a=\"2\" z=\"1\" />', '<t>&#38;</t>');";
    fixture.exec("INSERT INTO \"dbo.docs\" VALUES (102, '<only-source />', NULL, NULL)");
    db.exec(pg);
    mirror(fixture, db, "SELECT id, a, b, c FROM \"dbo.docs\"", "ss_docs", "id int, a text, b text, c text");
  }
  db.exec("CREATE VIEW docs_text AS SELECT id, a::text AS a, b, c::text AS c FROM docs");
  const Truth truth = pg_truth(db, "ss_docs", "docs_text", "id");
  ASSERT_EQ(truth.changed, 2);  // 100 and 101; 102 is missing in the target
  ASSERT_EQ(truth.missing_in_target, 1);

  TdsServer server(dir_ / "fixture.db");
  write_file(dir_ / "job.toml", tds_job(server.port(), db, table("docs", "chunk_rows = 3")));
  const ProcResult r = run_check(dir_);
  EXPECT_EQ(r.exit_code, expected_exit(truth)) << r.describe();
  expect_counts(read_json(dir_ / "out" / "summary.json"), "docs", truth);
}

// ---- datetime ticks -----------------------------------------------------------------------------

TEST_F(SqlServerTypes, DatetimeEqualsATimestampHoldingTheTicksExactOrShownValue) {
  PgDatabase db("recon_e2e_tds_ticks");
  // ss_ticks: the source as ticks (second, tick of that second, or NULL); the fixture gets the
  // millisecond SQL Server shows for each (the test server stores it back as the same tick).
  db.exec("CREATE TABLE ss_ticks (id int PRIMARY KEY, sec timestamp(0), tick int);"
          "INSERT INTO ss_ticks SELECT t, timestamp '2024-02-29 13:45:10', t FROM generate_series(0, 299) t;"
          "INSERT INTO ss_ticks SELECT 300 + t, timestamp '1955-06-01 00:00:59', t FROM generate_series(0, 299) t;"
          "INSERT INTO ss_ticks SELECT 600 + t, timestamp '2024-12-31 23:59:59', 299 - t % 7 FROM generate_series(0, 99) t;"
          "INSERT INTO ss_ticks VALUES (1000, '2024-01-01 10:00:00', 1), (1001, '2024-12-31 23:59:59', 299),"
          "  (1002, '2024-01-01 10:00:00', 1), (1003, NULL, NULL);"
          "CREATE VIEW ss_ticks_values AS SELECT id, sec + round(tick * 10 / 3.0) * interval '1 millisecond' AS shown,"
          "  sec + round(tick * 1000000 / 300.0) * interval '1 microsecond' AS exact FROM ss_ticks;"
          // The target: the exact value on even ids, the shown one on odd ids.
          "CREATE TABLE dt (id int PRIMARY KEY, d timestamp(6));"
          "INSERT INTO dt SELECT id, CASE WHEN id % 2 = 0 THEN exact ELSE shown END FROM ss_ticks_values WHERE id < 1000;"
          // Planted: .004 where the source has tick 1 (.003); the next day where the source has .997;
          // tick 2's exact value (.006667) where the source has tick 1; NULL on both sides.
          "INSERT INTO dt VALUES (1000, '2024-01-01 10:00:00.004'), (1001, '2025-01-01 00:00:00'),"
          "  (1002, '2024-01-01 10:00:00.006667'), (1003, NULL);");
  {
    SqliteDb fixture(dir_ / "fixture.db");
    fixture.exec("CREATE TABLE \"dbo.dt\" (id int PRIMARY KEY, d \"datetime text\")");
    fixture.exec("BEGIN");
    for (const auto& row : db.query("SELECT id, to_char(shown, 'YYYY-MM-DD HH24:MI:SS.MS') FROM ss_ticks_values"))
      fixture.exec("INSERT INTO \"dbo.dt\" VALUES (" + row[0].as<std::string>() + ", " +
                   (row[1].is_null() ? "NULL" : sql_str(row[1].as<std::string>())) + ")");
    fixture.exec("COMMIT");
  }
  // Truth: a target value equal to the tick's exact value counts as the tick (docs/canonical-values.md).
  db.exec("CREATE VIEW ss_dt AS SELECT s.id, CASE WHEN t.d = s.exact THEN s.exact ELSE s.shown END AS d "
          "FROM ss_ticks_values s LEFT JOIN dt t USING (id)");
  const Truth truth = pg_truth(db, "ss_dt", "dt", "id");
  ASSERT_EQ(truth.changed, 3);
  ASSERT_GE(db.count("SELECT count(*) FROM dt JOIN ss_ticks_values USING (id) WHERE d = exact AND d <> shown"), 200)
      << "the target should hold exact values that differ from the shown ones";

  TdsServer server(dir_ / "fixture.db");
  write_file(dir_ / "job.toml", tds_job(server.port(), db, table("dt", "chunk_rows = 97")));
  const ProcResult r = run_check(dir_);
  EXPECT_EQ(r.exit_code, expected_exit(truth)) << r.describe();
  expect_counts(read_json(dir_ / "out" / "summary.json"), "dt", truth);

  // The same target values as SQLite text: the SQLite connector's value append runs the same
  // finish step, so the counts are the same.
  {
    SqliteDb target(dir_ / "target.db");
    target.exec("CREATE TABLE dt (id INTEGER PRIMARY KEY, d TEXT); BEGIN");
    for (const auto& row : db.query("SELECT id, to_char(d, 'YYYY-MM-DD HH24:MI:SS.US') FROM dt"))
      target.exec("INSERT INTO dt VALUES (" + row[0].as<std::string>() + ", " +
                  (row[1].is_null() ? "NULL" : sql_str(row[1].as<std::string>())) + ")");
    target.exec("COMMIT");
  }
  write_file(dir_ / "job.toml", tds_source_toml(server.port()) + "\n[target]\nkind = \"sqlite\"\nurl = " +
                                    toml_str((dir_ / "target.db").string()) +
                                    "\n\n[check]\nthreads = 2\n\n[[tables]]\nsource = \"dbo.dt\"\ntarget = \"dt\"\n"
                                    "key = [\"id\"]\nchunk_rows = 97\n");
  const ProcResult on_sqlite = run_check(dir_, "out-sqlite");
  EXPECT_EQ(on_sqlite.exit_code, expected_exit(truth)) << on_sqlite.describe();
  expect_counts(read_json(dir_ / "out-sqlite" / "summary.json"), "dt", truth);
}

// ---- rowversion ---------------------------------------------------------------------------------

TEST_F(SqlServerTypes, RowversionComparesAsEightBytesAgainstBytea) {
  PgDatabase db("recon_e2e_tds_rowversion");
  {
    SqliteDb fixture(dir_ / "fixture.db");
    fixture.exec("CREATE TABLE \"dbo.rv\" (id int PRIMARY KEY, rv rowversion NOT NULL, note \"nvarchar(20)\")");
    fixture.exec("BEGIN");
    for (int i = 1; i <= 120; ++i) {
      char hex[17];
      std::snprintf(hex, sizeof hex, "%016llX", 0x00000000000007D0ULL + static_cast<unsigned long long>(i) * 0x10001ULL);
      fixture.exec("INSERT INTO \"dbo.rv\" VALUES (" + std::to_string(i) + ", X'" + hex + "', 'n" + std::to_string(i) + "')");
    }
    fixture.exec("INSERT INTO \"dbo.rv\" VALUES (121, X'FF00000000000000', 'high byte')");
    fixture.exec("COMMIT");
    mirror(fixture, db, "SELECT id, hex(rv), note FROM \"dbo.rv\"", "ss_rv_hex", "id int, rv text, note text");
  }
  db.exec("CREATE VIEW ss_rv AS SELECT id, decode(rv, 'hex') AS rv, note FROM ss_rv_hex;"
          "CREATE TABLE rv (id int PRIMARY KEY, rv bytea, note text);"
          "INSERT INTO rv SELECT * FROM ss_rv WHERE id <> 7;"
          // Planted: one byte changed, and a row the source does not have.
          "UPDATE rv SET rv = overlay(rv placing '\\x01'::bytea from 8) WHERE id = 3;"
          "INSERT INTO rv VALUES (500, '\\x0000000000000001', 'target only');");
  const Truth truth = pg_truth(db, "ss_rv", "rv", "id");
  ASSERT_EQ(truth.changed, 1);

  TdsServer server(dir_ / "fixture.db");
  write_file(dir_ / "job.toml", tds_job(server.port(), db, table("rv", "chunk_rows = 25")));
  const ProcResult r = run_check(dir_);
  EXPECT_EQ(r.exit_code, expected_exit(truth)) << r.describe();
  expect_counts(read_json(dir_ / "out" / "summary.json"), "rv", truth);
}

// ---- refused types ------------------------------------------------------------------------------

TEST_F(SqlServerTypes, RefusedTypesAreTwoNamingTableColumnAndTheCastToUse) {
  PgDatabase db("recon_e2e_tds_refused");
  {
    SqliteDb fixture(dir_ / "fixture.db");
    fixture.exec("CREATE TABLE \"dbo.odd\" (id int PRIMARY KEY, path hierarchyid, v sql_variant, g geography, "
                 "s geometry, note \"nvarchar(20)\")");
    fixture.exec("INSERT INTO \"dbo.odd\" VALUES (1, NULL, NULL, NULL, NULL, 'one'), (2, NULL, NULL, NULL, NULL, 'two')");
  }
  db.exec("CREATE TABLE odd (id int PRIMARY KEY, path text, v text, g bytea, s bytea, note text);"
          "INSERT INTO odd VALUES (1, NULL, NULL, NULL, NULL, 'one'), (2, NULL, NULL, NULL, NULL, 'two');");
  TdsServer server(dir_ / "fixture.db");

  write_file(dir_ / "job.toml", tds_job(server.port(), db, table("odd")));
  const ProcResult r = run_check(dir_);
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"column 'path' of source table dbo.odd has type hierarchyid", "CAST([path] AS nvarchar(4000)) AS [path]"},
      {"column 'v' of source table dbo.odd has type sql_variant", "CAST([v] AS nvarchar(4000)) AS [v]"},
      {"column 'g' of source table dbo.odd has type geography", "[g].STAsBinary() AS [g]"},
      {"column 's' of source table dbo.odd has type geometry", "[s].STAsBinary() AS [s]"}};
  for (const auto& [column, cast] : expected) {
    EXPECT_NE(r.err.find(column), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(cast), std::string::npos) << r.err;
  }

  // Skipped knowingly, the rest of the table compares.
  write_file(dir_ / "job.toml",
             tds_job(server.port(), db, table("odd", "ignore_columns = [\"path\", \"v\", \"g\", \"s\"]")));
  const ProcResult skipped = run_check(dir_, "out2");
  EXPECT_EQ(skipped.exit_code, 0) << skipped.describe();
}

}  // namespace
}  // namespace e2e

// Key shapes and range edge cases on PostgreSQL: composite keys, text keys whose collation order is
// not byte order, uuid keys, NULLs, empty and one-row tables, a key block missing on one side,
// skewed keys. Each run uses small chunk_rows so divergences straddle many ranges.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

class PgKeys : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg()) return;
    db_ = std::make_unique<PgDatabase>("recon_e2e_keys");
    db_->exec("CREATE SCHEMA src; CREATE SCHEMA tgt;");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }

  /// Creates src.<t> from `ddl_and_fill` (which must use the placeholder table name src.<t>),
  /// copies it to tgt.<t>, then applies `plant` (statements on tgt.<t> / src.<t>).
  static void make_pair(const std::string& t, const std::string& ddl, const std::string& fill,
                        const std::string& plant) {
    db_->exec("CREATE TABLE src." + t + " " + ddl);
    if (!fill.empty()) db_->exec("INSERT INTO src." + t + " " + fill);
    db_->exec("CREATE TABLE tgt." + t + " (LIKE src." + t + " INCLUDING ALL); INSERT INTO tgt." + t +
              " SELECT * FROM src." + t);
    if (!plant.empty()) db_->exec(plant);
  }

  /// Runs check on src.<t> vs tgt.<t> and compares everything with the EXCEPT truth.
  static Truth check_against_truth(const std::string& t, const std::string& keys_toml, const std::string& keys_sql,
                                   int chunk_rows) {
    const Truth truth = pg_truth(*db_, "src." + t, "tgt." + t, keys_sql);
    TempDir dir(t);
    write_file(dir / "job.toml", pg_job(*db_, "[[tables]]\nsource = \"src." + t + "\"\ntarget = \"tgt." + t +
                                                   "\"\nkey = " + keys_toml + "\n",
                                        "chunk_rows = " + std::to_string(chunk_rows)));
    const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out",
                                    (dir / "out").string(), "--no-progress"});
    EXPECT_EQ(r.exit_code, expected_exit(truth)) << r.describe();
    if (r.exit_code == 0 || r.exit_code == 1) expect_counts(read_json(dir / "out" / "summary.json"), t, truth);
    return truth;
  }

  /// Runs check with a hand-written [[tables]] entry; returns summary.json (null if none).
  static json run_tables(const std::string& tag, const std::string& tables_toml, int chunk_rows, int want_exit) {
    TempDir dir(tag);
    write_file(dir / "job.toml", pg_job(*db_, tables_toml, "chunk_rows = " + std::to_string(chunk_rows)));
    const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out",
                                    (dir / "out").string(), "--no-progress"});
    EXPECT_EQ(r.exit_code, want_exit) << r.describe();
    if (!fs::exists(dir / "out" / "summary.json")) return json();
    return read_json(dir / "out" / "summary.json");
  }

  static inline std::unique_ptr<PgDatabase> db_;
};

TEST_F(PgKeys, CompositeIntTextKey) {
  make_pair("comp", "(a int, b text, v text, PRIMARY KEY (a, b))",
            "SELECT a, b, a || '/' || b FROM generate_series(1, 12) a, "
            "unnest(ARRAY['x', 'X', 'é', 'a b', '', 'zz']) b",
            "DELETE FROM tgt.comp WHERE a = 3 AND b IN ('x', '');"
            "INSERT INTO tgt.comp VALUES (3, 'new', 't'), (99, '', 't');"
            "UPDATE tgt.comp SET v = v || '!' WHERE (a = 7 AND b = 'é') OR (a = 12 AND b = 'zz');");
  const Truth t = check_against_truth("comp", "[\"a\", \"b\"]", "a, b", 5);
  EXPECT_EQ(t.missing_in_target, 2);  // sanity of the planting itself, not of recon
}

TEST_F(PgKeys, TextKeysMixedCaseAndAccentsAcrossRanges) {
  // A linguistic collation on the key orders 'a' < 'B' < 'é' … unlike byte order; recon must
  // still pair every key. Fall back to the database default when ICU is absent.
  const bool icu = db_->count("SELECT count(*) FROM pg_collation WHERE collname = 'und-x-icu'") > 0;
  const std::string coll = icu ? " COLLATE \"und-x-icu\"" : "";
  make_pair("txt", "(k text" + coll + " PRIMARY KEY, v int)",
            "SELECT k, row_number() OVER () FROM unnest(ARRAY['a', 'B', 'É', 'é', 'z', 'Z', 'A', 'b', 'e', 'E', "
            "'ä', 'Ä', 'aa', 'a ', 'ß', 'ss', '日本', 'Ω', '0', '_']) k",
            "DELETE FROM tgt.txt WHERE k IN ('É', 'z');"
            "INSERT INTO tgt.txt VALUES ('é ', 100), ('ZZ', 101);"
            "UPDATE tgt.txt SET v = -v WHERE k IN ('B', 'ä', 'a ');");
  check_against_truth("txt", "[\"k\"]", "k", 3);
}

TEST_F(PgKeys, UuidKeys) {
  make_pair("uk", "(id uuid PRIMARY KEY, n int)", "SELECT md5(i::text)::uuid, i FROM generate_series(1, 300) i",
            "DELETE FROM tgt.uk WHERE n % 50 = 0;"
            "INSERT INTO tgt.uk VALUES ('00000000-0000-0000-0000-000000000000', 0), "
            "('ffffffff-ffff-ffff-ffff-ffffffffffff', -1);"
            "UPDATE tgt.uk SET n = n + 1 WHERE n % 77 = 1;");
  check_against_truth("uk", "[\"id\"]", "id", 16);
}

TEST_F(PgKeys, NullsInNonKeyColumns) {
  make_pair("nulls", "(id int PRIMARY KEY, a text, b int, c timestamp, d numeric)",
            "SELECT i, CASE WHEN i % 2 = 0 THEN NULL ELSE 'v' || i END, CASE WHEN i % 3 = 0 THEN NULL ELSE i END, "
            "NULL, CASE WHEN i % 5 = 0 THEN NULL ELSE i / 3.0 END FROM generate_series(1, 60) i",
            "UPDATE tgt.nulls SET a = 'was null' WHERE id = 2;"  // NULL -> value
            "UPDATE tgt.nulls SET a = NULL WHERE id = 3;"        // value -> NULL
            "UPDATE tgt.nulls SET c = '2020-01-01' WHERE id = 4;"
            "UPDATE tgt.nulls SET d = 0 WHERE id = 5;"           // NULL vs 0
            "UPDATE tgt.nulls SET b = NULL, d = NULL WHERE id = 7;");
  check_against_truth("nulls", "[\"id\"]", "id", 8);
}

TEST_F(PgKeys, EmptyTablesOnBothSides) {
  make_pair("empty", "(id int PRIMARY KEY, v text)", "", "");
  const Truth t = check_against_truth("empty", "[\"id\"]", "id", 10);
  EXPECT_EQ(t.keys_union, 0);
}

TEST_F(PgKeys, OneRowTable) {
  make_pair("one", "(id bigint PRIMARY KEY, v text)", "VALUES (42, 'only')", "");
  check_against_truth("one", "[\"id\"]", "id", 1);
  db_->exec("UPDATE tgt.one SET v = 'other'");
  check_against_truth("one", "[\"id\"]", "id", 1);
}

TEST_F(PgKeys, KeyBlockMissingOnOneSide) {
  // Whole ranges exist on one side only: 41..60 only in the source, 201..230 only in the target.
  make_pair("block", "(id int PRIMARY KEY, v int)", "SELECT i, i * i FROM generate_series(1, 100) i",
            "DELETE FROM tgt.block WHERE id BETWEEN 41 AND 60;"
            "INSERT INTO tgt.block SELECT i, i FROM generate_series(201, 230) i;");
  const Truth t = check_against_truth("block", "[\"id\"]", "id", 10);
  EXPECT_EQ(t.missing_in_target, 20);
  EXPECT_EQ(t.missing_in_source, 30);
}

TEST_F(PgKeys, SkewedKeys) {
  // Most keys in a narrow band, a few far out on both ends.
  make_pair("skew", "(id bigint PRIMARY KEY, v text)",
            "SELECT i, 'v' || i FROM generate_series(1000, 1600) i "
            "UNION ALL SELECT k, 'far' || k FROM unnest(ARRAY[-9000000000000, -5, 1000000, 5000000000, "
            "9000000000000000000]::bigint[]) k",
            "UPDATE tgt.skew SET v = 'changed' WHERE id IN (-9000000000000, 9000000000000000000, 1300);"
            "DELETE FROM tgt.skew WHERE id IN (5000000000, 1001);"
            "INSERT INTO tgt.skew VALUES (-9223372036854775808, 'min'), (7000000000, 'x'), (1700, 'y');");
  check_against_truth("skew", "[\"id\"]", "id", 7);
}

TEST_F(PgKeys, WhereFilterLimitsBothSides) {
  make_pair("filt", "(id int PRIMARY KEY, v text)", "SELECT i, 'v' || i FROM generate_series(1, 100) i",
            "UPDATE tgt.filt SET v = 'x' WHERE id IN (10, 90);"
            "DELETE FROM tgt.filt WHERE id IN (50, 95); INSERT INTO tgt.filt VALUES (150, 'y');");
  const Truth truth = pg_truth(*db_, "(SELECT * FROM src.filt WHERE id <= 60) s", "(SELECT * FROM tgt.filt WHERE id <= 60) t", "id");
  const json s = run_tables("filt", "[[tables]]\nsource = \"src.filt\"\ntarget = \"tgt.filt\"\nkey = [\"id\"]\n"
                                    "where = \"id <= 60\"\n", 9, expected_exit(truth));
  if (!s.is_null()) expect_counts(s, "filt", truth);
}

TEST_F(PgKeys, ColumnMapAndIgnoreColumns) {
  db_->exec("CREATE TABLE src.cm (id int PRIMARY KEY, \"Valor\" numeric(10,2), noise text, same text);"
            "INSERT INTO src.cm SELECT i, i * 1.25, md5(i::text), 's' || i FROM generate_series(1, 40) i;"
            "CREATE TABLE tgt.cm (id int PRIMARY KEY, valor numeric(10,2), noise text, same text);"
            "INSERT INTO tgt.cm SELECT id, \"Valor\", 'different everywhere', same FROM src.cm;"
            "UPDATE tgt.cm SET valor = valor + 1 WHERE id IN (3, 7); UPDATE tgt.cm SET same = 'x' WHERE id = 5;"
            "DELETE FROM tgt.cm WHERE id = 9;");
  // noise is ignored, so the truth leaves it out; EXCEPT pairs columns by position.
  const Truth truth = pg_truth(*db_, "(SELECT id, \"Valor\", same FROM src.cm) s", "(SELECT id, valor, same FROM tgt.cm) t", "id");
  ASSERT_EQ(truth.changed, 3);
  const json s = run_tables("cm", "[[tables]]\nsource = \"src.cm\"\ntarget = \"tgt.cm\"\nkey = [\"id\"]\n"
                                  "ignore_columns = [\"noise\"]\n[tables.column_map]\nValor = \"valor\"\n", 6, 1);
  if (!s.is_null()) expect_counts(s, "cm", truth);
}

TEST_F(PgKeys, JsonColumnsCompareTextAsJson) {
  make_pair("js", "(id int PRIMARY KEY, doc text)",
            "SELECT i, format('{\"a\": %s, \"b\": [1, 2, {\"c\": \"x\"}], \"d\": null}', i) FROM generate_series(1, 30) i",
            "UPDATE tgt.js SET doc = format('{ \"d\":null,\"b\":[1,2,{\"c\":\"x\"}],  \"a\":%s }', id) WHERE id % 3 = 0;"
            "UPDATE tgt.js SET doc = '{\"a\": 4, \"b\": [2, 1, {\"c\": \"x\"}], \"d\": null}' WHERE id = 4;");
  const std::string entry = "[[tables]]\nsource = \"src.js\"\ntarget = \"tgt.js\"\nkey = [\"id\"]\n";
  // As text every respelled document differs; as JSON only id 4 (array order matters) does.
  const Truth as_text = pg_truth(*db_, "src.js", "tgt.js", "id");
  ASSERT_EQ(as_text.changed, 11);
  const json plain = run_tables("js1", entry, 7, 1);
  if (!plain.is_null()) expect_counts(plain, "js", as_text);
  const Truth as_json = pg_truth(*db_, "(SELECT id, doc::jsonb FROM src.js) s", "(SELECT id, doc::jsonb FROM tgt.js) t", "id");
  ASSERT_EQ(as_json.changed, 1);
  const json js = run_tables("js2", entry + "json_columns = [\"doc\"]\n", 7, 1);
  if (!js.is_null()) expect_counts(js, "js", as_json);
}

}  // namespace
}  // namespace e2e

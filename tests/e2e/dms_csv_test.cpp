// dms_csv sides against PostgreSQL: folders of CSV files laid out and quoted as AWS DMS writes
// them (full load, full load + CDC, plain and gzip, with and without a header row, NULL vs the
// empty string, bad rows). The truth is the same files loaded into PostgreSQL with COPY (psql's
// \copy), CDC applied there with SQL, compared with the planted target by EXCEPT.
#include <gtest/gtest.h>

#include <optional>

#include "e2e_support.hpp"

namespace e2e {
namespace {

using Field = std::optional<std::string>;
using Row = std::vector<Field>;

const char* kColumns = "(id int PRIMARY KEY, amount numeric(12,2), note text, at timestamp)";

/// One field as DMS writes it: NULL empty and unquoted, the empty string as "", text quoted when
/// it holds the delimiter, a quote or a line break.
std::string dms_field(const Field& f) {
  if (!f) return "";
  if (!f->empty() && f->find_first_of(",\"\n\r") == std::string::npos) return *f;
  std::string q = "\"";
  for (char c : *f) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string dms_lines(const std::vector<Row>& rows) {
  std::string out;
  for (const Row& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) out += (i ? "," : "") + dms_field(r[i]);
    out += "\n";
  }
  return out;
}

/// Row i of the test table: NULLs, empty strings, and text that needs quoting spread over the rows.
Row make_row(int i, const std::string& tag = "") {
  Field note;
  switch (i % 7) {
    case 0: note = std::nullopt; break;
    case 1: note = ""; break;
    case 2: note = "a, b" + tag; break;
    case 3: note = "say \"hi\"" + tag; break;
    case 4: note = "two\nlines" + tag; break;
    default: note = "n" + std::to_string(i) + tag;
  }
  const Field amount = i % 11 == 0 ? Field() : Field(std::to_string(i) + "." + std::to_string(10 + i % 90));
  char at[40];
  std::snprintf(at, sizeof at, "2026-12-%02d %02d:%02d:%02d.%06d", 1 + i % 28, i % 24, i % 60, (i * 7) % 60, i * 13 % 1000000);
  return {std::to_string(i), amount, note, std::string(at)};
}

/// Rows first..last in an order that is not the key order (DMS files are not sorted).
std::vector<Row> shuffled_rows(int first, int last) {
  std::vector<Row> rows;
  const int n = last - first + 1;
  for (int k = 0; k < n; ++k) rows.push_back(make_row(first + (k * 7919) % n));
  return rows;
}

class DmsCsv : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (have_pg()) db_ = std::make_unique<PgDatabase>("recon_e2e_dms_csv");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }

  /// psql's \copy of `file` into `table` (client side, as the files are the test's).
  static void copy_in(const std::string& table, const fs::path& file, bool header, bool gz) {
    const std::string from = gz ? "PROGRAM 'gzip -dc " + file.string() + "'" : "'" + file.string() + "'";
    const ProcResult r = run_process("/usr/bin/psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db_->name(), "-c",
                                              "\\copy " + table + " FROM " + from + " WITH (FORMAT csv" +
                                                  (header ? ", HEADER" : "") + ")"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }

  /// Writes `rows` as folder/<name>, gzipped when the name ends .gz.
  static void write_csv(const fs::path& folder, const std::string& name, const std::vector<Row>& rows, bool header) {
    fs::create_directories(folder);
    const bool gz = name.size() > 3 && name.substr(name.size() - 3) == ".gz";
    const fs::path plain = folder / (gz ? name.substr(0, name.size() - 3) : name);
    write_file(plain, (header ? std::string("id,amount,note,at\n") : std::string()) + dms_lines(rows));
    if (gz) {
      ASSERT_EQ(run_process("/bin/gzip", {"-n", plain.string()}).exit_code, 0);
    }
  }

  /// The target `t`_tgt: the truth `t` with differences planted (changed, missing either side,
  /// NULL vs '').
  static void make_target(const std::string& t) {
    db_->exec("CREATE TABLE " + t + "_tgt (LIKE " + t + " INCLUDING ALL); INSERT INTO " + t + "_tgt SELECT * FROM " + t +
              "; UPDATE " + t + "_tgt SET amount = amount + 1 WHERE id % 97 = 5;" +
              "DELETE FROM " + t + "_tgt WHERE id % 89 = 3;" +
              "INSERT INTO " + t + "_tgt VALUES (100001, 1, 'extra', NULL), (100002, NULL, '', NULL);" +
              "UPDATE " + t + "_tgt SET note = '' WHERE note IS NULL AND id % 3 = 0;" +
              "UPDATE " + t + "_tgt SET note = NULL WHERE note = '' AND id % 5 = 0;");
  }

  /// Runs check with the dms_csv folder as source and `t`_tgt as target.
  static ProcResult run_check(const TempDir& dir, const std::string& t, const std::string& source_options) {
    const std::string job = "[source]\nkind = \"dms_csv\"\nurl = \"dms\"\n" + source_options +
                            "\n[target]\nkind = \"postgres\"\nurl = " + toml_str(db_->conninfo()) +
                            "\n\n[check]\nthreads = 2\nchunk_rows = 300\n\n[[tables]]\nsource = \"public." + t +
                            "\"\ntarget = \"public." + t + "_tgt\"\n";
    write_file(dir / "job.toml", job);
    return run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(),
                      "--audit", (dir / "audit.db").string(), "--no-progress"});
  }

  /// A full load in two files, checked against the COPY truth.
  static void full_load(const std::string& t, const std::string& ext, bool header) {
    TempDir dir(t);
    const fs::path folder = dir / "dms" / "public" / t;
    write_csv(folder, "LOAD00000001" + ext, shuffled_rows(1, 1200), header);
    write_csv(folder, "LOAD00000002" + ext, shuffled_rows(1201, 2000), header);
    db_->exec("CREATE TABLE " + t + " " + kColumns);
    for (const char* f : {"LOAD00000001", "LOAD00000002"})
      copy_in(t, folder / (f + ext), header, ext == ".csv.gz");
    make_target(t);
    const Truth truth = pg_truth(*db_, t, t + "_tgt", "id");
    ASSERT_FALSE(truth.zero());
    const ProcResult r = run_check(dir, t, header ? "add_column_name = true\n" : "");
    ASSERT_EQ(r.exit_code, expected_exit(truth)) << r.describe();
    expect_counts(read_json(dir / "out" / "summary.json"), t + "_tgt", truth);
  }

  static std::unique_ptr<PgDatabase> db_;
};
std::unique_ptr<PgDatabase> DmsCsv::db_;

TEST_F(DmsCsv, FullLoadPlainWithoutHeader) { full_load("plain", ".csv", false); }

TEST_F(DmsCsv, FullLoadGzipWithHeader) { full_load("gz", ".csv.gz", true); }

TEST_F(DmsCsv, NullAndEmptyStringAreDifferent) {
  TempDir dir("nulls");
  const fs::path folder = dir / "dms" / "public" / "nulls";
  std::vector<Row> rows;
  for (int i = 1; i <= 20; ++i) rows.push_back({std::to_string(i), "1.00", i % 2 ? Field() : Field(""), Field()});
  write_csv(folder, "LOAD00000001.csv", rows, false);
  db_->exec(std::string("CREATE TABLE nulls ") + kColumns);
  copy_in("nulls", folder / "LOAD00000001.csv", false, false);
  ASSERT_EQ(db_->count("SELECT count(*) FROM nulls WHERE note IS NULL"), 10);
  ASSERT_EQ(db_->count("SELECT count(*) FROM nulls WHERE note = ''"), 10);
  db_->exec("CREATE TABLE nulls_tgt (LIKE nulls INCLUDING ALL); INSERT INTO nulls_tgt SELECT * FROM nulls;"
            "UPDATE nulls_tgt SET note = CASE WHEN note IS NULL THEN '' ELSE NULL END WHERE id <= 4");
  const Truth truth = pg_truth(*db_, "nulls", "nulls_tgt", "id");
  ASSERT_EQ(truth.changed, 4);
  const ProcResult r = run_check(dir, "nulls", "");
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  expect_counts(read_json(dir / "out" / "summary.json"), "nulls_tgt", truth);
}

TEST_F(DmsCsv, FullLoadThenCdcAppliedInFileOrder) {
  TempDir dir("cdc");
  const fs::path folder = dir / "dms" / "public" / "cdc";
  write_csv(folder, "LOAD00000001.csv", shuffled_rows(1, 1500), false);
  // CDC: Op first; updates, deletes, inserts, a key changed twice (the later wins), a key inserted
  // then deleted, a deleted key inserted again; two files applied in name order.
  auto op = [](const char* o, Row r) { r.insert(r.begin(), Field(o)); return r; };
  std::vector<Row> c1, c2;
  for (int i = 10; i <= 300; i += 10) c1.push_back(op("U", make_row(i, " (updated)")));
  for (int i = 15; i <= 300; i += 30) c1.push_back(op("D", make_row(i)));
  for (int i = 1501; i <= 1540; ++i) c1.push_back(op("I", make_row(i)));
  c1.push_back(op("U", make_row(20, " (twice)")));
  c1.push_back(op("I", make_row(1600)));
  c1.push_back(op("D", make_row(1600)));
  c2.push_back(op("I", make_row(45, " (back)")));
  c2.push_back(op("U", make_row(30, " (second file)")));
  write_csv(folder, "20261204-120000000.csv", c1, false);
  write_csv(folder, "20261204-120500000.csv.gz", c2, false);

  db_->exec(std::string("CREATE TABLE cdc ") + kColumns +
            "; CREATE TABLE cdc_changes (seq bigserial, op text, id int, amount numeric(12,2), note text, at timestamp)");
  copy_in("cdc", folder / "LOAD00000001.csv", false, false);
  copy_in("cdc_changes (op, id, amount, note, at)", folder / "20261204-120000000.csv", false, false);
  copy_in("cdc_changes (op, id, amount, note, at)", folder / "20261204-120500000.csv.gz", false, true);
  db_->exec("DELETE FROM cdc WHERE id IN (SELECT id FROM cdc_changes);"
            "INSERT INTO cdc SELECT id, amount, note, at FROM (SELECT DISTINCT ON (id) * FROM cdc_changes "
            "ORDER BY id, seq DESC) last WHERE op <> 'D'");
  ASSERT_EQ(db_->count("SELECT count(*) FROM cdc WHERE id = 1600"), 0);
  ASSERT_EQ(db_->count("SELECT count(*) FROM cdc WHERE note LIKE '% (back)'"), 1);
  make_target("cdc");
  const Truth truth = pg_truth(*db_, "cdc", "cdc_tgt", "id");
  const ProcResult r = run_check(dir, "cdc", "");
  ASSERT_EQ(r.exit_code, expected_exit(truth)) << r.describe();
  expect_counts(read_json(dir / "out" / "summary.json"), "cdc_tgt", truth);
}

TEST_F(DmsCsv, OpAndTimestampColumnsOfAFullLoadAreSkipped) {
  TempDir dir("opts");
  const fs::path folder = dir / "dms" / "public" / "opts";
  std::vector<Row> rows = shuffled_rows(1, 400);
  for (Row& r : rows) r.insert(r.begin(), {Field("I"), Field("2026-12-04 12:00:00.000001")});
  write_csv(folder, "LOAD00000001.csv", rows, false);
  db_->exec(std::string("CREATE TABLE opts ") + kColumns +
            "; CREATE TABLE opts_load (op text, dms_at text, id int, amount numeric(12,2), note text, at timestamp)");
  copy_in("opts_load", folder / "LOAD00000001.csv", false, false);
  db_->exec("INSERT INTO opts SELECT id, amount, note, at FROM opts_load");
  make_target("opts");
  const Truth truth = pg_truth(*db_, "opts", "opts_tgt", "id");
  const ProcResult r = run_check(dir, "opts", "include_op_for_full_load = true\ntimestamp_column = true\n");
  ASSERT_EQ(r.exit_code, expected_exit(truth)) << r.describe();
  expect_counts(read_json(dir / "out" / "summary.json"), "opts_tgt", truth);
}

TEST_F(DmsCsv, HeaderNamesColumnsInAnotherOrder) {
  TempDir dir("reorder");
  const fs::path folder = dir / "dms" / "public" / "reorder";
  std::vector<Row> rows;
  for (const Row& r : shuffled_rows(1, 300)) rows.push_back({r[2], r[0], r[3], r[1]});
  fs::create_directories(folder);
  write_file(folder / "LOAD00000001.csv", "note,id,at,amount\n" + dms_lines(rows));
  db_->exec(std::string("CREATE TABLE reorder ") + kColumns);
  copy_in("reorder (note, id, at, amount)", folder / "LOAD00000001.csv", true, false);
  make_target("reorder");
  const Truth truth = pg_truth(*db_, "reorder", "reorder_tgt", "id");
  const ProcResult r = run_check(dir, "reorder", "add_column_name = true\n");
  ASSERT_EQ(r.exit_code, expected_exit(truth)) << r.describe();
  expect_counts(read_json(dir / "out" / "summary.json"), "reorder_tgt", truth);
}

TEST_F(DmsCsv, RowDelimiterAndDateTimeFormatsOfTheJob) {
  TempDir dir("fmt");
  const fs::path folder = dir / "dms" / "public" / "fmt";
  fs::create_directories(folder);
  // Rows end "\r\n"; dates DD/MM/YYYY; timestamps DD/MM/YYYY HH:MI:SS with 0 to 9 fraction digits,
  // a leap day among them; a quoted note holds a line break.
  std::string text;
  for (int i = 1; i <= 600; ++i) {
    const int k = (i * 7919) % 600 + 1;
    char day[16], at[48];
    std::snprintf(day, sizeof day, "%02d/%02d/20%02d", 1 + k % 28, 1 + k % 12, k % 30);
    const std::string frac = std::string(".123456789").substr(0, static_cast<std::size_t>(k % 11 == 1 ? 0 : k % 11));
    std::snprintf(at, sizeof at, "%s %02d:%02d:%02d%s", k % 50 == 0 ? "29/02/2024" : day, k % 24, k % 60, (k * 7) % 60,
                  frac.c_str());
    const Field note = k % 5 == 0 ? Field() : Field(k % 5 == 1 ? "two\nlines" : "n" + std::to_string(k));
    text += std::to_string(k) + "," + dms_field(note) + "," + (k % 13 == 0 ? "" : day) + "," + at + "\r\n";
  }
  write_file(folder / "LOAD00000001.csv", text);
  db_->exec("CREATE TABLE fmt (id int PRIMARY KEY, note text, day date, at timestamp(6))");
  const ProcResult c = run_process("/usr/bin/psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db_->name(), "-c",
                                                     "SET datestyle TO 'ISO, DMY'", "-c",
                                                     "\\copy fmt FROM '" + (folder / "LOAD00000001.csv").string() +
                                                         "' WITH (FORMAT csv)"});
  ASSERT_EQ(c.exit_code, 0) << c.describe();
  ASSERT_EQ(db_->count("SELECT count(*) FROM fmt WHERE at::date = '2024-02-29'"), 12);
  db_->exec("CREATE TABLE fmt_tgt (LIKE fmt INCLUDING ALL); INSERT INTO fmt_tgt SELECT * FROM fmt;"
            "UPDATE fmt_tgt SET at = at + interval '1 microsecond' WHERE id % 37 = 1;"
            "UPDATE fmt_tgt SET day = day + 1 WHERE id % 41 = 2; DELETE FROM fmt_tgt WHERE id % 43 = 3");
  const Truth truth = pg_truth(*db_, "fmt", "fmt_tgt", "id");
  ASSERT_FALSE(truth.zero());
  const ProcResult r = run_check(dir, "fmt", "row_delimiter = \"\\r\\n\"\ndate_format = \"DD/MM/YYYY\"\n"
                                              "timestamp_format = \"DD/MM/YYYY HH:MI:SS.FF\"\n");
  ASSERT_EQ(r.exit_code, expected_exit(truth)) << r.describe();
  expect_counts(read_json(dir / "out" / "summary.json"), "fmt_tgt", truth);

  // A value in another spelling is a bad row naming the format.
  write_file(folder / "LOAD00000002.csv", "9001,x,2026-12-04,04/12/2026 00:00:00\r\n");
  const ProcResult bad = run_check(dir, "fmt", "row_delimiter = \"\\r\\n\"\ndate_format = \"DD/MM/YYYY\"\n"
                                                "timestamp_format = \"DD/MM/YYYY HH:MI:SS.FF\"\n");
  EXPECT_EQ(bad.exit_code, 2) << bad.describe();
  EXPECT_NE(bad.err.find("LOAD00000002.csv:1: column day: '2026-12-04' does not match date_format \"DD/MM/YYYY\""),
            std::string::npos) << bad.err;
}

/// Good rows, then a short row, a value that is not a number, a good row and a quote left open.
void write_bad_files(const fs::path& folder) {
  fs::create_directories(folder);
  write_file(folder / "LOAD00000001.csv", dms_lines(shuffled_rows(1, 50)));
  write_file(folder / "LOAD00000002.csv", dms_lines({make_row(51)}) + "52,1.00\n" +
                                              "53,abc,x,2026-12-04 00:00:00\n" + dms_lines({make_row(54)}) +
                                              "55,1.00,\"never closed,2026-12-04 00:00:00\n");
}

TEST_F(DmsCsv, BadRowsFailNamingFileAndLine) {
  TempDir dir("bad_fail");
  write_bad_files(dir / "dms" / "public" / "bad");
  db_->exec(std::string("CREATE TABLE IF NOT EXISTS bad_tgt ") + kColumns);
  const ProcResult r = run_check(dir, "bad", "");
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("LOAD00000002.csv:2: short row"), std::string::npos) << r.err;
}

TEST_F(DmsCsv, BadRowsReportedAndTheRestCompared) {
  TempDir dir("bad_report");
  write_bad_files(dir / "dms" / "public" / "bad");
  db_->exec(std::string("CREATE TABLE IF NOT EXISTS bad_tgt ") + kColumns);
  db_->exec("TRUNCATE bad_tgt");
  // The target holds the good rows as COPY reads them, and rows 52, 53 and 55 besides.
  copy_in("bad_tgt", dir / "dms" / "public" / "bad" / "LOAD00000001.csv", false, false);
  db_->exec("INSERT INTO bad_tgt VALUES (51, " + *make_row(51)[1] + ", '" + *make_row(51)[2] + "', '" +
            *make_row(51)[3] + "'), (54, " + *make_row(54)[1] + ", '" + *make_row(54)[2] + "', '" + *make_row(54)[3] +
            "'), (52, 1, NULL, NULL), (53, 1, 'x', NULL), (55, 1, NULL, NULL)");
  const ProcResult r = run_check(dir, "bad", "on_bad_row = \"report\"\n");
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  const json summary = read_json(dir / "out" / "summary.json");
  const json& t = table_entry(summary, "bad_tgt");
  EXPECT_EQ(t["missing_in_source"], db_->count("SELECT count(*) FROM bad_tgt WHERE id IN (52, 53, 55)"));
  EXPECT_EQ(t["missing_in_target"], 0);
  EXPECT_EQ(t["changed"], 0);
  const std::string notes = t["notes"].dump();
  EXPECT_NE(notes.find("LOAD00000002.csv:2: short row"), std::string::npos) << notes;
  EXPECT_NE(notes.find("LOAD00000002.csv:3: column amount: 'abc'"), std::string::npos) << notes;
  EXPECT_NE(notes.find("LOAD00000002.csv:5: unterminated quote"), std::string::npos) << notes;
}

}  // namespace
}  // namespace e2e

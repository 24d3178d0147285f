// Every divergence category on a PostgreSQL table with one column of each supported type, checked
// against the engine's own EXCEPT / IS DISTINCT FROM truth; then the fix-up loop on the same data.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

const char* const kColumns[] = {"c_int", "c_big", "c_num", "c_dec", "c_text", "c_note", "c_ts",
                                "c_tstz", "c_date", "c_bool", "c_uuid", "c_json", "c_bytes"};

/// src.<t> and tgt.<t>: 200 rows full of awkward values (quotes, backslashes, newlines, tabs,
/// unicode, NULLs, pre-1970 fractional timestamps, bytea with NUL), then every category planted in
/// the target, plus values spelled differently that denote the same value (must stay equal).
void create_mixed(PgDatabase& db, const std::string& t) {
  db.exec("CREATE SCHEMA IF NOT EXISTS src; CREATE SCHEMA IF NOT EXISTS tgt;");
  db.exec("CREATE TABLE src." + t + R"sql( (
      id int PRIMARY KEY, c_int int, c_big bigint, c_num numeric(18,2), c_dec numeric, c_text text,
      c_note text, c_ts timestamp, c_tstz timestamptz, c_date date, c_bool boolean, c_uuid uuid,
      c_json jsonb, c_bytes bytea))sql");
  db.exec("INSERT INTO src." + t + R"sql(
      SELECT i, i * 7 - 500, i::bigint * 1000000007, round(i * 1.37 - 50, 2), i * 0.125,
        CASE WHEN i % 5 = 0 THEN NULL
             ELSE format(E'row %s it''s a \\ backslash "q"\nline2 ção ☃ 日本 \t', i) END,
        CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'note ' || i END,
        CASE WHEN i % 7 = 0 THEN timestamp '1969-12-31 23:59:59.5' - i * interval '1 day 0.25 second'
             ELSE timestamp '2024-01-01' + i * interval '1 hour 1.123456 second' END,
        timestamptz '2024-03-10 12:00:00+02' + i * interval '37 minutes 0.5 second',
        date '1999-12-31' + i * 3,
        CASE i % 3 WHEN 0 THEN NULL ELSE i % 2 = 0 END,
        md5(i::text)::uuid,
        CASE WHEN i % 6 = 0 THEN NULL
             ELSE jsonb_build_object('n', i, 's', E'q"uote\\ ☃\n', 'arr', jsonb_build_array(1, 2.5, null, true)) END,
        CASE WHEN i % 5 = 1 THEN NULL ELSE decode(md5(i::text), 'hex') || '\x00ff'::bytea END
      FROM generate_series(1, 200) AS i)sql");
  // Same value, different spelling: must compare equal.
  db.exec("UPDATE src." + t + " SET c_dec = 1.50, c_num = 1.5, c_json = '{\"b\": 1, \"a\": [1, 2]}', "
          "c_tstz = '2024-01-01 12:00:00+00' WHERE id = 50");
  db.exec("CREATE TABLE tgt." + t + " (LIKE src." + t + " INCLUDING ALL); INSERT INTO tgt." + t +
          " SELECT * FROM src." + t);
  db.exec("UPDATE tgt." + t + " SET c_dec = 1.5, c_num = 1.50, c_json = '{\"a\": [1, 2], \"b\": 1}', "
          "c_tstz = '2024-01-01 14:00:00+02' WHERE id = 50");
  db.exec("UPDATE tgt." + t + " SET c_dec = 2 WHERE id = 51; UPDATE src." + t + " SET c_dec = 2.000 WHERE id = 51");

  const std::string u = "UPDATE tgt." + t + " SET ";
  db.exec("DELETE FROM tgt." + t + " WHERE id IN (10, 11, 150)");
  db.exec("INSERT INTO tgt." + t + " (id, c_text, c_note, c_bytes) VALUES "
          "(1001, E'only in target \\\\ ''x''\\n', NULL, '\\x01'), (1002, NULL, '', NULL)");
  db.exec(u + "c_int = c_int + 1 WHERE id = 20");
  db.exec(u + "c_big = c_big - 1 WHERE id = 21");
  db.exec(u + "c_num = c_num + 0.01 WHERE id = 22");
  db.exec(u + "c_text = c_text || ' ' WHERE id = 23");      // trailing space
  db.exec(u + "c_note = '' WHERE id = 24");                  // NULL in source
  db.exec(u + "c_note = NULL WHERE id = 25");                // '' in source
  db.exec(u + "c_ts = c_ts + interval '1 microsecond' WHERE id IN (30, 42)");  // 42: before 1970
  db.exec(u + "c_tstz = c_tstz + interval '1 second' WHERE id = 31");
  db.exec(u + "c_date = c_date + 1 WHERE id = 32");
  db.exec(u + "c_bool = NOT c_bool WHERE id = 34");
  db.exec(u + "c_bool = false WHERE id = 36");               // NULL in source
  db.exec(u + "c_uuid = md5('other')::uuid WHERE id = 35");
  db.exec(u + "c_json = jsonb_set(c_json, '{n}', '0') WHERE id = 37");
  db.exec(u + "c_bytes = '\\x00'::bytea WHERE id = 38");
  db.exec(u + "c_dec = c_dec + 0.001 WHERE id = 39");
  db.exec(u + "c_int = c_int + 1, c_text = upper(c_text) WHERE id = 41");  // two columns
  db.exec(u + "c_text = NULL, c_json = NULL, c_bytes = NULL, c_uuid = NULL WHERE id = 43");
}

class PgMixed : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (have_pg()) db_ = std::make_unique<PgDatabase>("recon_e2e_mixed");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }
  static std::string table_toml(const std::string& t, int chunk_rows) {
    return "[[tables]]\nsource = \"src." + t + "\"\ntarget = \"tgt." + t + "\"\nkey = [\"id\"]\nchunk_rows = " +
           std::to_string(chunk_rows) + "\n";
  }
  static inline std::unique_ptr<PgDatabase> db_;
};

std::set<long long> key_set(PgDatabase& db, const std::string& sql) {
  std::set<long long> out;
  for (const auto& row : db.query(sql)) out.insert(row[0].as<long long>());
  return out;
}

TEST_F(PgMixed, EveryCategoryMatchesEngineTruthAndAuditNamesColumns) {
  create_mixed(*db_, "mixed");
  const Truth truth = pg_truth(*db_, "src.mixed", "tgt.mixed", "id");
  ASSERT_FALSE(truth.zero());
  TempDir dir("mixed");
  write_file(dir / "job.toml", pg_job(*db_, table_toml("mixed", 37)));
  const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(),
                                  "--audit", (dir / "audit.db").string(), "--no-progress"});
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  const json summary = read_json(dir / "out" / "summary.json");
  EXPECT_EQ(summary.value("status", ""), "divergent");
  expect_counts(summary, "mixed", truth);

  // Per-key truth from the engine: which columns differ (IS DISTINCT FROM is type-aware, so
  // 1.50 = 1.5 and jsonb key order do not count).
  std::map<long long, std::set<std::string>> want_changed;
  for (const char* c : kColumns)
    for (long long id : key_set(*db_, std::string("SELECT s.id FROM src.mixed s JOIN tgt.mixed t USING (id) WHERE s.") +
                                          c + " IS DISTINCT FROM t." + c))
      want_changed[id].insert(c);
  ASSERT_EQ(static_cast<std::int64_t>(want_changed.size()), truth.changed);

  SqliteDb audit(dir / "audit.db");
  std::map<long long, std::set<std::string>> got_changed;
  std::map<std::string, std::set<long long>> got_missing;
  for (const auto& row : audit.rows("SELECT key_json, category, columns_json FROM divergences WHERE table_name = 'mixed'")) {
    const json key = json::parse(row[0]);
    ASSERT_TRUE(key.is_array() && key.size() == 1) << row[0];
    const long long id = key[0].get<long long>();
    if (row[1] == "changed") {
      const json cols = json::parse(row[2]);
      ASSERT_TRUE(cols.is_array()) << row[2];
      for (const auto& c : cols) got_changed[id].insert(c.get<std::string>());
    } else {
      got_missing[row[1]].insert(id);
    }
  }
  EXPECT_EQ(got_changed, want_changed);
  EXPECT_EQ(got_missing["missing_in_target"],
            key_set(*db_, "SELECT id FROM src.mixed EXCEPT SELECT id FROM tgt.mixed"));
  EXPECT_EQ(got_missing["missing_in_source"],
            key_set(*db_, "SELECT id FROM tgt.mixed EXCEPT SELECT id FROM src.mixed"));
}

TEST_F(PgMixed, FixupSqlMakesTargetEqualToSource) {
  create_mixed(*db_, "mixed_fix");
  ASSERT_FALSE(pg_truth(*db_, "src.mixed_fix", "tgt.mixed_fix", "id").zero());
  TempDir dir("mixfix");
  write_file(dir / "job.toml", pg_job(*db_, table_toml("mixed_fix", 29)));
  const ProcResult first = run_recon({"check", "--config", (dir / "job.toml").string(), "--out",
                                      (dir / "out1").string(), "--no-progress"});
  ASSERT_EQ(first.exit_code, 1) << first.describe();
  const json s1 = read_json(dir / "out1" / "summary.json");
  EXPECT_EQ(table_entry(s1, "mixed_fix").value("fixup_sql", ""), "fixup/mixed_fix.sql");

  const fs::path fixup = dir / "out1" / "fixup" / "mixed_fix.sql";
  ASSERT_TRUE(fs::exists(fixup));
  const ProcResult psql =
      run_process("/usr/bin/psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db_->name(), "-f", fixup.string()});
  ASSERT_EQ(psql.exit_code, 0) << psql.describe() << "\n--- fixup ---\n" << read_file(fixup);

  const Truth after = pg_truth(*db_, "src.mixed_fix", "tgt.mixed_fix", "id");
  EXPECT_TRUE(after.zero()) << "EXCEPT truth after fix-up: mit=" << after.missing_in_target
                            << " mis=" << after.missing_in_source << " changed=" << after.changed;

  const ProcResult second = run_recon({"check", "--config", (dir / "job.toml").string(), "--out",
                                       (dir / "out2").string(), "--no-progress"});
  ASSERT_EQ(second.exit_code, 0) << second.describe();
  const json s2 = read_json(dir / "out2" / "summary.json");
  EXPECT_EQ(s2.value("status", ""), "consistent");
  EXPECT_DOUBLE_EQ(s2.at("consistency_index").get<double>(), 1.0);
  for (const auto& t : s2.at("tables")) EXPECT_DOUBLE_EQ(t.at("consistency_index").get<double>(), 1.0) << t.dump();
  expect_counts(s2, "mixed_fix", after);
}

}  // namespace
}  // namespace e2e

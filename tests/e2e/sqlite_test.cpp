// SQLite on both sides (truth via ATTACH + EXCEPT, fix-up applied with the C API) and a
// cross-engine run: SQLite source, PostgreSQL target, same logical rows.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

const char* const kItemsDdl =
    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER, price REAL, created TIMESTAMP, "
    "flag BOOLEAN, payload BLOB, note TEXT)";

/// src.db / tgt.db with 500 rows each, then every category planted in tgt.db.
void create_items(const fs::path& src, const fs::path& tgt) {
  for (const fs::path& p : {src, tgt}) {
    SqliteDb db(p);
    db.exec(kItemsDdl);
    db.exec(R"sql(
      WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 500)
      INSERT INTO items SELECT i,
        'item ' || i || ' it''s \ "q"' || char(10) || 'ção ☃',
        i * 3 - 100,
        i * 0.25,
        printf('2024-01-%02d %02d:%02d:%02d', 1 + i % 28, i % 24, i % 60, (i * 7) % 60),
        i % 2,
        CASE WHEN i % 5 = 0 THEN x'00ff10' ELSE CAST('b' || i AS BLOB) END,
        CASE i % 3 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'n' || i END
      FROM s)sql");
  }
  SqliteDb db(tgt);
  db.exec("DELETE FROM items WHERE id IN (5, 250, 499);"
          "INSERT INTO items VALUES (9001, 'only target', 1, 1.5, '2020-01-01 00:00:00', 0, NULL, NULL),"
          "                         (9002, NULL, NULL, NULL, NULL, NULL, x'', 'x');"
          "UPDATE items SET name = name || ' ' WHERE id = 10;"
          "UPDATE items SET note = NULL WHERE id = 13;"  // '' in the source
          "UPDATE items SET note = '' WHERE id = 15;"    // NULL in the source
          "UPDATE items SET price = price + 0.5 WHERE id = 20;"
          "UPDATE items SET created = '2024-02-01 00:00:00' WHERE id = 21;"
          "UPDATE items SET flag = 1 - flag WHERE id = 22;"
          "UPDATE items SET payload = x'01' WHERE id = 23;"
          "UPDATE items SET qty = NULL WHERE id = 24;"
          "UPDATE items SET name = 'new ''quoted'' \\ name', qty = qty + 1 WHERE id = 300;");
}

std::string sqlite_job(const std::string& extra_check = "") {
  return "[source]\nkind = \"sqlite\"\nurl = \"src.db\"\n\n[target]\nkind = \"sqlite\"\nurl = \"tgt.db\"\n\n"
         "[check]\nthreads = 2\nchunk_rows = 40\n" + extra_check +
         "\n[[tables]]\nsource = \"items\"\nkey = [\"id\"]\n";
}

TEST(SqliteE2e, CountsMatchAttachExceptTruth) {
  TempDir dir("sqlite");
  create_items(dir / "src.db", dir / "tgt.db");
  const Truth truth = sqlite_truth(dir / "src.db", dir / "tgt.db", "items", "id");
  ASSERT_FALSE(truth.zero());
  write_file(dir / "job.toml", sqlite_job());
  const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(),
                                  "--no-progress"});
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  expect_counts(read_json(dir / "out" / "summary.json"), "items", truth);
  // Default audit location: recon-audit.db beside the job file.
  EXPECT_TRUE(fs::exists(dir / "recon-audit.db"));
}

TEST(SqliteE2e, FixupAppliedWithCApiMakesRecheckConsistent) {
  TempDir dir("sqlfix");
  create_items(dir / "src.db", dir / "tgt.db");
  write_file(dir / "job.toml", sqlite_job());
  const ProcResult first = run_recon({"check", "--config", (dir / "job.toml").string(), "--out",
                                      (dir / "out1").string(), "--no-progress"});
  ASSERT_EQ(first.exit_code, 1) << first.describe();
  const fs::path fixup = dir / "out1" / "fixup" / "items.sql";
  ASSERT_TRUE(fs::exists(fixup));
  {
    SqliteDb tgt(dir / "tgt.db");
    ASSERT_NO_THROW(tgt.exec(read_file(fixup))) << read_file(fixup);
  }
  const Truth after = sqlite_truth(dir / "src.db", dir / "tgt.db", "items", "id");
  EXPECT_EQ(after.missing_in_target, 0);
  EXPECT_EQ(after.missing_in_source, 0);
  // SQLite compares by storage class and text spelling, so `changed` here is informative only:
  // recon's re-check below is the judge of value equality.
  if (after.changed != 0) std::cerr << "[ info ] SQLite EXCEPT still sees " << after.changed << " changed rows\n";

  const ProcResult second = run_recon({"check", "--config", (dir / "job.toml").string(), "--out",
                                       (dir / "out2").string(), "--no-progress"});
  ASSERT_EQ(second.exit_code, 0) << second.describe() << "\n--- fixup ---\n" << read_file(fixup);
  const json s = read_json(dir / "out2" / "summary.json");
  EXPECT_DOUBLE_EQ(table_entry(s, "items").at("consistency_index").get<double>(), 1.0);
  EXPECT_EQ(table_entry(s, "items").at("rows_compared").get<std::int64_t>(), after.keys_union);
}

TEST(SqliteE2e, CrossEngineSqliteSourcePostgresTargetEqualRows) {
  if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  PgDatabase pg("recon_e2e_cross");
  pg.exec("CREATE SCHEMA tgt; CREATE TABLE tgt.people (id bigint PRIMARY KEY, name text, amount numeric(10,2), "
          "born date, seen timestamp, active boolean, token uuid, photo bytea, note text)");
  TempDir dir("cross");
  SqliteDb lite(dir / "src.db");
  lite.exec("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, amount DECIMAL(10,2), born DATE, "
            "seen TIMESTAMP, active BOOLEAN, token UUID, photo BLOB, note TEXT)");
  const char* amounts[] = {"12.50", "0.10", "19.99", "-3.00", "1000000.01", "7"};
  std::string lite_sql, pg_sql;
  for (int i = 1; i <= 60; ++i) {
    const std::string id = std::to_string(i);
    const std::string name = "'nome " + id + " ção ''q'' \\ ☃'";
    const std::string amount = amounts[i % 6];
    char day[8], frac[16], hex[16];
    std::snprintf(day, sizeof day, "%02d", 1 + i % 28);
    std::snprintf(frac, sizeof frac, i % 3 == 0 ? "" : ".%06d", (i * 12347) % 1000000);
    std::snprintf(hex, sizeof hex, "%02x00ff%02x", i, 255 - i);
    const std::string born = "'1985-03-" + std::string(day) + "'";
    const std::string seen = "'2024-05-" + std::string(day) + " 07:08:09" + frac + "'";
    std::string token = "5f0c6a7e-1d2b-4c3a-9e8f-" + std::string(hex) + "0000";
    const std::string token_lite = i % 7 == 0 ? std::string("'") + [&] {
      std::string up = token;
      for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return up;
    }() + "'" : "'" + token + "'";
    const std::string note = i % 4 == 0 ? "NULL" : "'n" + id + "'";
    lite_sql += "INSERT INTO people VALUES (" + id + ", " + name + ", " + amount + ", " + born + ", " + seen + ", " +
                std::to_string(i % 2) + ", " + token_lite + ", x'" + hex + "', " + note + ");";
    pg_sql += "INSERT INTO tgt.people VALUES (" + id + ", " + name + ", " + amount + ", " + born + ", " + seen + ", " +
              (i % 2 ? "true" : "false") + ", '" + token + "', '\\x" + hex + "', " + note + ");";
  }
  lite.exec(lite_sql);
  pg.exec(pg_sql);
  write_file(dir / "job.toml", "[source]\nkind = \"sqlite\"\nurl = \"src.db\"\n\n[target]\nkind = \"postgres\"\nurl = " +
                                   toml_str(pg.conninfo()) +
                                   "\n\n[check]\nchunk_rows = 16\n\n[[tables]]\nsource = \"people\"\n"
                                   "target = \"tgt.people\"\nkey = [\"id\"]\n");
  const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(),
                                  "--no-progress"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  if (fs::exists(dir / "out" / "summary.json")) {
    Truth equal;
    equal.rows_source = equal.rows_target = equal.keys_union = 60;
    expect_counts(read_json(dir / "out" / "summary.json"), "people", equal);
  }

  // Now diverge the PostgreSQL side (known plantings: no EXCEPT across engines), repair it with
  // the fix-up recon renders from SQLite values for PostgreSQL columns, and re-check.
  pg.exec("DELETE FROM tgt.people WHERE id = 5;"
          "INSERT INTO tgt.people (id, name) VALUES (500, 'only in pg');"
          "UPDATE tgt.people SET amount = amount + 0.01 WHERE id = 7;"
          "UPDATE tgt.people SET name = E'o''brien \\\\ \\n ☃' WHERE id = 8;"
          "UPDATE tgt.people SET note = NULL WHERE id = 9;"
          "UPDATE tgt.people SET photo = '\\x00', seen = seen + interval '1 microsecond', token = NULL WHERE id = 10;");
  Truth planted;
  planted.missing_in_target = planted.missing_in_source = 1;
  planted.changed = 4;
  planted.rows_source = planted.rows_target = 60;
  planted.keys_union = 61;
  const ProcResult diverged = run_recon({"check", "--config", (dir / "job.toml").string(), "--out",
                                         (dir / "out2").string(), "--no-progress"});
  ASSERT_EQ(diverged.exit_code, 1) << diverged.describe();
  expect_counts(read_json(dir / "out2" / "summary.json"), "people", planted);
  const fs::path fixup = dir / "out2" / "fixup" / "people.sql";
  const ProcResult psql =
      run_process("/usr/bin/psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", pg.name(), "-f", fixup.string()});
  ASSERT_EQ(psql.exit_code, 0) << psql.describe() << "\n--- fixup ---\n" << read_file(fixup);
  const ProcResult repaired = run_recon({"check", "--config", (dir / "job.toml").string(), "--out",
                                         (dir / "out3").string(), "--no-progress"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.describe() << "\n--- fixup ---\n" << read_file(fixup);
}

}  // namespace
}  // namespace e2e

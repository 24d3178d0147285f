// Several CDC tables in one run (SQLite on both sides): each table's recheck runs in the background
// while the next table is compared, and every table still gets its own, correct outcome.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

/// Table `name` on both files: 300 equal rows, then in the target `stale` rows whose source was
/// updated just now (CDC has not applied them) and `old` rows that differ since 2020.
void create_cdc_table(const fs::path& src, const fs::path& tgt, const std::string& name, int stale, int old) {
  for (const fs::path& p : {src, tgt}) {
    SqliteDb db(p);
    db.exec("CREATE TABLE " + name + " (id INTEGER PRIMARY KEY, v TEXT, updated_at TIMESTAMP)");
    db.exec("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 300) "
            "INSERT INTO " + name + " SELECT i, 'v' || i, '2020-01-01 00:00:00' FROM s");
  }
  SqliteDb(src).exec("UPDATE " + name + " SET v = v || ' new', updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now') "
                     "WHERE id <= " + std::to_string(stale));
  SqliteDb(tgt).exec("UPDATE " + name + " SET v = 'wrong' WHERE id > 200 AND id <= " + std::to_string(200 + old));
}

TEST(SqliteCdc, EveryTableGetsItsOwnRecheckOutcome) {
  TempDir dir("sqlite_cdc");
  const fs::path src = dir / "src.db", tgt = dir / "tgt.db";
  create_cdc_table(src, tgt, "a", 3, 2);
  create_cdc_table(src, tgt, "b", 5, 0);
  create_cdc_table(src, tgt, "c", 0, 4);
  // Truth, independently: rows updated in the last 5 minutes on the source, and rows that differ.
  SqliteDb truth(src);
  truth.exec("ATTACH '" + tgt.string() + "' AS t");
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> expected;  // table -> {in flight, changed}
  for (const std::string name : {"a", "b", "c"}) {
    const std::string diff = "FROM main." + name + " s JOIN t." + name + " x USING (id) WHERE s.v IS NOT x.v";
    const std::int64_t recent = truth.count("SELECT count(*) " + diff + " AND s.updated_at >= strftime('%Y-%m-%d %H:%M:%f', 'now', '-5 minutes')");
    expected[name] = {recent, truth.count("SELECT count(*) " + diff) - recent};
  }
  std::string job = "[source]\nkind = \"sqlite\"\nurl = \"src.db\"\n[target]\nkind = \"sqlite\"\nurl = \"tgt.db\"\n"
                    "[check]\nthreads = 2\nslo = 0.9\n[check.recheck]\nattempts = 2\ndelay = \"200ms\"\nbackoff = 1.0\n";
  for (const std::string name : {"a", "b", "c"})
    job += "[[tables]]\nsource = \"" + name + "\"\nkey = [\"id\"]\nupdated_at = \"updated_at\"\nlag = \"5m\"\n";
  write_file(dir / "job.toml", job);
  const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(),
                                  "--audit", (dir / "audit.db").string(), "--no-progress"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  const json summary = read_json(dir / "out" / "summary.json");
  for (const auto& [name, counts] : expected) {
    const json& t = table_entry(summary, name);
    EXPECT_EQ(t["in_flight"], counts.first) << name;
    EXPECT_EQ(t["changed"], counts.second) << name;
    EXPECT_EQ(t["converged"], 0) << name;
    EXPECT_EQ(t["rows_compared"].get<std::int64_t>(),
              t["matched"].get<std::int64_t>() + t["changed"].get<std::int64_t>() + t["in_flight"].get<std::int64_t>())
        << name;
  }
  SqliteDb audit(dir / "audit.db");
  EXPECT_EQ(audit.count("SELECT count(*) FROM divergences WHERE status = 'in_flight'"), 3 + 5);
  EXPECT_EQ(audit.count("SELECT count(*) FROM divergences WHERE status = 'open'"), 2 + 4);
  // Open rows were looked at three times: at once (the lag window), then twice after the delay.
  EXPECT_EQ(audit.count("SELECT count(*) FROM divergences WHERE status = 'open' AND recheck_attempts <> 3"), 0);
  // Only the open rows are in the fix-up; in-flight rows are never "repaired" under CDC's feet.
  const std::string fix_a = read_file(dir / "out" / "fixup" / "a.sql");
  EXPECT_NE(fix_a.find("'v201'"), std::string::npos) << fix_a;
  EXPECT_EQ(fix_a.find("new"), std::string::npos) << fix_a;
}

}  // namespace
}  // namespace e2e

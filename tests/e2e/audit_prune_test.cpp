// `recon audit prune --keep D` through the real binary: runs older than D go with every record of
// them (counted on the audit DB itself), the newest stays, the prune is on record, the file
// shrinks; bad input is exit 2.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

TEST(PgAuditPrune, OldRunsGoWithTheirRecordsTheNewestStays) {
  if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  PgDatabase db("recon_e2e_audit_prune");
  db.exec("CREATE SCHEMA src; CREATE SCHEMA tgt;"
          "CREATE TABLE src.p (id int PRIMARY KEY, v text);"
          "INSERT INTO src.p SELECT i, md5(i::text) FROM generate_series(1, 3000) i;"
          "CREATE TABLE tgt.p (LIKE src.p INCLUDING ALL); INSERT INTO tgt.p SELECT * FROM src.p WHERE id % 10 <> 0;");
  TempDir dir("audit-prune");
  write_file(dir / "job.toml", pg_job(db, "[[tables]]\nsource = \"src.p\"\ntarget = \"tgt.p\"\nkey = [\"id\"]\n"));
  const fs::path audit = dir / "audit.db";
  for (int i = 0; i < 3; ++i) {
    const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out",
                                    (dir / ("out" + std::to_string(i))).string(), "--audit", audit.string(),
                                    "--no-progress"});
    ASSERT_EQ(r.exit_code, 1) << r.describe();
  }
  std::vector<std::string> ids;
  {
    SqliteDb a(audit);
    for (const auto& row : a.rows("SELECT run_id FROM runs ORDER BY started_at, rowid")) ids.push_back(row[0]);
    ASSERT_EQ(ids.size(), 3u);
    // The first two ran four months ago.
    a.exec("UPDATE runs SET started_at = '2026-08-01T02:00:00Z' WHERE run_id IN ('" + ids[0] + "', '" + ids[1] + "')");
  }
  auto prune = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args{"audit", "prune", "--audit", audit.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_recon(args);
  };
  const ProcResult dry = prune({"--keep", "90d", "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.describe();
  EXPECT_EQ(json::parse(dry.out)["runs"], json(std::vector<std::string>{ids[0], ids[1]}));
  EXPECT_EQ(SqliteDb(audit).count("SELECT count(*) FROM runs"), 3) << "a dry run changes nothing";

  std::int64_t divergences_of_old;
  {
    SqliteDb a(audit);
    divergences_of_old = a.count("SELECT count(*) FROM divergences WHERE run_id IN ('" + ids[0] + "', '" + ids[1] + "')");
  }
  ASSERT_EQ(divergences_of_old, 2 * db.count("SELECT count(*) FROM (SELECT id FROM src.p EXCEPT SELECT id FROM tgt.p) x"));
  const ProcResult r = prune({"--keep", "90d"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("removed 2 runs"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::to_string(divergences_of_old) + " divergences"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("recorded in table prunes"), std::string::npos) << r.out;
  SqliteDb a(audit);
  EXPECT_EQ(a.count("SELECT count(*) FROM runs"), 1);
  EXPECT_EQ(a.rows("SELECT run_id FROM runs")[0][0], ids[2]);
  for (const char* table : {"table_results", "divergences", "ranges"})
    EXPECT_EQ(a.count(std::string("SELECT count(*) FROM ") + table + " WHERE run_id <> '" + ids[2] + "'"), 0) << table;
  EXPECT_EQ(a.count("SELECT count(*) FROM prunes WHERE keep = '90d' AND runs = 2"), 1);
  const ProcResult runs = run_recon({"runs", "--audit", audit.string()});
  EXPECT_EQ(runs.exit_code, 0) << runs.describe();
  EXPECT_NE(runs.out.find(ids[2]), std::string::npos) << runs.out;
  EXPECT_EQ(runs.out.find(ids[0]), std::string::npos) << runs.out;

  EXPECT_EQ(prune({"--keep", "90 days"}).exit_code, 2);
  EXPECT_EQ(prune({}).exit_code, 2) << "--keep is required";
  EXPECT_EQ(run_recon({"audit", "shred", "--audit", audit.string()}).exit_code, 2);
  EXPECT_EQ(run_recon({"audit", "prune", "--keep", "90d", "--audit", (dir / "none.db").string()}).exit_code, 2);
}

}  // namespace
}  // namespace e2e

// `recon check --no-fixup` ([check].fixup = false) through the real binary on PostgreSQL: no file
// of real row values is written, and `recon apply` still repairs every divergence from the audit
// DB (truth by SQL EXCEPT before and after).
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

TEST(PgNoFixup, NoFixupFilesAndApplyStillRepairsFromTheAudit) {
  if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  PgDatabase db("recon_e2e_no_fixup");
  db.exec("CREATE SCHEMA src; CREATE SCHEMA tgt;"
          "CREATE TABLE src.n (id int PRIMARY KEY, cpf text, v int);"
          "INSERT INTO src.n SELECT i, lpad((i * 7919)::text, 11, '0'), i FROM generate_series(1, 2000) i;"
          "CREATE TABLE tgt.n (LIKE src.n INCLUDING ALL); INSERT INTO tgt.n SELECT * FROM src.n WHERE id % 50 <> 0;"
          "UPDATE tgt.n SET v = v + 1 WHERE id % 70 = 1; INSERT INTO tgt.n VALUES (9001, '0', 0);");
  TempDir dir("no-fixup");
  write_file(dir / "job.toml", pg_job(db, "[[tables]]\nsource = \"src.n\"\ntarget = \"tgt.n\"\nkey = [\"id\"]\n"));
  const Truth before = pg_truth(db, "src.n", "tgt.n", "id");
  ASSERT_FALSE(before.zero());
  const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(),
                                  "--audit", (dir / "audit.db").string(), "--no-progress", "--no-fixup"});
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_FALSE(fs::exists(dir / "out" / "fixup")) << "no file of row values";
  EXPECT_NE(r.out.find("fix-up:  none (--no-fixup"), std::string::npos) << r.out;
  const json summary = read_json(dir / "out" / "summary.json");
  expect_counts(summary, "n", before);
  EXPECT_EQ(table_entry(summary, "n")["fixup_sql"], "");

  const ProcResult apply = run_recon({"apply", "--run", "latest", "--audit", (dir / "audit.db").string(), "--no-progress"});
  EXPECT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_TRUE(pg_truth(db, "src.n", "tgt.n", "id").zero());

  // The job file says the same.
  write_file(dir / "job2.toml", pg_job(db, "[[tables]]\nsource = \"src.n\"\ntarget = \"tgt.n\"\nkey = [\"id\"]\n",
                                       "fixup = false"));
  db.exec("DELETE FROM tgt.n WHERE id = 7");
  const ProcResult again = run_recon({"check", "--config", (dir / "job2.toml").string(), "--out",
                                      (dir / "out2").string(), "--audit", (dir / "audit.db").string(), "--no-progress"});
  ASSERT_EQ(again.exit_code, 1) << again.describe();
  EXPECT_FALSE(fs::exists(dir / "out2" / "fixup"));
}

}  // namespace
}  // namespace e2e

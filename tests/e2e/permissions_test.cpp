// What recon writes is owner-only (folders 0700, files 0600: summaries, reports and fix-up SQL hold
// row values), through the real binary on PostgreSQL; the stable metrics file and the EMF log, read
// by other programs' users and holding no row values, are 0644.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 0777;
}

TEST(PgPermissions, OutputsAndTheAuditAreOwnerOnlyTheMetricsFileIsReadable) {
  if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  PgDatabase db("recon_e2e_permissions");
  db.exec("CREATE SCHEMA src; CREATE SCHEMA tgt;"
          "CREATE TABLE src.p (id int PRIMARY KEY, cpf text);"
          "INSERT INTO src.p SELECT i, lpad(i::text, 11, '0') FROM generate_series(1, 100) i;"
          "CREATE TABLE tgt.p (LIKE src.p INCLUDING ALL); INSERT INTO tgt.p SELECT * FROM src.p WHERE id > 1;");
  TempDir dir("permissions");
  write_file(dir / "job.toml", pg_job(db, "[[tables]]\nsource = \"src.p\"\ntarget = \"tgt.p\"\nkey = [\"id\"]\n",
                                      "metrics_file = " + toml_str((dir / "node" / "recon.prom").string()) +
                                          "\nemf = " + toml_str((dir / "emf" / "recon.log").string()) + "\n"));
  const fs::path out = dir / "reports" / "nightly";
  const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", out.string(), "--audit",
                                  (dir / "audit" / "recon-audit.db").string(), "--no-progress"});
  ASSERT_EQ(r.exit_code, 1) << r.describe();

  for (const fs::path& folder : {dir / "reports", out, out / "fixup", dir / "audit"})
    EXPECT_EQ(mode_of(folder), 0700u) << folder;
  for (const fs::path& file : {out / "summary.json", out / "metrics.prom", out / "report.html", out / "fixup" / "p.sql",
                               dir / "audit" / "recon-audit.db"})
    EXPECT_EQ(mode_of(file), 0600u) << file;
  EXPECT_EQ(mode_of(dir / "node"), 0755u) << "node_exporter must reach the file";
  EXPECT_EQ(mode_of(dir / "emf"), 0755u);
  EXPECT_EQ(mode_of(dir / "node" / "recon.prom"), 0644u);
  EXPECT_EQ(mode_of(dir / "emf" / "recon.log"), 0644u);
}

}  // namespace
}  // namespace e2e

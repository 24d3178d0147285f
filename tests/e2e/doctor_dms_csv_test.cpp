// `recon doctor` on a dms_csv side (a folder of DMS files) against PostgreSQL under pg_virtualenv:
// a table whose files are there reads, one whose folder is missing cannot be selected.
#include <gtest/gtest.h>

#include "doctor_report.hpp"

namespace e2e {
namespace {

TEST(DoctorDmsCsv, FolderIsOkAndAMissingTableFolderFailsTheSelect) {
  if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  PgDatabase pg("recon_e2e_doctor_dms");
  pg.exec("CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t VALUES (1, 'a'), (2, 'b');"
          "CREATE TABLE gone (id int PRIMARY KEY)");
  TempDir dir("doctor-dms");
  fs::create_directories(dir / "dms" / "public" / "t");
  write_file(dir / "dms" / "public" / "t" / "LOAD00000001.csv", "1,a\n2,b\n");
  const std::string tables = "[[tables]]\nsource = \"public.t\"\ntarget = \"public.t\"\n\n"
                             "[[tables]]\nsource = \"public.gone\"\ntarget = \"public.gone\"\n";
  write_file(dir / "job.toml", "[source]\nkind = \"dms_csv\"\nurl = \"dms\"\n\n[target]\nkind = \"postgres\"\nurl = " +
                                   toml_str(pg.conninfo()) + "\n\n" + tables);
  ProcResult run;
  const json r = run_doctor_json(dir / "job.toml", {}, &run);
  ASSERT_TRUE(r.contains("checks")) << run.describe();
  const json& side = r.at("sides").at("source");
  EXPECT_EQ(side.at("product"), "DMS CSV files");
  EXPECT_EQ(side.at("protocol"), "file");
  EXPECT_TRUE(side.at("tls").is_null());
  EXPECT_EQ(status_of(r, "table.select", "source", "t"), "OK") << r.dump(1);
  const json* range = find_check(r, "table.range_read", "source", "t");
  ASSERT_NE(range, nullptr);
  EXPECT_EQ(range->at("status"), "SKIP");  // recon sorts the files itself
  const json* gone = find_check(r, "table.select", "source", "gone");
  ASSERT_NE(gone, nullptr) << r.dump(1);
  EXPECT_EQ(gone->at("status"), "FAIL");
  EXPECT_NE(gone->at("summary").get<std::string>().find("folder"), std::string::npos) << gone->dump();
  EXPECT_EQ(run.exit_code, 1) << run.describe();
  EXPECT_TRUE(r.at("least_privilege").at("source").empty());  // files: no statements
}

}  // namespace
}  // namespace e2e

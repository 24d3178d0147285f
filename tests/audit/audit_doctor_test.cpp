// `recon doctor`'s audit entry (schema version 8): one chained, insert-only doctor_runs row per
// run, read back newest first; a version 7 file gains the table in place and still verifies.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit_test_support.hpp"
#include "recon/audit/verify.hpp"

namespace recon {
namespace {

using namespace audit_test;
using ::testing::HasSubstr;

DoctorRunRecord doctor_run(const std::string& at, int exit_code) {
  DoctorRunRecord r;
  r.at = at;
  r.job_file = "nightly.toml";
  r.job_sha256 = std::string(64, 'a');
  r.exit_code = exit_code;
  r.ok = 20;
  r.warn = exit_code;
  r.skip = 3;
  r.source_endpoint = "postgres postgresql://u:s3cret@h/db";
  r.target_endpoint = "sqlite /data/t.db";
  r.report_json = R"({"job":"nightly.toml"})";
  return r;
}

TEST(AuditDoctor, RowsAreChainedListedNewestFirstAndNeverRuns) {
  TempDir dir("doctor");
  const fs::path file = dir.path / "a.db";
  {
    AuditDb audit;
    audit.open(file);
    audit.record_doctor_run(doctor_run("2026-12-04T10:00:00Z", 0));
    audit.record_doctor_run(doctor_run("2026-12-04T11:00:00Z", 1));
    const auto runs = audit.list_doctor_runs(10);
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0].run.at, "2026-12-04T11:00:00Z");
    EXPECT_EQ(runs[0].run.exit_code, 1);
    EXPECT_EQ(runs[1].run.ok, 20);
    EXPECT_EQ(runs[0].run.source_endpoint, "postgres postgresql://u:***@h/db");  // never the password
    EXPECT_FALSE(runs[0].host.empty());
    EXPECT_EQ(audit.list_doctor_runs(1).size(), 1u);
    EXPECT_TRUE(audit.list_runs(10).empty());
  }
  EXPECT_EQ(query(file, "SELECT count(*) FROM chain WHERE tbl = 'doctor_runs'")[0], "2");
  const auto v = audit::verify_audit_chain(file);
  EXPECT_TRUE(v.intact()) << v.problem->describe();
  // Append-only like every chained table; an edit by hand is found.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  audit::register_audit_functions(db);
  EXPECT_NE(sqlite3_exec(db, "UPDATE doctor_runs SET exit_code = 0", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_THAT(sqlite3_errmsg(db), HasSubstr("append-only"));
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM doctor_runs", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_exec(db, "DROP TRIGGER doctor_runs_no_update; UPDATE doctor_runs SET exit_code = 0 WHERE id = 2", nullptr,
               nullptr, nullptr);
  sqlite3_close(db);
  const auto edited = audit::verify_audit_chain(file);
  ASSERT_FALSE(edited.intact());
  EXPECT_EQ(edited.problem->table, "doctor_runs");
  EXPECT_EQ(edited.problem->rec, 2);
}

TEST(AuditDoctor, AVersion7FileGainsTheTableInPlace) {
  TempDir dir("doctor-v7");
  const fs::path file = dir.path / "a.db";
  { AuditDb audit; audit.open(file); }
  query(file, "DROP TABLE doctor_runs; UPDATE schema_version SET version = 7;", true);
  ASSERT_TRUE(audit::verify_audit_chain(file).intact());
  {
    AuditDb audit;
    audit.open(file);
    audit.record_doctor_run(doctor_run("2026-12-04T10:00:00Z", 0));
  }
  EXPECT_EQ(query(file, "SELECT version FROM schema_version"), std::vector<std::string>{"8"});
  const auto v = audit::verify_audit_chain(file);
  EXPECT_TRUE(v.intact()) << v.problem->describe();
  EXPECT_EQ(query(file, "SELECT count(*) FROM doctor_runs")[0], "1");
}

}  // namespace
}  // namespace recon

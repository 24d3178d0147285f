// `recon doctor`'s audit entry: one doctor_runs row per run (schema version 8, docs/audit.md).
#include <sqlite3.h>

#include "recon/audit/audit_db.hpp"
#include "recon/core/errors.hpp"
#include "recon/core/os_identity.hpp"
#include "sqlite_util.hpp"

namespace recon {

using audit::bind_text;

void AuditDb::record_doctor_run(const DoctorRunRecord& r) {
  require_open("record_doctor_run");
  in_write_transaction([&] {
    const sqlite::Stmt s(db_,
                         "INSERT INTO doctor_runs (at, job_file, job_sha256, exit_code, ok, warn, fail, skip,"
                         " source_endpoint, target_endpoint, report_json, os_user, host, recon_version)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
    if (!s.ok()) fail("cannot record the doctor run");
    bind_text(s, 1, r.at);
    bind_text(s, 2, r.job_file);
    bind_text(s, 3, r.job_sha256);
    sqlite3_bind_int(s, 4, r.exit_code);
    sqlite3_bind_int64(s, 5, r.ok);
    sqlite3_bind_int64(s, 6, r.warn);
    sqlite3_bind_int64(s, 7, r.fail);
    sqlite3_bind_int64(s, 8, r.skip);
    bind_text(s, 9, redact_secrets(r.source_endpoint));
    bind_text(s, 10, redact_secrets(r.target_endpoint));
    bind_text(s, 11, redact_secrets(r.report_json));
    bind_text(s, 12, user_name());
    bind_text(s, 13, host_name());
    bind_text(s, 14, RECON_VERSION_STRING);
    if (sqlite3_step(s) != SQLITE_DONE) fail("cannot record the doctor run");
  });
}

std::vector<StoredDoctorRun> AuditDb::list_doctor_runs(std::size_t last) {
  require_open("list_doctor_runs");
  const sqlite::Stmt s(db_,
                       "SELECT id, at, job_file, job_sha256, exit_code, ok, warn, fail, skip, source_endpoint,"
                       " target_endpoint, report_json, os_user, host, recon_version FROM doctor_runs"
                       " ORDER BY at DESC, id DESC LIMIT ?1");
  if (!s.ok()) fail("cannot read doctor_runs");
  sqlite3_bind_int64(s, 1, static_cast<std::int64_t>(last));
  std::vector<StoredDoctorRun> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    StoredDoctorRun d;
    d.id = sqlite3_column_int64(s, 0);
    d.run.at = sqlite::column_text(s, 1);
    d.run.job_file = sqlite::column_text(s, 2);
    d.run.job_sha256 = sqlite::column_text(s, 3);
    d.run.exit_code = sqlite3_column_int(s, 4);
    d.run.ok = sqlite3_column_int64(s, 5);
    d.run.warn = sqlite3_column_int64(s, 6);
    d.run.fail = sqlite3_column_int64(s, 7);
    d.run.skip = sqlite3_column_int64(s, 8);
    d.run.source_endpoint = sqlite::column_text(s, 9);
    d.run.target_endpoint = sqlite::column_text(s, 10);
    d.run.report_json = sqlite::column_text(s, 11);
    d.os_user = sqlite::column_text(s, 12);
    d.host = sqlite::column_text(s, 13);
    d.recon_version = sqlite::column_text(s, 14);
    out.push_back(std::move(d));
  }
  if (rc != SQLITE_DONE) fail("cannot read doctor_runs");
  return out;
}

}  // namespace recon

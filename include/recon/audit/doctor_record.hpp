#pragma once
/// The audit's record of a `recon doctor` run (table doctor_runs, schema version 8, docs/audit.md):
/// insert-only and chained like every record. Doctor runs are not runs: `recon runs` never lists
/// them, `recon audit doctor` does.

#include <cstdint>
#include <string>

namespace recon {

struct DoctorRunRecord {
  std::string at;  ///< ISO-8601 UTC
  std::string job_file, job_sha256;
  int exit_code = 0;
  std::int64_t ok = 0, warn = 0, fail = 0, skip = 0;
  std::string source_endpoint, target_endpoint;  ///< password-free (redacted again on write)
  std::string report_json;                       ///< the --json object, compact
};

/// A doctor_runs row as read back.
struct StoredDoctorRun {
  std::int64_t id = 0;
  DoctorRunRecord run;
  std::string os_user, host, recon_version;
};

}  // namespace recon

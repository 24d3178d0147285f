#pragma once
/// A doctor run's audit entry (docs/doctor.md, "Audit entry"): one doctor_runs row, no `runs` row.

#include "recon/audit/doctor_record.hpp"
#include "recon/config/job.hpp"
#include "recon/doctor/report.hpp"

namespace recon::doctor {

/// The row of `report`: when, the job file as given and its SHA-256, the exit code, the counts,
/// both endpoints and the --json object (compact).
DoctorRunRecord audit_record(const Report& report, const RunOptions& job);

}  // namespace recon::doctor

#pragma once
/// The files a run leaves for people and schedulers, written the same way at the end of a run, on
/// its failure, and when `recon recheck` refreshes a past run.

#include <filesystem>

#include "recon/audit/audit_db.hpp"
#include "recon/config/job.hpp"
#include "recon/model/result.hpp"

namespace recon {

/// Writes <out_dir>/summary.json and <out_dir>/metrics.prom (each atomically). Throws
/// std::runtime_error naming the file when one cannot be written.
void write_run_files(const std::filesystem::path& out_dir, const RunResult& result);

/// The outputs a scheduler watches beyond the run's folder: the job's stable metrics file
/// ([check].metrics_file, written atomically) and its EMF log ([check].emf, one record appended).
/// A failure to write them is reported on stderr and does not change the run's result (its
/// summary, audit and fix-up are written). Returns false when one could not be written.
bool write_scheduler_outputs(const RunOptions& opts, const RunResult& result);

/// <out_dir>/report.html (report/html_report.hpp) with each table's index trend read from
/// `audit` — written after the audit holds the run, so the run is the last point of each trend.
/// Like the scheduler outputs, a failure is reported on stderr and changes nothing else; returns
/// false then.
bool write_html_report(const std::filesystem::path& out_dir, const RunResult& result, AuditDb& audit);

}  // namespace recon

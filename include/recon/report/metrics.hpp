#pragma once
/// metrics.prom: the run's results for Prometheus (node_exporter's textfile collector).

#include <filesystem>
#include <string>

#include "recon/model/result.hpp"

namespace recon {

/// metrics.prom text in the Prometheus text exposition format (node_exporter textfile collector):
/// HELP/TYPE lines, label values escaped (\\, \", \n). Metrics: recon_consistency_index{table},
/// recon_rows_compared{table}, recon_rows_source{table}, recon_rows_target{table},
/// recon_divergences{table,category}, recon_open_findings{table}, recon_table_duration_seconds{table},
/// recon_table_partial{table}, recon_table_slo{table},
/// recon_run_consistency_index, recon_run_duration_seconds, recon_last_run_timestamp_seconds,
/// recon_run_status{status} (1 for the run's status, 0 for the others); from the rules engine:
/// recon_rows_tolerated{table}, recon_rows_in_flight{table}, recon_rows_converged{table},
/// recon_rows_suspended{table}, recon_rows_escalated{table} and recon_findings{table,category,
/// severity="P1".."P4",action} (one gauge per entry of TableResult::categories); when the run's
/// audit_chain is known, recon_audit_chain_records (the head's seq) and
/// recon_audit_chain_head_info{sha256} 1.
std::string render_metrics(const RunResult& run);

/// Writes <out_dir>/metrics.prom via a temp file + rename (the collector must never read half).
void write_metrics(const std::filesystem::path& out_dir, const RunResult& run);

}  // namespace recon

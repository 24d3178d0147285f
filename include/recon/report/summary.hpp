#pragma once
/// summary.json and metrics.prom: the machine-readable results of a run (CONTRACT.md).

#include <filesystem>
#include <string>

#include "recon/engine/result.hpp"

namespace recon {

/// summary.json text. Exactly CONTRACT.md's fields, plus (extensions, never changes):
/// run-level "seed", "sample_rate", "escalated" (Σ of the tables'), "error" (only when set); per
/// table, always: "tolerated", "in_flight", "converged", "suspended", "escalated", "categories"
/// ({"precision_drift": {"count": 3, "severity": "P4", "action": "tolerate"}, …}, {} when none;
/// open and tolerated divergences by their finding's category), "slo", "ranges_total",
/// "ranges_done", "ranges_failed", "partial", "columns", "seconds"; "error" only when partial,
/// "notes" only when there are some.
/// The contract fields hold TableResult's values, which are after rules and rechecks (matched
/// includes tolerated and converged rows; missing_in_* and changed count open divergences), and
/// "consistency_index" is TableResult::consistency_index(): matched ÷ (rows_compared − in_flight
/// − suspended), 1.0 when that is 0 — the contract's formula whenever no lag/recheck is configured.
/// Indented, UTF-8, newline-terminated.
std::string render_summary_json(const RunResult& run);

/// Writes <out_dir>/summary.json via a temp file + rename. Throws std::runtime_error naming the
/// file on I/O failure.
void write_summary(const std::filesystem::path& out_dir, const RunResult& run);

/// metrics.prom text in the Prometheus text exposition format (node_exporter textfile collector):
/// HELP/TYPE lines, label values escaped (\\, \", \n). Metrics: recon_consistency_index{table},
/// recon_rows_compared_total{table}, recon_rows_source{table}, recon_rows_target{table},
/// recon_divergences_total{table,category}, recon_table_partial{table}, recon_table_slo{table},
/// recon_run_consistency_index, recon_run_duration_seconds, recon_last_run_timestamp_seconds,
/// recon_run_status{status} (1 for the run's status, 0 for the others); from the rules engine:
/// recon_rows_tolerated{table}, recon_rows_in_flight{table}, recon_rows_converged{table},
/// recon_rows_suspended{table}, recon_rows_escalated{table} and recon_findings{table,category,
/// severity="P1".."P4",action} (one gauge per entry of TableResult::categories).
std::string render_metrics(const RunResult& run);

/// Writes <out_dir>/metrics.prom via a temp file + rename (the collector must never read half).
void write_metrics(const std::filesystem::path& out_dir, const RunResult& run);

}  // namespace recon

#pragma once
/// summary.json: the machine-readable result of a run (docs/cli.md).

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "recon/model/result.hpp"

namespace recon {

/// summary.json text. Exactly the contract's fields (docs/cli.md), plus (extensions, never changes):
/// run-level "seed", "sample_rate", "escalated" (Σ of the tables'), "open_findings" (Σ), "error"
/// (only when set); per table, always: "tolerated", "in_flight", "converged", "suspended",
/// "escalated", "open_findings", "categories" ({"precision_drift": {"count": 3, "severity": "P4",
/// "action": "tolerate", "first_keys": [[7], …], "explain": "recon explain …"}, …}, {} when none;
/// open and tolerated divergences by their finding's category), "columns_changed", "slo", "ranges_total",
/// "ranges_done", "ranges_failed", "partial", "columns", "seconds"; "error" only when partial,
/// "notes" only when there are some; "audit_chain" {"seq", "sha256"} when the run's audit_chain is
/// known (the audit's hash chain head after the run's records).
/// The contract fields hold TableResult's values, which are after rules and rechecks (matched
/// includes tolerated and converged rows; missing_in_* and changed count open divergences), and
/// "consistency_index" is TableResult::consistency_index(): matched ÷ (rows_compared − in_flight
/// − suspended), 1.0 when that is 0 — the contract's formula whenever no lag/recheck is configured.
/// Indented, UTF-8, newline-terminated.
std::string render_summary_json(const RunResult& run);

/// summary.json text (render_summary_json's) back to the RunResult it shows: every field it
/// carries; started_epoch/finished_epoch from the ISO times; keys of first_keys as canonical
/// encodings that render to the same JSON (for showing and suggesting, not for comparing);
/// job_file and audit_db empty (the caller knows them). Unknown fields are ignored, missing ones
/// take their defaults, so a summary of an older recon reads. Throws InputError naming `where`
/// (the file) when the text is not JSON or not a summary.
RunResult read_summary_json(const std::string& text, const std::string& where);

/// The summary.json in a run's output folder `out_dir`, read back, when it is there and is run
/// `run_id`'s. Otherwise nullopt, and `why_not` says why: "<file> is not there", the parse error
/// (naming the file), or "<file> is run B's, not A's (the folder was written again)".
std::optional<RunResult> read_run_summary(const std::filesystem::path& out_dir, const std::string& run_id,
                                          std::string& why_not);

/// A "categories" object as summary.json and the audit's categories_json spell it
/// ({"changed": {"count": 3, "severity": "P2", "action": "fix", "first_keys": [[7]]}, …}) back to
/// TableResult::categories; first_keys when present. Text that is not such an object reads as none.
std::map<std::string, TableResult::CategoryCount> read_categories_json(const std::string& text);

/// Writes <out_dir>/summary.json via a temp file + rename. Throws std::runtime_error naming the
/// file on I/O failure.
void write_summary(const std::filesystem::path& out_dir, const RunResult& run);

}  // namespace recon

#pragma once
/// What a person sees in the terminal at the end of a run: the table of results and the findings
/// by severity (the live progress line is recon/report/progress.hpp).

#include <cstdint>
#include <string>

#include "recon/model/result.hpp"

namespace recon {

/// Aligned table, one line per table plus a total line and a status line, newline-terminated:
///   table  rows source  rows target  matched  missing in target  missing in source  changed  index  slo
/// Counts are TableResult's (after rules and rechecks). The index is TableResult's
/// (matched ÷ (rows_compared − in_flight − suspended)) as a percentage with 4 decimals (6 decimals
/// of the ratio), rounded *down*, so "100.0000 %" appears only when every counted row matched.
/// The last column says "PARTIAL" (some ranges failed), else "BELOW" (under the table's SLO), else
/// "ESCALATED" (an open divergence whose rule says escalate: exit 1 whatever the index), else "ok".
///
/// When any table has finding categories or in-flight/converged/suspended rows, a block follows
/// the table (before the status line), sorted by severity, table, category:
///   findings by severity:
///     P1 critical       simulacoes  status_change       3  escalate
///     P4 informational  simulacoes  precision_drift    12  tolerate
///     simulacoes: 12 in flight, 40 converged, 1 suspended
/// (one line per TableResult::categories entry, then one line per table with rechecks). With no
/// rules configured every divergence still has a finding (its raw category, P2, fix), so the block
/// appears whenever there are divergences.
std::string render_summary_table(const RunResult& run);

/// A ratio as a percentage with four decimals, rounded down: "99.9870 %" (an interval's bound, or a
/// recorded index, is never shown higher than it is).
std::string percent_floor(double v);

/// Index as shown by render_summary_table: floor(matched / compared, 6 decimals) as "99.9870 %".
std::string format_index_percent(std::int64_t matched, std::int64_t compared);

/// "P1 critical", "P2 high", "P3 medium", "P4 informational" (the platform runbook's scale);
/// "P<n>" for anything else.
std::string severity_label(int severity);

}  // namespace recon

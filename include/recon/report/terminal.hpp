#pragma once
/// What a person sees in the terminal: the end-of-run table and the live progress line.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>

#include "recon/engine/result.hpp"

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

/// Index as shown by render_summary_table: floor(matched / compared, 6 decimals) as "99.9870 %".
std::string format_index_percent(std::int64_t matched, std::int64_t compared);

/// "P1 critical", "P2 high", "P3 medium", "P4 informational" (the platform runbook's scale);
/// "P<n>" for anything else.
std::string severity_label(int severity);

/// "table: ranges 12/40  1.2M rows  850k rows/s  ETA 0:14", redrawn in place with '\r'.
///
/// Draws only when enabled (default: stderr is a terminal, so logs and pipes stay clean), at most
/// 5 times a second, and erases itself on clear() / destruction. Thread-safe.
class ProgressLine {
 public:
  /// Monotonic seconds; injectable so tests control time.
  using Clock = std::function<double()>;

  explicit ProgressLine(bool enabled = stderr_is_terminal());
  ProgressLine(bool enabled, std::ostream& out, Clock clock);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  /// Reports progress of `label` (a table, or e.g. "3 tables"). The rate and ETA are measured from
  /// the first update with this label. `force` draws even inside the throttle interval.
  void update(const std::string& label, std::int64_t ranges_done, std::int64_t ranges_total,
              std::int64_t rows, bool force = false);
  /// Erases the line (before printing anything else on stderr, and at the end).
  void clear();

  static bool stderr_is_terminal();
  /// The line's text (no '\r'), for a given elapsed time.
  static std::string format(const std::string& label, std::int64_t ranges_done, std::int64_t ranges_total,
                            std::int64_t rows, double elapsed_s);
  /// 999 -> "999", 1234 -> "1.2k", 850000 -> "850k", 1200000 -> "1.2M".
  static std::string human_count(double v);

 private:
  bool enabled_;
  std::ostream* out_;
  Clock clock_;
  std::mutex mu_;
  std::string label_;
  double label_start_ = 0;
  double last_draw_ = -1;
  std::size_t drawn_len_ = 0;
};

}  // namespace recon

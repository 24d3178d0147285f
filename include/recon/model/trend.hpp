#pragma once
/// A table's consistency index over its recent runs, as the audit DB recorded it: what report.html
/// charts. Filled by AuditDb::table_trends (audit_history.cpp), read by render_report_html.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace recon {

/// One recorded run of one table.
struct TrendPoint {
  std::string run_id;
  std::string started_at;  ///< ISO-8601 UTC, "2026-11-23T10:15:00Z"
  std::string mode;        ///< full | sample | incremental
  std::string status;      ///< the run's status (consistent, divergent, error, …)
  std::optional<double> index;  ///< the table's index; none when the table was partial
  bool partial = false;
};

/// A table's points, oldest first; the run a report is about is the last one.
struct TableTrend {
  std::string table;
  std::vector<TrendPoint> points;
};

/// How many runs report.html charts per table.
inline constexpr std::size_t kTrendRuns = 30;

}  // namespace recon

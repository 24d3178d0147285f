#pragma once
/// What the audit DB remembers across runs, as `recon runs`, `recon show` and `recon history`
/// print it (docs/cli.md). Read only; filled by AuditDb's history readers (audit_history.cpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace recon {

/// One table of a recorded run.
struct RunTableRecord {
  std::string name;
  std::optional<double> index;                      ///< NULL: partial
  std::optional<double> index_lower, index_upper;   ///< sampled runs
  std::int64_t rows_compared = 0, matched = 0, missing_in_target = 0, missing_in_source = 0, changed = 0;
  std::int64_t tolerated = 0, in_flight = 0, converged = 0, suspended = 0, escalated = 0;
  bool partial = false;
  std::string error;
  std::string categories_json;  ///< {"changed":{"count":3,"severity":"P2","action":"fix"},…}
  std::string fixup_file;
};

/// One recorded run with its tables.
struct RunRecord {
  std::string run_id, started_at, finished_at, mode, status, error;
  std::optional<double> index, index_lower, index_upper;
  std::vector<RunTableRecord> tables;
};

/// A run's divergences of one table with one latest status.
struct StatusCount {
  std::string table, status;
  std::int64_t count = 0, rechecked = 0, repaired = 0;
};

/// One `recon apply` of a run's fix-up, per table.
struct ApplySummary {
  std::string apply_id, table, started_at, status;
  std::int64_t statements = 0, applied = 0, conflicts = 0, repaired = 0, still_divergent = 0;
};

/// What `recon show` prints.
struct RunDetail {
  RunRecord run;
  std::vector<StatusCount> statuses;
  std::vector<ApplySummary> applies;
};

/// One key in one run that compared its table.
struct KeySighting {
  std::string run_id, started_at, mode, run_status;
  bool table_partial = false;
  bool found = false;  ///< the run recorded a divergence for the key
  std::string category, finding_category, action, status, columns_json;
  int severity = 0;
  std::string recheck;  ///< the latest `recon recheck` of it: "converged at …"; "" when none
  std::string repair;   ///< the latest `recon apply` of it: "repaired by apply …"; "" when none
};

/// One `recon recheck` (or a run's own recheck recorded later) of one divergence.
struct RecheckSighting {
  std::string recheck_id, checked_at, status, finding_category, explanation;
};

}  // namespace recon

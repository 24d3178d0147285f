#pragma once
/// `recon audit prune`: retention for the audit DB (docs/audit.md).

#include <cstdint>
#include <string>
#include <vector>

namespace recon {

/// What a prune removed (or, dry, would remove).
struct PruneResult {
  std::vector<std::string> run_ids;  ///< removed, oldest first
  std::int64_t divergences = 0, rechecks = 0, applies = 0;
  /// Runs older than the cutoff kept anyway: watermarks of incremental tables point at them, or one
  /// is the newest finished run, or still running.
  std::int64_t kept_old = 0;
  std::int64_t runs_left = 0;  ///< runs in the file after the prune
};

}  // namespace recon

#pragma once
/// What `recon apply` leaves on the audit trail: one ApplyRecord per table of an apply, one
/// ApplyKeyRecord per key it ran a statement for (tables `applies` and `apply_keys`).

#include <cstdint>
#include <optional>
#include <string>

namespace recon {

struct ApplyRecord {
  std::string apply_id, run_id, table_name;
  std::string started_at, finished_at;  ///< ISO-8601 UTC
  std::string os_user, host;
  std::string target_endpoint;          ///< password-free (redacted again on write)
  bool strict = false;
  std::string status;                   ///< committed | rolled_back | failed | interrupted | nothing_to_apply
  std::string fixup_file, fixup_sha256; ///< the run's fix-up file (relative to its out_dir), as verified
  std::int64_t statements = 0, applied = 0, conflicts = 0, skipped = 0;
  std::int64_t repaired = 0, still_divergent = 0;
  std::string undo_file, undo_sha256;   ///< "" when nothing was applied
  std::string error;
};

struct ApplyKeyRecord {
  std::int64_t divergence_id = 0;
  std::string key_json;
  std::string statement;                ///< delete | update | insert
  std::int64_t rows = 0;                ///< rows the statement touched (0: conflict)
  std::string outcome;                  ///< repaired | still_divergent | conflict | rolled_back
  std::optional<bool> now_equal;        ///< both sides equal when re-read (nullopt: not re-read)
  std::string checked_at;
};

/// An apply_keys row with the apply it belongs to (recon explain --run).
struct StoredApplyKey {
  ApplyKeyRecord key;
  std::string apply_id, apply_status, finished_at, undo_file;
};

}  // namespace recon

#pragma once
/// `recon apply`: a run's fix-up applied to its target by recon itself — guarded statements in one
/// transaction per table with every row count checked, an undo script of the rows' pre-images, and
/// every applied key re-read from both sides afterwards; all of it on the audit trail.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "recon/audit/audit_db.hpp"
#include "recon/config/job.hpp"

namespace recon {

struct ApplySettings {
  bool dry_run = false;   ///< read and predict, write nothing (no transaction, no file, no record)
  bool strict = false;    ///< a conflict rolls back the table's transaction
  std::size_t batch = 1000;  ///< statements per round trip (pipeline / batch)
  /// Called as statements complete: (table, statements done, statements total).
  std::function<void(const std::string&, std::int64_t, std::int64_t)> progress;
};

/// What happened to one key.
struct AppliedKey {
  std::int64_t divergence_id = 0;
  std::string key_json;
  std::string statement;  ///< delete | update | insert
  std::int64_t rows = 0;  ///< rows it touched (0: conflict); dry run: 1 unless predicted a conflict
  std::string outcome;    ///< repaired | still_divergent | conflict | rolled_back; dry run: would_apply | would_conflict
  std::optional<bool> now_equal;  ///< re-read equal on both sides (nullopt: not re-read)
};

/// One table of an apply.
struct TableApply {
  std::string table;
  /// committed | rolled_back (--strict and a conflict) | failed | interrupted | dry_run |
  /// nothing_to_apply
  std::string status;
  std::int64_t statements = 0, applied = 0, conflicts = 0, skipped = 0;
  std::int64_t repaired = 0, still_divergent = 0;
  /// Open rows given no statement because their sensitive (pii) values are tokens in the audit and
  /// the row changed since it was recorded: still divergent, so all_match() is false.
  std::int64_t withheld = 0;
  std::string fixup_file, fixup_sha256;  ///< relative to the run's out_dir
  std::string undo_file, undo_sha256;    ///< relative to the run's out_dir; "" when nothing applied
  std::string error;                     ///< password-free
  std::vector<std::string> notes;        ///< e.g. escalated rows left alone, unguarded columns
  std::vector<AppliedKey> keys;
  double seconds = 0;
};

struct ApplyResult {
  std::string apply_id;
  std::vector<TableApply> tables;  ///< tables of the run with something to apply, in job order
  /// Every key a statement was run for is equal on both sides now (conflicts included: a row
  /// CDC already repaired is fine), no row was withheld, and no table failed, rolled back or was
  /// interrupted.
  bool all_match() const;
  bool failed() const;       ///< a table failed (runtime)
  bool interrupted() const;  ///< SIGINT/SIGTERM stopped it
};

/// Applies `run`'s fix-up to the target of `job` (the run's job, possibly restricted to some
/// tables), table by table, and records each table in `audit` (AuditDb::record_apply; not on a dry
/// run). Before any connection: a fix-up file edited since the run wrote it is an InputError
/// naming the file. Throws InputError / ConnectorError as prepare_job does, and InputError when
/// the target cannot be written to; failures inside a table's transaction are reported in its
/// TableApply (status failed) and the next table goes on.
ApplyResult apply_run(const RunOptions& job, AuditDb& audit, const StoredRun& run, const ApplySettings& settings);

}  // namespace recon

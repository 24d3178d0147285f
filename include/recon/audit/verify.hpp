#pragma once
/// `recon audit verify`: walks the audit's hash chain and names the first record that does not
/// verify (docs/audit.md, "Verifying").

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "recon/audit/chain.hpp"

namespace recon::audit {

/// The first record that does not verify, and how.
struct ChainProblem {
  std::int64_t seq = 0;   ///< its chain entry; 0 for a record not on the chain
  std::string table;      ///< the chained table (runs_log, divergences_log, rechecks, …)
  std::int64_t rec = 0;   ///< its rowid there
  /// What the row says it is, where it has them and is still there: "run r1, table clientes,
  /// divergence 7"; empty otherwise.
  std::string context;
  /// "content does not match its hash (edited)", "record missing (deleted)", "link to the
  /// previous record broken (a record before it was deleted, inserted or reordered)" or "not on
  /// the chain (inserted)"; or, for a view, "view redefined (…)".
  std::string what;
  /// "chain seq 17: divergences_log rec 5 (run r1, table clientes, divergence 3): <what>".
  std::string describe() const;
};

/// What verifying found.
struct ChainVerification {
  std::int64_t records = 0;      ///< chain entries walked (up to the problem, when there is one)
  ChainHead head;                ///< the newest entry
  std::string start_note;        ///< the 'start' mark's note: where and how the chain begins
  std::int64_t checkpoints = 0;  ///< prunes bridged
  std::optional<ChainProblem> problem;  ///< the first record that does not verify
  bool intact() const { return !problem; }
};

/// Verifies the audit file `path`, opened read-only (nothing is written, nothing migrated):
///  1. walks `chain` by seq: each entry's record must exist (else "record missing (deleted)") and
///     hash to the entry's content_sha256, recomputed with recon_record_sha256 over the stored row
///     (else "edited"); its prev_sha256 must be the previous entry's sha256, or, across a gap a
///     prune left, what a checkpoint's bridge names for exactly that seq after exactly the previous
///     remaining seq; and its sha256 must be recon_chain_link(prev, content) (else "link broken");
///  2. then every record of every chained table must have a chain entry (else "not on the chain");
///  3. and each view over a log must be the one the migration wrote (else "view redefined": a
///     replaced view could hide records that still verify; seq and rec 0, table the view).
/// Stops at the first problem. Throws InputError naming the file when it is not a recon audit, or
/// is older than schema version 7 (no chain yet: any recon command that opens it migrates it), or
/// newer than this recon; std::runtime_error when SQLite fails to read it.
ChainVerification verify_audit_chain(const std::filesystem::path& path);

}  // namespace recon::audit

#pragma once
// Private to the engine module: one table of `recon apply` (engine/apply.hpp).
#include <filesystem>
#include <string>
#include <vector>

#include "recon/audit/audit_db.hpp"
#include "recon/engine/apply.hpp"
#include "recon/engine/workers.hpp"
#include "recon/repair/guarded_sql.hpp"

namespace recon {

/// What to apply to one table: the divergences that get a statement, with their statements.
struct TablePlan {
  const TableContext* ctx = nullptr;
  std::vector<StoredDivergence> divergences;
  std::vector<repair::GuardedStatement> statements;  ///< statements[i] repairs divergences[i]
};

/// Runs `plan` in one write transaction on the target (engine/apply.hpp's contract) and fills
/// `out` (status, counts, keys, undo file). Under the row locks, a statement whose row is no
/// longer as observed (changed_since_observed) is not sent: it is a conflict like one whose guard
/// fails, so columns the SQL guard leaves out are protected too. SIGINT/SIGTERM cancels a
/// statement that waits (after 2 s) and rolls the table back. Connection trouble and failed statements end the
/// table with status failed (rolled back by the engine), never throw.
void apply_table(const RunOptions& opts, ConnectionPool& pool, const TablePlan& plan, const ApplySettings& settings,
                 const std::filesystem::path& out_dir, const std::string& apply_id, TableApply& out);

/// For each statement of `plan`, whether the target row is no longer as the run observed it: an
/// UPDATE's or DELETE's row gone or any compared column different (also the columns its SQL guard
/// cannot compare), an INSERT's key present. Reads the target by key on the read connection.
std::vector<bool> changed_since_observed(const RunOptions& opts, ConnectionPool& pool, const TablePlan& plan);

/// Dry run: reads the target rows of `plan` and predicts each statement (would_apply /
/// would_conflict) by comparing what the target holds now with what the run observed.
void predict_table(const RunOptions& opts, ConnectionPool& pool, const TablePlan& plan, TableApply& out);

/// Re-reads the keys `out` ran statements for from both sides (the recheck path) and sets each
/// key's now_equal and outcome (repaired / still_divergent; conflicts stay conflicts).
void verify_table(const RunOptions& opts, ConnectionPool& pool, const TablePlan& plan, TableApply& out);

}  // namespace recon

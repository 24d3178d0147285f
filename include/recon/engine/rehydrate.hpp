#pragma once
/// Divergences read back from the audit hold tokens, not values, in their sensitive columns
/// (docs/privacy.md). Before recheck or apply work with them, the values are read again from the
/// engines, and taken only where they still make the recorded tokens: the row is as recon saw it.

#include <vector>

#include "recon/audit/audit_db.hpp"
#include "recon/config/job.hpp"
#include "recon/engine/workers.hpp"
#include "recon/model/result.hpp"

namespace recon {

/// For a table with sensitive value columns: reads both sides' rows of `stored`'s keys (one
/// fetch per side) and replaces each recorded encoding — as found and as last rechecked, each
/// side — whose tokens the live row's values make again with those values. Returns, per
/// divergence, whether every recorded encoding it has is now clear; false means a side changed
/// since recon recorded it, so its values cannot be known (recheck compares it as moved; apply
/// leaves it alone). A table without sensitive values: nothing read, every entry true.
/// Throws what the connectors throw (after retries).
std::vector<bool> rehydrate_values(const RunOptions& opts, const TableContext& ctx, ConnectionPool& pool,
                                   std::vector<StoredDivergence>& stored);

/// The same for divergences an interrupted attempt of the run recorded (--resume replays them):
/// one whose row changed since gets values_withheld, so no fix-up statement is built from tokens.
void rehydrate_values(const RunOptions& opts, const TableContext& ctx, ConnectionPool& pool,
                      std::vector<Divergence>& recorded);

}  // namespace recon

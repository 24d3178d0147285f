#pragma once
/// One key, looked up now on both sides — for `recon explain` (on-call: "what is this row?").

#include <optional>
#include <string>

#include "recon/connector/connector.hpp"
#include "recon/engine/workers.hpp"
#include "recon/model/result.hpp"

namespace recon {

/// The canonical key encoding of a key as people write it: a JSON array in key-column order
/// ([42, "SP"], as summary/audit key_json show it) or, for a one-column key, the bare value (42,
/// SP). Each element is read in its key column's comparison class. Throws InputError naming the
/// table and key columns when the count or a value does not fit.
std::string parse_key(const TableContext& ctx, const std::string& text);

struct KeyLookup {
  bool source_present = false, target_present = false;
  bool equal = false;        ///< present on both sides with equal compared values
  Divergence divergence;     ///< the row as a divergence (values of the sides present), rules applied
  std::string source_updated_at, target_updated_at;  ///< display text, when the table has updated_at
  /// Seconds since each side's update time (negative: in the future), when it could be read.
  std::optional<double> source_age_s, target_age_s;
  /// The table has a lag window and either side was updated within it: CDC may still be applying
  /// the row, so a difference is not a divergence yet (divergence.finding.status is InFlight) —
  /// as a run would call it.
  bool in_flight = false;
};

/// Fetches `key` from both sides (worker 0 of `pool`, retried like any step on a lost
/// connection) and compares it like a range would, then applies the rules and the table's lag
/// window (a run's in-flight test, against the time of the lookup).
KeyLookup lookup_key(const RunOptions& opts, const TableContext& ctx, ConnectionPool& pool, const std::string& key);

}  // namespace recon

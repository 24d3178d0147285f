#pragma once
// Private to the engine: the key-set pass of an incremental run (docs/incremental.md), which finds
// the keys present on one side only — rows inserted or deleted without a change of update time.

#include <cstdint>
#include <string>
#include <vector>

#include "recon/plan/planner.hpp"
#include "table_run.hpp"

namespace recon {

struct KeysetResult {
  /// As if every key of both sides in the ranges had been read and compared by key: rows of each
  /// side, distinct keys, matched, and the one-sided keys as missing_in_*.
  TableTotals totals;
  std::vector<std::string> one_sided;  ///< keys present on one side only, any order
  bool by_digest = false;              ///< bucket digests compared (else every key read)
  std::int64_t buckets = 0, buckets_differing = 0;
  std::int64_t keys_read_source = 0, keys_read_target = 0;  ///< keys that crossed the network
};

/// The key-set pass over `ranges` (the table outside the scrub slice, in key order), on the pool's
/// workers. When both connectors compute the same key digest (Connector::key_digest_family) and
/// the key is one integer column, each range bounded at both ends is cut into buckets of about
/// kKeysPerDigestBucket keys whose row counts and digests both servers compute; only the keys of
/// buckets that differ, and of the ranges open at one end, are read. Otherwise every key is read.
/// Ranges that fail after their retries are counted in totals.ranges_failed.
KeysetResult keyset_pass(const TableRunEnv& env, const TableContext& ctx, const std::vector<KeyRange>& ranges);

}  // namespace recon

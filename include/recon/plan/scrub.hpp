#pragma once
/// The rotating scrub of incremental runs: the key space cut into `cycle` slices by cycle-1
/// canonical keys, one slice compared fully per run, so over one cycle of runs every row of
/// either side is compared fully at least once (docs/incremental.md).
///
/// Slice s is [bound[s-1], bound[s]) with the first open below and the last open above: the
/// slices cover the whole key space whatever rows are added later. Bounds are kept for a whole
/// cycle (the audit's `watermarks` table), so the slices of one cycle fit together even though
/// each run plans its ranges afresh.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "recon/plan/planner.hpp"

namespace recon {

/// cycle-1 bounds cutting `plan` (a full plan, in key order) into `cycle` slices of about the
/// same number of ranges. Empty when the plan has fewer ranges than `cycle` (a small table):
/// then the one slice is the whole key space, scrubbed every run.
std::vector<std::string> scrub_bounds(const std::vector<KeyRange>& plan, int cycle);

/// Slice `slice` as a key range; the whole key space when `bounds` is empty.
KeyRange scrub_slice(const std::vector<std::string>& bounds, int slice);

/// Whether `key` (canonical) lies in `slice`.
bool in_range(std::string_view key, const KeyRange& slice);

/// The parts of `plan`'s ranges that lie in `slice`, in key order, indexes kept (a range cut by
/// the slice keeps its index). Together they cover exactly the slice.
std::vector<KeyRange> clip_to(const std::vector<KeyRange>& plan, const KeyRange& slice);

/// The parts of `plan`'s ranges that lie outside `slice`, in key order, renumbered 0, 1, …: with
/// clip_to(plan, slice) they cover the key space exactly once. Empty when the slice is the whole
/// key space.
std::vector<KeyRange> clip_outside(const std::vector<KeyRange>& plan, const KeyRange& slice);

}  // namespace recon

#pragma once
// The rules every [[aggregates]] entry carries (docs/aggregates.md, "Categories").
#include "recon/config/job.hpp"
#include "recon/rules/rules.hpp"

namespace recon {

/// Appends to `into` (the aggregate's own rule files, already loaded) the built-in rules that
/// turn a group's raw divergences into aggregate findings, in this order:
///  - missing_in_target / missing_in_source → group_missing_in_target / group_missing_in_source (P2);
///  - a measure with a tolerance, within it → group_within_tolerance (P4, tolerate: recorded, not
///    counted);
///  - a "count" measure → group_count_differs (P2); any other measure → group_measure_differs (P2).
/// Every action but the tolerated one is `report`: a group has no row to repair, so an aggregate
/// never has fix-up SQL. The aggregate's own rules come first and may say otherwise.
void append_aggregate_rules(const TableJob& job, rules::RuleSet& into);

}  // namespace recon

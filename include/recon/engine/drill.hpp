#pragma once
/// `recon drill`: the un-aggregated rows behind one group of an [[aggregates]] entry — what an
/// on-call person reads after a run reports group_measure_differs for it (docs/aggregates.md).

#include <cstddef>
#include <string>
#include <vector>

#include "recon/config/job.hpp"
#include "recon/core/errors.hpp"

namespace recon {

struct DrillRows {
  std::string aggregate;
  Side side = Side::Source;
  std::vector<std::pair<std::string, std::string>> group;  ///< group_by column -> value, as displayed
  std::vector<std::string> columns;                        ///< the rows query's columns, in its order
  std::vector<std::vector<std::string>> rows;              ///< display text ("NULL" for a null)
  std::size_t rows_total = 0;                              ///< the group's rows; rows holds at most the limit
};

/// The group's key as people write it: `unit_id=3,day=2026-11-02` (every group_by column once, in
/// any order) or a JSON array in group_by order, as summary.json's first_keys show it. Returns the
/// JSON array text parse_key reads. Throws InputError naming the aggregate and its columns.
std::string group_key_json(const TableJob& aggregate, const std::string& text);

/// Runs the aggregate's `<side>_rows` query on that side for the rows whose group_by columns equal
/// the group's values (compared in canonical form, the values rendered as the engine's literals,
/// never pasted from the command line), at most `limit` of them kept (rows_total counts all).
/// Throws InputError when the job has no such aggregate or the side has no rows query.
DrillRows drill_group(const RunOptions& opts, const std::string& aggregate, const std::string& group, Side side,
                      std::size_t limit);

}  // namespace recon

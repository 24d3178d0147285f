#pragma once
/// Comparing one key range: merge the two sides' sorted batches and categorise every key.

#include <cstdint>
#include <string>
#include <vector>

#include "recon/core/rows.hpp"
#include "recon/model/result.hpp"

namespace recon {

/// The result of one range, handed from a worker to the run's single writer.
struct RangeOutcome {
  std::size_t range_index = 0;  ///< position in the table's (possibly sampled) range list
  RangeCounts counts;
  std::vector<Divergence> divergences;  ///< in key order
  bool failed = false;
  std::string error;  ///< password-free, when failed
  int attempts = 1;
};

/// Merges two batches sorted by key (RowBatch::sort_by_key). A key on both sides is matched only
/// when the value encodings are byte-equal: equal digests are confirmed by value, so a digest
/// collision can never hide a difference. Differing columns are found column by column.
/// Raw batches (RowBatch::raw): equal wire bytes match at once; otherwise both rows are made
/// canonical and compared as such. Divergences always carry canonical values and their digests.
void compare_batches(const RowBatch& source, const RowBatch& target, RangeOutcome& out);

/// Indexes of the columns whose encodings differ between two value encodings of the same layout.
std::vector<std::uint32_t> differing_columns(std::string_view source_values, std::string_view target_values);

}  // namespace recon

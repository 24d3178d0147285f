#pragma once
/// Range planning: split a table's key space into ranges of about chunk_rows rows that select the
/// same rows on both engines. Ranges are half-open [lower, upper) over canonical keys; the first is
/// open below and the last open above, so every row of either side falls in exactly one range,
/// whatever the statistics said.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace recon {

struct KeyRange {
  std::size_t index = 0;             ///< position in the full plan (stable across sampling)
  std::optional<std::string> lower;  ///< inclusive canonical key; nullopt = open
  std::optional<std::string> upper;  ///< exclusive canonical key; nullopt = open
  std::int64_t estimated_rows = 0;
};

/// How many sample keys to ask a connector for, for a table of `estimated_rows`.
std::size_t samples_wanted(std::int64_t estimated_rows, std::int64_t chunk_rows);

/// Ranges from sampled keys (any order, duplicates allowed). With no samples or one range's worth
/// of rows, a single open range.
std::vector<KeyRange> plan_ranges(std::vector<std::string> sample_keys, std::int64_t estimated_rows,
                                  std::int64_t chunk_rows);

/// splitmix64 (Steele, Lea and Flood, 2014): a generator specified here to the bit, unlike the
/// standard library's distributions, so a recorded seed draws the same sample with any standard
/// library on any platform.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform on [0, n) for n > 0, exactly (Lemire's multiply-and-reject: no modulo bias).
  std::uint64_t below(std::uint64_t n);

 private:
  std::uint64_t state_;
};

/// A reproducible subset of `ranges` covering about `rate` of them (at least one), in plan order.
/// The same (ranges, rate, seed) always gives the same subset, on every platform.
std::vector<KeyRange> sample_ranges(const std::vector<KeyRange>& ranges, double rate, std::uint64_t seed);

}  // namespace recon

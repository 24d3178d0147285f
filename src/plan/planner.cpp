#include "recon/plan/planner.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "recon/core/canonical.hpp"

namespace recon {

std::size_t samples_wanted(std::int64_t estimated_rows, std::int64_t chunk_rows) {
  // ~16 samples per range keeps range sizes within a few percent of chunk_rows even on skewed keys.
  const std::int64_t ranges = std::max<std::int64_t>(1, (estimated_rows + chunk_rows - 1) / std::max<std::int64_t>(1, chunk_rows));
  return static_cast<std::size_t>(std::clamp<std::int64_t>(ranges * 16, 64, 400000));
}

std::vector<KeyRange> plan_ranges(std::vector<std::string> sample, std::int64_t estimated_rows, std::int64_t chunk_rows) {
  // Planning is on the critical path before any range is read: sort views, which swap cheaply,
  // not the strings themselves.
  std::vector<std::string_view> keys(sample.begin(), sample.end());
  std::sort(keys.begin(), keys.end(), [](std::string_view a, std::string_view b) { return canon::compare_keys(a, b) < 0; });
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  const std::int64_t wanted = std::max<std::int64_t>(1, (estimated_rows + chunk_rows - 1) / std::max<std::int64_t>(1, chunk_rows));
  const std::size_t n = static_cast<std::size_t>(std::min<std::int64_t>(wanted, static_cast<std::int64_t>(keys.size()) + 1));
  std::vector<KeyRange> ranges;
  if (n <= 1 || keys.empty()) {
    ranges.push_back(KeyRange{0, std::nullopt, std::nullopt, estimated_rows});
    return ranges;
  }
  std::vector<std::string_view> bounds;
  for (std::size_t i = 1; i < n; ++i) {
    const std::string_view b = keys[i * keys.size() / n];
    if (bounds.empty() || bounds.back() != b) bounds.push_back(b);
  }
  const std::int64_t per = estimated_rows / static_cast<std::int64_t>(bounds.size() + 1);
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    KeyRange r;
    r.index = i;
    if (i > 0) r.lower = std::string(bounds[i - 1]);
    if (i < bounds.size()) r.upper = std::string(bounds[i]);
    r.estimated_rows = per;
    ranges.push_back(std::move(r));
  }
  return ranges;
}

std::uint64_t SplitMix64::below(std::uint64_t n) {
  // The high word of a 64×64-bit product is uniform on [0, n) once the low words that would give
  // some results one more preimage than others are rejected (Lemire, 2019).
  unsigned __int128 product = static_cast<unsigned __int128>(next()) * n;
  auto low = static_cast<std::uint64_t>(product);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      product = static_cast<unsigned __int128>(next()) * n;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

std::vector<KeyRange> sample_ranges(const std::vector<KeyRange>& ranges, double rate, std::uint64_t seed) {
  const std::size_t n = ranges.size();
  const std::size_t k = std::clamp<std::size_t>(static_cast<std::size_t>(std::llround(rate * static_cast<double>(n))), 1, n);
  // splitmix64 + Fisher–Yates: fully specified here, unlike std::shuffle, so a recorded seed replays
  // the same ranges with any standard library. (`% i` is kept, not below(i): recorded seeds must
  // keep drawing the ranges they drew.)
  SplitMix64 rng(seed);
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.next() % i]);
  order.resize(k);
  std::sort(order.begin(), order.end());
  std::vector<KeyRange> out;
  for (std::size_t i : order) out.push_back(ranges[i]);
  return out;
}

}  // namespace recon

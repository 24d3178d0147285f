#include "recon/plan/clusters.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

#include "recon/core/canonical.hpp"

namespace recon {
namespace {

/// Sample keys per coarse range on the integer path. A coarse range's row count is known only from
/// the sample keys in it (relative error about 1/sqrt(k) for k independent keys), and its clusters
/// are as even as that count is right; fewer keys per range would follow the key density more
/// closely but count it worse. Keys do not always come independently: PostgreSQL's page sample
/// gives runs of a few neighbouring keys per page. 32 keys — about one range of a full plan, as
/// samples_wanted asks each side for 16 keys per chunk_rows — count a range to about ±18 % from
/// independent keys and ±35 % from runs of four. On tests/plan/coverage_test.cpp's table sampled
/// in runs of four, 95 % of the clusters hold less than 1.7× the target and the largest 2.4×
/// (the clusters inside an identity jump hold nothing).
constexpr std::int64_t kKeysPerCoarseRange = 32;

/// One range of the coarse plan and how it is cut into clusters. On the integer path the range's
/// keys [lo, lo + width) are cut into `count` equal-width parts; otherwise count is 1.
struct Segment {
  std::optional<std::string> lower, upper;  ///< the coarse range's own bounds (nullopt = open)
  std::int64_t rows = 0;                    ///< estimated rows
  std::int64_t count = 1;                   ///< clusters it is cut into
  __int128 lo = 0;
  unsigned __int128 width = 0;
};

bool is_single_integer(const std::string& key) {
  return key.size() == 5 + sizeof(std::int64_t) && key[0] == static_cast<char>(TypeClass::Integer);
}

std::int64_t integer_of(const std::string& key) {
  std::int64_t v;
  std::memcpy(&v, key.data() + 5, sizeof v);
  return v;
}

std::string integer_key(__int128 v) {
  std::string k;
  canon::put_integer(k, static_cast<std::int64_t>(v));
  return k;
}

std::vector<std::string> distinct_sorted(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end(),
            [](const std::string& a, const std::string& b) { return canon::compare_keys(a, b) < 0; });
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return a <= 0 ? 0 : 1 + (a - 1) / b; }

/// Coarse range `r` cut by interpolation into about rows/c equal-width integer ranges (at least
/// one key wide). An open end is measured from the smallest or largest sampled key.
Segment cut_range(KeyRange r, std::int64_t smallest, std::int64_t largest, std::int64_t c) {
  Segment s;
  s.lo = r.lower ? integer_of(*r.lower) : smallest;
  const __int128 hi = r.upper ? static_cast<__int128>(integer_of(*r.upper)) : static_cast<__int128>(largest) + 1;
  s.width = static_cast<unsigned __int128>(hi - s.lo);  // > 0: bounds are distinct sample keys
  const auto wanted = static_cast<unsigned __int128>(std::max<std::int64_t>(1, ceil_div(r.estimated_rows, c)));
  s.count = static_cast<std::int64_t>(std::min(s.width, wanted));
  s.rows = r.estimated_rows;
  s.lower = std::move(r.lower);
  s.upper = std::move(r.upper);
  return s;
}

/// Rows beyond the smallest and largest sampled key: about one sample gap each for independent
/// keys, a few for keys in runs, nothing for an index walk that starts at the first key. Left to
/// the two open clusters they would make those many times the others; so kTailGaps gaps' worth of
/// key space beyond each end is cut like its neighbouring range, and only what lies further falls
/// to the open clusters. The price when an end was sampled exactly: 2·kTailGaps / #sample keys of
/// the clusters are empty (a read each that finds nothing).
constexpr std::int64_t kTailGaps = 4;

void add_tails(std::vector<Segment>& segments, std::int64_t tail_rows, std::int64_t c) {
  using U = unsigned __int128;
  const std::int64_t wanted = std::max<std::int64_t>(1, ceil_div(tail_rows, c));
  const auto tail = [&](const Segment& next, __int128 room) {  // `room`: keys there are beyond the end
    const U w = std::max<U>(1, next.width / static_cast<U>(next.count));
    Segment t;
    t.count = static_cast<std::int64_t>(std::min<U>(static_cast<U>(wanted), static_cast<U>(room) / w));
    t.width = static_cast<U>(t.count) * w;
    t.rows = tail_rows;
    return t;
  };
  Segment below = tail(segments.front(), segments.front().lo - std::numeric_limits<std::int64_t>::min());
  if (below.count > 0) {
    below.lo = segments.front().lo - static_cast<__int128>(below.width);
    below.upper = integer_key(segments.front().lo);
    segments.front().lower = below.upper;
    segments.insert(segments.begin(), std::move(below));
  }
  const __int128 end = segments.back().lo + static_cast<__int128>(segments.back().width);  // largest + 1
  Segment above = tail(segments.back(), static_cast<__int128>(std::numeric_limits<std::int64_t>::max()) + 1 - end);
  if (above.count > 0) {
    above.lo = end;
    above.lower = integer_key(end);
    segments.back().upper = above.lower;
    segments.push_back(std::move(above));
  }
}

/// One integer key column: ranges of about kKeysPerCoarseRange sample keys, each cut by
/// interpolation into clusters (cut_range), and the key space beyond the sampled ends cut the
/// same way (add_tails). Nothing more is read from the table; a key sample dense enough to cut
/// clusters directly would read a large share of it.
std::vector<Segment> integer_segments(std::vector<std::string> keys, std::int64_t rows, std::int64_t c) {
  const std::int64_t smallest = integer_of(keys.front()), largest = integer_of(keys.back());
  const auto n_keys = static_cast<std::int64_t>(keys.size());
  const std::int64_t coarse_ranges = std::max<std::int64_t>(1, n_keys / kKeysPerCoarseRange);
  const std::int64_t coarse_chunk = std::max(c, ceil_div(rows, coarse_ranges));
  std::vector<Segment> segments;
  for (KeyRange& r : plan_ranges(std::move(keys), rows, coarse_chunk))
    segments.push_back(cut_range(std::move(r), smallest, largest, c));
  add_tails(segments, kTailGaps * ceil_div(rows, n_keys), c);
  return segments;
}

/// Any other key: without a way to interpolate between two keys, clusters are the ranges the key
/// sample allows, at most one per sample key.
std::vector<Segment> key_sample_segments(std::vector<std::string> keys, std::int64_t rows, std::int64_t c) {
  const auto n_keys = std::max<std::int64_t>(1, static_cast<std::int64_t>(keys.size()));
  std::vector<Segment> segments;
  for (KeyRange& r : plan_ranges(std::move(keys), rows, std::max(c, ceil_div(rows, n_keys)))) {
    Segment s;
    s.rows = r.estimated_rows;
    s.lower = std::move(r.lower);
    s.upper = std::move(r.upper);
    segments.push_back(std::move(s));
  }
  return segments;
}

/// Cluster `sub` of segment `s`, at position `index` of the partition. The first and last cluster
/// of a segment take the segment's own bounds, so neighbouring segments' clusters meet exactly.
KeyRange cluster_of(const Segment& s, std::int64_t sub, std::int64_t index) {
  KeyRange r;
  r.index = static_cast<std::size_t>(index);
  const auto cut = [&s](std::int64_t j) {  // lo + floor(j·width/count): strictly increasing in j
    using U = unsigned __int128;
    return s.lo + static_cast<__int128>(static_cast<U>(j) * s.width / static_cast<U>(s.count));
  };
  r.lower = sub == 0 ? s.lower : std::optional<std::string>(integer_key(cut(sub)));
  r.upper = sub == s.count - 1 ? s.upper : std::optional<std::string>(integer_key(cut(sub + 1)));
  const auto share = [&s](std::int64_t j) { return static_cast<__int128>(s.rows) * j / s.count; };
  r.estimated_rows = static_cast<std::int64_t>(share(sub + 1) - share(sub));
  return r;
}

}  // namespace

ClusterSample sample_clusters(std::vector<std::string> sample_keys, std::int64_t estimated_rows,
                              std::int64_t cluster_rows, double rate, std::uint64_t seed) {
  const std::int64_t c = std::max<std::int64_t>(1, cluster_rows);
  std::vector<std::string> keys = distinct_sorted(std::move(sample_keys));
  // Statistics can lag behind the table; it has at least as many rows as distinct keys were seen.
  const std::int64_t rows = std::max(estimated_rows, static_cast<std::int64_t>(keys.size()));
  const bool integer = !keys.empty() && std::all_of(keys.begin(), keys.end(), is_single_integer);
  const std::vector<Segment> segments =
      integer ? integer_segments(std::move(keys), rows, c) : key_sample_segments(std::move(keys), rows, c);

  ClusterSample out;
  out.method = integer ? "integer_interpolation" : "key_sample";
  for (const Segment& s : segments) out.clusters_total += s.count;
  const std::int64_t total = out.clusters_total;
  out.mean_cluster_rows = static_cast<double>(rows) / static_cast<double>(total);
  const double r = rate > 0 ? std::min(rate, 1.0) : 0.0;  // also maps NaN to 0
  const std::int64_t wanted = std::clamp<std::int64_t>(std::llround(r * static_cast<double>(total)), 1, total);

  // Knuth's selection sampling (Algorithm S): cluster t is taken with probability
  // (still wanted) / (not yet considered), drawn exactly in integers. Every m-subset is equally
  // likely, the clusters come out in key order, and nothing of the partition is kept but the
  // segments.
  SplitMix64 rng(seed);
  std::size_t seg = 0;
  std::int64_t seg_start = 0, needed = wanted;
  out.selected.reserve(static_cast<std::size_t>(wanted));
  for (std::int64_t t = 0; needed > 0; ++t) {
    if (rng.below(static_cast<std::uint64_t>(total - t)) >= static_cast<std::uint64_t>(needed)) continue;
    --needed;
    while (t >= seg_start + segments[seg].count) seg_start += segments[seg++].count;
    out.selected.push_back(cluster_of(segments[seg], t - seg_start, t));
  }
  return out;
}

}  // namespace recon

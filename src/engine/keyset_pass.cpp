#include "keyset_pass.hpp"

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "recon/core/interrupt.hpp"
#include "recon/engine/table_query.hpp"

namespace recon {
namespace {

/// Collects what a keys-only read finds: keys present on one side only (keys-only reads compare
/// no values, so every other key matches).
class OneSidedKeys : public ResultSink {
 public:
  void begin_table(const TableContext&) override {}
  void end_table(const TableContext&, TableResult&) override {}
  void divergences(const TableContext&, const std::vector<Divergence>& batch) override {
    for (const Divergence& d : batch) keys.push_back(d.key);
  }
  std::vector<std::string> keys;
};

/// The table as a keys-only read on one side.
RangeQuery keys_only(const TableContext& ctx, Side side) {
  RangeQuery q = table_query(ctx, side);
  q.values.clear();
  q.raw_values = false;
  return q;
}

/// Reads every key of `ranges` on both sides and compares them; one-sided keys go to `r`.
/// `per_read` > 1 reads that many ranges per statement (many small ones: differing buckets).
TableTotals read_keys(const TableRunEnv& env, const TableContext& ctx, const std::vector<RangeRecord>& ranges,
                      std::size_t per_read, KeysetResult& r) {
  OneSidedKeys found;
  const TableTotals totals = run_ranges(
      env.opts, env.pool, ctx, keys_only(ctx, Side::Source), keys_only(ctx, Side::Target), ranges, {&found},
      [&](std::size_t done, std::size_t total, std::int64_t rows) {
        env.progress.update(ctx.name + " (key set)", static_cast<std::int64_t>(done),
                            static_cast<std::int64_t>(total), rows, done == total);
      },
      per_read);
  env.progress.clear();
  r.keys_read_source += totals.counts.rows_source;
  r.keys_read_target += totals.counts.rows_target;
  r.one_sided.insert(r.one_sided.end(), std::make_move_iterator(found.keys.begin()),
                     std::make_move_iterator(found.keys.end()));
  return totals;
}

/// Both key columns integers, and both connectors computing the same digest.
bool digests_usable(const TableRunEnv& env, const TableContext& ctx) {
  if (ctx.select_keys_source.size() != 1 || ctx.select_keys_target.size() != 1) return false;
  for (const SelectColumn* k : {&ctx.select_keys_source[0], &ctx.select_keys_target[0]})
    if (k->compare_as != TypeClass::Integer || k->native.type_class != TypeClass::Integer) return false;
  const std::string family = env.pool.get(0, Side::Source).key_digest_family();
  return !family.empty() && family == env.pool.get(target_worker(env.pool), Side::Target).key_digest_family();
}

std::optional<std::int64_t> integer_key(const std::optional<std::string>& key) {
  if (!key) return std::nullopt;
  std::size_t pos = 0;
  const canon::ValueView v = canon::read_value(*key, pos);
  if (v.tag != TypeClass::Integer || pos != key->size()) return std::nullopt;
  return v.as_int64();
}

std::string key_of(std::int64_t k) {
  std::string out;
  canon::put_integer(out, k);
  return out;
}

/// The buckets of a range bounded at both ends by integers within ±2^62 (so no bucket bound
/// overflows on any engine), about kKeysPerDigestBucket of its estimated rows each.
std::optional<KeyBuckets> buckets_of(const KeyRange& range) {
  constexpr std::int64_t kLimit = std::int64_t{1} << 62;
  const auto lower = integer_key(range.lower), upper = integer_key(range.upper);
  if (!lower || !upper || *lower >= *upper || *lower < -kLimit || *upper > kLimit) return std::nullopt;
  const long double span = static_cast<long double>(*upper) - static_cast<long double>(*lower);
  const long double rows = static_cast<long double>(std::max<std::int64_t>(range.estimated_rows, 1));
  const auto width = static_cast<std::int64_t>(std::ceil(span * kKeysPerDigestBucket / rows));
  return KeyBuckets{*lower, *upper, std::clamp<std::int64_t>(width, 1, *upper - *lower)};
}

struct RangeDigests {
  KeyBuckets buckets;
  std::vector<KeyBucketDigest> source, target;
  bool done = false;
  std::string error;  ///< password-free, when the range could not be digested
};

/// Both sides' digests of every range, on the pool's workers (each reads source and target at
/// once, as a range read does). A stop request leaves the ranges not started undone.
void digest_ranges(const TableRunEnv& env, const TableContext& ctx, std::vector<RangeDigests>& work) {
  const RangeQuery qs = keys_only(ctx, Side::Source), qt = keys_only(ctx, Side::Target);
  std::atomic<std::size_t> next{0}, finished{0};
  std::mutex mu;
  std::condition_variable progressed;
  auto worker = [&](std::size_t w) {
    for (std::size_t i; !interrupt_requested() && (i = next.fetch_add(1)) < work.size();) {
      RangeDigests& d = work[i];
      try {
        retry_on_lost_connection(env.opts, env.pool, w, [&] {
          Connector& src = env.pool.get(w, Side::Source);
          Connector& tgt = env.pool.get(w, Side::Target);
          auto target = std::async(std::launch::async, [&] { return tgt.key_digests(qt, d.buckets); });
          d.source = src.key_digests(qs, d.buckets);
          d.target = target.get();
        });
        if (d.source.size() != d.target.size() || d.source.size() != static_cast<std::size_t>(d.buckets.count()))
          d.error = "key digests: a side returned the wrong number of buckets";
        d.done = d.error.empty();
      } catch (const ConnectorError& e) {
        d.error = std::string(side_name(e.side())) + " side: " + redact_secrets(e.what());
      } catch (const std::exception& e) {
        d.error = redact_secrets(e.what());
      }
      ++finished;
      progressed.notify_one();
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < std::min(env.pool.size(), work.size()); ++w) threads.emplace_back(worker, w);
  for (std::unique_lock lock(mu); finished < work.size() && !interrupt_requested();) {
    progressed.wait_for(lock, std::chrono::milliseconds(200));
    env.progress.update(ctx.name + " (key set digests)", static_cast<std::int64_t>(finished.load()),
                        static_cast<std::int64_t>(work.size()), 0);
  }
  for (auto& t : threads) t.join();
  env.progress.clear();
}

/// Adds one digested range to `r`: equal buckets count as matched keys; each run of differing
/// buckets becomes one range whose keys are read.
void take_digests(const RangeDigests& d, std::size_t index, KeysetResult& r, std::vector<RangeRecord>& to_read) {
  RangeCounts& c = r.totals.counts;
  const KeyBuckets& b = d.buckets;
  for (std::size_t i = 0; i < d.source.size(); ++i) {
    const KeyBucketDigest &s = d.source[i], &t = d.target[i];
    ++r.buckets;
    if (s == t) {
      c.rows_source += s.rows;
      c.rows_target += t.rows;
      c.rows_compared += s.rows;
      c.matched += s.rows;
      continue;
    }
    ++r.buckets_differing;
    const std::int64_t lower = b.lower + static_cast<std::int64_t>(i) * b.width;
    const std::int64_t upper = std::min(lower + b.width, b.upper);
    if (!to_read.empty() && to_read.back().index == static_cast<std::int64_t>(index) &&
        to_read.back().upper == key_of(lower)) {
      to_read.back().upper = key_of(upper);  // adjoins the previous differing bucket
      continue;
    }
    to_read.push_back(RangeRecord{static_cast<std::int64_t>(index), key_of(lower), key_of(upper), {}});
  }
}

}  // namespace

KeysetResult keyset_pass(const TableRunEnv& env, const TableContext& ctx, const std::vector<KeyRange>& ranges) {
  KeysetResult r;
  std::vector<RangeRecord> whole;
  for (const KeyRange& k : ranges)
    whole.push_back(RangeRecord{static_cast<std::int64_t>(k.index), k.lower, k.upper, {}});
  if (!digests_usable(env, ctx)) {
    r.totals = read_keys(env, ctx, whole, 1, r);
    return r;
  }
  std::vector<RangeDigests> work;
  std::vector<std::size_t> work_of(ranges.size(), SIZE_MAX);  // range → its entry in `work`
  for (std::size_t i = 0; i < ranges.size(); ++i)
    if (auto b = buckets_of(ranges[i])) {
      work_of[i] = work.size();
      work.push_back(RangeDigests{*b, {}, {}, false, {}});
    }
  r.by_digest = !work.empty();
  digest_ranges(env, ctx, work);

  // In key order: the differing buckets of digested ranges, and whole ranges open at one end.
  std::vector<RangeRecord> to_read;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    if (work_of[i] == SIZE_MAX) {
      to_read.push_back(whole[i]);
      continue;
    }
    const RangeDigests& d = work[work_of[i]];
    if (d.done) {
      take_digests(d, i, r, to_read);
    } else if (!d.error.empty()) {
      ++r.totals.ranges_failed;
      if (r.totals.first_error.empty()) r.totals.first_error = d.error;
    } else {
      ++r.totals.ranges_not_compared;  // the run is stopping
    }
  }
  r.totals.ranges_done = static_cast<std::size_t>(std::count_if(work.begin(), work.end(), [](const RangeDigests& d) { return d.done; }));
  if (to_read.empty()) return r;
  const TableTotals read = read_keys(env, ctx, to_read, kMaxClustersPerRead, r);
  r.totals.counts += read.counts;
  r.totals.ranges_failed += read.ranges_failed;
  r.totals.ranges_not_compared += read.ranges_not_compared;
  if (r.totals.first_error.empty()) r.totals.first_error = read.first_error;
  return r;
}

}  // namespace recon

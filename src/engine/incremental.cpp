#include "incremental.hpp"

#include <algorithm>
#include <future>

#include <fmt/format.h>

#include "recon/core/interrupt.hpp"
#include "recon/core/utc_time.hpp"
#include "recon/engine/table_query.hpp"
#include "recon/plan/scrub.hpp"
#include "keyset_pass.hpp"

namespace recon {
namespace {

/// Keys per fetch when comparing by key: one statement per side per chunk.
constexpr std::size_t kKeysPerFetch = 5000;

/// The rows of one side whose update time is at or after `since_us` (or unknown), as that side's
/// dialect spells it. The instant is spelt in the column's own terms (a timestamp without time
/// zone or a date in the job's updated_at_zone).
std::string changed_since_predicate(const TableContext& ctx, const SelectColumn& at, Dialect dialect,
                                    std::int64_t since_us) {
  const TableJob& job = *ctx.job;
  const std::int64_t offset = job.updated_at_local ? local_utc_offset_us(static_cast<double>(since_us) / 1e6)
                                                   : std::int64_t{job.updated_at_offset_min} * 60 * kMicrosPerSecond;
  std::string encoded;
  switch (at.compare_as) {
    case TypeClass::TimestampTz: canon::put_timestamptz(encoded, since_us); break;
    case TypeClass::Date: {
      const std::int64_t local = since_us + offset;
      const std::int64_t days = local >= 0 ? local / kMicrosPerDay : -((-local + kMicrosPerDay - 1) / kMicrosPerDay);
      canon::put_date(encoded, static_cast<std::int32_t>(days));
      break;
    }
    default: canon::put_timestamp(encoded, since_us + offset); break;
  }
  std::size_t pos = 0;
  return at_or_after_sql(dialect, at.native, canon::read_value(encoded, pos));
}

std::string and_where(const std::string& job_where, const std::string& predicate) {
  return job_where.empty() ? predicate : "(" + job_where + ") AND " + predicate;
}

/// The keys of one side whose update time is at or after `since_us`, in key order.
std::vector<std::string> changed_keys(const TableRunEnv& env, const TableContext& ctx, Side side,
                                      std::int64_t since_us) {
  RangeQuery q = table_query(ctx, side);
  const SelectColumn& at = side == Side::Source ? *ctx.updated_at_source : *ctx.updated_at_target;
  q.values.clear();
  q.raw_values = false;
  const std::size_t worker = side == Side::Source ? 0 : target_worker(env.pool);
  RowBatch batch;
  retry_on_lost_connection(env.opts, env.pool, worker, [&] {
    Connector& c = env.pool.get(worker, side);
    q.where = and_where(q.where, changed_since_predicate(ctx, at, c.dialect(), since_us));
    batch.clear();
    c.read_range(q, batch);
  });
  std::vector<std::string> keys;
  keys.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) keys.emplace_back(batch.key(i));
  return keys;
}

/// Sorted, distinct, and outside `slice` (the scrub compares those).
std::vector<std::string> keys_outside(std::vector<std::string> keys, const KeyRange* slice) {
  keys = sorted_distinct_keys(std::move(keys));
  if (slice) std::erase_if(keys, [&](const std::string& k) { return in_range(k, *slice); });
  return keys;
}

void mark_failed(PendingTable& p, const TableTotals& t, const char* part) {
  if (t.ranges_failed == 0 && t.ranges_not_compared == 0) return;
  p.result.partial = true;
  if (p.result.error.empty())
    p.result.error = t.ranges_failed > 0 ? fmt::format("{}: {} ranges could not be read: {}", part, t.ranges_failed, t.first_error)
                                         : fmt::format("interrupted during the {}", part);
}

}  // namespace

/// Compares `keys` (sorted, distinct) fully: fetched by key from both sides, chunk by chunk,
/// through the triage. Returns the raw counts.
RangeCounts compare_by_key(const TableRunEnv& env, const TableContext& ctx, const std::vector<std::string>& keys,
                           PendingTable& p) {
  RangeQuery qs = table_query(ctx, Side::Source), qt = table_query(ctx, Side::Target);
  qs.raw_values = qt.raw_values = false;
  RangeCounts counts;
  RowBatch src, tgt;
  for (std::size_t begin = 0; begin < keys.size() && !interrupt_requested(); begin += kKeysPerFetch) {
    const std::vector<std::string> chunk(keys.begin() + static_cast<std::ptrdiff_t>(begin),
                                         keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), begin + kKeysPerFetch)));
    const std::size_t tw = target_worker(env.pool);
    auto target = std::async(both_sides_launch(env.pool), [&] {
      retry_on_lost_connection(env.opts, env.pool, tw, [&] {
        tgt.clear();
        env.pool.get(tw, Side::Target).fetch_keys(qt, chunk, tgt);
      });
    });
    retry_on_lost_connection(env.opts, env.pool, 0, [&] {
      src.clear();
      env.pool.get(0, Side::Source).fetch_keys(qs, chunk, src);
    });
    target.get();
    src.sort_by_key();
    tgt.sort_by_key();
    RangeOutcome out;
    compare_batches(src, tgt, out);
    counts += out.counts;
    if (!out.divergences.empty()) p.triage->divergences(ctx, out.divergences);
  }
  if (interrupt_requested()) {
    p.result.partial = true;
    if (p.result.error.empty()) p.result.error = "interrupted while comparing changed rows";
  }
  return counts;
}

std::vector<std::string> sorted_distinct_keys(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) { return canon::compare_keys(a, b) < 0; });
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::string incremental_identity(const TableContext& ctx) {
  const TableJob& job = *ctx.job;
  return fmt::format("{}|{}|{}|{}|{}", ctx.name, ctx.source_endpoint, job.source.display(), ctx.target_endpoint,
                     job.target.display());
}

namespace {

/// This run's scrub: the slice to compare and the bounds it belongs to. A cycle continues with
/// its recorded bounds; a new cycle (or a changed scrub_cycle) cuts the key space from `plan`.
struct ScrubChoice {
  int cycle = 0;
  std::vector<std::string> bounds;
  int slice = -1;  ///< -1: no scrub
};

ScrubChoice choose_scrub(const RunOptions& opts, const std::vector<KeyRange>& plan, const IncrementalState* state) {
  ScrubChoice c;
  c.cycle = opts.incremental.scrub_cycle;
  if (c.cycle <= 0) return c;
  if (state && state->scrub_cycle == c.cycle && state->scrub_next > 0 && state->scrub_next < c.cycle &&
      state->scrub_bounds.size() == static_cast<std::size_t>(c.cycle - 1)) {
    c.bounds = state->scrub_bounds;
    c.slice = state->scrub_next;
    return c;
  }
  c.bounds = scrub_bounds(plan, c.cycle);
  c.slice = 0;
  return c;
}

IncrementalState state_after(const TableRunEnv& env, const TableContext& ctx, const ScrubChoice& scrub,
                             bool scrubbed_now) {
  IncrementalState s;
  s.identity = incremental_identity(ctx);
  s.watermark_epoch = env.run_started_epoch;
  s.run_id = env.run_id;
  s.scrub_cycle = scrub.cycle;
  // The bounds are keys: a table with sensitive key columns keeps them sealed in the audit.
  for (const std::string& b : scrub.bounds) s.scrub_bounds.push_back(ctx.privacy->seal_key(b));
  // After a full comparison the next run starts a cycle; after a scrub, the next slice.
  s.scrub_next = scrubbed_now && scrub.cycle > 0 && !scrub.bounds.empty() ? (scrub.slice + 1) % scrub.cycle : 0;
  return s;
}

/// The scrub: the slice's part of the plan compared fully, range by range, through the triage.
TableTotals scrub_pass(const TableRunEnv& env, const TableContext& ctx, const std::vector<KeyRange>& plan,
                       const KeyRange& slice, PendingTable& p) {
  std::vector<RangeRecord> ranges;
  for (KeyRange& r : clip_to(plan, slice))
    ranges.push_back(RangeRecord{static_cast<std::int64_t>(r.index), std::move(r.lower), std::move(r.upper), {}});
  p.result.ranges_total = static_cast<std::int64_t>(ranges.size());
  p.triage->ranges_planned(ctx, ranges);
  TableTotals totals = run_ranges(env.opts, env.pool, ctx, table_query(ctx, Side::Source),
                                  table_query(ctx, Side::Target), ranges, {p.triage.get()},
                                  [&](std::size_t done, std::size_t total, std::int64_t rows) {
                                    env.progress.update(ctx.name + " (scrub)", static_cast<std::int64_t>(done),
                                                        static_cast<std::int64_t>(total), rows, done == total);
                                  });
  env.progress.clear();
  p.result.ranges_done = static_cast<std::int64_t>(totals.ranges_done);
  p.result.ranges_failed = static_cast<std::int64_t>(totals.ranges_failed);
  return totals;
}

/// The table's raw counts from the parts. With the key-set pass they are the whole table's: every
/// key of either side (the key-set pass read those outside the scrub slice, the scrub those in
/// it), matched unless a part found it divergent — rows not compared fully were compared by an
/// earlier run and have not changed since, by their update time. Without it, they are the rows
/// the parts compared.
RangeCounts combine(const RangeCounts& keyset, bool with_keyset, const RangeCounts& scrub, const RangeCounts& by_key) {
  RangeCounts found = scrub;
  found += by_key;
  if (!with_keyset) return found;
  RangeCounts c;
  c.rows_source = keyset.rows_source + scrub.rows_source;
  c.rows_target = keyset.rows_target + scrub.rows_target;
  c.missing_in_target = found.missing_in_target;
  c.missing_in_source = found.missing_in_source;
  c.changed = found.changed;
  const std::int64_t divergent = c.missing_in_target + c.missing_in_source + c.changed;
  c.rows_compared = std::max(keyset.rows_compared + scrub.rows_compared, divergent);
  c.matched = c.rows_compared - divergent;
  return c;
}

}  // namespace

void compare_incremental(const TableRunEnv& env, const TableContext& ctx, const std::vector<KeyRange>& plan,
                         const IncrementalState& state, PendingTable& p) {
  IncrementalParts parts;
  const double since = state.watermark_epoch - static_cast<double>(ctx.job->lag_us.value_or(0)) / 1e6;
  parts.watermark = iso_utc(state.watermark_epoch);
  parts.since = iso_utc(since);
  const ScrubChoice scrub = choose_scrub(env.opts, plan, &state);
  std::optional<KeyRange> slice;
  if (scrub.slice >= 0) slice = scrub_slice(scrub.bounds, scrub.slice);
  parts.scrub_cycle = scrub.cycle;
  parts.scrub_slice = scrub.slice;

  // 1. Rows changed on either side since the watermark (less the lag), both sides at once.
  const auto since_us = static_cast<std::int64_t>(since * 1e6);
  auto target_changed =
      std::async(both_sides_launch(env.pool), [&] { return changed_keys(env, ctx, Side::Target, since_us); });
  std::vector<std::string> keys = changed_keys(env, ctx, Side::Source, since_us);
  std::vector<std::string> from_target = target_changed.get();
  parts.changed_rows_source = static_cast<std::int64_t>(keys.size());
  parts.changed_rows_target = static_cast<std::int64_t>(from_target.size());
  keys.insert(keys.end(), std::make_move_iterator(from_target.begin()), std::make_move_iterator(from_target.end()));
  // What the watermark's run left open is compared again until it is seen repaired.
  if (env.audit)
    for (const StoredDivergence& d : env.audit->open_divergences(state.run_id, ctx.name)) {
      keys.push_back(d.key);
      ++parts.carried_keys;
    }

  // 2. The key-set pass.
  TableTotals keyset;
  if (env.opts.incremental.keyset && !interrupt_requested()) {
    KeysetResult pass = keyset_pass(env, ctx, slice ? clip_outside(plan, *slice) : plan);
    keyset = pass.totals;
    mark_failed(p, keyset, "key-set pass");
    parts.keyset = true;
    parts.keyset_rows_source = keyset.counts.rows_source;
    parts.keyset_rows_target = keyset.counts.rows_target;
    parts.keyset_method = pass.by_digest ? "digest" : "keys";
    parts.keyset_buckets = pass.buckets;
    parts.keyset_buckets_differing = pass.buckets_differing;
    parts.keyset_keys_read_source = pass.keys_read_source;
    parts.keyset_keys_read_target = pass.keys_read_target;
    keys.insert(keys.end(), std::make_move_iterator(pass.one_sided.begin()),
                std::make_move_iterator(pass.one_sided.end()));
  }

  // Keys in the scrub slice are compared by the scrub: once each.
  keys = keys_outside(std::move(keys), slice ? &*slice : nullptr);
  parts.keys_compared = static_cast<std::int64_t>(keys.size());
  const RangeCounts by_key = compare_by_key(env, ctx, keys, p);

  // 3. The scrub.
  TableTotals scrubbed;
  if (slice && !interrupt_requested()) {
    scrubbed = scrub_pass(env, ctx, plan, *slice, p);
    mark_failed(p, scrubbed, "scrub");
    parts.scrub_rows_source = scrubbed.counts.rows_source;
    parts.scrub_rows_target = scrubbed.counts.rows_target;
  }
  p.counts = combine(keyset.counts, parts.keyset, scrubbed.counts, by_key);
  parts.next_state = state_after(env, ctx, scrub, slice.has_value());
  p.result.incremental = std::move(parts);
}

IncrementalState next_incremental_state(const TableRunEnv& env, const TableContext& ctx,
                                        const std::vector<KeyRange>& plan) {
  return state_after(env, ctx, choose_scrub(env.opts, plan, nullptr), false);
}

}  // namespace recon

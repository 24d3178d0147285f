#include "table_run.hpp"

#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "recon/core/interrupt.hpp"
#include "recon/core/utc_time.hpp"
#include "recon/engine/rehydrate.hpp"
#include "recon/engine/lookup.hpp"
#include "recon/engine/table_query.hpp"
#include "incremental.hpp"
#include "table_plan.hpp"

namespace recon {

namespace {

/// What a table still has to compare: its whole plan (recorded before any range is compared), or
/// on --resume the ranges the run had not finished, with what the finished ones found replayed
/// into the triage and `counts`.
std::vector<RangeRecord> ranges_to_compare(const TableRunEnv& env, const TableContext& ctx, PendingTable& p) {
  std::vector<StoredRange> stored;
  if (env.resume_from) stored = env.resume_from->stored_ranges(env.run_id, ctx.name);
  if (stored.empty()) {
    std::vector<RangeRecord> plan;
    if (env.opts.mode == Mode::Sample && !ctx.job->aggregate) {  // an aggregate is compared whole
      plan = range_records(sampled_clusters(env, ctx, p.result));
      if (env.audit) env.audit->record_cluster_plan(ctx.name, *p.result.clusters);
    } else {
      plan = range_records(full_plan(env, ctx, p.result));
    }
    p.result.ranges_total = static_cast<std::int64_t>(plan.size());
    p.triage->ranges_planned(ctx, plan);
    return plan;
  }
  if (env.opts.mode == Mode::Sample) p.result.clusters = env.resume_from->cluster_plan(env.run_id, ctx.name);
  std::vector<RangeRecord> rest;
  p.result.ranges_total = static_cast<std::int64_t>(stored.size());
  for (StoredRange& r : stored) {
    if (!r.done) {
      rest.push_back(std::move(r.range));
      continue;
    }
    p.counts += r.range.counts;
    p.triage->range_done(ctx, r.range);  // a sink that kept it ignores it; a sampled run's tally takes it
    ++p.result.ranges_done;
    ++p.result.ranges_resumed;
  }
  std::vector<Divergence> replayed = env.resume_from->done_range_divergences(env.run_id, ctx.name);
  rehydrate_values(env.opts, ctx, env.pool, replayed);  // tokens of pii columns become values again
  p.triage->replay(ctx, replayed);
  return rest;
}

/// Starts the recheck of what the triage held, on connections of its own.
void start_recheck(const RunOptions& opts, PendingTable& p, const RecheckSettings& settings) {
  if (p.triage->overflow() > 0)
    p.result.notes.push_back(fmt::format("{} divergences beyond [check.recheck].max_keys = {} were not rechecked",
                                         p.triage->overflow(), opts.recheck.max_keys));
  if (p.triage->held().empty()) return;
  p.recheck = std::async(std::launch::async, [&opts, ctx = p.ctx, held = &p.triage->held(), settings] {
    ConnectionPool own(opts, 2);  // source on worker 0, target on worker 1: both read at once
    return recheck_divergences(opts, *ctx, own, *held, settings);
  });
}

/// Ranges read per statement: a sample's clusters several at a time (up to kMaxClustersPerRead,
/// fewer when that would leave workers without work), every other range on its own.
std::size_t ranges_per_read(const RunOptions& opts, std::size_t ranges) {
  if (opts.mode != Mode::Sample) return 1;
  const std::size_t reads_wanted = static_cast<std::size_t>(std::max(opts.threads, 1)) * 8;
  return std::clamp<std::size_t>((ranges + reads_wanted - 1) / reads_wanted, 1, kMaxClustersPerRead);
}

/// Compares every range of the table through its triage; failed ranges make the result partial.
void compare_ranges(const TableRunEnv& env, const TableContext& ctx, const std::vector<RangeRecord>& ranges,
                    PendingTable& p) {
  TableResult& tr = p.result;
  const TableTotals totals =
      run_ranges(env.opts, env.pool, ctx, table_query(ctx, Side::Source), table_query(ctx, Side::Target), ranges,
                 {p.triage.get()},
                 [&](std::size_t done, std::size_t total, std::int64_t rows) {
                   env.progress.update(ctx.name, static_cast<std::int64_t>(done), static_cast<std::int64_t>(total),
                                       rows, done == total);
                 },
                 ranges_per_read(env.opts, ranges.size()));
  env.progress.clear();
  p.counts += totals.counts;
  tr.ranges_done += static_cast<std::int64_t>(totals.ranges_done);
  tr.ranges_failed = static_cast<std::int64_t>(totals.ranges_failed);
  if (totals.ranges_failed > 0) {
    tr.partial = true;
    tr.error = fmt::format("{} of {} ranges could not be compared: {}", totals.ranges_failed, tr.ranges_total,
                           totals.first_error);
  }
  if (totals.ranges_not_compared > 0) {
    tr.partial = true;
    if (tr.error.empty())
      tr.error = fmt::format("interrupted: {} of {} ranges were not compared", totals.ranges_not_compared,
                             tr.ranges_total);
  }
}

/// Incremental runs: the rows changed since the table's watermark, the key-set pass and the scrub;
/// every row when the table has no watermark yet (its first incremental run) or no updated_at.
void compare_table_incrementally(const TableRunEnv& env, const TableContext& ctx, PendingTable& p) {
  std::optional<IncrementalState> state;
  const bool timed = ctx.updated_at_source && ctx.updated_at_target;
  if (timed && env.audit) state = env.audit->incremental_state(incremental_identity(ctx));
  if (state)
    for (std::string& b : state->scrub_bounds)
      b = privacy::open_sealed(b, env.opts.pii_key.get(), "the scrub bounds of table " + ctx.name);
  // Only the key-set pass, the scrub and a full comparison need the table's ranges: with both
  // passes off, an incremental run reads nothing but the changed rows.
  const bool ranges_needed = !state || env.opts.incremental.keyset || env.opts.incremental.scrub_cycle > 0;
  const std::vector<KeyRange> plan = ranges_needed ? full_plan(env, ctx, p.result) : std::vector<KeyRange>{};
  if (env.pool_opening && env.pool_opening->valid()) env.pool_opening->get();
  if (state) {
    compare_incremental(env, ctx, plan, *state, p);
    return;
  }
  IncrementalParts parts;
  parts.full = true;
  parts.full_reason = timed ? "no watermark yet: the table's first incremental run compares every row"
                            : "no updated_at on both sides ([[tables]] updated_at): every run compares every row";
  if (timed) parts.next_state = next_incremental_state(env, ctx, plan);
  p.result.incremental = std::move(parts);
  std::vector<RangeRecord> ranges = range_records(plan);
  p.result.ranges_total = static_cast<std::int64_t>(ranges.size());
  p.triage->ranges_planned(ctx, ranges);
  compare_ranges(env, ctx, ranges, p);
}

/// --keys: the listed keys (parsed before the run, listed_keys) compared fully by key.
void compare_listed_keys(const TableRunEnv& env, const TableContext& ctx, PendingTable& p) {
  if (env.pool_opening && env.pool_opening->valid()) env.pool_opening->get();
  p.counts = compare_by_key(env, ctx, *env.listed_keys, p);
}

/// What a scoped run compared, said with the table: its index is that of those rows only.
std::string scope_note(const RunOptions& opts) {
  std::string what;
  if (!opts.keys.empty()) what = fmt::format("the {} keys of {}", opts.keys.size(), opts.keys_file.string());
  if (!opts.scope_where.empty())
    what += (what.empty() ? "" : " among ") + fmt::format("the rows matching --where {}", opts.scope_where);
  return "scoped run: only " + what + " were compared; the index is theirs, not the table's";
}

/// Waits for the table's recheck, then hands everything, decided, to the sinks.
void finish_recheck(PendingTable& p) {
  if (p.recheck.valid()) {
    const RecheckReport report = p.recheck.get();
    if (!report.error.empty()) {
      p.result.notes.push_back(fmt::format("recheck stopped after {} looks: {}", report.looks, report.error));
      std::cerr << "note: table " << p.ctx->name << ": " << p.result.notes.back() << "\n";
    }
  }
  p.triage->finish(*p.ctx);
}

/// Marks the result partial with `e` (the first error of a table is the one kept).
void mark_partial(TableResult& tr, const std::exception& e) {
  tr.partial = true;
  if (tr.error.empty()) tr.error = redact_secrets(e.what());
}

}  // namespace

std::vector<std::string> listed_keys(const RunOptions& opts, const TableContext& ctx) {
  std::vector<std::string> keys;
  keys.reserve(opts.keys.size());
  for (const auto& [line, text] : opts.keys) {
    try {
      keys.push_back(parse_key(ctx, text));
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}:{}: {}", opts.keys_file.string(), line, e.what()));
    }
  }
  return sorted_distinct_keys(std::move(keys));
}

PendingTable compare_table(const TableRunEnv& env, const TableContext& ctx) {
  PendingTable p;
  p.ctx = &ctx;
  p.started = now_epoch();
  TableResult& tr = p.result;
  tr.name = ctx.name;
  tr.source = ctx.job->source.display();
  if (ctx.job->aggregate) tr.kind = "aggregate";
  tr.target = ctx.job->target.display();
  tr.slo = ctx.slo;
  for (const auto& c : ctx.target_values) tr.columns.push_back(c.name);
  if (interrupt_requested()) {
    tr.partial = true;
    tr.error = "interrupted before this table was compared";
    return p;
  }
  try {
    const RecheckSettings recheck = recheck_settings_for(env.opts, *ctx.job);
    const bool hold = recheck.attempts > 0 || recheck.in_flight_look;
    p.triage = std::make_unique<Triage>(env.sinks, hold, env.opts.recheck.max_keys,
                                        env.opts.max_divergences_per_table, now_epoch);
    p.triage->begin_table(ctx);
    if (env.opts.scoped) tr.notes.push_back(scope_note(env.opts));
    if (env.listed_keys) {
      compare_listed_keys(env, ctx, p);
    } else if (env.opts.mode == Mode::Incremental) {
      compare_table_incrementally(env, ctx, p);
    } else {
      const std::vector<RangeRecord> ranges = ranges_to_compare(env, ctx, p);
      if (env.pool_opening && env.pool_opening->valid()) env.pool_opening->get();
      compare_ranges(env, ctx, ranges, p);
    }
    if (!interrupt_requested()) start_recheck(env.opts, p, recheck);
  } catch (const std::exception& e) {
    mark_partial(tr, e);
  }
  return p;
}

TableResult finish_table(const TableRunEnv& env, PendingTable& p) {
  TableResult& tr = p.result;
  try {
    if (p.triage) {
      finish_recheck(p);
      p.triage->tally().apply(p.counts, tr);
      show_first_keys(*p.ctx->privacy, tr);
      tr.divergences_unrecorded = p.triage->unrecorded();
      if (tr.divergences_unrecorded > 0)
        tr.notes.push_back(fmt::format("{} divergences beyond [check].max_divergences = {} were counted but not "
                                       "recorded (no audit row, no fix-up statement)",
                                       tr.divergences_unrecorded, env.opts.max_divergences_per_table));
    }
  } catch (const std::exception& e) {
    mark_partial(tr, e);
  }
  tr.seconds = now_epoch() - p.started;
  try {
    for (ResultSink* s : env.sinks) s->end_table(*p.ctx, tr);
  } catch (const std::exception& e) {
    mark_partial(tr, e);
  }
  return std::move(tr);
}

}  // namespace recon

#include "table_run.hpp"

#include <iostream>

#include <fmt/format.h>

#include "recon/core/interrupt.hpp"
#include "recon/core/utc_time.hpp"
#include "recon/engine/table_query.hpp"
#include "recon/plan/planner.hpp"

namespace recon {

namespace {

/// Plans on the union of both sides' sampled keys, so a key block that exists on one side only
/// (a target ahead through CDC, a source never migrated) is split like the rest instead of landing
/// in one huge open-ended range.
std::vector<KeyRange> plan_table(const TableContext& ctx, Connector& src, Connector& tgt, const RangeQuery& qs,
                                 const RangeQuery& qt) {
  constexpr std::size_t kFirstSample = 8192;
  // Both sides are sampled at once, each on its own connection.
  auto target_sample = std::async(std::launch::async, [&] { return tgt.sample_keys(qt, kFirstSample); });
  KeySample s = src.sample_keys(qs, kFirstSample);
  KeySample t = target_sample.get();
  const std::size_t wanted = samples_wanted(std::max(s.estimated_rows, t.estimated_rows), ctx.chunk_rows);
  if (wanted > kFirstSample) {
    if (s.keys.size() >= kFirstSample / 2) s = src.sample_keys(qs, wanted);
    if (t.keys.size() >= kFirstSample / 2) t = tgt.sample_keys(qt, wanted);
  }
  // Each side contributes about the same number of keys, so where both hold the same rows the union
  // is an even sample, and where one side has a block of its own that block is sampled too.
  std::vector<std::string> keys = std::move(s.keys);
  keys.insert(keys.end(), std::make_move_iterator(t.keys.begin()), std::make_move_iterator(t.keys.end()));
  return plan_ranges(std::move(keys), std::max(s.estimated_rows, t.estimated_rows), ctx.chunk_rows);
}

/// The notes the planning connections (worker 0) gathered since the last call.
std::vector<std::string> take_connector_notes(ConnectionPool& pool) {
  std::vector<std::string> notes;
  for (Side side : {Side::Source, Side::Target})
    for (std::string& n : pool.get(0, side).take_notes()) notes.push_back(std::move(n));
  return notes;
}

std::uint64_t table_seed(std::uint64_t seed, const std::string& name) {
  std::uint64_t h = seed ^ 0xcbf29ce484222325ULL;
  for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

/// The ranges of one table: planned (a lost connection is retried like a range), then, in sample
/// mode, the table's seeded share. Notes the connectors made while planning go to `tr`: planning
/// reads every key of a SQL Server table, so they are the table's.
std::vector<RangeRecord> planned_ranges(const TableRunEnv& env, const TableContext& ctx, TableResult& tr) {
  const RangeQuery qs = table_query(ctx, Side::Source), qt = table_query(ctx, Side::Target);
  take_connector_notes(env.pool);  // what earlier tables' reads left behind is not this table's
  std::vector<KeyRange> ranges = retry_on_lost_connection(env.opts, env.pool, 0, [&] {
    return plan_table(ctx, env.pool.get(0, Side::Source), env.pool.get(0, Side::Target), qs, qt);
  });
  for (std::string& note : take_connector_notes(env.pool)) {
    std::cerr << "note: table " << tr.name << ": " << note << "\n";
    tr.notes.push_back(std::move(note));
  }
  if (env.opts.mode == Mode::Sample)
    ranges = sample_ranges(ranges, env.opts.sample_rate, table_seed(env.seed, ctx.name));
  std::vector<RangeRecord> records;
  records.reserve(ranges.size());
  for (KeyRange& r : ranges)
    records.push_back(RangeRecord{static_cast<std::int64_t>(r.index), std::move(r.lower), std::move(r.upper), {}});
  return records;
}

/// What a table still has to compare: its whole plan (recorded before any range is compared), or
/// on --resume the ranges the run had not finished, with what the finished ones found replayed
/// into the triage and `counts`.
std::vector<RangeRecord> ranges_to_compare(const TableRunEnv& env, const TableContext& ctx, PendingTable& p) {
  std::vector<StoredRange> stored;
  if (env.resume_from) stored = env.resume_from->stored_ranges(env.run_id, ctx.name);
  if (stored.empty()) {
    std::vector<RangeRecord> plan = planned_ranges(env, ctx, p.result);
    p.result.ranges_total = static_cast<std::int64_t>(plan.size());
    p.triage->ranges_planned(ctx, plan);
    return plan;
  }
  std::vector<RangeRecord> rest;
  p.result.ranges_total = static_cast<std::int64_t>(stored.size());
  for (StoredRange& r : stored) {
    if (!r.done) {
      rest.push_back(std::move(r.range));
      continue;
    }
    p.counts += r.range.counts;
    ++p.result.ranges_done;
    ++p.result.ranges_resumed;
  }
  p.triage->replay(ctx, env.resume_from->done_range_divergences(env.run_id, ctx.name));
  return rest;
}

/// Starts the recheck of what the triage held, on connections of its own.
void start_recheck(const RunOptions& opts, PendingTable& p, const RecheckSettings& settings) {
  if (p.triage->overflow() > 0)
    p.result.notes.push_back(fmt::format("{} divergences beyond [check.recheck].max_keys = {} were not rechecked",
                                         p.triage->overflow(), opts.recheck.max_keys));
  if (p.triage->held().empty()) return;
  p.recheck = std::async(std::launch::async, [&opts, ctx = p.ctx, held = &p.triage->held(), settings] {
    ConnectionPool own(opts, 1);
    return recheck_divergences(opts, *ctx, own, *held, settings);
  });
}

/// Compares every range of the table through its triage; failed ranges make the result partial.
void compare_ranges(const TableRunEnv& env, const TableContext& ctx, const std::vector<RangeRecord>& ranges,
                    PendingTable& p) {
  TableResult& tr = p.result;
  const TableTotals totals =
      run_ranges(env.opts, env.pool, ctx, table_query(ctx, Side::Source), table_query(ctx, Side::Target), ranges,
                 {p.triage.get()}, [&](std::size_t done, std::size_t total, std::int64_t rows) {
                   env.progress.update(ctx.name, static_cast<std::int64_t>(done), static_cast<std::int64_t>(total),
                                       rows, done == total);
                 });
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

PendingTable compare_table(const TableRunEnv& env, const TableContext& ctx) {
  PendingTable p;
  p.ctx = &ctx;
  p.started = now_epoch();
  TableResult& tr = p.result;
  tr.name = ctx.name;
  tr.source = ctx.job->source.display();
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
    const std::vector<RangeRecord> ranges = ranges_to_compare(env, ctx, p);
    if (env.pool_opening && env.pool_opening->valid()) env.pool_opening->get();
    compare_ranges(env, ctx, ranges, p);
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

#include "recon/engine/run.hpp"

#include <chrono>
#include <future>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "recon/audit/audit_db.hpp"
#include "recon/connector/sqlserver.hpp"
#include "recon/engine/columns.hpp"
#include "recon/engine/lookup.hpp"
#include "recon/engine/prepare.hpp"
#include "recon/engine/recheck.hpp"
#include "recon/engine/triage.hpp"
#include "recon/engine/workers.hpp"
#include "recon/plan/planner.hpp"
#include "recon/report/fixup.hpp"
#include "recon/report/summary.hpp"
#include "recon/report/terminal.hpp"
#include "recon/rules/rules.hpp"

namespace recon {
namespace fs = std::filesystem;

namespace {

double now_epoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string utc(double epoch, const char* format) {
  const std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}
std::string iso_utc(double epoch) { return utc(epoch, "%Y-%m-%dT%H:%M:%SZ"); }

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

/// Case collisions counted so far by the SQL Server connectors of worker 0 (nullptr elsewhere).
struct CollisionMark {
  std::uint64_t keys[2] = {0, 0};
  std::size_t examples[2] = {0, 0};
};
CollisionMark mark_collisions(ConnectionPool& pool) {
  CollisionMark m;
  for (int i = 0; i < 2; ++i)
    if (const CaseCollisions* cc = sqlserver_case_collisions(pool.get(0, i == 0 ? Side::Source : Side::Target))) {
      m.keys[i] = cc->keys;
      m.examples[i] = cc->examples.size();
    }
  return m;
}

/// SQL Server under a case-insensitive collation treats 'abc' and 'ABC' as one key; recon compares
/// bytes and keeps them apart. Planning read every key, so the count since `before` is the table's.
void note_case_collisions(ConnectionPool& pool, const CollisionMark& before, TableResult& tr) {
  for (int i = 0; i < 2; ++i) {
    const Side side = i == 0 ? Side::Source : Side::Target;
    const CaseCollisions* cc = sqlserver_case_collisions(pool.get(0, side));
    if (!cc) continue;
    // A connection reopened during planning starts counting again from zero.
    const bool reopened = cc->keys < before.keys[i];
    const std::uint64_t base = reopened ? 0 : before.keys[i];
    if (cc->keys == base) continue;
    std::string examples;
    for (std::size_t e = reopened ? 0 : before.examples[i]; e < cc->examples.size(); ++e)
      examples += (examples.empty() ? "" : ", ") + cc->examples[e];
    tr.notes.push_back(fmt::format("{} keys of the {} table differ from another key only in letter case: its "
                                   "case-insensitive collation treats them as one key, recon compares them apart{}",
                                   cc->keys - base, side_name(side),
                                   examples.empty() ? "" : " (e.g. " + examples + ")"));
    std::cerr << "note: table " << tr.name << ": " << tr.notes.back() << "\n";
  }
}

/// A table whose main pass is done and whose held divergences are being rechecked in the
/// background, so one table's recheck delays overlap the next tables' main passes.
struct PendingTable {
  const TableContext* ctx = nullptr;
  TableResult result;
  std::unique_ptr<Triage> triage;  ///< null when the table failed before comparing
  RangeCounts counts;
  std::future<RecheckReport> recheck;
  double started = 0;
};

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

/// Waits for the table's recheck and hands everything, decided, to the sinks.
void finish_recheck(PendingTable& p) {
  if (!p.recheck.valid()) return;
  const RecheckReport report = p.recheck.get();
  if (!report.error.empty()) {
    p.result.notes.push_back(fmt::format("recheck stopped after {} looks: {}", report.looks, report.error));
    std::cerr << "note: table " << p.ctx->name << ": " << p.result.notes.back() << "\n";
  }
  std::vector<HeldDivergence>& held = p.triage->held();
  std::vector<Divergence> batch;
  batch.reserve(held.size());
  for (auto& h : held) batch.push_back(std::move(h.divergence));
  held.clear();
  p.triage->deliver(*p.ctx, batch);
}

std::uint64_t table_seed(std::uint64_t seed, const std::string& name) {
  std::uint64_t h = seed ^ 0xcbf29ce484222325ULL;
  for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

}  // namespace

std::string make_run_id() {
  std::random_device rd;
  return fmt::format("{}-{:04x}", utc(now_epoch(), "%Y%m%dT%H%M%SZ"), rd() & 0xffff);
}

int exit_code_for(const RunResult& r) {
  if (r.status == "error") return kExitRuntime;
  if (r.status == "divergent") return kExitDivergent;
  return kExitConsistent;
}

RunResult run_check(const RunOptions& opts, std::string& out_dir_used) {
  RunResult result;
  result.run_id = make_run_id();
  result.started_epoch = now_epoch();
  result.started_at = iso_utc(result.started_epoch);
  result.mode = opts.mode == Mode::Sample ? "sample" : "full";
  result.sample_rate = opts.mode == Mode::Sample ? opts.sample_rate : 1.0;
  result.slo = opts.slo;
  result.seed = opts.seed.value_or(std::random_device{}() ^ (static_cast<std::uint64_t>(std::random_device{}()) << 32));

  // Rule files first (no connection needed), then one connection per side: every table described
  // and paired before any data moves.
  PreparedJob prepared = prepare_job(opts);
  std::unique_ptr<Connector> src = std::move(prepared.source), tgt = std::move(prepared.target);
  const std::vector<TableContext>& contexts = prepared.contexts;
  for (const auto& ctx : contexts)
    for (const auto& note : ctx.notes) std::cerr << "note: " << note << "\n";

  const fs::path out_dir = opts.out_dir.empty() ? fs::path("reports") / result.run_id : opts.out_dir;
  fs::create_directories(out_dir / "fixup");
  out_dir_used = out_dir.string();
  if (!opts.audit_db.parent_path().empty()) fs::create_directories(opts.audit_db.parent_path());

  AuditDb audit;
  audit.open(opts.audit_db);
  AuditRunInfo info = AuditRunInfo::from(opts, result, RECON_VERSION_STRING);
  info.source_endpoint = src->endpoint();
  info.target_endpoint = tgt->endpoint();
  audit.begin_run(info);
  FixupWriter fixup(out_dir, result.run_id);
  const std::vector<ResultSink*> sinks = {&audit, &fixup};

  ConnectionPool pool(opts, static_cast<std::size_t>(opts.threads));
  pool.adopt(std::move(src), std::move(tgt));
  // Workers' logins overlap with planning the first table; the pool is complete before any worker.
  auto opening = std::async(std::launch::async, [&pool] { pool.open_all(); });
  ProgressLine progress(opts.progress && ProgressLine::stderr_is_terminal());

  std::vector<PendingTable> pending;
  for (const TableContext& ctx : contexts) {
    const TableJob& job = *ctx.job;
    PendingTable& p = pending.emplace_back();
    p.ctx = &ctx;
    TableResult& tr = p.result;
    tr.name = ctx.name;
    tr.source = job.source.display();
    tr.target = job.target.display();
    tr.slo = ctx.slo;
    for (const auto& c : ctx.target_values) tr.columns.push_back(c.name);
    p.started = now_epoch();
    RangeQuery qs = table_query(ctx, Side::Source), qt = table_query(ctx, Side::Target);
    qs.raw_values = qt.raw_values = same_wire_values(ctx, opts);
    try {
      std::vector<KeyRange> ranges;
      const CollisionMark collisions_before = mark_collisions(pool);
      for (int attempt = 1;; ++attempt) {  // planning survives a lost connection like a range does
        try {
          ranges = plan_table(ctx, pool.get(0, Side::Source), pool.get(0, Side::Target), qs, qt);
          break;
        } catch (const ConnectorError& e) {
          if (!e.poisoned() || attempt > opts.retries) throw;
          std::this_thread::sleep_for(std::chrono::milliseconds(250 << std::min(attempt - 1, 4)));
          pool.reopen(0, e.side());
        }
      }
      note_case_collisions(pool, collisions_before, tr);
      if (opts.mode == Mode::Sample) ranges = sample_ranges(ranges, opts.sample_rate, table_seed(result.seed, ctx.name));
      tr.ranges_total = static_cast<std::int64_t>(ranges.size());
      if (opening.valid()) opening.get();
      const RecheckSettings recheck = recheck_settings_for(opts, job);
      p.triage = std::make_unique<Triage>(sinks, recheck.attempts > 0 || recheck.in_flight_look, opts.recheck.max_keys, now_epoch);
      p.triage->begin_table(ctx);
      const TableTotals totals = run_ranges(opts, pool, ctx, qs, qt, ranges, {p.triage.get()},
                                            [&](std::size_t done, std::size_t total, std::int64_t rows) {
                                              progress.update(ctx.name, static_cast<std::int64_t>(done),
                                                              static_cast<std::int64_t>(total), rows, done == total);
                                            });
      progress.clear();
      p.counts = totals.counts;
      tr.ranges_done = static_cast<std::int64_t>(totals.ranges_done);
      tr.ranges_failed = static_cast<std::int64_t>(totals.ranges_failed);
      if (totals.ranges_failed > 0) {
        tr.partial = true;
        tr.error = fmt::format("{} of {} ranges could not be compared: {}", totals.ranges_failed, ranges.size(), totals.first_error);
      }
      start_recheck(opts, p, recheck);
    } catch (const std::exception& e) {
      tr.partial = true;
      tr.error = redact_secrets(e.what());
    }
  }

  // Every table's recheck runs meanwhile; now collect them, in job order.
  for (PendingTable& p : pending) {
    TableResult& tr = p.result;
    try {
      finish_recheck(p);
      if (p.triage) p.triage->tally().apply(p.counts, tr);
    } catch (const std::exception& e) {
      tr.partial = true;
      if (tr.error.empty()) tr.error = redact_secrets(e.what());
    }
    tr.seconds = now_epoch() - p.started;
    try {
      for (ResultSink* s : sinks) s->end_table(*p.ctx, tr);
    } catch (const std::exception& e) {
      tr.partial = true;
      if (tr.error.empty()) tr.error = redact_secrets(e.what());
    }
    result.tables.push_back(std::move(tr));
  }

  bool error = false, below = false;
  for (const auto& t : result.tables) {
    error |= t.partial;
    below |= t.failing();
  }
  result.status = error ? "error" : (below ? "divergent" : "consistent");
  result.finished_epoch = now_epoch();
  result.finished_at = iso_utc(result.finished_epoch);
  write_summary(out_dir, result);
  write_metrics(out_dir, result);
  audit.finish_run(result);
  return result;
}

}  // namespace recon

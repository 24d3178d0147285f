#include "recon/engine/run.hpp"

#include <future>
#include <iostream>
#include <random>

#include <fmt/format.h>

#include "recon/audit/audit_db.hpp"
#include "recon/core/utc_time.hpp"
#include "recon/engine/prepare.hpp"
#include "recon/report/fixup.hpp"
#include "recon/report/metrics.hpp"
#include "recon/report/summary.hpp"
#include "table_run.hpp"

namespace recon {
namespace fs = std::filesystem;

namespace {

/// The run's identity and settings, before anything is read.
RunResult start_result(const RunOptions& opts) {
  RunResult result;
  result.run_id = make_run_id();
  result.started_epoch = now_epoch();
  result.started_at = iso_utc(result.started_epoch);
  result.mode = opts.mode == Mode::Sample ? "sample" : "full";
  result.sample_rate = opts.mode == Mode::Sample ? opts.sample_rate : 1.0;
  result.slo = opts.slo;
  result.seed = opts.seed.value_or(std::random_device{}() ^ (static_cast<std::uint64_t>(std::random_device{}()) << 32));
  return result;
}

/// The output folder (with its fixup/ folder) and the audit DB's folder, created.
fs::path make_output_folders(const RunOptions& opts, const RunResult& result) {
  const fs::path out_dir = opts.out_dir.empty() ? fs::path("reports") / result.run_id : opts.out_dir;
  fs::create_directories(out_dir / "fixup");
  if (!opts.audit_db.parent_path().empty()) fs::create_directories(opts.audit_db.parent_path());
  return out_dir;
}

/// The run's status from its tables, then summary.json, metrics.prom and the audit's end record.
void finish_run(const fs::path& out_dir, RunResult& result, AuditDb& audit) {
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
}

}  // namespace

std::string make_run_id() {
  std::random_device rd;
  return fmt::format("{}-{:04x}", compact_utc(now_epoch()), rd() & 0xffff);
}

int exit_code_for(const RunResult& r) {
  if (r.status == "error") return kExitRuntime;
  if (r.status == "divergent") return kExitDivergent;
  return kExitConsistent;
}

RunResult run_check(const RunOptions& opts, std::string& out_dir_used) {
  RunResult result = start_result(opts);
  // Rule files first (no connection needed), then one connection per side: every table described
  // and paired before any data moves.
  PreparedJob prepared = prepare_job(opts);
  for (const auto& ctx : prepared.contexts)
    for (const auto& note : ctx.notes) std::cerr << "note: " << note << "\n";
  const fs::path out_dir = make_output_folders(opts, result);
  out_dir_used = out_dir.string();

  AuditDb audit;
  audit.open(opts.audit_db);
  AuditRunInfo info = AuditRunInfo::from(opts, result, RECON_VERSION_STRING);
  info.source_endpoint = prepared.source->endpoint();
  info.target_endpoint = prepared.target->endpoint();
  audit.begin_run(info);
  FixupWriter fixup(out_dir, result.run_id);

  ConnectionPool pool(opts, static_cast<std::size_t>(opts.threads));
  pool.adopt(std::move(prepared.source), std::move(prepared.target));
  // Workers' logins overlap with planning the first table; the pool is complete before any worker.
  std::future<void> opening = std::async(std::launch::async, [&pool] { pool.open_all(); });
  ProgressLine progress(opts.progress && ProgressLine::stderr_is_terminal());
  const TableRunEnv env{opts, pool, {&audit, &fixup}, progress, result.seed, &opening};

  // Each table's recheck runs in the background while the next tables are compared; the tables
  // are finished (rechecks collected) in job order afterwards.
  std::vector<PendingTable> pending;
  for (const TableContext& ctx : prepared.contexts) pending.push_back(compare_table(env, ctx));
  for (PendingTable& p : pending) result.tables.push_back(finish_table(env, p));
  finish_run(out_dir, result, audit);
  return result;
}

}  // namespace recon

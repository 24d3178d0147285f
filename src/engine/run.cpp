#include "recon/engine/run.hpp"

#include <future>
#include <iostream>
#include <random>

#include <fmt/format.h>

#include "recon/audit/audit_db.hpp"
#include "recon/audit/heartbeat.hpp"
#include "recon/core/interrupt.hpp"
#include "recon/core/utc_time.hpp"
#include "recon/engine/prepare.hpp"
#include "recon/engine/run_outputs.hpp"
#include "recon/report/fixup.hpp"
#include "recon/report/output_file.hpp"
#include "recon/report/output_lock.hpp"
#include "sample_tally.hpp"
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
  result.mode = mode_name(opts.mode);
  result.sample_rate = opts.mode == Mode::Sample ? opts.sample_rate : 1.0;
  result.slo = opts.slo;
  result.job_file = opts.job_file.empty() ? "" : fs::absolute(opts.job_file).string();
  result.audit_db = fs::absolute(opts.audit_db).string();
  result.seed = opts.seed.value_or(std::random_device{}() ^ (static_cast<std::uint64_t>(std::random_device{}()) << 32));
  return result;
}

/// --resume: the run to continue, checked against today's job and rules. InputError (exit 2)
/// naming the run and what to do when it cannot be continued.
StoredRun resumable_run(const RunOptions& opts, const std::string& rules_hash, AuditDb& audit) {
  const std::optional<StoredRun> run = audit.find_run(*opts.resume, /*any=*/true);
  const std::string where = audit.path().string();
  if (!run)
    throw InputError(fmt::format("{}: no run '{}' to resume; use a run_id from summary.json or \"latest\"", where,
                                 *opts.resume));
  if (!run->resumable())
    throw InputError(fmt::format("run {} {}: nothing to resume; run recon check without --resume", run->run_id,
                                 run->status == "running" ? "is still running (its heartbeat is fresh)"
                                                          : "ended " + run->status));
  if (!run->job_hash.empty() && run->job_hash != opts.job_hash)
    throw InputError(fmt::format("{} changed since run {} was started: a resumed run must compare what its first "
                                 "part compared; run recon check without --resume", opts.job_file.string(),
                                 run->run_id));
  if (run->rules_hash != rules_hash)
    throw InputError(fmt::format("a rule file of the job changed since run {} was started: its findings would not "
                                 "be those of one run; run recon check without --resume", run->run_id));
  if (run->mode == "incremental")
    throw InputError(fmt::format("run {} was incremental: such a run is not resumed; run recon check --mode "
                                 "incremental again (the watermark moves only when a run ends without error, so "
                                 "nothing is missed)", run->run_id));
  if (run->mode != mode_name(opts.mode))
    throw InputError(fmt::format("run {} was a {} run; resume it with --mode {}", run->run_id, run->mode, run->mode));
  return *run;
}

/// The result of a resumed run keeps the identity of the run it continues.
void continue_result(const StoredRun& run, RunResult& result) {
  result.run_id = run.run_id;
  result.started_at = run.started_at;
  result.started_epoch = run.started_epoch;
  if (!run.seed.empty()) result.seed = std::stoull(run.seed);
  result.sample_rate = run.sample_rate;
  result.resumed = true;
}

AuditChainAnchor anchor_of(const audit::ChainHead& head) { return AuditChainAnchor{head.seq, head.sha256}; }

/// The run's status from its tables, then the audit's end record, summary.json and metrics.prom
/// (with the audit chain's head after that record) and report.html.
void finish_run(const RunOptions& opts, const fs::path& out_dir, RunResult& result, AuditDb& audit,
                const SampleTally* sample_tally) {
  bool error = false, below = false;
  for (const auto& t : result.tables) {
    error |= t.partial;
    below |= t.failing();
  }
  result.status = interrupt_requested() ? "interrupted" : error ? "error" : below ? "divergent" : "consistent";
  if (sample_tally && !error) result.sample = sample_tally->run_interval();
  result.finished_epoch = now_epoch();
  result.finished_at = iso_utc(result.finished_epoch);
  audit.finish_run(result);
  result.audit_chain = anchor_of(audit.chain_head());
  write_run_files(out_dir, result);
  write_scheduler_outputs(opts, result);
  write_html_report(out_dir, result, audit);
}

/// A run that failed before comparing anything still leaves its trace: summary.json, metrics and
/// report.html with status "error" and every table not compared, and the audit run marked "failed".
void record_failure(const RunOptions& opts, const fs::path& out_dir, RunResult& result, AuditDb& audit,
                    const std::string& reason) {
  result.status = "error";
  result.error = redact_secrets(reason);
  result.finished_epoch = now_epoch();
  result.finished_at = iso_utc(result.finished_epoch);
  for (const TableJob& job : opts.tables) {
    TableResult t;
    t.name = job.name;
    t.source = job.source.display();
    t.target = job.target.display();
    t.slo = job.slo.value_or(opts.slo);
    t.partial = true;
    t.error = "not compared: the run failed before comparing (" + result.error + ")";
    result.tables.push_back(std::move(t));
  }
  try {  // the failure being recorded is the one to report, not a second one while recording it
    audit.fail_run(result);
    result.audit_chain = anchor_of(audit.chain_head());
  } catch (const std::exception& e) {
    std::cerr << "recon: could not record the failure in the audit: " << redact_secrets(e.what()) << "\n";
  }
  try {
    write_run_files(out_dir, result);
    write_scheduler_outputs(opts, result);
  } catch (const std::exception& e) {
    std::cerr << "recon: could not record the failure: " << redact_secrets(e.what()) << "\n";
    return;
  }
  write_html_report(out_dir, result, audit);
}

std::string failure_text(const std::exception& e) {
  if (const auto* c = dynamic_cast<const ConnectorError*>(&e)) return std::string(side_name(c->side())) + ": " + c->what();
  return e.what();
}

}  // namespace

std::string make_run_id() {
  std::random_device rd;
  return fmt::format("{}-{:04x}", compact_utc(now_epoch()), rd() & 0xffff);
}

int exit_code_for(const RunResult& r) {
  if (r.status == "error" || r.status == "interrupted") return kExitRuntime;
  if (r.status == "divergent") return kExitDivergent;
  return kExitConsistent;
}

RunResult run_check(const RunOptions& opts, std::string& out_dir_used) {
  // Rule files first: like the job file, a bad one is bad input, before the run is recorded.
  auto rules = std::make_unique<JobRules>(opts);
  const std::string rules_hash = rule_files_hash(opts);  // read once: recorded, or checked on --resume
  if (!opts.audit_db.parent_path().empty()) fs::create_directories(opts.audit_db.parent_path());
  AuditDb audit;
  audit.open(opts.audit_db);
  audit.set_pii_key(opts.pii_key);
  RunResult result = start_result(opts);
  std::optional<StoredRun> resumed;
  if (opts.resume) {
    resumed = resumable_run(opts, rules_hash, audit);
    continue_result(*resumed, result);
  }
  const fs::path out_dir = !opts.out_dir.empty()           ? opts.out_dir
                           : resumed && !resumed->out_dir.empty() ? fs::path(resumed->out_dir)
                                                                  : fs::path("reports") / result.run_id;
  const OutputLock lock(out_dir, result.run_id);
  if (opts.write_fixup) fs::create_directories(out_dir / "fixup");
  out_dir_used = out_dir.string();
  if (resumed) {
    audit.resume_run(result.run_id);
  } else {
    AuditRunInfo info = AuditRunInfo::from(opts, result, RECON_VERSION_STRING);
    info.rules_hash = rules_hash;
    info.out_dir = fs::absolute(out_dir).string();
    audit.begin_run(info);
  }
  const AuditHeartbeat heartbeat(opts.audit_db, result.run_id);

  // One connection per side: every table described and paired before any data moves.
  PreparedJob prepared;
  std::optional<std::vector<std::string>> keys;  // --keys, checked against the table before data moves
  try {
    prepared = prepare_job(opts, static_cast<std::size_t>(opts.threads), std::move(rules));
    if (!opts.keys.empty()) keys = listed_keys(opts, prepared.contexts.at(0));
  } catch (const std::exception& e) {
    record_failure(opts, out_dir, result, audit, failure_text(e));
    throw;
  }
  for (const auto& ctx : prepared.contexts)
    for (const auto& note : ctx.notes) std::cerr << "note: " << note << "\n";
  FixupWriter fixup(out_dir, result.run_id);
  SampleTally sample_tally;
  // The tally sets a sampled table's interval before the audit and the fix-up record the table.
  std::vector<ResultSink*> sinks{&audit};
  if (opts.write_fixup) sinks.push_back(&fixup);
  if (opts.mode == Mode::Sample) sinks.insert(sinks.begin(), &sample_tally);
  ConnectionPool& pool = *prepared.pool;
  // Workers' logins overlap with planning the first table; the pool is complete before any worker.
  std::future<void> opening = std::async(std::launch::async, [&pool] { pool.open_all(); });
  ProgressLine progress(opts.progress && ProgressLine::stderr_is_terminal());
  // Nobody watches a log: a heartbeat line now and then shows the run is alive, and how far.
  if (!ProgressLine::stderr_is_terminal() && opts.heartbeat_us > 0)
    progress.set_heartbeat(static_cast<double>(opts.heartbeat_us) / 1e6, opts.log_json);
  const TableRunEnv env{opts,    pool,     sinks,         progress, result.seed, &opening, resumed ? &audit : nullptr,
                        result.run_id, &audit, result.started_epoch, keys ? &*keys : nullptr};

  // Each table's recheck runs in the background while the next tables are compared; the tables
  // are finished (rechecks collected) in job order afterwards.
  std::vector<PendingTable> pending;
  for (const TableContext& ctx : prepared.contexts) pending.push_back(compare_table(env, ctx));
  for (PendingTable& p : pending) result.tables.push_back(finish_table(env, p));
  finish_run(opts, out_dir, result, audit, opts.mode == Mode::Sample ? &sample_tally : nullptr);
  return result;
}

}  // namespace recon

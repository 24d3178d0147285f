// `recon report --run RUN --html FILE`: a past run's report.html, from its summary.json and the
// audit DB's trends (or, when summary.json is gone, from what the audit recorded of the run).
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "recon/core/errors.hpp"
#include "recon/report/html_report.hpp"
#include "recon/report/output_file.hpp"
#include "recon/report/summary.hpp"
#include "run_lookup.hpp"

namespace recon {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

/// The SLOs of the run's job (its recorded file, or --config), for a report built from the audit
/// alone, which does not record them; the defaults when the job cannot be read.
void apply_job_slos(const po::variables_map& vm, const StoredRun& stored, RunResult& run) {
  CheckFlags flags;
  flags.config = vm.count("config") ? fs::path(vm["config"].as<std::string>()) : fs::path(stored.job_file);
  flags.no_progress = true;
  if (flags.config.empty() || !fs::exists(flags.config)) return;
  try {
    const RunOptions opts = load_run_options(flags);
    run.slo = opts.slo;
    for (TableResult& t : run.tables)
      for (const TableJob& job : opts.tables)
        if (job.name == t.name) t.slo = job.slo.value_or(opts.slo);
  } catch (const std::exception&) {  // the report still says what the audit holds
  }
}

/// What the audit recorded of a run, as a RunResult: counts, findings by category, partial tables
/// and fix-up files (no first keys, per-column counts, row counts per side or notes).
RunResult run_from_audit(const RunRecord& record, const StoredRun& stored) {
  RunResult run;
  run.run_id = record.run_id;
  run.started_at = record.started_at;
  run.finished_at = record.finished_at;
  run.started_epoch = stored.started_epoch;
  run.mode = record.mode;
  run.status = record.status;
  run.error = record.error;
  run.sample_rate = stored.sample_rate;
  for (const RunTableRecord& r : record.tables) {
    TableResult t;
    t.name = r.name;
    t.rows_compared = r.rows_compared;
    t.matched = r.matched;
    t.missing_in_target = r.missing_in_target;
    t.missing_in_source = r.missing_in_source;
    t.changed = r.changed;
    t.tolerated = r.tolerated;
    t.in_flight = r.in_flight;
    t.converged = r.converged;
    t.suspended = r.suspended;
    t.escalated = r.escalated;
    t.partial = r.partial || !r.index;
    t.error = r.error;
    t.fixup_sql = r.fixup_file;
    t.categories = read_categories_json(r.categories_json);
    run.tables.push_back(std::move(t));
  }
  return run;
}

/// The run's summary.json when it is still in its output folder and is this run's; nullopt (with
/// a note on stderr saying why) otherwise.
std::optional<RunResult> read_stored_summary(const StoredRun& stored) {
  std::string why_not;
  auto run = read_run_summary(stored.out_dir, stored.run_id, why_not);
  if (!run)
    std::cerr << fmt::format("note: {}: the report shows what the audit DB recorded of run {} (counts and findings "
                             "by category; no first keys, per-column counts or notes)\n",
                             why_not, stored.run_id);
  return run;
}

}  // namespace

void describe_report(po::options_description& desc) {
  desc.add_options()
      ("run", po::value<std::string>()->required()->value_name("ID"),
       "the run to report: a run_id, or \"latest\" (the newest finished run)")
      ("html", po::value<std::string>()->required()->value_name("FILE"), "write the run's report.html to FILE")
      ("audit", po::value<std::string>()->value_name("FILE"), "audit DB; default: the --config job's, else ./recon-audit.db")
      ("config,c", po::value<std::string>()->value_name("JOB.toml"), "job file whose audit DB to read");
}

int run_report_command(const po::variables_map& vm) {
  fs::path audit_path;
  const auto audit = open_existing_audit(vm, audit_path);
  const StoredRun stored = find_stored_run(*audit, audit_path, vm["run"].as<std::string>());
  std::optional<RunResult> run = read_stored_summary(stored);
  if (!run) {
    const std::optional<RunDetail> detail = audit->run_detail(stored.run_id);
    if (!detail) throw InputError(fmt::format("{}: no run '{}' in this audit DB", audit_path.string(), stored.run_id));
    run = run_from_audit(detail->run, stored);
    apply_job_slos(vm, stored, *run);
  }
  run->job_file = stored.job_file;
  run->audit_db = fs::absolute(audit_path).string();
  std::vector<std::string> tables;
  for (const TableResult& t : run->tables) tables.push_back(t.name);
  const fs::path file = vm["html"].as<std::string>();
  report::write_file_atomically(file, render_report_html(*run, audit->table_trends(run->run_id, tables)));
  std::cerr << fmt::format("recon: wrote {} (run {})\n", file.string(), run->run_id);
  return kExitConsistent;
}

}  // namespace recon

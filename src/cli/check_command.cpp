#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "recon/core/errors.hpp"
#include "recon/config/job.hpp"
#include "recon/core/defaults.hpp"
#include "recon/engine/run.hpp"
#include "recon/report/terminal.hpp"

namespace recon {
namespace po = boost::program_options;

void describe_check(po::options_description& desc) {
  desc.add_options()
      ("config,c", po::value<std::string>()->required()->value_name("JOB.toml"), "job file (required)")
      ("tables", po::value<std::string>()->value_name("a,b"), "only these [[tables]] (report name, source or target name); default: all")
      ("table", po::value<std::string>()->value_name("T"), "only this [[tables]] entry (the same as --tables T)")
      ("where", po::value<std::string>()->value_name("EXPR"), "only the rows of the one table (--table) matching this SQL condition, on both sides, besides the job's filters")
      ("keys", po::value<std::string>()->value_name("FILE"), "only these keys of the one table (--table): one per line, a JSON array in key order or the bare value of a one-column key")
      ("mode", po::value<std::string>()->value_name("full|sample|incremental"), "full compares every row; sample reads random clusters and states the index with its 95 % interval; incremental compares rows changed since the last run, a key-set pass and a scrub slice; default: [check].mode or full")
      ("sample-rate", po::value<double>()->value_name("R"), "share of clusters read in sample mode (implies --mode sample); default: [check].sample_rate or 0.1")
      ("seed", po::value<std::uint64_t>()->value_name("N"), "seed of the sampled clusters (recorded in summary.json); default: random")
      ("scrub-cycle", po::value<int>()->value_name("N"), "incremental mode: compare 1/N of the key space fully each run (0: no scrub); default: [check.incremental].scrub_cycle or 7")
      ("no-fixup", "write no fix-up SQL files (they hold real row values); recon apply still repairs from the audit DB")
      ("no-keyset", "incremental mode: skip the key-set pass (keys only, whole table) that finds inserts and deletes without a time change")
      ("threads", po::value<int>()->value_name("N"), fmt::format("parallel workers, each with its own connections; default: [check].threads or {}", kDefaultThreads).c_str())
      ("chunk-rows", po::value<std::int64_t>()->value_name("N"), fmt::format("target rows per key range; default: [check].chunk_rows or {}", kDefaultChunkRows).c_str())
      ("out", po::value<std::string>()->value_name("DIR"), "output folder; default: reports/<run_id>/")
      ("audit", po::value<std::string>()->value_name("FILE"), "SQLite audit trail; default: [check].audit or recon-audit.db beside the job file")
      ("metrics-file", po::value<std::string>()->value_name("FILE"), "also write the run's metrics to this stable path, atomically (node_exporter textfile collector: a .prom file in its folder); default: [check].metrics_file or none")
      ("emf", po::value<std::string>()->value_name("FILE"), "append the run's metrics as CloudWatch Embedded Metric Format JSON lines; default: [check].emf or none")
      ("heartbeat", po::value<std::string>()->value_name("DURATION"), "when stderr is not a terminal, a progress line this often (0: none); default: [check].heartbeat or 10s")
      ("log-format", po::value<std::string>()->value_name("text|json"), "heartbeat lines as text or as JSON objects for log shippers; default: [check].log_format or text")
      ("recheck-attempts", po::value<int>()->value_name("N"), "delayed looks at divergent keys after the main pass (0: none); default: [check.recheck].attempts or 3, for tables with lag or recheck = true")
      ("recheck-delay", po::value<std::string>()->value_name("DURATION"), "wait before the first recheck, e.g. 5s; default: [check.recheck].delay or 5s")
      ("resume", po::value<std::string>()->value_name("RUN|latest"), "continue an interrupted, abandoned or failed run of this job: ranges it compared are kept, only the rest are read (refused when the job or a rule file changed since)")
      ("no-progress", "never draw the progress line (it is drawn only when stderr is a terminal)")
      ("quiet,q", "no terminal summary");
}

CheckFlags check_flags(const po::variables_map& vm) {
  CheckFlags f;
  f.config = vm["config"].as<std::string>();
  if (vm.count("tables")) f.tables = vm["tables"].as<std::string>();
  if (vm.count("table")) {
    if (f.tables) throw InputError("--table and --tables: give one of them");
    f.tables = vm["table"].as<std::string>();
  }
  if (vm.count("where")) f.where = vm["where"].as<std::string>();
  if (vm.count("keys")) f.keys_file = vm["keys"].as<std::string>();
  if (vm.count("mode")) f.mode = vm["mode"].as<std::string>();
  if (vm.count("sample-rate")) f.sample_rate = vm["sample-rate"].as<double>();
  if (vm.count("seed")) f.seed = vm["seed"].as<std::uint64_t>();
  if (vm.count("threads")) f.threads = vm["threads"].as<int>();
  if (vm.count("chunk-rows")) f.chunk_rows = vm["chunk-rows"].as<std::int64_t>();
  if (vm.count("out")) f.out = vm["out"].as<std::string>();
  if (vm.count("audit")) f.audit = vm["audit"].as<std::string>();
  if (vm.count("metrics-file")) f.metrics_file = vm["metrics-file"].as<std::string>();
  if (vm.count("emf")) f.emf = vm["emf"].as<std::string>();
  if (vm.count("heartbeat")) f.heartbeat = vm["heartbeat"].as<std::string>();
  if (vm.count("log-format")) f.log_format = vm["log-format"].as<std::string>();
  if (vm.count("recheck-attempts")) f.recheck_attempts = vm["recheck-attempts"].as<int>();
  if (vm.count("recheck-delay")) f.recheck_delay = vm["recheck-delay"].as<std::string>();
  if (vm.count("resume")) f.resume = vm["resume"].as<std::string>();
  if (vm.count("scrub-cycle")) f.scrub_cycle = vm["scrub-cycle"].as<int>();
  f.no_keyset = vm.count("no-keyset") > 0;
  f.no_fixup = vm.count("no-fixup") > 0;
  f.no_progress = vm.count("no-progress") > 0;
  f.quiet = vm.count("quiet") > 0;
  return f;
}

int run_check_command(const po::variables_map& vm) {
  const RunOptions opts = load_run_options(check_flags(vm));
  std::string out_dir;
  const RunResult result = run_check(opts, out_dir);
  if (!opts.quiet) std::cout << render_summary_table(result);
  const bool only_aggregates = std::all_of(opts.tables.begin(), opts.tables.end(),
                                          [](const TableJob& t) { return t.aggregate.has_value(); });
  std::cout << fmt::format("report:  {}/summary.json\nfix-up:  {}\naudit:   {}\n", out_dir,
                           only_aggregates    ? "none (aggregates have no fix-up SQL)"
                           : opts.write_fixup ? out_dir + "/fixup/"
                                              : "none (--no-fixup; recon apply repairs from the audit DB)",
                           opts.audit_db.string());
  for (const auto& t : result.tables)
    if (t.partial) std::cerr << fmt::format("recon: table {} is partial: {}\n", t.name, t.error);
  return exit_code_for(result);
}

}  // namespace recon

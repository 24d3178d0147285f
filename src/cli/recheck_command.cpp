// `recon recheck --run ID`: is it still broken? Fetches a past run's open divergences again from
// both sides and records the outcome against the original divergence rows.
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "recon/core/duration.hpp"
#include "recon/engine/past_run_recheck.hpp"
#include "recon/engine/recheck_outputs.hpp"
#include "run_lookup.hpp"

namespace recon {
namespace po = boost::program_options;

void describe_recheck(po::options_description& desc) {
  desc.add_options()
      ("run", po::value<std::string>()->required()->value_name("ID"), "the run whose open divergences to recheck (\"latest\": the newest run in the audit DB)")
      ("audit", po::value<std::string>()->value_name("FILE"), "audit DB of the run; default: the job's ([check].audit or recon-audit.db beside it), else ./recon-audit.db")
      ("config,c", po::value<std::string>()->value_name("JOB.toml"), "job file; default: the one the run recorded")
      ("tables", po::value<std::string>()->value_name("a,b"), "only these tables of the run; default: every table with open divergences")
      ("attempts", po::value<int>()->default_value(1)->value_name("N"), "looks at each key; the first after --delay, each next one backoff times later")
      ("delay", po::value<std::string>()->default_value("0s")->value_name("DURATION"), "wait before the first look, e.g. 30s");
}

namespace {

RecheckSettings recheck_settings(const po::variables_map& vm, const RunOptions& job) {
  RecheckSettings settings;
  const std::string delay = vm["delay"].as<std::string>();
  const auto us = parse_duration_us(delay);
  if (!us) throw InputError(fmt::format("--delay '{}' is not a duration; write e.g. 500ms, 30s, 5m", delay));
  settings.delay_us = *us;
  settings.attempts = vm["attempts"].as<int>();
  if (settings.attempts < 1 || settings.attempts > 20) throw InputError("--attempts must be between 1 and 20");
  settings.backoff = job.recheck.backoff;
  return settings;
}

void print_table(const TableRecheck& t) {
  if (!t.error.empty())
    std::cerr << fmt::format("recon: table {}: recheck stopped after {} looks: {}\n", t.table, t.looks, t.error);
  const FindingTally& n = t.tally;
  std::cout << fmt::format("{}: {} rechecked — {} converged, {} tolerated, {} in flight, {} suspended, {} still open\n",
                           t.table, t.rechecked, n.converged, n.tolerated, n.in_flight, n.suspended, t.still_open());
  for (const auto& [category, c] : n.categories)
    if (c.action != Action::Tolerate)
      std::cout << fmt::format("  P{} {:<24} {:>8}  {}\n", c.severity, category, c.count, action_name(c.action));
}

/// Which of the run's outputs now include this recheck, and what was left alone.
void print_refreshed(const std::string& run_id, const RefreshedOutputs& refreshed) {
  if (!refreshed.written.empty()) {
    std::cout << fmt::format("refreshed the outputs of run {} with this recheck:\n", run_id);
    for (const std::string& path : refreshed.written) std::cout << "  " << path << "\n";
  }
  for (const std::string& note : refreshed.notes) std::cout << "note: " << note << "\n";
}

}  // namespace

int run_recheck_command(const po::variables_map& vm) {
  std::unique_ptr<RunLookup> lookup = open_run_lookup(vm);
  const RecheckSettings settings = recheck_settings(vm, lookup->opts);
  RunOutputsRefresh refresh(lookup->opts, lookup->audit, lookup->run, lookup->audit_path.string());
  const PastRunRecheck recheck = recheck_past_run(lookup->opts, lookup->audit, lookup->run, settings, &refresh);
  if (recheck.tables.empty()) {
    std::cout << fmt::format("run {}: nothing open to recheck\n", lookup->run.run_id);
    return kExitConsistent;
  }
  for (const TableRecheck& t : recheck.tables) print_table(t);
  std::cout << fmt::format("recheck {} of run {} recorded in {}\n", recheck.recheck_id, lookup->run.run_id,
                           lookup->audit_path.string());
  print_refreshed(lookup->run.run_id, refresh.finish(recheck));
  if (recheck.failed()) return kExitRuntime;
  return recheck.still_open() ? kExitDivergent : kExitConsistent;
}

}  // namespace recon

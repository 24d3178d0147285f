// `recon recheck --run ID`: is it still broken? Fetches a past run's open divergences again from
// both sides and records the outcome against the original divergence rows.
#include <chrono>
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "recon/audit/audit_db.hpp"
#include "recon/config/duration.hpp"
#include "recon/engine/prepare.hpp"
#include "recon/engine/recheck.hpp"
#include "recon/engine/run.hpp"
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

int run_recheck_command(const po::variables_map& vm) {
  std::unique_ptr<RunLookup> found = open_run_lookup(vm);
  RunLookup& lookup = *found;
  const StoredRun& run = lookup.run;
  const std::int64_t delay = [&] {
    const auto us = parse_duration_us(vm["delay"].as<std::string>());
    if (!us) throw InputError(fmt::format("--delay '{}' is not a duration; write e.g. 500ms, 30s, 5m", vm["delay"].as<std::string>()));
    return *us;
  }();
  const int attempts = vm["attempts"].as<int>();
  if (attempts < 1 || attempts > 20) throw InputError("--attempts must be between 1 and 20");

  // Only tables that still have something open are connected to and described.
  std::vector<std::pair<std::string, std::vector<StoredDivergence>>> work;
  for (const auto& table : lookup.opts.tables) {
    auto open = lookup.audit.open_divergences(run.run_id, table.name);
    if (!open.empty()) work.emplace_back(table.name, std::move(open));
  }
  if (work.empty()) {
    std::cout << fmt::format("run {}: nothing open to recheck\n", run.run_id);
    return kExitConsistent;
  }
  std::vector<TableJob> tables;
  for (const auto& [name, _] : work)
    for (const auto& t : lookup.opts.tables)
      if (t.name == name) tables.push_back(t);
  lookup.opts.tables = tables;
  PreparedJob prepared = prepare_job(lookup.opts);
  ConnectionPool pool(lookup.opts, 1);
  pool.adopt(std::move(prepared.source), std::move(prepared.target));

  const std::string recheck_id = make_run_id();
  bool still_open = false, failed = false;
  for (std::size_t i = 0; i < work.size(); ++i) {
    const TableContext& ctx = prepared.contexts[i];
    std::vector<StoredDivergence>& stored = work[i].second;
    std::vector<HeldDivergence> held;
    for (const auto& s : stored) {
      Divergence d;
      d.key = s.key;
      d.category = s.category;
      d.columns = s.columns;
      d.source_values = s.source_values;
      d.target_values = s.target_values;
      d.finding = s.finding;
      held.push_back(HeldDivergence{std::move(d), run.started_epoch, 0});
    }
    RecheckSettings settings;
    settings.attempts = attempts;
    settings.delay_us = delay;
    settings.backoff = lookup.opts.recheck.backoff;
    const RecheckReport report = recheck_divergences(lookup.opts, ctx, pool, held, settings);
    if (!report.error.empty()) {
      std::cerr << fmt::format("recon: table {}: recheck stopped after {} looks: {}\n", ctx.name, report.looks, report.error);
      failed = true;
    }
    FindingTally tally;
    const std::string checked_at = iso_utc_now();
    for (std::size_t k = 0; k < held.size() && report.looks > 0; ++k) {
      lookup.audit.record_recheck(stored[k].id, recheck_id, checked_at, held[k].divergence);
      tally.add(held[k].divergence);
    }
    const std::int64_t open = tally.missing_in_target + tally.missing_in_source + tally.changed;
    still_open |= open > 0;
    std::cout << fmt::format("{}: {} rechecked — {} converged, {} tolerated, {} in flight, {} suspended, {} still open\n",
                             ctx.name, held.size(), tally.converged, tally.tolerated, tally.in_flight, tally.suspended, open);
    for (const auto& [category, c] : tally.categories)
      if (c.action != Action::Tolerate)
        std::cout << fmt::format("  P{} {:<24} {:>8}  {}\n", c.severity, category, c.count, action_name(c.action));
  }
  std::cout << fmt::format("recheck {} of run {} recorded in {}\n", recheck_id, run.run_id, lookup.audit_path.string());
  if (failed) return kExitRuntime;
  return still_open ? kExitDivergent : kExitConsistent;
}

}  // namespace recon

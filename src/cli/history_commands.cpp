// `recon runs`, `recon show RUN`, `recon history --table T --key K`: what the audit DB remembers,
// without writing SQL. Read only; every one also as JSON (--json).
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "history_render.hpp"
#include "recon/core/errors.hpp"
#include "run_lookup.hpp"

namespace recon {
namespace po = boost::program_options;

namespace {

void add_audit_options(po::options_description& desc) {
  desc.add_options()
      ("audit", po::value<std::string>()->value_name("FILE"), "audit DB; default: the --config job's, else ./recon-audit.db")
      ("config,c", po::value<std::string>()->value_name("JOB.toml"), "job file whose audit DB to read")
      ("json", "print JSON instead of text");
}

void print(const po::variables_map& vm, const std::string& text, const nlohmann::ordered_json& json) {
  if (vm.count("json")) std::cout << json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  else std::cout << text;
}

}  // namespace

void describe_runs(po::options_description& desc) {
  desc.add_options()
      ("last", po::value<int>()->default_value(10)->value_name("N"), "the newest N runs")
      ("table", po::value<std::string>()->value_name("T"), "only runs that compared this table (its report name)");
  add_audit_options(desc);
}

int run_runs_command(const po::variables_map& vm) {
  const int last = vm["last"].as<int>();
  if (last < 1) throw InputError(fmt::format("--last {}: give a number of runs, 1 or more", last));
  std::filesystem::path path;
  const auto audit = open_existing_audit(vm, path);
  const std::vector<RunRecord> runs =
      audit->list_runs(static_cast<std::size_t>(last), vm.count("table") ? vm["table"].as<std::string>() : "");
  print(vm, runs_text(runs), runs_json(runs));
  return kExitConsistent;
}

void describe_show(po::options_description& desc) {
  desc.add_options()("run", po::value<std::string>()->required()->value_name("ID"),
                     "the run to show: a run_id, or \"latest\" (the newest finished run)");
  add_audit_options(desc);
}

int run_show_command(const po::variables_map& vm) {
  std::filesystem::path path;
  const auto audit = open_existing_audit(vm, path);
  const std::string run_id = vm["run"].as<std::string>();
  const std::optional<RunDetail> detail = audit->run_detail(run_id);
  if (!detail)
    throw InputError(fmt::format("{}: no {} in this audit DB (recon runs lists them)", path.string(),
                                 run_id == "latest" ? std::string("finished run") : "run '" + run_id + "'"));
  print(vm, run_detail_text(*detail), run_detail_json(*detail));
  return kExitConsistent;
}

void describe_history(po::options_description& desc) {
  desc.add_options()
      ("table", po::value<std::string>()->required()->value_name("T"), "the table's report name")
      ("key", po::value<std::string>()->required()->value_name("KEY"),
       "a JSON array in key order ('[42]', '[\"SP\", 7]'), or the bare value of a one-column key");
  add_audit_options(desc);
}

int run_history_command(const po::variables_map& vm) {
  std::filesystem::path path;
  const auto audit = open_existing_audit(vm, path);
  const std::string table = vm["table"].as<std::string>();
  const std::string key = key_as_json_array(vm["key"].as<std::string>());
  const std::vector<KeySighting> sightings = audit->key_history(table, key);
  if (sightings.empty())
    throw InputError(fmt::format("{}: no run compared a table named '{}' (recon runs lists the runs and their tables)",
                                 path.string(), table));
  print(vm, key_history_text(table, key, sightings), key_history_json(table, key, sightings));
  return kExitConsistent;
}

}  // namespace recon

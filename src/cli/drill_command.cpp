// `recon drill --aggregate NAME --group k=v,…`: the rows behind one group of an [[aggregates]] entry.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "recon/config/job.hpp"
#include "recon/engine/drill.hpp"

namespace recon {
namespace po = boost::program_options;

void describe_drill(po::options_description& desc) {
  desc.add_options()
      ("config,c", po::value<std::string>()->required()->value_name("JOB.toml"), "job file (required)")
      ("aggregate", po::value<std::string>()->required()->value_name("NAME"), "the [[aggregates]] entry's name")
      ("group", po::value<std::string>()->required()->value_name("k=v,..."), "the group: each group_by column as column=value, or a JSON array in group_by order")
      ("side", po::value<std::string>()->default_value("source")->value_name("source|target"), "whose rows: the source_rows or the target_rows query")
      ("limit", po::value<std::size_t>()->default_value(100)->value_name("N"), "print at most N rows (all are counted)")
      ("json", "one JSON object on stdout instead of a table");
}

namespace {

void print_text(const DrillRows& d) {
  std::string group;
  for (const auto& [k, v] : d.group) group += (group.empty() ? "" : ", ") + k + "=" + v;
  std::cout << fmt::format("aggregate {}, group {}: {} {} rows{}\n", d.aggregate, group, d.rows_total,
                           side_name(d.side), d.rows.size() < d.rows_total
                                                  ? fmt::format(" (first {} shown; --limit)", d.rows.size())
                                                  : "");
  if (d.rows.empty()) return;
  std::cout << fmt::format("{}\n", fmt::join(d.columns, "\t"));
  for (const auto& row : d.rows) std::cout << fmt::format("{}\n", fmt::join(row, "\t"));
}

void print_json(const DrillRows& d) {
  nlohmann::ordered_json j;
  j["aggregate"] = d.aggregate;
  j["side"] = side_name(d.side);
  j["group"] = nlohmann::ordered_json::object();
  for (const auto& [k, v] : d.group) j["group"][k] = v;
  j["columns"] = d.columns;
  j["rows"] = d.rows;
  j["rows_total"] = d.rows_total;
  std::cout << j.dump() << "\n";
}

}  // namespace

int run_drill_command(const po::variables_map& vm) {
  CheckFlags flags;
  flags.config = vm["config"].as<std::string>();
  const RunOptions opts = load_run_options(flags);
  const std::string side = vm["side"].as<std::string>();
  if (side != "source" && side != "target") throw InputError("--side must be source or target");
  const DrillRows rows = drill_group(opts, vm["aggregate"].as<std::string>(), vm["group"].as<std::string>(),
                                     side == "source" ? Side::Source : Side::Target, vm["limit"].as<std::size_t>());
  if (vm.count("json")) print_json(rows);
  else print_text(rows);
  return kExitConsistent;
}

}  // namespace recon

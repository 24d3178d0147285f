// `recon apply --run RUN|latest`: a run's fix-up applied by recon, guarded, undoable, re-verified.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "recon/core/errors.hpp"
#include "recon/engine/apply.hpp"
#include "recon/report/output_file.hpp"
#include "recon/report/progress.hpp"
#include "run_lookup.hpp"

namespace recon {
namespace po = boost::program_options;

void describe_apply(po::options_description& desc) {
  desc.add_options()
      ("run", po::value<std::string>()->required()->value_name("RUN|latest"), "the run whose fix-up to apply (\"latest\": the newest finished run in the audit DB)")
      ("audit", po::value<std::string>()->value_name("FILE"), "audit DB of the run; default: the job's ([check].audit or recon-audit.db beside it), else ./recon-audit.db")
      ("config,c", po::value<std::string>()->value_name("JOB.toml"), "job file; default: the one the run recorded")
      ("table", po::value<std::string>()->value_name("T[,U]"), "only these tables of the run; default: every table with something to fix")
      ("dry-run", "read the target and say what would apply and what would conflict; change nothing, write nothing")
      ("strict", "a conflict (a row changed since the check) rolls back its table's whole transaction")
      ("batch", po::value<int>()->default_value(1000)->value_name("N"), "statements per round trip to the target")
      ("no-progress", "never draw the progress line (it is drawn only when stderr is a terminal)")
      ("json", "print the result as JSON on stdout instead of text");
}

namespace {

void print_table(const TableApply& t, bool dry_run) {
  std::cout << fmt::format("{}: {}", t.table, t.status);
  if (dry_run)
    std::cout << fmt::format(" — {} statements: {} would apply, {} would conflict\n", t.statements, t.applied, t.conflicts);
  else
    std::cout << fmt::format(" — {} statements: {} applied, {} conflicts, {} skipped; re-read: {} repaired, {} still divergent\n",
                             t.statements, t.applied, t.conflicts, t.skipped, t.repaired, t.still_divergent);
  if (!t.error.empty()) std::cout << "  error: " << t.error << "\n";
  for (const auto& n : t.notes) std::cout << "  note: " << n << "\n";
  int shown = 0;
  for (const AppliedKey& k : t.keys) {
    if (k.outcome == "repaired" || k.outcome == "would_apply" || k.outcome == "rolled_back") continue;
    if (++shown > 20) {
      std::cout << "  … more keys in the audit DB (table apply_keys)\n";
      break;
    }
    std::cout << fmt::format("  {:<15} {} {}{}\n", k.outcome, k.statement, k.key_json,
                             k.outcome == "conflict" || k.outcome == "would_conflict"
                                 ? " — the target row changed since the check; it keeps its value"
                                 : "");
  }
  if (!t.undo_file.empty()) std::cout << "  undo:   " << t.undo_file << "\n";
}

nlohmann::json to_json(const ApplyResult& r, const std::string& run_id, bool dry_run) {
  nlohmann::json j{{"apply_id", r.apply_id}, {"run_id", run_id}, {"dry_run", dry_run}, {"tables", nlohmann::json::array()}};
  for (const TableApply& t : r.tables) {
    nlohmann::json keys = nlohmann::json::array();
    for (const AppliedKey& k : t.keys)
      keys.push_back({{"key", nlohmann::json::parse(k.key_json, nullptr, false)}, {"statement", k.statement},
                      {"rows", k.rows}, {"outcome", k.outcome},
                      {"now_equal", k.now_equal ? nlohmann::json(*k.now_equal) : nlohmann::json()}});
    j["tables"].push_back({{"table", t.table}, {"status", t.status}, {"statements", t.statements},
                           {"applied", t.applied}, {"conflicts", t.conflicts}, {"skipped", t.skipped}, {"withheld", t.withheld},
                           {"repaired", t.repaired}, {"still_divergent", t.still_divergent},
                           {"fixup_file", t.fixup_file}, {"fixup_sha256", t.fixup_sha256},
                           {"undo_file", t.undo_file}, {"undo_sha256", t.undo_sha256}, {"error", t.error},
                           {"notes", t.notes}, {"seconds", t.seconds}, {"keys", keys}});
  }
  return j;
}

/// <out_dir>/applies/<apply_id>.json, the --json document: the run's output folder shows what
/// each apply did beside the findings it repaired. "" (and a warning) when it cannot be written.
std::string write_apply_report(const std::string& out_dir, const ApplyResult& r, const nlohmann::json& doc) {
  const std::filesystem::path file = std::filesystem::path(out_dir) / "applies" / (r.apply_id + ".json");
  try {
    report::write_file_atomically(file, doc.dump(2) + "\n");
    return file.string();
  } catch (const std::exception& e) {
    std::cerr << "recon: warning: " << e.what() << " (the audit DB has the apply)\n";
    return "";
  }
}

}  // namespace

int run_apply_command(const po::variables_map& vm) {
  po::variables_map lookup_vm = vm;  // run_lookup reads "tables"
  if (vm.count("table")) lookup_vm.insert({"tables", vm["table"]});
  std::unique_ptr<RunLookup> lookup = open_run_lookup(lookup_vm);
  ApplySettings settings;
  settings.dry_run = vm.count("dry-run") > 0;
  settings.strict = vm.count("strict") > 0;
  const int batch = vm["batch"].as<int>();
  if (batch < 1 || batch > 100000) throw InputError("--batch must be between 1 and 100000");
  settings.batch = static_cast<std::size_t>(batch);
  ProgressLine progress(vm.count("no-progress") == 0 && ProgressLine::stderr_is_terminal());
  progress.set_unit("statements");
  settings.progress = [&](const std::string& table, std::int64_t done, std::int64_t total) {
    progress.update("apply " + table, done, total, done);
  };
  const ApplyResult result = apply_run(lookup->opts, lookup->audit, lookup->run, settings);
  progress.clear();
  const bool json = vm.count("json") > 0;
  const nlohmann::json doc = to_json(result, lookup->run.run_id, settings.dry_run);
  if (json) std::cout << doc.dump(2) << "\n";
  const std::string report =
      settings.dry_run || result.tables.empty() ? "" : write_apply_report(lookup->run.out_dir, result, doc);
  if (result.tables.empty()) {
    if (!json) std::cout << fmt::format("run {}: nothing open to apply\n", lookup->run.run_id);
    return kExitConsistent;
  }
  if (!json) {
    for (const TableApply& t : result.tables) print_table(t, settings.dry_run);
    if (!settings.dry_run)
      std::cout << fmt::format("apply {} of run {} recorded in {}{}\n", result.apply_id, lookup->run.run_id,
                               lookup->audit_path.string(), report.empty() ? "" : " and " + report);
  }
  if (result.failed() || result.interrupted()) return kExitRuntime;
  return result.all_match() ? kExitConsistent : kExitDivergent;
}

}  // namespace recon

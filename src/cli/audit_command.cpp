// `recon audit prune --keep 90d`: retention for the audit DB — old runs removed with all their
// records, the removal itself on record (and a checkpoint on the chain), the file shrunk.
// `recon audit verify`: the audit's hash chain walked (recon/audit/verify.hpp does the work).
// `recon audit doctor`: the newest `recon doctor` runs recorded (table doctor_runs).
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "recon/audit/verify.hpp"
#include "recon/core/duration.hpp"
#include "recon/core/errors.hpp"
#include "recon/core/utc_time.hpp"
#include "run_lookup.hpp"

namespace recon {
namespace po = boost::program_options;

void describe_audit(po::options_description& desc) {
  desc.add_options()
      ("action", po::value<std::string>()->required()->value_name("prune|verify|doctor"),
       "what to do with the audit DB: prune (old runs go), verify (walk the hash chain), doctor (list the newest recon doctor runs)")
      ("keep", po::value<std::string>()->value_name("DURATION"), "prune: keep the runs of this long (e.g. 90d, 12h); older ones go")
      ("dry-run", "prune: say what would go; change nothing")
      ("last", po::value<int>()->default_value(10)->value_name("N"), "doctor: the newest N doctor runs")
      ("audit", po::value<std::string>()->value_name("FILE"), "audit DB; default: the --config job's, else ./recon-audit.db")
      ("config,c", po::value<std::string>()->value_name("JOB.toml"), "job file whose audit DB to use")
      ("json", "print JSON instead of text");
}

namespace {

std::string mebibytes(std::int64_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20)); }

int run_prune(const po::variables_map& vm) {
  if (!vm.count("keep")) throw InputError("recon audit prune: say how long to keep runs, e.g. --keep 90d");
  const std::string keep = vm["keep"].as<std::string>();
  const auto keep_us = parse_duration_us(keep);
  if (!keep_us || *keep_us <= 0)
    throw InputError(fmt::format("--keep '{}' is not a duration; write e.g. 90d, 12h, 30m", keep));
  std::filesystem::path path;
  const auto audit = open_existing_audit(vm, path);
  const std::string cutoff = iso_utc(now_epoch() - static_cast<double>(*keep_us) / 1e6);
  const bool dry = vm.count("dry-run") > 0;
  const PruneResult r = audit->prune(cutoff, keep, dry);
  std::pair<std::int64_t, std::int64_t> size{0, 0};
  if (!dry && !r.run_ids.empty()) size = audit->vacuum();
  if (vm.count("json")) {
    nlohmann::ordered_json j{{"audit", path.string()}, {"keep", keep}, {"cutoff", cutoff}, {"dry_run", dry},
                             {"runs", r.run_ids},      {"divergences", r.divergences}, {"rechecks", r.rechecks},
                             {"applies", r.applies},   {"kept_old", r.kept_old},       {"runs_left", r.runs_left}};
    if (size.first > 0) j["bytes_before"] = size.first, j["bytes_after"] = size.second;
    std::cout << j.dump(2) << "\n";
    return kExitConsistent;
  }
  std::cout << fmt::format("{}: {} {} run{} started before {} ({} divergences, {} rechecks, {} applies){}\n",
                           path.string(), dry ? "would remove" : "removed", r.run_ids.size(),
                           r.run_ids.size() == 1 ? "" : "s", cutoff, r.divergences, r.rechecks, r.applies,
                           dry ? "" : "; recorded in table prunes");
  if (r.kept_old > 0)
    std::cout << fmt::format("kept {} older run{}: the newest finished run, runs incremental watermarks point at, "
                             "or runs still running\n", r.kept_old, r.kept_old == 1 ? "" : "s");
  std::cout << fmt::format("{} run{} left", r.runs_left, r.runs_left == 1 ? "" : "s");
  if (size.first > 0) std::cout << fmt::format("; file {} -> {}", mebibytes(size.first), mebibytes(size.second));
  std::cout << "\n";
  return kExitConsistent;
}

/// Exit 0 when the chain verifies, 1 naming the first record that does not.
int run_verify(const po::variables_map& vm) {
  const std::filesystem::path path = existing_audit_path(vm);
  const audit::ChainVerification v = audit::verify_audit_chain(path);
  if (vm.count("json")) {
    nlohmann::ordered_json j{{"audit", path.string()}, {"intact", v.intact()}, {"records", v.records},
                             {"head", {{"seq", v.head.seq}, {"sha256", v.head.sha256}}},
                             {"start", v.start_note}, {"checkpoints", v.checkpoints}};
    if (v.problem)
      j["problem"] = {{"seq", v.problem->seq}, {"table", v.problem->table}, {"rec", v.problem->rec},
                      {"context", v.problem->context}, {"what", v.problem->what}, {"text", v.problem->describe()}};
    std::cout << j.dump(2) << "\n";
  } else if (v.problem) {
    std::cout << fmt::format("{}: the audit chain does not verify: {}\n", path.string(), v.problem->describe());
  } else {
    std::cout << fmt::format("{}: the audit chain verifies: {} record{}, {} prune checkpoint{}\n", path.string(),
                             v.records, v.records == 1 ? "" : "s", v.checkpoints, v.checkpoints == 1 ? "" : "s");
    std::cout << fmt::format("head: seq {} sha256 {}\n", v.head.seq, v.head.sha256);
    std::cout << fmt::format("start: {}\n", v.start_note);
  }
  // 1 like a divergence: what the file holds is not what recon recorded (docs/cli.md).
  return v.intact() ? kExitConsistent : kExitDivergent;
}

/// The newest doctor runs, newest first: when, exit code, counts, job; --json gives each run's
/// full report as recorded.
int run_doctor_list(const po::variables_map& vm) {
  const int last = vm["last"].as<int>();
  if (last <= 0) throw InputError("--last must be at least 1");
  std::filesystem::path path;
  const auto audit = open_existing_audit(vm, path);
  const std::vector<StoredDoctorRun> runs = audit->list_doctor_runs(static_cast<std::size_t>(last));
  if (vm.count("json")) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const StoredDoctorRun& d : runs)
      j.push_back({{"id", d.id}, {"at", d.run.at}, {"job", d.run.job_file}, {"job_sha256", d.run.job_sha256},
                   {"exit_code", d.run.exit_code},
                   {"counts", {{"ok", d.run.ok}, {"warn", d.run.warn}, {"fail", d.run.fail}, {"skip", d.run.skip}}},
                   {"os_user", d.os_user}, {"host", d.host}, {"recon_version", d.recon_version},
                   {"report", nlohmann::ordered_json::parse(d.run.report_json, nullptr, false)}});
    std::cout << j.dump(2) << "\n";
    return kExitConsistent;
  }
  if (runs.empty()) {
    std::cout << fmt::format("{}: no recon doctor runs recorded\n", path.string());
    return kExitConsistent;
  }
  std::cout << fmt::format("{:<20}  {:>4}  {:>4}  {:>4}  {:>4}  {:>4}  {}\n", "at", "exit", "ok", "warn", "fail", "skip", "job");
  for (const StoredDoctorRun& d : runs)
    std::cout << fmt::format("{:<20}  {:>4}  {:>4}  {:>4}  {:>4}  {:>4}  {}\n", d.run.at, d.run.exit_code, d.run.ok,
                             d.run.warn, d.run.fail, d.run.skip, d.run.job_file);
  return kExitConsistent;
}

}  // namespace

int run_audit_command(const po::variables_map& vm) {
  const std::string action = vm["action"].as<std::string>();
  if (action == "prune") return run_prune(vm);
  if (action == "verify") return run_verify(vm);
  if (action == "doctor") return run_doctor_list(vm);
  throw InputError(fmt::format(
      "recon audit: unknown action '{}' (recon audit prune --keep 90d, recon audit verify, recon audit doctor)", action));
}

}  // namespace recon

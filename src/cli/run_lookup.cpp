#include "run_lookup.hpp"

#include <chrono>
#include <ctime>
#include <iostream>

#include <fmt/format.h>

#include "recon/core/errors.hpp"

namespace recon {
namespace fs = std::filesystem;

fs::path existing_audit_path(const boost::program_options::variables_map& vm) {
  fs::path audit_path = vm.count("audit") ? fs::path(vm["audit"].as<std::string>()) : fs::path();
  if (audit_path.empty() && vm.count("config")) {
    CheckFlags flags;
    flags.config = vm["config"].as<std::string>();
    flags.no_progress = true;
    audit_path = load_run_options(flags).audit_db;
  }
  if (audit_path.empty()) audit_path = "recon-audit.db";
  if (!fs::exists(audit_path))
    throw InputError(fmt::format("{}: no audit DB here; name it with --audit FILE (or give the job with --config)",
                                 audit_path.string()));
  return audit_path;
}

std::unique_ptr<AuditDb> open_existing_audit(const boost::program_options::variables_map& vm, fs::path& audit_path) {
  audit_path = existing_audit_path(vm);
  auto db = std::make_unique<AuditDb>();
  db->open(audit_path);
  return db;
}

StoredRun find_stored_run(AuditDb& audit, const fs::path& audit_path, const std::string& run_id) {
  auto run = audit.find_run(run_id);
  if (!run && run_id == "latest")
    if (const auto newest = audit.find_run("latest", /*any=*/true))
      throw InputError(fmt::format("{}: no finished run yet: the newest, {}, is {}{}", audit_path.string(),
                                   newest->run_id, newest->status,
                                   newest->resumable() ? "; continue it with recon check --resume " + newest->run_id : ""));
  if (!run)
    throw InputError(fmt::format("{}: no run '{}' in this audit DB (use \"latest\", or a run_id from summary.json)",
                                 audit_path.string(), run_id));
  if (run_id == "latest")
    if (const auto newer = audit.newer_unfinished(*run))
      std::cerr << fmt::format("note: run {} (started {}) is {}; \"latest\" is the newest finished run, {}\n",
                               newer->run_id, newer->started_at,
                               newer->status == "running" ? "still running" : newer->status, run->run_id);
  return *run;
}

std::unique_ptr<RunLookup> open_run_lookup(const boost::program_options::variables_map& vm) {
  CheckFlags flags;
  if (vm.count("config")) flags.config = vm["config"].as<std::string>();
  if (vm.count("tables")) flags.tables = vm["tables"].as<std::string>();
  flags.no_progress = true;

  fs::path audit_path;
  auto lookup = std::make_unique<RunLookup>(open_existing_audit(vm, audit_path));
  lookup->audit_path = audit_path;

  lookup->run = find_stored_run(lookup->audit, audit_path, vm["run"].as<std::string>());
  const StoredRun* run = &lookup->run;
  if (flags.config.empty()) {
    if (run->job_file.empty())
      throw InputError(fmt::format("run {} recorded no job file (the demo's job is in memory); give the job with --config JOB.toml", run->run_id));
    if (!fs::exists(run->job_file))
      throw InputError(fmt::format("run {}: its job file {} is gone; give the job with --config JOB.toml", run->run_id, run->job_file));
    flags.config = run->job_file;
  }
  lookup->opts = load_run_options(flags);
  lookup->audit.set_pii_key(lookup->opts.pii_key);
  if (!run->job_hash.empty() && lookup->opts.job_hash != run->job_hash)
    std::cerr << fmt::format("note: {} changed since run {} (rules and columns are today's)\n", flags.config.string(), run->run_id);
  return lookup;
}

}  // namespace recon

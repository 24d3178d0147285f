#pragma once
// Private to the cli module: what `recheck` and `explain --run` need to revisit a past run — its
// audit DB, its row in `runs`, and its job (the file it recorded, or --config).
#include <filesystem>
#include <memory>
#include <string>

#include <boost/program_options.hpp>

#include "recon/audit/audit_db.hpp"
#include "recon/config/job.hpp"

namespace recon {

struct RunLookup {
  std::filesystem::path audit_path;
  std::unique_ptr<AuditDb> audit_db;
  AuditDb& audit;
  StoredRun run;
  RunOptions opts;  ///< the run's job, restricted to --tables when given

  explicit RunLookup(std::unique_ptr<AuditDb> db) : audit_db(std::move(db)), audit(*audit_db) {}
};

/// The audit file a command reads: --audit, else the --config job's, else ./recon-audit.db;
/// InputError naming the path when it does not exist.
std::filesystem::path existing_audit_path(const boost::program_options::variables_map& vm);

/// The audit DB a command reads: --audit, else the --config job's, else ./recon-audit.db. Opened
/// (and migrated) only when it exists; InputError naming the path otherwise.
std::unique_ptr<AuditDb> open_existing_audit(const boost::program_options::variables_map& vm,
                                             std::filesystem::path& path);

/// The run `run_id` names in `audit` (read from `audit_path`): a run_id, or "latest" (the newest
/// finished run; a newer unfinished one is named in a note on stderr). InputError naming the audit
/// file when there is no such run.
StoredRun find_stored_run(AuditDb& audit, const std::filesystem::path& audit_path, const std::string& run_id);

/// Options used: "run" (required), "audit", "config", "tables". Throws InputError naming the audit
/// file when the run is unknown, and the job file when it is gone (suggesting --config).
std::unique_ptr<RunLookup> open_run_lookup(const boost::program_options::variables_map& vm);

}  // namespace recon

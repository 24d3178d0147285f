#pragma once
/// `recon doctor`: the read-only preflight of a job (docs/doctor.md). Connects to both sides,
/// gathers the connectors' facts (Connector::server_facts, login_facts, table_facts, the type
/// self-test) and evaluates every check of docs/doctor.md's table.

#include <string>

#include "recon/config/job.hpp"
#include "recon/doctor/report.hpp"

namespace recon::doctor {

struct Options {
  /// The role the least-privilege statements grant to (--role); the apply role is `<role>_apply`.
  std::string role = "recon_reader";
};

/// Runs every check of `job`'s tables (`job.tables`, already narrowed by --tables). Never throws
/// for a side that cannot be connected to or a table that a run would refuse: those are FAIL
/// checks, and the other side and tables are still checked. Sends nothing that writes, creates
/// or locks. `job_as_given` is the job file as the person named it (the report's "job").
Report run_doctor(const RunOptions& job, const Options& options, const std::string& job_as_given);

}  // namespace recon::doctor

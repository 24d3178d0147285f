#pragma once
/// One reconciliation run: validate every table against both engines, plan, compare in parallel,
/// write the output folder and the audit trail.

#include <string>

#include "recon/config/job.hpp"
#include "recon/model/result.hpp"

namespace recon {

/// Runs `check`. Throws InputError (exit 2) when validation fails — before any data moved — and
/// ConnectorError when an engine cannot be reached at the start. Once comparing has begun, every
/// failure is recorded in the result (status "error", tables marked partial) and the outputs are
/// still written. `out_dir` receives the output folder actually used.
RunResult run_check(const RunOptions& opts, std::string& out_dir);

/// Exit code for a finished run (docs/cli.md): 3 error, 1 a table below its SLO, else 0.
int exit_code_for(const RunResult& result);

/// "20261123T101500Z-3f9a": UTC start time plus 4 random hex digits.
std::string make_run_id();

}  // namespace recon

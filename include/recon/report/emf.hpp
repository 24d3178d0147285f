#pragma once
/// The run's metrics as CloudWatch Embedded Metric Format (EMF) JSON lines: a log line CloudWatch
/// Logs turns into metrics (CloudWatch agent tailing the file, or an ECS/Lambda log stream).

#include <filesystem>
#include <string>

#include "recon/model/result.hpp"

namespace recon {

/// The EMF namespace of every metric recon sends.
inline constexpr const char* kEmfNamespace = "recon";

/// One JSON object per line: one per table (dimensions Job, Table, Mode) and one for the run
/// (dimensions Job, Mode), each with `_aws.Timestamp` = the run's end in milliseconds. `job` is the
/// job's name (its file's stem). The metric names and units are listed in docs/cli.md.
std::string render_emf(const RunResult& run, const std::string& job);

/// Appends render_emf to `file` (created with its folders when missing) in one write, so a log
/// agent tailing it never reads half a run. Throws std::runtime_error naming the file on failure.
void append_emf(const std::filesystem::path& file, const RunResult& run);

}  // namespace recon

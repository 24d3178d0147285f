#pragma once
/// One run per output folder at a time: a second run writing summary.json, metrics.prom and
/// fixup/ into the same folder would overwrite the first's files half-way.

#include <filesystem>
#include <string>

namespace recon {

class OutputLock {
 public:
  /// Creates `folder` if needed and takes its lock (`.recon.lock`, an advisory flock that the OS
  /// releases when the process ends, however it ends). Throws InputError naming the folder and
  /// the run holding it when another process has it, std::runtime_error when the folder cannot be
  /// written.
  OutputLock(const std::filesystem::path& folder, const std::string& run_id);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  std::filesystem::path file_;
  int fd_ = -1;
};

}  // namespace recon

#pragma once
/// Keeps a running run's heartbeat fresh in the audit DB, so that a run whose process was killed
/// (SIGKILL, a lost machine) is told apart from one still working: the next command that opens the
/// audit DB marks a run silent for more than a minute as abandoned.

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

namespace recon {

class AuditHeartbeat {
 public:
  /// Beats every `interval_s` seconds on a connection of its own until destroyed.
  AuditHeartbeat(std::filesystem::path audit_path, std::string run_id, double interval_s = 15);
  ~AuditHeartbeat();
  AuditHeartbeat(const AuditHeartbeat&) = delete;
  AuditHeartbeat& operator=(const AuditHeartbeat&) = delete;

 private:
  std::filesystem::path path_;
  std::string run_id_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace recon

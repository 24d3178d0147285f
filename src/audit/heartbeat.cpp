#include "recon/audit/heartbeat.hpp"

#include <chrono>

#include "recon/audit/audit_db.hpp"

namespace recon {

AuditHeartbeat::AuditHeartbeat(std::filesystem::path audit_path, std::string run_id, double interval_s)
    : path_(std::move(audit_path)), run_id_(std::move(run_id)) {
  thread_ = std::thread([this, interval = std::chrono::duration<double>(interval_s)] {
    std::unique_lock lock(mu_);
    while (!wake_.wait_for(lock, interval, [this] { return stop_; })) {
      lock.unlock();
      AuditDb::beat(path_, run_id_);  // a failed beat is retried at the next one
      lock.lock();
    }
  });
}

AuditHeartbeat::~AuditHeartbeat() {
  {
    const std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace recon

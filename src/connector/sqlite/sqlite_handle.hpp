#pragma once
// Private to the SQLite connector: which errors poison a connection, the timeout settings its read
// and write connections share, and identifier quoting. The owning handles are the shared ones
// (recon/sqlite/handle.hpp).

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "recon/core/errors.hpp"
#include "recon/sqlite/handle.hpp"

namespace recon::sqlite {

/// True for result codes after which the connection should not be trusted (locks held past the
/// busy timeout, I/O errors, a damaged or vanished file): the engine reopens and retries.
inline bool is_poisoning(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY: case SQLITE_LOCKED: case SQLITE_IOERR: case SQLITE_CORRUPT:
    case SQLITE_NOTADB: case SQLITE_CANTOPEN: case SQLITE_FULL: case SQLITE_NOMEM:
    case SQLITE_PROTOCOL: case SQLITE_SCHEMA: case SQLITE_INTERRUPT:
      return true;
    default:
      return false;
  }
}

/// Milliseconds as SQLite's busy timeout takes them: 0 (no limit) waits as long as it can.
inline int busy_timeout_ms(std::int64_t ms) {
  return ms <= 0 || ms > std::numeric_limits<int>::max() ? std::numeric_limits<int>::max() : static_cast<int>(ms);
}

/// VM instructions between two looks of a progress handler at the statement's deadline and at
/// cancel().
constexpr int kProgressEvery = 10'000;

/// A statement's deadline and a cancel flag, looked at by SQLite's progress handler every
/// kProgressEvery VM instructions: interrupts the statement (SQLITE_INTERRUPT) once cancel() ran
/// (any thread) or the statement has run `timeout_ms` (0: no limit). The read connector and the
/// write transaction each keep one.
class StatementWatch {
 public:
  explicit StatementWatch(std::int64_t timeout_ms = 0) : timeout_ms_(timeout_ms) {}
  void install(sqlite3* db) { sqlite3_progress_handler(db, kProgressEvery, &StatementWatch::on_progress, this); }
  void set_timeout_ms(std::int64_t ms) { timeout_ms_ = ms; }
  void start() { started_ = std::chrono::steady_clock::now(); }  ///< a statement begins
  void cancel() { cancelled_ = true; }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }
  std::int64_t timeout_ms() const { return timeout_ms_; }

 private:
  static int on_progress(void* self) {
    auto* w = static_cast<StatementWatch*>(self);
    if (w->cancelled()) return 1;
    if (w->timeout_ms_ <= 0) return 0;
    return std::chrono::steady_clock::now() - w->started_ > std::chrono::milliseconds(w->timeout_ms_) ? 1 : 0;
  }
  std::int64_t timeout_ms_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::atomic<bool> cancelled_{false};
};

/// Identifier quoting for SQLite ("a""b"). Local so this module does not depend on the factory's.
inline std::string ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace recon::sqlite

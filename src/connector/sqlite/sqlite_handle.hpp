#pragma once
// Private to the SQLite connector: owning handles around the C API and its error reporting.

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "recon/core/errors.hpp"

namespace recon::sqlite {

/// Owns a database connection; closes it on destruction.
class Db {
 public:
  Db() = default;
  explicit Db(sqlite3* db) : db_(db) {}
  Db(Db&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Db& operator=(Db&& o) noexcept {
    if (this != &o) { reset(); db_ = o.db_; o.db_ = nullptr; }
    return *this;
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() { reset(); }
  sqlite3* get() const { return db_; }
  void reset() {
    if (db_) sqlite3_close_v2(db_);
    db_ = nullptr;
  }

 private:
  sqlite3* db_ = nullptr;
};

/// Owns a prepared statement; finalizes it on destruction.
class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    if (this != &o) { if (s_) sqlite3_finalize(s_); s_ = o.s_; o.s_ = nullptr; }
    return *this;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { if (s_) sqlite3_finalize(s_); }
  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

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

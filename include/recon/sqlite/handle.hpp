#pragma once
/// Owning handles around SQLite's C API, and the bind/column helpers every user of it needs: the
/// SQLite connector, the audit trail and the demo's writer share these.

#include <sqlite3.h>

#include <string>
#include <string_view>

namespace recon::sqlite {

/// Owns a database connection; closes it on destruction. Converts to the raw handle, so the C API
/// takes it as it is.
class Db {
 public:
  Db() = default;
  explicit Db(sqlite3* db) : db_(db) {}
  Db(Db&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Db& operator=(Db&& o) noexcept {
    if (this != &o) {
      reset();
      db_ = o.db_;
      o.db_ = nullptr;
    }
    return *this;
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() { reset(); }

  /// sqlite3_open_v2 into this handle (closing any previous one). The handle is owned even when
  /// opening failed, so the caller can read sqlite3_errmsg before it is closed. Returns the code.
  int open(const std::string& path, int flags) {
    reset();
    return sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  }
  sqlite3* get() const { return db_; }
  operator sqlite3*() const { return db_; }
  /// The connection's last error, or "not open".
  const char* error() const { return db_ ? sqlite3_errmsg(db_) : "not open"; }
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
  /// Prepares `sql` on `db`. `ok()` is false when preparing failed: the caller reports it with the
  /// connection's error message.
  Stmt(sqlite3* db, std::string_view sql) {
    sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &s_, nullptr);
  }
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    if (this != &o) {
      sqlite3_finalize(s_);
      s_ = o.s_;
      o.s_ = nullptr;
    }
    return *this;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(s_); }  // a no-op on nullptr

  bool ok() const { return s_ != nullptr; }
  sqlite3_stmt* get() const { return s_; }
  operator sqlite3_stmt*() const { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

/// Binds text (copied by SQLite). Returns SQLite's code.
inline int bind_text(sqlite3_stmt* s, int i, std::string_view v) {
  return sqlite3_bind_text64(s, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
/// Empty text is stored as NULL.
inline int bind_opt_text(sqlite3_stmt* s, int i, const std::string& v) {
  return v.empty() ? sqlite3_bind_null(s, i) : bind_text(s, i, v);
}
/// A zero-length blob stays a (non-NULL) zero-length blob: std::string::data() is never null.
inline int bind_blob(sqlite3_stmt* s, int i, std::string_view v) {
  return sqlite3_bind_blob64(s, i, v.data(), v.size(), SQLITE_TRANSIENT);
}

/// Column text, "" for NULL.
inline std::string column_text(sqlite3_stmt* s, int i) {
  const auto* t = sqlite3_column_text(s, i);
  return t ? std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(s, i)))
           : std::string();
}
/// Column bytes, "" for NULL.
inline std::string column_blob(sqlite3_stmt* s, int i) {
  const void* b = sqlite3_column_blob(s, i);
  const int n = sqlite3_column_bytes(s, i);
  return b ? std::string(static_cast<const char*>(b), static_cast<std::size_t>(n)) : std::string();
}
inline bool column_null(sqlite3_stmt* s, int i) { return sqlite3_column_type(s, i) == SQLITE_NULL; }

}  // namespace recon::sqlite

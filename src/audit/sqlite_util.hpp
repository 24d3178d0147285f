#pragma once
// Private to the audit module: small SQLite helpers shared by the writer and the readers.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "recon/engine/result.hpp"

namespace recon::audit {

/// A prepared statement finalized on scope exit. `ok()` is false when preparing failed (the
/// caller reports it with the connection's error message).
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return s_ != nullptr; }
  sqlite3_stmt* get() const { return s_; }
  operator sqlite3_stmt*() const { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

inline void bind_text(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
/// Empty text is stored as NULL.
inline void bind_opt_text(sqlite3_stmt* s, int i, const std::string& v) {
  if (v.empty()) sqlite3_bind_null(s, i);
  else bind_text(s, i, v);
}
/// A zero-length blob stays a (non-NULL) zero-length blob: std::string::data() is never null.
inline void bind_blob(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_blob(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
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

/// {0, 3} -> "0,3"
inline std::string join_indexes(const std::vector<std::uint32_t>& v) {
  std::string out;
  for (std::uint32_t i : v) {
    if (!out.empty()) out.push_back(',');
    out += std::to_string(i);
  }
  return out;
}
/// "0,3" -> {0, 3}; anything that is not a digit separates.
inline std::vector<std::uint32_t> parse_indexes(std::string_view text) {
  std::vector<std::uint32_t> out;
  std::uint64_t cur = 0;
  bool in_number = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      cur = cur * 10 + static_cast<std::uint64_t>(c - '0');
      in_number = true;
    } else if (in_number) {
      out.push_back(static_cast<std::uint32_t>(cur));
      cur = 0;
      in_number = false;
    }
  }
  if (in_number) out.push_back(static_cast<std::uint32_t>(cur));
  return out;
}

/// Binds a divergence's finding to nine consecutive parameters from `first`, in the divergences
/// table's column order: finding_category, severity, action, rule, explanation, fix_columns_idx,
/// status, recheck_attempts, converged_after_s. A finding nobody filled in still says what the row
/// is: its raw category.
inline void bind_finding(sqlite3_stmt* s, int first, const Divergence& d) {
  const Finding& f = d.finding;
  bind_text(s, first, f.category.empty() ? std::string_view(category_name(d.category)) : std::string_view(f.category));
  sqlite3_bind_int(s, first + 1, f.severity);
  bind_text(s, first + 2, action_name(f.action));
  bind_text(s, first + 3, f.rule);
  bind_text(s, first + 4, f.explanation);
  if (d.category == Category::Changed) bind_text(s, first + 5, join_indexes(f.fix_columns));
  bind_text(s, first + 6, status_name(f.status));
  sqlite3_bind_int(s, first + 7, f.recheck_attempts);
  if (f.status == Status::Converged) sqlite3_bind_double(s, first + 8, f.converged_after_s);
}

}  // namespace recon::audit

#pragma once
// Private to the audit module: what the writer and the readers share on top of the SQLite handles
// (recon/sqlite/handle.hpp): index lists and the finding's columns.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "recon/model/result.hpp"
#include "recon/sqlite/handle.hpp"

namespace recon::audit {

using sqlite::bind_blob;
using sqlite::bind_opt_text;
using sqlite::bind_text;
using sqlite::column_blob;
using sqlite::column_null;
using sqlite::column_text;
using sqlite::Stmt;

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

// SQL text of the SQLite connector's reads.
#include "sqlite_query.hpp"

#include <algorithm>
#include <vector>

#include "../range_where.hpp"
#include "sqlite_handle.hpp"
#include "sqlite_values.hpp"

namespace recon::sqlite {
namespace {

/// Classes whose SQLite form is text or blob, compared bytewise; numbers ignore collations.
bool needs_binary(TypeClass c) {
  return c != TypeClass::Integer && c != TypeClass::Decimal && c != TypeClass::Float &&
         c != TypeClass::Boolean;
}

std::string param(std::size_t n, const SelectColumn& col) {
  std::string p = "?" + std::to_string(n);
  if (needs_binary(col.compare_as)) p += " COLLATE BINARY";
  return p;
}

/// `(k1,k2) op (?a,?b)` over the first `arity` key columns; parameters start at `next`.
std::string bound(const RangeQuery& q, std::size_t arity, const char* op, std::size_t& next) {
  std::string cols, params;
  for (std::size_t i = 0; i < arity; ++i) {
    if (i) { cols += ", "; params += ", "; }
    cols += ident(q.keys[i].native.name);
    params += param(next++, q.keys[i]);
  }
  if (arity == 1) return cols + " " + op + " " + params;
  return "(" + cols + ") " + op + " (" + params + ")";
}

/// `key >= ?a AND key < ?b` for one span (parameters from `next`, bound by bind_bounds in the
/// same order); "" for a span open at both ends.
std::string span_sql(const RangeQuery& q, const KeySpan& span, std::size_t& next) {
  std::string cond;
  if (span.lower) cond = bound(q, std::min(key_arity(*span.lower), q.keys.size()), ">=", next);
  if (span.upper)
    cond += (cond.empty() ? "" : " AND ") + bound(q, std::min(key_arity(*span.upper), q.keys.size()), "<", next);
  return cond;
}

std::string where_sql(const RangeQuery& q) {
  std::size_t next = 1;  // bind parameters are numbered in span order
  return range_where_sql(q, [&](const KeySpan& span) { return span_sql(q, span, next); });
}

/// A key column as ORDER BY spells it: bytewise for the classes SQLite would otherwise compare
/// by its own rules.
std::string key_expr(const SelectColumn& key) {
  return ident(key.native.name) + (needs_binary(key.compare_as) ? " COLLATE BINARY" : "");
}

std::string order_sql(const RangeQuery& q) { return " ORDER BY " + order_by_list(q.keys, key_expr); }

std::string select_list(const RangeQuery& q, bool with_values) {
  return column_list(Dialect::Sqlite, q.keys, with_values ? q.values : std::vector<SelectColumn>{});
}

}  // namespace

std::string table_sql(const TableRef& t) {
  return t.schema.empty() ? ident(t.name) : ident(t.schema) + "." + ident(t.name);
}

std::size_t key_arity(std::string_view key) {
  std::size_t n = 0, pos = 0;
  while (pos < key.size()) {
    canon::read_value(key, pos);
    ++n;
  }
  return n;
}

std::string range_sql(const RangeQuery& q, bool with_values) {
  return "SELECT " + select_list(q, with_values) + " FROM " + table_sql(q.table) + where_sql(q) +
         order_sql(q);
}

std::string count_sql(const RangeQuery& q) {
  return "SELECT count(*) FROM " + table_sql(q.table) + where_sql(q);
}

std::string fetch_sql(const RangeQuery& q, std::size_t n_keys) {
  const std::size_t nk = q.keys.size();
  std::string cte_cols, values, cols, params;
  for (std::size_t i = 0; i < nk; ++i) {
    const std::string k = "recon_k" + std::to_string(i + 1);
    cte_cols += (i ? ", " : "") + k;
    cols += (i ? ", " : "") + ident(q.keys[i].native.name);
    params += (i ? ", " : "") + k + (needs_binary(q.keys[i].compare_as) ? " COLLATE BINARY" : "");
  }
  std::size_t next = 1;
  for (std::size_t r = 0; r < n_keys; ++r) {
    values += r ? ", (" : "(";
    for (std::size_t i = 0; i < nk; ++i) values += (i ? ", ?" : "?") + std::to_string(next++);
    values += ")";
  }
  std::string sql = "WITH recon_keys(" + cte_cols + ") AS (VALUES " + values + ") SELECT " +
                    select_list(q, true) + " FROM " + table_sql(q.table) + " JOIN recon_keys ON (" +
                    cols + ") = (" + params + ")";
  if (!q.where.empty()) sql += " WHERE (" + q.where + ")";
  return sql + order_sql(q);
}

int bind_bounds(sqlite3_stmt* stmt, const RangeQuery& q) {
  int next = 1;
  for (const KeySpan& span : spans_of(q))
    for (const auto* b : {&span.lower, &span.upper}) {
      if (!*b) continue;
      const std::string_view key = **b;
      std::size_t pos = 0;
      for (std::size_t i = 0; i < q.keys.size() && pos < key.size(); ++i) {
        const int rc = bind_canonical(stmt, next++, canon::read_value(key, pos));
        if (rc != SQLITE_OK) return rc;
      }
    }
  return SQLITE_OK;
}

}  // namespace recon::sqlite

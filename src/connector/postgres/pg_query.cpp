// Data query text for the postgres connector. See pg_query.hpp.
#include "pg_query.hpp"

#include <cstdio>

#include "../range_where.hpp"
#include "pg_types.hpp"

namespace recon::pg {
namespace {

constexpr Dialect kPg = Dialect::Postgres;

/// Built-in collatable types take COLLATE directly (an index with that collation can serve it);
/// other text-like types (citext, ...) are compared as their text.
std::string collated(const SelectColumn& key) {
  const std::string name = quote_ident(kPg, key.native.name);
  switch (key.native.type_oid) {
    case oid::kText:
    case oid::kVarchar:
    case oid::kBpchar:
    case oid::kName: return name + " COLLATE \"C\"";
    default: break;
  }
  if (key.native.type_class == TypeClass::Text) return "(" + name + "::text) COLLATE \"C\"";
  return name;
}

std::string key_tuple(const std::vector<SelectColumn>& keys) {
  if (keys.size() == 1) return key_expr(keys[0]);
  std::string out = "(";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ", ";
    out += key_expr(keys[i]);
  }
  return out + ")";
}

std::string from_clause(const RangeQuery& q) { return " FROM " + quote_table(kPg, q.table); }

}  // namespace

std::string key_expr(const SelectColumn& key) { return collated(key); }

std::string select_list(const std::vector<SelectColumn>& keys, const std::vector<SelectColumn>& values) {
  return column_list(kPg, keys, values);
}

std::string key_literal(const std::vector<SelectColumn>& keys, const std::string& encoding) {
  std::string out;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ", ";
    const canon::ValueView v = canon::read_value(encoding, pos);
    out += sql_literal(kPg, keys[i].native, v);
  }
  return keys.size() == 1 ? out : "(" + out + ")";
}

namespace {

/// `key >= lower AND key < upper`; "" for a span open at both ends.
std::string span_cond(const std::vector<SelectColumn>& keys, const KeySpan& span) {
  std::string cond;
  if (span.lower) cond = key_tuple(keys) + " >= " + key_literal(keys, *span.lower);
  if (span.upper) cond += (cond.empty() ? "" : " AND ") + key_tuple(keys) + " < " + key_literal(keys, *span.upper);
  return cond;
}

}  // namespace

std::string range_where(const RangeQuery& range) {
  // Several spans are one OR of key ranges: the planner serves it with a BitmapOr of index range scans.
  return range_where_sql(range, [&](const KeySpan& span) { return span_cond(range.keys, span); });
}

std::string range_select(const RangeQuery& range) {
  return "SELECT " + select_list(range.keys, range.values) + from_clause(range) + range_where(range) +
         " ORDER BY " + order_by_list(range.keys, key_expr);
}

std::string keys_select(const RangeQuery& table, const std::vector<std::string>& keys,
                        std::size_t begin, std::size_t end) {
  std::string in;
  for (std::size_t i = begin; i < end; ++i) {
    if (i > begin) in += ", ";
    in += key_literal(table.keys, keys[i]);
  }
  std::string tuple;
  for (std::size_t i = 0; i < table.keys.size(); ++i)
    tuple += (i ? ", " : "") + quote_ident(kPg, table.keys[i].native.name);
  if (table.keys.size() > 1) tuple = "(" + tuple + ")";
  std::string sql = "SELECT " + select_list(table.keys, table.values) + from_clause(table) + " WHERE " +
                    tuple + " IN (" + in + ")";
  if (!table.where.empty()) sql += " AND (" + table.where + ")";
  return sql + " ORDER BY " + order_by_list(table.keys, key_expr);
}

std::string key_digest_select(const RangeQuery& table, const KeyBuckets& b) {
  const std::string key = quote_ident(kPg, table.keys.at(0).native.name);
  const std::string lower = std::to_string(b.lower) + "::int8", width = std::to_string(b.width) + "::int8";
  // The bucket's own bounds: lower + i·width .. least(lower + (i+1)·width, upper). The caller keeps
  // every bound within int8 (KeyBuckets inside ±2^62), so none of these overflows.
  std::string sql = "SELECT d.n, d.h FROM generate_series(0::int8, " + std::to_string(b.count() - 1) +
                    "::int8) AS b(i) CROSS JOIN LATERAL (SELECT count(*) AS n, coalesce(bit_xor(hashint8extended(" +
                    key + "::int8, 0)), 0) AS h" + from_clause(table) + " WHERE " + key + " >= " + lower +
                    " + b.i * " + width + " AND " + key + " < least(" + lower + " + (b.i + 1) * " + width + ", " +
                    std::to_string(b.upper) + "::int8)";
  if (!table.where.empty()) sql += " AND (" + table.where + ")";
  return sql + ") AS d ORDER BY b.i";
}

std::string keys_only_select(const RangeQuery& table, const std::string& method, double percent,
                             std::size_t keep_one_in) {
  std::string sql = "SELECT " + select_list(table.keys, {}) + from_clause(table);
  if (!method.empty()) {
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.6f", percent);
    // REPEATABLE: the same table gives the same sample, so the same plan — a seeded sample run
    // (and a re-run during an incident) compares the same ranges.
    sql += " TABLESAMPLE " + method + " (" + pct + ") REPEATABLE (0)";
  }
  std::string cond;
  if (!table.where.empty()) cond = "(" + table.where + ")";
  if (keep_one_in > 1 && !table.keys.empty()) {
    // hashtext over the text form works for every key type and gives the same keys every time.
    // The whole key is hashed: a composite key's first column alone may take only a few values.
    std::string key = select_list(table.keys, {});
    if (table.keys.size() > 1) key = "ROW(" + key + ")";
    if (!cond.empty()) cond += " AND ";
    cond += "hashtext((" + key + ")::text) % " + std::to_string(keep_one_in) + " = 0";
  }
  if (!cond.empty()) sql += " WHERE " + cond;
  return sql;
}

std::string copy_binary(const std::string& select) {
  return "COPY (" + select + ") TO STDOUT (FORMAT binary)";
}

}  // namespace recon::pg

// MySQL query text. See my_query.hpp.
#include "my_query.hpp"

#include "../range_where.hpp"
#include "my_connection.hpp"
#include "my_types.hpp"

namespace recon::my {
namespace {

constexpr Dialect kMy = Dialect::Mysql;

bool byte_keyed(const SelectColumn& k) {
  return (k.native.type_class == TypeClass::Text || k.native.type_class == TypeClass::Uuid) && !is_bit(k.native);
}

std::string from(const RangeQuery& q) { return " FROM " + quote_table(kMy, q.table); }

std::string select_list(const RangeQuery& q, bool with_values) {
  std::string out;
  for (const auto* cols : {&q.keys, &q.values}) {
    if (cols == &q.values && !with_values) break;
    for (const auto& c : *cols) out += (out.empty() ? "" : ", ") + read_expr(c);
  }
  return out;
}

std::string order_by(const RangeQuery& q) { return " ORDER BY " + order_by_list(q.keys, key_expr); }

/// (k1, k2) or k1 alone.
std::string key_tuple(const std::vector<SelectColumn>& keys) {
  if (keys.size() == 1) return key_expr(keys[0]);
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "(" : ", ") + key_expr(k);
  return out + ")";
}

std::string tuple_literal(const std::vector<SelectColumn>& keys, std::string_view encoding) {
  std::string out;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < keys.size() && pos < encoding.size(); ++i)
    out += (i ? ", " : "") + key_literal(keys[i], canon::read_value(encoding, pos));
  return keys.size() == 1 ? out : "(" + out + ")";
}

/// `key >= lower AND key < upper` (row constructors for a composite key); "" when open.
std::string span_cond(const std::vector<SelectColumn>& keys, const KeySpan& span) {
  std::string cond;
  if (span.lower) cond = key_tuple(keys) + " >= " + tuple_literal(keys, *span.lower);
  if (span.upper) cond += (cond.empty() ? "" : " AND ") + key_tuple(keys) + " < " + tuple_literal(keys, *span.upper);
  return cond;
}

std::string range_where(const RangeQuery& q) {
  return range_where_sql(q, [&](const KeySpan& span) { return span_cond(q.keys, span); });
}

}  // namespace

std::string read_expr(const SelectColumn& column) {
  const std::string name = quote_ident(kMy, column.native.name);
  if (column.native.single_float) return "(" + name + " + 0e0)";
  if (is_bit(column.native))
    return "LPAD(BIN(" + name + "), " + std::to_string(column.native.precision > 0 ? column.native.precision : 1) +
           ", '0')";
  return name;
}

std::string key_expr(const SelectColumn& key) {
  const std::string name = quote_ident(kMy, key.native.name);
  return byte_keyed(key) ? "CAST(" + name + " AS BINARY)" : read_expr(key);
}

std::string key_literal(const SelectColumn& key, const canon::ValueView& v) {
  if (byte_keyed(key) && (v.tag == TypeClass::Text || v.tag == TypeClass::Invalid))
    return "X'" + canon::format_hex(v.payload) + "'";
  if (byte_keyed(key) && v.tag == TypeClass::Uuid) return "X'" + canon::format_hex(canon::format_uuid(v.payload)) + "'";
  return sql_literal(kMy, key.native, v);
}

std::string range_select(const RangeQuery& q, bool with_values) {
  return "SELECT " + select_list(q, with_values) + from(q) + range_where(q) + order_by(q);
}

std::string keys_select(const RangeQuery& q, const std::vector<std::string>& keys, std::size_t begin, std::size_t end) {
  std::string in;
  for (std::size_t i = begin; i < end; ++i) in += (i > begin ? ", " : "") + tuple_literal(q.keys, keys[i]);
  std::string sql = "SELECT " + select_list(q, true) + from(q) + " WHERE " + key_tuple(q.keys) + " IN (" + in + ")";
  if (!q.where.empty()) sql += " AND (" + q.where + ")";
  return sql + order_by(q);
}

std::string keys_only_select(const RangeQuery& q) {
  return "SELECT " + select_list(q, false) + from(q) + (q.where.empty() ? "" : " WHERE (" + q.where + ")");
}

std::string count_select(const RangeQuery& q) {
  return "SELECT COUNT(*)" + from(q) + (q.where.empty() ? "" : " WHERE (" + q.where + ")");
}

std::string catalog_sql(std::string_view templ, const std::string& schema, const std::string& table) {
  std::string out;
  std::size_t pos = 0;
  while (pos < templ.size()) {
    std::size_t eol = templ.find('\n', pos);
    if (eol == std::string_view::npos) eol = templ.size();
    const std::string_view line = templ.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.empty() || line.rfind("--", 0) == 0) continue;
    out += (out.empty() ? "" : "\n") + std::string(line);
  }
  auto replace = [&out](std::string_view name, const std::string& with) {
    for (std::size_t at; (at = out.find(name)) != std::string::npos;) out.replace(at, name.size(), with);
  };
  replace("{schema}", schema.empty() ? "NULL" : string_literal(schema));
  replace("{table}", string_literal(table));
  return out;
}

}  // namespace recon::my

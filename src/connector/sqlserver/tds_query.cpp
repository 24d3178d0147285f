// T-SQL text for the SQL Server connector. See tds_query.hpp.
#include "tds_query.hpp"

#include <cctype>
#include <cstdio>

#include "../range_where.hpp"
#include "recon/core/canonical.hpp"

namespace recon::tds {
namespace {

constexpr Dialect kMs = Dialect::SqlServer;
constexpr std::string_view kBin2 = " COLLATE Latin1_General_BIN2";
constexpr std::int64_t kUnitsPerDay = 864'000'000'000;  // 100 ns units

enum class KeyKind { Plain, Text, Uuid, SubMicro };

KeyKind kind_of(const SelectColumn& k) {
  const auto& c = k.native.type_class;
  if (c == TypeClass::Text) return KeyKind::Text;
  if (c == TypeClass::Uuid) return KeyKind::Uuid;
  if ((c == TypeClass::Time || c == TypeClass::Timestamp || c == TypeClass::TimestampTz) && k.native.precision > 6)
    return KeyKind::SubMicro;
  return KeyKind::Plain;
}

std::string sq(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

/// floor division for the negative instants before 1970.
std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/// A time or timestamp given in 100 ns units as an ISO literal with 7 fractional digits.
std::string units_literal(TypeClass cls, std::int64_t units) {
  const std::int64_t day = cls == TypeClass::Time ? 0 : floor_div(units, kUnitsPerDay);
  const std::int64_t tod = units - day * kUnitsPerDay;
  const std::int64_t secs = tod / 10'000'000, frac = tod % 10'000'000;
  char t[40];
  std::snprintf(t, sizeof t, "%02lld:%02lld:%02lld.%07lld", static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60), static_cast<long long>(frac));
  if (cls == TypeClass::Time) return sq(t);
  std::string s = canon::format_date(static_cast<std::int32_t>(day)) + "T" + t;
  if (cls == TypeClass::TimestampTz) s += "+00:00";
  return sq(s);
}

/// Literal of a canonical value for comparison with a plain or text key column. Dates and times
/// use ISO 8601 with 'T', the form SQL Server reads the same under every language setting.
std::string value_literal(const SelectColumn& k, const canon::ValueView& v) {
  switch (v.tag) {
    case TypeClass::Date: return sq(canon::format_date(v.as_int32()));
    case TypeClass::Time: return sq(canon::format_time(v.as_int64()));
    case TypeClass::Timestamp:
    case TypeClass::TimestampTz: {
      std::int32_t days;
      std::int64_t tod;
      canon::split_micros(v.as_int64(), days, tod);
      return sq(canon::format_date(days) + "T" + canon::format_time(tod) +
                    (v.tag == TypeClass::TimestampTz ? "+00:00" : ""));
    }
    case TypeClass::Uuid: return sq(canon::format_uuid(v.payload));
    default: return sql_literal(kMs, k.native, v);
  }
}

std::string uuid_literal(const canon::ValueView& v) {
  std::string text = v.tag == TypeClass::Uuid ? canon::format_uuid(v.payload) : std::string(v.payload);
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return sq(text);
}

enum class Op { Ge, Gt, Lt, Eq };

/// The raw 100 ns bound for a µs value: the first raw value that reads as >= `us` (Ge), and
/// whether that boundary value itself belongs (a tie at half rounds to the even µs).
void lower_units(std::int64_t us, TimeRounding r, std::int64_t& units, bool& inclusive) {
  if (r == TimeRounding::Truncate) {
    units = us * 10;
    inclusive = true;
    return;
  }
  units = us * 10 - 5;
  inclusive = (us & 1) == 0;  // the tie B-0.5 rounds up to B only when B is even
}

std::string sub_micro_cmp(const SelectColumn& k, Op op, const canon::ValueView& v) {
  const TypeClass cls = k.native.type_class.value_or(TypeClass::Timestamp);
  if (v.tag != cls) return key_expr(k) + (op == Op::Eq ? " = " : op == Op::Lt ? " < " : op == Op::Gt ? " > " : " >= ") + value_literal(k, v);
  const std::int64_t us = v.as_int64();
  const std::string e = key_expr(k);
  auto ge = [&](std::int64_t b) {
    std::int64_t units;
    bool inclusive;
    lower_units(b, k.time_rounding, units, inclusive);
    if (cls == TypeClass::Time && units < 0) { units = 0; inclusive = true; }
    return e + (inclusive ? " >= " : " > ") + units_literal(cls, units);
  };
  auto lt = [&](std::int64_t b) {  // canonical < b  <=>  NOT (canonical >= b)
    std::int64_t units;
    bool inclusive;
    lower_units(b, k.time_rounding, units, inclusive);
    if (cls == TypeClass::Time && units > kUnitsPerDay - 1) return e + " <= " + units_literal(cls, kUnitsPerDay - 1);
    return e + (inclusive ? " < " : " <= ") + units_literal(cls, units);
  };
  switch (op) {
    case Op::Ge: return ge(us);
    case Op::Gt: return ge(us + 1);
    case Op::Lt: return lt(us);
    case Op::Eq: return "(" + ge(us) + " AND " + lt(us + 1) + ")";
  }
  return {};
}

std::string cmp(const SelectColumn& k, Op op, const canon::ValueView& v) {
  const KeyKind kind = kind_of(k);
  if (kind == KeyKind::SubMicro) return sub_micro_cmp(k, op, v);
  const char* sym = op == Op::Ge ? " >= " : op == Op::Gt ? " > " : op == Op::Lt ? " < " : " = ";
  if (kind == KeyKind::Uuid) return key_expr(k) + sym + uuid_literal(v);
  return key_expr(k) + sym + value_literal(k, v);
}

std::vector<canon::ValueView> values_of(std::string_view encoding, std::size_t max) {
  std::vector<canon::ValueView> out;
  std::size_t pos = 0;
  while (pos < encoding.size() && out.size() < max) out.push_back(canon::read_value(encoding, pos));
  return out;
}

/// (k0, k1, …) `last` (v0, v1, …) expanded: k0 > v0 OR (k0 = v0 AND (k1 > v1 OR (… AND kn last vn))).
/// `strict` is the operator of the earlier columns (> for a lower bound, < for an upper bound).
std::string tuple_cmp(const std::vector<SelectColumn>& keys, const std::string& bound, Op strict, Op last) {
  const auto vals = values_of(bound, keys.size());
  if (vals.empty()) return {};
  std::string out = cmp(keys[vals.size() - 1], last, vals.back());
  for (std::size_t i = vals.size() - 1; i-- > 0;)
    out = "(" + cmp(keys[i], strict, vals[i]) + " OR (" + cmp(keys[i], Op::Eq, vals[i]) + " AND " + out + "))";
  return out;
}

TableRef with_schema(const TableRef& t) { return t.schema.empty() ? TableRef{"dbo", t.name} : t; }

std::string from(const RangeQuery& q) { return " FROM " + quote_table(kMs, with_schema(q.table)); }

/// "[a] IS NULL OR [b] IS NULL" over the nullable key columns; "" when none is nullable.
std::string null_keys(const std::vector<SelectColumn>& keys) {
  std::string out;
  for (const auto& k : keys)
    if (k.native.nullable) out += (out.empty() ? "" : " OR ") + quote_ident(kMs, k.native.name) + " IS NULL";
  return out;
}

/// The rows of one span; "" when it is open at both ends.
std::string span_cond(const std::vector<SelectColumn>& keys, const KeySpan& span) {
  std::string cond;
  auto add = [&cond](const std::string& c) {
    if (!c.empty()) cond += (cond.empty() ? "" : " AND ") + c;
  };
  if (span.lower) add(tuple_cmp(keys, *span.lower, Op::Gt, Op::Ge));
  if (span.upper) {
    // NULL keys sort first: the range open below is where they would be, so it takes them and
    // its read fails naming the column, instead of every range passing over them.
    const std::string nulls = span.lower ? "" : null_keys(keys);
    const std::string below = tuple_cmp(keys, *span.upper, Op::Lt, Op::Lt);
    add(nulls.empty() || below.empty() ? below : "(" + below + " OR " + nulls + ")");
  }
  return cond;
}

}  // namespace

std::string nstring(std::string_view text) { return "N" + sq(text); }

std::string key_expr(const SelectColumn& key) {
  const std::string name = quote_ident(kMs, key.native.name);
  switch (kind_of(key)) {
    case KeyKind::Text: return name + std::string(kBin2);
    case KeyKind::Uuid: return "CONVERT(char(36), " + name + ")" + std::string(kBin2);
    default: return name;
  }
}

std::string select_list(const std::vector<SelectColumn>& keys, const std::vector<SelectColumn>& values) {
  return column_list(kMs, keys, values);
}

std::string range_where(const RangeQuery& q) {
  return range_where_sql(q, [&](const KeySpan& span) { return span_cond(q.keys, span); });
}

std::string range_select(const RangeQuery& q, bool with_values) {
  return "SELECT " + select_list(q.keys, with_values ? q.values : std::vector<SelectColumn>{}) + from(q) +
         range_where(q) + " ORDER BY " + order_by_list(q.keys, key_expr);
}

std::string count_select(const RangeQuery& q) { return "SELECT COUNT_BIG(*)" + from(q) + range_where(q); }

std::string sample_select(const RangeQuery& q, const std::string& percent) {
  // REPEATABLE: the same pages while the table is unchanged, so the same table gives the same plan.
  return "SELECT " + select_list(q.keys, {}) + from(q) + " TABLESAMPLE SYSTEM (" + percent +
         " PERCENT) REPEATABLE (1)" + (q.where.empty() ? "" : " WHERE (" + q.where + ")");
}

std::string keys_select(const RangeQuery& q, const std::vector<std::string>& keys, std::size_t begin,
                        std::size_t end) {
  std::string cond;
  const bool simple_in = q.keys.size() == 1 && kind_of(q.keys[0]) != KeyKind::SubMicro;
  if (simple_in) {
    cond = key_expr(q.keys[0]) + " IN (";
    for (std::size_t i = begin; i < end; ++i) {
      const auto v = values_of(keys[i], 1);
      if (v.empty()) continue;
      if (i > begin) cond += ", ";
      cond += kind_of(q.keys[0]) == KeyKind::Uuid ? uuid_literal(v[0]) : value_literal(q.keys[0], v[0]);
    }
    cond += ")";
  } else {
    for (std::size_t i = begin; i < end; ++i) {
      const auto v = values_of(keys[i], q.keys.size());
      if (v.size() != q.keys.size()) continue;  // a shorter key cannot match a whole row key
      std::string group;
      for (std::size_t k = 0; k < v.size(); ++k) group += (k ? " AND " : "") + cmp(q.keys[k], Op::Eq, v[k]);
      cond += (cond.empty() ? "(" : " OR (") + group + ")";
    }
    if (cond.empty()) cond = "1 = 0";
    else cond = "(" + cond + ")";
  }
  std::string sql = "SELECT " + select_list(q.keys, q.values) + from(q) + " WHERE " + cond;
  if (!q.where.empty()) sql += " AND (" + q.where + ")";
  return sql + " ORDER BY " + order_by_list(q.keys, key_expr);
}

std::string catalog_sql(std::string_view templ, const TableRef& table,
                        const std::vector<std::pair<std::string_view, std::string>>& more) {
  std::string out;
  std::size_t pos = 0;
  while (pos < templ.size()) {
    std::size_t eol = templ.find('\n', pos);
    if (eol == std::string_view::npos) eol = templ.size();
    std::string_view line = templ.substr(pos, eol - pos);
    pos = eol + 1;
    std::size_t first = 0;
    while (first < line.size() && (line[first] == ' ' || line[first] == '\t')) ++first;
    if (line.substr(first).rfind("--", 0) == 0 || first == line.size()) continue;
    if (!out.empty()) out.push_back('\n');
    out.append(line);
  }
  auto replace = [&out](std::string_view name, const std::string& with) {
    for (std::size_t at; (at = out.find(name)) != std::string::npos;) out.replace(at, name.size(), with);
  };
  replace("{schema}", nstring(table.schema.empty() ? "dbo" : table.schema));
  replace("{table}", nstring(table.name));
  replace("{object}", nstring(quote_table(kMs, with_schema(table))));
  for (const auto& [name, with] : more) replace(name, with);
  return out;
}

std::string cast_type(const ColumnInfo& column) {
  const std::size_t at = column.type_name.find(" COLLATE ");
  return at == std::string::npos ? column.type_name : column.type_name.substr(0, at);
}

}  // namespace recon::tds

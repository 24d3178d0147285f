// SQL literals of canonical values, per dialect, for range bounds and fix-up SQL.
//
// The value's class says how it is spelled; the column says what it is compared with or assigned
// to. When the two agree the literal carries the class's own type (so it reads the same anywhere);
// when they do not (a text column compared as JSON, an integer compared as decimal) the value is
// spelled as text and the engine converts it to the column's type, which is what an INSERT of the
// same text would do.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "recon/connector/connector.hpp"

namespace recon {
namespace {


/// '…' with ' doubled. Everything else (backslashes, newlines, any UTF-8) is literal in a
/// standard-conforming string, which is what Postgres (standard_conforming_strings = on, the
/// default since 9.1 and set by the fix-up scripts), SQLite and SQL Server all read.
std::string sql_string(std::string_view text, std::string_view prefix = {}) {
  std::string out(prefix);
  out.reserve(prefix.size() + text.size() + 2);
  out.push_back('\'');
  for (char c : text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}


/// PostgreSQL spells years <= 0 as "YYYY-MM-DD BC" (there is no year 0: 0 is 1 BC).
/// `bc` receives the suffix to append after any time and zone.
std::string pg_date(std::int32_t days, std::string& bc) {
  int y;
  unsigned m, d;
  canon::civil_from_days(days, y, m, d);
  if (y > 0) return canon::format_date(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", 1 - y, m, d);
  bc = " BC";
  return buf;
}

/// The text of a non-numeric value as every engine's input function reads it (ISO forms).
/// `t_sep` separates date and time; `utc` is appended to TimestampTz.
std::string iso_text(const canon::ValueView& v, char t_sep, std::string_view utc) {
  switch (v.tag) {
    case TypeClass::Date: return canon::format_date(v.as_int32());
    case TypeClass::Time: return canon::format_time(v.as_int64());
    case TypeClass::Timestamp:
    case TypeClass::TimestampTz: {
      std::int32_t days;
      std::int64_t tod;
      canon::split_micros(v.as_int64(), days, tod);
      std::string s = canon::format_date(days) + t_sep + canon::format_time(tod);
      if (v.tag == TypeClass::TimestampTz) s += utc;
      return s;
    }
    case TypeClass::Uuid: return canon::format_uuid(v.payload);
    case TypeClass::Boolean: return v.payload[0] ? "true" : "false";
    case TypeClass::Integer: return std::to_string(v.as_int64());
    case TypeClass::Float: {
      const double d = v.as_double();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      return canon::format_double(d);
    }
    case TypeClass::Bytes: return "\\x" + canon::format_hex(v.payload);
    default: return std::string(v.payload);  // Decimal, Text, Json, Invalid: the payload is the text
  }
}

// ---- PostgreSQL --------------------------------------------------------------------------------

/// Strips typmods ("numeric(18,2)" -> "numeric", "timestamp(3) without time zone" ->
/// "timestamp without time zone") so a cast never rounds or truncates a range bound.
std::string pg_base_type(const std::string& type_name) {
  std::string out;
  int depth = 0;
  for (char c : type_name) {
    if (c == '(') ++depth;
    else if (c == ')') depth = depth > 0 ? depth - 1 : 0;
    else if (depth == 0) out.push_back(c);
  }
  // "timestamp without time zone" after removing "(3)" keeps one space; collapse doubles.
  std::string clean;
  for (char c : out)
    if (!(c == ' ' && (clean.empty() || clean.back() == ' '))) clean.push_back(c);
  while (!clean.empty() && clean.back() == ' ') clean.pop_back();
  return clean;
}

/// Built-in types a mismatched literal may be cast to by name. Anything else (domains, enums,
/// citext, user types) gets an untyped literal, which PostgreSQL resolves to the column's type in
/// comparisons and assignments without us having to spell (and schema-qualify) the type.
bool pg_castable(const std::string& base) {
  static constexpr std::string_view kBuiltin[] = {
      "smallint", "integer", "bigint", "int2", "int4", "int8", "numeric", "real", "double precision",
      "float4", "float8", "boolean", "bool", "date", "time without time zone", "time",
      "timestamp without time zone", "timestamp", "timestamp with time zone", "timestamptz",
      "uuid", "bytea", "json", "jsonb"};
  for (auto b : kBuiltin)
    if (base == b) return true;
  return false;
}

/// PostgreSQL input text of a value (years <= 0 as "… BC"). Infinite dates and timestamps arrive
/// as Invalid "infinity" from the PostgreSQL connector and take the Invalid path (raw text).
std::string pg_text(const canon::ValueView& v) {
  switch (v.tag) {
    case TypeClass::Date: {
      std::string bc;
      std::string d = pg_date(v.as_int32(), bc);
      return d + bc;
    }
    case TypeClass::Timestamp:
    case TypeClass::TimestampTz: {
      std::int32_t days;
      std::int64_t tod;
      canon::split_micros(v.as_int64(), days, tod);
      std::string bc;
      std::string s = pg_date(days, bc) + " " + canon::format_time(tod);
      if (v.tag == TypeClass::TimestampTz) s += "+00";
      return s + bc;  // PostgreSQL wants the era last: "0044-03-15 12:00:00+00 BC"
    }
    default: return iso_text(v, ' ', "+00");
  }
}

std::string pg_literal(const ColumnInfo& column, const canon::ValueView& v) {
  const bool same_class = !column.type_class || *column.type_class == v.tag;
  if (!same_class && v.tag != TypeClass::Invalid) {
    const std::string base = pg_base_type(column.type_name);
    std::string text = sql_string(pg_text(v));
    return pg_castable(base) ? text + "::" + base : text;
  }
  switch (v.tag) {
    case TypeClass::Null: return "NULL";
    case TypeClass::Integer: {
      const std::int64_t i = v.as_int64();
      // -9223372036854775808 would parse as minus applied to a numeric that overflows bigint.
      if (i == std::numeric_limits<std::int64_t>::min()) return "'" + std::to_string(i) + "'::bigint";
      return std::to_string(i);
    }
    case TypeClass::Decimal: return std::string(v.payload);  // a numeric (or integer) literal
    case TypeClass::Float: {
      const double d = v.as_double();
      if (!std::isfinite(d)) return sql_string(pg_text(v)) + "::float8";
      return canon::format_double(d);
    }
    case TypeClass::Boolean: return v.payload[0] ? "true" : "false";
    case TypeClass::Date: return sql_string(pg_text(v)) + "::date";
    case TypeClass::Time: return sql_string(pg_text(v)) + "::time";
    case TypeClass::Timestamp: return sql_string(pg_text(v)) + "::timestamp";
    case TypeClass::TimestampTz: return sql_string(pg_text(v)) + "::timestamptz";
    case TypeClass::Uuid: return sql_string(pg_text(v)) + "::uuid";
    case TypeClass::Bytes: return sql_string(pg_text(v)) + "::bytea";
    case TypeClass::Json: return sql_string(v.payload) + (pg_base_type(column.type_name) == "json" ? "::json" : "::jsonb");
    case TypeClass::Text:
    case TypeClass::Invalid:  // raw text from the source, as-is: the target decides whether it fits
    default: return sql_string(v.payload);
  }
}

// ---- SQLite ------------------------------------------------------------------------------------

std::string sqlite_literal(const canon::ValueView& v) {
  switch (v.tag) {
    case TypeClass::Null: return "NULL";
    case TypeClass::Integer: return std::to_string(v.as_int64());
    // Canonical text, not a REAL: a NUMERIC-affinity column turns it into a number only when that
    // is lossless, otherwise keeps the exact text, and either way it reads back as the same value.
    case TypeClass::Decimal: return sql_string(v.payload);
    case TypeClass::Float: {
      const double d = v.as_double();
      if (std::isnan(d)) return "'NaN'";  // SQLite has no NaN REAL (it stores NULL); text reads back
      if (std::isinf(d)) return d > 0 ? "9e999" : "-9e999";  // SQLite's spelling of ±Inf REAL
      std::string s = canon::format_double(d);
      // A literal without '.' or exponent is an INTEGER in SQLite: keep REAL storage.
      if (s.find_first_of(".e") == std::string::npos) s += ".0";
      return s;
    }
    case TypeClass::Boolean: return v.payload[0] ? "1" : "0";
    case TypeClass::Bytes: return "X'" + canon::format_hex(v.payload) + "'";
    case TypeClass::Text:
    case TypeClass::Json:
    case TypeClass::Invalid:
      // A literal cannot hold NUL; SQLite text can. Spell those as a blob cast to text.
      if (v.payload.find('\0') != std::string_view::npos) return "CAST(X'" + canon::format_hex(v.payload) + "' AS TEXT)";
      return sql_string(v.payload);
    default: return sql_string(iso_text(v, ' ', "+00:00"));  // dates, times, uuid: ISO text
  }
}

// ---- SQL Server --------------------------------------------------------------------------------

std::string sqlserver_literal(const canon::ValueView& v) {
  switch (v.tag) {
    case TypeClass::Null: return "NULL";
    case TypeClass::Integer: {
      const std::int64_t i = v.as_int64();
      if (i == std::numeric_limits<std::int64_t>::min()) return "CAST('" + std::to_string(i) + "' AS bigint)";
      return std::to_string(i);
    }
    case TypeClass::Decimal: return std::string(v.payload);
    case TypeClass::Float: {
      const double d = v.as_double();
      if (!std::isfinite(d)) return "NULL /* " + iso_text(v, ' ', {}) + ": SQL Server float cannot hold it */";
      std::string s = canon::format_double(d);
      if (s.find('e') == std::string::npos) s += "E0";  // a float literal, not a decimal one
      return s;
    }
    case TypeClass::Boolean: return v.payload[0] ? "1" : "0";
    case TypeClass::Date: return "CAST(" + sql_string(iso_text(v, 'T', {})) + " AS date)";
    case TypeClass::Time: return "CAST(" + sql_string(iso_text(v, 'T', {})) + " AS time(7))";
    case TypeClass::Timestamp: return "CAST(" + sql_string(iso_text(v, 'T', {})) + " AS datetime2(7))";
    case TypeClass::TimestampTz:
      return "CAST(" + sql_string(iso_text(v, 'T', "+00:00")) + " AS datetimeoffset(7))";
    case TypeClass::Uuid: return "CAST(" + sql_string(canon::format_uuid(v.payload)) + " AS uniqueidentifier)";
    case TypeClass::Bytes: return "0x" + canon::format_hex(v.payload);
    default: return sql_string(v.payload, "N");  // Text, Json, Invalid: Unicode string literal
  }
}

// ---- MySQL -------------------------------------------------------------------------------------

/// A string literal that reads the same under every sql_mode: a backslash is an escape unless
/// NO_BACKSLASH_ESCAPES is set, so text holding one (or a NUL) is spelled as hex bytes.
std::string mysql_string(std::string_view text) {
  if (text.find('\\') != std::string_view::npos || text.find('\0') != std::string_view::npos)
    return "CONVERT(X'" + canon::format_hex(text) + "' USING utf8mb4)";
  return sql_string(text, "_utf8mb4");
}

/// bit(n) columns take their bit string as b'0101'; any other text is a string literal.
std::string mysql_text(const ColumnInfo& column, std::string_view text) {
  const bool bit = column.type_name.rfind("bit", 0) == 0 && !text.empty() &&
                   text.find_first_not_of("01") == std::string_view::npos;
  return bit ? "b'" + std::string(text) + "'" : mysql_string(text);
}

/// Times and timestamps as CAST('…' AS DATETIME(6)): a string would be compared as a string with a
/// string column and as a time only by luck. TimestampTz is written in UTC, which is what a
/// TIMESTAMP column reads in the UTC session recon and its fix-up scripts set.
std::string mysql_literal(const ColumnInfo& column, const canon::ValueView& v) {
  switch (v.tag) {
    case TypeClass::Null: return "NULL";
    case TypeClass::Integer: return std::to_string(v.as_int64());
    case TypeClass::Decimal: return std::string(v.payload);
    case TypeClass::Float: {
      const double d = v.as_double();
      if (!std::isfinite(d)) return "NULL /* " + iso_text(v, ' ', {}) + ": MySQL double cannot hold it */";
      std::string s = canon::format_double(d);
      if (s.find('e') == std::string::npos) s += "E0";  // a double literal, not a decimal one
      return s;
    }
    case TypeClass::Boolean: return v.payload[0] ? "TRUE" : "FALSE";
    case TypeClass::Date: return "CAST('" + iso_text(v, ' ', {}) + "' AS DATE)";
    case TypeClass::Time: return "CAST('" + iso_text(v, ' ', {}) + "' AS TIME(6))";
    case TypeClass::Timestamp:
    case TypeClass::TimestampTz: return "CAST('" + iso_text(v, ' ', {}) + "' AS DATETIME(6))";
    case TypeClass::Uuid: return mysql_string(canon::format_uuid(v.payload));
    case TypeClass::Bytes: return "X'" + canon::format_hex(v.payload) + "'";
    default: return mysql_text(column, v.payload);  // Text, Json, Invalid
  }
}

}  // namespace

std::optional<std::string> pg_param_text(const canon::ValueView& v) {
  if (v.is_null()) return std::nullopt;
  return pg_text(v);
}

std::string pg_param_type(const ColumnInfo& column) {
  const std::string base = pg_base_type(column.type_name);
  if (pg_castable(base)) return base;
  // Text types are input as they are; the others (domains, enums, user types) need their own name.
  for (const char* t : {"text", "character varying", "varchar", "character", "bpchar", "char", "name"})
    if (base == t) return "text";
  return "";
}

std::string sql_literal(Dialect dialect, const ColumnInfo& column, const canon::ValueView& v) {
  if (v.is_null()) return "NULL";
  switch (dialect) {
    case Dialect::Postgres: return pg_literal(column, v);
    case Dialect::Sqlite: return sqlite_literal(v);
    case Dialect::SqlServer: return sqlserver_literal(v);
    case Dialect::Mysql: return mysql_literal(column, v);
  }
  return "NULL";
}

std::string at_or_after_sql(Dialect dialect, const ColumnInfo& column, const canon::ValueView& v) {
  const std::string name = quote_ident(dialect, column.name), literal = sql_literal(dialect, column, v);
  if (dialect == Dialect::Sqlite) return "(typeof(" + name + ") <> 'text' OR " + name + " >= " + literal + ")";
  return "(" + name + " >= " + literal + " OR " + name + " IS NULL)";
}

std::string quote_ident(Dialect dialect, const std::string& ident) {
  std::string out;
  out.reserve(ident.size() + 2);
  if (dialect == Dialect::SqlServer) {
    out.push_back('[');
    for (char c : ident) {
      if (c == ']') out.push_back(']');
      out.push_back(c);
    }
    out.push_back(']');
    return out;
  }
  if (dialect == Dialect::Mysql) {
    out.push_back('`');
    for (char c : ident) {
      if (c == '`') out.push_back('`');
      out.push_back(c);
    }
    out.push_back('`');
    return out;
  }
  out.push_back('"');
  for (char c : ident) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string quote_table(Dialect dialect, const TableRef& table) {
  if (!table.query.empty()) return "(" + table.query + ") AS recon_q";
  if (table.schema.empty()) return quote_ident(dialect, table.name);
  return quote_ident(dialect, table.schema) + "." + quote_ident(dialect, table.name);
}

std::string column_list(Dialect dialect, const std::vector<SelectColumn>& keys,
                        const std::vector<SelectColumn>& values) {
  std::string out;
  for (const auto* cols : {&keys, &values})
    for (const auto& c : *cols) {
      if (!out.empty()) out += ", ";
      out += quote_ident(dialect, c.native.name);
    }
  return out;
}

std::vector<KeySpan> spans_of(const RangeQuery& q) {
  if (!q.spans.empty()) return q.spans;
  return {KeySpan{q.lower, q.upper}};
}

std::string order_by_list(const std::vector<SelectColumn>& keys, std::string (*key_expr)(const SelectColumn&)) {
  std::string out;
  for (const auto& k : keys) {
    if (!out.empty()) out += ", ";
    out += key_expr(k);
  }
  return out;
}

}  // namespace recon

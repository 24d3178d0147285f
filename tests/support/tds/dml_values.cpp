// Constants of INSERT / UPDATE converted to a column's type and storage form, with SQL Server's
// conversion errors. Decimals stay digit strings (parse_decimal), never doubles.
#include "dml_values.hpp"

#include <cstdlib>

#include "scalars.hpp"

namespace tds_test {
namespace {

using LK = Literal::Kind;

[[noreturn]] void fail(int number, const std::string& text) { throw SqlError(number, text, 16, true); }

bool is_integer_kind(Kind k) { return k == Kind::TinyInt || k == Kind::SmallInt || k == Kind::Int || k == Kind::BigInt; }
bool is_exact_kind(Kind k) { return k == Kind::Decimal || k == Kind::Numeric || k == Kind::Money || k == Kind::SmallMoney; }
bool is_temporal_kind(Kind k) {
  return k == Kind::Date || k == Kind::Time || k == Kind::DateTime || k == Kind::SmallDateTime ||
         k == Kind::DateTime2 || k == Kind::DateTimeOffset;
}
bool is_binary_kind(Kind k) { return k == Kind::Binary || k == Kind::VarBinary || k == Kind::Image; }

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

/// The SQL Server type of a constant, as its messages name it.
std::string type_name(const Literal& v) {
  switch (v.kind) {
    case LK::Number:
      if (v.text.find_first_of("eE") != std::string::npos) return "float";
      return v.text.find('.') != std::string::npos ? "numeric" : "int";
    case LK::String: return v.national ? "nvarchar" : "varchar";
    case LK::Binary: return "varbinary";
    case LK::Temporal: return v.type.data_type();
    case LK::Guid: return "uniqueidentifier";
    case LK::Null: break;
  }
  return "int";
}

/// The value as a number's text (a Number, or a String that reads as one); nullopt otherwise.
std::optional<std::string> numeric_text(const Literal& v) {
  if (v.kind == LK::Number) return v.text;
  if (v.kind == LK::String && parse_decimal(trim(v.text), 38, 0)) return trim(v.text);
  return std::nullopt;
}

[[noreturn]] void clash(const Literal& v, const SqlType& to) {
  if (v.kind == LK::Binary || (is_binary_kind(to.kind) && v.kind == LK::String))
    fail(257, "Implicit conversion from data type " + type_name(v) + " to " + to.data_type() +
                  " is not allowed. Use the CONVERT function to run this query.");
  fail(206, "Operand type clash: " + type_name(v) + " is incompatible with " + to.data_type());
}

/// A whole number for an integer type: decimals truncate toward zero, as SQL Server converts them.
std::int64_t to_integer(const Literal& v, const SqlType& to) {
  const auto text = numeric_text(v);
  if (!text) {
    if (v.kind == LK::String)
      fail(245, "Conversion failed when converting the " + type_name(v) + " value '" + v.text + "' to data type " +
                    to.data_type() + ".");
    clash(v, to);
  }
  const std::string whole = text->substr(0, text->find_first_of(".eE"));
  std::optional<Decimal> d = parse_decimal(text->find_first_of("eE") == std::string::npos ? whole : *text, 38, 0);
  using u128 = unsigned __int128;
  const u128 limit = d && d->negative ? u128(INT64_MAX) + 1 : u128(INT64_MAX);
  if (!d || d->magnitude > limit)
    fail(8115, "Arithmetic overflow error converting expression to data type " + to.data_type() + ".");
  const std::int64_t n = d->negative ? -std::int64_t(d->magnitude - 1) - 1 : std::int64_t(d->magnitude);
  std::int64_t lo = INT64_MIN, hi = INT64_MAX;
  if (to.kind == Kind::TinyInt) lo = 0, hi = 255;
  if (to.kind == Kind::SmallInt) lo = -32768, hi = 32767;
  if (to.kind == Kind::Int) lo = INT32_MIN, hi = INT32_MAX;
  if (n < lo || n > hi)
    fail(220, "Arithmetic overflow error for data type " + to.data_type() + ", value = " + std::to_string(n) + ".");
  return n;
}

/// bit: 'TRUE' / 'FALSE' as SQL Server reads them, else any non-zero number is 1.
std::int64_t to_bit(const Literal& v) {
  if (v.kind == LK::String && (iequals(trim(v.text), "true") || iequals(trim(v.text), "false")))
    return iequals(trim(v.text), "true");
  return to_integer(v, *parse_sql_type("bigint")) != 0;
}

/// A decimal rounded to the type's scale, as text ("-12.50").
std::string to_decimal(const Literal& v, const SqlType& to) {
  const auto text = numeric_text(v);
  if (!text) {
    if (v.kind == LK::String) fail(8114, "Error converting data type " + type_name(v) + " to " + to.data_type() + ".");
    clash(v, to);
  }
  const std::optional<Decimal> d = parse_decimal(*text, to.precision, to.scale);
  using u128 = unsigned __int128;
  const u128 money_max = to.kind == Kind::SmallMoney ? u128(INT32_MAX) : u128(INT64_MAX);
  const bool money = to.kind == Kind::Money || to.kind == Kind::SmallMoney;
  if (!d || (money && d->magnitude > money_max + (d->negative ? 1 : 0)))
    fail(8115, std::string("Arithmetic overflow error converting ") + (money ? "expression" : "numeric") +
                   " to data type " + to.data_type() + ".");
  std::string digits;
  for (u128 m = d->magnitude; m > 0; m /= 10) digits.insert(digits.begin(), char('0' + int(m % 10)));
  if (digits.size() <= std::size_t(to.scale)) digits.insert(0, std::size_t(to.scale) + 1 - digits.size(), '0');
  if (to.scale > 0) digits.insert(digits.size() - std::size_t(to.scale), ".");
  return (d->negative ? "-" : "") + digits;
}

/// Date, time and offset parts of a temporal string ('2024-01-02T10:00:00.5+01:00').
struct TemporalParts {
  std::string date, time, offset;
};
TemporalParts split_temporal(const std::string& s, const Temporal& t) {
  TemporalParts p;
  std::size_t i = 0;
  if (t.has_date) p.date = s.substr(0, 10), i = 10;
  while (i < s.size() && (s[i] == ' ' || s[i] == 'T')) ++i;
  const std::size_t zone = t.has_offset ? s.find_first_of("+-Z", t.has_date ? 10 : 0) : std::string::npos;
  if (t.has_time) p.time = trim(s.substr(i, zone == std::string::npos ? std::string::npos : zone - i));
  if (zone != std::string::npos) p.offset = trim(s.substr(zone));
  if (p.offset == "Z") p.offset = "+00:00";
  return p;
}

/// The text a date/time column stores for a temporal constant: only the parts its type holds.
std::string to_temporal(const Literal& v, const SqlType& to) {
  if (v.kind != LK::String && v.kind != LK::Temporal) clash(v, to);
  const std::string s = trim(v.text);
  const std::optional<Temporal> t = parse_temporal(s);
  const bool needs_date = to.kind != Kind::Time;
  if (!t || (needs_date && !t->has_date) || (to.kind == Kind::Time && !t->has_time && t->has_date))
    fail(241, "Conversion failed when converting date and/or time from character string.");
  const TemporalParts p = split_temporal(s, *t);
  const std::string time = p.time.empty() ? "00:00:00" : p.time;
  if (to.kind == Kind::Date) return p.date;
  if (to.kind == Kind::Time) return time;
  if ((to.kind == Kind::DateTime && t->days < days_from_civil(1753, 1, 1)) ||
      (to.kind == Kind::SmallDateTime && (t->days < days_from_civil(1900, 1, 1) || t->days > days_from_civil(2079, 6, 6))))
    fail(242, "The conversion of a " + type_name(v) + " data type to a " + to.data_type() +
                  " data type resulted in an out-of-range value.");
  if (to.kind == Kind::DateTimeOffset) return p.date + " " + time + " " + (p.offset.empty() ? "+00:00" : p.offset);
  return p.date + " " + time;  // the offset of a datetimeoffset is dropped, as SQL Server drops it
}

/// Characters (UTF-16 units for n-types, code page 1252 bytes otherwise) of a string.
std::size_t stored_length(const std::string& s, bool unicode) {
  Bytes tmp;
  return unicode ? append_utf16le(tmp, s) : append_cp1252(tmp, s);
}

/// Text for a character column; trailing blanks past the length are dropped, anything else is
/// truncation (8152).
std::string to_string_value(const Literal& v, const SqlType& to) {
  if (v.kind == LK::Binary) clash(v, to);
  std::string s = v.text;
  if (v.kind == LK::Number && s.front() == '+') s.erase(0, 1);
  const bool bounded = (to.kind == Kind::Char || to.kind == Kind::VarChar || to.kind == Kind::NChar ||
                        to.kind == Kind::NVarChar) && !to.is_max();
  if (!bounded) return s;
  while (stored_length(s, to.is_unicode()) > std::size_t(to.length) && !s.empty() && s.back() == ' ') s.pop_back();
  if (stored_length(s, to.is_unicode()) > std::size_t(to.length)) fail(8152, "String or binary data would be truncated.");
  return s;
}

Bound text_bound(std::string s) {
  Bound b;
  b.kind = Bound::Kind::Text;
  b.bytes = std::move(s);
  return b;
}

}  // namespace

std::string hex_bytes(const std::string& hex_digits) {
  const std::string h = hex_digits.size() % 2 ? "0" + hex_digits : hex_digits;
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(char(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

Literal cast_literal(const Literal& v, const SqlType& to) {
  if (v.kind == LK::Null) return v;
  Literal r;
  if (is_integer_kind(to.kind) || to.kind == Kind::Bit) {
    r.kind = LK::Number;
    r.text = std::to_string(to.kind == Kind::Bit ? to_bit(v) : to_integer(v, to));
  } else if (is_exact_kind(to.kind)) {
    r.kind = LK::Number;
    r.text = to_decimal(v, to);
  } else if (to.kind == Kind::Float || to.kind == Kind::Real) {
    const auto text = numeric_text(v);
    if (!text && v.kind == LK::String) fail(8114, "Error converting data type " + type_name(v) + " to float.");
    if (!text) fail(529, "Explicit conversion from data type " + type_name(v) + " to float is not allowed.");
    r.kind = LK::Number;
    r.text = *text;
  } else if (is_temporal_kind(to.kind)) {
    if (v.kind != LK::String && v.kind != LK::Temporal)
      fail(529, "Explicit conversion from data type " + type_name(v) + " to " + to.data_type() + " is not allowed.");
    r.kind = LK::Temporal;
    r.type = to;
    r.text = to_temporal(v, to);
  } else if (to.kind == Kind::Guid) {
    if ((v.kind != LK::String && v.kind != LK::Guid) || !parse_guid(trim(v.text)))
      fail(8169, "Conversion failed when converting from a character string to uniqueidentifier.");
    r.kind = LK::Guid;
    r.text = trim(v.text);
  } else if (is_binary_kind(to.kind)) {
    if (v.kind != LK::Binary && v.kind != LK::String)
      fail(50000, "tds_test_server converts only strings and 0x… constants to " + to.data_type() +
                      "; write the value as 0x… instead.");
    r.kind = LK::Binary;
    if (v.kind == LK::Binary) r.text = v.text;
    else {
      Bytes b;
      if (v.national) append_utf16le(b, v.text);
      else append_cp1252(b, v.text);
      r.text.assign(b.begin(), b.end());
    }
  } else {  // character types and xml
    r.kind = LK::String;
    r.national = to.is_unicode() || to.kind == Kind::Xml;
    r.text = v.text;  // an explicit CAST to a shorter string truncates; this server keeps it whole
  }
  return r;
}

Bound store_value(const Literal& v, const ResultColumn& col, const Target& target) {
  const SqlType& t = col.type;
  Bound b;
  if (v.kind == LK::Null) {
    if (!col.nullable)
      fail(515, "Cannot insert the value NULL into column '" + col.name + "', table '" + target.table +
                    "'; column does not allow nulls. " + target.statement + " fails.");
    return b;
  }
  if (is_integer_kind(t.kind) || t.kind == Kind::Bit) {
    if (v.kind == LK::Temporal || v.kind == LK::Guid || v.kind == LK::Binary) clash(v, t);
    b.kind = Bound::Kind::Integer;
    b.integer = t.kind == Kind::Bit ? to_bit(v) : to_integer(v, t);
    return b;
  }
  if (is_exact_kind(t.kind)) {
    if (v.kind == LK::Temporal || v.kind == LK::Guid || v.kind == LK::Binary) clash(v, t);
    return text_bound(to_decimal(v, t));
  }
  if (t.kind == Kind::Float || t.kind == Kind::Real) {
    const auto text = numeric_text(v);
    if (!text) {
      if (v.kind == LK::String) fail(8114, "Error converting data type " + type_name(v) + " to float.");
      clash(v, t);
    }
    b.kind = Bound::Kind::Real;
    b.real = std::strtod(text->c_str(), nullptr);
    return b;
  }
  if (is_temporal_kind(t.kind)) return text_bound(to_temporal(v, t));
  if (t.kind == Kind::Guid) {
    if (v.kind != LK::String && v.kind != LK::Guid) clash(v, t);
    if (!parse_guid(trim(v.text)))
      fail(8169, "Conversion failed when converting from a character string to uniqueidentifier.");
    return text_bound(trim(v.text));
  }
  if (is_binary_kind(t.kind)) {
    if (v.kind != LK::Binary) clash(v, t);
    if (t.kind != Kind::Image && !t.is_max() && v.text.size() > std::size_t(t.length))
      fail(8152, "String or binary data would be truncated.");
    b.kind = Bound::Kind::Blob;
    b.bytes = v.text;
    return b;
  }
  return text_bound(to_string_value(v, t));
}

}  // namespace tds_test

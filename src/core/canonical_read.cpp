// Reading, ordering and rendering canonical values.
#include <charconv>
#include <cmath>
#include <cstring>

#include "decimal_text.hpp"
#include "recon/core/canonical.hpp"

namespace recon {

namespace {
struct ClassName {
  TypeClass c;
  std::string_view name;
};
constexpr ClassName kClassNames[] = {
    {TypeClass::Null, "null"},           {TypeClass::Integer, "integer"},   {TypeClass::Decimal, "decimal"},
    {TypeClass::Float, "float"},         {TypeClass::Boolean, "boolean"},   {TypeClass::Date, "date"},
    {TypeClass::Time, "time"},           {TypeClass::Timestamp, "timestamp"},
    {TypeClass::TimestampTz, "timestamptz"}, {TypeClass::Uuid, "uuid"},    {TypeClass::Text, "text"},
    {TypeClass::Bytes, "bytes"},         {TypeClass::Json, "json"},         {TypeClass::Invalid, "invalid"},
};
}  // namespace

std::string_view type_class_name(TypeClass c) {
  for (const auto& cn : kClassNames)
    if (cn.c == c) return cn.name;
  return "unknown";
}

std::optional<TypeClass> type_class_from_name(std::string_view name) {
  for (const auto& cn : kClassNames)
    if (cn.name == name) return cn.c;
  return std::nullopt;
}

namespace canon {

std::int64_t ValueView::as_int64() const {
  std::int64_t v = 0;
  std::memcpy(&v, payload.data(), sizeof v);
  return v;
}
std::int32_t ValueView::as_int32() const {
  std::int32_t v = 0;
  std::memcpy(&v, payload.data(), sizeof v);
  return v;
}
double ValueView::as_double() const {
  double v = 0;
  std::memcpy(&v, payload.data(), sizeof v);
  return v;
}

ValueView read_value(std::string_view buf, std::size_t& pos) {
  ValueView v;
  v.tag = static_cast<TypeClass>(buf[pos]);
  std::uint32_t len;
  std::memcpy(&len, buf.data() + pos + 1, 4);
  v.payload = buf.substr(pos + 5, len);
  pos += 5 + len;
  return v;
}

namespace {
template <typename T>
int cmp(T a, T b) { return a < b ? -1 : (a > b ? 1 : 0); }

int compare_bytes(std::string_view a, std::string_view b) {
  const int c = a.compare(b);  // char_traits<char>::compare is memcmp: unsigned byte order
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}
}  // namespace

int compare_values(const ValueView& a, const ValueView& b) {
  if (a.tag != b.tag) return cmp(static_cast<int>(a.tag), static_cast<int>(b.tag));
  switch (a.tag) {
    case TypeClass::Null: return 0;
    case TypeClass::Integer:
    case TypeClass::Time:
    case TypeClass::Timestamp:
    case TypeClass::TimestampTz: return cmp(a.as_int64(), b.as_int64());
    case TypeClass::Date: return cmp(a.as_int32(), b.as_int32());
    case TypeClass::Decimal: return compare_decimal_text(a.payload, b.payload);
    case TypeClass::Float: {
      const double x = a.as_double(), y = b.as_double();
      if (std::isnan(x) || std::isnan(y)) return cmp(std::isnan(x), std::isnan(y));  // NaN last, as PG
      return cmp(x, y);
    }
    case TypeClass::Boolean: return cmp(a.payload[0], b.payload[0]);
    default: return compare_bytes(a.payload, b.payload);
  }
}

int compare_keys_general(std::string_view a, std::string_view b) {
  std::size_t pa = 0, pb = 0;
  while (pa < a.size() && pb < b.size()) {
    const int c = compare_values(read_value(a, pa), read_value(b, pb));
    if (c != 0) return c;
  }
  return cmp(pa < a.size(), pb < b.size());
}

namespace {
/// Text form shared by to_json (then quoted) and to_display.
std::string plain(const ValueView& v) {
  switch (v.tag) {
    case TypeClass::Null: return "NULL";
    case TypeClass::Integer: return std::to_string(v.as_int64());
    case TypeClass::Float: {
      const double d = v.as_double();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      return format_double(d);
    }
    case TypeClass::Boolean: return v.payload[0] ? "true" : "false";
    case TypeClass::Date: return format_date(v.as_int32());
    case TypeClass::Time: return format_time(v.as_int64());
    case TypeClass::Timestamp: return format_timestamp(v.as_int64());
    case TypeClass::TimestampTz: return format_timestamp(v.as_int64()) + "+00";
    case TypeClass::Uuid: return format_uuid(v.payload);
    case TypeClass::Bytes: return "\\x" + format_hex(v.payload);
    default: return std::string(v.payload);
  }
}
}  // namespace

std::vector<std::string> split_values(std::string_view buf) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < buf.size()) {
    const std::size_t start = pos;
    read_value(buf, pos);
    out.emplace_back(buf.substr(start, pos - start));
  }
  return out;
}

std::string to_json(const ValueView& v) {
  switch (v.tag) {
    case TypeClass::Null: return "null";
    case TypeClass::Integer:
    case TypeClass::Boolean:
    case TypeClass::Json: return plain(v);
    case TypeClass::Float: {
      const double d = v.as_double();
      if (std::isfinite(d)) return plain(v);
      break;
    }
    case TypeClass::Invalid: {
      std::string out = "{\"invalid\":";
      append_json_string(out, v.payload);
      out.push_back('}');
      return out;
    }
    default: break;
  }
  std::string out;
  append_json_string(out, plain(v));  // decimals as strings: JSON readers would round them to double
  return out;
}

std::string to_display(const ValueView& v) {
  if (v.tag == TypeClass::Text) {
    std::string out;
    append_json_string(out, v.payload);  // quoted, so trailing spaces and '' are visible
    return out;
  }
  if (v.tag == TypeClass::Invalid) return "invalid:" + std::string(v.payload);
  return plain(v);
}

std::string key_to_json(std::string_view key) {
  std::string out = "[";
  std::size_t pos = 0;
  while (pos < key.size()) {
    if (out.size() > 1) out.push_back(',');
    out += to_json(read_value(key, pos));
  }
  out.push_back(']');
  return out;
}

}  // namespace canon
}  // namespace recon

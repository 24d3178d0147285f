// Conversions from loosely typed storage (text, integer, double) to a comparison class.
// The accepted spellings are documented in docs/canonical-values.md.
#include <charconv>
#include <cmath>
#include <cstring>

#include "recon/core/canonical.hpp"
#include "time_text.hpp"

namespace recon::canon {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool parse_bool(std::string_view t, bool& v) {
  for (auto w : {"t", "true", "1", "y", "yes", "on"})
    if (iequals(t, w)) return v = true, true;
  for (auto w : {"f", "false", "0", "n", "no", "off"})
    if (iequals(t, w)) return v = false, true;
  return false;
}

bool parse_uuid(std::string_view t, unsigned char out[16]) {
  // Braces around either spelling, as PostgreSQL's uuid input takes them.
  if ((t.size() == 38 || t.size() == 34) && t.front() == '{' && t.back() == '}') t = t.substr(1, t.size() - 2);
  int n = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '-') {
      if (t.size() != 36 || (i != 8 && i != 13 && i != 18 && i != 23)) return false;
      continue;
    }
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else return false;
    if (n >= 32) return false;
    if (n % 2 == 0) out[n / 2] = static_cast<unsigned char>(v << 4);
    else out[n / 2] |= static_cast<unsigned char>(v);
    ++n;
  }
  return n == 32 && (t.size() == 32 || t.size() == 36);
}

bool parse_bytes_hex(std::string_view t, std::string& out) {
  if (t.size() < 2 || t[0] != '\\' || (t[1] != 'x' && t[1] != 'X') || t.size() % 2) return false;
  for (std::size_t i = 2; i < t.size(); i += 2) {
    unsigned v;
    auto r = std::from_chars(t.data() + i, t.data() + i + 2, v, 16);
    if (r.ec != std::errc() || r.ptr != t.data() + i + 2) return false;
    out.push_back(static_cast<char>(v));
  }
  return true;
}


}  // namespace

void put_from_text(std::string& out, TypeClass cls, std::string_view t, TimeRounding rounding) {
  switch (cls) {
    case TypeClass::Null: put_null(out); return;
    case TypeClass::Text: put_text(out, t); return;
    case TypeClass::Integer: {
      std::int64_t v;
      auto r = std::from_chars(t.data(), t.data() + t.size(), v);
      if (r.ec == std::errc() && r.ptr == t.data() + t.size()) return put_integer(out, v);
      std::string tmp;  // "12.0" denotes the integer 12
      if (put_decimal(tmp, t) && tmp.find('.', 5) == std::string::npos) {
        r = std::from_chars(tmp.data() + 5, tmp.data() + tmp.size(), v);
        if (r.ec == std::errc() && r.ptr == tmp.data() + tmp.size()) return put_integer(out, v);
      }
      break;
    }
    case TypeClass::Decimal:
      if (put_decimal(out, t)) return;
      break;
    case TypeClass::Float: {
      if (iequals(t, "nan")) return put_float(out, NAN);
      if (iequals(t, "infinity") || iequals(t, "inf")) return put_float(out, INFINITY);
      if (iequals(t, "-infinity") || iequals(t, "-inf")) return put_float(out, -INFINITY);
      double v;
      auto r = std::from_chars(t.data(), t.data() + t.size(), v);
      if (r.ec == std::errc() && r.ptr == t.data() + t.size()) return put_float(out, v);
      break;
    }
    case TypeClass::Boolean: {
      bool v;
      if (parse_bool(t, v)) return put_bool(out, v);
      break;
    }
    case TypeClass::Date: {
      std::int32_t d;
      if (parse_date_text(t, d)) return put_date(out, d);
      break;
    }
    case TypeClass::Time: {
      std::int64_t us;
      if (parse_time_text(t, rounding, us)) return put_time(out, us);
      break;
    }
    case TypeClass::Timestamp: {
      std::int64_t us;
      if (parse_timestamp_text(t, rounding, /*allow_zone=*/false, us)) return put_timestamp(out, us);
      break;
    }
    case TypeClass::TimestampTz: {
      std::int64_t us;
      if (parse_timestamp_text(t, rounding, /*allow_zone=*/true, us)) return put_timestamptz(out, us);
      break;
    }
    case TypeClass::Uuid: {
      unsigned char b[16];
      if (parse_uuid(t, b)) return put_uuid(out, b);
      break;
    }
    case TypeClass::Bytes: {
      std::string raw;
      if (parse_bytes_hex(t, raw)) return put_bytes(out, raw);
      return put_bytes(out, t);  // text stored in a bytes column: its UTF-8 bytes
    }
    case TypeClass::Json:
      if (put_json(out, t)) return;
      break;
    case TypeClass::Invalid: break;
  }
  put_invalid(out, t);
}

void put_from_integer(std::string& out, TypeClass cls, std::int64_t v) {
  switch (cls) {
    case TypeClass::Integer: return put_integer(out, v);
    case TypeClass::Decimal:
    case TypeClass::Text:
    case TypeClass::Json: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v);
      const std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
      if (cls == TypeClass::Decimal) put_decimal(out, s);
      else if (cls == TypeClass::Text) put_text(out, s);
      else put_json(out, s);
      return;
    }
    case TypeClass::Float: return put_float(out, static_cast<double>(v));
    case TypeClass::Boolean:
      if (v == 0 || v == 1) return put_bool(out, v == 1);
      break;
    case TypeClass::Timestamp: return put_timestamp(out, v * kMicrosPerSecond);
    case TypeClass::TimestampTz: return put_timestamptz(out, v * kMicrosPerSecond);
    case TypeClass::Date:
      if (v % 86400 == 0) return put_date(out, static_cast<std::int32_t>(v / 86400));
      break;
    case TypeClass::Time:
      if (v >= 0 && v <= 86400) return put_time(out, v * kMicrosPerSecond);
      break;
    default: break;
  }
  put_invalid(out, std::to_string(v));
}

void put_from_double(std::string& out, TypeClass cls, double v, bool single_float) {
  switch (cls) {
    case TypeClass::Float: return put_float(out, v, single_float);
    case TypeClass::Decimal:
      if (std::isfinite(v) && put_decimal(out, format_double(v))) return;
      break;
    case TypeClass::Integer:
      if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.2e18)
        return put_integer(out, static_cast<std::int64_t>(v));
      break;
    case TypeClass::Text: return put_text(out, format_double(v));
    case TypeClass::Json:
      if (std::isfinite(v) && put_json(out, format_double(v))) return;
      break;
    case TypeClass::Timestamp:
    case TypeClass::TimestampTz:
      if (std::isfinite(v) && std::fabs(v) < 9e12) {
        const auto us = static_cast<std::int64_t>(std::nearbyint(v * 1e6));
        return cls == TypeClass::Timestamp ? put_timestamp(out, us) : put_timestamptz(out, us);
      }
      break;
    default: break;
  }
  put_invalid(out, format_double(v));
}

}  // namespace recon::canon

namespace recon::canon {

void put_converted(std::string& out, TypeClass to, const ValueView& v, TimeRounding rounding) {
  if (v.tag == to || v.tag == TypeClass::Null || v.tag == TypeClass::Invalid) {
    out.push_back(static_cast<char>(v.tag));
    const auto len = static_cast<std::uint32_t>(v.payload.size());
    out.append(reinterpret_cast<const char*>(&len), 4);
    out.append(v.payload);
    return;
  }
  switch (v.tag) {
    case TypeClass::Integer: return put_from_integer(out, to, v.as_int64());
    case TypeClass::Float: return put_from_double(out, to, v.as_double());
    case TypeClass::Date:
      if (to == TypeClass::Timestamp) return put_timestamp(out, std::int64_t{v.as_int32()} * kMicrosPerDay);
      break;
    case TypeClass::Text:
    case TypeClass::Json:
      return put_from_text(out, to, v.payload, rounding);
    default: break;
  }
  // Everything else goes through its text form, which every class can parse or reject.
  // (Text and Json returned above; to_display already spells timestamptz with "+00".)
  put_from_text(out, to, to_display(v), rounding);
}

}  // namespace recon::canon

// Writers of the canonical encoding: [tag][u32 length LE][payload]. See canonical.hpp.
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "recon/core/canonical.hpp"
#include "decimal_text.hpp"

namespace recon::canon {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the canonical encoding stores integers little-endian with memcpy");

inline void put_header(std::string& out, TypeClass tag, std::uint32_t len) {
  char h[5];
  h[0] = static_cast<char>(tag);
  std::memcpy(h + 1, &len, 4);
  out.append(h, 5);
}

template <typename T>
inline void put_fixed(std::string& out, TypeClass tag, T v) {
  char buf[5 + sizeof(T)];
  buf[0] = static_cast<char>(tag);
  const std::uint32_t len = sizeof(T);
  std::memcpy(buf + 1, &len, 4);
  std::memcpy(buf + 5, &v, sizeof(T));
  out.append(buf, sizeof(buf));
}

inline void put_bytes_tagged(std::string& out, TypeClass tag, std::string_view payload) {
  put_header(out, tag, static_cast<std::uint32_t>(payload.size()));
  out.append(payload.data(), payload.size());
}

}  // namespace

void put_null(std::string& out) { put_header(out, TypeClass::Null, 0); }
void put_integer(std::string& out, std::int64_t v) { put_fixed(out, TypeClass::Integer, v); }

bool put_decimal(std::string& out, std::string_view text) {
  DecimalParts parts;
  if (!parse_decimal(text, parts)) return false;
  std::string norm;
  render_decimal(parts, norm);
  put_bytes_tagged(out, TypeClass::Decimal, norm);
  return true;
}

void put_decimal_digits(std::string& out, bool negative, std::string_view digits, int exponent10) {
  // Hot path for PostgreSQL numerics: normalise by trimming views and render straight into `out`,
  // with no temporary strings.
  std::size_t a = 0, b = digits.size();
  while (a < b && digits[a] == '0') ++a;
  while (b > a && digits[b - 1] == '0') {
    --b;
    ++exponent10;
  }
  const std::size_t header = out.size();
  out.append(5, '\0');
  out[header] = static_cast<char>(TypeClass::Decimal);
  render_digits(out, negative, digits.substr(a, b - a), exponent10);
  const auto len = static_cast<std::uint32_t>(out.size() - header - 5);
  std::memcpy(out.data() + header + 1, &len, 4);
}

void put_decimal_groups(std::string& out, bool negative, int weight, const std::uint16_t* groups, std::size_t n) {
  // Trim zero groups at both ends: they carry no digits of the canonical text.
  std::size_t first = 0;
  while (first < n && groups[first] == 0) ++first;
  while (n > first && groups[n - 1] == 0) --n;
  const int top = weight - static_cast<int>(first);        // power of 10000 of the first non-zero group
  const int last = weight - static_cast<int>(n) + 1;       // power of the last non-zero group
  // Two numeric columns a row make this one of the hottest paths of a PostgreSQL read: size the
  // text once and write digits through a pointer, instead of growing the string char by char.
  const std::size_t most = first == n ? 1
                                      : 1 + (top < 0 ? 1 : 4 * static_cast<std::size_t>(top + 1)) +
                                            (last < 0 ? 1 + 4 * static_cast<std::size_t>(-last) : 0);
  const std::size_t header = out.size();
  out.resize(header + 5 + most);
  char* const start = out.data() + header + 5;
  char* p = start;
  out[header] = static_cast<char>(TypeClass::Decimal);
  auto group = [&](long i) -> unsigned { return i >= static_cast<long>(first) && i < static_cast<long>(n) ? groups[i] : 0; };
  auto four = [&p](unsigned v) {
    p[0] = static_cast<char>('0' + v / 1000);
    p[1] = static_cast<char>('0' + v / 100 % 10);
    p[2] = static_cast<char>('0' + v / 10 % 10);
    p[3] = static_cast<char>('0' + v % 10);
    p += 4;
  };
  if (first == n) {
    *p++ = '0';
  } else {
    if (negative) *p++ = '-';
    // Integer part: groups with power >= 0; the first one without its leading zeros.
    if (top < 0) {
      *p++ = '0';
    } else {
      const unsigned lead = groups[first];
      if (lead >= 1000) *p++ = static_cast<char>('0' + lead / 1000);
      if (lead >= 100) *p++ = static_cast<char>('0' + lead / 100 % 10);
      if (lead >= 10) *p++ = static_cast<char>('0' + lead / 10 % 10);
      *p++ = static_cast<char>('0' + lead % 10);
      for (int pw = top - 1; pw >= 0; --pw) four(group(static_cast<long>(weight) - pw));
    }
    // Fraction: groups with power < 0 down to the last non-zero group, then trailing zeros cut.
    if (last < 0) {
      *p++ = '.';
      for (int pw = -1; pw >= last; --pw) four(group(static_cast<long>(weight) - pw));
      while (p[-1] == '0') --p;
    }
  }
  const auto len = static_cast<std::uint32_t>(p - start);
  out.resize(header + 5 + len);
  std::memcpy(out.data() + header + 1, &len, 4);
}

void put_float(std::string& out, double v, bool single) {
  if (single) v = static_cast<double>(static_cast<float>(v));
  if (v == 0.0) v = 0.0;  // -0 and +0 are the same number on both engines
  if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();
  put_fixed(out, TypeClass::Float, v);
}

void put_bool(std::string& out, bool v) { put_fixed(out, TypeClass::Boolean, static_cast<std::uint8_t>(v ? 1 : 0)); }
void put_date(std::string& out, std::int32_t days) { put_fixed(out, TypeClass::Date, days); }
void put_time(std::string& out, std::int64_t micros) { put_fixed(out, TypeClass::Time, micros); }
void put_timestamp(std::string& out, std::int64_t micros) { put_fixed(out, TypeClass::Timestamp, micros); }
void put_timestamptz(std::string& out, std::int64_t micros) { put_fixed(out, TypeClass::TimestampTz, micros); }

void put_uuid(std::string& out, const unsigned char bytes[16]) {
  put_bytes_tagged(out, TypeClass::Uuid, std::string_view(reinterpret_cast<const char*>(bytes), 16));
}
void put_text(std::string& out, std::string_view utf8) { put_bytes_tagged(out, TypeClass::Text, utf8); }
void put_bytes(std::string& out, std::string_view raw) { put_bytes_tagged(out, TypeClass::Bytes, raw); }
void put_invalid(std::string& out, std::string_view raw) { put_bytes_tagged(out, TypeClass::Invalid, raw); }

bool put_json(std::string& out, std::string_view text) {
  std::string canonical;
  if (!canonicalise_json(text, canonical)) return false;
  put_bytes_tagged(out, TypeClass::Json, canonical);
  return true;
}

}  // namespace recon::canon

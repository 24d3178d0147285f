// Text codecs for the wire: UTF-8 from SQLite to UTF-16LE (nvarchar) or code page 1252 (varchar).
#include "wire.hpp"

namespace tds_test {
namespace {

/// Decodes one code point at s[i], advancing i; malformed input yields U+FFFD and skips one byte.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) len = 2, cp = b0 & 0x1F;
  else if ((b0 & 0xF0) == 0xE0) len = 3, cp = b0 & 0x0F;
  else if ((b0 & 0xF8) == 0xF0) len = 4, cp = b0 & 0x07;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  i += len;
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

/// Code page 1252 bytes 0x80..0x9F (0 = unassigned; Windows maps those five to U+0081 etc.).
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

}  // namespace

std::size_t append_utf16le(Bytes& out, std::string_view utf8) {
  const std::size_t start = out.size();
  out.reserve(start + utf8.size() * 2);
  std::size_t i = 0;
  while (i < utf8.size()) {
    // ASCII runs are the common case: no decoding.
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(c);
      out.push_back(0);
      ++i;
      continue;
    }
    char32_t cp = next_code_point(utf8, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      const char16_t hi = char16_t(0xD800 + (cp >> 10)), lo = char16_t(0xDC00 + (cp & 0x3FF));
      out.push_back(std::uint8_t(hi));
      out.push_back(std::uint8_t(hi >> 8));
      out.push_back(std::uint8_t(lo));
      out.push_back(std::uint8_t(lo >> 8));
    } else {
      out.push_back(std::uint8_t(cp));
      out.push_back(std::uint8_t(cp >> 8));
    }
  }
  return (out.size() - start) / 2;
}

std::string utf16le_to_utf8(const std::uint8_t* p, std::size_t n) {
  std::string out;
  out.reserve(n / 2);
  for (std::size_t i = 0; i + 1 < n; i += 2) {
    char32_t u = char32_t(p[i] | (p[i + 1] << 8));
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
      const char32_t lo = char32_t(p[i + 2] | (p[i + 3] << 8));
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      } else {
        u = 0xFFFD;
      }
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      u = 0xFFFD;
    }
    append_utf8(out, u);
  }
  return out;
}

std::size_t append_cp1252(Bytes& out, std::string_view utf8) {
  const std::size_t start = out.size();
  std::size_t i = 0;
  while (i < utf8.size()) {
    const char32_t cp = next_code_point(utf8, i);
    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) {
      out.push_back(std::uint8_t(cp));
      continue;
    }
    std::uint8_t b = '?';
    for (int k = 0; k < 32; ++k)
      if (kCp1252High[k] == cp) b = std::uint8_t(0x80 + k);
    out.push_back(b);
  }
  return out.size() - start;
}

void put_b_varchar(Out& o, std::string_view utf8) {
  Bytes tmp;
  const std::size_t units = append_utf16le(tmp, utf8);
  if (units > 255) throw std::length_error("B_VARCHAR longer than 255 characters");
  o.u8(std::uint8_t(units));
  o.raw(tmp.data(), tmp.size());
}

void put_us_varchar(Out& o, std::string_view utf8) {
  Bytes tmp;
  const std::size_t units = append_utf16le(tmp, utf8);
  if (units > 65535) throw std::length_error("US_VARCHAR longer than 65535 characters");
  o.u16(std::uint16_t(units));
  o.raw(tmp.data(), tmp.size());
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x + 32);
    if (y >= 'A' && y <= 'Z') y = char(y + 32);
    if (x != y) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r)
    if (c >= 'A' && c <= 'Z') c = char(c + 32);
  return r;
}

}  // namespace tds_test

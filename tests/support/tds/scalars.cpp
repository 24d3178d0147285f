// Exact text parsing for fixture values: dates and times, decimals, GUIDs, and the orderings the
// SQL translator installs as SQLite collations.
#include "scalars.hpp"

#include <algorithm>
#include <cstring>

namespace tds_test {
namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

/// Parses HH:MM[:SS[.f…]] at s[i]; advances i.
bool parse_time(std::string_view s, std::size_t& i, std::int64_t& nanos) {
  int h, m, sec = 0;
  if (!digits(s, i, 2, h) || i + 2 >= s.size() || s[i + 2] != ':' || !digits(s, i + 3, 2, m)) return false;
  i += 5;
  std::int64_t frac = 0;
  if (i < s.size() && s[i] == ':') {
    if (!digits(s, i + 1, 2, sec)) return false;
    i += 3;
    if (i < s.size() && s[i] == '.') {
      ++i;
      int n = 0;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (n < 9) frac = frac * 10 + (s[i] - '0'), ++n;
        ++i;  // digits past nanoseconds are dropped
      }
      if (n == 0) return false;
      for (; n < 9; ++n) frac *= 10;
    }
  }
  if (h > 23 || m > 59 || sec > 59) return false;
  nanos = ((std::int64_t(h) * 60 + m) * 60 + sec) * 1'000'000'000 + frac;
  return true;
}

int sign(std::int64_t v) { return v < 0 ? -1 : v > 0 ? 1 : 0; }

int compare_fallback(std::string_view a, std::string_view b, bool a_ok, bool b_ok) {
  if (a_ok != b_ok) return a_ok ? -1 : 1;
  const int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

/// Sign, digit string without leading zeros, and power of ten: value = digits × 10^exp.
struct Parsed {
  bool negative = false;
  std::string digits;
  int exp = 0;
};

std::optional<Parsed> parse_number(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  Parsed p;
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) p.negative = s[i++] == '-';
  bool any = false, dot = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      any = true;
      if (!(p.digits.empty() && c == '0')) p.digits += c;
      if (dot) --p.exp;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) eneg = s[i++] == '-';
    int e = 0, n = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9' && n < 5; ++i, ++n) e = e * 10 + (s[i] - '0');
    if (n == 0) return std::nullopt;
    p.exp += eneg ? -e : e;
  }
  if (i != s.size()) return std::nullopt;
  if (p.digits.empty()) p.negative = false, p.exp = 0;  // -0 is 0
  return p;
}

}  // namespace

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  // Days from 0000-03-01 by the era method, shifted so 0001-01-01 is day 0.
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + std::int64_t(doe) - 306;
}

std::optional<Temporal> parse_temporal(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  Temporal t;
  std::size_t i = 0;
  int y, mo, d;
  if (s.size() >= 10 && s[4] == '-' && digits(s, 0, 4, y) && digits(s, 5, 2, mo) && s[7] == '-' &&
      digits(s, 8, 2, d)) {
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || unsigned(d) > days_in_month(y, unsigned(mo))) return std::nullopt;
    t.has_date = true;
    t.days = days_from_civil(y, unsigned(mo), unsigned(d));
    i = 10;
    if (i < s.size() && (s[i] == ' ' || s[i] == 'T')) {
      std::size_t j = i + 1;
      while (j < s.size() && s[j] == ' ') ++j;
      if (j + 2 < s.size() && s[j + 2] == ':') {
        i = j;
        if (!parse_time(s, i, t.nanos)) return std::nullopt;
        t.has_time = true;
      }
    }
  } else {
    if (!parse_time(s, i, t.nanos)) return std::nullopt;
    t.has_time = true;
  }
  while (i < s.size() && s[i] == ' ') ++i;
  if (i < s.size()) {
    if (s[i] == 'Z' && i + 1 == s.size()) {
      t.has_offset = true;
    } else if (s[i] == '+' || s[i] == '-') {
      int oh, om;
      if (i + 6 != s.size() || !digits(s, i + 1, 2, oh) || s[i + 3] != ':' || !digits(s, i + 4, 2, om) ||
          oh > 14 || om > 59)
        return std::nullopt;
      t.has_offset = true;
      t.offset_minutes = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
    } else {
      return std::nullopt;
    }
  }
  return t;
}

void to_utc(Temporal& t) {
  std::int64_t ns = t.nanos - std::int64_t(t.offset_minutes) * 60'000'000'000;
  std::int64_t carry = ns >= 0 ? ns / kNanosPerDay : -((-ns + kNanosPerDay - 1) / kNanosPerDay);
  t.days += carry;
  t.nanos = ns - carry * kNanosPerDay;
}

int compare_temporal(std::string_view a, std::string_view b) {
  auto x = parse_temporal(a), y = parse_temporal(b);
  if (!x || !y) return compare_fallback(a, b, bool(x), bool(y));
  to_utc(*x);
  to_utc(*y);
  if (x->days != y->days) return sign(x->days - y->days);
  return sign(x->nanos - y->nanos);
}

std::optional<Decimal> parse_decimal(std::string_view s, int precision, int scale) {
  auto p = parse_number(s);
  if (!p) return std::nullopt;
  std::string d = p->digits;
  const int shift = p->exp + scale;  // value × 10^scale = digits × 10^shift
  bool round_up = false;
  if (shift >= 0) {
    if (!d.empty()) d.append(std::size_t(shift), '0');
  } else {
    const std::size_t drop = std::size_t(-shift);
    if (drop > d.size()) {
      d.clear();
    } else {
      round_up = d[d.size() - drop] >= '5';
      d.resize(d.size() - drop);
    }
  }
  if (d.size() > 39) return std::nullopt;
  Decimal r;
  r.negative = p->negative;
  for (char c : d) r.magnitude = r.magnitude * 10 + unsigned(c - '0');
  if (round_up) ++r.magnitude;
  unsigned __int128 limit = 1;
  for (int k = 0; k < precision; ++k) limit *= 10;
  if (r.magnitude >= limit) return std::nullopt;
  if (r.magnitude == 0) r.negative = false;
  return r;
}

int compare_decimal(std::string_view a, std::string_view b) {
  auto x = parse_number(a), y = parse_number(b);
  if (!x || !y) return compare_fallback(a, b, bool(x), bool(y));
  const bool xz = x->digits.empty(), yz = y->digits.empty();
  const int xs = xz ? 0 : x->negative ? -1 : 1, ys = yz ? 0 : y->negative ? -1 : 1;
  if (xs != ys || xs == 0) return sign(xs - ys);
  // Same sign, both non-zero: compare magnitudes by order of magnitude, then digit by digit.
  const long xm = long(x->digits.size()) + x->exp, ym = long(y->digits.size()) + y->exp;
  int mag;
  if (xm != ym) {
    mag = xm < ym ? -1 : 1;
  } else {
    const std::size_t n = std::max(x->digits.size(), y->digits.size());
    mag = 0;
    for (std::size_t i = 0; i < n && mag == 0; ++i) {
      const char cx = i < x->digits.size() ? x->digits[i] : '0';
      const char cy = i < y->digits.size() ? y->digits[i] : '0';
      mag = cx < cy ? -1 : cx > cy ? 1 : 0;
    }
  }
  return xs > 0 ? mag : -mag;
}

std::optional<std::array<std::uint8_t, 16>> parse_guid(std::string_view s) {
  if (s.size() == 38 && s.front() == '{' && s.back() == '}') s = s.substr(1, 36);
  std::array<std::uint8_t, 16> out{};
  int n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '-' && (i == 8 || i == 13 || i == 18 || i == 23)) continue;
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else return std::nullopt;
    if (n >= 32) return std::nullopt;
    out[std::size_t(n / 2)] = std::uint8_t(out[std::size_t(n / 2)] << 4 | v);
    ++n;
  }
  if (n != 32) return std::nullopt;
  return out;
}

std::array<std::uint8_t, 16> guid_wire_bytes(const std::array<std::uint8_t, 16>& rfc) {
  std::array<std::uint8_t, 16> w = rfc;
  std::reverse(w.begin(), w.begin() + 4);
  std::reverse(w.begin() + 4, w.begin() + 6);
  std::reverse(w.begin() + 6, w.begin() + 8);
  return w;
}

int compare_guid_sqlserver(std::string_view a, std::string_view b) {
  auto x = parse_guid(a), y = parse_guid(b);
  if (!x || !y) return compare_fallback(a, b, bool(x), bool(y));
  // SQL Server compares the stored (mixed-endian) bytes, not the text order.
  *x = guid_wire_bytes(*x);
  *y = guid_wire_bytes(*y);
  static constexpr int kOrder[16] = {10, 11, 12, 13, 14, 15, 8, 9, 6, 7, 4, 5, 0, 1, 2, 3};
  for (int i : kOrder)
    if ((*x)[std::size_t(i)] != (*y)[std::size_t(i)]) return (*x)[std::size_t(i)] < (*y)[std::size_t(i)] ? -1 : 1;
  return 0;
}

}  // namespace tds_test

// Date/time text parsing. Rounding of sub-microsecond digits follows PostgreSQL's input: half to
// even on the dropped digits (docs/cli.md, Equality), or truncation when a job asks for it.
#include "time_text.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

namespace recon::canon {
namespace {

bool digits(std::string_view t, std::size_t& i, std::size_t min, std::size_t max, long& v) {
  v = 0;
  std::size_t n = 0;
  while (i < t.size() && n < max && t[i] >= '0' && t[i] <= '9') {
    v = v * 10 + (t[i++] - '0');
    ++n;
  }
  return n >= min;
}

unsigned days_in_month(long y, long m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

bool date_at(std::string_view t, std::size_t& i, std::int32_t& days) {
  bool neg = false;
  if (i < t.size() && t[i] == '-') { neg = true; ++i; }
  long y, m, d;
  if (!digits(t, i, 4, 6, y) || i >= t.size() || t[i++] != '-') return false;
  if (!digits(t, i, 2, 2, m) || i >= t.size() || t[i++] != '-') return false;
  if (!digits(t, i, 2, 2, d)) return false;
  if (neg) y = -y;
  if (m < 1 || m > 12 || d < 1 || d > static_cast<long>(days_in_month(y, m))) return false;
  days = days_from_civil(static_cast<int>(y), static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

bool time_at(std::string_view t, std::size_t& i, TimeRounding rounding, std::int64_t& micros) {
  long h, mi, s = 0;
  if (!digits(t, i, 2, 2, h) || i >= t.size() || t[i++] != ':') return false;
  if (!digits(t, i, 2, 2, mi)) return false;
  std::int64_t frac = 0;
  if (i < t.size() && t[i] == ':') {
    ++i;
    if (!digits(t, i, 2, 2, s)) return false;
    if (i < t.size() && t[i] == '.') {
      const std::size_t start = ++i;
      while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
      if (i == start) return false;
      frac = fraction_to_micros(t.substr(start, i - start), rounding);
    }
  }
  if (h > 24 || mi > 59 || s > 60) return false;  // 60: leap second, as PostgreSQL accepts
  micros = ((h * 60 + mi) * 60 + s) * kMicrosPerSecond + frac;
  return micros <= kMicrosPerDay;
}

bool zone_at(std::string_view t, std::size_t& i, std::int64_t& offset_micros) {
  offset_micros = 0;
  if (i < t.size() && t[i] == ' ') ++i;
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) { ++i; return true; }
  if (i >= t.size() || (t[i] != '+' && t[i] != '-')) return false;
  const bool neg = t[i++] == '-';
  long h, m = 0, s = 0;
  if (!digits(t, i, 2, 2, h)) return false;
  if (i < t.size() && t[i] == ':') ++i;
  if (i < t.size()) {
    if (!digits(t, i, 2, 2, m)) return false;
    if (i < t.size() && t[i] == ':') {
      ++i;
      if (!digits(t, i, 2, 2, s)) return false;
    }
  }
  if (h > 15 || m > 59 || s > 59) return false;
  offset_micros = ((h * 60 + m) * 60 + s) * kMicrosPerSecond * (neg ? -1 : 1);
  return true;
}

}  // namespace

std::int64_t fraction_to_micros(std::string_view d, TimeRounding rounding) {
  if (d.size() <= 15) {  // the digits as an exact integer over 10^len
    std::uint64_t num = 0, den = 1;
    for (char c : d) {
      num = num * 10 + static_cast<std::uint64_t>(c - '0');
      den *= 10;
    }
    return fraction_micros(num, den, rounding);
  }
  if (rounding == TimeRounding::Truncate) return fraction_micros(std::stoull(std::string(d.substr(0, 15))), 1'000'000'000'000'000ULL, rounding);
  // Longer than any engine stores: parse as PostgreSQL does.
  const double frac = std::strtod(("0." + std::string(d)).c_str(), nullptr);
  return static_cast<std::int64_t>(std::nearbyint(frac * 1e6));
}

bool parse_date_text(std::string_view t, std::int32_t& days) {
  std::size_t i = 0;
  if (!date_at(t, i, days)) return false;
  if (i == t.size()) return true;
  if (t[i] != ' ' && t[i] != 'T') return false;
  ++i;
  std::int64_t us;
  return time_at(t, i, TimeRounding::Truncate, us) && us == 0 && i == t.size();
}

bool parse_time_text(std::string_view t, TimeRounding rounding, std::int64_t& micros) {
  std::size_t i = 0;
  return time_at(t, i, rounding, micros) && i == t.size();
}

bool parse_timestamp_text(std::string_view t, TimeRounding rounding, bool allow_zone, std::int64_t& micros) {
  std::size_t i = 0;
  std::int32_t days;
  if (!date_at(t, i, days)) return false;
  std::int64_t tod = 0, offset = 0;
  if (i < t.size() && (t[i] == ' ' || t[i] == 'T') && i + 1 < t.size() && t[i + 1] >= '0' && t[i + 1] <= '9') {
    ++i;
    if (!time_at(t, i, rounding, tod)) return false;
  }
  if (i < t.size()) {
    if (!allow_zone || !zone_at(t, i, offset) || i != t.size()) return false;
  }
  micros = static_cast<std::int64_t>(days) * kMicrosPerDay + tod - offset;
  return true;
}

}  // namespace recon::canon

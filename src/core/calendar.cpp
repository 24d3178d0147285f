// Proleptic Gregorian calendar arithmetic (days since 1970-01-01) and ISO formatting.
#include <charconv>
#include <cmath>

#include "recon/core/canonical.hpp"

namespace recon::canon {

// Civil-from-days and days-from-civil use the well-known era/day-of-era decomposition
// (400-year eras of 146097 days), exact for every int32 day count. The day count is computed in
// 64 bits: near the ends of the int32 range `era * 146097` alone would overflow an int.
std::int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int32_t>(static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468);
}

void civil_from_days(std::int32_t z0, int& y, unsigned& m, unsigned& d) {
  const long z = static_cast<long>(z0) + 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long yy = static_cast<long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yy + (m <= 2));
}

namespace {

/// Appends `v` in decimal, zero-padded to at least `width` digits (to_chars: no locale, no format
/// string to parse — these run once per value of every divergence written).
void append_padded(std::string& out, long long v, int width) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v < 0 ? -v : v);
  const int n = static_cast<int>(end - digits);
  if (v < 0) out.push_back('-');
  if (n < width) out.append(static_cast<std::size_t>(width - n), '0');
  out.append(digits, end);
}

}  // namespace

std::string format_date(std::int32_t days) {
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  std::string out;
  out.reserve(12);
  // Outside ISO's 4-digit years (rare) the year is written as it is, sign included.
  append_padded(out, y, y >= 0 && y <= 9999 ? 4 : 1);
  out.push_back('-');
  append_padded(out, m, 2);
  out.push_back('-');
  append_padded(out, d, 2);
  return out;
}

std::string format_time(std::int64_t micros) {
  const std::int64_t secs = micros / kMicrosPerSecond;
  std::int64_t frac = micros % kMicrosPerSecond;
  std::string out;
  out.reserve(16);
  append_padded(out, secs / 3600, 2);
  out.push_back(':');
  append_padded(out, secs / 60 % 60, 2);
  out.push_back(':');
  append_padded(out, secs % 60, 2);
  if (frac != 0) {
    int width = 6;
    while (frac % 10 == 0) {  // trailing zeros dropped: .5, not .500000
      frac /= 10;
      --width;
    }
    out.push_back('.');
    append_padded(out, frac, width);
  }
  return out;
}

void split_micros(std::int64_t micros, std::int32_t& days, std::int64_t& time_of_day) {
  std::int64_t d = micros / kMicrosPerDay;
  time_of_day = micros % kMicrosPerDay;
  if (time_of_day < 0) {  // floor division: times before 1970 still have a non-negative time of day
    time_of_day += kMicrosPerDay;
    --d;
  }
  days = static_cast<std::int32_t>(d);
}

std::string format_timestamp(std::int64_t micros) {
  std::int32_t days;
  std::int64_t tod;
  split_micros(micros, days, tod);
  return format_date(days) + " " + format_time(tod);
}

std::int64_t fraction_micros(std::uint64_t num, std::uint64_t den, TimeRounding rounding) {
  if (rounding == TimeRounding::Truncate)
    return static_cast<std::int64_t>(static_cast<unsigned __int128>(num) * 1'000'000 / den);
  // PostgreSQL: frac = strtod(".ddd"); fsec = rint(frac * 1e6). The quotient of two exactly
  // representable doubles is the correctly rounded value of num/den, the same double strtod gives.
  return static_cast<std::int64_t>(std::nearbyint(static_cast<double>(num) / static_cast<double>(den) * 1e6));
}

std::string format_hex(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(raw.size() * 2);
  for (char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    s.push_back(kHex[c >> 4]);
    s.push_back(kHex[c & 15]);
  }
  return s;
}

std::string format_uuid(std::string_view p) {
  std::string hex = format_hex(p);
  for (std::size_t pos : {8, 13, 18, 23})
    if (pos < hex.size()) hex.insert(pos, 1, '-');
  return hex;
}

std::string format_double(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::uint16_t read_be16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint16_t>((u[0] << 8) | u[1]);
}
std::uint32_t read_be32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{u[0]} << 24) | (std::uint32_t{u[1]} << 16) | (std::uint32_t{u[2]} << 8) | u[3];
}
std::uint64_t read_be64(const char* p) {
  return (std::uint64_t{read_be32(p)} << 32) | read_be32(p + 4);
}

}  // namespace recon::canon

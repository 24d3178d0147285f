#include "recon/core/utc_time.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace recon {

namespace {

std::string format_utc(double epoch, const char* format) {
  const auto t = static_cast<std::time_t>(std::floor(epoch));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  const std::size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

}  // namespace

double now_epoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string iso_utc(double epoch) { return format_utc(epoch, "%Y-%m-%dT%H:%M:%SZ"); }

std::optional<double> parse_iso_utc(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char tail = 0;
  const std::string s(text);
  if (s.size() != 20 || std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &tail) != 7 ||
      tail != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<double>(timegm(&tm));
}

std::string iso_utc_now() { return iso_utc(now_epoch()); }

std::string compact_utc(double epoch) { return format_utc(epoch, "%Y%m%dT%H%M%SZ"); }

std::int64_t local_utc_offset_us(double epoch) {
  const auto t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  localtime_r(&t, &tm);
  return static_cast<std::int64_t>(tm.tm_gmtoff) * 1'000'000;
}

}  // namespace recon

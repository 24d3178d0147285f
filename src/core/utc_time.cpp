#include "recon/core/utc_time.hpp"

#include <chrono>
#include <cmath>
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

std::string iso_utc_now() { return iso_utc(now_epoch()); }

std::string compact_utc(double epoch) { return format_utc(epoch, "%Y%m%dT%H%M%SZ"); }

std::int64_t local_utc_offset_us(double epoch) {
  const auto t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  localtime_r(&t, &tm);
  return static_cast<std::int64_t>(tm.tm_gmtoff) * 1'000'000;
}

}  // namespace recon

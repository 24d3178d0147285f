#include "recon/core/duration.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <string>

namespace recon {

std::optional<std::int64_t> parse_duration_us(std::string_view text) {
  std::size_t unit = 0;
  while (unit < text.size() && (std::isdigit(static_cast<unsigned char>(text[unit])) || text[unit] == '.')) ++unit;
  if (unit == 0) return std::nullopt;
  double number = 0;
  const std::string digits(text.substr(0, unit));
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  const std::string_view u = text.substr(unit);
  double scale = 0;
  if (u == "us") scale = 1;
  else if (u == "ms") scale = 1e3;
  else if (u == "s") scale = 1e6;
  else if (u == "m" || u == "min") scale = 60e6;
  else if (u == "h") scale = 3600e6;
  else if (u == "d") scale = 86400e6;
  else return std::nullopt;
  const double us = std::round(number * scale);
  if (!(us >= 0) || us > 9.2e18) return std::nullopt;
  return static_cast<std::int64_t>(us);
}

std::string format_duration_us(std::int64_t us) {
  if (us < 0) us = -us;
  constexpr std::int64_t kMs = 1000, kS = 1000 * kMs, kM = 60 * kS, kH = 60 * kM, kD = 24 * kH;
  auto two = [](std::int64_t big, const char* big_unit, std::int64_t small, const char* small_unit) {
    return small == 0 ? fmt::format("{}{}", big, big_unit) : fmt::format("{}{} {}{}", big, big_unit, small, small_unit);
  };
  if (us < kS) return fmt::format("{}ms", us / kMs);
  if (us < kM) {
    std::string text = fmt::format("{:.1f}", static_cast<double>(us) / kS);
    if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
    return text + "s";
  }
  if (us < kH) return two(us / kM, "m", us % kM / kS, "s");
  if (us < kD) return two(us / kH, "h", us % kH / kM, "m");
  return two(us / kD, "d", us % kD / kH, "h");
}

}  // namespace recon

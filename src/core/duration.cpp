#include "recon/core/duration.hpp"

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

}  // namespace recon

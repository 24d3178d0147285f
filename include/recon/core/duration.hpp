#pragma once
/// Durations as people write them in job and rule files: "250ms", "5s", "1.5s", "5m", "2h", "1us".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace recon {

/// Microseconds of a duration text: a non-negative number followed by one unit
/// us | ms | s | m | h | d. Returns nullopt for anything else (no unit, unknown unit, negative).
std::optional<std::int64_t> parse_duration_us(std::string_view text);

/// A duration for people, in its two largest units: "250ms", "4.2s", "5m", "5m 3s", "2h 10m",
/// "3d 4h" (negative durations as their magnitude).
std::string format_duration_us(std::int64_t us);

}  // namespace recon

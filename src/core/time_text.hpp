#pragma once
// Private to the core module: ISO-8601-ish date/time text parsing shared by the text conversions.
#include <cstdint>
#include <string_view>

#include "recon/core/canonical.hpp"

namespace recon::canon {

/// "YYYY-MM-DD" (a trailing all-zero time of day is accepted). Days since 1970-01-01.
bool parse_date_text(std::string_view t, std::int32_t& days);
/// "HH:MM[:SS[.fffffffff]]"; digits beyond microseconds are rounded per `rounding`; "24:00:00" ok.
bool parse_time_text(std::string_view t, TimeRounding rounding, std::int64_t& micros);
/// "YYYY-MM-DD[( |T)HH:MM[:SS[.f…]]][ ][Z|±HH[:MM]|±HHMM]". With allow_zone the result is the UTC
/// instant (no zone = UTC); without it a zone suffix is rejected.
bool parse_timestamp_text(std::string_view t, TimeRounding rounding, bool allow_zone, std::int64_t& micros);
/// Rounds a string of fractional-second digits to microseconds: result in [0, 1'000'000].
std::int64_t fraction_to_micros(std::string_view digits, TimeRounding rounding);

}  // namespace recon::canon

#pragma once
/// Wall-clock time as recon writes it everywhere (summary.json, the audit trail, fix-up headers,
/// run ids): UTC, to the second.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace recon {

/// Seconds since the Unix epoch, with sub-second precision.
double now_epoch();
/// "2026-11-23T10:15:00Z" (ISO 8601, UTC; fractions of a second are cut).
std::string iso_utc(double epoch);
/// The epoch of iso_utc's spelling ("2026-11-23T10:15:00Z"); nullopt for any other text.
std::optional<double> parse_iso_utc(std::string_view text);
/// iso_utc(now_epoch()).
std::string iso_utc_now();
/// "20261123T101500Z": the same instant, as the start of a run id or a file name.
std::string compact_utc(double epoch);
/// Microseconds east of UTC of the recon host's local time zone at `epoch` (how a timestamp
/// without time zone written in local time is read, [[tables]] updated_at_zone = "local").
std::int64_t local_utc_offset_us(double epoch);

}  // namespace recon

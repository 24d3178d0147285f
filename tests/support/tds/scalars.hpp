#pragma once
/// Exact parsing of the fixture's text values: date/time strings and decimal strings. Nothing here
/// goes through double: decimals are digit strings scaled into a 128-bit magnitude.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tds_test {

constexpr std::int64_t kNanosPerDay = 86'400'000'000'000;

/// 'YYYY-MM-DD', 'HH:MM[:SS[.fffffff]]', 'YYYY-MM-DD[ T]HH:MM[:SS[.f…]]', each optionally followed
/// by an offset ' +HH:MM' / '-HH:MM' / 'Z'.
struct Temporal {
  bool has_date = false, has_time = false, has_offset = false;
  std::int64_t days = 0;  ///< days since 0001-01-01 (proleptic Gregorian)
  std::int64_t nanos = 0; ///< nanoseconds since midnight, local time
  int offset_minutes = 0;
};
std::optional<Temporal> parse_temporal(std::string_view s);

/// Days since 0001-01-01 for a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);

/// The same instant in UTC: (days, nanos) with the offset removed.
void to_utc(Temporal& t);

/// Orders two temporal strings as instants (datetimeoffset by UTC); a string that does not parse
/// orders after every one that does, and bytewise among its kind. The TDSTIME SQLite collation.
int compare_temporal(std::string_view a, std::string_view b);

/// A decimal as sign + magnitude at a fixed scale.
struct Decimal {
  bool negative = false;
  unsigned __int128 magnitude = 0;
};
/// Parses '-1234.5678', '1e3', '12' and rounds (half away from zero, as SQL Server converts) to
/// `scale` digits. nullopt when it is not a number or needs more than `precision` digits.
std::optional<Decimal> parse_decimal(std::string_view s, int precision, int scale);

/// Orders two decimal strings by value (exact); non-numbers order after numbers, bytewise.
/// The TDSDEC SQLite collation.
int compare_decimal(std::string_view a, std::string_view b);

/// 36-character GUID text (hyphens optional, braces allowed, any case) to its 16 bytes in RFC
/// order (the order the text is written in).
std::optional<std::array<std::uint8_t, 16>> parse_guid(std::string_view s);

/// RFC-order bytes to SQL Server's stored and wire layout: the first three groups little-endian.
std::array<std::uint8_t, 16> guid_wire_bytes(const std::array<std::uint8_t, 16>& rfc);

/// Orders two GUID strings the way SQL Server orders uniqueidentifier: bytes 10-15, then 8-9,
/// 6-7, 4-5, 0-3 of the stored (wire) layout. The TDSGUID SQLite collation.
int compare_guid_sqlserver(std::string_view a, std::string_view b);

}  // namespace tds_test

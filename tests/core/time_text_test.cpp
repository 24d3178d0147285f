// Date/time text parsing (src/core/time_text.cpp): ISO-8601-ish spellings, zones, and the
// rounding of sub-microsecond digits as PostgreSQL's input rounds them.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "../../src/core/time_text.hpp"

namespace recon::canon {
namespace {

constexpr TimeRounding kEven = TimeRounding::HalfEven;
constexpr TimeRounding kTruncate = TimeRounding::Truncate;

/// What `parse(value)` left in value, or nullopt when it refused the text.
template <class T, class Parse>
std::optional<T> parsed(Parse parse) {
  T value{};
  if (!parse(value)) return std::nullopt;
  return value;
}

std::optional<std::int32_t> date(std::string_view t) {
  return parsed<std::int32_t>([&](std::int32_t& d) { return parse_date_text(t, d); });
}
std::optional<std::int64_t> time_of_day(std::string_view t, TimeRounding r = kEven) {
  return parsed<std::int64_t>([&](std::int64_t& us) { return parse_time_text(t, r, us); });
}
/// A timestamp without time zone: a zone suffix is refused.
std::optional<std::int64_t> local(std::string_view t, TimeRounding r = kEven) {
  return parsed<std::int64_t>([&](std::int64_t& us) { return parse_timestamp_text(t, r, false, us); });
}
/// A timestamp with time zone: the UTC instant.
std::optional<std::int64_t> instant(std::string_view t, TimeRounding r = kEven) {
  return parsed<std::int64_t>([&](std::int64_t& us) { return parse_timestamp_text(t, r, true, us); });
}

constexpr std::int64_t hms(std::int64_t h, std::int64_t m, std::int64_t s, std::int64_t us = 0) {
  return ((h * 60 + m) * 60 + s) * kMicrosPerSecond + us;
}
std::int64_t midnight(int y, unsigned m, unsigned d) { return std::int64_t{days_from_civil(y, m, d)} * kMicrosPerDay; }

TEST(DateText, DaysSinceTheUnixEpoch) {
  EXPECT_EQ(date("1970-01-01"), 0);
  EXPECT_EQ(date("1970-01-02"), 1);
  EXPECT_EQ(date("1969-12-31"), -1);
  EXPECT_EQ(date("2000-01-01"), kPostgresEpochDays);
  EXPECT_EQ(date("2024-02-29"), 19782);
  EXPECT_EQ(date("0001-01-01"), -719162);
  EXPECT_EQ(date("10000-01-01"), days_from_civil(10000, 1, 1));  // years of up to six digits
  EXPECT_EQ(date("294276-12-31"), days_from_civil(294276, 12, 31));
}

TEST(DateText, LeapYearsFollowTheGregorianRules) {
  EXPECT_NE(date("2024-02-29"), std::nullopt);
  EXPECT_NE(date("2000-02-29"), std::nullopt);  // divisible by 400
  EXPECT_EQ(date("2023-02-29"), std::nullopt);
  EXPECT_EQ(date("1900-02-29"), std::nullopt);  // divisible by 100 only
  EXPECT_EQ(date("2100-02-29"), std::nullopt);
  EXPECT_EQ(date("2024-03-01"), *date("2024-02-29") + 1);
  EXPECT_EQ(date("2023-03-01"), *date("2023-02-28") + 1);
}

TEST(DateText, NegativeYearsAreAstronomical) {
  // Year 0 is 1 BC and a leap year; -1 is 2 BC.
  EXPECT_EQ(date("0000-01-01"), *date("-0001-12-31") + 1);
  EXPECT_EQ(date("0000-02-29"), days_from_civil(0, 2, 29));
  EXPECT_EQ(date("-0004-02-29"), days_from_civil(-4, 2, 29));
  EXPECT_EQ(date("-0400-02-29"), days_from_civil(-400, 2, 29));
  EXPECT_EQ(date("-0001-02-29"), std::nullopt);
  EXPECT_EQ(date("-0100-02-29"), std::nullopt);
  EXPECT_EQ(date("-4713-11-24"), days_from_civil(-4713, 11, 24));  // the Julian day epoch
}

TEST(DateText, MonthAndDayRangesAndShapeAreChecked) {
  for (const char* bad : {"2024-04-31", "2024-06-31", "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32",
                          "24-01-01", "2024-1-01", "2024-01-1", "2024/01/01", "20240101", "2024-01-01x",
                          "2024-01-01 ", "", "1234567-01-01", "+2024-01-01"})
    EXPECT_EQ(date(bad), std::nullopt) << '"' << bad << '"';
}

TEST(DateText, AMidnightTimeOfDayIsAccepted) {
  EXPECT_EQ(date("2024-01-05 00:00:00"), date("2024-01-05"));
  EXPECT_EQ(date("2024-01-05T00:00"), date("2024-01-05"));
  EXPECT_EQ(date("2024-01-05 00:00:00.000000"), date("2024-01-05"));
  EXPECT_EQ(date("2024-01-05 10:00:00"), std::nullopt);
  EXPECT_EQ(date("2024-01-05 00:00:00.000001"), std::nullopt);
  EXPECT_EQ(date("2024-01-05 00:00:00+00"), std::nullopt);
}

TEST(TimeText, HoursMinutesSecondsAndFractions) {
  EXPECT_EQ(time_of_day("00:00"), 0);
  EXPECT_EQ(time_of_day("10:30"), hms(10, 30, 0));
  EXPECT_EQ(time_of_day("10:00:00.1"), hms(10, 0, 0, 100000));
  EXPECT_EQ(time_of_day("23:59:59.999999"), kMicrosPerDay - 1);
  EXPECT_EQ(time_of_day("24:00:00"), kMicrosPerDay);
  EXPECT_EQ(time_of_day("23:59:60"), kMicrosPerDay);  // a leap second, as PostgreSQL accepts
  for (const char* bad : {"24:00:01", "23:59:60.5", "25:00", "10:60", "10:00:61", "1:00", "10:0", "10:00:",
                          "10:00:00.", "10:00:00,5", "10", "", "-01:00", "10:00:00Z"})
    EXPECT_EQ(time_of_day(bad), std::nullopt) << '"' << bad << '"';
}

TEST(TimeText, SubMicrosecondDigitsRoundHalfToEven) {
  EXPECT_EQ(time_of_day("10:00:00.0000005"), time_of_day("10:00:00"));
  EXPECT_EQ(time_of_day("10:00:00.0000015"), time_of_day("10:00:00.000002"));
  EXPECT_EQ(time_of_day("10:00:00.00000051"), time_of_day("10:00:00.000001"));
  EXPECT_EQ(time_of_day("10:00:00.0000015", kTruncate), time_of_day("10:00:00.000001"));
  EXPECT_EQ(time_of_day("10:00:00.123456789"), hms(10, 0, 0, 123457));
  EXPECT_EQ(time_of_day("10:00:00.123456789", kTruncate), hms(10, 0, 0, 123456));
}

TEST(TimeText, RoundingCarriesIntoTheNextSecond) {
  EXPECT_EQ(time_of_day("10:00:59.9999995"), hms(10, 1, 0));
  EXPECT_EQ(time_of_day("23:59:59.9999995"), kMicrosPerDay);  // 24:00:00, still a time of day
  EXPECT_EQ(time_of_day("23:59:59.9999995", kTruncate), kMicrosPerDay - 1);
}

TEST(TimestampText, RoundingCrossesMidnight) {
  EXPECT_EQ(local("2024-12-31 23:59:59.9999995"), local("2025-01-01 00:00:00"));
  const auto truncated = local("2024-12-31 23:59:59.9999995", kTruncate);
  ASSERT_NE(truncated, std::nullopt);
  EXPECT_EQ(format_timestamp(*truncated), "2024-12-31 23:59:59.999999");
}

TEST(TimestampText, RoundingFollowsPostgresInputBitForBit) {
  // PostgreSQL reads the fraction as a double and rint()s it: these were checked against
  // PostgreSQL 15's own '…'::timestamp input.
  const std::int64_t day = midnight(2024, 1, 1);
  EXPECT_EQ(local("2024-01-01 00:00:00.0001255"), day + 125);
  EXPECT_EQ(local("2024-01-01 00:00:00.0001265"), day + 127);
  EXPECT_EQ(local("2024-01-01 00:00:00.0000025"), day + 2);
}

TEST(TimestampText, SpellingsAndZones) {
  EXPECT_EQ(local("2024-01-05T10:00:00.000000"), local("2024-01-05 10:00:00"));
  EXPECT_EQ(local("2024-01-05"), local("2024-01-05 00:00"));
  EXPECT_EQ(local("2024-01-05 10:00:00+02"), std::nullopt);
  EXPECT_EQ(local("2024-01-05 10:00:00Z"), std::nullopt);
  EXPECT_EQ(instant("2024-01-05 12:00:00+02:00"), instant("2024-01-05T10:00:00Z"));
  EXPECT_EQ(instant("2024-01-05 07:00:00-0300"), instant("2024-01-05 10:00:00"));
  EXPECT_EQ(local("1969-12-31 23:59:59.5"), -500000);
  EXPECT_EQ(local("2023-02-29 10:00:00"), std::nullopt);
  EXPECT_EQ(local("2024-02-29 10:00:00"), midnight(2024, 2, 29) + hms(10, 0, 0));
}

TEST(TimestampText, ZoneOffsetsInEveryAcceptedForm) {
  const std::int64_t utc = midnight(2024, 1, 5) + hms(10, 0, 0);
  for (const char* same : {"2024-01-05 12:00:00+02", "2024-01-05 12:00:00+0200", "2024-01-05 12:00:00+02:00",
                           "2024-01-05 12:00:00 +02:00", "2024-01-05 10:00:00 Z", "2024-01-05 10:00:00z",
                           "2024-01-05 15:30:00+05:30", "2024-01-05 06:30:00-03:30", "2024-01-05 15:45:00+05:45",
                           "2024-01-06 00:00:00+14:00", "2024-01-05 12:00:30+02:00:30"})
    EXPECT_EQ(instant(same), utc) << same;
  EXPECT_EQ(instant("2024-01-05+02"), midnight(2024, 1, 5) - hms(2, 0, 0));  // a date with a zone
}

TEST(TimestampText, ZonesMoveTheInstantAcrossDaysAndLeapDays) {
  EXPECT_EQ(instant("2024-01-01 01:00:00+03:00"), instant("2023-12-31 22:00:00Z"));
  EXPECT_EQ(instant("2024-02-28 23:30:00-01:00"), instant("2024-02-29 00:30:00Z"));
  EXPECT_EQ(instant("1970-01-01 00:00:00+00:00:01"), -kMicrosPerSecond);
}

TEST(TimestampText, MalformedTextAndOffsetsAreRefused) {
  for (const char* bad : {"2024-01-05 10", "2024-01-05 10:00:00 junk", "2024-01-05  10:00", "2024-01-05T",
                          "2024-01-05 25:00", "2024-01-05 10:00:00+2", "2024-01-05 10:00:00+16",
                          "2024-01-05 10:00:00+02:60", "2024-01-05 10:00:00+02:00:60", "2024-01-05 10:00:00 UTC",
                          "2024-01-05 10:00:00+02x", "05/01/2024 10:00"})
    EXPECT_EQ(instant(bad), std::nullopt) << '"' << bad << '"';
}

TEST(TimestampText, FarPastAndFuture) {
  EXPECT_EQ(local("0001-01-01 00:00:00"), midnight(1, 1, 1));
  EXPECT_EQ(local("-0044-03-15 12:00:00"), midnight(-44, 3, 15) + hms(12, 0, 0));
  EXPECT_EQ(local("9999-12-31 23:59:59.999999"), midnight(10000, 1, 1) - 1);
}

TEST(FractionText, DigitsOfASecondToMicroseconds) {
  EXPECT_EQ(fraction_to_micros("5", kEven), 500000);
  EXPECT_EQ(fraction_to_micros("000001", kEven), 1);
  EXPECT_EQ(fraction_to_micros("999999", kEven), 999999);
  EXPECT_EQ(fraction_to_micros("0000005", kEven), 0);
  EXPECT_EQ(fraction_to_micros("0000015", kEven), 2);
  EXPECT_EQ(fraction_to_micros("9999995", kEven), 1000000);
  EXPECT_EQ(fraction_to_micros("9999995", kTruncate), 999999);
  // More digits than fit an exact integer: read as a double, as PostgreSQL does.
  EXPECT_EQ(fraction_to_micros("1234567890123456789", kEven), 123457);
  EXPECT_EQ(fraction_to_micros("1234567890123456789", kTruncate), 123456);
  EXPECT_EQ(fraction_to_micros("0000005000001000000", kEven), 1);
  EXPECT_EQ(fraction_to_micros("9999999999999999999", kTruncate), 999999);
}

}  // namespace
}  // namespace recon::canon

// Calendar arithmetic and ISO formatting (src/core/calendar.cpp): proleptic Gregorian days since
// 1970-01-01, time-of-day splitting, PostgreSQL's rounding of fractions, hex/uuid/double text and
// big-endian readers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

#include "recon/core/canonical.hpp"

namespace recon::canon {
namespace {

struct Civil {
  int y;
  unsigned m, d;
  bool operator==(const Civil&) const = default;
};

Civil civil(std::int32_t days) {
  Civil c{};
  civil_from_days(days, c.y, c.m, c.d);
  return c;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned month_length(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

Civil next_day(Civil c) {
  if (c.d < month_length(c.y, c.m)) return {c.y, c.m, c.d + 1};
  if (c.m < 12) return {c.y, c.m + 1, 1};
  return {c.y + 1, 1, 1};
}

TEST(Calendar, EpochAnchors) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 1, 1), kPostgresEpochDays);
  EXPECT_EQ(days_from_civil(2024, 2, 29), 19782);
  EXPECT_EQ(days_from_civil(1, 1, 1), -719162);
  EXPECT_EQ(days_from_civil(0, 3, 1), -719468);  // the start of the algorithm's era 0
  EXPECT_EQ(civil(0), (Civil{1970, 1, 1}));
  EXPECT_EQ(civil(-1), (Civil{1969, 12, 31}));
  EXPECT_EQ(civil(19782), (Civil{2024, 2, 29}));
}

// Every day from 1001 BC to AD 3000, against a day-by-day count with its own leap-year rule.
TEST(Calendar, EveryDayOfFourThousandYearsRoundTrips) {
  Civil expected{-1000, 1, 1};
  const std::int32_t first = days_from_civil(expected.y, expected.m, expected.d);
  const std::int32_t last = days_from_civil(3000, 12, 31);
  for (std::int32_t z = first; z <= last; ++z) {
    const Civil got = civil(z);
    ASSERT_EQ(got, expected) << "day " << z;
    ASSERT_EQ(days_from_civil(got.y, got.m, got.d), z);
    expected = next_day(expected);
  }
}

TEST(Calendar, YearAndFebruaryLengths) {
  for (int y : {-400, -100, -4, -1, 0, 1, 1900, 1970, 2000, 2023, 2024, 2100, 2400}) {
    EXPECT_EQ(days_from_civil(y + 1, 1, 1) - days_from_civil(y, 1, 1), is_leap(y) ? 366 : 365) << y;
    EXPECT_EQ(days_from_civil(y, 3, 1) - days_from_civil(y, 2, 1), is_leap(y) ? 29 : 28) << y;
  }
  EXPECT_FALSE(is_leap(1900));
  EXPECT_TRUE(is_leap(2000));
  EXPECT_TRUE(is_leap(0));
}

TEST(Calendar, ExactOverPostgresDateRangeAndDownToInt32Min) {
  // PostgreSQL's date range is 4714-11-24 BC (astronomical -4713) to 5874897-12-31.
  for (const Civil c : {Civil{-4713, 11, 24}, Civil{5874897, 12, 31}, Civil{294276, 12, 31}}) {
    const std::int32_t z = days_from_civil(c.y, c.m, c.d);
    EXPECT_EQ(civil(z), c) << c.y;
  }
  // PostgreSQL's DATETIME_MAX_JULIAN: date2j(5874898, 1, 1), Julian day 0 being 4714-11-24 BC.
  EXPECT_EQ(days_from_civil(5874898, 1, 1) - days_from_civil(-4713, 11, 24), 2147483494);
  // Both ends of the int32 day range round-trip (the day count is computed in 64 bits).
  for (const std::int32_t end : {std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()}) {
    const Civil c = civil(end);
    EXPECT_EQ(days_from_civil(c.y, c.m, c.d), end);
  }
}

TEST(Calendar, FormatDate) {
  EXPECT_EQ(format_date(0), "1970-01-01");
  EXPECT_EQ(format_date(19782), "2024-02-29");
  EXPECT_EQ(format_date(days_from_civil(1, 1, 1)), "0001-01-01");
  EXPECT_EQ(format_date(days_from_civil(0, 1, 1)), "0000-01-01");
  EXPECT_EQ(format_date(days_from_civil(9999, 12, 31)), "9999-12-31");
  // Outside ISO's four-digit years the year is printed as it is.
  EXPECT_EQ(format_date(days_from_civil(10000, 1, 1)), "10000-01-01");
  EXPECT_EQ(format_date(days_from_civil(-1, 12, 31)), "-1-12-31");
}

TEST(Calendar, FormatTimeTrimsTheFraction) {
  EXPECT_EQ(format_time(0), "00:00:00");
  EXPECT_EQ(format_time(1), "00:00:00.000001");
  EXPECT_EQ(format_time(500000), "00:00:00.5");
  EXPECT_EQ(format_time(((13 * 60 + 5) * 60 + 9) * kMicrosPerSecond + 120000), "13:05:09.12");
  EXPECT_EQ(format_time(kMicrosPerDay - 1), "23:59:59.999999");
  EXPECT_EQ(format_time(kMicrosPerDay), "24:00:00");
}

TEST(Calendar, SplitMicrosFloorsBeforeTheEpoch) {
  auto split = [](std::int64_t us) {
    std::int32_t days;
    std::int64_t tod;
    split_micros(us, days, tod);
    return std::pair{days, tod};
  };
  EXPECT_EQ(split(0), (std::pair<std::int32_t, std::int64_t>{0, 0}));
  EXPECT_EQ(split(-1), (std::pair<std::int32_t, std::int64_t>{-1, kMicrosPerDay - 1}));
  EXPECT_EQ(split(-kMicrosPerDay), (std::pair<std::int32_t, std::int64_t>{-1, 0}));
  EXPECT_EQ(split(kMicrosPerDay + 7), (std::pair<std::int32_t, std::int64_t>{1, 7}));
  EXPECT_EQ(split(-kMicrosPerDay - 7), (std::pair<std::int32_t, std::int64_t>{-2, kMicrosPerDay - 7}));
}

TEST(Calendar, FormatTimestamp) {
  EXPECT_EQ(format_timestamp(0), "1970-01-01 00:00:00");
  EXPECT_EQ(format_timestamp(-1), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(format_timestamp(-500000), "1969-12-31 23:59:59.5");
  EXPECT_EQ(format_timestamp(std::int64_t{19782} * kMicrosPerDay + 3723 * kMicrosPerSecond), "2024-02-29 01:02:03");
  EXPECT_EQ(format_timestamp(std::int64_t{days_from_civil(1, 1, 1)} * kMicrosPerDay), "0001-01-01 00:00:00");
}

TEST(Calendar, FractionMicrosRoundsAsPostgresInput) {
  EXPECT_EQ(fraction_micros(1255, 10'000'000, TimeRounding::HalfEven), 125);  // 125.4999… as a double
  EXPECT_EQ(fraction_micros(5, 10'000'000, TimeRounding::HalfEven), 0);       // ties to even
  EXPECT_EQ(fraction_micros(15, 10'000'000, TimeRounding::HalfEven), 2);
  EXPECT_EQ(fraction_micros(9'999'995, 10'000'000, TimeRounding::HalfEven), 1'000'000);
  EXPECT_EQ(fraction_micros(9'999'995, 10'000'000, TimeRounding::Truncate), 999'999);
  EXPECT_EQ(fraction_micros(0, 1, TimeRounding::HalfEven), 0);
  EXPECT_EQ(fraction_micros(1, 2, TimeRounding::Truncate), 500'000);
  // No overflow in the product for a 10^15 denominator.
  EXPECT_EQ(fraction_micros(999'999'999'999'999, 1'000'000'000'000'000, TimeRounding::Truncate), 999'999);
  EXPECT_EQ(fraction_micros(999'999'999'999'999, 1'000'000'000'000'000, TimeRounding::HalfEven), 1'000'000);
}

TEST(Calendar, HexAndUuidText) {
  EXPECT_EQ(format_hex(""), "");
  EXPECT_EQ(format_hex(std::string("\x00\x0a\x7f\x80\xff", 5)), "000a7f80ff");
  const std::string uuid("\x6f\x96\x19\xff\x8b\x86\xd0\x11\xb4\x2d\x00\xc0\x4f\xc9\x64\xff", 16);
  EXPECT_EQ(format_uuid(uuid), "6f9619ff-8b86-d011-b42d-00c04fc964ff");
}

TEST(Calendar, ShortestRoundTripDoubles) {
  EXPECT_EQ(format_double(0.1), "0.1");
  EXPECT_EQ(format_double(1.5), "1.5");
  EXPECT_EQ(format_double(-2.25), "-2.25");
  EXPECT_EQ(format_double(100), "100");
  EXPECT_EQ(format_double(1e300), "1e+300");
  for (double v : {0.1 + 0.2, 1.0 / 3, 5e-324, std::numeric_limits<double>::max()})
    EXPECT_EQ(std::strtod(format_double(v).c_str(), nullptr), v) << format_double(v);
}

TEST(Calendar, BigEndianReaders) {
  const char bytes[] = "\x01\x02\x03\x04\xff\xfe\xfd\x80";
  EXPECT_EQ(read_be16(bytes), 0x0102);
  EXPECT_EQ(read_be16(bytes + 4), 0xfffe);  // no sign extension
  EXPECT_EQ(read_be32(bytes), 0x01020304u);
  EXPECT_EQ(read_be32(bytes + 4), 0xfffefd80u);
  EXPECT_EQ(read_be64(bytes), 0x01020304fffefd80ULL);
}

}  // namespace
}  // namespace recon::canon

// DB-Library values -> canonical values, from hand-built buffers in FreeTDS's layouts.
#include <sybfront.h>
#include <sybdb.h>

#include <cstring>

#include <gtest/gtest.h>

#include "../../src/connector/sqlserver/tds_values.hpp"
#include "recon/core/canonical.hpp"

namespace recon::tds {
namespace {

constexpr std::int64_t kUs = 1'000'000;

/// Decodes one value and renders it (to_display) with its class name.
std::string decode(Wire wire, TypeClass as, const void* data, std::size_t len,
                   TimeRounding rounding = TimeRounding::HalfEven, bool trim = false) {
  ColumnDecoder d;
  d.wire = wire;
  d.compare_as = as;
  d.rounding = rounding;
  d.trim_padding = trim;
  std::string out, scratch;
  decode_value(d, static_cast<const unsigned char*>(data), len, out, scratch);
  std::size_t pos = 0;
  const canon::ValueView v = canon::read_value(out, pos);
  EXPECT_EQ(pos, out.size());
  return std::string(type_class_name(v.tag)) + " " + canon::to_display(v);
}

DBDATETIMEALL dta(std::int32_t days_since_1900, std::uint64_t units, std::int16_t offset = 0) {
  DBDATETIMEALL d;
  std::memset(&d, 0, sizeof d);
  d.date = days_since_1900;
  d.time = units;
  d.offset = offset;
  d.time_prec = 7;
  d.has_date = 1;
  d.has_time = 1;
  return d;
}

std::int32_t days1900(int y, unsigned m, unsigned d) { return canon::days_from_civil(y, m, d) + kDays1900To1970; }

TEST(SqlServerValues, EpochConstantIsRight) { EXPECT_EQ(canon::days_from_civil(1900, 1, 1), -kDays1900To1970); }

TEST(SqlServerValues, HundredNanosecondsRoundHalfEvenByDefault) {
  EXPECT_EQ(hundred_ns_to_micros(5, TimeRounding::HalfEven), 0);    // …00.0000005 -> …00.000000
  EXPECT_EQ(hundred_ns_to_micros(15, TimeRounding::HalfEven), 2);   // …00.0000015 -> …00.000002
  EXPECT_EQ(hundred_ns_to_micros(25, TimeRounding::HalfEven), 2);
  EXPECT_EQ(hundred_ns_to_micros(16, TimeRounding::HalfEven), 2);
  EXPECT_EQ(hundred_ns_to_micros(14, TimeRounding::HalfEven), 1);
  EXPECT_EQ(hundred_ns_to_micros(19, TimeRounding::Truncate), 1);
}

TEST(SqlServerValues, Datetime2CrossesMidnightWhenRoundingUp) {
  const auto v = dta(days1900(2024, 2, 29), 863'999'999'995ULL);  // 23:59:59.9999995
  EXPECT_EQ(decode(Wire::DateTime2, TypeClass::Timestamp, &v, sizeof v), "timestamp 2024-03-01 00:00:00");
  EXPECT_EQ(decode(Wire::DateTime2, TypeClass::Timestamp, &v, sizeof v, TimeRounding::Truncate),
            "timestamp 2024-02-29 23:59:59.999999");
  const auto w = dta(days1900(2020, 1, 1), 36'000'000'015ULL);  // 01:00:00.0000015
  EXPECT_EQ(decode(Wire::DateTime2, TypeClass::Timestamp, &w, sizeof w), "timestamp 2020-01-01 01:00:00.000002");
}

TEST(SqlServerValues, TimeDateAndEarlyDates) {
  const auto t = dta(0, 863'999'999'995ULL);
  EXPECT_EQ(decode(Wire::Time, TypeClass::Time, &t, sizeof t), "time 24:00:00");
  const auto t3 = dta(0, (12 * 3600 + 34 * 60 + 56) * 10'000'000ULL + 1'234'567);
  EXPECT_EQ(decode(Wire::Time, TypeClass::Time, &t3, sizeof t3), "time 12:34:56.123457");
  const auto d = dta(days1900(1, 1, 1), 0);
  EXPECT_EQ(d.date, -693595);
  EXPECT_EQ(decode(Wire::Date, TypeClass::Date, &d, sizeof d), "date 0001-01-01");
  const auto d2 = dta(days1900(9999, 12, 31), 0);
  EXPECT_EQ(decode(Wire::Date, TypeClass::Date, &d2, sizeof d2), "date 9999-12-31");
}

TEST(SqlServerValues, DatetimeoffsetIsTheUtcInstant) {
  // 2024-05-01 10:00:00 +03:00 travels as 07:00 UTC with offset 180.
  const auto v = dta(days1900(2024, 5, 1), 7 * 3600 * 10'000'000ULL, 180);
  std::string out, scratch;
  ColumnDecoder d;
  d.wire = Wire::DateTimeOffset;
  d.compare_as = TypeClass::TimestampTz;
  decode_value(d, reinterpret_cast<const unsigned char*>(&v), sizeof v, out, scratch);
  std::size_t pos = 0;
  const auto vv = canon::read_value(out, pos);
  ASSERT_EQ(vv.tag, TypeClass::TimestampTz);
  EXPECT_EQ(vv.as_int64(), (std::int64_t{canon::days_from_civil(2024, 5, 1)} * 86400 + 7 * 3600) * kUs);
}

TEST(SqlServerValues, DatetimeShowsSqlServerMilliseconds) {
  EXPECT_EQ(datetime_ticks_to_micros(0), 0);
  EXPECT_EQ(datetime_ticks_to_micros(1), 3000);   // .003
  EXPECT_EQ(datetime_ticks_to_micros(2), 7000);   // .007
  EXPECT_EQ(datetime_ticks_to_micros(3), 10000);  // .010
  EXPECT_EQ(datetime_ticks_to_micros(299), 997000);
  EXPECT_EQ(datetime_ticks_to_micros(300LL * 86400 - 1), 86'399'997'000);  // 23:59:59.997
  const std::int32_t dt[2] = {days1900(2023, 7, 14), 300 * 3600 + 2};
  EXPECT_EQ(decode(Wire::DateTime, TypeClass::Timestamp, dt, sizeof dt), "timestamp 2023-07-14 01:00:00.007");
  const std::int32_t before1900[2] = {days1900(1753, 1, 1), 0};
  EXPECT_EQ(decode(Wire::DateTime, TypeClass::Timestamp, before1900, sizeof before1900), "timestamp 1753-01-01 00:00:00");
  const std::uint16_t small[2] = {static_cast<std::uint16_t>(days1900(2079, 6, 6)), 23 * 60 + 59};
  EXPECT_EQ(decode(Wire::DateTime4, TypeClass::Timestamp, small, sizeof small), "timestamp 2079-06-06 23:59:00");
}

TEST(SqlServerValues, GuidBytesAreReorderedToRfc) {
  // 6F9619FF-8B86-D011-B42D-00C04FC964FF as SQL Server sends it.
  const unsigned char wire[16] = {0xFF, 0x19, 0x96, 0x6F, 0x86, 0x8B, 0x11, 0xD0,
                                  0xB4, 0x2D, 0x00, 0xC0, 0x4F, 0xC9, 0x64, 0xFF};
  EXPECT_EQ(decode(Wire::Guid, TypeClass::Uuid, wire, 16), "uuid 6f9619ff-8b86-d011-b42d-00c04fc964ff");
  EXPECT_EQ(decode(Wire::Guid, TypeClass::Text, wire, 16), "text \"6f9619ff-8b86-d011-b42d-00c04fc964ff\"");
}

/// A DBNUMERIC as FreeTDS leaves it: precision, scale, sign (1 = negative), big-endian magnitude.
DBNUMERIC numeric(int precision, int scale, bool negative, unsigned __int128 magnitude) {
  static constexpr int kBytes[39] = {1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 7, 7, 8, 8, 9, 9, 9,
                                     10, 10, 11, 11, 11, 12, 12, 13, 13, 14, 14, 14, 15, 15, 16, 16, 16, 17, 17};
  DBNUMERIC n;
  std::memset(&n, 0, sizeof n);
  n.precision = static_cast<unsigned char>(precision);
  n.scale = static_cast<unsigned char>(scale);
  n.array[0] = negative ? 1 : 0;
  const int len = kBytes[precision] - 1;
  for (int i = len; i >= 1; --i, magnitude >>= 8) n.array[i] = static_cast<unsigned char>(magnitude & 0xff);
  return n;
}

TEST(SqlServerValues, DecimalIsExact) {
  auto n = numeric(18, 2, false, 123450);
  EXPECT_EQ(decode(Wire::Numeric, TypeClass::Decimal, &n, sizeof n), "decimal 1234.5");
  n = numeric(5, 5, true, 1);
  EXPECT_EQ(decode(Wire::Numeric, TypeClass::Decimal, &n, sizeof n), "decimal -0.00001");
  n = numeric(10, 0, false, 9'999'999'999ULL);  // precision 10: FreeTDS keeps 5 magnitude bytes
  EXPECT_EQ(decode(Wire::Numeric, TypeClass::Decimal, &n, sizeof n), "decimal 9999999999");
  unsigned __int128 big = 1;
  for (int i = 0; i < 38; ++i) big *= 10;
  n = numeric(38, 10, true, big - 1);  // -9999999999999999999999999999.9999999999
  EXPECT_EQ(decode(Wire::Numeric, TypeClass::Decimal, &n, sizeof n),
            "decimal -9999999999999999999999999999.9999999999");
  n = numeric(9, 3, true, 0);
  EXPECT_EQ(decode(Wire::Numeric, TypeClass::Decimal, &n, sizeof n), "decimal 0");
  n = numeric(9, 3, false, 1500);
  EXPECT_EQ(decode(Wire::Numeric, TypeClass::Float, &n, sizeof n), "float 1.5");
  DBNUMERIC bad = numeric(9, 3, false, 1);
  bad.precision = 40;
  EXPECT_EQ(decode(Wire::Numeric, TypeClass::Decimal, &bad, sizeof bad).rfind("invalid", 0), 0u);
}

TEST(SqlServerValues, MoneyHasFourDecimalPlaces) {
  auto money = [](std::int64_t v) {
    std::int32_t parts[2] = {static_cast<std::int32_t>(v >> 32), static_cast<std::int32_t>(static_cast<std::uint32_t>(v))};
    return decode(Wire::Money, TypeClass::Decimal, parts, sizeof parts);
  };
  EXPECT_EQ(money(12'345'000), "decimal 1234.5");
  EXPECT_EQ(money(-1), "decimal -0.0001");
  EXPECT_EQ(money(INT64_MIN), "decimal -922337203685477.5808");
  EXPECT_EQ(money(INT64_MAX), "decimal 922337203685477.5807");
  const std::int32_t small = -2'147'483'648;
  EXPECT_EQ(decode(Wire::Money4, TypeClass::Decimal, &small, 4), "decimal -214748.3648");
}

TEST(SqlServerValues, IntegersBitFloatsTextBytes) {
  const unsigned char tiny = 255;
  EXPECT_EQ(decode(Wire::Int1, TypeClass::Integer, &tiny, 1), "integer 255");
  const std::int16_t s = -32768;
  EXPECT_EQ(decode(Wire::Int2, TypeClass::Integer, &s, 2), "integer -32768");
  const std::int64_t b = INT64_MIN;
  EXPECT_EQ(decode(Wire::Int8, TypeClass::Integer, &b, 8), "integer -9223372036854775808");
  const std::int32_t i = 42;
  EXPECT_EQ(decode(Wire::Int4, TypeClass::Decimal, &i, 4), "decimal 42");
  const unsigned char bit = 1;
  EXPECT_EQ(decode(Wire::Bit, TypeClass::Boolean, &bit, 1), "boolean true");
  const float r = 0.1f;
  EXPECT_EQ(decode(Wire::Real, TypeClass::Float, &r, 4), "float " + canon::format_double(static_cast<double>(0.1f)));
  const double f = 0.1;
  EXPECT_EQ(decode(Wire::Float, TypeClass::Float, &f, 8), "float 0.1");
  EXPECT_EQ(decode(Wire::Text, TypeClass::Text, "ab  ", 4, TimeRounding::HalfEven, true), "text \"ab\"");
  EXPECT_EQ(decode(Wire::Text, TypeClass::Text, "ab  ", 4), "text \"ab  \"");
  EXPECT_EQ(decode(Wire::Text, TypeClass::Text, "", 0), "text \"\"");
  EXPECT_EQ(decode(Wire::Text, TypeClass::Json, "{\"b\": 1, \"a\": 2}", 16), "json {\"a\":2,\"b\":1}");
  EXPECT_EQ(decode(Wire::Binary, TypeClass::Bytes, "\x01\xff", 2), "bytes \\x01ff");
  EXPECT_EQ(decode(Wire::Int4, TypeClass::Integer, &i, 2).rfind("invalid", 0), 0u);  // wrong width
}

TEST(SqlServerValues, WireTypesFromDbcoltype) {
  EXPECT_EQ(wire_for_type(SYBINTN, 8), Wire::Int8);
  EXPECT_EQ(wire_for_type(SYBFLTN, 4), Wire::Real);
  EXPECT_EQ(wire_for_type(SYBMONEYN, 4), Wire::Money4);
  EXPECT_EQ(wire_for_type(SYBDATETIMN, 8), Wire::DateTime);
  EXPECT_EQ(wire_for_type(SYBMSDATETIMEOFFSET, 16), Wire::DateTimeOffset);
  EXPECT_EQ(wire_for_type(36, 16), Wire::Guid);
  EXPECT_EQ(wire_for_type(241, 0), Wire::Text);  // xml
  EXPECT_EQ(wire_for_type(98, 0), Wire::Unsupported);  // sql_variant
}

}  // namespace
}  // namespace recon::tds

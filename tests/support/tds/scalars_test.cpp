// Exact parsing and orderings of fixture values (no network).
#include <gtest/gtest.h>

#include "scalars.hpp"
#include "types.hpp"

namespace tds_test {
namespace {

TEST(Scalars, DaysFromCivil) {
  EXPECT_EQ(days_from_civil(1, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1900, 1, 1), 693595);
  EXPECT_EQ(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28), 2);  // leap year
}

TEST(Scalars, ParsesTemporalForms) {
  auto t = parse_temporal("2024-02-29 23:59:59.1234567");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->has_date && t->has_time && !t->has_offset);
  EXPECT_EQ(t->nanos, (86399LL * 1'000'000'000) + 123'456'700);
  auto o = parse_temporal("2024-01-01T00:30:00 +02:00");
  ASSERT_TRUE(o);
  to_utc(*o);
  EXPECT_EQ(o->days, days_from_civil(2023, 12, 31));
  EXPECT_EQ(o->nanos, (22LL * 3600 + 30 * 60) * 1'000'000'000);
  EXPECT_TRUE(parse_temporal("10:15"));
  EXPECT_FALSE(parse_temporal("2023-02-29"));
  EXPECT_FALSE(parse_temporal("2024-01-01 25:00:00"));
  EXPECT_FALSE(parse_temporal("yesterday"));
}

TEST(Scalars, DecimalsAreExactAndRoundHalfAwayFromZero) {
  auto d = parse_decimal("1234.5", 18, 2);
  ASSERT_TRUE(d);
  EXPECT_EQ(std::uint64_t(d->magnitude), 123450u);
  d = parse_decimal("-0.005", 10, 2);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->negative);
  EXPECT_EQ(std::uint64_t(d->magnitude), 1u);
  d = parse_decimal("99999999999999999999999999999999999999", 38, 0);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->magnitude, [] { unsigned __int128 v = 1; for (int i = 0; i < 38; ++i) v *= 10; return v - 1; }());
  EXPECT_FALSE(parse_decimal("1000", 3, 0));  // overflow
  EXPECT_FALSE(parse_decimal("12x", 5, 0));
  EXPECT_TRUE(parse_decimal("1e3", 5, 0));
}

TEST(Scalars, CompareDecimalIsNumeric) {
  EXPECT_EQ(compare_decimal("1.50", "1.5"), 0);
  EXPECT_LT(compare_decimal("9.99", "10"), 0);
  EXPECT_LT(compare_decimal("-10", "-9.5"), 0);
  EXPECT_GT(compare_decimal("0.001", "-0.001"), 0);
  EXPECT_EQ(compare_decimal("-0", "0.000"), 0);
}

TEST(Scalars, CompareTemporalUsesInstants) {
  EXPECT_EQ(compare_temporal("2024-01-01 10:00:00 +02:00", "2024-01-01 08:00:00 +00:00"), 0);
  EXPECT_LT(compare_temporal("2024-01-01 00:00:00", "2024-01-01T00:00:00.0000001"), 0);
  EXPECT_EQ(compare_temporal("2024-01-01 00:00:00.5", "2024-01-01 00:00:00.500"), 0);
}

TEST(Scalars, GuidOrderIsSqlServers) {
  // SQL Server orders the last group (bytes 10-15) first.
  EXPECT_LT(compare_guid_sqlserver("FFFFFFFF-FFFF-FFFF-FFFF-000000000000", "00000000-0000-0000-0000-000000000001"), 0);
  // Within the third group, the stored little-endian byte order decides: 0100 (stored 00 01) < 0001 (stored 01 00).
  EXPECT_LT(compare_guid_sqlserver("00000000-0000-0100-0000-000000000000", "00000000-0000-0001-0000-000000000000"), 0);
  EXPECT_EQ(compare_guid_sqlserver("6f9619ff-8b86-d011-b42d-00c04fc964ff", "6F9619FF-8B86-D011-B42D-00C04FC964FF"), 0);
  const auto w = guid_wire_bytes(*parse_guid("6F9619FF-8B86-D011-B42D-00C04FC964FF"));
  const std::uint8_t expect[16] = {0xFF, 0x19, 0x96, 0x6F, 0x86, 0x8B, 0x11, 0xD0,
                                   0xB4, 0x2D, 0x00, 0xC0, 0x4F, 0xC9, 0x64, 0xFF};
  EXPECT_TRUE(std::equal(w.begin(), w.end(), expect));
}

TEST(Types, ParsesDeclaredTypes) {
  auto t = parse_sql_type("decimal(38,10) text");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, Kind::Decimal);
  EXPECT_EQ(t->precision, 38);
  EXPECT_EQ(t->scale, 10);
  EXPECT_EQ(parse_sql_type("NVARCHAR(MAX)")->length, -1);
  EXPECT_EQ(parse_sql_type("datetime2")->scale, 7);
  EXPECT_EQ(parse_sql_type("text")->kind, Kind::Text);  // the type, not the suffix
  EXPECT_EQ(parse_sql_type("float(24)")->kind, Kind::Real);
  EXPECT_FALSE(parse_sql_type("varchar2(10)"));
  EXPECT_FALSE(parse_sql_type("INTEGER"));
  EXPECT_FALSE(parse_sql_type("decimal(39,0)"));
  EXPECT_FALSE(parse_sql_type("char(max)"));
}

TEST(Types, RowversionIsBinaryEightWithUserType80) {
  for (const char* declared : {"rowversion", "TIMESTAMP"}) {
    auto t = parse_sql_type(declared);
    ASSERT_TRUE(t) << declared;
    EXPECT_EQ(t->kind, Kind::Binary);
    EXPECT_EQ(t->length, 8);
    EXPECT_EQ(t->user_type, kUserTypeRowVersion);
    EXPECT_EQ(t->data_type(), "timestamp");  // INFORMATION_SCHEMA's name for it
  }
  EXPECT_EQ(parse_sql_type("binary(8)")->user_type, 0u);
}

TEST(Types, CatalogOnlyTypesKeepTheirNames) {
  for (const char* declared : {"sql_variant", "hierarchyid", "geography", "geometry"}) {
    auto t = parse_sql_type(declared);
    ASSERT_TRUE(t) << declared;
    EXPECT_EQ(t->catalog_only, declared);
    EXPECT_EQ(t->data_type(), declared);
    EXPECT_EQ(t->spelled(), declared);
  }
  EXPECT_FALSE(parse_sql_type("hierarchyid(4)"));
}

TEST(Types, CollationsOnTheWire) {
  const std::array<std::uint8_t, 5> cp1_ci_as = {0x09, 0x04, 0xD0, 0x00, 0x34};
  EXPECT_EQ(default_collation().wire, cp1_ci_as);
  const std::array<std::uint8_t, 5> bin2 = {0x09, 0x04, 0x00, 0x02, 0x00};
  EXPECT_EQ(find_collation("Latin1_General_BIN2")->wire, bin2);
  EXPECT_TRUE(find_collation("Latin1_General_100_CI_AS"));
  EXPECT_FALSE(find_collation("Cyrillic_General_CI_AS"));
  EXPECT_TRUE(find_collation("SQL_Latin1_General_CP1_CI_AS")->case_insensitive);
  EXPECT_FALSE(find_collation("Latin1_General_CS_AS")->case_insensitive);
}

}  // namespace
}  // namespace tds_test

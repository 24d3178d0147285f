// Every SQL Server type served by tds_test_server, read back through DB-Library (FreeTDS) as text,
// as raw bytes, and through typed binds.
#include <cstring>

#include "dblib_support.hpp"
#include "scalars.hpp"

namespace tds_test::testing {
namespace {

constexpr std::int64_t kDay1900 = 693595;

const char* kAllTypes = R"sql(
CREATE TABLE "dbo.AllTypes" (
  id int PRIMARY KEY,
  c_tinyint tinyint, c_smallint smallint, c_int int, c_bigint bigint, c_bit bit,
  c_dec "decimal(18,2) text", c_num38 "numeric(38,10) text", c_dec5 "decimal(5,0) text",
  c_money "money text", c_smallmoney "smallmoney text", c_float float, c_real real,
  c_date "date text", c_time "time(7) text", c_time0 "time(0) text", c_dt "datetime text",
  c_sdt "smalldatetime text", c_dt2 "datetime2(7) text", c_dt2_3 "datetime2(3) text",
  c_dto "datetimeoffset(7) text", c_guid "uniqueidentifier text",
  c_char "char(5)", c_varchar "varchar(20)", c_nchar "nchar(4)", c_nvarchar "nvarchar(50)",
  c_nvmax "nvarchar(max)", c_vmax "varchar(max)", c_text text, c_ntext ntext,
  c_bin "binary(4)", c_varbin "varbinary(10)", c_vbmax "varbinary(max)", c_image image, c_xml xml);
INSERT INTO "dbo.AllTypes" VALUES (1,
  255, -32768, -2147483648, 9223372036854775807, 1,
  '1234.5', '-12345678901234567890.0123456789', '99999',
  '922337203685477.5807', '-214748.3648', 1.5e300, 3.25,
  '2024-02-29', '23:59:59.9999999', '12:34:56.7', '2024-01-01 10:00:00.005',
  '2079-06-06 23:59', '0001-01-01 00:00:00.0000001', '2024-06-30 12:00:00.1235',
  '2024-01-01 00:30:00.5 +02:00', '6f9619ff-8b86-d011-b42d-00c04fc964ff',
  'ab', 'café €', 'ñ', 'e' || char(769) || ' 😀 日本語 Ωμέγα',
  replace(hex(zeroblob(6000)), '00', 'ä'), replace(hex(zeroblob(4500)), '0', 'x'), 'plain text', 'ntext ☃',
  X'0102', X'00FF10', zeroblob(10000), X'DEADBEEF', '<a b="1">ü</a>');
INSERT INTO "dbo.AllTypes" (id) VALUES (2);
INSERT INTO "dbo.AllTypes" (id, c_dt, c_dt2_3, c_sdt, c_varchar, c_nvarchar, c_dto, c_dec, c_time0)
  VALUES (3, '1999-12-31 23:59:59.999', '2024-01-01 23:59:59.9995', '2024-01-01 23:59:30', '日本', '',
          '2024-01-01 00:00:00 -05:30', '-0.005', '23:59:59.6');
)sql";

class DblibTypes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fx_ = new ServedFixture(kAllTypes); }
  static void TearDownTestSuite() {
    delete fx_;
    fx_ = nullptr;
  }
  void SetUp() override { captured().clear(); }
  static ServedFixture* fx_;
};
ServedFixture* DblibTypes::fx_ = nullptr;

/// Positions the connection on the single row of `sql`.
void one_row(DBPROCESS* p, const std::string& sql) {
  dbcmd(p, sql.c_str());
  ASSERT_EQ(dbsqlexec(p), kDbOk);
  ASSERT_EQ(dbresults(p), kDbOk);
  ASSERT_EQ(dbnextrow(p), REG_ROW);
}

void finish(DBPROCESS* p) {
  while (dbnextrow(p) != NO_MORE_ROWS) {
  }
  while (dbresults(p) != NO_MORE_RESULTS) {
  }
}

template <class T>
T as(DBPROCESS* p, int col) {
  T v;
  EXPECT_EQ(dbdatlen(p, col), DBINT(sizeof(T))) << "column " << col;
  std::memcpy(&v, dbdata(p, col), sizeof(T));
  return v;
}

std::string text(DBPROCESS* p, int col) {
  return std::string(reinterpret_cast<const char*>(dbdata(p, col)), std::size_t(dbdatlen(p, col)));
}

std::string converted(DBPROCESS* p, int col) {
  char buf[512];
  const DBINT n = dbconvert(p, dbcoltype(p, col), dbdata(p, col), dbdatlen(p, col), SYBCHAR,
                            reinterpret_cast<BYTE*>(buf), -1);
  return n < 0 ? "<convert failed>" : std::string(buf);
}

TEST_F(DblibTypes, IntegersBitAndFloats) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  one_row(c, "SELECT c_tinyint, c_smallint, c_int, c_bigint, c_bit, c_float, c_real FROM dbo.AllTypes WHERE id = 1");
  EXPECT_EQ(as<DBTINYINT>(c, 1), 255);
  EXPECT_EQ(as<DBSMALLINT>(c, 2), -32768);
  EXPECT_EQ(as<DBINT>(c, 3), INT32_MIN);
  EXPECT_EQ(as<DBBIGINT>(c, 4), INT64_MAX);
  EXPECT_EQ(as<DBBIT>(c, 5), 1);
  EXPECT_EQ(as<DBFLT8>(c, 6), 1.5e300);
  EXPECT_EQ(as<DBREAL>(c, 7), 3.25f);
  finish(c);
}

TEST_F(DblibTypes, DecimalsAndMoneyAreExact) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  one_row(c, "SELECT c_dec, c_num38, c_dec5, c_money, c_smallmoney FROM [dbo].[AllTypes] WHERE id = 1");
  EXPECT_EQ(dbcoltype(c, 1), SYBDECIMAL);
  EXPECT_EQ(dbcoltype(c, 2), SYBNUMERIC);
  EXPECT_EQ(converted(c, 1), "1234.50");
  EXPECT_EQ(converted(c, 2), "-12345678901234567890.0123456789");
  EXPECT_EQ(converted(c, 3), "99999");
  const DBTYPEINFO* ti = dbcoltypeinfo(c, 1);
  ASSERT_TRUE(ti);
  EXPECT_EQ(ti->precision, 18);
  EXPECT_EQ(ti->scale, 2);
  const auto m = as<DBMONEY>(c, 4);
  EXPECT_EQ((std::int64_t(m.mnyhigh) << 32) | m.mnylow, INT64_MAX);  // 922337203685477.5807 × 10^4
  EXPECT_EQ(as<DBMONEY4>(c, 5).mny4, INT32_MIN);
  finish(c);

  // Typed bind keeping the source precision and scale.
  dbcmd(c, "SELECT c_dec FROM dbo.AllTypes WHERE id = 3");
  ASSERT_EQ(dbsqlexec(c), kDbOk);
  ASSERT_EQ(dbresults(c), kDbOk);
  DBDECIMAL d{};
  ASSERT_EQ(dbbind(c, 1, SRCDECIMALBIND, sizeof d, reinterpret_cast<BYTE*>(&d)), kDbOk);
  ASSERT_EQ(dbnextrow(c), REG_ROW);
  EXPECT_EQ(d.precision, 18);
  EXPECT_EQ(d.scale, 2);
  char buf[64];
  dbconvert(c, SYBDECIMAL, reinterpret_cast<BYTE*>(&d), sizeof d, SYBCHAR, reinterpret_cast<BYTE*>(buf), -1);
  EXPECT_STREQ(buf, "-0.01");  // -0.005 rounds half away from zero, as SQL Server converts
  finish(c);
}

TEST_F(DblibTypes, DatesAndTimesArriveTyped) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  one_row(c, "SELECT c_date, c_time, c_time0, c_dt, c_sdt, c_dt2, c_dt2_3, c_dto FROM dbo.AllTypes WHERE id = 1");
  EXPECT_EQ(dbcoltype(c, 1), SYBMSDATE);
  EXPECT_EQ(dbcoltype(c, 2), SYBMSTIME);
  EXPECT_EQ(dbcoltype(c, 6), SYBMSDATETIME2);
  EXPECT_EQ(dbcoltype(c, 8), SYBMSDATETIMEOFFSET);
  const auto date = as<DBDATETIMEALL>(c, 1);
  EXPECT_EQ(date.date, days_from_civil(2024, 2, 29) - kDay1900);
  const auto t7 = as<DBDATETIMEALL>(c, 2);
  EXPECT_EQ(t7.time, 863'999'999'999u);  // 23:59:59.9999999 in 100 ns units
  const auto t0 = as<DBDATETIMEALL>(c, 3);
  EXPECT_EQ(t0.time, 45'297ull * 10'000'000);  // 12:34:56.7 rounds to 12:34:57 at scale 0
  const auto dt = as<DBDATETIME>(c, 4);
  EXPECT_EQ(dt.dtdays, days_from_civil(2024, 1, 1) - kDay1900);
  EXPECT_EQ(dt.dttime, 10 * 3600 * 300 + 2);  // .005 s -> 2 ticks of 1/300 s (.007)
  const auto sdt = as<DBDATETIME4>(c, 5);
  EXPECT_EQ(sdt.days, 65535);
  EXPECT_EQ(sdt.minutes, 1439);
  const auto d2 = as<DBDATETIMEALL>(c, 6);
  EXPECT_EQ(d2.date, -kDay1900);
  EXPECT_EQ(d2.time, 1u);
  const auto d23 = as<DBDATETIMEALL>(c, 7);
  EXPECT_EQ(d23.time, 12ull * 3600 * 10'000'000 + 1'240'000);  // .1235 -> .124 at scale 3
  // datetimeoffset travels as the UTC instant plus the offset; DB-Library shows local time.
  const auto dto = as<DBDATETIMEALL>(c, 8);
  EXPECT_EQ(dto.date, days_from_civil(2023, 12, 31) - kDay1900);
  EXPECT_EQ(dto.time, (22ull * 3600 + 30 * 60) * 10'000'000 + 5'000'000);
  EXPECT_EQ(dto.offset, 120);
  EXPECT_EQ(converted(c, 8), "Jan  1 2024 12:30:00:5000000AM");
  finish(c);

  // DATETIME2BIND, the bind the connector uses.
  dbcmd(c, "SELECT c_dt2, c_dt, c_dt2_3, c_sdt, c_dto, c_time0 FROM dbo.AllTypes WHERE id = 3");
  ASSERT_EQ(dbsqlexec(c), kDbOk);
  ASSERT_EQ(dbresults(c), kDbOk);
  ASSERT_EQ(dbnextrow(c), REG_ROW);
  EXPECT_EQ(dbdatlen(c, 1), 0);  // NULL
  const auto rolled = as<DBDATETIME>(c, 2);  // 23:59:59.999 rounds into the next day
  EXPECT_EQ(rolled.dtdays, days_from_civil(2000, 1, 1) - kDay1900);
  EXPECT_EQ(rolled.dttime, 0);
  const auto d3 = as<DBDATETIMEALL>(c, 3);
  EXPECT_EQ(d3.date, days_from_civil(2024, 1, 2) - kDay1900);
  EXPECT_EQ(d3.time, 0u);
  const auto s = as<DBDATETIME4>(c, 4);
  EXPECT_EQ(s.days, days_from_civil(2024, 1, 2) - kDay1900);
  EXPECT_EQ(s.minutes, 0);
  const auto neg = as<DBDATETIMEALL>(c, 5);
  EXPECT_EQ(neg.date, days_from_civil(2024, 1, 1) - kDay1900);
  EXPECT_EQ(neg.time, (5ull * 3600 + 30 * 60) * 10'000'000);
  EXPECT_EQ(neg.offset, -330);
  const auto t0r = as<DBDATETIMEALL>(c, 6);  // time(0) 23:59:59.6 rounds past midnight: wraps to 00:00:00
  EXPECT_EQ(t0r.time, 0u);
  finish(c);
  dbcmd(c, "SELECT c_dt2 FROM dbo.AllTypes WHERE id = 1");
  ASSERT_EQ(dbsqlexec(c), kDbOk);
  ASSERT_EQ(dbresults(c), kDbOk);
  DBDATETIMEALL bound{};
  ASSERT_EQ(dbbind(c, 1, DATETIME2BIND, sizeof bound, reinterpret_cast<BYTE*>(&bound)), kDbOk);
  ASSERT_EQ(dbnextrow(c), REG_ROW);
  EXPECT_EQ(bound.date, -kDay1900);
  EXPECT_EQ(bound.time, 1u);
  finish(c);
}

TEST_F(DblibTypes, GuidIsMixedEndianOnTheWire) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  one_row(c, "SELECT c_guid, CONVERT(char(36), c_guid) FROM dbo.AllTypes WHERE id = 1");
  EXPECT_EQ(dbcoltype(c, 1), 36);  // SYBUNIQUE (0x24), not named in sybdb.h
  ASSERT_EQ(dbdatlen(c, 1), 16);
  const std::uint8_t expect[16] = {0xFF, 0x19, 0x96, 0x6F, 0x86, 0x8B, 0x11, 0xD0,
                                   0xB4, 0x2D, 0x00, 0xC0, 0x4F, 0xC9, 0x64, 0xFF};
  EXPECT_EQ(std::memcmp(dbdata(c, 1), expect, 16), 0);
  EXPECT_EQ(converted(c, 1), "6F9619FF-8B86-D011-B42D-00C04FC964FF");
  EXPECT_EQ(text(c, 2), "6F9619FF-8B86-D011-B42D-00C04FC964FF");
  finish(c);
}

TEST_F(DblibTypes, StringsKeepEveryCharacter) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  one_row(c, "SELECT c_char, c_varchar, c_nchar, c_nvarchar, c_nvmax, c_vmax, c_text, c_ntext, c_xml "
             "FROM dbo.AllTypes WHERE id = 1");
  EXPECT_EQ(text(c, 1), "ab   ");           // char(5) is blank-padded
  EXPECT_EQ(text(c, 2), "café €");          // code page 1252 holds é and €
  EXPECT_EQ(text(c, 3), "ñ   ");            // nchar(4)
  EXPECT_EQ(text(c, 4), "e\xCC\x81 😀 日本語 Ωμέγα");  // combining accent and emoji survive
  std::string big;
  for (int i = 0; i < 6000; ++i) big += "ä";
  EXPECT_EQ(text(c, 5), big);  // 12000 bytes of UTF-16 on the wire: PLP chunks
  EXPECT_EQ(text(c, 6), std::string(9000, 'x'));
  EXPECT_EQ(text(c, 7), "plain text");
  EXPECT_EQ(text(c, 8), "ntext ☃");
  EXPECT_EQ(text(c, 9), "<a b=\"1\">ü</a>");
  finish(c);

  one_row(c, "SELECT c_varchar, c_nvarchar FROM dbo.AllTypes WHERE id = 3");
  EXPECT_EQ(text(c, 1), "??");  // varchar cannot hold 日本 under a Latin1 collation
  EXPECT_NE(dbdata(c, 2), nullptr);  // empty string, not NULL
  EXPECT_EQ(dbdatlen(c, 2), 0);
  finish(c);
}

TEST_F(DblibTypes, Binaries) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  one_row(c, "SELECT c_bin, c_varbin, c_vbmax, c_image FROM dbo.AllTypes WHERE id = 1");
  EXPECT_EQ(text(c, 1), std::string("\x01\x02\x00\x00", 4));  // binary(4) is zero-padded
  EXPECT_EQ(text(c, 2), std::string("\x00\xFF\x10", 3));
  EXPECT_EQ(text(c, 3), std::string(10000, '\0'));
  EXPECT_EQ(text(c, 4), "\xDE\xAD\xBE\xEF");
  finish(c);
}

TEST_F(DblibTypes, NullsInEveryType) {
  Conn c(fx_->connect());
  ASSERT_TRUE(c.p);
  one_row(c, "SELECT * FROM dbo.AllTypes WHERE id = 2");
  const int n = dbnumcols(c);
  EXPECT_EQ(n, 35);
  EXPECT_EQ(as<DBINT>(c, 1), 2);
  for (int col = 2; col <= n; ++col) {
    EXPECT_EQ(dbdatlen(c, col), 0) << dbcolname(c, col);
    EXPECT_EQ(dbdata(c, col), nullptr) << dbcolname(c, col);
  }
  finish(c);
}

TEST_F(DblibTypes, SmallPacketsSplitLargeValues) {
  Conn c(fx_->connect("S3cret!pw", 512));
  ASSERT_TRUE(c.p);
  one_row(c, "SELECT c_nvmax, c_vbmax FROM dbo.AllTypes WHERE id = 1");
  EXPECT_EQ(dbdatlen(c, 1), 12000);
  EXPECT_EQ(dbdatlen(c, 2), 10000);
  finish(c);
}

TEST(DblibRowversion, IsBinaryEightWithUserType80AndCatalogOnlyTypesAreNotSent) {
  ServedFixture fx(R"sql(
CREATE TABLE "dbo.Rv" (id int PRIMARY KEY, rv rowversion NOT NULL, h hierarchyid, g geography);
INSERT INTO "dbo.Rv" VALUES (1, X'00000000000007D1', NULL, NULL);
)sql");
  Conn c(fx.connect());
  ASSERT_TRUE(c.p);
  one_row(c, "SELECT rv FROM dbo.Rv WHERE id = 1");
  EXPECT_EQ(dbcoltype(c, 1), SYBBINARY);
  EXPECT_EQ(dbcolutype(c, 1), 80);  // what SQL Server sends for rowversion
  EXPECT_EQ(text(c, 1), std::string("\0\0\0\0\0\0\x07\xD1", 8));
  finish(c);
  std::vector<std::vector<std::optional<std::string>>> rows;
  ASSERT_TRUE(query(c, "SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'Rv' ORDER BY ORDINAL_POSITION",
                    rows));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1][0], "timestamp");
  EXPECT_EQ(rows[2][0], "hierarchyid");
  EXPECT_EQ(rows[3][0], "geography");
  captured().clear();
  EXPECT_FALSE(query(c, "SELECT h FROM dbo.Rv", rows));
  EXPECT_TRUE(captured().saw_msg(50000));
}

}  // namespace
}  // namespace tds_test::testing

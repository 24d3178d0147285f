// T-SQL text of range reads and lookups, and the catalog type mapping.
#include <gtest/gtest.h>

#include "../../src/connector/sqlserver/sqlserver_types.hpp"
#include "../../src/connector/sqlserver/tds_query.hpp"
#include "recon/core/canonical.hpp"

namespace recon::tds {
namespace {

SelectColumn col(const std::string& name, TypeClass cls, const std::string& type_name = "", int precision = -1) {
  SelectColumn c;
  c.native.name = name;
  c.native.type_class = cls;
  c.native.type_name = type_name;
  c.native.precision = precision;
  c.compare_as = cls;
  return c;
}

RangeQuery query(std::vector<SelectColumn> keys, std::vector<SelectColumn> values = {}) {
  RangeQuery q;
  q.table = TableRef{"dbo", "Simulacoes"};
  q.keys = std::move(keys);
  q.values = std::move(values);
  return q;
}

std::string key_int(std::int64_t v) {
  std::string s;
  canon::put_integer(s, v);
  return s;
}
std::string key_text(const std::string& v) {
  std::string s;
  canon::put_text(s, v);
  return s;
}

TEST(SqlServerQuery, IntegerRangeWithFilter) {
  RangeQuery q = query({col("id", TypeClass::Integer, "int")}, {col("valor", TypeClass::Decimal, "decimal(18,2)")});
  q.lower = key_int(10);
  q.upper = key_int(20);
  q.where = "ativo = 1";
  EXPECT_EQ(range_select(q, true),
            "SELECT [id], [valor] FROM [dbo].[Simulacoes] WHERE [id] >= 10 AND [id] < 20 AND (ativo = 1) ORDER BY [id]");
  EXPECT_EQ(count_select(q), "SELECT COUNT_BIG(*) FROM [dbo].[Simulacoes] WHERE [id] >= 10 AND [id] < 20 AND (ativo = 1)");
  q.lower.reset();
  q.upper.reset();
  q.where.clear();
  q.table.schema.clear();
  EXPECT_EQ(range_select(q, false), "SELECT [id] FROM [dbo].[Simulacoes] ORDER BY [id]");
}

TEST(SqlServerQuery, TextKeysCompareAndOrderBinary) {
  RangeQuery q = query({col("codigo", TypeClass::Text, "varchar(20) COLLATE SQL_Latin1_General_CP1_CI_AS")});
  q.lower = key_text("O'Brien");
  EXPECT_EQ(range_select(q, false),
            "SELECT [codigo] FROM [dbo].[Simulacoes] WHERE [codigo] COLLATE Latin1_General_BIN2 >= N'O''Brien' "
            "ORDER BY [codigo] COLLATE Latin1_General_BIN2");
}

TEST(SqlServerQuery, UuidKeysRangeOnUppercaseText) {
  RangeQuery q = query({col("id", TypeClass::Uuid, "uniqueidentifier")});
  std::string lower;
  const unsigned char b[16] = {0x6f, 0x96, 0x19, 0xff, 0x8b, 0x86, 0xd0, 0x11, 0xb4, 0x2d, 0x00, 0xc0, 0x4f, 0xc9, 0x64, 0xff};
  canon::put_uuid(lower, b);
  q.lower = lower;
  EXPECT_EQ(range_select(q, false),
            "SELECT [id] FROM [dbo].[Simulacoes] WHERE CONVERT(char(36), [id]) COLLATE Latin1_General_BIN2 >= "
            "'6F9619FF-8B86-D011-B42D-00C04FC964FF' ORDER BY CONVERT(char(36), [id]) COLLATE Latin1_General_BIN2");
}

TEST(SqlServerQuery, CompositeBoundsAreExpanded) {
  RangeQuery q = query({col("grupo", TypeClass::Integer, "int"), col("cota", TypeClass::Text, "char(4)"),
                        col("seq", TypeClass::Integer, "int")});
  q.lower = key_int(1) + key_text("A1") + key_int(7);
  q.upper = key_int(3);  // a prefix bound
  EXPECT_EQ(range_where(q),
            " WHERE ([grupo] > 1 OR ([grupo] = 1 AND ([cota] COLLATE Latin1_General_BIN2 > N'A1' OR "
            "([cota] COLLATE Latin1_General_BIN2 = N'A1' AND [seq] >= 7)))) AND [grupo] < 3");
  q.upper = key_int(3) + key_text("B");
  EXPECT_EQ(range_where(q).substr(range_where(q).find(" AND ([grupo] < 3")),
            " AND ([grupo] < 3 OR ([grupo] = 3 AND [cota] COLLATE Latin1_General_BIN2 < N'B'))");
}

TEST(SqlServerQuery, DateAndTimestampLiteralsAreIso) {
  RangeQuery q = query({col("dia", TypeClass::Date, "date"), col("ts", TypeClass::Timestamp, "datetime", 3)});
  std::string lower;
  canon::put_date(lower, canon::days_from_civil(2024, 1, 31));
  canon::put_timestamp(lower, (std::int64_t{canon::days_from_civil(2024, 1, 31)} * 86400 + 3600) * 1'000'000 + 3000);
  q.lower = lower;
  EXPECT_EQ(range_where(q), " WHERE ([dia] > '2024-01-31' OR ([dia] = '2024-01-31' AND [ts] >= '2024-01-31T01:00:00.003'))");
}

TEST(SqlServerQuery, SevenDigitTimeKeysUseTheRoundingInterval) {
  RangeQuery q = query({col("ts", TypeClass::Timestamp, "datetime2(7)", 7)});
  const std::int64_t base = std::int64_t{canon::days_from_civil(2024, 1, 1)} * 86'400'000'000LL;
  std::string lower, upper;
  canon::put_timestamp(lower, base + 2);  // even µs: the tie .0000015 rounds up to it
  canon::put_timestamp(upper, base + 5);  // odd µs: the tie .0000045 rounds down to 4
  q.lower = lower;
  q.upper = upper;
  EXPECT_EQ(range_where(q),
            " WHERE [ts] >= '2024-01-01T00:00:00.0000015' AND [ts] <= '2024-01-01T00:00:00.0000045'");
  q.keys[0].time_rounding = TimeRounding::Truncate;
  EXPECT_EQ(range_where(q), " WHERE [ts] >= '2024-01-01T00:00:00.0000020' AND [ts] < '2024-01-01T00:00:00.0000050'");
  q.keys[0].time_rounding = TimeRounding::HalfEven;
  std::string odd;
  canon::put_timestamp(odd, base + 3);
  q.lower = odd;
  q.upper.reset();
  EXPECT_EQ(range_where(q), " WHERE [ts] > '2024-01-01T00:00:00.0000025'");
  // Before 1970 the day still splits by floor division.
  std::string early;
  canon::put_timestamp(early, std::int64_t{canon::days_from_civil(1969, 12, 31)} * 86'400'000'000LL);
  q.lower = early;
  EXPECT_EQ(range_where(q), " WHERE [ts] >= '1969-12-30T23:59:59.9999995'");
}

TEST(SqlServerQuery, FetchKeysUsesInOrOrGroups) {
  RangeQuery q = query({col("id", TypeClass::Integer, "int")}, {col("v", TypeClass::Text, "nvarchar(10)")});
  const std::vector<std::string> keys = {key_int(1), key_int(2), key_int(3)};
  EXPECT_EQ(keys_select(q, keys, 0, 3),
            "SELECT [id], [v] FROM [dbo].[Simulacoes] WHERE [id] IN (1, 2, 3) ORDER BY [id]");
  RangeQuery c = query({col("a", TypeClass::Integer, "int"), col("b", TypeClass::Text, "nvarchar(5)")});
  const std::vector<std::string> ck = {key_int(1) + key_text("x"), key_int(2) + key_text("y")};
  c.where = "b <> N'z'";
  EXPECT_EQ(keys_select(c, ck, 0, 2),
            "SELECT [a], [b] FROM [dbo].[Simulacoes] WHERE (([a] = 1 AND [b] COLLATE Latin1_General_BIN2 = N'x') OR "
            "([a] = 2 AND [b] COLLATE Latin1_General_BIN2 = N'y')) AND (b <> N'z') ORDER BY [a], [b] COLLATE "
            "Latin1_General_BIN2");
}

TEST(SqlServerQuery, CatalogTemplatesGetLiteralsAndLoseComments) {
  EXPECT_EQ(catalog_sql("-- a comment\nSELECT 1\n  -- indented\nFROM x WHERE s = {schema} AND t = {table}\n",
                        TableRef{"", "it's"}),
            "SELECT 1\nFROM x WHERE s = N'dbo' AND t = N'it''s'");
}

TEST(SqlServerTypes, ClassifiesTheTypeMatrix) {
  auto classify = [](std::string type, std::optional<std::int64_t> len = {}, std::optional<std::int64_t> prec = {},
                     std::optional<std::int64_t> scale = {}, std::optional<std::int64_t> dtp = {},
                     std::string collation = "") {
    CatalogColumn c;
    c.name = "c";
    c.data_type = std::move(type);
    c.char_max_length = len;
    c.numeric_precision = prec;
    c.numeric_scale = scale;
    c.datetime_precision = dtp;
    c.collation = std::move(collation);
    return classify_column(c);
  };
  EXPECT_EQ(classify("tinyint").type_class, TypeClass::Integer);
  EXPECT_EQ(classify("bit").type_class, TypeClass::Boolean);
  auto d = classify("decimal", {}, 18, 2);
  EXPECT_EQ(d.type_class, TypeClass::Decimal);
  EXPECT_EQ(d.type_name, "decimal(18,2)");
  EXPECT_EQ(d.scale, 2);
  auto m = classify("smallmoney", {}, 10, 4);
  EXPECT_EQ(m.type_class, TypeClass::Decimal);
  EXPECT_EQ(m.scale, 4);
  EXPECT_TRUE(classify("real", {}, 24).single_float);
  EXPECT_FALSE(classify("float", {}, 53).single_float);
  EXPECT_EQ(classify("datetime", {}, {}, {}, 3).precision, 3);
  EXPECT_EQ(classify("smalldatetime", {}, {}, {}, 0).precision, 0);
  auto dt2 = classify("datetime2", {}, {}, {}, 7);
  EXPECT_EQ(dt2.type_class, TypeClass::Timestamp);
  EXPECT_EQ(dt2.type_name, "datetime2(7)");
  EXPECT_EQ(classify("datetimeoffset", {}, {}, {}, 7).type_class, TypeClass::TimestampTz);
  EXPECT_EQ(classify("time", {}, {}, {}, 3).type_class, TypeClass::Time);
  EXPECT_EQ(classify("uniqueidentifier").type_class, TypeClass::Uuid);
  auto ch = classify("nchar", 10, {}, {}, {}, "SQL_Latin1_General_CP1_CI_AS");
  EXPECT_TRUE(ch.padded_char);
  EXPECT_EQ(ch.type_name, "nchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS");
  EXPECT_TRUE(is_case_insensitive(ch.type_name));
  EXPECT_FALSE(is_case_insensitive("varchar(5) COLLATE Latin1_General_BIN2"));
  EXPECT_FALSE(is_case_insensitive("varchar(5) COLLATE Latin1_General_CS_AS"));
  EXPECT_EQ(classify("nvarchar", -1).type_name, "nvarchar(max)");
  EXPECT_EQ(classify("xml").type_class, TypeClass::Text);
  EXPECT_FALSE(classify("xml").keyable);
  EXPECT_TRUE(classify("ntext").keyable);
  EXPECT_EQ(classify("varbinary", -1).type_class, TypeClass::Bytes);
  EXPECT_EQ(classify("image").type_class, TypeClass::Bytes);
  EXPECT_TRUE(classify("datetime").datetime_ticks);
  EXPECT_FALSE(classify("datetime2", {}, {}, {}, 7).datetime_ticks);
  EXPECT_FALSE(classify("smalldatetime").datetime_ticks);
  for (const char* t : {"timestamp", "rowversion"}) {
    EXPECT_EQ(classify(t).type_class, TypeClass::Bytes) << t;
    EXPECT_EQ(classify(t).type_name, "rowversion") << t;
  }
  for (const char* t : {"sql_variant", "hierarchyid", "geography", "geometry", "some_clr_type"})
    EXPECT_FALSE(classify(t).type_class.has_value()) << t;
}

TEST(SqlServerTypes, RefusedTypesNameTheViewExpressionThatComparesThem) {
  CatalogColumn c;
  c.name = "path";
  c.data_type = "hierarchyid";
  EXPECT_EQ(classify_column(c).compare_through, "CAST([path] AS nvarchar(4000)) AS [path]");
  EXPECT_EQ(refused_type("sql_variant", "v"), "CAST([v] AS nvarchar(4000)) AS [v]");
  EXPECT_EQ(refused_type("geography", "g]x"), "[g]]x].STAsBinary() AS [g]]x]");  // ] doubled inside [ ]
  EXPECT_EQ(refused_type("GEOMETRY", "s"), "[s].STAsBinary() AS [s]");
  EXPECT_EQ(refused_type("some_clr_type", "c"), "");
  EXPECT_EQ(refused_type("int", "c"), "");
}

}  // namespace
}  // namespace recon::tds

// MySQL query text of range reads and lookups, its literals, url parsing and type mapping.
#include <gtest/gtest.h>

#include "../../src/connector/mysql/my_query.hpp"
#include "../../src/connector/mysql/my_types.hpp"
#include "../../src/connector/mysql/my_url.hpp"
#include "recon/core/canonical.hpp"

namespace recon::my {
namespace {

SelectColumn col(const std::string& name, TypeClass cls, const std::string& type_name = "", int precision = -1) {
  SelectColumn c;
  c.native.name = name;
  c.native.type_class = cls;
  c.native.type_name = type_name;
  c.native.precision = precision;
  c.native.single_float = type_name == "float";
  c.compare_as = cls;
  return c;
}

RangeQuery query(std::vector<SelectColumn> keys, std::vector<SelectColumn> values = {}) {
  RangeQuery q;
  q.table = TableRef{"shop", "orders"};
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

std::string literal(const ColumnInfo& c, const std::string& encoded) {
  std::size_t pos = 0;
  return sql_literal(Dialect::Mysql, c, canon::read_value(encoded, pos));
}

TEST(MysqlQuery, IntegerRangeWithFilter) {
  RangeQuery q = query({col("id", TypeClass::Integer, "int")}, {col("total", TypeClass::Decimal, "decimal(18,2)")});
  q.lower = key_int(10);
  q.upper = key_int(20);
  q.where = "active = 1";
  EXPECT_EQ(range_select(q),
            "SELECT `id`, `total` FROM `shop`.`orders` WHERE `id` >= 10 AND `id` < 20 AND (active = 1) ORDER BY `id`");
  EXPECT_EQ(count_select(q), "SELECT COUNT(*) FROM `shop`.`orders` WHERE (active = 1)");
  EXPECT_EQ(keys_only_select(q), "SELECT `id` FROM `shop`.`orders` WHERE (active = 1)");
  q.lower.reset();
  q.upper.reset();
  q.where.clear();
  q.table.schema.clear();
  EXPECT_EQ(range_select(q, false), "SELECT `id` FROM `orders` ORDER BY `id`");
}

TEST(MysqlQuery, TextKeysCompareAndOrderAsBytesWhateverTheCollation) {
  // utf8mb4_0900_ai_ci would take 'a' = 'A' = 'á': bounds and order must be byte-wise.
  RangeQuery q = query({col("code", TypeClass::Text, "varchar(20)")});
  q.lower = key_text("O'Brien");
  q.upper = key_text("\xC3\xA9");  // é
  EXPECT_EQ(range_select(q, false),
            "SELECT `code` FROM `shop`.`orders` WHERE CAST(`code` AS BINARY) >= X'4f27427269656e' AND "
            "CAST(`code` AS BINARY) < X'c3a9' ORDER BY CAST(`code` AS BINARY)");
}

TEST(MysqlQuery, CompositeKeysUseRowComparisonsAndInLists) {
  RangeQuery q = query({col("region", TypeClass::Text, "char(2)"), col("id", TypeClass::Integer, "bigint")},
                       {col("note", TypeClass::Text, "text")});
  std::string lower = key_text("SP");
  canon::put_integer(lower, 7);
  q.lower = lower;
  EXPECT_EQ(range_select(q),
            "SELECT `region`, `id`, `note` FROM `shop`.`orders` WHERE (CAST(`region` AS BINARY), `id`) >= "
            "(X'5350', 7) ORDER BY CAST(`region` AS BINARY), `id`");
  std::string other = key_text("RJ");
  canon::put_integer(other, 1);
  EXPECT_EQ(keys_select(q, {lower, other}, 0, 2),
            "SELECT `region`, `id`, `note` FROM `shop`.`orders` WHERE (CAST(`region` AS BINARY), `id`) IN "
            "((X'5350', 7), (X'524a', 1)) ORDER BY CAST(`region` AS BINARY), `id`");
}

TEST(MysqlQuery, SpansAreOneOrOfRanges) {
  RangeQuery q = query({col("id", TypeClass::Integer, "int")});
  q.spans = {KeySpan{key_int(1), key_int(3)}, KeySpan{key_int(10), std::nullopt}};
  EXPECT_EQ(range_select(q, false),
            "SELECT `id` FROM `shop`.`orders` WHERE ((`id` >= 1 AND `id` < 3) OR (`id` >= 10)) ORDER BY `id`");
}

TEST(MysqlQuery, FloatIsReadAsItsDoubleAndBitAsItsBitString) {
  RangeQuery q = query({col("id", TypeClass::Integer, "int")},
                       {col("f", TypeClass::Float, "float"), col("flags", TypeClass::Text, "bit(5)", 5)});
  EXPECT_EQ(range_select(q), "SELECT `id`, (`f` + 0e0), LPAD(BIN(`flags`), 5, '0') FROM `shop`.`orders` ORDER BY `id`");
}

TEST(MysqlQuery, LiteralsReadTheSameUnderEverySqlMode) {
  ColumnInfo text;
  text.type_class = TypeClass::Text;
  text.type_name = "varchar(10)";
  EXPECT_EQ(literal(text, key_text("it's")), "_utf8mb4'it''s'");
  // A backslash is an escape unless NO_BACKSLASH_ESCAPES: spelled as bytes instead.
  EXPECT_EQ(literal(text, key_text("a\\b")), "CONVERT(X'615c62' USING utf8mb4)");
  ColumnInfo bit;
  bit.type_class = TypeClass::Text;
  bit.type_name = "bit(4)";
  EXPECT_EQ(literal(bit, key_text("0101")), "b'0101'");
  std::string v;
  canon::put_bytes(v, std::string("\x00\xff", 2));
  EXPECT_EQ(literal(ColumnInfo{}, v), "X'00ff'");
  v.clear();
  canon::put_timestamp(v, 1'000'000);
  EXPECT_EQ(literal(ColumnInfo{}, v), "CAST('1970-01-01 00:00:01' AS DATETIME(6))");
  v.clear();
  canon::put_float(v, 0.5);
  EXPECT_EQ(literal(ColumnInfo{}, v), "0.5E0");
  v.clear();
  canon::put_bool(v, true);
  EXPECT_EQ(literal(ColumnInfo{}, v), "TRUE");
  EXPECT_EQ(quote_ident(Dialect::Mysql, "a`b"), "`a``b`");
}

TEST(MysqlQuery, CatalogSqlDropsCommentsAndQuotesNames) {
  EXPECT_EQ(catalog_sql("-- note\nSELECT 1 WHERE s = {schema} AND t = {table}\n", "", "o'k"),
            "SELECT 1 WHERE s = NULL AND t = _utf8mb4'o''k'");
}

TEST(MysqlUrl, ParsesAndNeverShowsThePassword) {
  const MysqlUrl u = parse_mysql_url("mysql://app:s%40cret@db.example.com:3307/shop", Side::Source);
  EXPECT_EQ(u.user, "app");
  EXPECT_EQ(u.password, "s@cret");
  EXPECT_EQ(u.port, 3307);
  EXPECT_EQ(u.database, "shop");
  EXPECT_EQ(u.display(), "mysql://app@db.example.com:3307/shop");
  EXPECT_EQ(parse_mysql_url("mysql://app@h/shop", Side::Source).port, 3306);
  try {
    parse_mysql_url("mysql://app:secret@h:99999/shop", Side::Target);
    FAIL() << "port out of range accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[target]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_mysql_url("mysql://app@h", Side::Source), InputError);
  EXPECT_THROW(parse_mysql_url("postgres://app@h/db", Side::Source), InputError);
}

TEST(MysqlTypes, CatalogTypesMapToComparisonClasses) {
  auto cls = [](const std::string& data_type, const std::string& column_type, bool json = false) {
    CatalogColumn c;
    c.name = "c";
    c.data_type = data_type;
    c.column_type = column_type;
    c.json_check = json;
    return classify_column(c);
  };
  EXPECT_EQ(cls("tinyint", "tinyint(1)").type_class, TypeClass::Boolean);
  EXPECT_EQ(cls("tinyint", "tinyint(4)").type_class, TypeClass::Integer);
  EXPECT_EQ(cls("bigint", "bigint(20) unsigned").type_class, TypeClass::Decimal);
  EXPECT_EQ(cls("int", "int(10) unsigned").type_class, TypeClass::Integer);
  EXPECT_TRUE(cls("float", "float").single_float);
  EXPECT_EQ(cls("double", "double").type_class, TypeClass::Float);
  EXPECT_EQ(cls("timestamp", "timestamp(6)").type_class, TypeClass::TimestampTz);
  EXPECT_EQ(cls("datetime", "datetime(6)").type_class, TypeClass::Timestamp);
  EXPECT_TRUE(cls("char", "char(3)").padded_char);
  EXPECT_EQ(cls("enum", "enum('a','b')").type_class, TypeClass::Text);
  EXPECT_EQ(cls("longtext", "longtext", true).type_class, TypeClass::Json);
  EXPECT_EQ(cls("json", "json").type_class, TypeClass::Json);
  EXPECT_EQ(cls("bit", "bit(5)").type_class, TypeClass::Text);
  EXPECT_EQ(cls("varbinary", "varbinary(16)").type_class, TypeClass::Bytes);
  EXPECT_FALSE(cls("geometry", "geometry").type_class.has_value());
}

}  // namespace
}  // namespace recon::my

// SQLite connector: value conversion by storage class, range bounds, sampling and key lookups.
#include <gtest/gtest.h>

#include <algorithm>

#include "sqlite_test_support.hpp"

namespace recon {
namespace {

using sqlite_test::column;
using sqlite_test::int_key;
using sqlite_test::TempDb;

// ---- helpers ------------------------------------------------------------------------------------

std::string enc(void (*put)(std::string&, std::string_view), std::string_view v) {
  std::string s;
  put(s, v);
  return s;
}
std::string text(std::string_view v) { return enc(canon::put_text, v); }
std::string dec(std::string_view v) {
  std::string s;
  canon::put_decimal(s, v);
  return s;
}
std::string null_value() {
  std::string s;
  canon::put_null(s);
  return s;
}

/// A fixture over table v(id INTEGER PRIMARY KEY, x) where x has no declared type, so each value
/// keeps exactly the storage class it was inserted with.
class SqliteConvert : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.exec(R"(CREATE TABLE v(id INTEGER PRIMARY KEY, x, c CHAR(4));
      INSERT INTO v VALUES
        (1, 42, NULL), (2, 1.5, NULL), (3, '2024-01-05 10:00:00', NULL),
        (4, x'a0eebc999c0b4ef8bb6d6bb9bd380a11', NULL), (5, NULL, NULL), (6, 'ab  ', 'ab  '),
        (7, 2.0, NULL), (8, 0.1, NULL), (9, 0, NULL), (10, 1, NULL), (11, 86400, NULL),
        (12, '2024-01-05T10:00:00.000000', NULL), (13, '001.50', NULL),
        (14, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', NULL), (15, '{"b": 1, "a": [1, 2.50]}', NULL),
        (16, 'abc', NULL), (17, 'false', NULL), (18, 't', NULL), (19, '10:30:00.5', NULL),
        (20, '2024-01-05', NULL), (21, x'00ff', NULL), (22, 'São Paulo', NULL), (23, -7, NULL),
        (24, '2024-01-05 10:00:00+02:00', NULL);
    )");
    conn_ = db_.open();
    info_ = conn_->describe(TableRef{"", "v"});
  }

  /// The value of `col` in row `id`, read as `cls`.
  std::string read(std::int64_t id, TypeClass cls, const std::string& col = "x", bool trim = false,
                   bool single = false) {
    RangeQuery q;
    q.table = TableRef{"", "v"};
    q.keys = {column(info_, "id", TypeClass::Integer)};
    auto sc = column(info_, col, cls);
    sc.trim_padding = trim;
    sc.single_float = single;
    q.values = {sc};
    q.lower = int_key(id);
    q.upper = int_key(id + 1);
    RowBatch b;
    conn_->read_range(q, b);
    EXPECT_EQ(b.size(), 1u);
    EXPECT_EQ(b.key(0), int_key(id));
    return b.empty() ? std::string() : std::string(b.values(0));
  }
  static bool is_invalid(const std::string& e) {
    return !e.empty() && static_cast<TypeClass>(e[0]) == TypeClass::Invalid;
  }

  TempDb db_{"convert"};
  std::unique_ptr<Connector> conn_;
  TableInfo info_;
};

TEST_F(SqliteConvert, IntegerStorage) {
  std::string e;
  canon::put_integer(e, 42);
  EXPECT_EQ(read(1, TypeClass::Integer), e);
  EXPECT_EQ(read(1, TypeClass::Decimal), dec("42"));
  e.clear(); canon::put_float(e, 42.0);
  EXPECT_EQ(read(1, TypeClass::Float), e);
  EXPECT_EQ(read(1, TypeClass::Text), text("42"));
  e.clear(); canon::put_integer(e, -7);
  EXPECT_EQ(read(23, TypeClass::Integer), e);
  e.clear(); canon::put_bool(e, false);
  EXPECT_EQ(read(9, TypeClass::Boolean), e);
  e.clear(); canon::put_bool(e, true);
  EXPECT_EQ(read(10, TypeClass::Boolean), e);
  EXPECT_TRUE(is_invalid(read(1, TypeClass::Boolean)));  // 42 is not a boolean
  e.clear(); canon::put_timestamp(e, 86400 * kMicrosPerSecond);  // Unix seconds
  EXPECT_EQ(read(11, TypeClass::Timestamp), e);
  e.clear(); canon::put_date(e, 1);
  EXPECT_EQ(read(11, TypeClass::Date), e);
  EXPECT_TRUE(is_invalid(read(1, TypeClass::Uuid)));
}

TEST_F(SqliteConvert, RealStorage) {
  std::string e;
  canon::put_float(e, 1.5);
  EXPECT_EQ(read(2, TypeClass::Float), e);
  EXPECT_EQ(read(2, TypeClass::Decimal), dec("1.5"));
  EXPECT_EQ(read(8, TypeClass::Decimal), dec("0.1"));  // shortest round-trip text, not 0.1000000000000000055
  EXPECT_EQ(read(2, TypeClass::Text), text("1.5"));
  e.clear(); canon::put_integer(e, 2);
  EXPECT_EQ(read(7, TypeClass::Integer), e);  // 2.0 is the integer 2
  EXPECT_TRUE(is_invalid(read(2, TypeClass::Integer)));
  std::string single, dbl;
  canon::put_float(single, 0.1, true);
  canon::put_float(dbl, 0.1, false);
  EXPECT_EQ(read(8, TypeClass::Float, "x", false, true), single);
  EXPECT_EQ(read(8, TypeClass::Float), dbl);
  EXPECT_NE(single, dbl);
}

TEST_F(SqliteConvert, TextStorageParsesEveryClass) {
  // Timestamps: ' ' or 'T', with or without a zero fraction, are the same instant.
  const std::string ts = read(3, TypeClass::Timestamp);
  EXPECT_FALSE(is_invalid(ts));
  EXPECT_EQ(read(12, TypeClass::Timestamp), ts);
  std::string e;
  canon::put_timestamp(e, (static_cast<std::int64_t>(canon::days_from_civil(2024, 1, 5)) * 86400 + 36000) *
                              kMicrosPerSecond);
  EXPECT_EQ(ts, e);
  e.clear(); canon::put_timestamptz(e, (static_cast<std::int64_t>(canon::days_from_civil(2024, 1, 5)) * 86400 + 28800) *
                                           kMicrosPerSecond);
  EXPECT_EQ(read(24, TypeClass::TimestampTz), e);
  e.clear(); canon::put_date(e, canon::days_from_civil(2024, 1, 5));
  EXPECT_EQ(read(20, TypeClass::Date), e);
  e.clear(); canon::put_time(e, 37800 * kMicrosPerSecond + 500000);
  EXPECT_EQ(read(19, TypeClass::Time), e);
  EXPECT_EQ(read(13, TypeClass::Decimal), dec("1.5"));
  e.clear(); canon::put_integer(e, 12);
  unsigned char u[16] = {0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8,
                         0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11};
  e.clear(); canon::put_uuid(e, u);
  EXPECT_EQ(read(14, TypeClass::Uuid), e);  // upper-case text
  e.clear(); canon::put_json(e, R"({"a":[1,2.5],"b":1})");
  EXPECT_EQ(read(15, TypeClass::Json), e);  // key order, whitespace and 2.50 do not matter
  e.clear(); canon::put_bool(e, false);
  EXPECT_EQ(read(17, TypeClass::Boolean), e);
  e.clear(); canon::put_bool(e, true);
  EXPECT_EQ(read(18, TypeClass::Boolean), e);
  EXPECT_TRUE(is_invalid(read(16, TypeClass::Integer)));  // 'abc' is a divergence, not an error
  EXPECT_EQ(read(22, TypeClass::Text), text("São Paulo"));
}

TEST_F(SqliteConvert, TextPaddingIsStrippedOnlyForPaddedColumns) {
  EXPECT_EQ(read(6, TypeClass::Text), text("ab  "));
  EXPECT_EQ(read(6, TypeClass::Text, "x", /*trim=*/true), text("ab"));
  EXPECT_EQ(read(6, TypeClass::Text, "c"), text("ab"));  // CHAR(4): padded_char from describe
}

TEST_F(SqliteConvert, BlobStorage) {
  unsigned char u[16] = {0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8,
                         0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11};
  std::string e;
  canon::put_uuid(e, u);
  EXPECT_EQ(read(4, TypeClass::Uuid), e);  // a 16-byte blob is a uuid
  EXPECT_EQ(read(4, TypeClass::Uuid), read(14, TypeClass::Uuid));
  e.clear(); canon::put_bytes(e, std::string("\x00\xff", 2));
  EXPECT_EQ(read(21, TypeClass::Bytes), e);
  e.clear(); canon::put_bytes(e, std::string(reinterpret_cast<const char*>(u), 16));
  EXPECT_EQ(read(4, TypeClass::Bytes), e);
}

TEST_F(SqliteConvert, NullIsNullInEveryClass) {
  for (auto cls : {TypeClass::Integer, TypeClass::Decimal, TypeClass::Float, TypeClass::Boolean,
                   TypeClass::Date, TypeClass::Time, TypeClass::Timestamp, TypeClass::TimestampTz,
                   TypeClass::Uuid, TypeClass::Text, TypeClass::Bytes, TypeClass::Json})
    EXPECT_EQ(read(5, cls), null_value()) << type_class_name(cls);
  EXPECT_NE(read(5, TypeClass::Text), text(""));
}

// ---- bounds -------------------------------------------------------------------------------------

/// Keys of every row read for [lower, upper), rendered as JSON.
std::vector<std::string> keys_of(Connector& c, const RangeQuery& q) {
  RowBatch b;
  c.read_range(q, b);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < b.size(); ++i) out.push_back(canon::key_to_json(b.key(i)));
  return out;
}

TEST(SqliteBounds, IntegerKeysInclusiveLowerExclusiveUpperNegativesAndOpenEnds) {
  TempDb db("bounds_int");
  db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
  for (int i = -5; i <= 5; ++i) db.exec("INSERT INTO t VALUES(" + std::to_string(i) + ", 'x')");
  auto c = db.open();
  auto info = c->describe(TableRef{"", "t"});
  RangeQuery q;
  q.table = info.ref;
  q.keys = {column(info, "id", TypeClass::Integer)};
  q.values = {column(info, "v", TypeClass::Text)};
  q.lower = int_key(-2);
  q.upper = int_key(3);
  EXPECT_EQ(keys_of(*c, q), (std::vector<std::string>{"[-2]", "[-1]", "[0]", "[1]", "[2]"}));
  q.lower.reset();
  EXPECT_EQ(keys_of(*c, q).front(), "[-5]");
  EXPECT_EQ(keys_of(*c, q).size(), 8u);
  q.upper.reset();
  EXPECT_EQ(keys_of(*c, q).size(), 11u);
  q.lower = int_key(5);
  EXPECT_EQ(keys_of(*c, q), std::vector<std::string>{"[5]"});
  q.upper = int_key(5);
  EXPECT_TRUE(keys_of(*c, q).empty());
  q.where = "v = 'nothing'";
  q.lower.reset();
  q.upper.reset();
  EXPECT_TRUE(keys_of(*c, q).empty());
}

TEST(SqliteBounds, TextKeysUseBinaryOrderEvenOnANocaseColumn) {
  TempDb db("bounds_text");
  // Mixed case and accents; a NOCASE column would put 'a' next to 'A' and 'é' nowhere useful.
  db.exec("CREATE TABLE t(k TEXT COLLATE NOCASE NOT NULL, v INT); CREATE INDEX t_k ON t(k)");
  const std::vector<std::string> words = {"b", "B", "a", "A", "é", "É", "e", "z", "Z", "ab", "Ábaco", "zé"};
  for (const auto& w : words) db.exec("INSERT INTO t VALUES('" + w + "', 1)");
  auto c = db.open();
  auto info = c->describe(TableRef{"", "t"});
  RangeQuery q;
  q.table = info.ref;
  q.keys = {column(info, "k", TypeClass::Text)};
  q.values = {column(info, "v", TypeClass::Integer)};
  RowBatch b;
  c->read_range(q, b);
  std::vector<std::string> sorted = words;
  std::sort(sorted.begin(), sorted.end());  // std::string orders by unsigned bytes = BINARY
  ASSERT_EQ(b.size(), sorted.size());
  for (std::size_t i = 0; i < b.size(); ++i) EXPECT_EQ(b.key(i), text(sorted[i])) << i;
  EXPECT_EQ(b.sort_by_key(), -1);  // already in canonical key order

  q.lower = text("B");
  q.upper = text("b");
  // BINARY: 'B' <= k < 'b' holds for "B", "Z" and "a", "ab" (0x61 > 0x5A) but not 'b' or 'é'.
  EXPECT_EQ(keys_of(*c, q), (std::vector<std::string>{R"(["B"])", R"(["Z"])", R"(["a"])", R"(["ab"])"}));
  q.lower = text("z");
  q.upper.reset();
  EXPECT_EQ(keys_of(*c, q), (std::vector<std::string>{R"(["z"])", R"(["zé"])", R"(["Ábaco"])", R"(["É"])", R"(["é"])"}));
}

TEST(SqliteBounds, CompositeKeysCompareAsRowValues) {
  TempDb db("bounds_comp");
  db.exec("CREATE TABLE t(a TEXT, b INTEGER, v REAL, PRIMARY KEY(a, b))");
  db.exec("INSERT INTO t VALUES ('a',1,0),('a',2,0),('b',-1,0),('b',0,0),('c',5,0),('a',10,0)");
  auto c = db.open();
  auto info = c->describe(TableRef{"", "t"});
  RangeQuery q;
  q.table = info.ref;
  q.keys = {column(info, "a", TypeClass::Text), column(info, "b", TypeClass::Integer)};
  q.values = {column(info, "v", TypeClass::Float)};
  q.lower = text("a") + int_key(2);
  q.upper = text("b") + int_key(0);
  EXPECT_EQ(keys_of(*c, q), (std::vector<std::string>{R"(["a",2])", R"(["a",10])", R"(["b",-1])"}));
  q.lower = text("b");  // a prefix bound: every ("b", *) row and after
  q.upper.reset();
  EXPECT_EQ(keys_of(*c, q), (std::vector<std::string>{R"(["b",-1])", R"(["b",0])", R"(["c",5])"}));
  // Several ranges in one statement (lower/upper are then ignored), and the filter still applies.
  q.spans = {KeySpan{std::nullopt, text("a") + int_key(2)}, KeySpan{text("b"), text("b") + int_key(0)},
             KeySpan{text("c") + int_key(5), std::nullopt}};
  EXPECT_EQ(keys_of(*c, q), (std::vector<std::string>{R"(["a",1])", R"(["b",-1])", R"(["c",5])"}));
  q.where = "a <> 'c'";
  EXPECT_EQ(keys_of(*c, q), (std::vector<std::string>{R"(["a",1])", R"(["b",-1])"}));
}

TEST(SqliteBounds, DecimalKeysCompareNumericallyAgainstRealAndIntegerStorage) {
  TempDb db("bounds_dec");
  // NUMERIC affinity stores these as REAL / INTEGER: a text bound '10' would sort after them all.
  db.exec("CREATE TABLE t(k NUMERIC(10,2) PRIMARY KEY, v TEXT)");
  db.exec("INSERT INTO t VALUES ('1.50','x'), ('2','x'), ('2.25','x'), ('10','x'), ('-0.5','x'), ('100.75','x')");
  auto c = db.open();
  auto info = c->describe(TableRef{"", "t"});
  RangeQuery q;
  q.table = info.ref;
  q.keys = {column(info, "k", TypeClass::Decimal)};
  q.values = {column(info, "v", TypeClass::Text)};
  q.lower = dec("2");
  q.upper = dec("10");
  // (decimals render as JSON strings to stay exact)
  EXPECT_EQ(keys_of(*c, q), (std::vector<std::string>{R"(["2"])", R"(["2.25"])"}));
  q.lower = dec("-1");
  q.upper = dec("1.5");
  EXPECT_EQ(keys_of(*c, q), (std::vector<std::string>{R"(["-0.5"])"}));
  q.lower = dec("10");
  q.upper.reset();
  EXPECT_EQ(keys_of(*c, q), (std::vector<std::string>{R"(["10"])", R"(["100.75"])"}));
}

TEST(SqliteBounds, TimestampTextKeys) {
  TempDb db("bounds_ts");
  db.exec("CREATE TABLE t(k TIMESTAMP PRIMARY KEY, v TEXT)");
  db.exec("INSERT INTO t VALUES ('2024-01-05 09:59:59.999999','x'), ('2024-01-05 10:00:00','x'),"
          "('2024-01-05 10:00:00.5','x'), ('2024-01-06 00:00:00','x')");
  auto c = db.open();
  auto info = c->describe(TableRef{"", "t"});
  RangeQuery q;
  q.table = info.ref;
  q.keys = {column(info, "k", TypeClass::Timestamp)};
  q.values = {column(info, "v", TypeClass::Text)};
  std::string lo, hi;
  const std::int64_t day = canon::days_from_civil(2024, 1, 5);
  canon::put_timestamp(lo, (day * 86400 + 36000) * kMicrosPerSecond);
  canon::put_timestamp(hi, (day + 1) * 86400 * kMicrosPerSecond);
  q.lower = lo;
  q.upper = hi;
  RowBatch b;
  c->read_range(q, b);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b.key(0), lo);
}

TEST(SqliteRead, EmptyTableAndBadFilter) {
  TempDb db("empty");
  db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
  auto c = db.open(Side::Source);
  auto info = c->describe(TableRef{"", "t"});
  RangeQuery q;
  q.table = info.ref;
  q.keys = {column(info, "id", TypeClass::Integer)};
  q.values = {column(info, "v", TypeClass::Text)};
  RowBatch b;
  c->read_range(q, b);
  EXPECT_TRUE(b.empty());
  auto s = c->sample_keys(q, 100);
  EXPECT_EQ(s.estimated_rows, 0);
  EXPECT_TRUE(s.keys.empty());
  c->fetch_keys(q, {int_key(1)}, b);
  EXPECT_TRUE(b.empty());
  q.where = "no_such_column = 1";
  try {
    c->read_range(q, b);
    FAIL() << "expected ConnectorError";
  } catch (const ConnectorError& e) {
    EXPECT_FALSE(e.poisoned());  // a query error is not retried
    EXPECT_EQ(e.side(), Side::Source);
    EXPECT_NE(std::string(e.what()).find("no_such_column"), std::string::npos);
  }
}

// ---- sampling and lookups -----------------------------------------------------------------------

TEST(SqliteSample, EveryNthKeyInOrderAndAllKeysForSmallTables) {
  TempDb db("sample");
  db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v INT, k2 TEXT);"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
          "INSERT INTO t SELECT i * 3, i % 2, 'x' FROM n");
  auto c = db.open();
  auto info = c->describe(TableRef{"", "t"});
  RangeQuery q;
  q.table = info.ref;
  q.keys = {column(info, "id", TypeClass::Integer)};
  auto s = c->sample_keys(q, 10);
  EXPECT_EQ(s.estimated_rows, 1000);
  ASSERT_EQ(s.keys.size(), 10u);
  EXPECT_EQ(s.keys[0], int_key(3));
  EXPECT_EQ(s.keys[1], int_key(303));
  s = c->sample_keys(q, 500);
  EXPECT_EQ(s.keys.size(), 1000u);  // rows <= 2 * n: every key
  q.where = "v = 0";
  s = c->sample_keys(q, 0);
  EXPECT_EQ(s.estimated_rows, 500);
  EXPECT_TRUE(s.keys.empty());
}

TEST(SqliteSample, NullKeyIsAnInputErrorNamingTableAndColumn) {
  TempDb db("sample_null");
  db.exec("CREATE TABLE t(a TEXT, b INT); INSERT INTO t VALUES ('x', 1), ('y', NULL)");
  auto c = db.open();
  auto info = c->describe(TableRef{"", "t"});
  RangeQuery q;
  q.table = info.ref;
  q.keys = {column(info, "a", TypeClass::Text), column(info, "b", TypeClass::Integer)};
  try {
    c->sample_keys(q, 1);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("t"), std::string::npos);
    EXPECT_NE(m.find("column b"), std::string::npos);
  }
}

TEST(SqliteFetch, CompositeKeysInChunksMissingKeysAbsent) {
  TempDb db("fetch");
  db.exec("CREATE TABLE t(a TEXT, b INT, v INT, PRIMARY KEY (a, b));"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
          "INSERT INTO t SELECT 'k' || (i % 7), i, i * 10 FROM n");
  auto c = db.open();
  auto info = c->describe(TableRef{"", "t"});
  RangeQuery q;
  q.table = info.ref;
  q.keys = {column(info, "a", TypeClass::Text), column(info, "b", TypeClass::Integer)};
  q.values = {column(info, "v", TypeClass::Integer)};
  std::vector<std::string> keys;
  for (int i = 1; i <= 1400; i += 2) keys.push_back(text("k" + std::to_string(i % 7)) + int_key(i));
  keys.push_back(text("k1") + int_key(2));   // wrong a for b=2: absent
  keys.push_back(text("k0") + int_key(99999));  // absent
  RowBatch b;
  c->fetch_keys(q, keys, b);  // 702 keys x 2 params: more than one statement
  ASSERT_EQ(b.size(), 700u);
  std::string expect_v;
  canon::put_integer(expect_v, 30);
  bool found = false;
  for (std::size_t i = 0; i < b.size(); ++i)
    if (b.key(i) == text("k3") + int_key(3)) {
      found = true;
      EXPECT_EQ(b.values(i), expect_v);
    }
  EXPECT_TRUE(found);
  q.where = "v > 10000";  // the side's filter applies to lookups too
  RowBatch f;
  c->fetch_keys(q, keys, f);
  EXPECT_EQ(f.size(), 700u - 500u);
}

}  // namespace
}  // namespace recon

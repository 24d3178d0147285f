// Binary COPY decoders of the postgres connector, fed hand-built wire buffers (no server).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "../../src/connector/postgres/pg_decode.hpp"
#include "recon/core/canonical.hpp"
#include "recon/core/errors.hpp"

namespace recon::pg {
namespace {

// ---- wire builders ------------------------------------------------------------------------------
void be16(std::string& s, std::uint16_t v) {
  s.push_back(static_cast<char>(v >> 8));
  s.push_back(static_cast<char>(v));
}
void be32(std::string& s, std::uint32_t v) {
  be16(s, static_cast<std::uint16_t>(v >> 16));
  be16(s, static_cast<std::uint16_t>(v));
}
void be64(std::string& s, std::uint64_t v) {
  be32(s, static_cast<std::uint32_t>(v >> 32));
  be32(s, static_cast<std::uint32_t>(v));
}

std::string numeric(std::int16_t weight, std::uint16_t sign, std::int16_t dscale,
                    const std::vector<std::uint16_t>& digits) {
  std::string s;
  be16(s, static_cast<std::uint16_t>(digits.size()));
  be16(s, static_cast<std::uint16_t>(weight));
  be16(s, sign);
  be16(s, static_cast<std::uint16_t>(dscale));
  for (auto d : digits) be16(s, d);
  return s;
}

ColumnDecoder col(Wire wire, TypeClass cls) {
  ColumnDecoder c;
  c.wire = wire;
  c.compare_as = cls;
  c.name = "c";
  return c;
}

canon::ValueView decode(const ColumnDecoder& c, const std::string& wire, std::string& out) {
  std::string scratch;
  out.clear();
  decode_value(c, wire.data(), wire.size(), out, scratch);
  std::size_t pos = 0;
  auto v = canon::read_value(out, pos);
  EXPECT_EQ(pos, out.size());
  return v;
}

std::string decimal_of(const std::string& wire) {
  std::string out;
  auto v = decode(col(Wire::Numeric, TypeClass::Decimal), wire, out);
  if (v.tag == TypeClass::Invalid) return "invalid:" + std::string(v.payload);
  EXPECT_EQ(v.tag, TypeClass::Decimal);
  return std::string(v.payload);
}

constexpr std::uint16_t kPos = 0, kNeg = 0x4000, kNaN = 0xC000, kPInf = 0xD000;

// ---- numeric -----------------------------------------------------------------------------------
TEST(PostgresDecode, NumericZero) { EXPECT_EQ(decimal_of(numeric(0, kPos, 0, {})), "0"); }
TEST(PostgresDecode, NumericZeroWithScale) { EXPECT_EQ(decimal_of(numeric(0, kPos, 2, {})), "0"); }
TEST(PostgresDecode, NumericTrailingZerosAreDropped) {
  EXPECT_EQ(decimal_of(numeric(0, kPos, 2, {1, 5000})), "1.5");  // 1.50
}
TEST(PostgresDecode, NumericNegative) { EXPECT_EQ(decimal_of(numeric(0, kNeg, 1, {12, 5000})), "-12.5"); }
TEST(PostgresDecode, NumericSmallFraction) { EXPECT_EQ(decimal_of(numeric(-1, kPos, 3, {10})), "0.001"); }
TEST(PostgresDecode, NumericLarge) {
  EXPECT_EQ(decimal_of(numeric(2, kPos, 9, {1, 2345, 6789, 1234, 5678, 9000})), "123456789.123456789");
}
TEST(PostgresDecode, NumericPositiveWeight) {
  EXPECT_EQ(decimal_of(numeric(1, kPos, 0, {1})), "10000");
  EXPECT_EQ(decimal_of(numeric(2, kNeg, 0, {7})), "-700000000");
}
TEST(PostgresDecode, NumericSpecialValuesAreInvalid) {
  EXPECT_EQ(decimal_of(numeric(0, kNaN, 0, {})), "invalid:NaN");
  EXPECT_EQ(decimal_of(numeric(0, kPInf, 0, {})), "invalid:Infinity");
}
TEST(PostgresDecode, NumericMalformedIsInvalidNotACrash) {
  std::string w = numeric(0, kPos, 0, {1, 2});
  w.pop_back();
  EXPECT_EQ(decimal_of(w).rfind("invalid:", 0), 0u);
}
TEST(PostgresDecode, NumericToText) {
  std::string t;
  auto w = numeric(-1, kNeg, 4, {5});
  EXPECT_TRUE(numeric_to_text(w.data(), w.size(), t));
  EXPECT_EQ(t, "-0.0005");
  w = numeric(1, kPos, 2, {12, 3456, 7800});
  EXPECT_TRUE(numeric_to_text(w.data(), w.size(), t));
  EXPECT_EQ(t, "123456.78");
  w = numeric(0, kNaN, 0, {});
  EXPECT_FALSE(numeric_to_text(w.data(), w.size(), t));
  EXPECT_EQ(t, "NaN");
}
TEST(PostgresDecode, NumericComparedAsIntegerAndFloat) {
  std::string out;
  auto v = decode(col(Wire::Numeric, TypeClass::Integer), numeric(0, kPos, 2, {42}), out);
  ASSERT_EQ(v.tag, TypeClass::Integer);
  EXPECT_EQ(v.as_int64(), 42);
  v = decode(col(Wire::Numeric, TypeClass::Float), numeric(0, kPos, 2, {1, 5000}), out);
  ASSERT_EQ(v.tag, TypeClass::Float);
  EXPECT_EQ(v.as_double(), 1.5);
}

// ---- integers, floats, bool ---------------------------------------------------------------------
TEST(PostgresDecode, Integers) {
  std::string out, w;
  be16(w, static_cast<std::uint16_t>(-5));
  EXPECT_EQ(decode(col(Wire::Int2, TypeClass::Integer), w, out).as_int64(), -5);
  w.clear();
  be32(w, static_cast<std::uint32_t>(-123456));
  EXPECT_EQ(decode(col(Wire::Int4, TypeClass::Integer), w, out).as_int64(), -123456);
  w.clear();
  be64(w, static_cast<std::uint64_t>(INT64_MIN));
  EXPECT_EQ(decode(col(Wire::Int8, TypeClass::Integer), w, out).as_int64(), INT64_MIN);
  w.clear();
  be32(w, 4000000000u);
  EXPECT_EQ(decode(col(Wire::Oid, TypeClass::Integer), w, out).as_int64(), 4000000000LL);
  w.clear();
  be32(w, 7);
  auto v = decode(col(Wire::Int4, TypeClass::Decimal), w, out);
  EXPECT_EQ(v.tag, TypeClass::Decimal);
  EXPECT_EQ(v.payload, "7");
}
TEST(PostgresDecode, WrongLengthIsInvalid) {
  std::string out, w = "abc";
  EXPECT_EQ(decode(col(Wire::Int4, TypeClass::Integer), w, out).tag, TypeClass::Invalid);
}
TEST(PostgresDecode, Floats) {
  std::string out, w;
  float f = 0.1f;
  std::uint32_t fb;
  std::memcpy(&fb, &f, 4);
  be32(w, fb);
  ColumnDecoder c4 = col(Wire::Float4, TypeClass::Float);
  auto v = decode(c4, w, out);
  ASSERT_EQ(v.tag, TypeClass::Float);
  EXPECT_EQ(v.as_double(), static_cast<double>(0.1f));
  w.clear();
  double d = -0.0;
  std::uint64_t db;
  std::memcpy(&db, &d, 8);
  be64(w, db);
  v = decode(col(Wire::Float8, TypeClass::Float), w, out);
  EXPECT_FALSE(std::signbit(v.as_double()));
  // float8 compared with a float4 column: rounded to single first.
  w.clear();
  d = 0.1;
  std::memcpy(&db, &d, 8);
  be64(w, db);
  ColumnDecoder c8 = col(Wire::Float8, TypeClass::Float);
  c8.single_float = true;
  EXPECT_EQ(decode(c8, w, out).as_double(), static_cast<double>(0.1f));
}
TEST(PostgresDecode, Bool) {
  std::string out;
  auto v = decode(col(Wire::Bool, TypeClass::Boolean), std::string(1, '\1'), out);
  ASSERT_EQ(v.tag, TypeClass::Boolean);
  EXPECT_EQ(v.payload, std::string(1, '\1'));
}

// ---- dates and times ----------------------------------------------------------------------------
TEST(PostgresDecode, Date) {
  std::string out, w;
  const std::int32_t d = canon::days_from_civil(2024, 1, 5);
  be32(w, static_cast<std::uint32_t>(d - kPostgresEpochDays));
  auto v = decode(col(Wire::Date, TypeClass::Date), w, out);
  ASSERT_EQ(v.tag, TypeClass::Date);
  EXPECT_EQ(v.as_int32(), d);
  w.clear();
  be32(w, static_cast<std::uint32_t>(canon::days_from_civil(1900, 2, 28) - kPostgresEpochDays));
  EXPECT_EQ(decode(col(Wire::Date, TypeClass::Date), w, out).as_int32(), canon::days_from_civil(1900, 2, 28));
  w.clear();
  be32(w, 0x7fffffffu);
  v = decode(col(Wire::Date, TypeClass::Date), w, out);
  EXPECT_EQ(v.tag, TypeClass::Invalid);
  EXPECT_EQ(v.payload, "infinity");
}
TEST(PostgresDecode, TimestampBeforeAndAfter2000) {
  std::string out, w;
  // 1999-12-31 23:59:59.5 is half a second before PostgreSQL's epoch.
  be64(w, static_cast<std::uint64_t>(std::int64_t{-500000}));
  auto v = decode(col(Wire::Timestamp, TypeClass::Timestamp), w, out);
  ASSERT_EQ(v.tag, TypeClass::Timestamp);
  EXPECT_EQ(v.as_int64(), 946684799500000LL);
  EXPECT_EQ(canon::format_timestamp(v.as_int64()), "1999-12-31 23:59:59.5");

  const std::int64_t unix_us =
      std::int64_t{canon::days_from_civil(2024, 1, 5)} * kMicrosPerDay + 36000LL * kMicrosPerSecond + 123456;
  w.clear();
  be64(w, static_cast<std::uint64_t>(unix_us - std::int64_t{kPostgresEpochDays} * kMicrosPerDay));
  v = decode(col(Wire::TimestampTz, TypeClass::TimestampTz), w, out);
  ASSERT_EQ(v.tag, TypeClass::TimestampTz);
  EXPECT_EQ(v.as_int64(), unix_us);
  v = decode(col(Wire::Timestamp, TypeClass::Timestamp), w, out);
  EXPECT_EQ(canon::format_timestamp(v.as_int64()), "2024-01-05 10:00:00.123456");

  w.clear();
  be64(w, static_cast<std::uint64_t>(INT64_MIN));
  v = decode(col(Wire::Timestamp, TypeClass::Timestamp), w, out);
  EXPECT_EQ(v.tag, TypeClass::Invalid);
  EXPECT_EQ(v.payload, "-infinity");
}
TEST(PostgresDecode, Time) {
  std::string out, w;
  be64(w, 86399999999ULL);
  auto v = decode(col(Wire::Time, TypeClass::Time), w, out);
  ASSERT_EQ(v.tag, TypeClass::Time);
  EXPECT_EQ(v.as_int64(), 86399999999LL);
}

// ---- uuid, text, bytes, json --------------------------------------------------------------------
TEST(PostgresDecode, Uuid) {
  std::string out, w;
  for (int i = 0; i < 16; ++i) w.push_back(static_cast<char>(i * 17));
  auto v = decode(col(Wire::Uuid, TypeClass::Uuid), w, out);
  ASSERT_EQ(v.tag, TypeClass::Uuid);
  EXPECT_EQ(v.payload, w);
  v = decode(col(Wire::Uuid, TypeClass::Text), w, out);
  ASSERT_EQ(v.tag, TypeClass::Text);
  EXPECT_EQ(v.payload, "00112233-4455-6677-8899-aabbccddeeff");
}
TEST(PostgresDecode, TextAndPadding) {
  std::string out;
  EXPECT_EQ(decode(col(Wire::Bpchar, TypeClass::Text), "ab  ", out).payload, "ab  ");
  ColumnDecoder trim = col(Wire::Bpchar, TypeClass::Text);
  trim.trim_padding = true;
  EXPECT_EQ(decode(trim, "ab  ", out).payload, "ab");
  EXPECT_EQ(decode(trim, "   ", out).payload, "");
  EXPECT_EQ(decode(col(Wire::Text, TypeClass::Text), "Ação", out).payload, "Ação");
}
TEST(PostgresDecode, BytesAndJson) {
  std::string out;
  auto v = decode(col(Wire::Bytea, TypeClass::Bytes), std::string("\0\xff", 2), out);
  ASSERT_EQ(v.tag, TypeClass::Bytes);
  EXPECT_EQ(v.payload, std::string("\0\xff", 2));
  v = decode(col(Wire::Jsonb, TypeClass::Json), std::string("\1{\"b\": 1, \"a\": [true]}"), out);
  ASSERT_EQ(v.tag, TypeClass::Json);
  EXPECT_EQ(v.payload, "{\"a\":[true],\"b\":1}");
  v = decode(col(Wire::Json, TypeClass::Json), "{not json", out);
  EXPECT_EQ(v.tag, TypeClass::Invalid);
  v = decode(col(Wire::Text, TypeClass::Json), " [1, 2] ", out);
  EXPECT_EQ(v.tag, TypeClass::Json);
  EXPECT_EQ(v.payload, "[1,2]");
}

// ---- the stream ---------------------------------------------------------------------------------
std::string header() {
  std::string s("PGCOPY\n\377\r\n\0", 11);
  be32(s, 0);
  be32(s, 0);
  return s;
}
void field(std::string& s, const std::string& v) {
  be32(s, static_cast<std::uint32_t>(v.size()));
  s += v;
}
void null_field(std::string& s) { be32(s, 0xffffffffu); }
std::string int4(std::int32_t v) {
  std::string s;
  be32(s, static_cast<std::uint32_t>(v));
  return s;
}

std::string two_row_stream() {
  std::string s = header();
  be16(s, 2);
  field(s, int4(1));
  field(s, "one");
  be16(s, 2);
  field(s, int4(2));
  null_field(s);
  be16(s, 0xffff);
  return s;
}

/// Puts `batch` in raw mode, converting with `decoder`'s value columns (as read_range does).
void set_raw_from(RowBatch& batch, const CopyDecoder& decoder) {
  batch.set_raw([values = decoder.value_decoders()](std::string_view r, std::string& out) {
    CopyDecoder::canonicalize_raw(values, r, out);
  });
}

CopyDecoder int_text_decoder() {
  return CopyDecoder("target table t", {col(Wire::Int4, TypeClass::Integer)}, {col(Wire::Text, TypeClass::Text)});
}

void expect_two_rows(const RowBatch& b) {
  ASSERT_EQ(b.size(), 2u);
  std::size_t pos = 0;
  EXPECT_EQ(canon::read_value(b.key(0), pos).as_int64(), 1);
  pos = 0;
  EXPECT_EQ(canon::read_value(b.values(0), pos).payload, "one");
  pos = 0;
  EXPECT_EQ(canon::read_value(b.key(1), pos).as_int64(), 2);
  pos = 0;
  EXPECT_TRUE(canon::read_value(b.values(1), pos).is_null());
  EXPECT_EQ(b.row(0).digest, row_digest(b.values(0)));
}

TEST(PostgresCopyDecoder, WholeStreamInOneChunk) {
  const std::string s = two_row_stream();
  RowBatch b;
  CopyDecoder d = int_text_decoder();
  d.feed(s.data(), s.size(), b);
  d.finish();
  EXPECT_EQ(d.rows(), 2u);
  expect_two_rows(b);
}

TEST(PostgresCopyDecoder, EverySplitPointGivesTheSameRows) {
  const std::string s = two_row_stream();
  for (std::size_t cut = 0; cut <= s.size(); ++cut) {
    RowBatch b;
    CopyDecoder d = int_text_decoder();
    d.feed(s.data(), cut, b);
    d.feed(s.data() + cut, s.size() - cut, b);
    d.finish();
    expect_two_rows(b);
  }
  RowBatch b;
  CopyDecoder d = int_text_decoder();
  for (char c : s) d.feed(&c, 1, b);
  d.finish();
  expect_two_rows(b);
}

TEST(PostgresCopyDecoder, RawValuesAreKeptAsSentAndCanonicalOnDemand) {
  const std::string s = two_row_stream();
  for (std::size_t cut = 0; cut <= s.size(); ++cut) {  // a tuple split anywhere is still kept whole
    RowBatch raw;
    CopyDecoder d("target table t", {col(Wire::Int4, TypeClass::Integer)}, {col(Wire::Text, TypeClass::Text)}, true);
    set_raw_from(raw, d);
    d.feed(s.data(), cut, raw);
    d.feed(s.data() + cut, s.size() - cut, raw);
    d.finish();
    ASSERT_EQ(raw.size(), 2u);
    std::string wire_one;
    be32(wire_one, 3);
    wire_one += "one";
    EXPECT_EQ(raw.values(0), wire_one);                      // [length]["one"], as sent
    EXPECT_EQ(raw.values(1), std::string(4, '\xff'));        // NULL: length -1
    EXPECT_EQ(raw.row(0).digest, Digest{});                  // raw rows are compared by bytes, not digested
    // On demand, exactly what the canonical decoder gives.
    RowBatch canonical;
    CopyDecoder c = int_text_decoder();
    c.feed(s.data(), s.size(), canonical);
    std::string buf;
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(raw.key(i), canonical.key(i));
      EXPECT_EQ(raw.canonical_values(i, buf), canonical.values(i));
    }
    raw.clear();
    EXPECT_FALSE(raw.raw());
  }
}

TEST(PostgresCopyDecoder, TruncatedStreamIsAnError) {
  const std::string s = two_row_stream();
  RowBatch b;
  CopyDecoder d = int_text_decoder();
  d.feed(s.data(), s.size() - 5, b);
  EXPECT_THROW(d.finish(), CopyFormatError);
  EXPECT_EQ(b.size(), 1u);  // the half row was dropped, the whole one kept
}

TEST(PostgresCopyDecoder, RawRowWithAHugeLengthWaitsAndNeverReadsPastTheData) {
  // A value length near 2^31 (a corrupt stream) must leave the row incomplete, not wrap or overrun.
  std::string s = header();
  be16(s, 3);
  field(s, int4(1));
  be32(s, 0x7fffffffu);
  s += "abc";
  RowBatch raw;
  CopyDecoder d("target table t", {col(Wire::Int4, TypeClass::Integer)},
                {col(Wire::Text, TypeClass::Text), col(Wire::Text, TypeClass::Text)}, true);
  set_raw_from(raw, d);
  d.feed(s.data(), s.size(), raw);
  EXPECT_EQ(raw.size(), 0u);
  EXPECT_THROW(d.finish(), CopyFormatError);
}

TEST(PostgresCopyDecoder, RawRowsFedByteByByte) {
  const std::string s = two_row_stream();
  RowBatch raw;
  CopyDecoder d("target table t", {col(Wire::Int4, TypeClass::Integer)}, {col(Wire::Text, TypeClass::Text)}, true);
  set_raw_from(raw, d);
  for (char c : s) d.feed(&c, 1, raw);
  d.finish();
  ASSERT_EQ(raw.size(), 2u);
  EXPECT_EQ(raw.values(0), std::string("\0\0\0\3one", 7));
  EXPECT_EQ(raw.values(1), std::string(4, '\xff'));
}

TEST(PostgresCopyDecoder, NullKeyNamesTheColumn) {
  std::string s = header();
  be16(s, 2);
  null_field(s);
  field(s, "x");
  RowBatch b;
  std::vector<ColumnDecoder> keys{col(Wire::Int4, TypeClass::Integer)};
  keys[0].name = "id";
  CopyDecoder d("target table public.t", keys, {col(Wire::Text, TypeClass::Text)});
  try {
    d.feed(s.data(), s.size(), b);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("key column id of target table public.t has NULL"), std::string::npos);
  }
  EXPECT_EQ(b.bytes(), 0u);
}

TEST(PostgresCopyDecoder, WrongFieldCountAndSignature) {
  std::string s = header();
  be16(s, 3);
  RowBatch b;
  CopyDecoder d = int_text_decoder();
  EXPECT_THROW(d.feed(s.data(), s.size(), b), CopyFormatError);
  CopyDecoder d2 = int_text_decoder();
  const std::string bad(40, 'x');
  EXPECT_THROW(d2.feed(bad.data(), bad.size(), b), CopyFormatError);
}

TEST(PostgresCopyDecoder, KeysOnly) {
  std::string s = header();
  for (int i = 0; i < 3; ++i) {
    be16(s, 1);
    field(s, int4(i));
  }
  be16(s, 0xffff);
  RowBatch b;
  CopyDecoder d("t", {col(Wire::Int4, TypeClass::Integer)}, {});
  d.feed(s.data(), s.size(), b);
  d.finish();
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b.values(2).size(), 0u);
  std::size_t pos = 0;
  EXPECT_EQ(canon::read_value(b.key(2), pos).as_int64(), 2);
}

}  // namespace
}  // namespace recon::pg

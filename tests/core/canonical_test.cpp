#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "recon/core/canonical.hpp"

using namespace recon;

namespace {
std::string enc(TypeClass c, std::string_view text, TimeRounding r = TimeRounding::HalfEven) {
  std::string out;
  canon::put_from_text(out, c, text, r);
  return out;
}
std::string shown(const std::string& e) {
  std::size_t p = 0;
  return canon::to_display(canon::read_value(e, p));
}
}  // namespace

TEST(CanonicalDecimal, GarbageIsInvalidNotAnError) {
  const std::string e = enc(TypeClass::Decimal, "12,5");
  EXPECT_EQ(static_cast<TypeClass>(e[0]), TypeClass::Invalid);
  EXPECT_NE(e, enc(TypeClass::Decimal, "12.5"));
}

TEST(CanonicalDecimal, DigitsFromBaseTenThousandParts) {
  std::string a, b;
  canon::put_decimal_digits(a, false, "0001500", -3);  // 1.500
  canon::put_decimal(b, "1.5");
  EXPECT_EQ(a, b);
}

TEST(CanonicalNull, NullDiffersFromEmptyText) {
  std::string n, e;
  canon::put_null(n);
  canon::put_text(e, "");
  EXPECT_NE(n, e);
}

TEST(CanonicalText, TrailingSpacesAreSignificant) {
  EXPECT_NE(enc(TypeClass::Text, "a "), enc(TypeClass::Text, "a"));
}

TEST(CanonicalFloat, NegativeZeroAndNaN) {
  std::string a, b, c, d;
  canon::put_float(a, -0.0);
  canon::put_float(b, 0.0);
  EXPECT_EQ(a, b);
  canon::put_float(c, std::nan("1"));
  canon::put_float(d, std::nan("2"));
  EXPECT_EQ(c, d);
  std::string s1, s2;
  canon::put_float(s1, 0.1, true);
  canon::put_float(s2, static_cast<double>(0.1f));
  EXPECT_EQ(s1, s2);
}

TEST(CanonicalUuid, CaseAndBracesDoNotMatter) {
  EXPECT_EQ(enc(TypeClass::Uuid, "{6F9619FF-8B86-D011-B42D-00C04FC964FF}"),
            enc(TypeClass::Uuid, "6f9619ff-8b86-d011-b42d-00c04fc964ff"));
  EXPECT_EQ(shown(enc(TypeClass::Uuid, "6F9619FF8B86D011B42D00C04FC964FF")), "6f9619ff-8b86-d011-b42d-00c04fc964ff");
  // Braces around the spelling without hyphens too, as PostgreSQL's uuid input reads it.
  EXPECT_EQ(shown(enc(TypeClass::Uuid, "{6f9619ff8b86d011b42d00c04fc964ff}")), "6f9619ff-8b86-d011-b42d-00c04fc964ff");
  EXPECT_EQ(static_cast<TypeClass>(enc(TypeClass::Uuid, "{6f9619ff8b86d011b42d00c04fc964f}")[0]), TypeClass::Invalid);
}

// The parsers themselves are tested in time_text_test / json_canon_test / decimal_text_test; this
// checks that put_from_text hands each class to its parser with the right options.
TEST(CanonicalFromText, EachClassReachesItsParser) {
  auto tag = [](const std::string& e) { return static_cast<TypeClass>(e[0]); };
  EXPECT_EQ(shown(enc(TypeClass::Decimal, "-0012.3400")), "-12.34");
  EXPECT_EQ(shown(enc(TypeClass::Date, "2024-02-29")), "2024-02-29");
  EXPECT_EQ(tag(enc(TypeClass::Date, "2023-02-29")), TypeClass::Invalid);
  EXPECT_EQ(shown(enc(TypeClass::Time, "10:00:00.0000015")), "10:00:00.000002");
  EXPECT_EQ(shown(enc(TypeClass::Time, "10:00:00.0000015", TimeRounding::Truncate)), "10:00:00.000001");
  EXPECT_EQ(shown(enc(TypeClass::Timestamp, "2024-01-05T10:00:00")), "2024-01-05 10:00:00");
  EXPECT_EQ(tag(enc(TypeClass::Timestamp, "2024-01-05 10:00:00+02")), TypeClass::Invalid);  // no zone allowed
  EXPECT_EQ(shown(enc(TypeClass::TimestampTz, "2024-01-05 12:00:00+02:00")), "2024-01-05 10:00:00+00");
  EXPECT_EQ(shown(enc(TypeClass::Json, R"({"b": 1.50, "a": null})")), R"({"a":null,"b":1.5})");
  EXPECT_EQ(tag(enc(TypeClass::Json, "{a:1}")), TypeClass::Invalid);
}

TEST(CanonicalBoolean, Spellings) {
  EXPECT_EQ(enc(TypeClass::Boolean, "t"), enc(TypeClass::Boolean, "TRUE"));
  EXPECT_EQ(enc(TypeClass::Boolean, "0"), enc(TypeClass::Boolean, "false"));
  std::string one;
  canon::put_from_integer(one, TypeClass::Boolean, 1);
  EXPECT_EQ(one, enc(TypeClass::Boolean, "true"));
}

TEST(CanonicalConversions, IntegerAndDoubleStorage) {
  std::string a, b;
  canon::put_from_double(a, TypeClass::Decimal, 1234.5);
  EXPECT_EQ(a, enc(TypeClass::Decimal, "1234.50"));
  canon::put_from_integer(b, TypeClass::Decimal, 12);
  EXPECT_EQ(b, enc(TypeClass::Decimal, "12.00"));
  EXPECT_EQ(enc(TypeClass::Integer, "12.0"), enc(TypeClass::Integer, "12"));
  EXPECT_EQ(static_cast<TypeClass>(enc(TypeClass::Integer, "12.5")[0]), TypeClass::Invalid);
}

TEST(CanonicalOrder, KeysOrderNumericallyAndBytewise) {
  auto key = [](std::initializer_list<std::pair<TypeClass, const char*>> cols) {
    std::string k;
    for (auto& [c, t] : cols) canon::put_from_text(k, c, t);
    return k;
  };
  EXPECT_LT(canon::compare_keys(key({{TypeClass::Integer, "-5"}}), key({{TypeClass::Integer, "3"}})), 0);
  EXPECT_LT(canon::compare_keys(key({{TypeClass::Decimal, "9.5"}}), key({{TypeClass::Decimal, "10"}})), 0);
  EXPECT_LT(canon::compare_keys(key({{TypeClass::Decimal, "-10"}}), key({{TypeClass::Decimal, "-9.5"}})), 0);
  EXPECT_LT(canon::compare_keys(key({{TypeClass::Decimal, "0.25"}}), key({{TypeClass::Decimal, "0.5"}})), 0);
  EXPECT_LT(canon::compare_keys(key({{TypeClass::Text, "Z"}}), key({{TypeClass::Text, "a"}})), 0);
  EXPECT_LT(canon::compare_keys(key({{TypeClass::Text, "z"}}), key({{TypeClass::Text, "\xc3\xa9"}})), 0);
  EXPECT_LT(canon::compare_keys(key({{TypeClass::Integer, "1"}, {TypeClass::Text, "b"}}),
                                key({{TypeClass::Integer, "1"}, {TypeClass::Text, "c"}})), 0);
  EXPECT_EQ(canon::key_to_json(key({{TypeClass::Integer, "1"}, {TypeClass::Text, "a\"b"}})), R"([1,"a\"b"])");
}

TEST(CanonicalKeys, OneIntegerFastPathOrdersLikeTheGeneralPath) {
  auto key = [](std::int64_t v) {
    std::string k;
    canon::put_integer(k, v);
    return k;
  };
  const std::int64_t values[] = {std::numeric_limits<std::int64_t>::min(), -300, -1, 0, 1, 255, 256,
                                 std::numeric_limits<std::int64_t>::max()};
  for (std::int64_t a : values)
    for (std::int64_t b : values) {
      EXPECT_EQ(canon::compare_keys(key(a), key(b)), (a > b) - (a < b)) << a << " " << b;
      EXPECT_EQ(canon::compare_keys(key(a), key(b)), canon::compare_keys_general(key(a), key(b))) << a << " " << b;
    }
  // A composite key starting with the same integer goes through the general path.
  std::string ab = key(7), ac = key(7);
  canon::put_text(ab, "b");
  canon::put_text(ac, "c");
  EXPECT_LT(canon::compare_keys(ab, ac), 0);
  EXPECT_LT(canon::compare_keys(key(7), ab), 0);  // a prefix sorts first
  std::string text_key;
  canon::put_text(text_key, "12345678");  // same length as an integer key, another class
  EXPECT_GT(canon::compare_keys(text_key, key(5)), 0);
}

TEST(CanonicalDecimal, Base10000GroupsGiveTheSameTextAsAnySpelling) {
  auto groups = [](bool neg, int weight, std::vector<std::uint16_t> g) {
    std::string out;
    canon::put_decimal_groups(out, neg, weight, g.data(), g.size());
    return out;
  };
  EXPECT_EQ(groups(false, 0, {1, 5000}), enc(TypeClass::Decimal, "1.50"));
  EXPECT_EQ(groups(true, 1, {12, 3456, 7800}), enc(TypeClass::Decimal, "-123456.78"));
  EXPECT_EQ(groups(false, -2, {12}), enc(TypeClass::Decimal, "0.00000012"));
  EXPECT_EQ(groups(false, 2, {1}), enc(TypeClass::Decimal, "100000000"));
  EXPECT_EQ(groups(false, 0, {}), enc(TypeClass::Decimal, "0"));
  EXPECT_EQ(groups(true, 0, {0, 0}), enc(TypeClass::Decimal, "0"));
  EXPECT_EQ(groups(false, 0, {0, 10}), enc(TypeClass::Decimal, "0.001"));
  EXPECT_EQ(groups(false, 1, {0, 7, 0}), enc(TypeClass::Decimal, "7"));
  EXPECT_EQ(groups(false, 2, {123, 4567, 8912, 3456, 7891, 2345}), enc(TypeClass::Decimal, "12345678912.3456789123450"));
}

// PostgreSQL's base-10000 layout written directly must give exactly what the digit path gives,
// for any weight, sign, leading/trailing zero groups and fraction.
TEST(Canonical, DecimalGroupsAgreeWithTheDigitPath) {
  std::uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<unsigned>(state >> 33);
  };
  for (int round = 0; round < 20000; ++round) {
    const std::size_t n = next() % 7;
    std::vector<std::uint16_t> groups(n);
    std::string digits;
    for (auto& g : groups) {
      const unsigned kind = next() % 4;
      g = static_cast<std::uint16_t>(kind == 0 ? 0 : kind == 1 ? next() % 10 : next() % 10000);
      char quad[8];
      std::snprintf(quad, sizeof quad, "%04u", static_cast<unsigned>(g));
      digits += quad;
    }
    const int weight = static_cast<int>(next() % 9) - 4;
    const bool negative = next() % 2 == 0;
    std::string fast, reference;
    canon::put_decimal_groups(fast, negative, weight, groups.data(), n);
    canon::put_decimal_digits(reference, negative, digits.empty() ? "0" : digits,
                              4 * (weight - static_cast<int>(n) + 1));
    ASSERT_EQ(fast, reference) << "weight " << weight << " digits " << digits << " negative " << negative;
  }
}

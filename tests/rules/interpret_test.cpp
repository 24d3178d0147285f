#include "recon/rules/interpret.hpp"

#include <cmath>
#include <deque>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "values_support.hpp"

namespace recon::rules {
namespace {

using test_support::Values;

// ---- exact decimal helpers ---------------------------------------------------------------------

TEST(DecimalHelpers, SubtractSignsAndCarries) {
  EXPECT_EQ(decimal_subtract("1", "1"), "0");
  EXPECT_EQ(decimal_subtract("0", "0"), "0");
  EXPECT_EQ(decimal_subtract("100", "0.001"), "99.999");
  EXPECT_EQ(decimal_subtract("0.001", "100"), "-99.999");
  EXPECT_EQ(decimal_subtract("-1.5", "-1.5"), "0");
  EXPECT_EQ(decimal_subtract("-1.5", "2.25"), "-3.75");
  EXPECT_EQ(decimal_subtract("1.5", "-2.25"), "3.75");
  EXPECT_EQ(decimal_subtract("-1.5", "-2.25"), "0.75");
  EXPECT_EQ(decimal_subtract("999.99", "-0.01"), "1000");  // carry through every digit
  EXPECT_EQ(decimal_subtract("1000", "0.01"), "999.99");   // borrow through every digit
  EXPECT_EQ(decimal_subtract("12.340", "2.34"), "10");     // no trailing fractional zeros
  EXPECT_EQ(decimal_subtract("0.1", "0.3"), "-0.2");
  EXPECT_EQ(decimal_subtract("5", "7"), "-2");
  EXPECT_EQ(decimal_subtract("-0", "0"), "0");  // never "-0"
}

TEST(DecimalHelpers, SubtractLongNumbers) {
  const std::string forty = "1234567890123456789012345678901234567890";
  EXPECT_EQ(decimal_subtract(forty, "1"), "1234567890123456789012345678901234567889");
  EXPECT_EQ(decimal_subtract("0.0000000000000000000000000000000000000001", "0"),
            "0.0000000000000000000000000000000000000001");
  EXPECT_EQ(decimal_subtract("99999999999999999999999999999999999999.99", "-0.01"),
            "100000000000000000000000000000000000000");
  EXPECT_EQ(decimal_subtract("1", "0.0000000000000000000000000000000000000001"),
            "0.9999999999999999999999999999999999999999");
  EXPECT_EQ(decimal_subtract(forty, forty), "0");
}

TEST(DecimalHelpers, AcceptsIntegerTextAndLiterals) {
  EXPECT_EQ(decimal_subtract("-9223372036854775808", "9223372036854775807"), "-18446744073709551615");
  EXPECT_EQ(decimal_subtract("1e-6", "0"), "0.000001");  // normalised through canon::put_decimal
  EXPECT_EQ(decimal_subtract("+.5", "0.25"), "0.25");
  EXPECT_THROW(decimal_subtract("abc", "1"), std::invalid_argument);
}

TEST(DecimalHelpers, Compare) {
  EXPECT_EQ(decimal_compare("0", "0"), 0);
  EXPECT_EQ(decimal_compare("-0", "0"), 0);
  EXPECT_EQ(decimal_compare("1.50", "1.5"), 0);
  EXPECT_EQ(decimal_compare("0.001", "0.01"), -1);
  EXPECT_EQ(decimal_compare("0.02", "0.01"), 1);
  EXPECT_EQ(decimal_compare("-1", "1"), -1);
  EXPECT_EQ(decimal_compare("1", "-1"), 1);
  EXPECT_EQ(decimal_compare("-2", "-1"), -1);
  EXPECT_EQ(decimal_compare("-0.5", "-0.25"), -1);
  EXPECT_EQ(decimal_compare("10", "9.999999"), 1);
  EXPECT_EQ(decimal_compare("1234567890123456789012345678901234567890", "1234567890123456789012345678901234567891"),
            -1);
  EXPECT_EQ(decimal_compare("0.0000000000000000000000000000000000000001", "0"), 1);
}

TEST(DecimalHelpers, Multiply) {
  EXPECT_EQ(decimal_multiply("0", "123.45"), "0");
  EXPECT_EQ(decimal_multiply("-0.5", "0"), "0");  // never "-0"
  EXPECT_EQ(decimal_multiply("0.000001", "1000"), "0.001");
  EXPECT_EQ(decimal_multiply("1.5", "1.5"), "2.25");
  EXPECT_EQ(decimal_multiply("-1.5", "2"), "-3");
  EXPECT_EQ(decimal_multiply("-1.5", "-2"), "3");
  EXPECT_EQ(decimal_multiply("99", "99"), "9801");
  EXPECT_EQ(decimal_multiply("0.1", "0.1"), "0.01");
  EXPECT_EQ(decimal_multiply("12345678901234567890", "98765432109876543210"),
            "1219326311370217952237463801111263526900");
  EXPECT_EQ(decimal_multiply("9999999999999999999999999999999999999999", "9999999999999999999999999999999999999999"),
            "99999999999999999999999999999999999999980000000000000000000000000000000000000001");
}

// ---- interpretations ---------------------------------------------------------------------------

TEST(Interpretation, EmptyAndAppliesTo) {
  Interpretation how;
  EXPECT_TRUE(how.empty());
  for (auto c : {TypeClass::Integer, TypeClass::Text, TypeClass::Date}) EXPECT_FALSE(how.applies_to(c));
  how.trim_trailing = true;
  EXPECT_FALSE(how.empty());
  EXPECT_TRUE(how.applies_to(TypeClass::Text));
  EXPECT_FALSE(how.applies_to(TypeClass::Decimal));
  EXPECT_FALSE(how.applies_to(TypeClass::Json));

  Interpretation num;
  num.abs_tolerance = "0.01";
  EXPECT_TRUE(num.applies_to(TypeClass::Integer));
  EXPECT_TRUE(num.applies_to(TypeClass::Decimal));
  EXPECT_TRUE(num.applies_to(TypeClass::Float));
  EXPECT_FALSE(num.applies_to(TypeClass::Timestamp));

  Interpretation ulps;
  ulps.ulps = 4;
  EXPECT_TRUE(ulps.applies_to(TypeClass::Float));
  EXPECT_FALSE(ulps.applies_to(TypeClass::Decimal));

  Interpretation t;
  t.truncate_us = 1000;
  EXPECT_TRUE(t.applies_to(TypeClass::Time));
  EXPECT_TRUE(t.applies_to(TypeClass::TimestampTz));
  EXPECT_FALSE(t.applies_to(TypeClass::Date));

  Interpretation j;
  j.json = true;
  EXPECT_TRUE(j.applies_to(TypeClass::Json));
  EXPECT_TRUE(j.applies_to(TypeClass::Text));

  Interpretation n;
  n.null_equals_empty = true;
  EXPECT_TRUE(n.applies_to(TypeClass::Text));
  EXPECT_FALSE(n.applies_to(TypeClass::Integer));

  Interpretation ign;
  ign.ignore = true;
  for (auto c : {TypeClass::Integer, TypeClass::Bytes, TypeClass::Date, TypeClass::Uuid})
    EXPECT_TRUE(ign.applies_to(c));
}

TEST(Interpret, NullsInvalidAndIgnore) {
  Values v;
  Interpretation how;
  how.abs_tolerance = "1";
  EXPECT_TRUE(interpret(how, v.null(), v.null()).equal);
  auto r = interpret(how, v.null(), v.integer(1));
  EXPECT_FALSE(r.equal);
  EXPECT_EQ(r.why, "NULL vs value");
  r = interpret(how, v.invalid("abc"), v.integer(1));
  EXPECT_FALSE(r.equal);
  EXPECT_EQ(r.why, "value could not be converted");
  EXPECT_FALSE(interpret(how, v.invalid("abc"), v.invalid("abc")).equal);

  Interpretation ign;
  ign.ignore = true;
  r = interpret(ign, v.integer(1), v.integer(2));
  EXPECT_TRUE(r.equal);
  EXPECT_EQ(r.why, "column ignored");
  EXPECT_TRUE(interpret(ign, v.null(), v.text("x")).equal);
  EXPECT_FALSE(interpret(ign, v.invalid("x"), v.text("x")).equal);  // a conversion failure is never hidden
}

TEST(Interpret, NullEqualsEmpty) {
  Values v;
  Interpretation how;
  how.null_equals_empty = true;
  EXPECT_TRUE(interpret(how, v.null(), v.text("")).equal);
  EXPECT_TRUE(interpret(how, v.text(""), v.null()).equal);
  EXPECT_FALSE(interpret(how, v.null(), v.text("  ")).equal);  // spaces only count with trim_trailing
  how.trim_trailing = true;
  auto r = interpret(how, v.null(), v.text("  "));
  EXPECT_TRUE(r.equal);
  EXPECT_EQ(r.why, "NULL equals '' after trimming trailing spaces");
  EXPECT_FALSE(interpret(how, v.null(), v.text("a")).equal);

  Interpretation off;
  off.trim_trailing = true;  // opt-in: never a default
  EXPECT_FALSE(interpret(off, v.null(), v.text("")).equal);
}

TEST(Interpret, DoesNotApply) {
  Values v;
  Interpretation how;
  how.trim_trailing = true;
  auto r = interpret(how, v.decimal("1"), v.decimal("2"));
  EXPECT_FALSE(r.equal);
  EXPECT_EQ(r.why, "interpretation does not apply to decimal");
  Interpretation t;
  t.time_tolerance_us = 1000;
  EXPECT_EQ(interpret(t, v.date(1), v.date(2)).why, "interpretation does not apply to date");
}

TEST(Interpret, AbsoluteTolerance) {
  Values v;
  Interpretation how;
  how.abs_tolerance = "0.01";
  auto r = interpret(how, v.decimal("10.001"), v.decimal("10"));
  EXPECT_TRUE(r.equal);
  EXPECT_EQ(r.why, "|Δ| 0.001 ≤ 0.01");
  r = interpret(how, v.decimal("10"), v.decimal("10.02"));
  EXPECT_FALSE(r.equal);
  EXPECT_EQ(r.why, "|Δ| 0.02 > 0.01");
  EXPECT_TRUE(interpret(how, v.decimal("-0.005"), v.decimal("0.005")).equal);  // exactly the bound
  EXPECT_FALSE(interpret(how, v.decimal("-0.005"), v.decimal("0.0050000000000000000000000001")).equal);

  Interpretation ints;
  ints.abs_tolerance = "1";
  EXPECT_TRUE(interpret(ints, v.integer(INT64_MAX), v.integer(INT64_MAX - 1)).equal);
  EXPECT_FALSE(interpret(ints, v.integer(INT64_MIN), v.integer(INT64_MAX)).equal);
}

TEST(Interpret, FloatsUseShortestText) {
  Values v;
  Interpretation how;
  how.abs_tolerance = "0.1";
  // As binary doubles 1.1 − 1.0 is 0.1000000000000000888…; as the texts the user sees it is 0.1.
  EXPECT_TRUE(interpret(how, v.real(1.1), v.real(1.0)).equal);
  EXPECT_EQ(interpret(how, v.real(1.1), v.real(1.0)).why, "|Δ| 0.1 ≤ 0.1");
  EXPECT_TRUE(interpret(how, v.real(1e-7), v.real(0)).equal);
  EXPECT_FALSE(interpret(how, v.real(INFINITY), v.real(1)).equal);
}

TEST(Interpret, RelativeTolerance) {
  Values v;
  Interpretation how;
  how.rel_tolerance = "1e-6";  // normalised to 0.000001
  auto r = interpret(how, v.decimal("1000"), v.decimal("1000.001"));
  EXPECT_TRUE(r.equal);
  EXPECT_EQ(r.why, "|Δ| 0.001 ≤ 0.001000001 (relative 0.000001)");
  EXPECT_FALSE(interpret(how, v.decimal("1000"), v.decimal("1000.0011")).equal);
  EXPECT_TRUE(interpret(how, v.decimal("-1000"), v.decimal("-1000.001")).equal);  // max of absolutes
  EXPECT_TRUE(interpret(how, v.integer(1000000), v.integer(1000001)).equal);
  EXPECT_FALSE(interpret(how, v.integer(0), v.integer(1)).equal);
}

TEST(Interpret, AbsOrRel) {
  Values v;
  Interpretation how;
  how.abs_tolerance = "0.01";
  how.rel_tolerance = "0.1";
  EXPECT_TRUE(interpret(how, v.decimal("100"), v.decimal("105")).equal);  // rel only
  EXPECT_TRUE(interpret(how, v.decimal("0"), v.decimal("0.01")).equal);   // abs only
  auto r = interpret(how, v.decimal("0"), v.decimal("0.5"));
  EXPECT_FALSE(r.equal);
  EXPECT_EQ(r.why, "|Δ| 0.5 > 0.01; |Δ| 0.5 > 0.05 (relative 0.1)");
}

TEST(Interpret, Ulps) {
  Values v;
  Interpretation how;
  how.ulps = 4;
  const double x = 1.0;
  auto r = interpret(how, v.real(x), v.real(std::nextafter(std::nextafter(std::nextafter(x, 2), 2), 2)));
  EXPECT_TRUE(r.equal);
  EXPECT_EQ(r.why, "3 ULPs ≤ 4");
  double y = x;
  for (int i = 0; i < 5; ++i) y = std::nextafter(y, 0);
  r = interpret(how, v.real(x), v.real(y));
  EXPECT_FALSE(r.equal);
  EXPECT_EQ(r.why, "5 ULPs > 4");
  // Across zero: the smallest subnormals on either side are 2 apart (−0 and +0 are one point).
  const double tiny = std::numeric_limits<double>::denorm_min();
  EXPECT_EQ(interpret(how, v.real(-tiny), v.real(tiny)).why, "2 ULPs ≤ 4");
  EXPECT_EQ(interpret(how, v.real(-0.0), v.real(tiny)).why, "1 ULP ≤ 4");
  EXPECT_FALSE(interpret(how, v.real(-1.0), v.real(1.0)).equal);
  EXPECT_FALSE(interpret(how, v.real(NAN), v.real(1.0)).equal);
  EXPECT_TRUE(interpret(how, v.real(NAN), v.real(NAN)).equal);
  EXPECT_EQ(interpret(how, v.real(std::numeric_limits<double>::max()), v.real(INFINITY)).why, "1 ULP ≤ 4");
  EXPECT_EQ(interpret(how, v.decimal("1"), v.decimal("2")).why, "interpretation does not apply to decimal");
}

TEST(Interpret, TimeTolerance) {
  Values v;
  Interpretation how;
  how.time_tolerance_us = 1000;
  const std::int64_t t0 = 1'700'000'000'000'000;
  auto r = interpret(how, v.tstz(t0), v.tstz(t0 + 500));
  EXPECT_TRUE(r.equal);
  EXPECT_EQ(r.why, "0.5 ms apart ≤ 1 ms");
  r = interpret(how, v.ts(t0 + 2'000'000), v.ts(t0));
  EXPECT_FALSE(r.equal);
  EXPECT_EQ(r.why, "2 s apart > 1 ms");
  EXPECT_EQ(interpret(how, v.time(10), v.time(250)).why, "0.24 ms apart ≤ 1 ms");
  EXPECT_EQ(interpret(how, v.time(10), v.time(50)).why, "40 µs apart ≤ 1 ms");
  how.time_tolerance_us = 1'500'000;
  EXPECT_EQ(interpret(how, v.ts(0), v.ts(1'250'000)).why, "1.25 s apart ≤ 1.5 s");
}

TEST(Interpret, TruncateAndRound) {
  Values v;
  Interpretation tr;
  tr.truncate_us = 1000;
  auto r = interpret(tr, v.ts(1'000'100), v.ts(1'000'900));
  EXPECT_TRUE(r.equal);
  EXPECT_EQ(r.why, "equal truncated to 1 ms");
  EXPECT_FALSE(interpret(tr, v.ts(999), v.ts(1000)).equal);
  // Before 1970: truncation goes toward −∞, so −0.1 ms and −0.9 ms share the millisecond [−1 ms, 0).
  EXPECT_TRUE(interpret(tr, v.ts(-100), v.ts(-900)).equal);
  EXPECT_FALSE(interpret(tr, v.ts(-100), v.ts(100)).equal);
  EXPECT_EQ(interpret(tr, v.ts(-100), v.ts(100)).why, "different truncated to 1 ms");

  Interpretation ro;
  ro.round_us = 1000;
  EXPECT_TRUE(interpret(ro, v.ts(1'000'400), v.ts(999'600)).equal);
  EXPECT_EQ(interpret(ro, v.ts(1'000'400), v.ts(999'600)).why, "equal rounded to 1 ms");
  EXPECT_FALSE(interpret(ro, v.ts(1'000'500), v.ts(1'000'499)).equal);  // half rounds up, away from 0
  EXPECT_TRUE(interpret(ro, v.ts(-500), v.ts(-1400)).equal);            // −0.5 ms → −1 ms
  EXPECT_FALSE(interpret(ro, v.ts(-499), v.ts(-500)).equal);
  EXPECT_TRUE(interpret(ro, v.ts(INT64_MIN), v.ts(INT64_MIN + 1)).equal);  // no overflow
}

TEST(Interpret, TimeFieldsAreAlternatives) {
  Values v;
  Interpretation how;
  how.time_tolerance_us = 100;
  how.truncate_us = 1000;
  how.round_us = 1000;
  EXPECT_EQ(interpret(how, v.ts(1'000'100), v.ts(1'000'900)).why, "equal truncated to 1 ms");
  EXPECT_EQ(interpret(how, v.ts(999'900), v.ts(1'000'300)).why, "equal rounded to 1 ms");
  EXPECT_EQ(interpret(how, v.ts(999'990), v.ts(1'000'010)).why, "20 µs apart ≤ 0.1 ms");
  const Verdict r = interpret(how, v.ts(0), v.ts(5000));
  EXPECT_FALSE(r.equal);
  EXPECT_EQ(r.why, "5 ms apart > 0.1 ms; different truncated to 1 ms; different rounded to 1 ms");
}

TEST(Interpret, TrimTrailing) {
  Values v;
  Interpretation how;
  how.trim_trailing = true;
  auto r = interpret(how, v.text("abc  "), v.text("abc"));
  EXPECT_TRUE(r.equal);
  EXPECT_EQ(r.why, "equal after trimming trailing spaces");
  r = interpret(how, v.text("  abc"), v.text("abc"));
  EXPECT_FALSE(r.equal);
  EXPECT_EQ(r.why, "still different after trimming trailing spaces");
  EXPECT_FALSE(interpret(how, v.text("abc\t"), v.text("abc")).equal);  // spaces only, like SQL padding
}

TEST(Interpret, CaseAndNfc) {
  Values v;
  Interpretation ci;
  ci.case_insensitive = true;
  auto r = interpret(ci, v.text("Straße"), v.text("STRASSE"));
  EXPECT_TRUE(r.equal);
  EXPECT_EQ(r.why, "equal ignoring case");
  EXPECT_TRUE(interpret(ci, v.text("ÉCOLE"), v.text("école")).equal);
  // Composed vs decomposed fold together only with unicode_nfc as well.
  const std::string composed = "\xC3\xA9";     // é
  const std::string decomposed = "e\xCC\x81";  // e + combining acute
  EXPECT_FALSE(interpret(ci, v.text("\xC3\x89"), v.text(decomposed)).equal);

  Interpretation nfc;
  nfc.unicode_nfc = true;
  r = interpret(nfc, v.text(composed), v.text(decomposed));
  EXPECT_TRUE(r.equal);
  EXPECT_EQ(r.why, "equal after NFC normalisation");
  EXPECT_FALSE(interpret(nfc, v.text("A"), v.text("a")).equal);

  Interpretation all;
  all.trim_trailing = all.case_insensitive = all.unicode_nfc = true;
  r = interpret(all, v.text("\xC3\x89 "), v.text(decomposed));  // É + space vs e + ◌́
  EXPECT_TRUE(r.equal);
  EXPECT_EQ(r.why, "equal after trimming trailing spaces and after NFC normalisation and ignoring case");
  r = interpret(all, v.text("a"), v.text("b"));
  EXPECT_FALSE(r.equal);
  EXPECT_EQ(r.why, "still different after trimming trailing spaces and NFC normalisation and case folding");
}

TEST(Interpret, InvalidUtf8ComparesBytes) {
  Values v;
  Interpretation how;
  how.case_insensitive = true;
  how.unicode_nfc = true;
  auto r = interpret(how, v.text("ABC\xFF"), v.text("abc\xFF"));
  EXPECT_FALSE(r.equal);
  EXPECT_NE(r.why.find("invalid UTF-8"), std::string::npos);
  how.trim_trailing = true;
  EXPECT_TRUE(interpret(how, v.text("\xFF "), v.text("\xFF")).equal);
  EXPECT_TRUE(interpret(how, v.text(std::string("A\0b", 3)), v.text(std::string("a\0B", 3))).equal);
}

TEST(Interpret, Json) {
  Values v;
  Interpretation how;
  how.json = true;
  auto r = interpret(how, v.text(R"({"b": 1, "a": [1, 2.0]})"), v.text(R"({"a":[1,2],"b":1})"));
  EXPECT_TRUE(r.equal);
  EXPECT_EQ(r.why, "equal as JSON");
  r = interpret(how, v.text(R"({"a":1})"), v.text(R"({"a":2})"));
  EXPECT_FALSE(r.equal);
  EXPECT_EQ(r.why, "different as JSON");
  r = interpret(how, v.text("{not json"), v.text("{}"));
  EXPECT_FALSE(r.equal);
  EXPECT_EQ(r.why, "not valid JSON");
  EXPECT_FALSE(interpret(how, v.json(R"({"a":1})"), v.json(R"({"a":2})")).equal);
  EXPECT_TRUE(interpret(how, v.json(R"({"a":1})"), v.json(R"({ "a" : 1 })")).equal);  // already canonical

  Interpretation both;  // text steps and JSON are alternatives
  both.json = both.trim_trailing = true;
  EXPECT_TRUE(interpret(both, v.text("[1, 2]"), v.text("[1,2]")).equal);
  r = interpret(both, v.text("[1]"), v.text("[2]"));
  EXPECT_EQ(r.why, "still different after trimming trailing spaces; different as JSON");
}

}  // namespace
}  // namespace recon::rules

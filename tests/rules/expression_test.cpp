#include "recon/rules/expression.hpp"

#include <deque>
#include <string>

#include <gtest/gtest.h>

#include "values_support.hpp"

#include "recon/core/errors.hpp"

namespace recon::rules {
namespace {

using test_support::Values;

bool eval(std::string_view text, const canon::ValueView& s, const canon::ValueView& t) {
  return Expression::parse(text, "rules/test.toml:3").matches(s, t);
}

/// The InputError message of parsing `text`, or "" when it parses.
std::string error_of(std::string_view text) {
  try {
    Expression::parse(text, "rules/test.toml:3");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

/// Expressions on constants only: the values do not matter.
/// error_of() without the common "<where>: `when` expression: " prefix.
std::string err(std::string_view text) {
  const std::string prefix = "rules/test.toml:3: `when` expression: ";
  std::string e = error_of(text);
  if (e.rfind(prefix, 0) == 0) return e.substr(prefix.size());
  return e.empty() ? e : "(no prefix) " + e;
}

bool constant(std::string_view text) {
  Values v;
  return eval(text, v.null(), v.null());
}

TEST(Expression, Precedence) {
  EXPECT_TRUE(constant("1 + 2 * 3 == 7"));
  EXPECT_TRUE(constant("(1 + 2) * 3 == 9"));
  EXPECT_TRUE(constant("10 - 4 - 3 == 3"));  // left associative
  EXPECT_TRUE(constant("8 / 4 / 2 == 1"));
  EXPECT_TRUE(constant("-2 * -3 == 6"));
  EXPECT_TRUE(constant("- - 2 == 2"));
  EXPECT_TRUE(constant("true or false and false"));        // and binds tighter
  EXPECT_FALSE(constant("(true or false) and false"));
  EXPECT_TRUE(constant("not false and true"));             // not binds tighter than and
  EXPECT_FALSE(constant("not (false or true)"));
  EXPECT_TRUE(constant("not not true"));
  EXPECT_TRUE(constant("1 < 2 and 2 <= 2 and 3 > 2 and 3 >= 3 and 1 != 2 and 1 == 1"));
  EXPECT_TRUE(constant("1e-3 == 0.001 and .5 == 0.5 and 2E2 == 200"));
}

TEST(Expression, KeywordsAreCaseInsensitive) {
  EXPECT_TRUE(constant("TRUE AND Not FALSE"));
  EXPECT_TRUE(constant("NULL IS NULL"));
  EXPECT_TRUE(constant("ABS(-1) == 1 and Length('ab') == 2"));
  Values v;
  EXPECT_TRUE(eval("SOURCE == Target", v.integer(1), v.integer(1)));
}

TEST(Expression, NullSemantics) {
  Values v;
  // Any comparison or arithmetic with null is null, and null never matches.
  EXPECT_FALSE(eval("source > 1", v.null(), v.integer(5)));
  EXPECT_FALSE(eval("not (source > 1)", v.null(), v.integer(5)));
  EXPECT_FALSE(eval("source + 1 > 0", v.null(), v.integer(5)));
  EXPECT_FALSE(eval("source == target", v.null(), v.null()));
  EXPECT_TRUE(eval("source is null", v.null(), v.integer(5)));
  EXPECT_TRUE(eval("target is not null", v.null(), v.integer(5)));
  EXPECT_TRUE(eval("source is null and target is null", v.null(), v.null()));
  // Three-valued and/or.
  EXPECT_TRUE(eval("source > 1 or true", v.null(), v.null()));
  EXPECT_FALSE(eval("source > 1 and true", v.null(), v.null()));
  EXPECT_TRUE(eval("not (source > 1 and false)", v.null(), v.null()));
  EXPECT_FALSE(eval("not (source > 1 or false)", v.null(), v.null()));
  EXPECT_TRUE(eval("(source > 1) is null", v.null(), v.null()));
  EXPECT_TRUE(eval("abs(null) is null", v.null(), v.null()));
  // Invalid values read as null.
  EXPECT_TRUE(eval("source is null", v.invalid("abc"), v.integer(1)));
  // Division by zero is null, not a crash.
  EXPECT_TRUE(eval("(source / 0) is null", v.integer(1), v.integer(1)));
  // Mixed types at run time: null.
  EXPECT_FALSE(eval("source == 1", v.text("1"), v.null()));
  EXPECT_FALSE(eval("source != 1", v.text("1"), v.null()));
  EXPECT_TRUE(eval("(source == 1) is null", v.text("1"), v.null()));
  EXPECT_TRUE(eval("length(source) is null", v.integer(12), v.null()));
  EXPECT_FALSE(eval("source", v.integer(1), v.null()));  // a number is not a condition
  EXPECT_TRUE(eval("source", v.boolean(true), v.null()));
}

TEST(Expression, Numbers) {
  Values v;
  EXPECT_TRUE(eval("abs(source - target) <= 0.01", v.decimal("10.001"), v.decimal("10")));
  EXPECT_FALSE(eval("abs(source - target) <= 0.01", v.decimal("10.02"), v.decimal("10")));
  EXPECT_TRUE(eval("source > target", v.decimal("-1.5"), v.decimal("-2")));
  EXPECT_TRUE(eval("source * 2 == target", v.integer(21), v.integer(42)));
  EXPECT_TRUE(eval("source < 0.30000000000000005 and source > 0.3", v.real(0.1 + 0.2), v.null()));
  EXPECT_TRUE(eval("source == 9007199254740993", v.integer(9007199254740993LL), v.null()));  // > 2^53
  EXPECT_TRUE(eval("target - source == 1", v.date(19000), v.date(19001)));  // dates are days
  EXPECT_TRUE(eval("source == true and target == false", v.boolean(true), v.boolean(false)));
  EXPECT_TRUE(eval("false < true", v.null(), v.null()));
}

TEST(Expression, Timestamps) {
  Values v;
  const std::int64_t t0 = 1'700'000'000'123'456;
  const char* within = "abs(source - target) < 0.001";
  EXPECT_TRUE(eval(within, v.tstz(t0), v.tstz(t0 + 500)));  // 0.5 ms apart
  EXPECT_TRUE(eval(within, v.tstz(t0 + 999), v.tstz(t0)));
  EXPECT_FALSE(eval(within, v.tstz(t0), v.tstz(t0 + 1000)));
  EXPECT_FALSE(eval(within, v.tstz(t0), v.tstz(t0 + 1500)));
  EXPECT_TRUE(eval("target - source > 3600", v.tstz(t0), v.tstz(t0 + 3601LL * 1'000'000)));
  EXPECT_TRUE(eval("source < 0", v.tstz(-1), v.null()));  // before 1970
}

TEST(Expression, Text) {
  Values v;
  EXPECT_TRUE(eval("source == 'abc'", v.text("abc"), v.null()));
  EXPECT_TRUE(eval("source == 'it''s'", v.text("it's"), v.null()));
  EXPECT_TRUE(eval("'' == ''", v.null(), v.null()));
  EXPECT_TRUE(eval("source < target", v.text("B"), v.text("a")));   // bytewise, not collated
  EXPECT_TRUE(eval("source < target", v.text("z"), v.text("é")));   // UTF-8 bytes above ASCII
  EXPECT_TRUE(eval("rtrim(source) == target", v.text("abc  "), v.text("abc")));
  EXPECT_TRUE(eval("ltrim(source) == 'abc '", v.text("  abc "), v.null()));
  EXPECT_TRUE(eval("trim(source) == 'abc'", v.text("  abc  "), v.null()));
  EXPECT_TRUE(eval("trim(source) == 'a\tb'", v.text(" a\tb "), v.null()));  // spaces only
  EXPECT_TRUE(eval("lower(source) == lower(target)", v.text("ÉCOLE"), v.text("école")));
  EXPECT_TRUE(eval("upper(source) == 'ÄÖÜ'", v.text("äöü"), v.null()));
  EXPECT_TRUE(eval("lower(source) == 'a\xff'", v.text("A\xff"), v.null()));  // invalid UTF-8 kept
  EXPECT_TRUE(eval("length(source) == 5 and length(target) == 0", v.text("héllo"), v.text("")));
  EXPECT_TRUE(eval("length(source) == 1", v.text("日"), v.null()));
  EXPECT_TRUE(eval("source == '日本'", v.text("日本"), v.null()));
  EXPECT_TRUE(eval("length(trim(source)) == 3", v.text(" abc "), v.null()));
  static const unsigned char id[16] = {0x6f, 0x96, 0x19, 0xff, 0x8b, 0x86, 0xd0, 0x11,
                                       0xb4, 0x2d, 0x00, 0xc0, 0x4f, 0xc9, 0x64, 0xff};
  EXPECT_TRUE(eval("source == '6f9619ff-8b86-d011-b42d-00c04fc964ff'", v.uuid(id), v.null()));
  EXPECT_TRUE(eval("source == '0aff'", v.bytes("\x0a\xff"), v.null()));
}

TEST(Expression, AbsAndCopies) {
  Values v;
  EXPECT_TRUE(constant("abs(-2.5) == 2.5 and abs(3) == 3"));
  Expression e = Expression::parse("abs(source) > 1", "x");
  Expression copy = e;
  Expression moved = std::move(e);
  EXPECT_TRUE(copy.matches(v.integer(-2), v.null()));
  EXPECT_TRUE(moved.matches(v.integer(-2), v.null()));
  EXPECT_EQ(copy.text(), "abs(source) > 1");
  EXPECT_FALSE(Expression().matches(v.integer(1), v.integer(1)));  // nothing parsed: no match
}

TEST(Expression, Errors) {
  EXPECT_EQ(error_of("lenght(source) > 3"),
            "rules/test.toml:3: `when` expression: unknown function `lenght` (did you mean `length`?) at column 1");
  EXPECT_EQ(err("lenght(source) > 3"), "unknown function `lenght` (did you mean `length`?) at column 1");
  EXPECT_EQ(err("abs(source - target) < 1 and frobnicate(source)"),
            "unknown function `frobnicate` (functions: abs, length, lower, upper, trim, rtrim, ltrim) at column 30");
  EXPECT_EQ(err("(source > 1"), "expected `)` to close the `(` at column 1, found end of expression at column 12");
  EXPECT_EQ(err("source > 1)"), "unbalanced `)` at column 11");
  EXPECT_EQ(err("abs(source"), "expected `)` to close abs( at column 4, found end of expression at column 11");
  EXPECT_EQ(err(""), "the expression is empty at column 1");
  EXPECT_EQ(err("sorce > 1"), "unknown name `sorce` (did you mean `source`?) at column 1");
  EXPECT_EQ(err("source = 1"), "`=` is not an operator; write `==` at column 8");
  EXPECT_EQ(err("source == 'abc"), "unterminated string (strings end with ') at column 11");
  EXPECT_EQ(err("source > "), "unexpected end of expression: expected a value at column 10");
  EXPECT_EQ(err("'日本' == 1"),  // columns count code points
            "cannot compare text with a number at column 6");
  EXPECT_EQ(err("1 < 2 < 3"), "comparisons cannot be chained; combine them with `and` at column 7");
  EXPECT_EQ(err("source == null"),
            "a comparison with null is always null; write `is null` or `is not null` at column 8");
  EXPECT_EQ(err("source is nul"), "expected `null` after `is` at column 11");
  EXPECT_EQ(err("length(1) > 0"), "length() takes text, not a number at column 8");
  EXPECT_EQ(err("abs('x') > 0"), "abs() takes a number, not text at column 5");
  EXPECT_EQ(err("'a' + 1 > 0"), "`+` needs numbers, not text at column 5");
  EXPECT_EQ(err("1 and true"), "`and` needs conditions, not a number at column 3");
  EXPECT_EQ(err("abs(source)"), "the expression must be a condition (true or false), not a number at column 1");
  EXPECT_EQ(err("source && target"), "`&&` is not an operator; write `and` at column 8");
  EXPECT_EQ(err("source == \"a\""), "strings are written in single quotes at column 11");
  EXPECT_EQ(err("1x > 0"), "malformed number at column 1");
  EXPECT_EQ(err("source # 1"), "unexpected character `#` at column 8");
  EXPECT_EQ(err("abs > 1"), "`abs` is a function: write abs(…) at column 1");
  EXPECT_EQ(err("source > 1 target"), "unexpected `target` at column 12");
  EXPECT_EQ(err("true == 1"), "cannot compare a boolean with a number at column 6");
  EXPECT_EQ(err(std::string(100, '(') + "true" + std::string(100, ')')),
            "nested too deeply (more than 100 levels) at column 101");
  EXPECT_EQ(err(std::string(99, '(') + "true" + std::string(99, ')')), "");
  EXPECT_EQ(err(std::string(5000, '-') + "1 > 0").substr(0, 17), "nested too deeply");
  // Unknown types (source, target) are checked at run time only.
  EXPECT_EQ(err("source == 'a' or source == 1"), "");
}

}  // namespace
}  // namespace recon::rules

// Exact decimal text (src/core/decimal_text.cpp): any spelling of a number parses to one
// normalised form, renders positionally and compares numerically, with no floating point.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "../../src/core/decimal_text.hpp"

namespace recon::canon {
namespace {

/// The canonical positional text of `text`, or nullopt when it is not a decimal number.
std::optional<std::string> canonical(std::string_view text) {
  DecimalParts p;
  if (!parse_decimal(text, p)) return std::nullopt;
  std::string out;
  render_decimal(p, out);
  return out;
}

std::string rendered(bool negative, std::string_view digits, int exponent) {
  std::string out;
  render_digits(out, negative, digits, exponent);
  return out;
}

using Fields = std::tuple<bool, std::string, int>;
Fields parts(bool negative, std::string digits, int exponent) { return {negative, std::move(digits), exponent}; }
Fields fields(const DecimalParts& p) { return {p.negative, p.digits, p.exponent}; }
/// (negative, digits, exponent) as parse_decimal leaves them, or nullopt when it refuses the text.
std::optional<Fields> parsed_parts(std::string_view text) {
  DecimalParts p;
  if (!parse_decimal(text, p)) return std::nullopt;
  return fields(p);
}

int sign(int v) { return (v > 0) - (v < 0); }

TEST(DecimalText, SpellingsOfTheSameNumberAreEqual) {
  EXPECT_EQ(canonical("1.50"), canonical("1.5"));
  EXPECT_EQ(canonical("001.500"), canonical("+1.5"));
  EXPECT_EQ(canonical("-0.00"), canonical("0"));
  EXPECT_EQ(canonical("1e3"), canonical("1000"));
  EXPECT_EQ(canonical(".5"), canonical("0.50"));
  EXPECT_EQ(canonical("-0012.3400"), "-12.34");
  EXPECT_EQ(canonical("1.5E-3"), "0.0015");
  EXPECT_EQ(canonical("123456789012345678901234567890.000000000000000000001"),
            "123456789012345678901234567890.000000000000000000001");
}

TEST(DecimalText, DifferentNumbersDiffer) {
  EXPECT_NE(canonical("1.5"), canonical("1.51"));
  EXPECT_NE(canonical("0.01"), canonical("0.1"));
  EXPECT_NE(canonical("-1"), canonical("1"));
}

TEST(DecimalText, ParsesIntoSignDigitsAndExponent) {
  EXPECT_EQ(parsed_parts("-0012.3400"), parts(true, "1234", -2));
  EXPECT_EQ(parsed_parts("25e+1"), parts(false, "25", 1));
  EXPECT_EQ(parsed_parts("-000.000e7"), parts(false, "", 0));  // zero: no digits, no sign, exponent 0
  EXPECT_EQ(parsed_parts("1" + std::string(300, '0')), parts(false, "1", 300));
}

TEST(DecimalText, ExponentsShiftThePoint) {
  EXPECT_EQ(canonical("2.5e-1"), "0.25");
  EXPECT_EQ(canonical("12.5E1"), "125");
  EXPECT_EQ(canonical("1e+5"), "100000");
  EXPECT_EQ(canonical("1e000005"), "100000");
  EXPECT_EQ(canonical("-4.2e-5"), "-0.000042");
  EXPECT_EQ(canonical("0e99999"), "0");
  EXPECT_EQ(canonical("1."), "1");  // as PostgreSQL's numeric input accepts it
}

TEST(DecimalText, ExponentBeyondAnyEngineIsRefused) {
  EXPECT_EQ(parsed_parts("1e100000"), parts(false, "1", 100000));
  EXPECT_EQ(parsed_parts("-1e-100000"), parts(true, "1", -100000));
  EXPECT_EQ(parsed_parts("1e100001"), std::nullopt);
  EXPECT_EQ(parsed_parts("1e-100001"), std::nullopt);
  EXPECT_EQ(parsed_parts("1e99999999999999999999"), std::nullopt);  // no overflow on the way
}

TEST(DecimalText, VeryLongNumbersKeepEveryDigit) {
  const std::string nines(1000, '9');
  EXPECT_EQ(canonical(nines), nines);
  EXPECT_EQ(canonical("-" + nines + "." + nines), "-" + nines + "." + nines);
  const std::string tiny = "0." + std::string(500, '0') + "1";
  EXPECT_EQ(canonical(tiny + "000"), tiny);
  EXPECT_EQ(canonical("1" + std::string(300, '0') + ".000"), "1" + std::string(300, '0'));
  EXPECT_NE(canonical(nines), canonical(nines + "8"));
}

TEST(DecimalText, AnythingElseIsRefused) {
  for (const char* bad : {"", "+", "-", ".", "-.", "e5", ".e5", "1e", "1e+", "1e-", "1.2.3", "1,5", " 1", "1 ",
                          "0x10", "1e5.5", "--1", "+-1", "inf", "NaN", "1_000", "\xd9\xa1"})
    EXPECT_EQ(canonical(bad), std::nullopt) << '"' << bad << '"';
}

TEST(DecimalText, NormaliseStripsZerosAndTheSignOfZero) {
  DecimalParts p{false, "0012300", -2};
  normalise_decimal(p);
  EXPECT_EQ(fields(p), parts(false, "123", 0));
  DecimalParts zero{true, "000", 5};
  normalise_decimal(zero);
  EXPECT_EQ(fields(zero), parts(false, "", 0));
}

TEST(DecimalText, RenderPlacesThePoint) {
  EXPECT_EQ(rendered(false, "", 7), "0");
  EXPECT_EQ(rendered(true, "", -3), "0");  // zero never has a sign
  EXPECT_EQ(rendered(false, "123", 0), "123");
  EXPECT_EQ(rendered(false, "123", 2), "12300");
  EXPECT_EQ(rendered(true, "123", -1), "-12.3");
  EXPECT_EQ(rendered(false, "123", -3), "0.123");
  EXPECT_EQ(rendered(true, "123", -5), "-0.00123");
  std::string out = "x=";
  render_digits(out, false, "5", -1);
  EXPECT_EQ(out, "x=0.5");
}

TEST(DecimalText, CompareOrdersCanonicalTextsNumerically) {
  const std::vector<std::string> ascending = {"-100", "-10.5", "-10", "-9.99", "-1.5", "-1", "-0.5", "-0.001", "0",
                                              "0.001", "0.25", "0.5", "1", "1.5", "9.99", "10", "10.5", "100",
                                              "1" + std::string(40, '0')};
  for (std::size_t i = 0; i < ascending.size(); ++i)
    for (std::size_t j = 0; j < ascending.size(); ++j)
      EXPECT_EQ(sign(compare_decimal_text(ascending[i], ascending[j])), (i > j) - (i < j))
          << ascending[i] << " vs " << ascending[j];
}

TEST(DecimalText, CompareAgreesWithParsing) {
  // Canonical texts from different spellings compare equal.
  EXPECT_EQ(compare_decimal_text(*canonical("1.50"), *canonical("15e-1")), 0);
  EXPECT_LT(compare_decimal_text(*canonical("-1e3"), *canonical("-999.999")), 0);
  EXPECT_GT(compare_decimal_text(*canonical(std::string(400, '9')), *canonical("1e399")), 0);
}

}  // namespace
}  // namespace recon::canon

#pragma once
// Private helpers of the core module: exact decimal text and JSON canonicalisation.
#include <string>
#include <string_view>

namespace recon::canon {

/// value = (negative ? -1 : 1) * digits * 10^exponent; digits has no leading zeros.
struct DecimalParts {
  bool negative = false;
  std::string digits;
  int exponent = 0;
};

/// Accepts [+-]digits[.digits][e[+-]digits] and [+-].digits; rejects everything else, including
/// exponents beyond ±100000 (they cannot be stored by any engine we compare).
bool parse_decimal(std::string_view text, DecimalParts& out);
/// Strips leading/trailing zeros (adjusting the exponent) and clears the sign of zero.
void normalise_decimal(DecimalParts& p);
/// Appends the positional text of ±digits×10^exponent; `digits` has no leading or trailing zeros
/// (empty means zero, rendered "0" without sign).
void render_digits(std::string& out, bool negative, std::string_view digits, int exponent);
/// Plain positional text: "-12.5", "0", "100", "0.001".
void render_decimal(const DecimalParts& p, std::string& out);
/// Numeric comparison of two canonical decimal texts.
int compare_decimal_text(std::string_view a, std::string_view b);

/// Sorted keys (bytewise, last duplicate wins as in jsonb), no insignificant whitespace, strings
/// re-escaped minimally, numbers as canonical decimals. False when `text` is not JSON.
bool canonicalise_json(std::string_view text, std::string& out);
/// Appends `s` as a JSON string literal (invalid UTF-8 bytes become U+FFFD).
void append_json_string(std::string& out, std::string_view s);

}  // namespace recon::canon

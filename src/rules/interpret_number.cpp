// Exact decimal arithmetic on canonical decimal text, for numeric tolerances. Digit strings of any
// length: a tolerance decides whether a difference is hidden, so it must never round.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "recon/core/canonical.hpp"
#include "recon/rules/interpret.hpp"

namespace recon::rules {
namespace {

/// ±digits × 10^−scale. `digits` holds ASCII digits only, may carry leading zeros while aligned.
struct Dec {
  bool negative = false;
  std::string digits;
  std::size_t scale = 0;
};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Canonical text and plain integer text ("-12", "007.50") are read directly; anything else a
/// decimal literal may be ("1e-6", "+.5") goes through canon::put_decimal's normalisation first.
/// Not a number at all is a caller's bug (the values are canonical), hence std::invalid_argument.
Dec parse(std::string_view text) {
  std::string_view s = text;
  Dec d;
  if (!s.empty() && s.front() == '-') {
    d.negative = true;
    s.remove_prefix(1);
  }
  const std::size_t dot = s.find('.');
  const std::string_view int_part = s.substr(0, dot);
  const std::string_view frac_part = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (all_digits(int_part) && (dot == std::string_view::npos || all_digits(frac_part))) {
    d.digits.assign(int_part);
    d.digits.append(frac_part);
    d.scale = frac_part.size();
    return d;
  }
  std::string enc;
  if (!canon::put_decimal(enc, text))
    throw std::invalid_argument("not a decimal number: '" + std::string(text) + "'");
  std::size_t pos = 0;
  return parse(canon::read_value(enc, pos).payload);
}

bool is_zero(const Dec& d) {
  return std::all_of(d.digits.begin(), d.digits.end(), [](char c) { return c == '0'; });
}

/// Pads both to the same scale and the same number of digits, so magnitudes compare as strings
/// and add/subtract digit by digit.
void align(Dec& a, Dec& b) {
  const std::size_t scale = std::max(a.scale, b.scale);
  a.digits.append(scale - a.scale, '0');
  b.digits.append(scale - b.scale, '0');
  a.scale = b.scale = scale;
  const std::size_t width = std::max(a.digits.size(), b.digits.size()) + 1;  // +1: room for a carry
  a.digits.insert(0, width - a.digits.size(), '0');
  b.digits.insert(0, width - b.digits.size(), '0');
}

/// Canonical rendering: no leading zeros, no trailing fractional zeros, no "-0".
std::string render(const Dec& d) {
  std::string digits = d.digits;
  std::size_t scale = d.scale;
  while (scale > 0 && !digits.empty() && digits.back() == '0') {
    digits.pop_back();
    --scale;
  }
  if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  std::string int_part = digits.substr(0, digits.size() - scale);
  const std::size_t first = int_part.find_first_not_of('0');
  int_part = first == std::string::npos ? "0" : int_part.substr(first);
  std::string out;
  if (d.negative && !(int_part == "0" && scale == 0)) out.push_back('-');
  out += int_part;
  if (scale > 0) {
    out.push_back('.');
    out.append(digits, digits.size() - scale, scale);
  }
  return out;
}

/// a − b on aligned magnitudes with a ≥ b.
std::string sub_magnitudes(const std::string& a, const std::string& b) {
  std::string out(a.size(), '0');
  int borrow = 0;
  for (std::size_t i = a.size(); i-- > 0;) {
    int v = (a[i] - '0') - (b[i] - '0') - borrow;
    borrow = v < 0;
    if (v < 0) v += 10;
    out[i] = static_cast<char>('0' + v);
  }
  return out;
}

std::string add_magnitudes(const std::string& a, const std::string& b) {
  std::string out(a.size(), '0');
  int carry = 0;
  for (std::size_t i = a.size(); i-- > 0;) {
    const int v = (a[i] - '0') + (b[i] - '0') + carry;
    carry = v / 10;
    out[i] = static_cast<char>('0' + v % 10);
  }
  return out;  // align() left a leading zero, so the last carry always fits
}

}  // namespace

/// Exact: any length and scale; the result is canonical (see render()).
std::string decimal_subtract(std::string_view a_text, std::string_view b_text) {
  Dec a = parse(a_text), b = parse(b_text);
  align(a, b);
  b.negative = !b.negative;  // a − b = a + (−b)
  Dec r;
  r.scale = a.scale;
  if (a.negative == b.negative) {
    r.negative = a.negative;
    r.digits = add_magnitudes(a.digits, b.digits);
  } else if (a.digits >= b.digits) {
    r.negative = a.negative;
    r.digits = sub_magnitudes(a.digits, b.digits);
  } else {
    r.negative = b.negative;
    r.digits = sub_magnitudes(b.digits, a.digits);
  }
  return render(r);
}

/// Numeric order; "0", "-0" and "0.000" are all zero.
int decimal_compare(std::string_view a_text, std::string_view b_text) {
  Dec a = parse(a_text), b = parse(b_text);
  if (is_zero(a)) a.negative = false;
  if (is_zero(b)) b.negative = false;
  if (a.negative != b.negative) return a.negative ? -1 : 1;
  align(a, b);
  const int mag = a.digits < b.digits ? -1 : (a.digits > b.digits ? 1 : 0);
  return a.negative ? -mag : mag;
}

/// Exact schoolbook product; the scale of the result is the sum of the scales before rendering.
std::string decimal_multiply(std::string_view a_text, std::string_view b_text) {
  const Dec a = parse(a_text), b = parse(b_text);
  const std::size_t n = a.digits.size(), m = b.digits.size();
  std::vector<unsigned> acc(n + m, 0);
  for (std::size_t i = n; i-- > 0;) {
    const unsigned da = static_cast<unsigned>(a.digits[i] - '0');
    if (da == 0) continue;
    unsigned carry = 0;
    for (std::size_t j = m; j-- > 0;) {
      const unsigned v = acc[i + j + 1] + da * static_cast<unsigned>(b.digits[j] - '0') + carry;
      acc[i + j + 1] = v % 10;
      carry = v / 10;
    }
    acc[i] += carry;
  }
  Dec r;
  r.negative = a.negative != b.negative;
  r.scale = a.scale + b.scale;
  r.digits.reserve(acc.size());
  for (unsigned v : acc) r.digits.push_back(static_cast<char>('0' + v));
  return render(r);
}

}  // namespace recon::rules

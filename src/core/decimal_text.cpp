// Exact decimal text: parse any decimal spelling, normalise, render, compare. No floating point.
#include "decimal_text.hpp"

#include <cstdlib>

namespace recon::canon {
namespace {
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr int kMaxExponent = 100000;
}  // namespace

bool parse_decimal(std::string_view t, DecimalParts& out) {
  out = DecimalParts{};
  std::size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) out.negative = t[i++] == '-';
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < t.size() && is_digit(t[i])) { out.digits.push_back(t[i++]); ++int_digits; }
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && is_digit(t[i])) { out.digits.push_back(t[i++]); ++frac_digits; }
  }
  if (int_digits + frac_digits == 0) return false;
  long exp = 0;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) neg = t[i++] == '-';
    if (i >= t.size() || !is_digit(t[i])) return false;
    while (i < t.size() && is_digit(t[i])) {
      exp = exp * 10 + (t[i++] - '0');
      if (exp > kMaxExponent) return false;
    }
    if (neg) exp = -exp;
  }
  if (i != t.size()) return false;
  out.exponent = static_cast<int>(exp) - static_cast<int>(frac_digits);
  normalise_decimal(out);
  return true;
}

void normalise_decimal(DecimalParts& p) {
  std::size_t lead = 0;
  while (lead < p.digits.size() && p.digits[lead] == '0') ++lead;
  p.digits.erase(0, lead);
  while (!p.digits.empty() && p.digits.back() == '0') {
    p.digits.pop_back();
    ++p.exponent;
  }
  if (p.digits.empty()) {
    p.negative = false;
    p.exponent = 0;
  }
}

void render_digits(std::string& out, bool negative, std::string_view digits, int exponent) {
  if (digits.empty()) {
    out.push_back('0');
    return;
  }
  if (negative) out.push_back('-');
  const long len = static_cast<long>(digits.size());
  if (exponent >= 0) {
    out.append(digits);
    out.append(static_cast<std::size_t>(exponent), '0');
    return;
  }
  const long point = len + exponent;  // digits before the decimal point
  if (point <= 0) {
    out.append("0.");
    out.append(static_cast<std::size_t>(-point), '0');
    out.append(digits);
  } else {
    out.append(digits.substr(0, static_cast<std::size_t>(point)));
    out.push_back('.');
    out.append(digits.substr(static_cast<std::size_t>(point)));
  }
}

void render_decimal(const DecimalParts& p, std::string& out) { render_digits(out, p.negative, p.digits, p.exponent); }

int compare_decimal_text(std::string_view a, std::string_view b) {
  const bool na = !a.empty() && a[0] == '-', nb = !b.empty() && b[0] == '-';
  if (na != nb) return na ? -1 : 1;
  if (na) { a.remove_prefix(1); b.remove_prefix(1); }
  auto int_len = [](std::string_view s) { auto p = s.find('.'); return p == std::string_view::npos ? s.size() : p; };
  int mag;
  const std::size_t la = int_len(a), lb = int_len(b);
  if (la != lb) {
    mag = la < lb ? -1 : 1;
  } else {
    const int c = a.compare(b);  // same integer width: positional comparison, prefix is smaller
    mag = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return na ? -mag : mag;
}

}  // namespace recon::canon

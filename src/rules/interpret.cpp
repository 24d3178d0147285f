// interpret(): NULL and class handling, numeric and time interpretations. Text and JSON live in
// interpret_text.cpp, the exact decimal arithmetic in interpret_number.cpp.
#include <fmt/format.h>

#include "recon/rules/interpret.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "interpret_parts.hpp"

namespace recon::rules {
namespace {

using i128 = __int128;

bool is_time_class(TypeClass c) {
  return c == TypeClass::Time || c == TypeClass::Timestamp || c == TypeClass::TimestampTz;
}

/// Canonical decimal text of a tolerance as written in the rule ("1e-6" → "0.000001"); the rule
/// reader normalises already, this keeps interpret() correct for hand-built Interpretations.
std::string normalised(const std::string& text) {
  std::string enc;
  if (!canon::put_decimal(enc, text)) return text;
  std::size_t pos = 0;
  return std::string(canon::read_value(enc, pos).payload);
}

std::string absolute(std::string s) {
  if (!s.empty() && s.front() == '-') s.erase(0, 1);
  return s;
}

/// The exact decimal value of a number: integers as they are, a double as its shortest
/// round-trip text (what the user sees), so 0.1 means 0.1 and not 0.1000000000000000055….
std::string decimal_text(const canon::ValueView& v) {
  switch (v.tag) {
    case TypeClass::Integer: return std::to_string(v.as_int64());
    case TypeClass::Float: return normalised(canon::format_double(v.as_double()));
    default: return std::string(v.payload);
  }
}

/// Doubles mapped to integers in numeric order, so neighbours differ by 1 across the sign
/// (−0 and +0 both map to 0).
std::int64_t ordered(double d) {
  const auto bits = std::bit_cast<std::int64_t>(d);
  return bits < 0 ? INT64_MIN - bits : bits;
}

/// Abs, rel (any number class) and ULPs (floats): any satisfied bound explains the difference.
Verdict interpret_number(const Interpretation& how, const canon::ValueView& s, const canon::ValueView& t) {
  std::vector<std::string> failed;
  const bool is_float = s.tag == TypeClass::Float;
  const bool finite = !is_float || (std::isfinite(s.as_double()) && std::isfinite(t.as_double()));
  if (how.abs_tolerance || how.rel_tolerance) {
    if (!finite) {
      failed.push_back("not finite");
    } else {
      const std::string sv = decimal_text(s), tv = decimal_text(t);
      const std::string delta = absolute(decimal_subtract(sv, tv));
      if (how.abs_tolerance) {
        const std::string tol = normalised(*how.abs_tolerance);
        const bool ok = decimal_compare(delta, tol) <= 0;
        std::string why = "|Δ| " + delta + (ok ? " ≤ " : " > ") + tol;
        if (ok) return {true, why};
        failed.push_back(std::move(why));
      }
      if (how.rel_tolerance) {
        const std::string rel = normalised(*how.rel_tolerance);
        const std::string as = absolute(sv), at = absolute(tv);
        const std::string bound = decimal_multiply(rel, decimal_compare(as, at) >= 0 ? as : at);
        const bool ok = decimal_compare(delta, bound) <= 0;
        std::string why = "|Δ| " + delta + (ok ? " ≤ " : " > ") + bound + " (relative " + rel + ")";
        if (ok) return {true, why};
        failed.push_back(std::move(why));
      }
    }
  }
  if (how.ulps && is_float) {
    const double a = s.as_double(), b = t.as_double();
    if (std::isnan(a) || std::isnan(b)) {
      if (std::isnan(a) && std::isnan(b)) return {true, "both NaN"};
      failed.push_back("NaN vs number");
    } else {
      const i128 diff = static_cast<i128>(ordered(a)) - ordered(b);
      const auto dist = static_cast<std::uint64_t>(diff < 0 ? -diff : diff);
      const bool ok = *how.ulps >= 0 && dist <= static_cast<std::uint64_t>(*how.ulps);
      std::string why = std::to_string(dist) + (dist == 1 ? " ULP" : " ULPs") + (ok ? " ≤ " : " > ") +
                        std::to_string(*how.ulps);
      if (ok) return {true, why};
      failed.push_back(std::move(why));
    }
  }
  return {false, fmt::format("{}", fmt::join(failed, "; "))};
}

/// Microseconds as a person reads them: "40 µs", "0.5 ms", "1 ms", "2.25 s" (ms from 100 µs on, so a
/// sub-millisecond drift reads against a millisecond tolerance).
std::string duration_text(std::uint64_t us) {
  auto scaled = [](std::uint64_t v, std::uint64_t unit, int decimals, const char* name) {
    std::string out = std::to_string(v / unit);
    std::string frac = std::to_string(v % unit);
    frac.insert(0, static_cast<std::size_t>(decimals) - frac.size(), '0');
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    if (!frac.empty()) out += "." + frac;
    return out + " " + name;
  };
  if (us < 100) return std::to_string(us) + " µs";
  if (us < 1'000'000) return scaled(us, 1000, 3, "ms");
  return scaled(us, 1'000'000, 6, "s");
}

/// Floor division: 1969-12-31 23:59:59.9995 truncated to the millisecond is …59.999, not …00.000.
i128 floor_div(i128 v, i128 m) {
  i128 q = v / m;
  if (v % m != 0 && v < 0) --q;
  return q;
}

/// Nearest multiple, exact halves away from zero (−1.5 ms → −2 ms).
i128 round_div(i128 v, i128 m) {
  i128 q = v / m;
  const i128 r = v % m;
  if (2 * (r < 0 ? -r : r) >= m) q += v < 0 ? -1 : 1;
  return q;
}

/// time_tolerance_us, truncate_us, round_us: any one that reads the values as equal explains the
/// difference. Multiples are compared as quotients, so no product can overflow.
Verdict interpret_time(const Interpretation& how, const canon::ValueView& s, const canon::ValueView& t) {
  const i128 a = s.as_int64(), b = t.as_int64();
  std::vector<std::string> failed;
  if (how.time_tolerance_us) {
    const auto delta = static_cast<std::uint64_t>(a > b ? a - b : b - a);
    const std::int64_t tol = *how.time_tolerance_us;
    const bool ok = tol >= 0 && delta <= static_cast<std::uint64_t>(tol);
    std::string why = duration_text(delta) + " apart " + (ok ? "≤ " : "> ") +
                      duration_text(static_cast<std::uint64_t>(tol < 0 ? 0 : tol));
    if (ok) return {true, why};
    failed.push_back(std::move(why));
  }
  // Truncate/round: equal when both fall on the same multiple. nullopt = not set.
  auto by_multiple = [&](const std::optional<std::int64_t>& m, i128 (*div)(i128, i128),
                         const char* verb) -> std::optional<Verdict> {
    if (!m) return std::nullopt;
    if (*m <= 0) return Verdict{false, std::string("cannot be ") + verb + " to " + std::to_string(*m) + " µs"};
    const bool ok = div(a, *m) == div(b, *m);
    return Verdict{ok, std::string(ok ? "equal " : "different ") + verb + " to " +
                           duration_text(static_cast<std::uint64_t>(*m))};
  };
  for (auto v : {by_multiple(how.truncate_us, floor_div, "truncated"),
                 by_multiple(how.round_us, round_div, "rounded")}) {
    if (!v) continue;
    if (v->equal) return *v;
    failed.push_back(std::move(v->why));
  }
  return {false, fmt::format("{}", fmt::join(failed, "; "))};
}

}  // namespace

bool Interpretation::empty() const {
  return !abs_tolerance && !rel_tolerance && !ulps && !time_tolerance_us && !truncate_us && !round_us &&
         !trim_trailing && !case_insensitive && !unicode_nfc && !null_equals_empty && !json && !ignore;
}

/// Integer/Decimal: abs, rel. Float: abs, rel, ulps. Time/Timestamp/TimestampTz: time tolerance,
/// truncate, round. Text: trim, case, NFC, null_equals_empty, json. Json: json. ignore: any class.
bool Interpretation::applies_to(TypeClass cls) const {
  if (ignore) return true;
  switch (cls) {
    case TypeClass::Integer:
    case TypeClass::Decimal: return abs_tolerance || rel_tolerance;
    case TypeClass::Float: return abs_tolerance || rel_tolerance || ulps;
    case TypeClass::Time:
    case TypeClass::Timestamp:
    case TypeClass::TimestampTz: return time_tolerance_us || truncate_us || round_us;
    case TypeClass::Text: return trim_trailing || case_insensitive || unicode_nfc || null_equals_empty || json;
    case TypeClass::Json: return json;
    default: return false;
  }
}

/// In order: an Invalid value is never equal ("value could not be converted": a conversion failure
/// is a finding no interpretation may hide); `ignore` explains everything else, NULL vs value
/// included (the column is not compared at all); both NULL are equal; NULL vs a value is equal only
/// under null_equals_empty against Text '' (trailing spaces trimmed first when trim_trailing);
/// identical values are equal; then the fields that apply to the class decide — and when none
/// does, the answer is "interpretation does not apply to <class>".
Verdict interpret(const Interpretation& how, const canon::ValueView& source, const canon::ValueView& target) {
  if (source.tag == TypeClass::Invalid || target.tag == TypeClass::Invalid)
    return {false, "value could not be converted"};
  if (how.ignore) return {true, "column ignored"};
  if (source.is_null() && target.is_null()) return {true, "both NULL"};
  if (source.is_null() || target.is_null()) {
    const canon::ValueView& other = source.is_null() ? target : source;
    if (how.null_equals_empty && other.tag == TypeClass::Text) {
      if (other.payload.empty()) return {true, "NULL equals ''"};
      if (how.trim_trailing && detail::trim_trailing_spaces(other.payload).empty())
        return {true, "NULL equals '' after trimming trailing spaces"};
    }
    return {false, "NULL vs value"};
  }
  if (source.tag != target.tag)  // connectors convert both sides to the pair's class; defensive
    return {false, std::string("values of different classes (") + std::string(type_class_name(source.tag)) +
                       " vs " + std::string(type_class_name(target.tag)) + ")"};
  if (source.payload == target.payload) return {true, "values are equal"};
  const TypeClass cls = source.tag;
  if (!how.applies_to(cls))
    return {false, "interpretation does not apply to " + std::string(type_class_name(cls))};
  switch (cls) {
    case TypeClass::Integer:
    case TypeClass::Decimal:
    case TypeClass::Float: return interpret_number(how, source, target);
    case TypeClass::Text:
    case TypeClass::Json: return detail::interpret_text(how, source, target);
    default: break;
  }
  if (is_time_class(cls)) return interpret_time(how, source, target);
  return {false, "interpretation does not apply to " + std::string(type_class_name(cls))};
}

}  // namespace recon::rules

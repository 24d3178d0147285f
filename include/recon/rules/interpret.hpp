#pragma once
/// Interpretations: the ways a rule may read two differing canonical values as the same
/// (docs/rules.md, "interpret"). Pure functions over canonical values; no I/O, no state.

#include <cstdint>
#include <optional>
#include <string>

#include "recon/core/canonical.hpp"

namespace recon::rules {

/// One rule's [rule.interpret] table. Several fields may be set at once: they combine (a text value
/// is trimmed, then case-folded, then normalised) and every set numeric bound is an "or".
struct Interpretation {
  /// Numbers (integer, decimal, float): |source − target| ≤ abs_tolerance, exact decimal
  /// arithmetic (canonical decimal text, e.g. "0.01").
  std::optional<std::string> abs_tolerance;
  /// Numbers: |source − target| ≤ rel_tolerance × max(|source|, |target|) (decimal text, e.g. "1e-6"
  /// normalised to "0.000001").
  std::optional<std::string> rel_tolerance;
  /// Floats: at most this many representable doubles apart (ULPs).
  std::optional<std::int64_t> ulps;
  /// Time, timestamp, timestamptz: |source − target| ≤ this many microseconds.
  std::optional<std::int64_t> time_tolerance_us;
  /// Time, timestamp, timestamptz: both values truncated (toward −∞) to a multiple of this many
  /// microseconds, then compared (e.g. 1000 = millisecond).
  std::optional<std::int64_t> truncate_us;
  /// Same, rounded half away from zero to the nearest multiple.
  std::optional<std::int64_t> round_us;
  bool trim_trailing = false;     ///< text: trailing spaces are not significant
  bool case_insensitive = false;  ///< text: Unicode case folding (utf8proc) before comparing
  bool unicode_nfc = false;       ///< text: Unicode NFC normalisation before comparing
  bool null_equals_empty = false; ///< text: NULL and '' are equal (opt-in; never a default)
  bool json = false;              ///< text/json: parsed and compared as JSON (key order, whitespace)
  bool ignore = false;            ///< the column's differences are always explained

  /// True when no field is set (the rule matches on its match conditions alone).
  bool empty() const;
  /// Whether this interpretation can ever explain a difference between two values of `cls`
  /// (e.g. trim_trailing on a decimal column cannot). Used to reject rules that can never match.
  bool applies_to(TypeClass cls) const;
};

/// The outcome of interpreting one pair of values.
struct Verdict {
  bool equal = false;  ///< the interpretation reads the two values as the same
  std::string why;     ///< short reason for reports, e.g. "|Δ| 0.001 ≤ 0.01", "equal after trimming trailing spaces",
                       ///< "|Δ| 0.02 > 0.01", "0.5 ms apart ≤ 1 ms"
};

/// Interprets two values of the same column (either may be NULL; an Invalid value is never equal to
/// anything). Values of a class an interpretation field does not apply to ignore that field.
Verdict interpret(const Interpretation& how, const canon::ValueView& source, const canon::ValueView& target);

/// Exact decimal helpers on canonical decimal text (exposed for tests and the expression language).
/// Difference a − b as canonical decimal text.
std::string decimal_subtract(std::string_view a, std::string_view b);
/// −1, 0 or 1 as a is less than, equal to or greater than b, numerically.
int decimal_compare(std::string_view a, std::string_view b);
/// Product a × b as canonical decimal text (exact).
std::string decimal_multiply(std::string_view a, std::string_view b);

}  // namespace recon::rules

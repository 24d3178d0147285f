#pragma once
/// The `when` expression of a rule's match: a small boolean language over the two values of the
/// differing column (docs/rules.md, "when").
///
/// Grammar (case-insensitive keywords):
///   expr    := or
///   or      := and ("or" and)*
///   and     := not ("and" not)*
///   not     := "not" not | cmp
///   cmp     := sum (("=="|"!="|"<"|"<="|">"|">=") sum | "is" ["not"] "null")?
///   sum     := product (("+"|"-") product)*
///   product := unary (("*"|"/") unary)*
///   unary   := "-" unary | primary
///   primary := number | 'string' | "null" | "true" | "false" | "source" | "target"
///            | name "(" expr ")" | "(" expr ")"
///   functions: abs, length, lower, upper, trim, rtrim, ltrim
/// Values: numbers (integer, decimal, float as long double; time, timestamp and timestamptz values
/// are seconds, date values are days, so `abs(source - target) < 0.001` reads naturally for
/// timestamps), text (UTF-8; uuid and bytes as their canonical text), booleans, null.
/// SQL-like null handling: any comparison or arithmetic with null is null, and a null result of the
/// whole expression means "does not match". `is null` / `is not null` test for it.

#include <memory>
#include <string>
#include <string_view>

#include "recon/core/canonical.hpp"

namespace recon::rules {

class Expression {
 public:
  /// Parses `text`. Throws InputError "<where>: `when` expression: <what> at column N" when it is
  /// not a valid expression (unknown function with a did-you-mean, unbalanced parenthesis, …).
  static Expression parse(std::string_view text, const std::string& where);

  Expression();
  ~Expression();
  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;
  Expression(const Expression&);
  Expression& operator=(const Expression&);

  /// True only when the expression evaluates to true for these two values.
  bool matches(const canon::ValueView& source, const canon::ValueView& target) const;
  /// The text it was parsed from.
  const std::string& text() const { return text_; }

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
  std::string text_;
};

}  // namespace recon::rules

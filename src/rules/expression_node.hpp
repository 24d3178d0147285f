#pragma once
// Private to the rules module: the parsed form of a `when` expression, shared by the parser
// (expression_parse.cpp) and the evaluator (expression.cpp).
#include <memory>
#include <string>
#include <string_view>

#include "recon/rules/expression.hpp"

namespace recon::rules {

namespace expr {

/// A value during evaluation. Null is SQL's unknown: it propagates and never matches.
struct Value {
  enum class Type { Null, Bool, Number, Text };
  Type type = Type::Null;
  bool boolean = false;
  long double number = 0;
  std::string text;

  static Value null() { return {}; }
  static Value of(bool b) { return {Type::Bool, b, 0, {}}; }
  static Value of(long double n) { return {Type::Number, false, n, {}}; }
  static Value of(std::string s) { return {Type::Text, false, 0, std::move(s)}; }
};

enum class Kind { Literal, Source, Target, Negate, Not, And, Or, Compare, Arith, IsNull, Call };
enum class CmpOp { Eq, Ne, Lt, Le, Gt, Ge };
enum class ArithOp { Add, Sub, Mul, Div };
enum class Func { Abs, Length, Lower, Upper, Trim, Rtrim, Ltrim };

using NodePtr = std::shared_ptr<const Expression::Node>;

/// Parses `text` into a tree; throws InputError as Expression::parse documents.
NodePtr parse(std::string_view text, const std::string& where);

}  // namespace expr

/// Immutable once built; children are shared, so copies of an Expression share the whole tree.
struct Expression::Node {
  expr::Kind kind = expr::Kind::Literal;
  expr::Value literal{};                    ///< Literal
  expr::CmpOp cmp = expr::CmpOp::Eq;        ///< Compare
  expr::ArithOp arith = expr::ArithOp::Add; ///< Arith
  expr::Func func = expr::Func::Abs;        ///< Call
  bool negated = false;                     ///< IsNull: `is not null`
  expr::NodePtr a{}, b{};                   ///< operands (a only for unary kinds and calls)
};

}  // namespace recon::rules

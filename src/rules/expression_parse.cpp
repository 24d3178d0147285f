// Lexer and recursive-descent parser of `when` expressions (grammar in recon/rules/expression.hpp).
// Types are inferred while parsing so that mistakes visible in the text itself ('a' < 1, length(2),
// source == null) are reported with their column instead of silently never matching.
#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

#include "expression_node.hpp"
#include "recon/core/did_you_mean.hpp"
#include "recon/config/toml_reader.hpp"
#include "recon/core/errors.hpp"

namespace recon::rules::expr {
namespace {

using Node = Expression::Node;

enum class Tok { Number, String, Ident, Op, LParen, RParen, End };

struct Token {
  Tok kind = Tok::End;
  std::string text;    ///< the spelling; for identifiers lower-cased; for strings the value
  std::size_t offset;  ///< byte offset in the expression, for the column of messages
};

/// What the parser knows of a sub-expression's type; Unknown depends on the values.
enum class Ty { Unknown, Null, Bool, Number, Text };

const char* ty_name(Ty t) {
  switch (t) {
    case Ty::Null: return "null";
    case Ty::Bool: return "a boolean";
    case Ty::Number: return "a number";
    case Ty::Text: return "text";
    default: return "a value";
  }
}

struct Parsed {
  NodePtr node;
  Ty type = Ty::Unknown;
};

struct FuncInfo {
  const char* name;
  Func func;
  Ty arg, result;
};
constexpr FuncInfo kFuncs[] = {
    {"abs", Func::Abs, Ty::Number, Ty::Number},     {"length", Func::Length, Ty::Text, Ty::Number},
    {"lower", Func::Lower, Ty::Text, Ty::Text},     {"upper", Func::Upper, Ty::Text, Ty::Text},
    {"trim", Func::Trim, Ty::Text, Ty::Text},       {"rtrim", Func::Rtrim, Ty::Text, Ty::Text},
    {"ltrim", Func::Ltrim, Ty::Text, Ty::Text},
};
const std::vector<std::string> kNames = {"source", "target", "null", "true", "false", "and", "or", "not", "is"};

class Parser {
 public:
  Parser(std::string_view text, const std::string& where) : text_(text), where_(where) { lex(); }

  NodePtr parse_all() {
    if (tokens_.front().kind == Tok::End) fail("the expression is empty", 0);
    const Parsed p = parse_or();
    if (peek().kind != Tok::End) {
      if (peek().kind == Tok::RParen) fail("unbalanced `)`", peek().offset);
      if (is_cmp(peek())) fail("comparisons cannot be chained; combine them with `and`", peek().offset);
      fail("unexpected " + describe(peek()), peek().offset);
    }
    if (p.type == Ty::Number || p.type == Ty::Text)
      fail(std::string("the expression must be a condition (true or false), not ") + ty_name(p.type), 0);
    return p.node;
  }

 private:
  [[noreturn]] void fail(const std::string& what, std::size_t offset) const {
    throw InputError(where_ + ": `when` expression: " + what + " at column " + column_of(offset));
  }

  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Tok::End: return "end of expression";
      case Tok::String: return "string '" + t.text + "'";
      default: return "`" + t.text + "`";
    }
  }

  // ---- lexer ----------------------------------------------------------------------------------
  void lex() {
    std::size_t i = 0;
    const std::size_t n = text_.size();
    auto at = [&](std::size_t k) { return k < n ? text_[k] : '\0'; };
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    while (true) {
      while (i < n && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
      if (i >= n) break;
      const std::size_t start = i;
      const char c = text_[i];
      if (digit(c) || (c == '.' && digit(at(i + 1)))) {
        while (digit(at(i))) ++i;
        if (at(i) == '.') {
          ++i;
          while (digit(at(i))) ++i;
        }
        if (at(i) == 'e' || at(i) == 'E') {
          std::size_t j = i + 1;
          if (at(j) == '+' || at(j) == '-') ++j;
          if (!digit(at(j))) fail("malformed number exponent", j);
          i = j;
          while (digit(at(i))) ++i;
        }
        if (std::isalpha(static_cast<unsigned char>(at(i))) || at(i) == '_' || at(i) == '.')
          fail("malformed number", start);
        push(Tok::Number, std::string(text_.substr(start, i - start)), start);
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        while (std::isalnum(static_cast<unsigned char>(at(i))) || at(i) == '_') ++i;
        std::string word(text_.substr(start, i - start));
        for (char& ch : word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        push(Tok::Ident, std::move(word), start);
      } else if (c == '\'') {
        std::string value;
        ++i;
        while (true) {
          if (i >= n) fail("unterminated string (strings end with ')", start);
          if (text_[i] == '\'') {
            if (at(i + 1) != '\'') break;
            ++i;  // '' is one quote
          }
          value.push_back(text_[i++]);
        }
        ++i;
        push(Tok::String, std::move(value), start);
      } else if (c == '(' || c == ')') {
        push(c == '(' ? Tok::LParen : Tok::RParen, std::string(1, c), start);
        ++i;
      } else {
        const std::string two(text_.substr(i, 2));
        if (two == "==" || two == "!=" || two == "<=" || two == ">=") {
          push(Tok::Op, two, start);
          i += 2;
        } else if (two == "<>") {
          fail("`<>` is not an operator; write `!=`", start);
        } else if (two == "&&" || two == "||") {
          fail("`" + two + "` is not an operator; write `" + (two == "&&" ? "and" : "or") + "`", start);
        } else if (c == '=') {
          fail("`=` is not an operator; write `==`", start);
        } else if (c == '"') {
          fail("strings are written in single quotes", start);
        } else if (std::string_view("<>+-*/").find(c) != std::string_view::npos) {
          push(Tok::Op, std::string(1, c), start);
          ++i;
        } else {
          fail(std::string("unexpected character `") + c + "`", start);
        }
      }
    }
    push(Tok::End, "", n);
  }

  void push(Tok kind, std::string text, std::size_t offset) { tokens_.push_back({kind, std::move(text), offset}); }

  // ---- parser ---------------------------------------------------------------------------------
  const Token& peek() const { return tokens_[pos_]; }
  Token next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool at_word(const char* w) const { return peek().kind == Tok::Ident && peek().text == w; }
  bool at_op(const char* op) const { return peek().kind == Tok::Op && peek().text == op; }
  static bool is_cmp(const Token& t) {
    return t.kind == Tok::Op && (t.text == "==" || t.text == "!=" || t.text == "<" || t.text == "<=" ||
                                 t.text == ">" || t.text == ">=");
  }

  static NodePtr make(Node n) { return std::make_shared<const Node>(std::move(n)); }

  /// Operands of and/or/not must be conditions when their type is known.
  void need_condition(const Parsed& p, const char* op, std::size_t offset) const {
    if (p.type == Ty::Number || p.type == Ty::Text)
      fail(std::string("`") + op + "` needs conditions, not " + ty_name(p.type), offset);
  }

  /// Bounds the recursion, so a pathological expression is an error and not a stack overflow.
  struct Depth {
    Parser& p;
    Depth(Parser& parser, std::size_t offset) : p(parser) {
      if (++p.depth_ > kMaxDepth) p.fail("nested too deeply (more than 100 levels)", offset);
    }
    ~Depth() { --p.depth_; }
  };
  static constexpr int kMaxDepth = 100;

  Parsed parse_or() {
    const Depth guard(*this, peek().offset);
    Parsed left = parse_and();
    while (at_word("or")) {
      const std::size_t off = next().offset;
      Parsed right = parse_and();
      need_condition(left, "or", off);
      need_condition(right, "or", off);
      left = {make({.kind = Kind::Or, .a = left.node, .b = right.node}), Ty::Bool};
    }
    return left;
  }

  Parsed parse_and() {
    Parsed left = parse_not();
    while (at_word("and")) {
      const std::size_t off = next().offset;
      Parsed right = parse_not();
      need_condition(left, "and", off);
      need_condition(right, "and", off);
      left = {make({.kind = Kind::And, .a = left.node, .b = right.node}), Ty::Bool};
    }
    return left;
  }

  Parsed parse_not() {
    if (at_word("not")) {
      const std::size_t off = next().offset;
      const Depth guard(*this, off);
      Parsed operand = parse_not();
      need_condition(operand, "not", off);
      return {make({.kind = Kind::Not, .a = operand.node}), Ty::Bool};
    }
    return parse_cmp();
  }

  Parsed parse_cmp() {
    Parsed left = parse_sum();
    if (at_word("is")) {
      next();
      const bool negated = at_word("not");
      if (negated) next();
      if (!at_word("null")) fail("expected `null` after `is" + std::string(negated ? " not" : "") + "`", peek().offset);
      next();
      return {make({.kind = Kind::IsNull, .negated = negated, .a = left.node}), Ty::Bool};
    }
    if (!is_cmp(peek())) return left;
    const Token op = next();
    Parsed right = parse_sum();
    if (left.type == Ty::Null || right.type == Ty::Null)
      fail("a comparison with null is always null; write `is null` or `is not null`", op.offset);
    if (left.type != Ty::Unknown && right.type != Ty::Unknown && left.type != right.type)
      fail(std::string("cannot compare ") + ty_name(left.type) + " with " + ty_name(right.type), op.offset);
    CmpOp c = CmpOp::Eq;
    if (op.text == "!=") c = CmpOp::Ne;
    else if (op.text == "<") c = CmpOp::Lt;
    else if (op.text == "<=") c = CmpOp::Le;
    else if (op.text == ">") c = CmpOp::Gt;
    else if (op.text == ">=") c = CmpOp::Ge;
    return {make({.kind = Kind::Compare, .cmp = c, .a = left.node, .b = right.node}), Ty::Bool};
  }

  /// Arithmetic takes numbers; null operands are allowed and make the result null.
  Ty arith_type(const Parsed& l, const Parsed& r, const Token& op) const {
    for (const Parsed* p : {&l, &r})
      if (p->type == Ty::Bool || p->type == Ty::Text)
        fail("`" + op.text + "` needs numbers, not " + ty_name(p->type), op.offset);
    if (l.type == Ty::Null || r.type == Ty::Null) return Ty::Null;
    return l.type == Ty::Number && r.type == Ty::Number ? Ty::Number : Ty::Unknown;
  }

  Parsed parse_sum() {
    Parsed left = parse_product();
    while (at_op("+") || at_op("-")) {
      const Token op = next();
      Parsed right = parse_product();
      const Ty t = arith_type(left, right, op);
      const ArithOp o = op.text == "+" ? ArithOp::Add : ArithOp::Sub;
      left = {make({.kind = Kind::Arith, .arith = o, .a = left.node, .b = right.node}), t};
    }
    return left;
  }

  Parsed parse_product() {
    Parsed left = parse_unary();
    while (at_op("*") || at_op("/")) {
      const Token op = next();
      Parsed right = parse_unary();
      const Ty t = arith_type(left, right, op);
      const ArithOp o = op.text == "*" ? ArithOp::Mul : ArithOp::Div;
      left = {make({.kind = Kind::Arith, .arith = o, .a = left.node, .b = right.node}), t};
    }
    return left;
  }

  Parsed parse_unary() {
    if (at_op("-")) {
      const Token op = next();
      const Depth guard(*this, op.offset);
      Parsed operand = parse_unary();
      if (operand.type == Ty::Bool || operand.type == Ty::Text)
        fail(std::string("`-` needs a number, not ") + ty_name(operand.type), op.offset);
      return {make({.kind = Kind::Negate, .a = operand.node}), operand.type};
    }
    return parse_primary();
  }

  Parsed parse_primary() {
    const Token t = next();
    switch (t.kind) {
      case Tok::Number:
        return {make({.kind = Kind::Literal, .literal = Value::of(std::strtold(t.text.c_str(), nullptr))}),
                Ty::Number};
      case Tok::String: return {make({.kind = Kind::Literal, .literal = Value::of(t.text)}), Ty::Text};
      case Tok::LParen: {
        Parsed inner = parse_or();
        if (peek().kind != Tok::RParen)
          fail("expected `)` to close the `(` at column " + column_of(t.offset) + ", found " + describe(peek()),
               peek().offset);
        next();
        return inner;
      }
      case Tok::Ident: return parse_word(t);
      case Tok::End: fail("unexpected end of expression: expected a value", t.offset);
      default: fail("unexpected " + describe(t) + ": expected a value", t.offset);
    }
  }

  Parsed parse_word(const Token& t) {
    if (t.text == "source") return {make({.kind = Kind::Source}), Ty::Unknown};
    if (t.text == "target") return {make({.kind = Kind::Target}), Ty::Unknown};
    if (t.text == "null") return {make({.kind = Kind::Literal}), Ty::Null};
    if (t.text == "true" || t.text == "false")
      return {make({.kind = Kind::Literal, .literal = Value::of(t.text == "true")}), Ty::Bool};
    const FuncInfo* info = nullptr;
    for (const auto& f : kFuncs)
      if (t.text == f.name) info = &f;
    if (peek().kind != Tok::LParen) {
      if (info) fail("`" + t.text + "` is a function: write " + t.text + "(…)", t.offset);
      std::vector<std::string> candidates = kNames;
      for (const auto& f : kFuncs) candidates.emplace_back(f.name);
      const std::string hint = did_you_mean(t.text, candidates);
      fail("unknown name `" + t.text + "`" + (hint.empty() ? "" : " (did you mean `" + hint + "`?)"), t.offset);
    }
    if (!info) {
      std::vector<std::string> names;
      for (const auto& f : kFuncs) names.emplace_back(f.name);
      const std::string hint = did_you_mean(t.text, names);
      fail("unknown function `" + t.text + "`" +
               (hint.empty() ? " (functions: abs, length, lower, upper, trim, rtrim, ltrim)"
                             : " (did you mean `" + hint + "`?)"),
           t.offset);
    }
    const Token open = next();
    Parsed arg = parse_or();
    if (peek().kind != Tok::RParen)
      fail("expected `)` to close " + t.text + "( at column " + column_of(open.offset) + ", found " +
               describe(peek()),
           peek().offset);
    next();
    if (arg.type != Ty::Unknown && arg.type != Ty::Null && arg.type != info->arg)
      fail(t.text + "() takes " + ty_name(info->arg) + ", not " + ty_name(arg.type), open.offset + 1);
    return {make({.kind = Kind::Call, .func = info->func, .a = arg.node}),
            arg.type == Ty::Null ? Ty::Null : info->result};
  }

  /// 1-based, in code points, as an editor shows it.
  std::string column_of(std::size_t offset) const {
    std::size_t column = 1;
    for (std::size_t i = 0; i < offset && i < text_.size(); ++i)
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    return std::to_string(column);
  }

  std::string_view text_;
  const std::string& where_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

NodePtr parse(std::string_view text, const std::string& where) { return Parser(text, where).parse_all(); }

}  // namespace recon::rules::expr

// Evaluation of parsed `when` expressions over a column's two canonical values.
#include "recon/rules/expression.hpp"

#include <cmath>
#include <string>

#include <utf8proc.h>

#include "expression_node.hpp"

namespace recon::rules {
namespace {

using expr::Value;
using Type = expr::Value::Type;

/// Canonical value → expression value: numbers as long double (decimals through strtold, so
/// very long decimals are rounded — `when` selects rows, the interpretation decides exactly),
/// dates as days, times as seconds, uuid/bytes as their canonical text, Invalid as null.
Value from_canonical(const canon::ValueView& v) {
  switch (v.tag) {
    case TypeClass::Integer: return Value::of(static_cast<long double>(v.as_int64()));
    case TypeClass::Decimal: return Value::of(std::strtold(std::string(v.payload).c_str(), nullptr));
    case TypeClass::Float: return Value::of(static_cast<long double>(v.as_double()));
    case TypeClass::Boolean: return Value::of(!v.payload.empty() && v.payload[0] != 0);
    case TypeClass::Date: return Value::of(static_cast<long double>(v.as_int32()));
    case TypeClass::Time:
    case TypeClass::Timestamp:
    case TypeClass::TimestampTz: return Value::of(static_cast<long double>(v.as_int64()) / 1'000'000.0L);
    case TypeClass::Text:
    case TypeClass::Json: return Value::of(std::string(v.payload));
    case TypeClass::Uuid: return Value::of(canon::format_uuid(v.payload));
    case TypeClass::Bytes: return Value::of(canon::format_hex(v.payload));
    default: return Value::null();  // Null, Invalid
  }
}

/// Code point by code point; a byte that is not valid UTF-8 is kept as it is.
std::string map_case(const std::string& s, bool upper) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {
      out.push_back(static_cast<char>(*p));
      ++p;
      --left;
      continue;
    }
    utf8proc_uint8_t buf[4];
    const utf8proc_ssize_t w = utf8proc_encode_char(upper ? utf8proc_toupper(cp) : utf8proc_tolower(cp), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(w));
    p += n;
    left -= n;
  }
  return out;
}

Value call(expr::Func f, const Value& arg) {
  if (f == expr::Func::Abs) return arg.type == Type::Number ? Value::of(std::fabs(arg.number)) : Value::null();
  if (arg.type != Type::Text) return Value::null();
  const std::string& s = arg.text;
  switch (f) {
    case expr::Func::Length: {
      std::size_t n = 0;  // code points: every byte that is not a continuation byte starts one
      for (unsigned char c : s) n += (c & 0xC0) != 0x80;
      return Value::of(static_cast<long double>(n));
    }
    case expr::Func::Lower: return Value::of(map_case(s, false));
    case expr::Func::Upper: return Value::of(map_case(s, true));
    case expr::Func::Trim:
    case expr::Func::Ltrim:
    case expr::Func::Rtrim: {
      std::size_t b = 0, e = s.size();  // spaces only, like trim_trailing
      if (f != expr::Func::Rtrim)
        while (b < e && s[b] == ' ') ++b;
      if (f != expr::Func::Ltrim)
        while (e > b && s[e - 1] == ' ') --e;
      return Value::of(s.substr(b, e - b));
    }
    default: return Value::null();
  }
}

/// Same-type comparison only; text by bytes (char_traits<char> compares as unsigned char).
Value compare(expr::CmpOp op, const Value& l, const Value& r) {
  if (l.type == Type::Null || r.type == Type::Null || l.type != r.type) return Value::null();
  int c = 0;
  if (l.type == Type::Number) {
    if (std::isnan(l.number) || std::isnan(r.number)) return Value::of(op == expr::CmpOp::Ne);
    c = l.number < r.number ? -1 : (l.number > r.number ? 1 : 0);
  } else if (l.type == Type::Text) {
    const int k = l.text.compare(r.text);
    c = k < 0 ? -1 : (k > 0 ? 1 : 0);
  } else {
    c = static_cast<int>(l.boolean) - static_cast<int>(r.boolean);
  }
  switch (op) {
    case expr::CmpOp::Eq: return Value::of(c == 0);
    case expr::CmpOp::Ne: return Value::of(c != 0);
    case expr::CmpOp::Lt: return Value::of(c < 0);
    case expr::CmpOp::Le: return Value::of(c <= 0);
    case expr::CmpOp::Gt: return Value::of(c > 0);
    case expr::CmpOp::Ge: return Value::of(c >= 0);
  }
  return Value::null();
}

Value arith(expr::ArithOp op, const Value& l, const Value& r) {
  if (l.type != Type::Number || r.type != Type::Number) return Value::null();
  switch (op) {
    case expr::ArithOp::Add: return Value::of(l.number + r.number);
    case expr::ArithOp::Sub: return Value::of(l.number - r.number);
    case expr::ArithOp::Mul: return Value::of(l.number * r.number);
    case expr::ArithOp::Div: return r.number == 0 ? Value::null() : Value::of(l.number / r.number);
  }
  return Value::null();
}

/// Three-valued logic: a non-boolean operand counts as null (unknown).
int truth(const Value& v) { return v.type == Type::Bool ? (v.boolean ? 1 : 0) : -1; }

struct Evaluator {
  const Value& source;
  const Value& target;

  Value eval(const Expression::Node& n) const {
    using expr::Kind;
    switch (n.kind) {
      case Kind::Literal: return n.literal;
      case Kind::Source: return source;
      case Kind::Target: return target;
      case Kind::Negate: {
        Value v = eval(*n.a);
        return v.type == Type::Number ? Value::of(-v.number) : Value::null();
      }
      case Kind::Not: {
        const int t = truth(eval(*n.a));
        return t < 0 ? Value::null() : Value::of(t == 0);
      }
      case Kind::And: {
        const int l = truth(eval(*n.a));
        if (l == 0) return Value::of(false);
        const int r = truth(eval(*n.b));
        if (r == 0) return Value::of(false);
        return l < 0 || r < 0 ? Value::null() : Value::of(true);
      }
      case Kind::Or: {
        const int l = truth(eval(*n.a));
        if (l == 1) return Value::of(true);
        const int r = truth(eval(*n.b));
        if (r == 1) return Value::of(true);
        return l < 0 || r < 0 ? Value::null() : Value::of(false);
      }
      case Kind::Compare: return compare(n.cmp, eval(*n.a), eval(*n.b));
      case Kind::Arith: return arith(n.arith, eval(*n.a), eval(*n.b));
      case Kind::IsNull: return Value::of((eval(*n.a).type == Type::Null) != n.negated);
      case Kind::Call: return call(n.func, eval(*n.a));
    }
    return Value::null();
  }
};

}  // namespace

Expression Expression::parse(std::string_view text, const std::string& where) {
  Expression e;
  e.root_ = expr::parse(text, where);
  e.text_ = std::string(text);
  return e;
}

Expression::Expression() = default;
Expression::~Expression() = default;
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;
Expression::Expression(const Expression&) = default;
Expression& Expression::operator=(const Expression&) = default;

/// A default-constructed Expression (nothing parsed) matches nothing.
bool Expression::matches(const canon::ValueView& source, const canon::ValueView& target) const {
  if (!root_) return false;
  const Value s = from_canonical(source), t = from_canonical(target);
  const Value r = Evaluator{s, t}.eval(*root_);
  return r.type == Type::Bool && r.boolean;
}

}  // namespace recon::rules

// Expressions of the T-SQL subset in SQLite: operators, literals, @@variables, COLLATE, built-in
// function calls, CAST / CONVERT and column references.
//
// Comparisons must behave as on SQL Server even though SQLite stores the fixture's decimals, dates
// and GUIDs as text, so every column reference in WHERE / ORDER BY gets a collation that orders its
// values as SQL Server orders the type (TDSDEC, TDSTIME, TDSGUID, registered by the session), and
// text columns get NOCASE or BINARY from their SQL Server collation unless the query says COLLATE.
// Numeric literals in WHERE become string literals so no digit is lost to SQLite's REAL.
#include <cctype>

#include "sql_translate.hpp"

namespace tds_test {

std::string version_string() {
  return "Microsoft SQL Server 2017 (RTM-CU31) (KB5016884) - 14.0.3456.2 (X64) \n"
         "\tCopyright (C) 2017 Microsoft Corporation\n"
         "\trecon tds_test_server: a TDS 7.4 test peer serving a SQLite fixture, not SQL Server";
}

std::string order_collation(const ResultColumn& c) {
  switch (c.type.kind) {
    case Kind::Decimal: case Kind::Numeric: case Kind::Money: case Kind::SmallMoney:
      return " COLLATE TDSDEC";
    case Kind::Date: case Kind::Time: case Kind::DateTime: case Kind::SmallDateTime:
    case Kind::DateTime2: case Kind::DateTimeOffset:
      return " COLLATE TDSTIME";
    case Kind::Guid:
      return " COLLATE TDSGUID";
    default:
      if (c.type.is_string()) return c.collation.case_insensitive ? " COLLATE NOCASE" : " COLLATE BINARY";
      return "";
  }
}

namespace translation {
namespace {

/// `s` between `quote`s, each `quote` inside doubled.
std::string quoted(std::string_view s, char quote) {
  std::string r(1, quote);
  for (char c : s) {
    if (c == quote) r += quote;
    r += c;
  }
  return r + quote;
}

/// SQLite collation clause for an explicit SQL Server COLLATE name.
std::string collate_clause(const std::string& name) {
  auto c = find_collation(name);
  if (!c) throw SqlError(448, "Invalid collation '" + name + "'.");
  const std::string n = lower(name);
  if (n.find("_bin") != std::string::npos) return "COLLATE BINARY";
  return c->case_insensitive ? "COLLATE NOCASE" : "COLLATE BINARY";
}

std::string upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string sql_string(std::string_view s) { return quoted(s, '\''); }
std::string quote_ident(std::string_view s) { return quoted(s, '"'); }

bool is_expr_keyword(const Token& t) {
  static const char* kWords[] = {"AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "BETWEEN", "ESCAPE",
                                 "ASC", "DESC", "COLLATE", "AS", "FROM", "WHERE", "ORDER", "BY"};
  if (t.kind != K::Word) return false;
  for (const char* w : kWords)
    if (iequals(t.text, w)) return true;
  return false;
}

Translator::ColRef Translator::column_ref(std::size_t i, std::size_t b, Ctx ctx) const {
  std::vector<std::string> parts{t_[i].text};
  std::size_t j = i + 1;
  while (j + 1 < b && is_op(t_[j], ".") && is_name(j + 1)) parts.push_back(t_[j + 1].text), j += 2;
  ColRef r;
  r.next = j;
  for (std::size_t k = 0; k < parts.size(); ++k) r.written += (k ? "." : "") + parts[k];
  if (parts.size() > 1) {
    const std::string& q = parts[parts.size() - 2];
    if (!table_ || !(iequals(q, table_->name) || (!alias_.empty() && iequals(q, alias_))))
      throw SqlError(4104, "The multi-part identifier \"" + r.written + "\" could not be bound.");
  }
  if (table_) r.col = table_->find_column(parts.back());
  if (!r.col && !(ctx == Ctx::Order && parts.size() == 1 && alias_item(parts.back())))
    throw SqlError(207, "Invalid column name '" + parts.back() + "'.");
  return r;
}

const Translator::Item* Translator::alias_item(const std::string& name) const {
  for (const Item& it : items_)
    if (!it.alias.empty() && iequals(it.alias, name)) return &it;
  return nullptr;
}

SqlType Translator::parse_type(std::size_t& i, std::size_t b) const {
  if (i >= b || t_[i].kind != K::Word) syntax(i);
  std::string spelled = t_[i++].text;
  if (i < b && is_op(t_[i], "(")) {
    const std::size_t close = close_of(i, b);
    for (std::size_t k = i; k <= close; ++k) spelled += t_[k].text;
    i = close + 1;
  }
  auto type = parse_sql_type(spelled);
  if (!type) throw SqlError(243, "Type " + spelled + " is not a defined system type.");
  return *type;
}

std::string Translator::var_value(const Token& v) const {
  if (iequals(v.text, "@@VERSION")) return sql_string(version_string());
  if (iequals(v.text, "@@SPID")) return std::to_string(info_.spid);
  if (iequals(v.text, "@@SERVERNAME")) return sql_string("TDS_TEST_SERVER");
  if (iequals(v.text, "@@TRANCOUNT")) return std::to_string(info_.trancount);
  if (iequals(v.text, "@@LANGUAGE")) return sql_string("us_english");
  throw SqlError(137, "Must declare the scalar variable \"" + v.text + "\".", 15);
}

std::string Translator::convert(const SqlType& to, std::size_t a, std::size_t b) const {
  const std::string inner = expr(a, b, Ctx::Select);
  if (is_name(a) && !op_at(a + 1, "(")) {
    const ColRef r = column_ref(a, b, Ctx::Select);
    // A GUID as text is its canonical uppercase form, whatever case the fixture stored.
    if (r.next == b && r.col && r.col->type.kind == Kind::Guid && to.is_string()) return "upper(" + inner + ")";
  }
  switch (to.kind) {
    case Kind::TinyInt: case Kind::SmallInt: case Kind::Int: case Kind::BigInt: case Kind::Bit:
      return "CAST(" + inner + " AS INTEGER)";
    case Kind::Float: case Kind::Real:
      return "CAST(" + inner + " AS REAL)";
    default:
      return to.is_string() ? "CAST(" + inner + " AS TEXT)" : "(" + inner + ")";
  }
}

std::string Translator::call(std::size_t i, std::size_t close, Ctx ctx) const {
  const std::string name = lower(t_[i].text);
  const std::size_t a = i + 2;  // first token inside the parentheses
  if (name == "convert") {
    std::size_t j = a;
    const SqlType to = parse_type(j, close);
    if (!is_op(t_[j], ",")) syntax(j);
    const std::size_t stop = find_top_comma(j + 1, close);
    return convert(to, j + 1, stop);  // a style argument changes nothing for the types served here
  }
  if (name == "cast") {
    const std::size_t as = find_top(a, close, [](const Token& t) { return is_word(t, "AS"); });
    if (as == close) syntax(close);
    std::size_t j = as + 1;
    const SqlType to = parse_type(j, close);
    if (j != close) syntax(j);
    return convert(to, a, as);
  }
  if (name == "object_id" || name == "columnproperty") {  // catalog lookups: constants by now
    const auto v = name == "object_id" ? object_id_call(i, close) : column_property_call(i, close);
    return v ? std::to_string(*v) : "NULL";
  }
  if (auto doctor = doctor_call(i, close)) return *doctor;
  static const std::pair<const char*, const char*> kFunctions[] = {
      {"count", "count"}, {"count_big", "count"}, {"min", "min"},         {"max", "max"},
      {"sum", "sum"},     {"upper", "upper"},     {"lower", "lower"},     {"len", "length"},
      {"isnull", "ifnull"}, {"coalesce", "coalesce"}, {"abs", "abs"}};
  for (const auto& [tsql, sqlite] : kFunctions) {
    if (name != tsql) continue;
    std::string out = std::string(sqlite) + "(";
    if (close == a + 1 && is_op(t_[a], "*")) return out + "*)";
    if (close == a) syntax(close);
    bool first = true;
    for (auto [x, y] : split_commas(a, close)) {
      out += (first ? "" : ", ") + expr(x, y, ctx == Ctx::Where ? Ctx::Select : ctx);
      first = false;
    }
    return out + ")";
  }
  throw SqlError(195, "'" + t_[i].text + "' is not a recognized built-in function name.", 15);
}

std::string Translator::expr(std::size_t a, std::size_t b, Ctx ctx) const {
  std::string out;
  for (std::size_t i = a; i < b;) {
    std::string s;
    i = term(i, b, ctx, s);
    if (!out.empty() && s != ")" && s != "," && out.back() != '(') out += ' ';
    out += s;
  }
  if (out.empty()) syntax(b);
  return out;
}

/// Translates the token(s) at i into `piece`; returns the index after them.
std::size_t Translator::term(std::size_t i, std::size_t b, Ctx ctx, std::string& piece) const {
  const Token& k = t_[i];
  switch (k.kind) {
    case K::Op:
      if (k.text == "." || k.text == ";") syntax(i);
      if (ctx == Ctx::Where && unary_sign_at(i)) {  // -12.50: one exact string literal, not minus a REAL
        piece = sql_string((k.text == "-" ? "-" : "") + t_[i + 1].text);
        return i + 2;
      }
      piece = k.text == "!<" ? ">=" : k.text == "!>" ? "<=" : k.text;
      return i + 1;
    case K::Hex:
      piece = "X'" + std::string(k.text.size() % 2 ? "0" : "") + k.text + "'";
      return i + 1;
    case K::Number: {
      const bool integer = k.text.find_first_of(".eE") == std::string::npos;
      // WHERE: a string literal, so SQLite converts it to the column's affinity without REAL.
      piece = ctx == Ctx::Where || (ctx == Ctx::Select && !integer) ? sql_string(k.text) : k.text;
      return i + 1;
    }
    case K::String:
      piece = sql_string(k.text);
      return i + 1;
    case K::Var:
      piece = var_value(k);
      return i + 1;
    case K::Word:
      if (is_word(k, "COLLATE")) {
        if (i + 1 >= b || !is_name(i + 1)) syntax(i + 1);
        piece = collate_clause(t_[i + 1].text);
        return i + 2;
      }
      if (is_expr_keyword(k)) {
        if (is_word(k, "AS") || is_word(k, "FROM") || is_word(k, "WHERE") || is_word(k, "ORDER") ||
            is_word(k, "BY"))
          syntax(i);
        piece = upper(k.text);
        return i + 1;
      }
      if (i + 1 < b && is_op(t_[i + 1], "(")) {
        const std::size_t close = close_of(i + 1, b);
        piece = call(i, close, ctx);
        return close + 1;
      }
      break;
    case K::Quoted:
      break;
  }
  return column_term(i, b, ctx, piece);
}

bool Translator::unary_sign_at(std::size_t i) const {
  if (!(is_op(t_[i], "-") || is_op(t_[i], "+")) || i + 1 >= end_ || t_[i + 1].kind != K::Number) return false;
  if (i == 0) return true;
  const Token& p = t_[i - 1];
  if (p.kind == K::Op) return p.text != ")";
  return p.kind == K::Word && is_expr_keyword(p);
}

bool Translator::operand_collated(std::size_t i, std::size_t b) const {
  static const char* kCompare[] = {"=", "<>", "!=", "<", "<=", ">", ">=", "!<", "!>"};
  bool compare = false;
  for (const char* c : kCompare) compare = compare || op_at(i, c);
  if (!compare || i + 1 >= b) return false;
  std::size_t j = i + 1;
  if (unary_sign_at(j)) ++j;
  if (j + 1 < b && t_[j].kind == K::Word && is_op(t_[j + 1], "(")) j = close_of(j + 1, b) + 1;
  else if (is_op(t_[j], "(")) j = close_of(j, b) + 1;
  else ++j;
  return j < b && word_at(j, "COLLATE");
}

/// A column reference, or in ORDER BY a select-list alias (ordered by that item's expression).
std::size_t Translator::column_term(std::size_t i, std::size_t b, Ctx ctx, std::string& piece) const {
  const ColRef r = column_ref(i, b, ctx);
  // SQLite lets the left operand's COLLATE win: the column's implicit one must not override the
  // COLLATE of the value it is compared with ([c] = N'x' COLLATE Latin1_General_BIN2).
  const bool explicit_collate = (r.next < b && is_word(t_[r.next], "COLLATE")) || operand_collated(r.next, b);
  if (!r.col) {
    const Item* it = alias_item(t_[i].text);
    piece = expr(it->a, it->b, Ctx::Order);
  } else {
    piece = quote_ident(r.col->name) + (ctx != Ctx::Select && !explicit_collate ? order_collation(*r.col) : "");
  }
  return r.next;
}

}  // namespace translation
}  // namespace tds_test

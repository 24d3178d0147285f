// Binding and translating one SELECT of the T-SQL subset to SQLite.
//
// Comparisons must behave as on SQL Server even though SQLite stores the fixture's decimals, dates
// and GUIDs as text, so every column reference in WHERE / ORDER BY gets a collation that orders its
// values as SQL Server orders the type (TDSDEC, TDSTIME, TDSGUID, registered by the session), and
// text columns get NOCASE or BINARY from their SQL Server collation unless the query says COLLATE.
// Numeric literals in WHERE become string literals so no digit is lost to SQLite's REAL.
#include <cctype>

#include "sql.hpp"

namespace tds_test {
namespace {

using K = Token::Kind;

bool is_word(const Token& t, const char* w) { return t.kind == K::Word && iequals(t.text, w); }
bool is_op(const Token& t, const char* o) { return t.kind == K::Op && t.text == o; }

std::string sql_string(std::string_view s) {
  std::string r = "'";
  for (char c : s) {
    if (c == '\'') r += '\'';
    r += c;
  }
  return r + "'";
}

std::string quote_ident(std::string_view s) {
  std::string r = "\"";
  for (char c : s) {
    if (c == '"') r += '"';
    r += c;
  }
  return r + "\"";
}

bool is_expr_keyword(const Token& t) {
  static const char* kWords[] = {"AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "BETWEEN", "ESCAPE",
                                 "ASC", "DESC", "COLLATE", "AS", "FROM", "WHERE", "ORDER", "BY"};
  if (t.kind != K::Word) return false;
  for (const char* w : kWords)
    if (iequals(t.text, w)) return true;
  return false;
}

/// SQLite collation clause for an explicit SQL Server COLLATE name.
std::string collate_clause(const std::string& name) {
  auto c = find_collation(name);
  if (!c) throw SqlError(448, "Invalid collation '" + name + "'.");
  const std::string n = lower(name);
  if (n.find("_bin") != std::string::npos) return "COLLATE BINARY";
  return c->case_insensitive ? "COLLATE NOCASE" : "COLLATE BINARY";
}

/// The collation that makes SQLite compare a column as SQL Server compares its type.
std::string implicit_collation(const ResultColumn& c) {
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

enum class Ctx { Select, Where, Order };

class Translator {
 public:
  Translator(const Statement& st, const Catalog& cat, const SessionInfo& info)
      : t_(st.tokens), end_(st.tokens.size()), cat_(cat), info_(info) {}

  Query run();

 private:
  struct ColRef {
    const ResultColumn* col = nullptr;
    std::size_t next = 0;
    std::string written;  // as the query spelled it, for errors
  };
  struct Item {
    std::size_t a, b;  // the expression, including a trailing COLLATE
    std::string alias;
  };

  const std::vector<Token>& t_;
  std::size_t end_;
  const Catalog& cat_;
  const SessionInfo& info_;
  const Table* table_ = nullptr;
  std::string alias_;
  std::vector<Item> items_;

  [[noreturn]] void syntax(std::size_t at) const {
    if (at >= end_) throw SqlError(102, "Incorrect syntax near '" + (end_ ? t_[end_ - 1].text : "") + "'.", 15);
    if (t_[at].kind == K::Word && is_expr_keyword(t_[at]))
      throw SqlError(156, "Incorrect syntax near the keyword '" + t_[at].text + "'.", 15);
    throw SqlError(102, "Incorrect syntax near '" + t_[at].text + "'.", 15);
  }
  bool word_at(std::size_t i, const char* w) const { return i < end_ && is_word(t_[i], w); }
  bool op_at(std::size_t i, const char* o) const { return i < end_ && is_op(t_[i], o); }

  /// Index of the ')' matching the '(' at `open`.
  std::size_t close_of(std::size_t open, std::size_t b) const {
    int depth = 0;
    for (std::size_t i = open; i < b; ++i) {
      if (is_op(t_[i], "(")) ++depth;
      if (is_op(t_[i], ")") && --depth == 0) return i;
    }
    syntax(b);
  }
  /// First index in [a,b) at depth 0 satisfying pred, or b.
  template <class Pred>
  std::size_t find_top(std::size_t a, std::size_t b, Pred pred) const {
    int depth = 0;
    for (std::size_t i = a; i < b; ++i) {
      if (depth == 0 && pred(t_[i])) return i;
      if (is_op(t_[i], "(")) ++depth;
      if (is_op(t_[i], ")")) --depth;
    }
    return b;
  }
  std::vector<std::pair<std::size_t, std::size_t>> split_commas(std::size_t a, std::size_t b) const {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    while (true) {
      const std::size_t c = find_top(a, b, [](const Token& t) { return is_op(t, ","); });
      if (c == a) syntax(a);
      out.emplace_back(a, c);
      if (c == b) break;
      a = c + 1;
    }
    return out;
  }

  bool is_name(std::size_t i) const {
    return i < end_ && (t_[i].kind == K::Quoted || (t_[i].kind == K::Word && !is_expr_keyword(t_[i])));
  }

  /// Parses name(.name)* at i as a column of the table; throws 207 / 4104.
  ColRef column_ref(std::size_t i, std::size_t b, Ctx ctx) const {
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
  const Item* alias_item(const std::string& name) const {
    for (const Item& it : items_)
      if (!it.alias.empty() && iequals(it.alias, name)) return &it;
    return nullptr;
  }

  SqlType parse_type(std::size_t& i, std::size_t b) const {
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

  std::string var_value(const Token& v) const {
    if (iequals(v.text, "@@VERSION")) return sql_string(version_string());
    if (iequals(v.text, "@@SPID")) return std::to_string(info_.spid);
    if (iequals(v.text, "@@SERVERNAME")) return sql_string("TDS_TEST_SERVER");
    if (iequals(v.text, "@@TRANCOUNT")) return "0";
    if (iequals(v.text, "@@LANGUAGE")) return sql_string("us_english");
    throw SqlError(137, "Must declare the scalar variable \"" + v.text + "\".", 15);
  }

  std::string expr(std::size_t a, std::size_t b, Ctx ctx) const;
  std::string call(std::size_t i, std::size_t close, Ctx ctx) const;
  std::string convert(const SqlType& to, std::size_t a, std::size_t b) const;
  ResultColumn infer(std::size_t a, std::size_t b) const;
  void parse_from(std::size_t& i);
};

std::string Translator::convert(const SqlType& to, std::size_t a, std::size_t b) const {
  const std::string inner = expr(a, b, Ctx::Select);
  if (is_name(a)) {
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
    const std::size_t stop = find_top(j + 1, close, [](const Token& t) { return is_op(t, ","); });
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
  auto emit = [&](const std::string& s) {
    if (!out.empty() && s != ")" && s != "," && out.back() != '(') out += ' ';
    out += s;
  };
  for (std::size_t i = a; i < b;) {
    const Token& k = t_[i];
    switch (k.kind) {
      case K::Op:
        if (k.text == "." || k.text == ";") syntax(i);
        emit(k.text == "!<" ? ">=" : k.text == "!>" ? "<=" : k.text);
        ++i;
        break;
      case K::Number: {
        const bool integer = k.text.find_first_of(".eE") == std::string::npos;
        // WHERE: a string literal, so SQLite converts it to the column's affinity without REAL.
        emit(ctx == Ctx::Where || (ctx == Ctx::Select && !integer) ? sql_string(k.text) : k.text);
        ++i;
        break;
      }
      case K::String:
        emit(sql_string(k.text));
        ++i;
        break;
      case K::Var:
        emit(var_value(k));
        ++i;
        break;
      case K::Word:
        if (is_word(k, "COLLATE")) {
          if (i + 1 >= b || !is_name(i + 1)) syntax(i + 1);
          emit(collate_clause(t_[i + 1].text));
          i += 2;
          break;
        }
        if (is_expr_keyword(k)) {
          if (is_word(k, "AS") || is_word(k, "FROM") || is_word(k, "WHERE") || is_word(k, "ORDER") ||
              is_word(k, "BY"))
            syntax(i);
          std::string up = k.text;
          for (char& c : up) c = char(std::toupper(static_cast<unsigned char>(c)));
          emit(up);
          ++i;
          break;
        }
        if (i + 1 < b && is_op(t_[i + 1], "(")) {
          const std::size_t close = close_of(i + 1, b);
          emit(call(i, close, ctx));
          i = close + 1;
          break;
        }
        [[fallthrough]];
      case K::Quoted: {
        const ColRef r = column_ref(i, b, ctx);
        const bool explicit_collate = r.next < b && is_word(t_[r.next], "COLLATE");
        if (!r.col) {  // ORDER BY a select-list alias: order by that item's expression
          const Item* it = alias_item(t_[i].text);
          emit(expr(it->a, it->b, Ctx::Order));
        } else {
          emit(quote_ident(r.col->name) + (ctx != Ctx::Select && !explicit_collate ? implicit_collation(*r.col) : ""));
        }
        i = r.next;
        break;
      }
    }
  }
  if (out.empty()) syntax(b);
  return out;
}

ResultColumn Translator::infer(std::size_t a, std::size_t b) const {
  ResultColumn rc;
  rc.computed = true;
  rc.nullable = true;
  rc.collation = default_collation();
  auto typed = [&](const char* spelled) {
    rc.type = *parse_sql_type(spelled);
    return rc;
  };
  const Token& k = t_[a];
  if (b - a == 1) {
    if (k.kind == K::Number) {
      if (k.text.find_first_of("eE") != std::string::npos) return typed("float");
      const std::size_t dot = k.text.find('.');
      if (dot == std::string::npos) {
        if (k.text.size() < 10 || (k.text.size() == 10 && k.text <= "2147483647")) {
          rc.nullable = false;
          return typed("int");
        }
        return typed(("numeric(" + std::to_string(std::min<std::size_t>(38, k.text.size())) + ",0)").c_str());
      }
      const std::size_t frac = k.text.size() - dot - 1;
      const std::size_t p = std::max<std::size_t>(1, std::min<std::size_t>(38, k.text.size() - 1));
      return typed(("numeric(" + std::to_string(std::max(p, frac)) + "," + std::to_string(frac) + ")").c_str());
    }
    if (k.kind == K::String) {
      Bytes tmp;
      const std::size_t units = append_utf16le(tmp, k.text);
      const std::size_t n = std::max<std::size_t>(1, k.national ? units : k.text.size());
      return typed(((k.national ? "nvarchar(" : "varchar(") + std::to_string(std::min<std::size_t>(n, 4000)) + ")").c_str());
    }
    if (is_word(k, "NULL")) return typed("int");
    if (k.kind == K::Var) {
      if (iequals(k.text, "@@SPID")) return typed("smallint");
      if (iequals(k.text, "@@TRANCOUNT")) return typed("int");
      return typed("nvarchar(300)");
    }
  }
  if (is_name(a) && !(a + 1 < b && is_op(t_[a + 1], "("))) {
    const ColRef r = column_ref(a, b, Ctx::Select);
    if (r.next == b && r.col) return *r.col;
  }
  if (k.kind == K::Word && a + 1 < b && is_op(t_[a + 1], "(") && close_of(a + 1, b) == b - 1) {
    const std::string name = lower(k.text);
    const std::size_t close = b - 1;
    if (name == "convert") {
      std::size_t j = a + 2;
      rc.type = parse_type(j, close);
      return rc;
    }
    if (name == "cast") {
      std::size_t j = find_top(a + 2, close, [](const Token& t) { return is_word(t, "AS"); }) + 1;
      rc.type = parse_type(j, close);
      return rc;
    }
    if (name == "count") return rc.nullable = false, typed("int");
    if (name == "count_big") return rc.nullable = false, typed("bigint");
    if (name == "len") return typed("int");
    if ((name == "min" || name == "max" || name == "upper" || name == "lower" || name == "abs" ||
         name == "isnull" || name == "coalesce") && close > a + 2) {
      const std::size_t stop = find_top(a + 2, close, [](const Token& t) { return is_op(t, ","); });
      ResultColumn inner = infer(a + 2, stop);
      inner.computed = true;
      inner.nullable = true;
      inner.name.clear();
      return inner;
    }
  }
  return typed("nvarchar(4000)");
}

void Translator::parse_from(std::size_t& i) {
  std::vector<std::string> parts;
  if (!is_name(i)) syntax(i);
  parts.push_back(t_[i++].text);
  while (op_at(i, ".")) {
    if (op_at(i + 1, ".")) {  // db..table: the default schema
      parts.push_back("");
      ++i;
      continue;
    }
    if (!is_name(i + 1)) syntax(i + 1);
    parts.push_back(t_[i + 1].text);
    i += 2;
  }
  if (parts.size() > 4) syntax(i);
  std::string written;
  for (std::size_t k = 0; k < parts.size(); ++k) written += (k ? "." : "") + parts[k];
  const std::string name = parts.back();
  const std::string schema = parts.size() >= 2 ? parts[parts.size() - 2] : "";
  table_ = cat_.find(schema, name);
  if (!table_) throw SqlError(208, "Invalid object name '" + written + "'.");
  // Table hints change nothing here: WITH (NOLOCK), (NOLOCK).
  if (word_at(i, "WITH") && op_at(i + 1, "(")) i = close_of(i + 1, end_) + 1;
  else if (op_at(i, "(")) i = close_of(i, end_) + 1;
  if (word_at(i, "AS")) ++i;
  if (is_name(i)) alias_ = t_[i++].text;
}

Query Translator::run() {
  Query q;
  std::size_t i = 1;
  bool distinct = false;
  std::optional<std::string> top;
  if (word_at(i, "DISTINCT")) distinct = true, ++i;
  else if (word_at(i, "ALL")) ++i;
  if (word_at(i, "TOP")) {
    ++i;
    const bool paren = op_at(i, "(");
    if (paren) ++i;
    if (i >= end_ || t_[i].kind != K::Number || t_[i].text.find_first_of(".eE") != std::string::npos) syntax(i);
    top = t_[i++].text;
    if (paren) {
      if (!op_at(i, ")")) syntax(i);
      ++i;
    }
  }
  const std::size_t list_a = i;
  const std::size_t list_b = find_top(i, end_, [](const Token& t) {
    return is_word(t, "FROM") || is_word(t, "WHERE") || is_word(t, "ORDER");
  });
  if (list_a == list_b) syntax(list_b);
  i = list_b;
  if (word_at(i, "FROM")) {
    ++i;
    parse_from(i);
    q.uses_information_schema = table_->information_schema;
  }
  std::size_t where_a = 0, where_b = 0, order_a = 0;
  if (word_at(i, "WHERE")) {
    where_a = i + 1;
    where_b = find_top(where_a, end_, [](const Token& t) { return is_word(t, "ORDER"); });
    if (where_a == where_b) syntax(where_b);
    i = where_b;
  }
  if (word_at(i, "ORDER")) {
    if (!word_at(i + 1, "BY")) syntax(i + 1);
    order_a = i + 2;
    i = end_;
  }
  if (i != end_) syntax(i);

  // The select list: columns with their SQL Server types, then SQLite expressions.
  std::string list;
  for (auto [a, b] : split_commas(list_a, list_b)) {
    std::string alias;
    if ((b - a == 1 && is_op(t_[a], "*")) || (b - a == 3 && is_name(a) && is_op(t_[a + 1], ".") && is_op(t_[a + 2], "*"))) {
      if (!table_) throw SqlError(263, "Must specify table to select from.");
      for (const ResultColumn& c : table_->columns) {
        q.columns.push_back(c);
        list += (list.empty() ? "" : ", ") + quote_ident(c.name);
      }
      continue;
    }
    if (b - a >= 3 && is_word(t_[b - 2], "AS") &&
        (t_[b - 1].kind == K::String || is_name(b - 1))) {
      alias = t_[b - 1].text;
      b -= 2;
    } else if (b - a >= 2 && is_name(b - 1) && !is_op(t_[b - 2], ".") && !is_word(t_[b - 2], "COLLATE") &&
               (is_op(t_[b - 2], ")") || is_name(b - 2) || t_[b - 2].kind == K::Number ||
                t_[b - 2].kind == K::String || t_[b - 2].kind == K::Var)) {
      alias = t_[b - 1].text;
      b -= 1;
    }
    std::optional<Collation> coll;
    std::size_t vb = b;
    if (b - a >= 3 && is_word(t_[b - 2], "COLLATE")) {
      coll = find_collation(t_[b - 1].text);
      if (!coll) throw SqlError(448, "Invalid collation '" + t_[b - 1].text + "'.");
      vb = b - 2;
    }
    ResultColumn rc = infer(a, vb);
    if (!alias.empty()) rc.name = alias;
    else if (rc.computed) rc.name.clear();
    if (coll && rc.type.is_string()) rc.collation = *coll;
    q.columns.push_back(rc);
    items_.push_back({a, b, alias});
    list += (list.empty() ? "" : ", ") + expr(a, b, Ctx::Select);
  }

  std::string sql = std::string("SELECT ") + (distinct ? "DISTINCT " : "") + list;
  if (table_) sql += " FROM " + quote_ident(table_->sqlite_name);
  if (where_b > where_a) sql += " WHERE " + expr(where_a, where_b, Ctx::Where);
  if (order_a) {
    std::string order;
    for (auto [a, b] : split_commas(order_a, end_)) {
      std::string dir;
      if (is_word(t_[b - 1], "ASC") || is_word(t_[b - 1], "DESC")) dir = is_word(t_[b - 1], "ASC") ? " ASC" : " DESC", --b;
      if (b == a) syntax(a);
      const std::string e = (b - a == 1 && t_[a].kind == K::Number) ? t_[a].text : expr(a, b, Ctx::Order);
      order += (order.empty() ? "" : ", ") + e + dir;
    }
    sql += " ORDER BY " + order;
  }
  if (top) sql += " LIMIT " + *top;
  q.sqlite_sql = std::move(sql);
  return q;
}

}  // namespace

std::string version_string() {
  return "Microsoft SQL Server 2017 (RTM-CU31) (KB5016884) - 14.0.3456.2 (X64) \n"
         "\tCopyright (C) 2017 Microsoft Corporation\n"
         "\trecon tds_test_server: a TDS 7.4 test peer serving a SQLite fixture, not SQL Server";
}

Query translate_select(const Statement& st, const Catalog& catalog, const SessionInfo& info) {
  return Translator(st, catalog, info).run();
}

}  // namespace tds_test

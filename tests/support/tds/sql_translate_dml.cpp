// Binding and translating INSERT, UPDATE and DELETE of the fix-up subset to SQLite: the target
// table, the column list, the constants assigned (converted to each column's type and storage
// form, then bound as parameters) and the WHERE condition, translated as a SELECT's is
// (sql_translate_expr.cpp). INSERT … SELECT takes constants and an optional [NOT] EXISTS
// (subquery), the guard `recon apply` writes.
#include <algorithm>

#include "sql_translate.hpp"

namespace tds_test {
namespace translation {
namespace {

[[noreturn]] void assigned_twice(const ResultColumn& c) {
  throw SqlError(264, "The column name '" + c.name +
                          "' is specified more than once in the SET clause or column list of an INSERT. A column "
                          "cannot be assigned more than one value in the same clause. Modify the clause to make "
                          "sure that a column is updated only once.");
}

}  // namespace

Dml Translator::run_dml() {
  Dml d;
  d.kind = kind_;
  Assignments pending;
  switch (kind_) {
    case Statement::Kind::Insert: dml_insert(d, pending); break;
    case Statement::Kind::Update: dml_update(d, pending); break;
    case Statement::Kind::Delete: dml_delete(d); break;
    default: syntax(0);
  }
  d.table = table_;
  // Conversions are run-time errors: only once the whole statement has bound.
  const Target where = target(kind_ == Statement::Kind::Insert ? "INSERT" : "UPDATE");
  for (const auto& [col, value] : pending) d.params.push_back(store_value(value, *col, where));
  if (kind_ == Statement::Kind::Insert)
    for (const ResultColumn& c : table_->columns)
      if (!c.nullable && std::none_of(pending.begin(), pending.end(), [&](const auto& p) { return p.first == &c; }))
        store_value(Literal{}, c, where);  // a NOT NULL column left out: 515
  return d;
}

void Translator::target_table(std::size_t& i) {
  table_ = table_name(i);
  if (table_->view || table_->information_schema)
    throw SqlError(4406, "Update or insert of view or function '" + table_->schema + "." + table_->name +
                             "' failed: tds_test_server writes to tables only.");
  if (word_at(i, "WITH") && op_at(i + 1, "(")) i = close_of(i + 1, end_) + 1;  // hints: ROWLOCK, …
}

Target Translator::target(const char* statement) const {
  return Target{info_.database + "." + table_->schema + "." + table_->name, statement};
}

std::size_t Translator::literal(std::size_t i, std::size_t b, Literal& out) const {
  if (i >= b) syntax(i);
  const Token& k = t_[i];
  out = Literal{};
  if (is_word(k, "NULL")) return i + 1;
  if (unary_sign_at(i) && i + 1 < b) {
    out.kind = Literal::Kind::Number;
    out.text = (k.text == "-" ? "-" : "") + t_[i + 1].text;
    return i + 2;
  }
  switch (k.kind) {
    case K::Number: out.kind = Literal::Kind::Number, out.text = k.text; return i + 1;
    case K::String: out.kind = Literal::Kind::String, out.text = k.text, out.national = k.national; return i + 1;
    case K::Hex: out.kind = Literal::Kind::Binary, out.text = hex_bytes(k.text); return i + 1;
    case K::Word:
      if ((is_word(k, "CAST") || is_word(k, "CONVERT")) && i + 1 < b && is_op(t_[i + 1], "(")) return cast_call(i, b, out);
      break;
    default: break;
  }
  syntax(i);
}

/// CAST(constant AS type) or CONVERT(type, constant[, style]) at i.
std::size_t Translator::cast_call(std::size_t i, std::size_t b, Literal& out) const {
  const std::size_t close = close_of(i + 1, b);
  Literal inner;
  std::size_t j = i + 2;
  SqlType to;
  if (is_word(t_[i], "CAST")) {
    j = literal(j, close, inner);
    if (!word_at(j, "AS")) syntax(j);
    ++j;
    to = parse_type(j, close);
  } else {
    to = parse_type(j, close);
    if (!op_at(j, ",")) syntax(j);
    j = literal(j + 1, close, inner);
    if (op_at(j, ",") && j + 1 < close && t_[j + 1].kind == K::Number) j += 2;  // a style changes nothing here
  }
  if (j != close) syntax(j);
  out = cast_literal(inner, to);
  return close + 1;
}

std::string Translator::where_clause(std::size_t i) const {
  if (i == end_) return "";
  if (!word_at(i, "WHERE")) syntax(i);
  if (i + 1 == end_) syntax(end_);
  return " WHERE " + expr(i + 1, end_, Ctx::Where);
}

void Translator::dml_update(Dml& d, Assignments& pending) {
  std::size_t i = 1;
  target_table(i);
  if (!word_at(i, "SET")) syntax(i);
  const std::size_t set_end = find_top(i + 1, end_, [](const Token& t) { return is_word(t, "WHERE"); });
  std::string set;
  for (auto [a, b] : split_commas(i + 1, set_end)) {
    if (!is_name(a)) syntax(a);
    const ColRef r = column_ref(a, b, Ctx::Select);
    if (r.next >= b || !is_op(t_[r.next], "=")) syntax(r.next);
    Literal value;
    if (const std::size_t after = literal(r.next + 1, b, value); after != b) syntax(after);
    for (const auto& p : pending)
      if (p.first == r.col) assigned_twice(*r.col);
    pending.emplace_back(r.col, value);
    set += (set.empty() ? "" : ", ") + quote_ident(r.col->name) + " = ?";
  }
  d.sqlite_sql = "UPDATE " + quote_ident(table_->sqlite_name) + " SET " + set + where_clause(set_end);
}

void Translator::dml_delete(Dml& d) {
  std::size_t i = 1;
  if (word_at(i, "FROM")) ++i;
  target_table(i);
  d.sqlite_sql = "DELETE FROM " + quote_ident(table_->sqlite_name) + where_clause(i);
}

void Translator::dml_insert(Dml& d, Assignments& pending) {
  std::size_t i = 1;
  if (word_at(i, "INTO")) ++i;
  target_table(i);
  const std::vector<const ResultColumn*> cols = insert_columns(i);
  std::string rows;
  if (word_at(i, "VALUES")) rows = insert_values(i, cols, pending);
  else if (word_at(i, "SELECT")) rows = insert_select(i, cols, pending);
  else syntax(i);
  std::string names;
  for (const ResultColumn* c : cols) names += (names.empty() ? "" : ", ") + quote_ident(c->name);
  d.sqlite_sql = "INSERT INTO " + quote_ident(table_->sqlite_name) + " (" + names + ") " + rows;
}

/// The column list at i (every column in order when there is none).
std::vector<const ResultColumn*> Translator::insert_columns(std::size_t& i) const {
  std::vector<const ResultColumn*> cols;
  if (!op_at(i, "(")) {
    for (const ResultColumn& c : table_->columns) cols.push_back(&c);
    return cols;
  }
  const std::size_t close = close_of(i, end_);
  for (auto [a, b] : split_commas(i + 1, close)) {
    if (!is_name(a)) syntax(a);
    const ColRef r = column_ref(a, b, Ctx::Select);
    if (r.next != b) syntax(r.next);
    if (std::find(cols.begin(), cols.end(), r.col) != cols.end()) assigned_twice(*r.col);
    cols.push_back(r.col);
  }
  i = close + 1;
  return cols;
}

/// VALUES (…)[, (…)]… to the end of the statement.
std::string Translator::insert_values(std::size_t& i, const std::vector<const ResultColumn*>& cols,
                                      Assignments& pending) const {
  std::string sql = "VALUES ";
  for (++i;; ++i) {
    if (!op_at(i, "(")) syntax(i);
    const std::size_t close = close_of(i, end_);
    const auto items = split_commas(i + 1, close);
    if (items.size() != cols.size())
      throw SqlError(items.size() < cols.size() ? 109 : 110,
                     std::string("There are ") + (items.size() < cols.size() ? "more" : "fewer") +
                         " columns in the INSERT statement than values specified in the VALUES clause. The number "
                         "of values in the VALUES clause must match the number of columns specified in the INSERT "
                         "statement.");
    sql += sql.back() == ' ' ? "(" : ", (";
    for (std::size_t k = 0; k < items.size(); ++k) {
      Literal value;
      if (const std::size_t after = literal(items[k].first, items[k].second, value); after != items[k].second)
        syntax(after);
      pending.emplace_back(cols[k], value);
      sql += k ? ", ?" : "?";
    }
    sql += ")";
    i = close + 1;
    if (!op_at(i, ",")) break;
  }
  if (i != end_) syntax(i);
  return sql;
}

/// SELECT constants [WHERE [NOT] EXISTS (SELECT …)] to the end of the statement.
std::string Translator::insert_select(std::size_t& i, const std::vector<const ResultColumn*>& cols,
                                      Assignments& pending) const {
  const std::size_t list_b =
      find_top(i + 1, end_, [](const Token& t) { return is_word(t, "WHERE") || is_word(t, "FROM"); });
  if (word_at(list_b, "FROM"))
    throw SqlError(50000, "tds_test_server: INSERT … SELECT takes constants only (no FROM); write INSERT … VALUES "
                          "or INSERT … SELECT <constants> WHERE NOT EXISTS (…).");
  const auto items = split_commas(i + 1, list_b);
  if (items.size() != cols.size())
    throw SqlError(items.size() < cols.size() ? 120 : 121,
                   std::string("The select list for the INSERT statement contains ") +
                       (items.size() < cols.size() ? "fewer" : "more") +
                       " items than the insert list. The number of SELECT values must match the number of INSERT "
                       "columns.");
  std::string sql = "SELECT ";
  for (std::size_t k = 0; k < items.size(); ++k) {
    Literal value;
    if (const std::size_t after = literal(items[k].first, items[k].second, value); after != items[k].second)
      syntax(after);
    pending.emplace_back(cols[k], value);
    sql += k ? ", ?" : "?";
  }
  i = list_b;
  if (word_at(i, "WHERE")) {
    std::size_t j = i + 1;
    const bool negated = word_at(j, "NOT");
    if (negated) ++j;
    if (!word_at(j, "EXISTS") || !op_at(j + 1, "(")) syntax(j);
    const std::size_t close = close_of(j + 1, end_);
    if (!word_at(j + 2, "SELECT")) syntax(j + 2);
    const Statement inner{Statement::Kind::Select, std::vector<Token>(t_.begin() + long(j + 2), t_.begin() + long(close))};
    sql += std::string(" WHERE ") + (negated ? "NOT " : "") + "EXISTS (" + translate_select(inner, cat_, info_).sqlite_sql + ")";
    i = close + 1;
  }
  if (i != end_) syntax(i);
  return sql;
}

}  // namespace translation

Dml translate_dml(const Statement& st, const Catalog& catalog, const SessionInfo& info) {
  return translation::Translator(st, catalog, info).run_dml();
}

}  // namespace tds_test

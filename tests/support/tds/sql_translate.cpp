// Binding and translating one SELECT of the T-SQL subset to SQLite: the clauses, the FROM table,
// the select list with the SQL Server type of each column, WHERE, ORDER BY and TOP. Expressions
// are translated by sql_translate_expr.cpp.
#include <algorithm>

#include "sql_translate.hpp"

namespace tds_test {
namespace translation {
namespace {

ResultColumn computed_column(const SqlType& type, bool nullable = true) {
  ResultColumn rc;
  rc.computed = true;
  rc.nullable = nullable;
  rc.collation = default_collation();
  rc.type = type;
  return rc;
}
ResultColumn computed_column(const std::string& spelled, bool nullable = true) {
  return computed_column(*parse_sql_type(spelled), nullable);
}

/// int when it fits, else numeric(p,s) as SQL Server types a literal; float with an exponent.
ResultColumn infer_number(const std::string& text) {
  if (text.find_first_of("eE") != std::string::npos) return computed_column("float");
  const std::size_t dot = text.find('.');
  if (dot == std::string::npos) {
    if (text.size() < 10 || (text.size() == 10 && text <= "2147483647")) return computed_column("int", false);
    return computed_column("numeric(" + std::to_string(std::min<std::size_t>(38, text.size())) + ",0)");
  }
  const std::size_t frac = text.size() - dot - 1;
  const std::size_t p = std::max<std::size_t>(1, std::min<std::size_t>(38, text.size() - 1));
  return computed_column("numeric(" + std::to_string(std::max(p, frac)) + "," + std::to_string(frac) + ")");
}

/// The type of a literal, NULL or @@variable standing alone; nullopt for any other token.
std::optional<ResultColumn> infer_token(const Token& k) {
  if (k.kind == K::Number) return infer_number(k.text);
  if (k.kind == K::String) {
    Bytes tmp;
    const std::size_t units = append_utf16le(tmp, k.text);
    const std::size_t n = std::max<std::size_t>(1, k.national ? units : k.text.size());
    return computed_column((k.national ? "nvarchar(" : "varchar(") + std::to_string(std::min<std::size_t>(n, 4000)) + ")");
  }
  if (is_word(k, "NULL")) return computed_column("int");
  if (k.kind == K::Hex)
    return computed_column("varbinary(" + std::to_string(std::max<std::size_t>(1, (k.text.size() + 1) / 2)) + ")");
  if (k.kind == K::Var) {
    if (iequals(k.text, "@@SPID")) return computed_column("smallint");
    if (iequals(k.text, "@@TRANCOUNT")) return computed_column("int");
    return computed_column("nvarchar(300)");
  }
  return std::nullopt;
}

}  // namespace

/// The SQL Server column a select-list expression returns.
ResultColumn Translator::infer(std::size_t a, std::size_t b) const {
  if (b - a == 1)
    if (auto literal = infer_token(t_[a])) return *literal;
  const bool is_call = a + 1 < b && is_op(t_[a + 1], "(");
  if (is_name(a) && !is_call) {
    const ColRef r = column_ref(a, b, Ctx::Select);
    if (r.next == b && r.col) return *r.col;
  }
  if (t_[a].kind == K::Word && is_call && close_of(a + 1, b) == b - 1)
    if (auto result = infer_call(a, b - 1)) return *result;
  return computed_column("nvarchar(4000)");
}

/// The type of a function call spanning [a, close]; nullopt when the function gives no hint.
std::optional<ResultColumn> Translator::infer_call(std::size_t a, std::size_t close) const {
  const std::string name = lower(t_[a].text);
  if (name == "convert") {
    std::size_t j = a + 2;
    return computed_column(parse_type(j, close));
  }
  if (name == "cast") {
    std::size_t j = find_top(a + 2, close, [](const Token& t) { return is_word(t, "AS"); }) + 1;
    return computed_column(parse_type(j, close));
  }
  if (name == "count") return computed_column("int", false);
  if (name == "count_big") return computed_column("bigint", false);
  if (name == "len" || name == "object_id" || name == "columnproperty") return computed_column("int");
  if (const auto type = doctor_function_type(name)) return computed_column(*type);
  if ((name == "min" || name == "max" || name == "upper" || name == "lower" || name == "abs" ||
       name == "isnull" || name == "coalesce") && close > a + 2) {
    ResultColumn inner = infer(a + 2, find_top_comma(a + 2, close));
    inner.computed = true;
    inner.nullable = true;
    inner.name.clear();
    return inner;
  }
  return std::nullopt;
}

void Translator::parse_from(std::size_t& i) {
  if (histogram_call_at(i)) histogram_call(i);
  else table_ = table_name(i);
  // SQL Server's dynamic management views need VIEW DATABASE STATE (access.hpp).
  if (table_->system_view && iequals(table_->name, "dm_db_partition_stats") &&
      !cat_.access().has_permission("", "VIEW DATABASE STATE"))
    throw SqlError(297, "The user does not have permission to perform this action.");
  // Table hints change nothing here: WITH (NOLOCK), (NOLOCK), WITH (UPDLOCK, HOLDLOCK).
  if (word_at(i, "WITH") && op_at(i + 1, "(")) i = close_of(i + 1, end_) + 1;
  else if (op_at(i, "(")) i = close_of(i, end_) + 1;
  if (word_at(i, "AS")) ++i;
  if (is_name(i) && !word_at(i, "TABLESAMPLE")) alias_ = t_[i++].text;
  if (word_at(i, "TABLESAMPLE")) {
    tablesample(i);
    if (word_at(i, "WITH") && op_at(i + 1, "(")) i = close_of(i + 1, end_) + 1;  // T-SQL puts hints last
  }
}

const Table* Translator::table_name(std::size_t& i) const {
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
  const Table* table = cat_.find(schema, name);
  if (!table) throw SqlError(208, "Invalid object name '" + written + "'.");
  return table;
}

/// TOP n or TOP (n) at i.
std::optional<std::string> Translator::parse_top(std::size_t& i) const {
  if (!word_at(i, "TOP")) return std::nullopt;
  ++i;
  const bool paren = op_at(i, "(");
  if (paren) ++i;
  if (i >= end_ || t_[i].kind != K::Number || t_[i].text.find_first_of(".eE") != std::string::npos) syntax(i);
  std::string top = t_[i++].text;
  if (paren) {
    if (!op_at(i, ")")) syntax(i);
    ++i;
  }
  return top;
}

/// Finds the clauses and binds the FROM table, so an unknown table fails before its columns.
Translator::Clauses Translator::parse_clauses(Query& q) {
  Clauses c;
  std::size_t i = 1;
  if (word_at(i, "DISTINCT")) c.distinct = true, ++i;
  else if (word_at(i, "ALL")) ++i;
  c.top = parse_top(i);
  c.list_a = i;
  c.list_b = find_top(i, end_, [](const Token& t) {
    return is_word(t, "FROM") || is_word(t, "WHERE") || is_word(t, "ORDER");
  });
  if (c.list_a == c.list_b) syntax(c.list_b);
  i = c.list_b;
  if (word_at(i, "FROM")) {
    ++i;
    parse_from(i);
    q.uses_information_schema = table_->information_schema;
  }
  if (word_at(i, "WHERE")) {
    c.where_a = i + 1;
    c.where_b = find_top(c.where_a, end_, [](const Token& t) { return is_word(t, "ORDER"); });
    if (c.where_a == c.where_b) syntax(c.where_b);
    i = c.where_b;
  }
  if (word_at(i, "ORDER")) {
    if (!word_at(i + 1, "BY")) syntax(i + 1);
    c.order_a = i + 2;
    i = end_;
  }
  if (i != end_) syntax(i);
  return c;
}

/// The alias of the select-list item [a, b) (`expr AS name`, `expr name`), with b moved before it.
std::string Translator::split_alias(std::size_t a, std::size_t& b) const {
  if (b - a >= 3 && is_word(t_[b - 2], "AS") && (t_[b - 1].kind == K::String || is_name(b - 1))) {
    std::string alias = t_[b - 1].text;
    b -= 2;
    return alias;
  }
  if (b - a >= 2 && is_name(b - 1) && !is_op(t_[b - 2], ".") && !is_word(t_[b - 2], "COLLATE") &&
      (is_op(t_[b - 2], ")") || is_name(b - 2) || t_[b - 2].kind == K::Number || t_[b - 2].kind == K::String ||
       t_[b - 2].kind == K::Var)) {
    std::string alias = t_[b - 1].text;
    b -= 1;
    return alias;
  }
  return "";
}

/// The select list: columns with their SQL Server types into q, and the SQLite expressions.
std::string Translator::select_list(std::size_t list_a, std::size_t list_b, Query& q) {
  std::string list;
  for (auto [a, b] : split_commas(list_a, list_b)) {
    if ((b - a == 1 && is_op(t_[a], "*")) || (b - a == 3 && is_name(a) && is_op(t_[a + 1], ".") && is_op(t_[a + 2], "*"))) {
      if (!table_) throw SqlError(263, "Must specify table to select from.");
      for (const ResultColumn& c : table_->columns) {
        q.columns.push_back(c);
        list += (list.empty() ? "" : ", ") + quote_ident(c.name);
      }
      continue;
    }
    const std::string alias = split_alias(a, b);
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
    // A CAST of a constant is converted here, with SQL Server's rules, and bound as a value.
    if (auto bound = cast_constant(a, vb)) {
      q.params.push_back(std::move(*bound));
      list += (list.empty() ? "" : ", ") + std::string("?");
    } else {
      list += (list.empty() ? "" : ", ") + expr(a, b, Ctx::Select);
    }
  }
  return list;
}

/// ORDER BY items from `a` to the end: expressions, select-list aliases or column ordinals.
std::string Translator::order_by(std::size_t order_a) const {
  std::string order;
  for (auto [a, b] : split_commas(order_a, end_)) {
    std::string dir;
    if (is_word(t_[b - 1], "ASC") || is_word(t_[b - 1], "DESC")) dir = is_word(t_[b - 1], "ASC") ? " ASC" : " DESC", --b;
    if (b == a) syntax(a);
    const std::string e = (b - a == 1 && t_[a].kind == K::Number) ? t_[a].text : expr(a, b, Ctx::Order);
    order += (order.empty() ? "" : ", ") + e + dir;
  }
  return order;
}

Query Translator::run() {
  Query q;
  const Clauses c = parse_clauses(q);
  const std::string list = select_list(c.list_a, c.list_b, q);
  std::string sql = std::string("SELECT ") + (c.distinct ? "DISTINCT " : "") + list;
  if (table_) sql += " FROM " + from_sql();
  const std::string where = c.where_b > c.where_a ? expr(c.where_a, c.where_b, Ctx::Where) : "";
  const std::string terms = read_terms();
  if (!terms.empty()) sql += " WHERE " + terms + (where.empty() ? "" : " AND (" + where + ")");
  else if (!where.empty()) sql += " WHERE " + where;
  if (c.order_a) sql += " ORDER BY " + order_by(c.order_a);
  if (c.top) sql += " LIMIT " + *c.top;
  q.sqlite_sql = std::move(sql);
  q.reads = reads();
  if (table_) q.object = table_->schema + "." + table_->name;
  return q;
}

}  // namespace translation

Query translate_select(const Statement& st, const Catalog& catalog, const SessionInfo& info) {
  return translation::Translator(st, catalog, info).run();
}

}  // namespace tds_test

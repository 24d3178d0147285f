// Guarded repair statements. See guarded_sql.hpp and docs/repair.md.
#include "recon/repair/guarded_sql.hpp"

#include <algorithm>
#include <stdexcept>

#include "recon/connector/connector.hpp"

namespace recon::repair {

namespace {

std::vector<canon::ValueView> decode_all(std::string_view buf) {
  std::vector<canon::ValueView> out;
  std::size_t pos = 0;
  while (pos < buf.size()) out.push_back(canon::read_value(buf, pos));
  return out;
}

LeftOut left_out_for(Action a) {
  switch (a) {
    case Action::Tolerate: return LeftOut::Tolerated;
    case Action::Report: return LeftOut::ReportOnly;
    case Action::Escalate: return LeftOut::Escalated;
    case Action::Fix: break;
  }
  return LeftOut::NothingToFix;
}

/// Compared-column indexes a changed row's UPDATE sets: the rules' fix_columns; a finding that no
/// rule decided (rule "", no rules configured) and that names none fixes every differing column,
/// or every column when the engine did not say which differ — the behaviour before rules existed.
std::vector<std::uint32_t> columns_to_set(const Divergence& d, std::size_t value_count) {
  if (!d.finding.fix_columns.empty() || !d.finding.rule.empty()) return d.finding.fix_columns;
  if (!d.columns.empty()) return d.columns;
  std::vector<std::uint32_t> all(value_count);
  for (std::size_t i = 0; i < value_count; ++i) all[i] = static_cast<std::uint32_t>(i);
  return all;
}

}  // namespace

/// A statement's text with its literals and, for PostgreSQL, the same statement with $n
/// placeholders and the values as parameters, built side by side.
struct SqlParts {
  explicit SqlParts(bool shaped) : shaped(shaped) {}
  bool shaped;  ///< build the shape too (false once a value cannot be a parameter)
  std::string text, shape;
  std::vector<std::optional<std::string>> params;

  SqlParts& operator+=(std::string_view s) {
    text += s;
    if (shaped) shape += s;
    return *this;
  }
  /// A value assigned to or compared with `column`; `typed`: the statement gives the parameter no
  /// type of its own (an INSERT … SELECT list), so it is cast to the column's type.
  void value(Dialect dialect, const ColumnInfo& column, const canon::ValueView& v, bool typed = false) {
    text += sql_literal(dialect, column, v);
    if (!shaped) return;
    std::string cast;
    if (typed) {
      cast = pg_param_type(column);
      if (cast.empty()) {
        shaped = false;  // no spelling of the type: the statement runs as text
        return;
      }
      cast = "::" + cast;
    }
    params.push_back(pg_param_text(v));
    shape += "$" + std::to_string(params.size()) + cast;
  }
  void finish(GuardedStatement& s) {
    s.sql = std::move(text);
    if (shaped) {
      s.shape = std::move(shape);
      s.params = std::move(params);
    }
  }
};

const char* statement_kind_name(StatementKind k) {
  switch (k) {
    case StatementKind::Delete: return "delete";
    case StatementKind::Update: return "update";
    case StatementKind::Insert: break;
  }
  return "insert";
}

const char* left_out_name(LeftOut why) {
  switch (why) {
    case LeftOut::Tolerated: return "tolerated";
    case LeftOut::ReportOnly: return "report-only";
    case LeftOut::Escalated: return "escalated";
    case LeftOut::NothingToFix: return "with no column to fix";
    case LeftOut::InFlight: return "in flight";
    case LeftOut::Suspended: return "suspended";
    case LeftOut::Converged: return "converged";
    case LeftOut::Withheld: break;
  }
  return "with personal data changed since recorded";
}

std::string GuardedStatement::file_line() const {
  std::string comment;
  for (std::size_t i = 0; i < unguarded.size(); ++i) comment += (i ? ", " : " -- unguarded: ") + unguarded[i];
  // A column name may hold a line break: inside a comment it would end the comment and turn the
  // rest of the name into SQL.
  for (char& c : comment)
    if (c == '\n' || c == '\r') c = ' ';
  return sql + ";" + comment + "\n";
}

GuardedSql::GuardedSql(const TableContext& ctx) : ctx_(ctx), dialect_(ctx.target_dialect) {
  table_sql_ = quote_table(dialect_, ctx.job ? ctx.job->target : TableRef{"", ctx.name});
  for (const auto& k : ctx.target_keys) key_idents_.push_back(quote_ident(dialect_, k.name));
  for (const auto& v : ctx.target_values) {
    value_idents_.push_back(quote_ident(dialect_, v.name));
    bool is_key = false;
    for (const auto& k : ctx.target_keys) is_key = is_key || k.name == v.name;
    value_is_key_.push_back(is_key);
  }
}

SelectColumn GuardedSql::target_select(std::size_t i) const {
  if (i < ctx_.select_values_target.size()) return ctx_.select_values_target[i];
  // A context built without read plans (tests, tools): the column compared as its own class.
  SelectColumn s;
  s.native = ctx_.target_values[i];
  s.compare_as = s.native.type_class.value_or(TypeClass::Text);
  s.single_float = s.native.single_float;
  s.trim_padding = s.native.padded_char;
  return s;
}

void GuardedSql::where_key(SqlParts& out, std::string_view key) const {
  const auto keys = decode_all(key);
  for (std::size_t i = 0; i < keys.size() && i < key_idents_.size(); ++i) {
    out += i ? " AND " : "";
    out += key_idents_[i];
    // Keys are never NULL by the connector contract; stay correct anyway (= NULL is never true).
    if (keys[i].is_null()) {
      out += " IS NULL";
      continue;
    }
    out += " = ";
    out.value(dialect_, ctx_.target_keys[i], keys[i]);
  }
}

void GuardedSql::guard(SqlParts& out, std::string_view values, std::vector<std::string>& unguarded,
                       const std::vector<std::uint32_t>* only) const {
  const auto vals = decode_all(values);
  for (std::size_t i = 0; i < vals.size() && i < value_idents_.size(); ++i) {
    if (value_is_key_[i]) continue;
    if (only && std::find(only->begin(), only->end(), i) == only->end()) continue;
    const SelectColumn column = target_select(i);
    if (auto why = unguardable(dialect_, column, vals[i])) {
      unguarded.push_back(value_idents_[i] + " (" + *why + ")");
      continue;
    }
    out += " AND ";
    out += value_idents_[i];
    if (vals[i].is_null()) {
      out += " IS NULL";
      continue;
    }
    const bool text = column.compare_as == TypeClass::Text;
    switch (dialect_) {
      // ::text COLLATE "C": bytewise also under a nondeterministic (case-insensitive) collation.
      case Dialect::Postgres:
        out += text ? "::text COLLATE \"C\" = " : " = ";
        out.value(dialect_, ctx_.target_values[i], vals[i]);
        break;
      case Dialect::Sqlite:
        out += " = ";
        out.value(dialect_, ctx_.target_values[i], vals[i]);
        out += text ? " COLLATE BINARY" : "";
        break;
      case Dialect::SqlServer:
        out += " = ";
        out.value(dialect_, ctx_.target_values[i], vals[i]);
        out += text ? " COLLATE Latin1_General_100_BIN2" : "";
        break;
      // Byte-wise also under a case- and accent-insensitive (and PAD SPACE) collation.
      case Dialect::Mysql:
        if (text) out += " IS NOT NULL AND CAST(" + value_idents_[i] + " AS BINARY)";
        out += " = ";
        out.value(dialect_, ctx_.target_values[i], vals[i]);
        break;
    }
  }
}

void GuardedSql::insert_tail(SqlParts& out, std::string_view key) const {
  if (dialect_ == Dialect::Mysql) out += " FROM DUAL";  // MySQL wants a FROM before a WHERE
  out += " WHERE NOT EXISTS (SELECT 1 FROM " + table_sql_;
  if (dialect_ == Dialect::SqlServer) out += " WITH (UPDLOCK, HOLDLOCK)";
  out += " WHERE ";
  where_key(out, key);
  out += ")";
  if (dialect_ == Dialect::Postgres) out += " ON CONFLICT DO NOTHING";
}

std::variant<GuardedStatement, LeftOut> GuardedSql::statement_for(const Divergence& d) const {
  switch (d.finding.status) {
    case Status::Open: break;
    case Status::Tolerated: return LeftOut::Tolerated;
    case Status::InFlight: return LeftOut::InFlight;
    case Status::Converged: return LeftOut::Converged;
    case Status::Suspended: return LeftOut::Suspended;
  }
  // Escalated rows are a person's decision, also when some of their columns' rules say fix.
  if (d.finding.action == Action::Escalate) return LeftOut::Escalated;
  if (d.values_withheld) return LeftOut::Withheld;  // a statement would write tokens
  if (d.category != Category::Changed && d.finding.action != Action::Fix) return left_out_for(d.finding.action);
  GuardedStatement s;
  s.key = d.key;
  SqlParts sql(dialect_ == Dialect::Postgres);
  switch (d.category) {
    case Category::MissingInSource:
      s.kind = StatementKind::Delete;
      sql += "DELETE FROM " + table_sql_ + " WHERE ";
      where_key(sql, d.key);
      guard(sql, d.target_values, s.unguarded);
      sql.finish(s);
      return s;
    case Category::Changed: {
      const auto src = decode_all(d.source_values);
      sql += "UPDATE " + table_sql_ + " SET ";
      for (std::uint32_t i : columns_to_set(d, src.size())) {
        if (i >= src.size() || i >= value_idents_.size() || value_is_key_[i]) continue;
        sql += (s.set_columns.empty() ? "" : ", ") + value_idents_[i] + " = ";
        sql.value(dialect_, ctx_.target_values[i], src[i]);
        s.set_columns.push_back(i);
      }
      if (s.set_columns.empty()) return left_out_for(d.finding.action);
      s.kind = StatementKind::Update;
      s.partly_fixed = !d.columns.empty() && s.set_columns.size() < d.columns.size();
      sql += " WHERE ";
      where_key(sql, d.key);
      guard(sql, d.target_values, s.unguarded);
      sql.finish(s);
      return s;
    }
    case Category::MissingInTarget: break;
  }
  const auto keys = decode_all(d.key);
  const auto src = decode_all(d.source_values);
  std::string cols;
  for (std::size_t i = 0; i < keys.size() && i < key_idents_.size(); ++i) cols += (i ? ", " : "") + key_idents_[i];
  for (std::size_t i = 0; i < src.size() && i < value_idents_.size(); ++i)
    if (!value_is_key_[i]) cols += ", " + value_idents_[i];
  sql += "INSERT INTO " + table_sql_ + " (" + cols + ") SELECT ";
  for (std::size_t i = 0; i < keys.size() && i < key_idents_.size(); ++i) {
    sql += i ? ", " : "";
    sql.value(dialect_, ctx_.target_keys[i], keys[i], true);
  }
  for (std::size_t i = 0; i < src.size() && i < value_idents_.size(); ++i) {
    if (value_is_key_[i]) continue;
    sql += ", ";
    sql.value(dialect_, ctx_.target_values[i], src[i], true);
  }
  insert_tail(sql, d.key);
  s.kind = StatementKind::Insert;
  sql.finish(s);
  return s;
}

GuardedStatement GuardedSql::undo_for(const GuardedStatement& applied, std::string_view source_values,
                                      const PreImage* pre) const {
  GuardedStatement u;
  u.key = applied.key;
  const auto pre_values = pre ? decode_all(pre->values) : std::vector<canon::ValueView>{};
  auto pre_value_of = [&](const std::string& name) -> const canon::ValueView* {
    for (std::size_t c = 0; pre && c < pre->columns.size() && c < pre_values.size(); ++c)
      if (pre->columns[c].name == name) return &pre_values[c];
    return nullptr;
  };
  switch (applied.kind) {
    case StatementKind::Update: {
      std::string set;
      for (std::uint32_t i : applied.set_columns) {
        const canon::ValueView* old = pre_value_of(ctx_.target_values[i].name);
        if (!old) continue;
        set += (set.empty() ? "" : ", ") + value_idents_[i] + " = " + sql_literal(dialect_, ctx_.target_values[i], *old);
      }
      if (set.empty()) throw std::invalid_argument("undo_for: the pre-image of " + table_sql_ + " lacks the columns the UPDATE set");
      u.kind = StatementKind::Update;
      u.set_columns = applied.set_columns;
      SqlParts sql(false);
      sql += "UPDATE " + table_sql_ + " SET " + set + " WHERE ";
      where_key(sql, applied.key);
      guard(sql, source_values, u.unguarded, &applied.set_columns);
      sql.finish(u);
      return u;
    }
    case StatementKind::Delete: {
      if (!pre) throw std::invalid_argument("undo_for: a DELETE of " + table_sql_ + " needs the row's pre-image");
      std::string cols, vals;
      for (std::size_t c = 0; pre && c < pre->columns.size() && c < pre_values.size(); ++c) {
        cols += (c ? ", " : "") + quote_ident(dialect_, pre->columns[c].name);
        vals += (c ? ", " : "") + sql_literal(dialect_, pre->columns[c], pre_values[c]);
      }
      u.kind = StatementKind::Insert;
      SqlParts sql(false);
      sql += "INSERT INTO " + table_sql_ + " (" + cols + ") SELECT " + vals;
      insert_tail(sql, applied.key);
      sql.finish(u);
      return u;
    }
    case StatementKind::Insert: break;
  }
  u.kind = StatementKind::Delete;
  SqlParts sql(false);
  sql += "DELETE FROM " + table_sql_ + " WHERE ";
  where_key(sql, applied.key);
  guard(sql, source_values, u.unguarded);
  sql.finish(u);
  return u;
}

std::vector<std::string> GuardedSql::lock_rows(const std::vector<std::string>& keys, std::size_t per_statement) const {
  std::vector<std::string> out;
  if (dialect_ == Dialect::Sqlite || keys.empty()) return out;
  if (per_statement == 0) per_statement = keys.size();
  const bool one_column = key_idents_.size() == 1;
  for (std::size_t start = 0; start < keys.size(); start += per_statement) {
    const std::size_t end = std::min(keys.size(), start + per_statement);
    std::string where;
    for (std::size_t k = start; k < end; ++k) {
      const auto parts = decode_all(keys[k]);
      if (one_column) {
        where += (k > start ? ", " : "") + sql_literal(dialect_, ctx_.target_keys[0], parts.at(0));
      } else {
        SqlParts one(false);
        where_key(one, keys[k]);
        where += (k > start ? " OR (" : "(") + one.text + ")";
      }
    }
    if (dialect_ == Dialect::SqlServer)
      out.push_back("SELECT 1 FROM " + table_sql_ + " WITH (UPDLOCK, HOLDLOCK) WHERE " +
                    (one_column ? key_idents_[0] + " IN (" + where + ")" : where));
    else
      out.push_back("SELECT 1 FROM " + table_sql_ + " WHERE " +
                    (one_column ? key_idents_[0] + " IN (" + where + ")" : where) + " FOR UPDATE");
  }
  return out;
}

std::string GuardedSql::script_begin() const {
  switch (dialect_) {
    case Dialect::SqlServer: return "SET XACT_ABORT ON;\nBEGIN TRANSACTION;\n";
    case Dialect::Postgres: return "BEGIN;\nSET LOCAL standard_conforming_strings = on;\n";
    // TIMESTAMP literals are UTC instants (sql_literal), as recon read them.
    case Dialect::Mysql: return "SET time_zone = '+00:00';\nSTART TRANSACTION;\n";
    case Dialect::Sqlite: break;
  }
  return "BEGIN;\n";
}

std::string GuardedSql::script_end() const {
  return dialect_ == Dialect::SqlServer ? "COMMIT TRANSACTION;\n" : "COMMIT;\n";
}

std::vector<std::string> GuardedSql::session_setup() const {
  switch (dialect_) {
    case Dialect::Postgres: return {"SET LOCAL standard_conforming_strings = on"};
    case Dialect::SqlServer: return {"SET XACT_ABORT ON"};
    case Dialect::Mysql: return {"SET time_zone = '+00:00'"};
    case Dialect::Sqlite: break;
  }
  return {};
}

}  // namespace recon::repair

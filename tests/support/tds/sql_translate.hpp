#pragma once
// Private to the translator: sql_translate.cpp binds a SELECT (clauses, FROM, select list and its
// SQL Server types), sql_translate_dml.cpp an INSERT / UPDATE / DELETE, sql_translate_expr.cpp
// turns expressions, function calls and column references into SQLite, sql_translate_sys.cpp the
// planning vocabulary (sys views, sys.dm_db_stats_histogram, OBJECT_ID, COLUMNPROPERTY,
// TABLESAMPLE).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dml_values.hpp"
#include "sql.hpp"

namespace tds_test::translation {

using K = Token::Kind;

inline bool is_word(const Token& t, const char* w) { return t.kind == K::Word && iequals(t.text, w); }
inline bool is_op(const Token& t, const char* o) { return t.kind == K::Op && t.text == o; }
/// A keyword that cannot name a column (AND, IS, FROM, ORDER, …).
bool is_expr_keyword(const Token& t);
/// The SQL Server type of a function doctor_call translates ("nvarchar(128)", "int",
/// "datetime2(7)"); nullopt for any other function. `name` is lowercase.
std::optional<std::string> doctor_function_type(const std::string& name);
/// A SQLite string literal / quoted identifier.
std::string sql_string(std::string_view s);
std::string quote_ident(std::string_view s);

/// Where an expression stands: column references get SQL Server's ordering collation in WHERE and
/// ORDER BY, and ORDER BY may name a select-list alias.
enum class Ctx { Select, Where, Order };

class Translator {
 public:
  Translator(const Statement& st, const Catalog& cat, const SessionInfo& info)
      : kind_(st.kind), t_(st.tokens), end_(st.tokens.size()), cat_(cat), info_(info) {}

  /// A SELECT.
  Query run();
  /// An INSERT, UPDATE or DELETE (sql_translate_dml.cpp).
  Dml run_dml();

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
  /// Token ranges of the statement's clauses (0 where a clause is absent).
  struct Clauses {
    bool distinct = false;
    std::optional<std::string> top;
    std::size_t list_a = 0, list_b = 0, where_a = 0, where_b = 0, order_a = 0;
  };

  Statement::Kind kind_;
  const std::vector<Token>& t_;
  std::size_t end_;
  const Catalog& cat_;
  const SessionInfo& info_;
  const Table* table_ = nullptr;
  std::string alias_;
  std::vector<Item> items_;
  std::unique_ptr<Table> fn_table_;  ///< the result of a table-valued function in FROM
  std::string fn_sql_;               ///< its rows, as a SQLite derived table
  struct Sample {
    double percent = 0;
    std::int64_t seed = 0;
  };
  std::optional<Sample> sample_;  ///< TABLESAMPLE SYSTEM (percent PERCENT) REPEATABLE (seed)

  // ---- token navigation ------------------------------------------------------------------------
  [[noreturn]] void syntax(std::size_t at) const {
    if (at >= end_) throw SqlError(102, "Incorrect syntax near '" + (end_ ? t_[end_ - 1].text : "") + "'.", 15);
    if (t_[at].kind == K::Word && is_expr_keyword(t_[at]))
      throw SqlError(156, "Incorrect syntax near the keyword '" + t_[at].text + "'.", 15);
    throw SqlError(102, "Incorrect syntax near '" + t_[at].text + "'.", 15);
  }
  bool word_at(std::size_t i, const char* w) const { return i < end_ && is_word(t_[i], w); }
  bool op_at(std::size_t i, const char* o) const { return i < end_ && is_op(t_[i], o); }
  bool is_name(std::size_t i) const {
    return i < end_ && (t_[i].kind == K::Quoted || (t_[i].kind == K::Word && !is_expr_keyword(t_[i])));
  }

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
  std::size_t find_top_comma(std::size_t a, std::size_t b) const {
    return find_top(a, b, [](const Token& t) { return is_op(t, ","); });
  }
  std::vector<std::pair<std::size_t, std::size_t>> split_commas(std::size_t a, std::size_t b) const {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    while (true) {
      const std::size_t c = find_top_comma(a, b);
      if (c == a) syntax(a);
      out.emplace_back(a, c);
      if (c == b) break;
      a = c + 1;
    }
    return out;
  }

  // ---- the statement (sql_translate.cpp) -------------------------------------------------------
  Clauses parse_clauses(Query& q);
  std::optional<std::string> parse_top(std::size_t& i) const;
  void parse_from(std::size_t& i);
  /// [db.][schema.]name at i: the table (208 when unknown); i moves past the name.
  const Table* table_name(std::size_t& i) const;
  std::string select_list(std::size_t a, std::size_t b, Query& q);
  std::string split_alias(std::size_t a, std::size_t& b) const;
  std::string order_by(std::size_t a) const;
  ResultColumn infer(std::size_t a, std::size_t b) const;
  std::optional<ResultColumn> infer_call(std::size_t a, std::size_t close) const;

  // ---- planning vocabulary (sql_translate_sys.cpp) ---------------------------------------------
  /// [db.][sys.]dm_db_stats_histogram( at i.
  bool histogram_call_at(std::size_t i) const;
  /// Binds FROM sys.dm_db_stats_histogram(object_id, stats_id); i moves past the call.
  void histogram_call(std::size_t& i);
  /// TABLESAMPLE [SYSTEM] (n PERCENT) [REPEATABLE (seed)] at i, for the table just bound.
  void tablesample(std::size_t& i);
  /// A constant integer in [a, b): a number, OBJECT_ID(…) or COLUMNPROPERTY(…); nullopt for NULL.
  std::optional<std::int64_t> constant_int(std::size_t a, std::size_t b) const;
  /// OBJECT_ID(N'name'[, N'type']) spanning [i, close]: the table's id, nullopt when unknown.
  std::optional<std::int64_t> object_id_call(std::size_t i, std::size_t close) const;
  /// The fixture table a T-SQL name in a string names ("[dbo].[t]", "dbo.t", "t"), or nullptr.
  const Table* table_named(const std::string& name) const;
  /// COLUMNPROPERTY(id, N'column', 'ColumnId') spanning [i, close]: the column's ordinal.
  std::optional<std::int64_t> column_property_call(std::size_t i, std::size_t close) const;
  /// FROM in SQLite: the fixture table, or a sys view's or function's derived table.
  std::string from_sql() const;
  /// Terms ANDed before the statement's own WHERE: TABLESAMPLE's page draw, the read counter.
  std::string read_terms() const;
  Reads reads() const;

  // ---- what recon doctor asks (sql_translate_doctor.cpp) ---------------------------------------
  /// SERVERPROPERTY, CONNECTIONPROPERTY, SUSER_SNAME, DB_NAME, IS_SRVROLEMEMBER, IS_ROLEMEMBER,
  /// HAS_PERMS_BY_NAME, SYSUTCDATETIME, SYSDATETIME and STATS_DATE spanning [i, close] as SQLite;
  /// nullopt for any other function.
  std::optional<std::string> doctor_call(std::size_t i, std::size_t close) const;
  /// A constant string argument at [a, b) (N'…' or '…'); nullopt for NULL; 8116-style errors otherwise.
  std::optional<std::string> constant_text(std::size_t a, std::size_t b, const char* function) const;
  /// The select-list item [a, b) when it is CAST / CONVERT of a constant: its value converted as
  /// SQL Server converts it, for a `?`; nullopt for any other expression.
  std::optional<Bound> cast_constant(std::size_t a, std::size_t b) const;

  // ---- INSERT / UPDATE / DELETE (sql_translate_dml.cpp) --------------------------------------
  /// Constants in the order of their `?`, each with the column it is assigned to; converted only
  /// once the whole statement has bound (conversion errors are run-time errors).
  using Assignments = std::vector<std::pair<const ResultColumn*, Literal>>;
  /// The table written to at i (a view is error 4406), then its WITH (hints).
  void target_table(std::size_t& i);
  /// A constant in [i, b): NULL, [-]number, N'…', 0x…, CAST / CONVERT of one. Returns the index after it.
  std::size_t literal(std::size_t i, std::size_t b, Literal& out) const;
  std::size_t cast_call(std::size_t i, std::size_t b, Literal& out) const;
  /// " WHERE <cond>" for WHERE at i running to the end, "" at the end.
  std::string where_clause(std::size_t i) const;
  Target target(const char* statement) const;
  std::vector<const ResultColumn*> insert_columns(std::size_t& i) const;
  std::string insert_values(std::size_t& i, const std::vector<const ResultColumn*>& cols, Assignments& pending) const;
  std::string insert_select(std::size_t& i, const std::vector<const ResultColumn*>& cols, Assignments& pending) const;
  void dml_insert(Dml& d, Assignments& pending);
  void dml_update(Dml& d, Assignments& pending);
  void dml_delete(Dml& d);

  // ---- expressions (sql_translate_expr.cpp) ----------------------------------------------------
  /// Parses name(.name)* at i as a column of the table; throws 207 / 4104.
  ColRef column_ref(std::size_t i, std::size_t b, Ctx ctx) const;
  const Item* alias_item(const std::string& name) const;
  SqlType parse_type(std::size_t& i, std::size_t b) const;
  std::string var_value(const Token& v) const;
  std::string expr(std::size_t a, std::size_t b, Ctx ctx) const;
  /// A '-' or '+' at i that signs the number after it (not a subtraction).
  bool unary_sign_at(std::size_t i) const;
  /// The comparison at i compares with an operand that has its own COLLATE.
  bool operand_collated(std::size_t i, std::size_t b) const;
  std::size_t term(std::size_t i, std::size_t b, Ctx ctx, std::string& piece) const;
  std::size_t column_term(std::size_t i, std::size_t b, Ctx ctx, std::string& piece) const;
  std::string call(std::size_t i, std::size_t close, Ctx ctx) const;
  std::string convert(const SqlType& to, std::size_t a, std::size_t b) const;
};

}  // namespace tds_test::translation

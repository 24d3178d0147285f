#pragma once
/// Guarded repair statements: the SQL that makes one target row equal to the source, and that
/// touches the row only while it still holds what recon saw (compare-and-set). The fix-up files of
/// `recon check` and the statements `recon apply` runs are both written here, so the two agree.
/// docs/repair.md states the guards and why.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "recon/model/columns.hpp"
#include "recon/model/result.hpp"

namespace recon::repair {

struct SqlParts;  // a statement's text and its shape, built together (guarded_sql.cpp)

enum class StatementKind : std::uint8_t { Delete, Update, Insert };
/// "delete" | "update" | "insert"
const char* statement_kind_name(StatementKind k);

/// One statement, without its terminating ';'.
struct GuardedStatement {
  StatementKind kind = StatementKind::Update;
  std::string key;  ///< canonical key encoding of the row it touches
  std::string sql;
  /// PostgreSQL: the same statement with $1, $2 … for its values, one text per statement kind,
  /// set columns and NULL pattern, and the values as input text (nullopt: NULL) — run as a
  /// prepared statement by `recon apply`. "" where there is none (other engines; a value whose
  /// type cannot be named without its schema).
  std::string shape;
  std::vector<std::optional<std::string>> params;
  /// Compared columns the UPDATE sets (indexes into TableContext::target_values); empty otherwise.
  std::vector<std::uint32_t> set_columns;
  /// Columns whose observed value is not part of the guard, each "\"name\" (why)": their value
  /// cannot be compared exactly in SQL (float, json, rounded or trimmed when observed).
  std::vector<std::string> unguarded;
  /// A changed row whose UPDATE sets fewer columns than differ (the other columns' rules do not
  /// say fix).
  bool partly_fixed = false;

  /// The statement as a file line: "sql;" plus " -- unguarded: …" when some columns are, and "\n".
  std::string file_line() const;
};

/// Why a divergence gets no statement, in the order the fix-up header lists them.
enum class LeftOut : std::uint8_t {
  Tolerated, ReportOnly, Escalated, NothingToFix, InFlight, Suspended, Converged,
  Withheld,  ///< Divergence::values_withheld: personal data kept as tokens, the row changed since
};
inline constexpr std::size_t kLeftOutCount = 8;
/// "tolerated" | "report-only" | "escalated" | "with no column to fix" | "in flight" | …
const char* left_out_name(LeftOut why);

/// A row of the target as it is before a repair, every column the engine describes in its own
/// type (no cross-engine rounding), for the undo script.
struct PreImage {
  std::vector<ColumnInfo> columns;  ///< the target's columns read, key columns included
  std::string values;               ///< their canonical encodings, in `columns` order
};

/// Builds the guarded statements of one table in its target's dialect.
///
/// Contract:
///  - Only what the rules say to fix: a divergence whose finding.status is not Open, or whose
///    action is not Fix (missing rows), or that leaves no column to set (changed rows), gets a
///    LeftOut instead. Escalated findings never get a statement.
///  - The guard of an UPDATE or DELETE is the key plus every compared, non-key column whose value
///    recon observed on the target can be compared exactly in SQL: `col IS NULL`, or
///    `col = <literal>` (text compared bytewise: ::text on PostgreSQL, COLLATE BINARY on SQLite,
///    a _BIN2 collation on SQL Server). Float and JSON values, values observed through a
///    conversion (another class, rounded times, trimmed padding) and SQLite dates and uuids are
///    left out of the guard and listed in GuardedStatement::unguarded.
///  - An INSERT is guarded against an existing key: INSERT … SELECT … WHERE NOT EXISTS (the key),
///    on PostgreSQL also ON CONFLICT DO NOTHING (a concurrent insert, or any unique constraint).
///  - So a statement whose guard no longer holds touches 0 rows, never a wrong one.
class GuardedSql {
 public:
  explicit GuardedSql(const TableContext& ctx);

  /// The statement for `d`, or why it gets none.
  std::variant<GuardedStatement, LeftOut> statement_for(const Divergence& d) const;

  /// The inverse of `applied` (which touched its row), from the row's pre-image: an UPDATE sets
  /// the columns back where they still hold what `applied` wrote; a DELETE is undone by an INSERT
  /// of the whole pre-image guarded against an existing key; an INSERT by a DELETE guarded by the
  /// inserted values. `source_values` is the divergence's (what `applied` wrote); `pre` is absent
  /// for an INSERT (there was no row).
  GuardedStatement undo_for(const GuardedStatement& applied, std::string_view source_values,
                            const PreImage* pre) const;

  /// Statements that lock the rows of `keys` until the transaction ends (SELECT … FOR UPDATE,
  /// WITH (UPDLOCK, HOLDLOCK)), at most `per_statement` keys each; none on SQLite, whose write
  /// transaction already holds the database's write lock.
  std::vector<std::string> lock_rows(const std::vector<std::string>& keys, std::size_t per_statement = 500) const;

  /// What a script writes before its statements ("BEGIN;\n…") and after them ("COMMIT;\n").
  std::string script_begin() const;
  std::string script_end() const;
  /// Statements a write transaction runs before the repair statements (what script_begin sets
  /// inside the transaction, e.g. standard_conforming_strings on PostgreSQL).
  std::vector<std::string> session_setup() const;

  Dialect dialect() const { return dialect_; }
  const std::string& table_sql() const { return table_sql_; }

 private:
  /// The target's read plan of compared column i (TableContext::select_values_target), or the
  /// column compared as its own class when the context has none.
  SelectColumn target_select(std::size_t i) const;
  /// Appends `"k1" = 1 AND "k2" = 'x'` for a canonical key encoding.
  void where_key(SqlParts& out, std::string_view key) const;
  /// Appends " AND col = v …" over the compared non-key columns of `values`; the others go to
  /// `unguarded`.
  void guard(SqlParts& out, std::string_view values, std::vector<std::string>& unguarded,
             const std::vector<std::uint32_t>* only = nullptr) const;
  /// Appends " WHERE NOT EXISTS (…)" and the dialect's tail of a guarded INSERT … SELECT.
  void insert_tail(SqlParts& out, std::string_view key) const;

  const TableContext& ctx_;
  Dialect dialect_;
  std::string table_sql_;
  std::vector<std::string> key_idents_, value_idents_;
  std::vector<bool> value_is_key_;
};

/// Why a column's observed value cannot guard a statement, or nullopt when it can (GuardedSql's
/// contract). `column` is the target side's SelectColumn.
std::optional<std::string> unguardable(Dialect dialect, const SelectColumn& column, const canon::ValueView& v);

}  // namespace recon::repair

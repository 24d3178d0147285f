#pragma once
/// The one interface every engine sits behind. The engine never knows which engine it talks to.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "recon/config/job.hpp"
#include "recon/core/canonical.hpp"
#include "recon/core/errors.hpp"
#include "recon/core/rows.hpp"

namespace recon {

/// A column as the engine describes it.
struct ColumnInfo {
  std::string name;       ///< as the engine spells it
  std::string type_name;  ///< as the engine spells it, e.g. "numeric(18,2)", "character varying"
  /// The class this engine's type maps to; nullopt when the type is not supported (the name says
  /// which type, config validation turns it into an error naming the column).
  std::optional<TypeClass> type_class;
  int precision = -1;     ///< numeric precision / time fractional digits, -1 when not applicable
  int scale = -1;
  bool single_float = false;  ///< real/float4
  bool padded_char = false;   ///< char(n)/bpchar: trailing spaces are not significant
  bool nullable = true;
  /// SQLite: values carry their own storage class, so the column accepts conversion to any class.
  bool dynamic = false;
  std::uint32_t type_oid = 0;  ///< PostgreSQL type oid (0 elsewhere)
};

struct TableInfo {
  TableRef ref;
  std::vector<ColumnInfo> columns;
  /// Column sets that are unique (primary key first, then unique constraints/indexes).
  std::vector<std::vector<std::string>> unique_keys;
  const ColumnInfo* find(const std::string& column) const;
};

/// One column to read, with the class both sides are compared in.
struct SelectColumn {
  ColumnInfo native;         ///< this side's column (native.name is what goes in the SQL)
  TypeClass compare_as = TypeClass::Text;
  bool single_float = false;  ///< either side is float4: round to single before comparing
  bool trim_padding = false;  ///< either side is char(n): trailing spaces are not significant
  TimeRounding time_rounding = TimeRounding::HalfEven;
};

/// A key range: rows with lower <= key < upper (bounds are canonical key encodings; absent = open).
struct RangeQuery {
  TableRef table;
  std::vector<SelectColumn> keys;    ///< key columns, in key order
  std::vector<SelectColumn> values;  ///< compared columns, in report order
  std::optional<std::string> lower;  ///< inclusive
  std::optional<std::string> upper;  ///< exclusive
  std::string where;                 ///< the job author's filter for this side, or empty
  /// read_range may hand values in the engine's wire form (RowBatch::set_raw). The engine asks
  /// only when both sides are the same engine with identical column types and conversions, so
  /// equal wire bytes mean equal values; a connector without a raw form ignores it.
  bool raw_values = false;
};

/// Statistics the planner uses.
struct KeySample {
  std::int64_t estimated_rows = 0;  ///< whole table (after `where`), best estimate
  std::vector<std::string> keys;    ///< canonical key encodings of sampled rows, any order
};

class Connector {
 public:
  virtual ~Connector() = default;

  /// Password-free description for logs and reports ("postgres postgresql://u@h:5432/db").
  virtual std::string endpoint() const = 0;

  /// Columns, types and unique keys. Throws InputError when the table does not exist (message
  /// names the table and the side), ConnectorError on connection trouble.
  virtual TableInfo describe(const TableRef& table) = 0;

  /// About `target_samples` keys drawn evenly from the table (pg_stats / TABLESAMPLE on PostgreSQL,
  /// an index walk on SQLite) plus a row estimate. Keys must not be NULL: a NULL key column is an
  /// InputError naming the table and column.
  virtual KeySample sample_keys(const RangeQuery& whole_table, std::size_t target_samples) = 0;

  /// Appends every row with lower <= key < upper to `out`, in key order (binary/"C" collation),
  /// converted to canonical form. Streams: memory is the batch, not more.
  virtual void read_range(const RangeQuery& range, RowBatch& out) = 0;

  /// Appends the rows whose keys are in `keys` (canonical key encodings). Used by rechecks and
  /// incident lookups; missing keys are simply absent from `out`.
  virtual void fetch_keys(const RangeQuery& table, const std::vector<std::string>& keys,
                          RowBatch& out) = 0;
};

/// Opens a connector for one side. Throws ConnectorError(login=true) when it cannot connect
/// (message without password), InputError for an unknown kind or malformed url.
std::unique_ptr<Connector> open_connector(const Endpoint& endpoint, Side side);

/// Renders a canonical value as a SQL literal of the given dialect, for range bounds and fix-up SQL.
/// `column` is the column the literal is compared with / assigned to (its type picks casts).
enum class Dialect { Postgres, Sqlite, SqlServer };
std::string sql_literal(Dialect dialect, const ColumnInfo& column, const canon::ValueView& v);
/// Quotes an identifier for the dialect ("a""b" / [a]]b]).
std::string quote_ident(Dialect dialect, const std::string& ident);
std::string quote_table(Dialect dialect, const TableRef& table);
/// "k1", "k2", "v1", … — the quoted native names of the key columns, then the value columns.
std::string column_list(Dialect dialect, const std::vector<SelectColumn>& keys,
                        const std::vector<SelectColumn>& values);

}  // namespace recon

#pragma once
/// How tables and columns are described, shared by the connectors that describe them and the
/// modules that pair, compare, report and repair them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "recon/config/job.hpp"
#include "recon/core/canonical.hpp"

namespace recon {

/// The SQL spelling of an engine: identifier quoting, literals and casts (fix-up SQL, range bounds).
/// Each connector states its own (Connector::dialect).
enum class Dialect { Postgres, Sqlite, SqlServer, Mysql };

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
  /// The engine's own identity of the type, for wire comparison (Connector::wire_format): two
  /// columns of equal non-zero type_oid are sent in the same wire form. PostgreSQL: the type oid;
  /// 0 where the connector has no wire form.
  std::uint32_t type_oid = 0;
  /// False when the engine has no ordering or equality for the type (xml): it cannot be a key.
  bool keyable = true;
  /// The values are 1/300 s ticks that the engine shows rounded to the millisecond (SQL Server
  /// datetime). A timestamp column paired with it reads a tick's exact value as that millisecond
  /// (SelectColumn::tick_digits).
  bool datetime_ticks = false;
  /// For an unsupported type (type_class nullopt): a select-list item in the engine's SQL that
  /// gives the column's value in a form recon compares, under the column's name
  /// ("CAST([path] AS nvarchar(4000)) AS [path]"), for a view the user puts in the table's place;
  /// "" when there is none.
  std::string compare_through;
};

struct TableInfo {
  TableRef ref;
  std::vector<ColumnInfo> columns;
  /// Column sets that are unique (primary key first, then unique constraints/indexes).
  std::vector<std::vector<std::string>> unique_keys;
  /// The column named `column` (exact spelling), or nullptr.
  const ColumnInfo* find(const std::string& column) const {
    for (const auto& c : columns)
      if (c.name == column) return &c;
    return nullptr;
  }
};

/// One column to read, with the class both sides are compared in.
struct SelectColumn {
  ColumnInfo native;         ///< this side's column (native.name is what goes in the SQL)
  TypeClass compare_as = TypeClass::Text;
  bool single_float = false;  ///< either side is float4: round to single before comparing
  bool trim_padding = false;  ///< either side is char(n): trailing spaces are not significant
  TimeRounding time_rounding = TimeRounding::HalfEven;
  /// ≥ 0 for a compared (non-key) timestamp column whose counterpart holds 1/300 s ticks
  /// (ColumnInfo::datetime_ticks) while this one does not: a value equal to a tick's exact value
  /// rounded to this many fractional digits is read as the millisecond the other engine shows for
  /// that tick (.003333 -> .003). -1: values are read as they are.
  int tick_digits = -1;
};

}  // namespace recon

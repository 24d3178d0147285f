#pragma once
/// The constants of INSERT and UPDATE statements (the fix-up subset: NULL, numbers, N'…', 0x…,
/// CAST / CONVERT of those) and their conversion to a column's type in the fixture's storage form,
/// with the errors SQL Server raises when a value does not fit (docs/tds-test-server.md).

#include <string>

#include "sql.hpp"

namespace tds_test {

/// A constant as T-SQL types it, after any CAST / CONVERT.
struct Literal {
  enum class Kind { Null, Number, String, Binary, Temporal, Guid };
  Kind kind = Kind::Null;
  /// Number: as written, with its sign ("-12.50", "1e+20"); String: UTF-8; Binary: the bytes;
  /// Temporal and Guid: the text that was cast.
  std::string text;
  bool national = false;  ///< N'…' (nvarchar), else varchar
  SqlType type;           ///< Temporal: the date/time type it was cast to
};

/// The bytes of a 0x… literal's hex digits (an odd count gets a leading 0, as SQL Server reads it).
std::string hex_bytes(const std::string& hex_digits);

/// CAST(v AS to) / CONVERT(to, v). Throws SqlError (runtime): 245 / 8114 a string that is not a
/// number, 241 not a date, 8169 not a GUID, 220 integer overflow, 529 a conversion T-SQL forbids.
Literal cast_literal(const Literal& v, const SqlType& to);

/// Where a value is stored, for SQL Server's messages.
struct Target {
  std::string table;      ///< "database.schema.name"
  std::string statement;  ///< "INSERT" or "UPDATE"
};

/// `v` assigned to `col`, converted as SQL Server converts an assignment, in the fixture's storage
/// form (integers and bit as INTEGER, float as REAL, decimals as text rounded to the scale,
/// dates and times and GUIDs as text, strings as UTF-8 text, binary as BLOB). Throws SqlError
/// (runtime): 515 NULL into NOT NULL, 220 / 8115 overflow, 245 / 8114 / 241 / 8169 conversion,
/// 8152 truncation, 206 / 257 a type that does not convert implicitly.
Bound store_value(const Literal& v, const ResultColumn& col, const Target& target);

}  // namespace tds_test

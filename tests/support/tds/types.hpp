#pragma once
/// SQL Server column types as the fixture declares them ("decimal(18,2) text", "nvarchar(max)"),
/// their collations, and their TYPE_INFO in COLMETADATA.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wire.hpp"

namespace tds_test {

enum class Kind {
  TinyInt, SmallInt, Int, BigInt, Bit,
  Decimal, Numeric, Money, SmallMoney, Float, Real,
  Date, Time, DateTime, SmallDateTime, DateTime2, DateTimeOffset,
  Guid,
  Char, VarChar, NChar, NVarChar, Text, NText,
  Binary, VarBinary, Image,
  Xml,
};

/// A collation as it travels in COLMETADATA / ENVCHANGE: 4 bytes of LCID and flags, 1 byte sort id.
struct Collation {
  std::string name;
  std::array<std::uint8_t, 5> wire{};
  bool case_insensitive = false;
};

/// Latin1 collations only (code page 1252): SQL_Latin1_General_CP1_{CI,CS}_{AS,AI} and
/// Latin1_General[_100|_140]_{BIN,BIN2,CI_AS,CS_AS,CI_AI,...}. nullopt for anything else.
std::optional<Collation> find_collation(std::string_view name);
/// SQL_Latin1_General_CP1_CI_AS, the server and database default.
const Collation& default_collation();

/// The UserType SQL Server sends for a rowversion (timestamp) column (MS-TDS 2.2.7.4).
inline constexpr std::uint32_t kUserTypeRowVersion = 80;

struct SqlType {
  Kind kind = Kind::Int;
  /// Characters for char/nchar/varchar/nvarchar, bytes for binary/varbinary; -1 = (max).
  int length = 0;
  int precision = 0;
  /// decimal/numeric scale, or the fractional-second digits of time/datetime2/datetimeoffset.
  int scale = 0;
  /// COLMETADATA UserType: 80 for rowversion (declared rowversion or timestamp), which travels as
  /// binary(8) and which INFORMATION_SCHEMA calls timestamp; 0 otherwise.
  std::uint32_t user_type = 0;
  /// sql_variant, hierarchyid, geography, geometry: declared and listed in the catalog under this
  /// name, but the server does not encode their values (a SELECT of one fails with error 50000).
  std::string catalog_only;

  bool is_max() const { return length == -1; }
  bool is_string() const;   ///< char, varchar, nchar, nvarchar, text, ntext (carries a collation)
  bool is_unicode() const;  ///< nchar, nvarchar, ntext
  /// Sent as PLP chunks: the (max) types and xml.
  bool is_plp() const { return is_max() || kind == Kind::Xml; }
  /// INFORMATION_SCHEMA.COLUMNS.DATA_TYPE ("decimal", "nvarchar", ...).
  std::string data_type() const;
  /// As SQL Server would print it: "decimal(18,2)", "nvarchar(max)", "datetime2(7)".
  std::string spelled() const;
};

/// Parses a declared column type. Ignores case, surrounding blanks and the " text" affinity
/// suffix fixtures use to keep values as written. nullopt when it is not a SQL Server type.
std::optional<SqlType> parse_sql_type(std::string_view declared);

/// Bytes of the TIME part for a fractional-second scale (3, 4 or 5).
int time_bytes(int scale);
/// Bytes of a decimal magnitude for a precision (4, 8, 12 or 16).
int decimal_bytes(int precision);

/// One result column as COLMETADATA describes it.
struct ResultColumn {
  std::string name;
  SqlType type;
  bool nullable = true;
  bool computed = false;  ///< an expression, not a table column
  Collation collation;
  /// text/ntext/image carry the table's name in COLMETADATA.
  std::string table_schema, table_name;
};

/// Writes UserType, Flags, TYPE_INFO, [TableName] and ColName for one column. Non-nullable int,
/// bit, float, money and datetime columns use the fixed-length types, as SQL Server does.
void put_column_metadata(Out& o, const ResultColumn& c);
/// True when the column travels as a fixed-length type (no length byte, never NULL).
bool is_fixed_length(const ResultColumn& c);

}  // namespace tds_test

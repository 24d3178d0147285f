#pragma once
// Private to the MySQL connector: information_schema column rows -> ColumnInfo.

#include <optional>
#include <string>

#include "recon/model/columns.hpp"

namespace recon::my {

/// One row of sql/mysql/columns.sql.
struct CatalogColumn {
  std::string name;
  std::string data_type;    ///< "int", "varchar", "datetime", …
  std::string column_type;  ///< "int(10) unsigned", "tinyint(1)", "bit(5)", "enum('a','b')"
  bool nullable = true;
  std::optional<std::int64_t> numeric_precision, numeric_scale, datetime_precision;
  std::string collation;   ///< "" for non-text columns
  bool json_check = false;  ///< MariaDB: longtext with CHECK (json_valid(col))
};

/// The comparison class of a MySQL type (docs/canonical-values.md, "MySQL"): tinyint(1) boolean,
/// bigint unsigned decimal (it exceeds int64), other integers and year integer, decimal decimal,
/// double float, float single float, date/datetime/time dates and times, timestamp timestamptz
/// (read in a UTC session), char text with padding, every other string type and enum/set text,
/// bit(n) text (its bit string, "0101"), binary/blob types bytes, json json. Spatial types stay
/// unsupported (type_class nullopt).
ColumnInfo classify_column(const CatalogColumn& c);

/// True for bit(n) columns, which are read and written as bit strings.
bool is_bit(const ColumnInfo& c);

}  // namespace recon::my

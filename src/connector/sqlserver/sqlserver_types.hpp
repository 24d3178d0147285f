#pragma once
// Private to the SQL Server connector: INFORMATION_SCHEMA.COLUMNS rows -> ColumnInfo.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "recon/connector/connector.hpp"

namespace recon::tds {

/// One INFORMATION_SCHEMA.COLUMNS row, as read.
struct CatalogColumn {
  std::string name;
  std::string data_type;  ///< DATA_TYPE: "decimal", "nvarchar", ...
  std::optional<std::int64_t> char_max_length, numeric_precision, numeric_scale, datetime_precision;
  bool nullable = true;
  std::string collation;  ///< COLLATION_NAME; empty for non-text columns
};

/// The column as the engine sees it. type_name is spelled as SQL Server scripts it
/// ("decimal(18,2)", "nvarchar(max)", "datetime2(7)"), followed by " COLLATE <name>" for text
/// columns: ColumnInfo has no collation field, and the range reads need it (see
/// is_case_insensitive). Unsupported types (sql_variant, hierarchyid, geography, rowversion, …)
/// get type_class nullopt so configuration names the column.
ColumnInfo classify_column(const CatalogColumn& c);

/// True when a type_name from classify_column (or a bare collation name) carries a
/// case-insensitive collation (…_CI_…, …_CI).
bool is_case_insensitive(std::string_view type_name_or_collation);

}  // namespace recon::tds

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

/// For a type recon refuses (sql_variant, hierarchyid, geography, geometry): the select-list item a
/// view can put in `column`'s place to compare its documented text or binary form, e.g.
/// "CAST([path] AS nvarchar(4000)) AS [path]", "[shape].STAsBinary() AS [shape]"; "" for any
/// other type.
std::string refused_type(const std::string& data_type, const std::string& column);

/// The column as the engine sees it. type_name is spelled as SQL Server scripts it
/// ("decimal(18,2)", "nvarchar(max)", "datetime2(7)"), followed by " COLLATE <name>" for text
/// columns: ColumnInfo has no collation field, and the range reads need it (see
/// is_case_insensitive). xml is text that cannot be a key (keyable false); datetime holds 1/300 s
/// ticks (datetime_ticks); rowversion (DATA_TYPE timestamp) is 8 bytes. Unsupported types
/// (sql_variant, hierarchyid, geography, …) get type_class nullopt and compare_through
/// (refused_type) so configuration names the column and the view that compares it.
ColumnInfo classify_column(const CatalogColumn& c);

/// True when a type_name from classify_column (or a bare collation name) carries a
/// case-insensitive collation (…_CI_…, …_CI).
bool is_case_insensitive(std::string_view type_name_or_collation);

}  // namespace recon::tds

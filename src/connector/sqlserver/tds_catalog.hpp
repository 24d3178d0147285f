#pragma once
// Private to the SQL Server connector: a table's columns and unique keys from INFORMATION_SCHEMA
// (sql/sqlserver/columns.sql, table_constraints.sql, key_columns.sql).

#include <string>
#include <vector>

#include "recon/connector/connector.hpp"
#include "tds_reader.hpp"

namespace recon::tds {

/// Columns and unique keys of `table` (schema dbo when empty). Throws InputError naming the side
/// and the table when it does not exist or the login cannot see it.
TableInfo describe_table(Reader& r, const TableRef& table, const std::string& endpoint);

/// The column sets of the table's PRIMARY KEY (first) and UNIQUE constraints.
std::vector<std::vector<std::string>> unique_keys(Reader& r, const TableRef& table, const std::string& what);

}  // namespace recon::tds

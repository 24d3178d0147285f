#pragma once
// Private to the SQL Server connector: the T-SQL text of range reads, counts and key lookups.
// Pure string building, unit-tested without a server.
//
// Ranges must select exactly the rows whose CANONICAL key lies in [lower, upper), in canonical
// order, whatever SQL Server's own collation and GUID order are:
//  - text keys compare and order with COLLATE Latin1_General_BIN2 (code-point order);
//  - uniqueidentifier keys range and order on CONVERT(char(36), k) COLLATE Latin1_General_BIN2
//    against uppercase literals: that text is the RFC byte order, PostgreSQL's uuid order, not
//    SQL Server's (bytes 10-15, 8-9, 6-7, 4-5, 0-3);
//  - time/datetime2/datetimeoffset keys with 7 fractional digits compare against the exact
//    100 ns interval that rounds (or truncates, per SelectColumn::time_rounding) to the µs bound;
//  - T-SQL has no row values: (a,b) >= (x,y) becomes (a > x OR (a = x AND b >= y));
//  - the first range (open below) also selects rows with a NULL in a nullable key column, so
//    the read that would otherwise pass over them fails naming the column (planning no longer
//    reads every key).

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "recon/connector/connector.hpp"

namespace recon::tds {

/// The expression a key column is compared and ordered by.
std::string key_expr(const SelectColumn& key);
/// [k1], [k2], [v1] — every key then every value column.
std::string select_list(const std::vector<SelectColumn>& keys, const std::vector<SelectColumn>& values);

/// `lower <= key < upper` and the job's filter as " WHERE …" (empty when there is neither).
/// A bound may hold fewer values than there are keys (a key prefix). A range open below with an
/// upper bound also takes the rows whose nullable key columns hold a NULL.
std::string range_where(const RangeQuery& q);
/// SELECT keys[, values] FROM t WHERE … ORDER BY keys.
std::string range_select(const RangeQuery& q, bool with_values);
/// SELECT COUNT_BIG(*) FROM t WHERE … (same rows as range_select).
std::string count_select(const RangeQuery& q);
/// SELECT keys FROM t TABLESAMPLE SYSTEM (percent PERCENT) REPEATABLE (1) [WHERE filter]: the
/// keys of the rows on a sample of the table's pages, in no order. `percent` is a numeric literal.
std::string sample_select(const RangeQuery& q, const std::string& percent);
/// Rows whose key is one of keys[begin, end): `k IN (…)` for one plain key column, otherwise
/// an OR of per-key AND groups; plus the job's filter; in key order.
std::string keys_select(const RangeQuery& q, const std::vector<std::string>& keys, std::size_t begin,
                        std::size_t end);

/// A catalog query template (sql/sqlserver/*.sql) with {schema} and {table} replaced by N'…'
/// literals (schema "dbo" when empty), {object} by N'[schema].[table]' (OBJECT_ID's argument),
/// each of `more` (placeholder, text) by its text, and whole-line "--" comments removed.
std::string catalog_sql(std::string_view templ, const TableRef& table,
                        const std::vector<std::pair<std::string_view, std::string>>& more = {});

/// The column's type as T-SQL spells it in a CAST: "nvarchar(40)", "decimal(18,2)", "int".
std::string cast_type(const ColumnInfo& column);

/// N'…' with ' doubled.
std::string nstring(std::string_view text);

}  // namespace recon::tds

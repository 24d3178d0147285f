#pragma once
// Private to the MySQL connector: the text of its data and catalog queries.
//
// Keys are read, ranged and ordered byte-wise whatever their collation: a text key is compared as
// CAST(col AS BINARY) with X'…' bounds, so 'a' and 'A', 'é' and 'e' (one key under
// utf8mb4_0900_ai_ci / utf8mb4_general_ci) stay apart and ranges follow UTF-8 byte order, the
// order recon merges in (PostgreSQL COLLATE "C", SQL Server BIN2).

#include <string>
#include <string_view>
#include <vector>

#include "recon/connector/connector.hpp"

namespace recon::my {

/// The column as it is selected: `c`, or (`c` + 0e0) for float (the double's digits, not
/// FLOAT's six), or LPAD(BIN(`c`), n, '0') for bit(n) (its bit string).
std::string read_expr(const SelectColumn& column);
/// The key column as ranges and ORDER BY compare it: CAST(`c` AS BINARY) for text, else `c`.
std::string key_expr(const SelectColumn& key);
/// One key value as a literal for comparison with key_expr: X'…' for text keys.
std::string key_literal(const SelectColumn& key, const canon::ValueView& v);

/// SELECT keys, values FROM t WHERE <spans> AND (<where>) ORDER BY keys (byte order).
std::string range_select(const RangeQuery& q, bool with_values = true);
/// The same columns for the rows whose keys are keys[begin, end).
std::string keys_select(const RangeQuery& q, const std::vector<std::string>& keys, std::size_t begin, std::size_t end);
/// SELECT keys FROM t [WHERE (<where>)], in whatever order the server reads them (sampling: no
/// sort of every key).
std::string keys_only_select(const RangeQuery& q);
/// SELECT COUNT(*) FROM t [WHERE (<where>)].
std::string count_select(const RangeQuery& q);

/// A catalog query of sql/mysql/: comment lines dropped, {schema} and {table} replaced by string
/// literals (`schema` "" becomes NULL: the url's database).
std::string catalog_sql(std::string_view templ, const std::string& schema, const std::string& table);

}  // namespace recon::my

#pragma once
// Private to the SQLite connector: the SQL text of range reads, counts and key lookups.
// Pure functions (no database), so the exact text is unit-tested.

#include <sqlite3.h>

#include <cstddef>
#include <string>

#include "recon/connector/connector.hpp"

namespace recon::sqlite {

/// "schema"."table", or "table" when the schema is empty.
std::string table_sql(const TableRef& t);

/// Number of canonical values in a key encoding (a bound may name a prefix of the key).
std::size_t key_arity(std::string_view key);

/// SELECT keys[, values] FROM t WHERE lower/upper bounds [AND (where)] ORDER BY keys.
/// Bounds are row-value comparisons `(k1,k2) >= (?1 COLLATE BINARY, ?2)`: the explicit collation
/// sits on the parameter so the comparison is bytewise even for a NOCASE column while an index
/// on the key columns can still drive the scan (COLLATE on the column side disables it).
/// Parameters are numbered lower first, then upper, in key order.
std::string range_sql(const RangeQuery& q, bool with_values);
/// SELECT count(*) with the same WHERE as range_sql.
std::string count_sql(const RangeQuery& q);
/// Rows whose key is one of `n_keys` tuples bound as ?1..?(n_keys*keys): a join with a VALUES
/// CTE, so each key is one index probe (`(k1,k2) IN (VALUES …)` scans the whole table).
std::string fetch_sql(const RangeQuery& q, std::size_t n_keys);

/// Binds the bounds of `q` in the order range_sql numbers them; returns the SQLite result code.
int bind_bounds(sqlite3_stmt* stmt, const RangeQuery& q);

}  // namespace recon::sqlite

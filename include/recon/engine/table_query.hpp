#pragma once
/// The queries a table is read with: the whole table as compared, and rows by key.

#include "recon/connector/connector.hpp"
#include "recon/model/result.hpp"

namespace recon {

/// The whole table on one side, as compared: its key and compared columns and the side's filter
/// (ranges and fetches set their own bounds or keys). raw_values is set when the table's values
/// may be compared in wire form (TableContext::compare_wire_bytes).
RangeQuery table_query(const TableContext& ctx, Side side);

/// The query that fetches rows of `ctx` by key on one side: its key and compared columns, then
/// the side's updated_at column when the table has one (rechecks and lookups read it last).
/// Values always come canonical.
RangeQuery key_fetch_query(const TableContext& ctx, Side side);

}  // namespace recon

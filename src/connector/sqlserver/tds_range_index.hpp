#pragma once
// Private to the SQL Server connector: whether a range read of a table walks one of its indexes in
// recon's key order, decided from the catalog (sys.indexes, sys.index_columns) without running
// anything. Pure, unit-tested without a server; tds_doctor.cpp reads the catalog.
//
// A range read (tds_query.hpp) bounds and orders each key column by key_expr(): plain types by the
// column itself, text by `k COLLATE Latin1_General_BIN2`, uniqueidentifier by
// `CONVERT(char(36), k) COLLATE Latin1_General_BIN2`. SQL Server seeks an index only for a
// predicate on the column as the index orders it: an index on a text column under any collation
// but a BIN2 one, or on a uniqueidentifier, orders differently from those expressions, so such a
// range read scans the whole index (every row, for every range) and sorts what it keeps.

#include <string>
#include <vector>

#include "recon/connector/doctor_facts.hpp"
#include "recon/model/columns.hpp"

namespace recon::tds {

/// One index of a table as the catalog lists it.
struct IndexInfo {
  int id = 0;             ///< index_id: 1 is the clustered index
  std::string name;
  std::string type_desc;  ///< CLUSTERED, NONCLUSTERED, CLUSTERED COLUMNSTORE, …
  bool disabled = false;
  bool filtered = false;
  std::vector<int> columns;       ///< column_id of each key column, in key order
  std::vector<bool> descending;   ///< is_descending_key of each
};

/// How a key column's range bounds are written (KeyColumnFacts::range_bound).
std::string range_bound_of(const SelectColumn& key);

/// True when an index on the column, in the column's own order, is also recon's order for it
/// (integers, decimals, dates and times, bit, binary; text only under a BIN2 collation).
bool index_order_is_key_order(const SelectColumn& key);

/// The range read of `keys` (whose column ids are `key_ids`, 0 when unknown) against `indexes`:
/// the first enabled, unfiltered rowstore index whose leading key columns are the key columns in
/// order, all ascending or all descending. `table` is the table as the plan names it
/// ("[dbo].[t]"). The plan says in one line which index serves it, or what SQL Server does
/// without one (doctor's fix names the index to create).
RangeReadFacts range_read_facts(const std::vector<SelectColumn>& keys, const std::vector<int>& key_ids,
                                const std::vector<IndexInfo>& indexes, const std::string& table);

}  // namespace recon::tds

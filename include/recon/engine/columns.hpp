#pragma once
/// Column pairing: which source column is compared with which target column, in which class.
/// Runs before any data moves; every problem becomes a message naming the table and column.

#include <optional>
#include <string>
#include <vector>

#include "recon/connector/connector.hpp"
#include "recon/model/result.hpp"

namespace recon {

/// The class a source/target column pair is compared in, or nullopt when the types cannot be
/// compared. Rules (docs/canonical-values.md): the target's type decides; a dynamically typed side
/// (SQLite) takes the other side's class; integer/decimal widen to decimal, integer/decimal with
/// float compare as float, text with uuid as uuid, text with json as the target's class.
std::optional<TypeClass> compare_class(const ColumnInfo& source, const ColumnInfo& target, bool as_json);

/// Builds the TableContext for one job entry from both sides' descriptions. Appends one line per
/// problem to `errors` (unknown column, missing key, non-unique key, unsupported or incompatible
/// types) and returns a context that must not be used when it did.
TableContext resolve_table(const TableJob& job, const TableInfo& source, const TableInfo& target,
                           const RunOptions& opts, std::vector<std::string>& errors);

/// Whether range reads of this table may keep values in wire form (RangeQuery::raw_values): both
/// connectors have the same wire form (Connector::wire_format), and every compared column pair has
/// the same engine type (ColumnInfo::type_oid) and the same conversion, so that equal wire bytes
/// can only mean equal canonical values.
bool same_wire_values(const TableContext& ctx, const Connector& source, const Connector& target);

}  // namespace recon

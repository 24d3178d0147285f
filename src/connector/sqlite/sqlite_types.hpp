#pragma once
// Private to the SQLite connector: declared column type -> comparison class.

#include <string_view>

#include "recon/connector/connector.hpp"

namespace recon::sqlite {

/// Fills type_class, precision, scale, padded_char and single_float of `col` from the DECLARED
/// type `declared` (as written in CREATE TABLE). Conventional names (DECIMAL(p,s), DATE,
/// TIMESTAMP, UUID, JSON, BOOLEAN, CHAR(n), ...) win; other names follow SQLite's own affinity
/// rules (datatype3.html §3.1). Always sets dynamic=true: a SQLite value carries its own storage
/// class whatever the declaration says, so the column can be compared in any class.
void classify_declared_type(std::string_view declared, ColumnInfo& col);

}  // namespace recon::sqlite

#pragma once
// Private to the SQL Server connector: the type self-test of `recon doctor`
// (docs/canonical-values.md, "Self-test: sqlserver") — one SELECT of literal CASTs, each read
// through the same decoding as read_range for a column of the literal's type.

#include <string>
#include <vector>

#include "recon/connector/connector.hpp"
#include "tds_reader.hpp"

namespace recon::tds {

/// The column a read_range of a column of `type` (as INFORMATION_SCHEMA would describe it:
/// "decimal(38,10)", "nvarchar(20)", "varbinary(max)", "datetime2(7)", "money") would decode,
/// compared in the type's own class. Throws InputError for a type the connector does not read.
SelectColumn probe_column(const std::string& type);

/// `SELECT <expression 1>, <expression 2>, …` and each value's canonical encoding, in order.
std::vector<std::string> read_literals(Reader& r, const std::vector<LiteralProbe>& probes);

}  // namespace recon::tds

#pragma once
// Private to the MySQL connector: the type self-test of `recon doctor` (docs/canonical-values.md,
// "Self-test: mysql"). Each literal is read as a column of its type would be by a range read:
// the same select expression (my_query.hpp read_expr) and the same decoding (my_values.hpp).

#include <string>
#include <vector>

#include "my_connection.hpp"
#include "recon/connector/connector.hpp"

namespace recon::my {

/// The column a probe's value is read as: `type` parsed as information_schema spells a column
/// type ("decimal(65,30)", "bigint unsigned", "datetime(6)", "bit(5)"), classified by
/// classify_column and compared in its own class, as against the same engine.
SelectColumn probe_column(const LiteralProbe& probe, std::size_t index);

/// SELECT <read_expr of each probe, its expression in place of the column>: one statement.
std::string literals_select(const std::vector<LiteralProbe>& probes);

/// Runs literals_select and returns each value's canonical encoding, in probe order.
std::vector<std::string> read_literals(Connection& c, const std::vector<LiteralProbe>& probes);

}  // namespace recon::my

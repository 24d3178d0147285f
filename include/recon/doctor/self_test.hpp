#pragma once
/// The type self-test (docs/doctor.md, "Type self-test"): the tables of docs/canonical-values.md,
/// section "Self-test", as built into the binary, and their reading through a connector.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "recon/connector/connector.hpp"
#include "recon/doctor/report.hpp"

namespace recon::doctor {

/// One row of a `### Self-test: <name>` table: cells with the escapes undone (`\|` is `|`) and
/// the surrounding backticks taken off.
struct SelfTestRow {
  std::string type;       ///< the engine's type name
  std::string literal;    ///< the SQL expression
  std::string canonical;  ///< "<class> <value as displayed>" or "null"
  int line = 0;           ///< 1-based line in the document
};

/// docs/canonical-values.md as this binary was built with it.
std::string_view canonical_values_doc();

/// Every `### Self-test: <name>` section of a markdown document, by name: the rows of the first
/// table under the heading (header and separator rows skipped). A section ends at the next
/// heading. Throws std::invalid_argument naming the line of a row without three cells.
std::map<std::string, std::vector<SelfTestRow>> parse_self_tests(std::string_view doc);

/// One markdown table row's cells: split on `|` that are not escaped, `\|` undone, each cell
/// trimmed and stripped of one surrounding code span's backticks.
std::vector<std::string> table_cells(std::string_view line);

/// "<class> <to_display>" of one canonical encoding ("null" for NULL): what the self-test compares
/// with the doc's canonical column.
std::string canonical_text(std::string_view encoding);

/// Reads `rows` through `connector` (Connector::read_literals, all at once; when the engine
/// refuses that statement, one literal at a time so that each refused literal is a failed case
/// naming the engine's message) and compares each with its canonical text. `rows` null: the
/// build's docs have no section `name` (an error, not a pass).
SelfTestResult run_self_test(Connector& connector, const std::string& name, const std::vector<SelfTestRow>* rows);

}  // namespace recon::doctor

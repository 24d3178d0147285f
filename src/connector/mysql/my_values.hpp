#pragma once
// Private to the MySQL connector: text-protocol values -> canonical encodings.

#include <string>

#include "my_connection.hpp"
#include "recon/core/rows.hpp"
#include "recon/model/columns.hpp"

namespace recon::my {

/// Appends field `i` of `row` as the canonical value of `column` (compare_as). Strings and
/// binaries are taken as their bytes, everything else through its text (canon::put_from_text):
/// a value that does not parse — a zero date '0000-00-00', a tinyint(1) holding 7 compared as
/// boolean, a TIME past 24 hours — becomes Invalid carrying its text: a divergence, never an error.
void append_value(std::string& out, const SelectColumn& column, const RowView& row, unsigned i);

/// Appends one row (keys, then values when `with_values`) to `out`.
void append_row(RowBatch& out, const std::vector<SelectColumn>& keys, const std::vector<SelectColumn>& values,
                bool with_values, const RowView& row);

}  // namespace recon::my

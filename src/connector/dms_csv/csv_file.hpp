#pragma once
// Private to the dms_csv connector: one CSV file as DMS writes it, plain or gzip, parsed by
// libcsv, row by row, each row with the line it starts on.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "recon/config/dms_csv_options.hpp"

namespace recon::dms_csv {

/// One row's fields; nullopt is NULL as the options spell it (CsvNullValue).
struct CsvRow {
  std::vector<std::optional<std::string>> fields;
  std::size_t line = 0;  ///< 1-based line of the file the row starts on
};

/// Called for each row that libcsv could split; returns nothing: the caller judges field counts
/// and values itself.
using RowSink = std::function<void(const CsvRow&)>;
/// Called for text libcsv could not split ("line N: …"); reading goes on at the next line when it
/// returns.
using ParseErrorSink = std::function<void(std::size_t line, const std::string& what)>;

/// Reads `file` (gzip when it is gzip-compressed, whatever its name) and calls `on_row` for every
/// row in order, `on_error` for a malformed quote (then resumes at the next line) or a quote that
/// is still open at the end of the file. The header row, when add_column_name, is handed over like
/// any row (line 1). Throws InputError when the file cannot be opened or read.
void read_csv_file(const std::filesystem::path& file, const DmsCsvOptions& options, const RowSink& on_row,
                   const ParseErrorSink& on_error);

}  // namespace recon::dms_csv

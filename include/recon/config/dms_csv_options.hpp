#pragma once
/// The settings of a `kind = "dms_csv"` side: how AWS DMS wrote the CSV files of a full load (and
/// of its change data capture) to S3. Each one is the DMS endpoint setting of the same meaning,
/// with DMS's default, because these are the settings that change the bytes of the files.

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "recon/config/dms_time_format.hpp"

namespace recon {

/// What a row that cannot be read (short or long row, unterminated quote, a value that does not
/// parse as its column's type, a NULL key) does to the run.
enum class OnBadRow {
  Fail,    ///< the run ends as bad input (exit 2), naming file:line and the column
  Report,  ///< the row is left out, reported as a note of its table, and the rest is compared
};

struct DmsCsvOptions {
  char delimiter = ',';  ///< CsvDelimiter
  char quote = '"';      ///< the quote character DMS puts around text that needs it
  /// CsvRowDelimiter: one or two characters that end a row outside a quoted field ("\n", "\r\n", …).
  std::string row_delimiter = "\n";
  /// How date and timestamp (and timestamptz) columns are spelt in the files (dms_time_format.hpp).
  DmsTimeFormat date_format = DmsTimeFormat::dms_date();
  DmsTimeFormat timestamp_format = DmsTimeFormat::dms_timestamp();
  /// AddColumnName: the first row of every file names the columns; each is read by its name.
  bool add_column_name = false;
  /// CsvNullValue as DMS writes it: "" (the default) means NULL is an empty unquoted field and the
  /// empty string is written `""`; any other text is NULL wherever a field holds exactly it.
  std::string null_value;
  /// IncludeOpForFullLoad: LOAD files carry the Op column (I) first, as CDC files always do.
  bool include_op_for_full_load = false;
  /// TimestampColumnName set: every row has DMS's timestamp column after the Op column (or first,
  /// without one); it is skipped.
  bool timestamp_column = false;
  OnBadRow on_bad_row = OnBadRow::Fail;
  /// Explicit column lists, per table as written in [[tables]] ("schema.table" or "table"):
  /// "name:class" entries in file order (class as docs/canonical-values.md names it). A table
  /// without one takes its columns and their types from the other side.
  std::map<std::string, std::vector<std::string>> columns;
  /// Where sorted runs spill; empty: the system's temporary folder.
  std::filesystem::path temp_dir;
  /// Bytes of rows sorted in memory before a run is spilled to temp_dir.
  std::size_t sort_run_bytes = 64u << 20;
};

}  // namespace recon

// [source]/[target] settings of a dms_csv side: DMS's own S3 endpoint settings, with its defaults.
#include "job_dms_csv.hpp"

#include <fmt/format.h>

#include "recon/core/canonical.hpp"
#include "recon/core/errors.hpp"

namespace recon::config_detail {
namespace fs = std::filesystem;

const std::vector<std::string> kDmsCsvKeys = {"delimiter", "quote", "row_delimiter", "date_format", "timestamp_format", "add_column_name", "null_value",
                                              "include_op_for_full_load", "timestamp_column", "on_bad_row",
                                              "columns", "temp_dir", "sort_run_bytes"};

namespace {

/// One character, as DMS's CsvDelimiter takes it; a newline would end rows, not fields.
char one_char(const TableReader& r, const std::string& key, char fallback) {
  const auto v = r.str(key);
  if (!v) return fallback;
  if (v->size() != 1 || (*v)[0] == '\n' || (*v)[0] == '\r')
    r.fail(key, fmt::format("must be one character other than a line break (e.g. \",\" or \"|\"), not \"{}\"", *v));
  return (*v)[0];
}

/// CsvRowDelimiter: one or two characters, none of them the field delimiter or the quote.
std::string row_delimiter(const TableReader& r, const DmsCsvOptions& o) {
  const auto v = r.str("row_delimiter");
  if (!v) return "\n";
  if (v->empty() || v->size() > 2)
    r.fail("row_delimiter", fmt::format("must be one or two characters (e.g. \"\\n\" or \"\\r\\n\"), not {} characters", v->size()));
  if (v->find(o.delimiter) != std::string::npos || v->find(o.quote) != std::string::npos)
    r.fail("row_delimiter", "must not hold the delimiter or the quote character");
  return *v;
}

/// date_format / timestamp_format, refused with what is wrong when they are not formats.
DmsTimeFormat time_format(const TableReader& r, const std::string& key, bool with_time, DmsTimeFormat fallback) {
  const auto v = r.str(key);
  if (!v) return fallback;
  std::string why;
  auto f = DmsTimeFormat::compile(*v, with_time, why);
  if (!f) r.fail(key, fmt::format("\"{}\" {} (docs/job-file.md, dms_csv sides)", *v, why));
  return *f;
}

/// columns = { "public.orders" = ["id:integer", "note:text"] }: every entry names a class.
void read_columns(const TableReader& r, DmsCsvOptions& out) {
  const toml::table* t = r.sub_table("columns");
  if (!t) return;
  for (const auto& [name, node] : *t) {
    const toml::array* list = node.as_array();
    std::vector<std::string> cols;
    if (list)
      for (const auto& item : *list)
        if (auto s = item.value<std::string>()) cols.push_back(*s);
    if (!list || cols.size() != list->size() || cols.empty())
      r.fail("columns", fmt::format(".\"{}\" must be a list of \"name:class\" strings in file order", name.str()));
    for (const std::string& c : cols) {
      const std::size_t colon = c.rfind(':');
      const bool ok = colon != std::string::npos && colon > 0 &&
                      type_class_from_name(std::string_view(c).substr(colon + 1)).has_value();
      if (!ok)
        r.fail("columns", fmt::format(".\"{}\": '{}' is not \"name:class\"; class is one of integer, decimal, float, "
                                      "boolean, date, time, timestamp, timestamptz, uuid, text, bytes, json",
                                      name.str(), c));
    }
    out.columns[std::string(name.str())] = std::move(cols);
  }
}

}  // namespace

void read_dms_csv_options(const TableReader& r, const fs::path& base, DmsCsvOptions& out) {
  out.delimiter = one_char(r, "delimiter", ',');
  out.quote = one_char(r, "quote", '"');
  if (out.quote == out.delimiter) r.fail("quote", "must differ from delimiter");
  out.row_delimiter = row_delimiter(r, out);
  out.date_format = time_format(r, "date_format", false, DmsTimeFormat::dms_date());
  out.timestamp_format = time_format(r, "timestamp_format", true, DmsTimeFormat::dms_timestamp());
  out.add_column_name = r.boolean("add_column_name").value_or(false);
  out.null_value = r.str("null_value").value_or("");
  out.include_op_for_full_load = r.boolean("include_op_for_full_load").value_or(false);
  out.timestamp_column = r.boolean("timestamp_column").value_or(false);
  if (auto v = r.str("on_bad_row")) {
    if (*v == "fail") out.on_bad_row = OnBadRow::Fail;
    else if (*v == "report") out.on_bad_row = OnBadRow::Report;
    else r.fail("on_bad_row", "must be \"fail\" (end the run naming the row) or \"report\" (leave it out, note it)");
  }
  read_columns(r, out);
  if (auto v = r.str("temp_dir")) {
    const fs::path p(*v);
    out.temp_dir = p.is_absolute() || base.empty() ? p : (base / p).lexically_normal();
  }
  if (auto v = r.integer("sort_run_bytes")) {
    if (*v < 1024) r.fail("sort_run_bytes", "must be at least 1024");
    out.sort_run_bytes = static_cast<std::size_t>(*v);
  }
}

}  // namespace recon::config_detail

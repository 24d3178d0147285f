// A table folder of DMS files -> one key-sorted file: rows checked against their columns' classes
// as they are read, CDC applied by the merge (the last change of a key wins).
#include "dms_table.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "csv_file.hpp"
#include "recon/core/canonical.hpp"
#include "recon/core/errors.hpp"

namespace recon::dms_csv {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kIndexStride = 256;
/// Notes of left-out rows kept per table; beyond, only their count.
constexpr std::size_t kMaxRowNotes = 100;

bool is_data_file(const std::string& name) {
  auto ends = [&](std::string_view s) { return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0; };
  return ends(".csv") || ends(".csv.gz");
}

/// Everything one file's rows need to become records.
struct FileReading {
  const TableLayout& layout;
  const DmsCsvOptions& options;
  std::vector<int> key_index;  ///< position of each key column among layout.columns
  ExternalSort& sort;
  std::uint64_t& seq;
  std::string file;            ///< as messages name it
  bool has_op = false;
  std::size_t skip = 0;        ///< DMS's own columns before the data
  std::vector<std::string>& bad;  ///< "file:line: …" of rows that could not be read
  std::string key, values, scratch, converted;
  /// The field of each column (after skip): file order is the layout's unless a header says
  /// otherwise.
  std::vector<std::size_t> field_of;

  void row(const CsvRow& r) {
    if (options.add_column_name && r.line == 1) return header(r);
    const std::size_t expected = skip + layout.columns.size();
    if (r.fields.size() != expected)
      return reject(r.line, fmt::format("{} row: {} fields where {} were expected ({}{} column(s) of {})",
                                        r.fields.size() < expected ? "short" : "long", r.fields.size(), expected,
                                        has_op ? "Op, " : "", layout.columns.size(), layout.ref.display()));
    RowOp op = RowOp::Upsert;
    if (has_op) {
      const auto& f = r.fields[0];
      if (f && (*f == "D")) op = RowOp::Delete;
      else if (!f || (*f != "I" && *f != "U"))
        return reject(r.line, fmt::format("Op is '{}', not I, U or D", f.value_or("")));
    }
    key.clear();
    for (const int k : key_index) {
      const auto& f = r.fields[skip + field_of[static_cast<std::size_t>(k)]];
      const ColumnInfo& c = layout.columns[static_cast<std::size_t>(k)];
      if (!f) return reject(r.line, fmt::format("key column {} is NULL; a key must identify every row", c.name));
      const std::string* text = as_written(c, *f);
      if (!text) return reject_format(r.line, c, *f);
      const std::size_t at = key.size();
      canon::put_from_text(key, c.type_class.value_or(TypeClass::Text), c.padded_char ? canon::without_padding(*text) : *text);
      if (key[at] == static_cast<char>(TypeClass::Invalid)) return reject_value(r.line, c, *f);
    }
    values.clear();
    for (std::size_t i = 0; i < layout.columns.size(); ++i) {
      const auto& f = r.fields[skip + field_of[i]];
      if (!f) {
        canon::put_null(values);
        continue;
      }
      const ColumnInfo& c = layout.columns[i];
      const TypeClass cls = c.type_class.value_or(TypeClass::Text);
      const std::string* text = op == RowOp::Delete ? &*f : as_written(c, *f);
      if (!text) return reject_format(r.line, c, *f);
      if (op != RowOp::Delete && cls != TypeClass::Text && cls != TypeClass::Bytes) {
        scratch.clear();
        canon::put_from_text(scratch, cls, *text);
        if (scratch[0] == static_cast<char>(TypeClass::Invalid)) return reject_value(r.line, layout.columns[i], *f);
      }
      canon::put_text(values, *text);
    }
    sort.add(key, seq++, op, values);
  }

  /// The header (AddColumnName) names the columns: each column is read from the field of its
  /// name, so a file whose columns are in another order than the other side's still reads right.
  void header(const CsvRow& r) {
    const std::size_t n = layout.columns.size();
    if (r.fields.size() != skip + n)
      return reject(r.line, fmt::format("the header names {} fields where {} were expected", r.fields.size(), skip + n));
    for (std::size_t i = 0; i < n; ++i) {
      const std::string& name = layout.columns[i].name;
      std::size_t at = n;
      for (std::size_t f = 0; f < n && at == n; ++f)
        if (r.fields[skip + f] && *r.fields[skip + f] == name) at = f;
      if (at == n)
        return reject(r.line, fmt::format("the header does not name column {} of {}", name, layout.ref.display()));
      field_of[i] = at;
    }
  }

  /// The field as the canonical parser reads it: a date or timestamp through its format
  /// (date_format / timestamp_format), anything else as written. Null when it does not match.
  const std::string* as_written(const ColumnInfo& c, const std::string& f) {
    const TypeClass cls = c.type_class.value_or(TypeClass::Text);
    std::optional<std::string> t;
    if (cls == TypeClass::Date) t = options.date_format.to_canonical(f);
    else if (cls == TypeClass::Timestamp) t = options.timestamp_format.to_canonical(f);
    else if (cls == TypeClass::TimestampTz) t = options.timestamp_format.to_canonical(f, /*zone_tail=*/true);
    else return &f;
    if (!t) return nullptr;
    converted = std::move(*t);
    return &converted;
  }

  void reject_format(std::size_t line, const ColumnInfo& c, const std::string& text) {
    const TypeClass cls = c.type_class.value_or(TypeClass::Text);
    const DmsTimeFormat& f = cls == TypeClass::Date ? options.date_format : options.timestamp_format;
    reject(line, fmt::format("column {}: '{}' does not match {} \"{}\"", c.name, text.substr(0, 80),
                             cls == TypeClass::Date ? "date_format" : "timestamp_format", f.spec()));
  }

  void reject_value(std::size_t line, const ColumnInfo& c, const std::string& text) {
    reject(line, fmt::format("column {}: '{}' is not a valid {} ({})", c.name, text.substr(0, 80),
                             type_class_name(c.type_class.value_or(TypeClass::Text)), c.type_name));
  }
  void reject(std::size_t line, const std::string& what) {
    bad.push_back(fmt::format("{}:{}: {}", file, line, what));
  }
};

std::vector<int> key_indexes(const TableLayout& layout, const std::vector<std::string>& key_columns) {
  std::vector<int> idx;
  for (const auto& k : key_columns) {
    const int i = layout.find(k);
    if (i < 0) throw InputError(fmt::format("key column {} is not a column of the CSV files of {}", k, layout.ref.display()));
    idx.push_back(i);
  }
  return idx;
}

}  // namespace

int TableLayout::find(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name) return static_cast<int>(i);
  return -1;
}

fs::path table_folder(const std::string& url, const TableRef& table, Side side) {
  const fs::path root(url);
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    throw InputError(fmt::format("the {} dms_csv url '{}' is not a folder; set [{}].url to the folder DMS wrote "
                                 "(<schema>/<table>/LOAD00000001.csv …)", side_name(side), url, side_name(side)));
  if (!table.schema.empty()) {
    const fs::path p = root / table.schema / table.name;
    if (!fs::is_directory(p, ec))
      throw InputError(fmt::format("table {} has no folder {} on the {} side (DMS writes <schema>/<table>/)",
                                   table.display(), p.string(), side_name(side)));
    return p;
  }
  std::vector<fs::path> found;
  for (const auto& schema : fs::directory_iterator(root, ec))
    if (fs::is_directory(schema.path() / table.name, ec)) found.push_back(schema.path() / table.name);
  if (found.size() == 1) return found[0];
  if (fs::is_directory(root / table.name, ec) && found.empty()) return root / table.name;
  throw InputError(fmt::format("table {} is {} under {} on the {} side; name it as schema.{} in [[tables]]",
                               table.name, found.empty() ? "in no schema folder" : "in several schema folders", url,
                               side_name(side), table.name));
}

std::vector<fs::path> data_files(const fs::path& folder) {
  std::vector<fs::path> load, cdc;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file() || !is_data_file(name)) continue;
    (name.rfind("LOAD", 0) == 0 ? load : cdc).push_back(e.path());
  }
  if (load.empty() && cdc.empty())
    throw InputError(fmt::format("{} holds no .csv or .csv.gz file (DMS writes LOAD00000001.csv …)", folder.string()));
  std::sort(load.begin(), load.end());
  std::sort(cdc.begin(), cdc.end());
  load.insert(load.end(), cdc.begin(), cdc.end());
  return load;
}

SortedTable load_sorted(const TableLayout& layout, const std::vector<std::string>& key_columns,
                        const DmsCsvOptions& options, const fs::path& scratch, std::vector<std::string>& notes) {
  ExternalSort sort(scratch, options.sort_run_bytes);
  std::uint64_t seq = 0;
  std::vector<std::string> bad;
  const std::vector<int> key_index = key_indexes(layout, key_columns);
  for (const fs::path& file : data_files(layout.folder)) {
    const bool cdc = file.filename().string().rfind("LOAD", 0) != 0;
    FileReading reading{layout, options, key_index, sort, seq, file.string(), cdc || options.include_op_for_full_load,
                        0, bad, {}, {}, {}, {}, {}};
    reading.skip = (reading.has_op ? 1 : 0) + (options.timestamp_column ? 1 : 0);
    for (std::size_t i = 0; i < layout.columns.size(); ++i) reading.field_of.push_back(i);
    read_csv_file(
        file, options, [&](const CsvRow& r) { if (bad.empty() || options.on_bad_row == OnBadRow::Report) reading.row(r); },
        [&](std::size_t line, const std::string& what) { reading.reject(line, what); });
    if (!bad.empty() && options.on_bad_row == OnBadRow::Fail)
      throw InputError(bad.front() + "; fix the file, or set on_bad_row = \"report\" to compare the other rows");
  }
  for (std::size_t i = 0; i < bad.size() && i < kMaxRowNotes; ++i) notes.push_back("row left out: " + bad[i]);
  if (bad.size() > kMaxRowNotes)
    notes.push_back(fmt::format("{} more rows of {} left out (on_bad_row = \"report\")", bad.size() - kMaxRowNotes,
                                layout.ref.display()));
  static std::atomic<int> files{0};
  SortedTable out;
  out.key_columns = key_columns;
  try {
    out.file = sort.merge(scratch / fmt::format("sorted-{}.bin", files++), kIndexStride);
  } catch (const std::runtime_error& e) {
    throw InputError(fmt::format("sorting the CSV rows of {} failed: {}; set temp_dir to a folder with room",
                                 layout.ref.display(), e.what()));
  }
  return out;
}

TableStore& TableStore::of(const Endpoint& endpoint) {
  static std::mutex m;
  static std::map<std::string, std::unique_ptr<TableStore>> stores;
  const std::lock_guard lock(m);
  auto& s = stores[endpoint.url];
  if (!s) s.reset(new TableStore(endpoint));
  return *s;
}

TableStore::TableStore(const Endpoint& endpoint) : options_(endpoint.dms_csv) {}

TableStore::~TableStore() {
  std::error_code ec;
  if (!scratch_.empty()) fs::remove_all(scratch_, ec);
}

fs::path TableStore::scratch() {
  if (!scratch_.empty()) return scratch_;
  static std::atomic<int> n{0};
  const fs::path base = options_.temp_dir.empty() ? fs::temp_directory_path() : options_.temp_dir;
  scratch_ = base / fmt::format("recon-dms-csv-{}-{}", ::getpid(), n++);
  std::error_code ec;
  fs::create_directories(scratch_, ec);
  if (ec) throw InputError(fmt::format("cannot create the sort folder {}: {}; set temp_dir", scratch_.string(), ec.message()));
  return scratch_;
}

void TableStore::set_layout(TableLayout layout) {
  const std::lock_guard lock(mutex_);
  for (auto& l : layouts_)
    if (l.ref.display() == layout.ref.display()) {
      l = std::move(layout);
      return;
    }
  layouts_.push_back(std::move(layout));
}

TableLayout TableStore::layout(const TableRef& table, Side side) {
  const std::lock_guard lock(mutex_);
  for (const auto& l : layouts_)
    if (l.ref.display() == table.display()) return l;
  throw InputError(fmt::format("table {} was read on the {} dms_csv side before it was described", table.display(),
                               side_name(side)));
}

std::shared_ptr<const SortedTable> TableStore::sorted(const TableRef& table, const std::vector<std::string>& key_columns,
                                                      Side side) {
  const TableLayout l = layout(table, side);
  // Loading holds the lock: the side's other connectors wait for the one sorted file, not sort their own.
  const std::lock_guard lock(mutex_);
  for (const auto& x : loaded_)
    if (x.table == table.display() && x.sorted->key_columns == key_columns) return x.sorted;
  auto sorted = std::make_shared<const SortedTable>(load_sorted(l, key_columns, options_, scratch(), notes_[table.display()]));
  loaded_.push_back({table.display(), sorted});
  return sorted;
}

std::optional<std::uint64_t> TableStore::loaded_rows(const TableRef& table) {
  const std::lock_guard lock(mutex_);
  for (const auto& x : loaded_)
    if (x.table == table.display()) return x.sorted->file.rows;
  return std::nullopt;
}

std::vector<std::string> TableStore::take_notes(const TableRef& table) {
  const std::lock_guard lock(mutex_);
  return std::exchange(notes_[table.display()], {});
}

}  // namespace recon::dms_csv

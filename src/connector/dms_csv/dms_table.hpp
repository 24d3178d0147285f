#pragma once
// Private to the dms_csv connector: one table's folder of DMS files, read once per process into a
// key-sorted file that every connector of the side (one per worker) reads ranges from.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "external_sort.hpp"
#include "recon/config/job.hpp"
#include "recon/core/errors.hpp"
#include "recon/model/columns.hpp"

namespace recon::dms_csv {

/// A table's columns in file order (after DMS's Op and timestamp columns) and its folder.
struct TableLayout {
  TableRef ref;
  std::filesystem::path folder;
  std::vector<ColumnInfo> columns;
  /// Index of the column named `name`, or -1.
  int find(const std::string& name) const;
};

/// The table's rows sorted by one choice of key columns: each record's key is the key columns'
/// canonical encodings in their own class, its values every column as text (put_text) or NULL.
struct SortedTable {
  MergedFile file;
  std::vector<std::string> key_columns;
};

/// The folder of `table` under the side's url: url/schema/table, or, for a table written without
/// a schema, the one url/*/table there is (or url/table). Throws InputError naming the folder.
std::filesystem::path table_folder(const std::string& url, const TableRef& table, Side side);

/// The data files of a folder in the order DMS applies them: LOAD* files by name, then the CDC
/// files by name (.csv or .csv.gz). Throws InputError when there is none.
std::vector<std::filesystem::path> data_files(const std::filesystem::path& folder);

/// Reads every file of `layout` and sorts the rows by `key_columns` (CDC applied: the last change
/// of a key wins, a D removes it). Rows that cannot be read are InputErrors naming file:line and
/// the column under on_bad_row = "fail"; under "report" they are left out and each is appended to
/// `notes`. Spills under `scratch`.
SortedTable load_sorted(const TableLayout& layout, const std::vector<std::string>& key_columns,
                        const DmsCsvOptions& options, const std::filesystem::path& scratch,
                        std::vector<std::string>& notes);

/// The tables of every dms_csv side of the process: a layout once described, a sorted file once
/// loaded, shared by all the side's connectors; the scratch folder goes when the process ends.
class TableStore {
 public:
  static TableStore& of(const Endpoint& endpoint);
  void set_layout(TableLayout layout);
  /// The layout described for `table`; InputError when it was never described.
  TableLayout layout(const TableRef& table, Side side);
  /// The table sorted by `key_columns`, loaded on first use (other callers wait).
  std::shared_ptr<const SortedTable> sorted(const TableRef& table, const std::vector<std::string>& key_columns,
                                            Side side);
  /// Rows of `table` when some sorted copy of it is already loaded (nothing is read), else nullopt.
  std::optional<std::uint64_t> loaded_rows(const TableRef& table);
  /// Notes of `table`'s rows left out, once: the first caller gets them.
  std::vector<std::string> take_notes(const TableRef& table);
  ~TableStore();

 private:
  explicit TableStore(const Endpoint& endpoint);
  std::filesystem::path scratch();

  DmsCsvOptions options_;
  std::mutex mutex_;
  std::vector<TableLayout> layouts_;
  struct Loaded {
    std::string table;  ///< TableRef::display()
    std::shared_ptr<const SortedTable> sorted;
  };
  std::vector<Loaded> loaded_;
  std::map<std::string, std::vector<std::string>> notes_;  ///< by TableRef::display()
  std::filesystem::path scratch_;
};

}  // namespace recon::dms_csv

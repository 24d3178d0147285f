#pragma once
// Private to the dms_csv connector: one connector's reads of a sorted table file, by key range,
// with its values converted to the classes the engine compares in.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "dms_table.hpp"
#include "recon/connector/connector.hpp"

namespace recon::dms_csv {

class SortedReader {
 public:
  SortedReader(TableLayout layout, std::shared_ptr<const SortedTable> sorted, Side side);
  ~SortedReader();
  SortedReader(const SortedReader&) = delete;
  SortedReader& operator=(const SortedReader&) = delete;

  std::string table() const { return layout_.ref.display(); }
  const std::vector<std::string>& key_columns() const { return sorted_->key_columns; }
  std::uint64_t rows() const { return sorted_->file.rows; }

  /// About `target` keys spread evenly over the table (from the sparse index), in q's key classes.
  std::vector<std::string> sample(const RangeQuery& q, std::size_t target);
  /// Appends the rows of q's spans, in key order.
  void read(const RangeQuery& q, RowBatch& out);
  /// Appends the rows whose keys are in `keys` (canonical, in q's key classes).
  void fetch(const RangeQuery& q, const std::vector<std::string>& keys, RowBatch& out);

 private:
  struct Record {
    std::string key, values;
  };
  /// Positions the file at the last indexed record whose key is below `lower` (the start without).
  void seek_before(const RangeQuery& q, const std::optional<std::string>& lower);
  bool next(Record& r);
  /// The stored key in q's key classes: `stored` itself when they are the stored classes.
  std::string_view key_as(const RangeQuery& q, const std::string& stored, std::string& buf) const;
  void emit(const RangeQuery& q, std::string_view key, const std::string& values, RowBatch& out);
  std::vector<int> value_columns(const RangeQuery& q) const;

  TableLayout layout_;
  std::shared_ptr<const SortedTable> sorted_;
  Side side_;
  std::FILE* file_ = nullptr;
  std::vector<int> columns_;  ///< of the query being read: each value's column in the layout
  std::string key_buf_, index_buf_;
  std::vector<canon::ValueView> fields_;
};

}  // namespace recon::dms_csv

#pragma once
// Private to the dms_csv connector: an external merge sort of (key, values) records with bounded
// memory. DMS files are in no key order, and a table may be far larger than memory: records are
// sorted in runs of at most `run_bytes`, each spilled to a file, and the runs are merged into one
// file in key order, which SortedFile then serves by key range.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace recon::dms_csv {

/// What a record does to the row of its key (DMS's Op column; a full load is all inserts).
enum class RowOp : char { Upsert = 'I', Delete = 'D' };

/// One entry of the sparse index: a key and the offset of its record in the merged file.
struct IndexEntry {
  std::string key;
  std::uint64_t offset = 0;
};

/// The merged file: records [u32 key length][u32 values length][key][values], one per key, in
/// compare_keys order, with every `index_stride`-th record's key in `index`.
struct MergedFile {
  std::filesystem::path path;
  std::uint64_t rows = 0;
  std::vector<IndexEntry> index;
};

class ExternalSort {
 public:
  /// Spills under `scratch` (which must exist) once `run_bytes` of records are held.
  ExternalSort(std::filesystem::path scratch, std::size_t run_bytes);
  ~ExternalSort();
  ExternalSort(const ExternalSort&) = delete;
  ExternalSort& operator=(const ExternalSort&) = delete;

  /// Adds a record; `seq` orders records of the same key (the later one wins).
  void add(std::string_view key, std::uint64_t seq, RowOp op, std::string_view values);
  /// Runs spilled so far (tests force many with a small run_bytes).
  std::size_t runs() const { return runs_.size(); }

  /// Merges every run into `out`: per key only the record of the highest seq, and none when that
  /// one is a Delete. The runs are removed. Throws std::runtime_error on an I/O failure.
  MergedFile merge(const std::filesystem::path& out, std::size_t index_stride);

 private:
  void spill();

  std::filesystem::path scratch_;
  std::size_t run_bytes_;
  std::string buf_;                   ///< records of the run being filled
  std::vector<std::uint32_t> starts_;  ///< offset of each record in buf_
  std::vector<std::filesystem::path> runs_;
};

}  // namespace recon::dms_csv

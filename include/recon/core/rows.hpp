#pragma once
/// A batch of rows read from one side for one key range, already in canonical form.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace recon {

/// 128-bit XXH3 row digest.
struct Digest {
  std::uint64_t lo = 0, hi = 0;
  bool operator==(const Digest&) const = default;
  std::string hex() const;  ///< 32 lowercase hex digits, hi then lo
};

/// XXH3-128 over a row's value encoding (the concatenation of its compared columns' canonical
/// encodings). With the debug switch on (digest_collisions_forced) every row gets the same digest;
/// the engine confirms equal digests by comparing encodings, so results must not change.
Digest row_digest(std::string_view value_encoding);

/// The debug switch RECON_DEBUG_DIGEST_COLLISIONS=1 in the environment (read once per process):
/// every row digest is the same value, to prove that equal digests are confirmed by value
/// (docs/architecture.md). Results are the same with it; only slower.
bool digest_collisions_forced();

/// Rows of one side of one range. `arena` holds the encodings; rows point into it by offset so the
/// batch is two allocations however many rows it holds.
class RowBatch {
 public:
  struct Row {
    std::uint32_t key_off = 0, key_len = 0;  ///< canonical encodings of the key columns
    std::uint32_t val_off = 0, val_len = 0;  ///< canonical encodings of the compared columns
    Digest digest;  ///< of the canonical values; left zero in raw mode (see set_raw)
  };

  /// Writer protocol used by connectors: begin_row(); append key values to arena();
  /// end_key(); append compared values to arena(); end_row() (computes the digest, except in raw
  /// mode). Call set_raw() before the first row.
  void begin_row() { row_start_ = arena_.size(); }
  std::string& arena() { return arena_; }
  void end_key() { key_end_ = arena_.size(); }
  void end_row();
  /// Drops a row begun with begin_row() (e.g. a read failed half-way).
  void abandon_row() { arena_.resize(row_start_); }

  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  const Row& row(std::size_t i) const { return rows_[i]; }
  std::string_view key(std::size_t i) const { return {arena_.data() + rows_[i].key_off, rows_[i].key_len}; }
  std::string_view values(std::size_t i) const { return {arena_.data() + rows_[i].val_off, rows_[i].val_len}; }
  std::size_t bytes() const { return arena_.size(); }

  /// Raw mode (RangeQuery::raw_values): the connector appended each row's values in its engine's
  /// own wire form; keys are always canonical. Turning every value canonical costs more than
  /// reading it, and when both sides are the same engine with the same column types, equal wire
  /// bytes mean equal canonical values — so only rows whose bytes differ are converted, by
  /// `canonicalize` (raw values of one row → canonical encodings appended to out). Raw rows get no
  /// per-row digest: both sides are in memory and compared byte for byte, and a digest of wire bytes
  /// would not match the canonical digest the audit trail records; divergent rows are digested from
  /// their canonical values instead.
  using Canonicalizer = std::function<void(std::string_view raw, std::string& out)>;
  void set_raw(Canonicalizer canonicalize) { canonicalize_ = std::move(canonicalize); }
  bool raw() const { return static_cast<bool>(canonicalize_); }
  /// The canonical values of row i: a view into the batch, or in raw mode into `buf` (overwritten).
  std::string_view canonical_values(std::size_t i, std::string& buf) const {
    if (!raw()) return values(i);
    buf.clear();
    canonicalize_(values(i), buf);
    return buf;
  }

  /// Sorts rows by key (compare_keys) unless already sorted; returns the index of the first
  /// duplicate key found, or -1.
  std::ptrdiff_t sort_by_key();
  /// Empties this batch, then copies rows [begin, end) of `from` into it, digests and raw mode
  /// (with its canonicalizer) included: one range's share of a read that covered several.
  void assign_rows(const RowBatch& from, std::size_t begin, std::size_t end);
  /// Empties the batch and leaves raw mode.
  void clear() { arena_.clear(); rows_.clear(); canonicalize_ = nullptr; }
  void reserve(std::size_t rows, std::size_t bytes) { rows_.reserve(rows); arena_.reserve(bytes); }

 private:
  std::string arena_;
  std::vector<Row> rows_;
  Canonicalizer canonicalize_;
  std::size_t row_start_ = 0, key_end_ = 0;
};

}  // namespace recon

// RowBatch and the XXH3-128 row digest.
#include <algorithm>
#include <cstdlib>
#include <numeric>

#include <xxhash.h>

#include "recon/core/canonical.hpp"
#include "recon/core/rows.hpp"

namespace recon {

std::string Digest::hex() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(32, '0');
  for (int i = 0; i < 16; ++i) {
    s[15 - i] = kHex[(hi >> (4 * i)) & 15];
    s[31 - i] = kHex[(lo >> (4 * i)) & 15];
  }
  return s;
}

bool digest_collisions_forced() {
  // Read once: the environment does not change the answer halfway through a run.
  static const bool forced = [] {
    const char* v = std::getenv("RECON_DEBUG_DIGEST_COLLISIONS");
    return v != nullptr && std::string_view(v) == "1";
  }();
  return forced;
}

Digest row_digest(std::string_view value_encoding) {
  if (digest_collisions_forced()) return Digest{0x5eed, 0x5eed};
  const XXH128_hash_t h = XXH3_128bits(value_encoding.data(), value_encoding.size());
  return Digest{h.low64, h.high64};
}

void RowBatch::end_row() {
  Row r;
  r.key_off = static_cast<std::uint32_t>(row_start_);
  r.key_len = static_cast<std::uint32_t>(key_end_ - row_start_);
  r.val_off = static_cast<std::uint32_t>(key_end_);
  r.val_len = static_cast<std::uint32_t>(arena_.size() - key_end_);
  // Raw rows are compared by their bytes; a digest of raw bytes would identify nothing outside
  // this run, so divergent raw rows are digested later, from their canonical values.
  if (!raw()) r.digest = row_digest(std::string_view(arena_.data() + r.val_off, r.val_len));
  rows_.push_back(r);
}

void RowBatch::assign_rows(const RowBatch& from, std::size_t begin, std::size_t end) {
  clear();
  canonicalize_ = from.canonicalize_;
  rows_.reserve(end > begin ? end - begin : 0);
  for (std::size_t i = begin; i < end; ++i) {
    // A row's key and values are one block of the arena (sorting moves rows, not their bytes).
    Row r = from.rows_[i];
    const std::size_t off = arena_.size();
    arena_.append(from.arena_, r.key_off, r.key_len + r.val_len);
    r.val_off = static_cast<std::uint32_t>(off + (r.val_off - r.key_off));
    r.key_off = static_cast<std::uint32_t>(off);
    rows_.push_back(r);
  }
}

std::ptrdiff_t RowBatch::sort_by_key() {
  auto key_of = [this](const Row& r) { return std::string_view(arena_.data() + r.key_off, r.key_len); };
  // One pass finds both disorder and duplicates: engines stream rows in key order, so the sort is
  // the exception.
  std::ptrdiff_t duplicate = -1;
  bool sorted = true;
  for (std::size_t i = 1; i < rows_.size(); ++i) {
    const int c = canon::compare_keys(key_of(rows_[i - 1]), key_of(rows_[i]));
    if (c > 0) {
      sorted = false;
      break;
    }
    if (c == 0 && duplicate < 0) duplicate = static_cast<std::ptrdiff_t>(i);
  }
  if (sorted) return duplicate;
  std::stable_sort(rows_.begin(), rows_.end(), [&](const Row& a, const Row& b) {
    return canon::compare_keys(key_of(a), key_of(b)) < 0;
  });
  for (std::size_t i = 1; i < rows_.size(); ++i)
    if (canon::compare_keys(key_of(rows_[i - 1]), key_of(rows_[i])) == 0) return static_cast<std::ptrdiff_t>(i);
  return -1;
}

}  // namespace recon

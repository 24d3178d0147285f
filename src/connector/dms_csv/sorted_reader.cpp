// Range reads of a sorted table file: the sparse index finds where a range starts, then records
// are read in order until its upper bound.
#include "sorted_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

namespace recon::dms_csv {
namespace {

constexpr std::size_t kFileBuffer = 256u << 10;

/// The text of a stored value (payload of its put_text encoding).
void put_value(std::string& out, const SelectColumn& sc, const canon::ValueView& v) {
  if (v.is_null()) return canon::put_null(out);
  std::string_view text = v.payload;
  if (sc.trim_padding || sc.native.padded_char) text = canon::without_padding(text);
  if (sc.compare_as == TypeClass::Float && (sc.single_float || sc.native.single_float)) {
    const std::size_t at = out.size();
    canon::put_from_text(out, TypeClass::Float, text, sc.time_rounding);
    if (out[at] != static_cast<char>(TypeClass::Float)) return;
    std::size_t pos = at;
    const double d = canon::read_value(out, pos).as_double();
    out.resize(at);
    return canon::put_float(out, d, true);
  }
  canon::put_from_text(out, sc.compare_as, text, sc.time_rounding);
}

}  // namespace

SortedReader::SortedReader(TableLayout layout, std::shared_ptr<const SortedTable> sorted, Side side)
    : layout_(std::move(layout)), sorted_(std::move(sorted)), side_(side) {
  file_ = std::fopen(sorted_->file.path.c_str(), "rb");
  if (!file_)
    throw ConnectorError(side_, fmt::format("cannot open the sorted rows of {} ({}): {}", layout_.ref.display(),
                                            sorted_->file.path.string(), std::strerror(errno)), false);
  std::setvbuf(file_, nullptr, _IOFBF, kFileBuffer);
}

SortedReader::~SortedReader() {
  if (file_) std::fclose(file_);
}

std::string_view SortedReader::key_as(const RangeQuery& q, const std::string& stored, std::string& buf) const {
  std::size_t pos = 0;
  bool same = true;
  for (std::size_t k = 0; k < q.keys.size() && pos < stored.size(); ++k) {
    const canon::ValueView v = canon::read_value(stored, pos);
    same = same && v.tag == q.keys[k].compare_as;
  }
  if (same) return stored;
  buf.clear();
  pos = 0;
  for (std::size_t k = 0; k < q.keys.size() && pos < stored.size(); ++k)
    canon::put_converted(buf, q.keys[k].compare_as, canon::read_value(stored, pos), q.keys[k].time_rounding);
  return buf;
}

void SortedReader::seek_before(const RangeQuery& q, const std::optional<std::string>& lower) {
  const auto& index = sorted_->file.index;
  std::uint64_t offset = 0;
  if (lower) {
    // The last indexed key below `lower`: every key from `lower` on lies after it.
    auto it = std::partition_point(index.begin(), index.end(), [&](const IndexEntry& e) {
      return canon::compare_keys(key_as(q, e.key, index_buf_), *lower) < 0;
    });
    if (it != index.begin()) offset = std::prev(it)->offset;
  }
  if (fseeko(file_, static_cast<off_t>(offset), SEEK_SET) != 0)
    throw ConnectorError(side_, "cannot seek in the sorted rows of " + layout_.ref.display(), true);
}

bool SortedReader::next(Record& r) {
  std::uint32_t len[2];
  if (std::fread(len, 4, 2, file_) != 2) return false;
  r.key.resize(len[0]);
  r.values.resize(len[1]);
  if (std::fread(r.key.data(), 1, len[0], file_) != len[0] || std::fread(r.values.data(), 1, len[1], file_) != len[1])
    throw ConnectorError(side_, "the sorted rows of " + layout_.ref.display() + " are truncated", true);
  return true;
}

std::vector<int> SortedReader::value_columns(const RangeQuery& q) const {
  std::vector<int> cols;
  for (const auto& v : q.values) {
    const int i = layout_.find(v.native.name);
    if (i < 0)
      throw InputError(fmt::format("column {} is not a column of the CSV files of {}", v.native.name, layout_.ref.display()));
    cols.push_back(i);
  }
  return cols;
}

void SortedReader::emit(const RangeQuery& q, std::string_view key, const std::string& values, RowBatch& out) {
  fields_.clear();
  for (std::size_t pos = 0; pos < values.size();) fields_.push_back(canon::read_value(values, pos));
  out.begin_row();
  out.arena().append(key);
  out.end_key();
  for (std::size_t v = 0; v < q.values.size(); ++v)
    put_value(out.arena(), q.values[v], fields_[static_cast<std::size_t>(columns_[v])]);
  out.end_row();
}

void SortedReader::read(const RangeQuery& q, RowBatch& out) {
  columns_ = value_columns(q);
  Record r;
  for (const KeySpan& span : spans_of(q)) {
    seek_before(q, span.lower);
    while (next(r)) {
      const std::string_view key = key_as(q, r.key, key_buf_);
      if (span.lower && canon::compare_keys(key, *span.lower) < 0) continue;
      if (span.upper && canon::compare_keys(key, *span.upper) >= 0) break;
      emit(q, key, r.values, out);
    }
  }
}

void SortedReader::fetch(const RangeQuery& q, const std::vector<std::string>& keys, RowBatch& out) {
  columns_ = value_columns(q);
  std::vector<std::string> sorted_keys = keys;
  std::sort(sorted_keys.begin(), sorted_keys.end(), [](const std::string& a, const std::string& b) {
    return canon::compare_keys(a, b) < 0;
  });
  Record r;
  for (const std::string& want : sorted_keys) {
    seek_before(q, want);
    while (next(r)) {
      const std::string_view key = key_as(q, r.key, key_buf_);
      const int c = canon::compare_keys(key, want);
      if (c < 0) continue;
      if (c == 0) emit(q, key, r.values, out);
      break;
    }
  }
}

std::vector<std::string> SortedReader::sample(const RangeQuery& q, std::size_t target) {
  const auto& index = sorted_->file.index;
  std::vector<std::string> keys;
  if (target == 0 || index.empty()) return keys;
  const std::size_t stride = std::max<std::size_t>(1, index.size() / target);
  for (std::size_t i = 0; i < index.size(); i += stride) keys.emplace_back(key_as(q, index[i].key, key_buf_));
  return keys;
}

}  // namespace recon::dms_csv

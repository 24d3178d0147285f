// Runs: [u32 key length][u32 values length][u64 seq][u8 op][key][values]; sorted by (key, seq).
#include "external_sort.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <queue>
#include <stdexcept>

#include "recon/core/canonical.hpp"

namespace recon::dms_csv {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kHeader = 4 + 4 + 8 + 1;
constexpr std::size_t kFileBuffer = 1u << 20;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File open_file(const fs::path& path, const char* mode) {
  File f(std::fopen(path.c_str(), mode));
  if (!f) throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  std::setvbuf(f.get(), nullptr, _IOFBF, kFileBuffer);
  return f;
}

void write_all(std::FILE* f, const void* data, std::size_t n, const fs::path& path) {
  if (n && std::fwrite(data, 1, n, f) != n)
    throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
}

/// A record seen through its header.
struct View {
  std::string_view key, values;
  std::uint64_t seq = 0;
  RowOp op = RowOp::Upsert;
};

View view_at(const char* p) {
  std::uint32_t klen, vlen;
  View v;
  std::memcpy(&klen, p, 4);
  std::memcpy(&vlen, p + 4, 4);
  std::memcpy(&v.seq, p + 8, 8);
  v.op = static_cast<RowOp>(p[16]);
  v.key = {p + kHeader, klen};
  v.values = {p + kHeader + klen, vlen};
  return v;
}

bool before(const View& a, const View& b) {
  const int c = canon::compare_keys(a.key, b.key);
  return c < 0 || (c == 0 && a.seq < b.seq);
}

/// Reads one run back, a record at a time.
class RunReader {
 public:
  explicit RunReader(const fs::path& path) : path_(path), f_(open_file(path, "rb")) { next(); }
  bool done() const { return done_; }
  const View& current() const { return view_; }
  void next() {
    char header[kHeader];
    const std::size_t got = std::fread(header, 1, kHeader, f_.get());
    if (got == 0) {
      done_ = true;
      return;
    }
    std::uint32_t klen, vlen;
    std::memcpy(&klen, header, 4);
    std::memcpy(&vlen, header + 4, 4);
    record_.resize(kHeader + klen + vlen);
    std::memcpy(record_.data(), header, kHeader);
    if (got != kHeader || std::fread(record_.data() + kHeader, 1, klen + vlen, f_.get()) != klen + vlen)
      throw std::runtime_error("run file " + path_.string() + " is truncated");
    view_ = view_at(record_.data());
  }

 private:
  fs::path path_;
  File f_;
  std::string record_;
  View view_;
  bool done_ = false;
};

}  // namespace

ExternalSort::ExternalSort(fs::path scratch, std::size_t run_bytes)
    : scratch_(std::move(scratch)), run_bytes_(run_bytes) {}

ExternalSort::~ExternalSort() {
  std::error_code ec;
  for (const auto& r : runs_) fs::remove(r, ec);
}

void ExternalSort::add(std::string_view key, std::uint64_t seq, RowOp op, std::string_view values) {
  // One allocation of the whole run: growing by doubling would briefly hold old and new buffers.
  if (buf_.capacity() < run_bytes_) buf_.reserve(run_bytes_);
  if (!buf_.empty() && buf_.size() + starts_.size() * 4 + kHeader + key.size() + values.size() > run_bytes_) spill();
  starts_.push_back(static_cast<std::uint32_t>(buf_.size()));
  const auto klen = static_cast<std::uint32_t>(key.size());
  const auto vlen = static_cast<std::uint32_t>(values.size());
  char header[kHeader];
  std::memcpy(header, &klen, 4);
  std::memcpy(header + 4, &vlen, 4);
  std::memcpy(header + 8, &seq, 8);
  header[16] = static_cast<char>(op);
  buf_.append(header, kHeader);
  buf_.append(key);
  buf_.append(values);
}

void ExternalSort::spill() {
  if (starts_.empty()) return;
  const char* base = buf_.data();
  std::sort(starts_.begin(), starts_.end(),
            [base](std::uint32_t a, std::uint32_t b) { return before(view_at(base + a), view_at(base + b)); });
  runs_.push_back(scratch_ / ("run-" + std::to_string(runs_.size()) + ".bin"));
  File f = open_file(runs_.back(), "wb");
  for (const std::uint32_t s : starts_) {
    const View v = view_at(base + s);
    write_all(f.get(), base + s, kHeader + v.key.size() + v.values.size(), runs_.back());
  }
  if (std::fflush(f.get()) != 0) throw std::runtime_error("cannot write " + runs_.back().string());
  buf_.clear();
  starts_.clear();
}

MergedFile ExternalSort::merge(const fs::path& out, std::size_t index_stride) {
  spill();
  std::string().swap(buf_);  // the run buffer's memory goes back before the merge's buffers come
  std::vector<std::uint32_t>().swap(starts_);
  std::vector<std::unique_ptr<RunReader>> readers;
  for (const auto& r : runs_) readers.push_back(std::make_unique<RunReader>(r));
  auto later = [&](std::size_t a, std::size_t b) { return before(readers[b]->current(), readers[a]->current()); };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heap(later);
  for (std::size_t i = 0; i < readers.size(); ++i)
    if (!readers[i]->done()) heap.push(i);

  MergedFile merged;
  merged.path = out;
  File f = open_file(out, "wb");
  std::uint64_t offset = 0;
  std::string pending_key, pending_values;  // the latest record of the key being merged
  bool have_pending = false, pending_delete = false;
  auto emit = [&] {
    if (!have_pending || pending_delete) return;
    if (merged.rows % index_stride == 0) merged.index.push_back({pending_key, offset});
    const auto klen = static_cast<std::uint32_t>(pending_key.size());
    const auto vlen = static_cast<std::uint32_t>(pending_values.size());
    write_all(f.get(), &klen, 4, out);
    write_all(f.get(), &vlen, 4, out);
    write_all(f.get(), pending_key.data(), klen, out);
    write_all(f.get(), pending_values.data(), vlen, out);
    offset += 8 + klen + vlen;
    ++merged.rows;
  };
  while (!heap.empty()) {
    const std::size_t i = heap.top();
    heap.pop();
    const View& v = readers[i]->current();
    if (!have_pending || canon::compare_keys(v.key, pending_key) != 0) {
      emit();
      pending_key.assign(v.key);
      have_pending = true;
    }
    pending_values.assign(v.values);  // records of one key come in seq order: the last one wins
    pending_delete = v.op == RowOp::Delete;
    readers[i]->next();
    if (!readers[i]->done()) heap.push(i);
  }
  emit();
  if (std::fflush(f.get()) != 0) throw std::runtime_error("cannot write " + out.string());
  readers.clear();
  std::error_code ec;
  for (const auto& r : runs_) fs::remove(r, ec);
  runs_.clear();
  return merged;
}

}  // namespace recon::dms_csv

#include "recon/engine/workers.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <optional>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "recon/core/interrupt.hpp"

namespace recon {

ConnectionPool::ConnectionPool(const RunOptions& opts, std::size_t workers)
    : opts_(opts), source_(workers), target_(workers) {}

Connector& ConnectionPool::get(std::size_t w, Side side) {
  {
    const std::lock_guard lock(slots_);
    if (auto& slot = side == Side::Source ? source_[w] : target_[w]) return *slot;
  }
  // Log in outside the lock: the other side and the other workers log in at the same time.
  auto fresh = open_connector(side == Side::Source ? opts_.source : opts_.target, side);
  const std::lock_guard lock(slots_);
  auto& slot = side == Side::Source ? source_[w] : target_[w];
  slot = std::move(fresh);
  return *slot;
}

void ConnectionPool::open_all() {
  std::vector<std::future<void>> opening;
  // Worker 0's connections are planning's, in use meanwhile: never touch them here.
  for (std::size_t w = 1; w < size(); ++w)
    for (Side side : {Side::Source, Side::Target})
      opening.push_back(std::async(std::launch::async, [this, w, side] {
        try {
          get(w, side);
        } catch (const std::exception&) {
          // reported by the worker's own get() when it needs the connection
        }
      }));
  for (auto& f : opening) f.wait();
}

void ConnectionPool::drop_connections(std::size_t w) {
  std::unique_ptr<Connector> dropped[2];
  {
    const std::lock_guard lock(slots_);
    dropped[0] = std::move(source_[w]);
    dropped[1] = std::move(target_[w]);
  }
  // closed outside the lock: closing waits for the server
}

void ConnectionPool::cancel_all() noexcept {
  const std::lock_guard lock(slots_);
  for (auto* slots : {&source_, &target_})
    for (auto& c : *slots)
      if (c) c->cancel();
}

bool is_retryable(const ConnectorError& e) { return e.poisoned() && !e.login() && !interrupt_requested(); }

void pause_before_retry(int attempt) {
  sleep_unless_interrupted(std::chrono::milliseconds(250 << std::min(attempt - 1, 4)));
}

namespace {

struct WorkerBuffers {
  RowBatch source, target;
  RowBatch source_part, target_part;  ///< one range's rows of a read that covered several
};

/// Reads `qs`/`qt` from both sides at once (the target on a helper thread) into `buf`, sorted by
/// key; throws the first side's error (ConnectorError for connection trouble and duplicate keys).
void read_both_sides(ConnectionPool& pool, std::size_t w, WorkerBuffers& buf, const TableContext& ctx,
                     const RangeQuery& qs, const RangeQuery& qt) {
  buf.source.clear();
  buf.target.clear();
  std::exception_ptr source_error, target_error;
  try {
    Connector& src = pool.get(w, Side::Source);
    Connector& tgt = pool.get(w, Side::Target);
    auto target_read = std::async(std::launch::async, [&] {
      try {
        tgt.read_range(qt, buf.target);
      } catch (...) {
        target_error = std::current_exception();
      }
    });
    try {
      src.read_range(qs, buf.source);
    } catch (...) {
      source_error = std::current_exception();
    }
    target_read.wait();
  } catch (...) {
    source_error = std::current_exception();  // opening a connection failed
  }
  if (source_error) std::rethrow_exception(source_error);
  if (target_error) std::rethrow_exception(target_error);
  for (auto [batch, side] : {std::pair{&buf.source, Side::Source}, std::pair{&buf.target, Side::Target}}) {
    const std::ptrdiff_t dup = batch->sort_by_key();
    if (dup >= 0)
      throw ConnectorError(side, fmt::format("table {}: key {} appears twice on the {} side; the key is not unique — choose a unique key",
                                             ctx.name, canon::key_to_json(ctx.privacy->shown_key(batch->key(static_cast<std::size_t>(dup)))), side_name(side)),
                           /*poisoned=*/false);
  }
}

/// The rows of sorted `batch` from `from` on whose keys lie below `upper` (absent: all the rest).
std::size_t rows_below(const RowBatch& batch, std::size_t from, const std::optional<std::string>& upper) {
  std::size_t i = from;
  while (i < batch.size() && (!upper || canon::compare_keys(batch.key(i), *upper) < 0)) ++i;
  return i;
}

/// Compares the rows in `buf` (ranges [first, last) of `ranges`, read together) range by range
/// into outs[0 … last-first).
void compare_each_range(WorkerBuffers& buf, const std::vector<RangeRecord>& ranges, std::size_t first,
                        std::size_t last, int attempt, std::vector<RangeOutcome>& outs) {
  std::size_t s = 0, t = 0;
  for (std::size_t i = first; i < last; ++i) {
    RangeOutcome& out = outs[i - first];
    out = RangeOutcome{};
    out.range_index = i;
    out.attempts = attempt;
    if (last - first == 1) {
      compare_batches(buf.source, buf.target, out);
    } else {
      // The read returns only rows inside the spans, so a range's rows are those below its upper.
      const std::size_t s_end = rows_below(buf.source, s, ranges[i].upper);
      const std::size_t t_end = rows_below(buf.target, t, ranges[i].upper);
      buf.source_part.assign_rows(buf.source, s, s_end);
      buf.target_part.assign_rows(buf.target, t, t_end);
      compare_batches(buf.source_part, buf.target_part, out);
      s = s_end;
      t = t_end;
    }
    for (Divergence& d : out.divergences) d.range_index = ranges[i].index;
  }
}

/// Compares ranges [first, last) of `ranges`, read with one statement per side (RangeQuery::spans
/// when there are several), each range on its own: one outcome per range, in order, as if each had
/// been read alone. Connection trouble is retried on fresh connections; anything else fails every
/// range of the read.
std::vector<RangeOutcome> compare_ranges_read_together(const RunOptions& opts, ConnectionPool& pool, std::size_t w,
                                                       WorkerBuffers& buf, const TableContext& ctx, RangeQuery qs,
                                                       RangeQuery qt, const std::vector<RangeRecord>& ranges,
                                                       std::size_t first, std::size_t last) {
  if (last - first == 1) {
    qs.lower = qt.lower = ranges[first].lower;
    qs.upper = qt.upper = ranges[first].upper;
  } else {
    for (std::size_t i = first; i < last; ++i) qs.spans.push_back(KeySpan{ranges[i].lower, ranges[i].upper});
    qt.spans = qs.spans;
  }
  std::vector<RangeOutcome> outs(last - first);
  for (int attempt = 1;; ++attempt) {
    std::string error;
    try {
      read_both_sides(pool, w, buf, ctx, qs, qt);
      compare_each_range(buf, ranges, first, last, attempt, outs);
      return outs;
    } catch (const ConnectorError& e) {
      if (is_retryable(e) && attempt <= opts.retries) {
        // Both sides read at once, so both may have broken; the other may have died while idle.
        pool.drop_connections(w);
        pause_before_retry(attempt);
        continue;
      }
      error = fmt::format("{} side: {}", side_name(e.side()), redact_secrets(e.what()));
    } catch (const std::exception& e) {
      error = redact_secrets(e.what());
    }
    if (ctx.privacy->any()) error = privacy::without_row_values(error);  // an engine may quote the row
    for (std::size_t i = first; i < last; ++i) {
      RangeOutcome& out = outs[i - first];
      out = RangeOutcome{};
      out.range_index = i;
      out.attempts = attempt;
      out.failed = true;
      out.error = error;
    }
    return outs;
  }
}

}  // namespace

namespace {

/// Ranges handed from the workers to the writer, and how far the workers got.
struct Handoff {
  std::mutex mu;
  std::condition_variable ready;
  std::map<std::size_t, RangeOutcome> done;
  std::vector<std::pair<std::size_t, std::size_t>> reads;  ///< [first, last) ranges read together
  std::vector<std::size_t> read_of;  ///< range → its entry in `reads`
  std::atomic<std::size_t> next{0};  ///< the next read a worker takes; reads below were taken
  std::atomic<bool> stop{false};     ///< a sink failed: the workers stop taking ranges
};

/// Consecutive ranges read together, at most `per_read` at a time. A range open at either end is
/// read alone: its size is not bounded by the plan, and read through an OR of ranges the server
/// would fetch its rows from the table (a bitmap scan, then a sort) instead of walking the index.
void plan_reads(const std::vector<RangeRecord>& ranges, std::size_t per_read, Handoff& h) {
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const bool open = !ranges[i].lower || !ranges[i].upper;
    const bool join = !h.reads.empty() && !open && h.reads.back().second == i &&
                      h.reads.back().second - h.reads.back().first < per_read &&
                      ranges[h.reads.back().first].lower && ranges[h.reads.back().first].upper;
    if (join) ++h.reads.back().second;
    else h.reads.emplace_back(i, i + 1);
    h.read_of.push_back(h.reads.size() - 1);
  }
}

/// Waits for range `k`'s outcome. nullopt when it will never come: the run is stopping and no
/// worker took it. After 5 s of stopping, the reads still in flight are cancelled.
std::optional<RangeOutcome> await_range(Handoff& h, ConnectionPool& pool, std::size_t k,
                                        std::optional<std::chrono::steady_clock::time_point>& stopping_since,
                                        bool& cancelled) {
  std::unique_lock lock(h.mu);
  for (;;) {
    if (auto it = h.done.find(k); it != h.done.end()) {
      RangeOutcome out = std::move(it->second);
      h.done.erase(it);
      return out;
    }
    if (interrupt_requested()) {
      if (h.read_of[k] >= h.next.load()) return std::nullopt;
      const auto now = std::chrono::steady_clock::now();
      if (!stopping_since) stopping_since = now;
      if (!cancelled && now - *stopping_since > std::chrono::seconds(5)) {
        pool.cancel_all();
        cancelled = true;
      }
    }
    h.ready.wait_for(lock, std::chrono::milliseconds(100));
  }
}

}  // namespace

TableTotals run_ranges(const RunOptions& opts, ConnectionPool& pool, const TableContext& ctx, const RangeQuery& qs,
                       const RangeQuery& qt, const std::vector<RangeRecord>& ranges,
                       const std::vector<ResultSink*>& sinks, const ProgressFn& progress,
                       std::size_t ranges_per_read) {
  TableTotals totals;
  const std::size_t n = ranges.size();
  Handoff h;
  plan_reads(ranges, std::max<std::size_t>(ranges_per_read, 1), h);
  const std::size_t workers = std::min(pool.size(), std::max<std::size_t>(h.reads.size(), 1));
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      WorkerBuffers buf;
      while (!h.stop && !interrupt_requested()) {
        const std::size_t read = h.next.fetch_add(1);
        if (read >= h.reads.size()) break;
        const auto [first, last] = h.reads[read];
        std::vector<RangeOutcome> outs =
            compare_ranges_read_together(opts, pool, w, buf, ctx, qs, qt, ranges, first, last);
        {
          std::lock_guard lock(h.mu);
          for (RangeOutcome& out : outs) h.done.emplace(out.range_index, std::move(out));
        }
        h.ready.notify_one();
      }
    });
  }

  std::exception_ptr sink_error;
  std::int64_t rows = 0;
  std::optional<std::chrono::steady_clock::time_point> stopping_since;
  bool cancelled = false;
  for (std::size_t k = 0; k < n && !sink_error; ++k) {
    std::optional<RangeOutcome> out = await_range(h, pool, k, stopping_since, cancelled);
    try {
      if (!out || (out->failed && interrupt_requested())) {
        ++totals.ranges_not_compared;  // the run is stopping: not a failure of the range
      } else if (out->failed) {
        ++totals.ranges_failed;
        if (totals.first_error.empty()) totals.first_error = out->error;
      } else {
        ++totals.ranges_done;
        totals.counts += out->counts;
        if (!out->divergences.empty())
          for (ResultSink* s : sinks) s->divergences(ctx, out->divergences);
        RangeRecord done = ranges[k];
        done.counts = out->counts;
        for (ResultSink* s : sinks) s->range_done(ctx, done);
      }
      if (out) rows += out->counts.rows_source + out->counts.rows_target;
      if (progress) progress(k + 1, n, rows);
    } catch (...) {
      sink_error = std::current_exception();
      h.stop = true;
    }
  }
  for (auto& t : threads) t.join();
  if (sink_error) std::rethrow_exception(sink_error);
  return totals;
}

}  // namespace recon

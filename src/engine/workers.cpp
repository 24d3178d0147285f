#include "recon/engine/workers.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

namespace recon {

ConnectionPool::ConnectionPool(const RunOptions& opts, std::size_t workers)
    : opts_(opts), source_(workers), target_(workers) {}

void ConnectionPool::adopt(std::unique_ptr<Connector> source, std::unique_ptr<Connector> target) {
  source_[0] = std::move(source);
  target_[0] = std::move(target);
}

Connector& ConnectionPool::get(std::size_t w, Side side) {
  auto& slot = side == Side::Source ? source_[w] : target_[w];
  if (!slot) slot = open_connector(side == Side::Source ? opts_.source : opts_.target, side);
  return *slot;
}

void ConnectionPool::open_all() {
  std::vector<std::future<void>> opening;
  // Worker 0 holds the adopted connections, which planning uses meanwhile: never touch them here.
  for (std::size_t w = 1; w < size(); ++w)
    for (Side side : {Side::Source, Side::Target})
      if (!(side == Side::Source ? source_[w] : target_[w]))
        opening.push_back(std::async(std::launch::async, [this, w, side] {
          try {
            get(w, side);
          } catch (const std::exception&) {
            // reported by the worker's own get() when it needs the connection
          }
        }));
  for (auto& f : opening) f.wait();
}

void ConnectionPool::reopen(std::size_t w, Side side) {
  auto& slot = side == Side::Source ? source_[w] : target_[w];
  slot.reset();  // drop the poisoned one first: never two connections where one is broken
  slot = open_connector(side == Side::Source ? opts_.source : opts_.target, side);
}

void pause_before_retry(int attempt) {
  std::this_thread::sleep_for(std::chrono::milliseconds(250 << std::min(attempt - 1, 4)));
}

namespace {

struct WorkerBuffers {
  RowBatch source, target;
};

/// Reads one range from both sides at once (the target on a helper thread) and compares it.
/// Connection trouble is retried on fresh connections; anything else fails the range.
RangeOutcome compare_range(const RunOptions& opts, ConnectionPool& pool, std::size_t w, WorkerBuffers& buf,
                           const TableContext& ctx, RangeQuery qs, RangeQuery qt, const KeyRange& range,
                           std::size_t position) {
  RangeOutcome out;
  out.range_index = position;
  qs.lower = qt.lower = range.lower;
  qs.upper = qt.upper = range.upper;
  for (int attempt = 1;; ++attempt) {
    out.attempts = attempt;
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
    try {
      if (source_error) std::rethrow_exception(source_error);
      if (target_error) std::rethrow_exception(target_error);
      for (auto [batch, side] : {std::pair{&buf.source, Side::Source}, std::pair{&buf.target, Side::Target}}) {
        const std::ptrdiff_t dup = batch->sort_by_key();
        if (dup >= 0)
          throw ConnectorError(side, fmt::format("table {}: key {} appears twice on the {} side; the key is not unique — choose a unique key",
                                                 ctx.name, canon::key_to_json(batch->key(static_cast<std::size_t>(dup))), side_name(side)),
                               /*poisoned=*/false);
      }
      compare_batches(buf.source, buf.target, out);
      return out;
    } catch (const ConnectorError& e) {
      if (e.poisoned() && attempt <= opts.retries) {
        pause_before_retry(attempt);
        try {
          pool.reopen(w, e.side());
        } catch (const std::exception&) {
          // the next attempt reports it if the engine is still unreachable
        }
        continue;
      }
      out.failed = true;
      out.error = fmt::format("{} side: {}", side_name(e.side()), redact_secrets(e.what()));
    } catch (const std::exception& e) {
      out.failed = true;
      out.error = redact_secrets(e.what());
    }
    out.counts = {};
    out.divergences.clear();
    return out;
  }
}

}  // namespace

TableTotals run_ranges(const RunOptions& opts, ConnectionPool& pool, const TableContext& ctx, const RangeQuery& qs,
                       const RangeQuery& qt, const std::vector<KeyRange>& ranges, const std::vector<ResultSink*>& sinks,
                       const ProgressFn& progress) {
  TableTotals totals;
  const std::size_t n = ranges.size();
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable ready;
  std::map<std::size_t, RangeOutcome> done;

  const std::size_t workers = std::min(pool.size(), std::max<std::size_t>(n, 1));
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      WorkerBuffers buf;
      for (std::size_t i; !stop && (i = next.fetch_add(1)) < n;) {
        RangeOutcome out = compare_range(opts, pool, w, buf, ctx, qs, qt, ranges[i], i);
        {
          std::lock_guard lock(mu);
          done.emplace(i, std::move(out));
        }
        ready.notify_one();
      }
    });
  }

  std::exception_ptr sink_error;
  std::int64_t rows = 0;
  for (std::size_t k = 0; k < n && !sink_error; ++k) {
    RangeOutcome out;
    {
      std::unique_lock lock(mu);
      ready.wait(lock, [&] { return done.count(k) > 0; });
      out = std::move(done[k]);
      done.erase(k);
    }
    try {
      if (out.failed) {
        ++totals.ranges_failed;
        if (totals.first_error.empty()) totals.first_error = out.error;
      } else {
        ++totals.ranges_done;
        totals.counts += out.counts;
        if (!out.divergences.empty())
          for (ResultSink* s : sinks) s->divergences(ctx, out.divergences);
      }
      rows += out.counts.rows_source + out.counts.rows_target;
      if (progress) progress(k + 1, n, rows);
    } catch (...) {
      sink_error = std::current_exception();
      stop = true;
    }
  }
  for (auto& t : threads) t.join();
  if (sink_error) std::rethrow_exception(sink_error);
  return totals;
}

}  // namespace recon

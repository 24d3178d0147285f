#pragma once
/// The worker pool: `threads` workers, each with its own source and target connection, pulling key
/// ranges from a shared counter. Results are handed to the calling thread in range order, so the
/// sinks (audit trail, fix-up SQL) have a single writer and see keys in order.

#include <functional>
#include <memory>
#include <vector>

#include "recon/connector/connector.hpp"
#include "recon/engine/compare.hpp"
#include "recon/model/result.hpp"
#include "recon/plan/planner.hpp"

namespace recon {

/// Connections per worker, opened lazily in the worker's own thread and reopened when poisoned.
class ConnectionPool {
 public:
  ConnectionPool(const RunOptions& opts, std::size_t workers);
  /// Lends already-open connections to worker 0 (the ones validation used).
  void adopt(std::unique_ptr<Connector> source, std::unique_ptr<Connector> target);
  Connector& get(std::size_t worker, Side side);
  /// Opens the connections of workers 1..n-1, all at once (each would otherwise pay a login on its
  /// first range). Worker 0's are the adopted ones, in use meanwhile. Failures are left for get().
  void open_all();
  void reopen(std::size_t worker, Side side);
  std::size_t size() const { return source_.size(); }

 private:
  const RunOptions& opts_;
  std::vector<std::unique_ptr<Connector>> source_, target_;
};

/// Sleeps before try `attempt + 1` after a lost connection: 250 ms, doubling, at most 4 s.
void pause_before_retry(int attempt);

/// Calls `work()` until it returns. After a ConnectorError that poisoned its connection, reopens
/// that side's connection of `worker` and tries again, up to opts.retries times; anything else,
/// and the last failure, propagate.
template <class Work>
auto retry_on_lost_connection(const RunOptions& opts, ConnectionPool& pool, std::size_t worker, Work&& work) {
  for (int attempt = 1;; ++attempt) {
    try {
      return work();
    } catch (const ConnectorError& e) {
      if (!e.poisoned() || attempt > opts.retries) throw;
      pause_before_retry(attempt);
      pool.reopen(worker, e.side());
    }
  }
}

/// Called on the writer thread after each range: (ranges done, ranges total, rows read so far).
using ProgressFn = std::function<void(std::size_t, std::size_t, std::int64_t)>;

struct TableTotals {
  RangeCounts counts;
  std::size_t ranges_done = 0, ranges_failed = 0;
  std::string first_error;
};

/// Compares `ranges` of one table. `source_query`/`target_query` carry the table, columns and
/// filter; their bounds are set per range. Never throws for a range's trouble: a range that fails
/// after its retries is counted in ranges_failed. Throws only when a sink fails (I/O).
TableTotals run_ranges(const RunOptions& opts, ConnectionPool& pool, const TableContext& ctx,
                       const RangeQuery& source_query, const RangeQuery& target_query,
                       const std::vector<KeyRange>& ranges, const std::vector<ResultSink*>& sinks,
                       const ProgressFn& progress);

}  // namespace recon

#pragma once
/// The worker pool: `threads` workers, each with its own source and target connection, pulling key
/// ranges from a shared counter. Results are handed to the calling thread in range order, so the
/// sinks (audit trail, fix-up SQL) have a single writer and see keys in order.

#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <vector>

#include "recon/connector/connector.hpp"
#include "recon/engine/compare.hpp"
#include "recon/model/result.hpp"

namespace recon {

/// Connections per worker, opened lazily in the worker's own thread and reopened when poisoned.
class ConnectionPool {
 public:
  ConnectionPool(const RunOptions& opts, std::size_t workers);
  /// The worker's connection to `side`, opened first when there is none (ConnectorError when the
  /// login fails).
  Connector& get(std::size_t worker, Side side);
  /// Opens the connections of workers 1..n-1, all at once (each would otherwise pay a login on its
  /// first range). Worker 0's are in use by planning meanwhile. Failures are left for get().
  void open_all();
  /// After a failed step of `worker`: drops both of its connections, so the next get() opens
  /// fresh ones. Both, not only the side that failed: a connection whose server went away while it
  /// sat idle (a restart, a killed backend) still looks usable until it is used.
  void drop_connections(std::size_t worker);
  /// Cancels every read in progress (an interrupted run abandons its ranges); any thread.
  void cancel_all() noexcept;
  std::size_t size() const { return source_.size(); }

 private:
  const RunOptions& opts_;
  std::vector<std::unique_ptr<Connector>> source_, target_;
  /// Guards the slots against cancel_all() from the writer thread while a worker replaces one.
  mutable std::mutex slots_;
};

/// A step that reads both sides (changed keys, fetches by key, rechecks) reads the source on
/// worker 0 and the target on target_worker(pool): worker 1 when the pool has two, so both read at
/// once (both_sides_launch: async), each on a worker of its own — a retry drops both connections
/// of its worker, so the sides must not share one then. With one worker, one after the other
/// (deferred).
inline std::size_t target_worker(const ConnectionPool& pool) { return pool.size() > 1 ? 1 : 0; }
inline std::launch both_sides_launch(const ConnectionPool& pool) {
  return pool.size() > 1 ? std::launch::async : std::launch::deferred;
}

/// Sleeps before try `attempt + 1` after a lost connection: 250 ms, doubling, at most 4 s (cut
/// short by a stop request).
void pause_before_retry(int attempt);

/// A failure worth another try on fresh connections: a lost or broken connection, a lock or
/// statement timeout; not a refused login, not a query the engine rejects, and not once the run
/// is stopping.
bool is_retryable(const ConnectorError& e);

/// The one retry path of every phase (login, describe, planning, rechecks, lookups; range reads
/// follow the same rules): calls `work()` until it returns. After a retryable ConnectorError it
/// drops both connections of `worker`, waits, and tries again on fresh ones, up to opts.retries
/// times; anything else, and the last failure, propagate.
template <class Work>
auto retry_on_lost_connection(const RunOptions& opts, ConnectionPool& pool, std::size_t worker, Work&& work) {
  for (int attempt = 1;; ++attempt) {
    try {
      return work();
    } catch (const ConnectorError& e) {
      if (!is_retryable(e) || attempt > opts.retries) throw;
      pool.drop_connections(worker);
      pause_before_retry(attempt);
    }
  }
}

/// Called on the writer thread after each range: (ranges done, ranges total, rows read so far).
using ProgressFn = std::function<void(std::size_t, std::size_t, std::int64_t)>;

struct TableTotals {
  RangeCounts counts;
  std::size_t ranges_done = 0, ranges_failed = 0;
  std::size_t ranges_not_compared = 0;  ///< abandoned or never started because the run was stopped
  std::string first_error;
};

/// Compares `ranges` of one table (each carries its index in the table's plan and its bounds).
/// `source_query`/`target_query` carry the table, columns and filter; their bounds are set per
/// range. Results reach the sinks in range order: a range's divergences, then range_done. Never
/// throws for a range's trouble: a range that fails after its retries is counted in ranges_failed.
/// When a stop is asked for (interrupt_requested), no range is started any more; ranges in flight
/// may finish within 5 s, then their reads are cancelled; what was not compared is counted in
/// ranges_not_compared. Throws only when a sink fails (I/O).
/// `ranges_per_read` > 1 reads that many consecutive ranges with one statement per side
/// (RangeQuery::spans) and still compares and reports each range on its own: for many small
/// ranges (a sample's clusters), whose per-statement cost would outweigh their rows.
TableTotals run_ranges(const RunOptions& opts, ConnectionPool& pool, const TableContext& ctx,
                       const RangeQuery& source_query, const RangeQuery& target_query,
                       const std::vector<RangeRecord>& ranges, const std::vector<ResultSink*>& sinks,
                       const ProgressFn& progress, std::size_t ranges_per_read = 1);

}  // namespace recon

#pragma once
// Private to the engine: the per-cluster counts of a sampled run, and from them each table's
// index interval (docs/sampling.md).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "recon/model/result.hpp"
#include "recon/stats/interval.hpp"

namespace recon {

/// A sink that keeps, per table and per cluster (a range of the sampled plan), the rows in the
/// index denominator and the rows counted against the index, as decided: a divergence a rule
/// tolerates or a recheck found converged counts as matched; an in-flight or suspended one leaves
/// the denominator. At end_table it sets TableResult::sample from them, so it must come before
/// the sinks that record the result. Tables are kept apart (one table's end may come after the
/// next table's begin).
class SampleTally : public ResultSink {
 public:
  void begin_table(const TableContext& table) override;
  void divergences(const TableContext& table, const std::vector<Divergence>& batch) override;
  void range_done(const TableContext& table, const RangeRecord& range) override;
  /// Sets result.sample (nothing for a partial table: uncompared clusters could hide anything).
  void end_table(const TableContext& table, TableResult& result) override;
  /// --resume: the clusters an earlier attempt compared (their divergences arrive through
  /// recorded_divergences, like new ones).
  void replay_range(const TableContext& table, const RangeRecord& range) { range_done(table, range); }
  /// The run's interval over the tables ended so far (each a stratum weighted by its rows);
  /// nullopt when a table had no interval (partial, or never planned).
  std::optional<IndexInterval> run_interval() const;

 private:
  struct Cluster {
    std::int64_t rows = 0;       ///< raw rows compared, then less in-flight and suspended ones
    std::int64_t divergent = 0;  ///< raw divergences, then less tolerated, converged, in flight…
  };
  std::map<std::string, std::map<std::int64_t, Cluster>> tables_;
  std::vector<stats::Stratum> strata_;
  bool incomplete_ = false;  ///< a table ended without an interval
};

}  // namespace recon

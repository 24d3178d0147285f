#include "sample_tally.hpp"

#include <cmath>

#include <fmt/format.h>

namespace recon {
namespace {

IndexInterval to_interval(const stats::IndexEstimate& e) {
  IndexInterval i;
  i.estimate = e.estimate;
  i.lower = e.lower;
  i.upper = e.upper;
  i.confidence = e.confidence;
  i.method = e.method;
  i.effective_rows = e.effective_rows;
  i.clusters_read = e.clusters_read;
  i.clusters_total = e.clusters_total;
  i.rows_read = e.rows_read;
  return i;
}

/// What to do when a sample too small to show the SLO saw nothing.
std::string too_small_note(const TableResult& r) {
  const std::int64_t total = r.sample->clusters_total;
  const std::int64_t needed = stats::clusters_to_show(r.slo, total);
  const double rate = total > 0 ? static_cast<double>(needed) / static_cast<double>(total) : 1.0;
  return fmt::format("no divergence seen in {} clusters ({} rows), but a sample that small cannot show an index "
                     "of at least {} at {:.0f} % confidence (the interval's lower bound is {:.6f}): about {} of the "
                     "{} clusters must be read clean, --sample-rate {:.4g} or more (docs/sampling.md)",
                     r.sample->clusters_read, r.sample->rows_read, r.slo, r.sample->confidence * 100, r.sample->lower,
                     needed, total, std::min(1.0, std::ceil(rate * 10'000) / 10'000));
}

}  // namespace

void SampleTally::begin_table(const TableContext& table) { tables_[table.name].clear(); }

void SampleTally::range_done(const TableContext& table, const RangeRecord& range) {
  Cluster& c = tables_[table.name][range.index];
  const RangeCounts& r = range.counts;
  c.rows += r.rows_compared;
  c.divergent += r.missing_in_target + r.missing_in_source + r.changed;
}

void SampleTally::divergences(const TableContext& table, const std::vector<Divergence>& batch) {
  auto& clusters = tables_[table.name];
  for (const Divergence& d : batch) {
    if (d.range_index < 0) continue;
    Cluster& c = clusters[d.range_index];
    switch (d.finding.status) {
      case Status::Open: break;
      case Status::Tolerated:
      case Status::Converged: --c.divergent; break;
      case Status::InFlight:
      case Status::Suspended:
        --c.divergent;
        --c.rows;
        break;
    }
  }
}

void SampleTally::end_table(const TableContext& table, TableResult& result) {
  const auto it = tables_.find(table.name);
  if (it == tables_.end() || result.partial || !result.clusters) {
    incomplete_ = true;
    return;
  }
  std::vector<stats::ClusterTally> tallies;
  tallies.reserve(it->second.size());
  for (const auto& [index, c] : it->second) tallies.push_back(stats::ClusterTally{c.rows, c.divergent});
  tables_.erase(it);
  const stats::TableSample sample = stats::summarise(tallies, result.clusters->clusters_total);
  const stats::Stratum stratum{result.clusters->mean_cluster_rows * static_cast<double>(result.clusters->clusters_total),
                               sample};
  strata_.push_back(stratum);
  result.sample = to_interval(stats::combine_tables({&stratum, 1}));
  if (result.sample->method == "none_seen" && result.sample->lower < result.slo)
    result.notes.push_back(too_small_note(result));
}

std::optional<IndexInterval> SampleTally::run_interval() const {
  if (incomplete_ || strata_.empty()) return std::nullopt;
  return to_interval(stats::combine_tables(strata_));
}

}  // namespace recon

#include "table_plan.hpp"

#include <future>
#include <iostream>

#include "recon/engine/table_query.hpp"
#include "recon/plan/clusters.hpp"

namespace recon {
namespace {

struct KeysAndSize {
  std::vector<std::string> keys;  ///< both sides' sampled keys, any order
  std::int64_t estimated_rows = 0;
};

/// Samples keys on both sides, each on its own connection. The union plans the table: a key block
/// that exists on one side only (a target ahead through CDC, a source never migrated) is split
/// like the rest instead of landing in one huge open-ended range.
KeysAndSize sample_both_sides(const TableContext& ctx, Connector& src, Connector& tgt, const RangeQuery& qs,
                              const RangeQuery& qt) {
  constexpr std::size_t kFirstSample = 8192;
  auto target_sample = std::async(std::launch::async, [&] { return tgt.sample_keys(qt, kFirstSample); });
  KeySample s = src.sample_keys(qs, kFirstSample);
  KeySample t = target_sample.get();
  const std::size_t wanted = samples_wanted(std::max(s.estimated_rows, t.estimated_rows), ctx.chunk_rows);
  if (wanted > kFirstSample) {
    if (s.keys.size() >= kFirstSample / 2) s = src.sample_keys(qs, wanted);
    if (t.keys.size() >= kFirstSample / 2) t = tgt.sample_keys(qt, wanted);
  }
  // Each side contributes about the same number of keys, so where both hold the same rows the union
  // is an even sample, and where one side has a block of its own that block is sampled too.
  KeysAndSize out;
  out.keys = std::move(s.keys);
  out.keys.insert(out.keys.end(), std::make_move_iterator(t.keys.begin()), std::make_move_iterator(t.keys.end()));
  out.estimated_rows = std::max(s.estimated_rows, t.estimated_rows);
  return out;
}

/// The notes the planning connections (worker 0) gathered since the last call.
std::vector<std::string> take_connector_notes(ConnectionPool& pool) {
  std::vector<std::string> notes;
  for (Side side : {Side::Source, Side::Target})
    for (std::string& n : pool.get(0, side).take_notes()) notes.push_back(std::move(n));
  return notes;
}

/// Both sides' key samples, a lost connection retried like a range. Notes the connectors made
/// while planning go to `tr` (a connector that has no statistics reads every key, for instance).
KeysAndSize table_keys(const TableRunEnv& env, const TableContext& ctx, TableResult& tr) {
  const RangeQuery qs = table_query(ctx, Side::Source), qt = table_query(ctx, Side::Target);
  take_connector_notes(env.pool);  // what earlier tables' reads left behind is not this table's
  KeysAndSize keys = retry_on_lost_connection(env.opts, env.pool, 0, [&] {
    return sample_both_sides(ctx, env.pool.get(0, Side::Source), env.pool.get(0, Side::Target), qs, qt);
  });
  for (std::string& note : take_connector_notes(env.pool)) {
    std::cerr << "note: table " << tr.name << ": " << note << "\n";
    tr.notes.push_back(std::move(note));
  }
  return keys;
}

}  // namespace

std::vector<KeyRange> full_plan(const TableRunEnv& env, const TableContext& ctx, TableResult& tr) {
  // An aggregate's rows are groups of a query: nothing to sample keys from, and the query is run
  // once whatever the ranges, so one range open at both ends.
  if (ctx.job->aggregate) return {KeyRange{}};
  KeysAndSize keys = table_keys(env, ctx, tr);
  return plan_ranges(std::move(keys.keys), keys.estimated_rows, ctx.chunk_rows);
}

std::vector<KeyRange> sampled_clusters(const TableRunEnv& env, const TableContext& ctx, TableResult& tr) {
  KeysAndSize keys = table_keys(env, ctx, tr);
  ClusterSample sample = sample_clusters(std::move(keys.keys), keys.estimated_rows, env.opts.sample_cluster_rows,
                                         env.opts.sample_rate, table_seed(env.seed, ctx.name));
  tr.clusters = ClusterPlanInfo{sample.clusters_total, sample.method, sample.mean_cluster_rows};
  return std::move(sample.selected);
}

std::uint64_t table_seed(std::uint64_t seed, const std::string& name) {
  std::uint64_t h = seed ^ 0xcbf29ce484222325ULL;
  for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

std::vector<RangeRecord> range_records(std::vector<KeyRange> ranges) {
  std::vector<RangeRecord> records;
  records.reserve(ranges.size());
  for (KeyRange& r : ranges)
    records.push_back(RangeRecord{static_cast<std::int64_t>(r.index), std::move(r.lower), std::move(r.upper), {}});
  return records;
}

}  // namespace recon

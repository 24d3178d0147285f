#include "recon/engine/past_run_recheck.hpp"

#include "recon/core/utc_time.hpp"
#include "recon/engine/compare.hpp"
#include "recon/engine/prepare.hpp"
#include "recon/engine/rehydrate.hpp"
#include "recon/engine/run.hpp"
#include "recon/engine/workers.hpp"

namespace recon {

namespace {

/// Records what the looks decided and counts it.
TableRecheck record_outcomes(AuditDb& audit, const std::string& recheck_id, const TableContext& ctx,
                             const std::vector<StoredDivergence>& stored, const std::vector<HeldDivergence>& held,
                             const RecheckReport& report) {
  TableRecheck out;
  out.table = ctx.name;
  out.rechecked = held.size();
  out.error = report.error;
  out.looks = report.looks;
  const std::string checked_at = iso_utc_now();
  for (std::size_t k = 0; k < held.size() && report.looks > 0; ++k) {
    audit.record_recheck(stored[k].id, recheck_id, checked_at, held[k].divergence, *ctx.privacy);
    out.before.add(latest_divergence(stored[k]));
    out.tally.add(held[k].divergence);
  }
  return out;
}

}  // namespace

Divergence latest_divergence(const StoredDivergence& stored) {
  Divergence d = stored.to_divergence();
  if (!stored.rechecked || (!stored.latest_source_present && !stored.latest_target_present)) return d;
  d.source_values = stored.latest_source_present ? stored.latest_source_values : std::string();
  d.target_values = stored.latest_target_present ? stored.latest_target_values : std::string();
  d.source_digest = stored.latest_source_present ? row_digest(d.source_values) : Digest{};
  d.target_digest = stored.latest_target_present ? row_digest(d.target_values) : Digest{};
  if (!stored.latest_target_present) {
    d.category = Category::MissingInTarget;
    d.columns.clear();
  } else if (!stored.latest_source_present) {
    d.category = Category::MissingInSource;
    d.columns.clear();
  } else {
    d.category = Category::Changed;
    if (auto columns = differing_columns(d.source_values, d.target_values); !columns.empty()) d.columns = std::move(columns);
  }
  return d;
}

bool PastRunRecheck::failed() const {
  for (const auto& t : tables)
    if (!t.error.empty()) return true;
  return false;
}

bool PastRunRecheck::still_open() const {
  for (const auto& t : tables)
    if (t.still_open() > 0) return true;
  return false;
}

PastRunRecheck recheck_past_run(const RunOptions& job, AuditDb& audit, const StoredRun& run,
                                const RecheckSettings& settings, RecheckObserver* observer) {
  PastRunRecheck result;
  std::vector<std::vector<StoredDivergence>> open;
  RunOptions opts = job;
  opts.tables.clear();
  for (const TableJob& table : job.tables) {
    auto found = audit.open_divergences(run.run_id, table.name);
    if (found.empty()) continue;
    opts.tables.push_back(table);
    open.push_back(std::move(found));
  }
  if (opts.tables.empty()) return result;

  PreparedJob prepared = prepare_job(opts, 1);
  ConnectionPool& pool = *prepared.pool;
  result.recheck_id = make_run_id();
  for (std::size_t i = 0; i < open.size(); ++i) {
    // Sensitive values are tokens in the audit: the rows still as recorded give them back; the
    // others have moved, which is what a look compares anyway.
    rehydrate_values(opts, prepared.contexts[i], pool, open[i]);
    std::vector<HeldDivergence> held;
    for (const auto& s : open[i]) held.push_back(HeldDivergence{latest_divergence(s), run.started_epoch, 0});
    const RecheckReport report = recheck_divergences(opts, prepared.contexts[i], pool, held, settings);
    result.tables.push_back(record_outcomes(audit, result.recheck_id, prepared.contexts[i], open[i], held, report));
    if (observer) observer->table_rechecked(prepared.contexts[i], pool, result.tables.back());
  }
  return result;
}

}  // namespace recon

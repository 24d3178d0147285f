#include "recon/engine/recheck_outputs.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "recon/core/errors.hpp"
#include "recon/core/utc_time.hpp"
#include "recon/engine/run.hpp"
#include "recon/engine/run_outputs.hpp"
#include "recon/engine/rehydrate.hpp"
#include "recon/engine/triage.hpp"
#include "recon/report/fixup.hpp"
#include "recon/report/summary.hpp"

namespace recon {
namespace fs = std::filesystem;

namespace {

void shift(std::int64_t& count, std::int64_t before, std::int64_t after) { count += after - before; }

std::string column_name(const TableResult& t, std::uint32_t column) {
  return column < t.columns.size() ? t.columns[column] : "#" + std::to_string(column);
}

/// Each category's first kFirstKeysShown keys among the divergences still open or tolerated, in
/// the order the run recorded them, and its severity (the most severe) and action (the strongest)
/// as those divergences' latest findings say — an escalated row that converged no longer makes its
/// category "escalate".
void rebuild_from_recorded(TableResult& t, const std::vector<StoredDivergence>& recorded,
                           const privacy::TablePrivacy& privacy) {
  std::set<std::string> seen;
  for (auto& [name, c] : t.categories) {
    c.first_keys.clear();
    c.explain_key.clear();
  }
  for (const StoredDivergence& d : recorded) {
    const Finding& f = d.finding;
    if (f.status != Status::Open && f.status != Status::Tolerated) continue;
    auto it = t.categories.find(f.category);
    if (it == t.categories.end()) continue;
    TableResult::CategoryCount& c = it->second;
    if (seen.insert(f.category).second) {
      c.severity = f.severity;
      c.action = f.action;
    }
    c.severity = std::min(c.severity, f.severity);
    c.action = std::max(c.action, f.action);
    if (c.first_keys.size() < kFirstKeysShown) c.first_keys.push_back(d.key);
  }
  show_first_keys(privacy, t);
}


}  // namespace

void apply_recheck(TableResult& t, const FindingTally& before, const FindingTally& after) {
  shift(t.missing_in_target, before.missing_in_target, after.missing_in_target);
  shift(t.missing_in_source, before.missing_in_source, after.missing_in_source);
  shift(t.changed, before.changed, after.changed);
  shift(t.tolerated, before.tolerated, after.tolerated);
  shift(t.in_flight, before.in_flight, after.in_flight);
  shift(t.converged, before.converged, after.converged);
  shift(t.suspended, before.suspended, after.suspended);
  shift(t.escalated, before.escalated, after.escalated);
  shift(t.matched, before.tolerated + before.converged, after.tolerated + after.converged);
  for (const auto& [name, c] : before.categories) t.categories[name].count -= c.count;
  for (const auto& [name, c] : after.categories) {
    auto& now = t.categories[name];
    if (now.count <= 0) now = TableResult::CategoryCount{0, c.severity, c.action, {}, {}};
    now.count += c.count;
  }
  std::erase_if(t.categories, [](const auto& entry) { return entry.second.count <= 0; });
  for (const auto& [column, n] : before.column_changes) t.columns_changed[column_name(t, column)] -= n;
  for (const auto& [column, n] : after.column_changes) t.columns_changed[column_name(t, column)] += n;
  std::erase_if(t.columns_changed, [](const auto& entry) { return entry.second <= 0; });
}

RunOutputsRefresh::RunOutputsRefresh(const RunOptions& opts, AuditDb& audit, const StoredRun& run,
                                     std::string audit_path)
    : opts_(opts), audit_(audit), run_(run) {
  std::string why_not;
  result_ = read_run_summary(run.out_dir, run.run_id, why_not);
  if (!result_) {
    out_.notes.push_back(fmt::format("outputs of run {} not refreshed: {} (the audit DB has every outcome)", run.run_id,
                                     why_not));
    return;
  }
  lock_ = std::make_unique<OutputLock>(run.out_dir, "recheck of " + run.run_id);
  result_->job_file = run.job_file.empty() ? "" : fs::absolute(run.job_file).string();
  result_->audit_db = fs::absolute(audit_path).string();
}

void RunOutputsRefresh::table_rechecked(const TableContext& ctx, ConnectionPool& pool, const TableRecheck& rechecked) {
  if (!result_ || rechecked.looks == 0) return;
  for (TableResult& t : result_->tables) {
    if (t.name != ctx.name) continue;
    apply_recheck(t, rechecked.before, rechecked.tally);
    if (t.sample)
      out_.notes.push_back(fmt::format("{}: counts refreshed; the sampled interval is the run's (not re-estimated)", t.name));
    try {  // the other tables are still rechecked, and the summary still refreshed
      if (!t.fixup_sql.empty()) rewrite_fixup(ctx, pool, t);  // none when the run wrote none (--no-fixup)
      else rebuild_from_recorded(t, audit_.table_divergences(run_.run_id, ctx.name), *ctx.privacy);
    } catch (const std::exception& e) {
      out_.notes.push_back(fmt::format("{}: fix-up not refreshed: {}", t.name, redact_secrets(e.what())));
    }
    return;
  }
}

void RunOutputsRefresh::rewrite_fixup(const TableContext& ctx, ConnectionPool& pool, TableResult& t) {
  auto recorded = audit_.table_divergences(run_.run_id, ctx.name);
  rebuild_from_recorded(t, recorded, *ctx.privacy);
  // Sensitive values are tokens in the audit; a statement needs the values themselves, read back
  // from the engines. A row that moved since recon last recorded it has none to write: left out.
  const std::vector<bool> clear = rehydrate_values(opts_, ctx, pool, recorded);
  std::vector<Divergence> batch;
  batch.reserve(recorded.size());
  std::size_t unseen = 0;
  for (std::size_t i = 0; i < recorded.size(); ++i) {
    const bool open = recorded[i].finding.status == Status::Open;  // only open rows get statements
    if (clear[i] || !open) batch.push_back(latest_divergence(recorded[i]));
    else ++unseen;
  }
  if (unseen > 0)
    out_.notes.push_back(fmt::format("{}: {} open rows left out of the fix-up: they changed since recon recorded "
                                     "them, and their sensitive values are kept as tokens only (recheck again)",
                                     t.name, unseen));
  FixupWriter fixup(run_.out_dir, run_.run_id);
  fixup.begin_table(ctx);
  fixup.divergences(ctx, batch);
  fixup.end_table(ctx, t);
  audit_.record_refreshed_fixup(run_.run_id, t.name, t.fixup_sha256);
  out_.written.push_back((fs::path(run_.out_dir) / t.fixup_sql).string());
}

RefreshedOutputs RunOutputsRefresh::finish(const PastRunRecheck& recheck) {
  if (!result_ || recheck.tables.empty()) return out_;
  RunResult& run = *result_;
  if (run.status == "consistent" || run.status == "divergent") {
    bool below = false;
    for (const TableResult& t : run.tables) below |= t.failing();
    run.status = below ? "divergent" : "consistent";
  }
  RecheckRecord record{recheck.recheck_id, iso_utc_now(), 0, 0, 0};
  for (const TableRecheck& t : recheck.tables) {
    record.rechecked += static_cast<std::int64_t>(t.rechecked);
    record.converged += t.tally.converged;
    record.still_open += t.still_open();
  }
  run.rechecks.push_back(record);
  const audit::ChainHead head = audit_.chain_head();  // after the recheck's records
  run.audit_chain = AuditChainAnchor{head.seq, head.sha256};
  write_run_files(run_.out_dir, run);
  std::vector<std::string> written{(fs::path(run_.out_dir) / "summary.json").string(),
                                   (fs::path(run_.out_dir) / "metrics.prom").string()};
  if (write_html_report(run_.out_dir, run, audit_)) written.push_back((fs::path(run_.out_dir) / "report.html").string());
  out_.written.insert(out_.written.begin(), written.begin(), written.end());
  const auto newest = audit_.find_run("latest");
  if (newest && newest->run_id != run_.run_id) {
    if (!opts_.metrics_file.empty() || !opts_.emf_file.empty())
      out_.notes.push_back(fmt::format("metrics file and EMF log left alone: run {} is newer", newest->run_id));
    return out_;
  }
  if (!write_scheduler_outputs(opts_, run)) return out_;  // said on stderr
  if (!opts_.metrics_file.empty()) out_.written.push_back(opts_.metrics_file.string());
  if (!opts_.emf_file.empty()) out_.written.push_back(opts_.emf_file.string() + " (one record appended)");
  return out_;
}

}  // namespace recon

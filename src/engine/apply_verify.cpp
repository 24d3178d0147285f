// `recon apply` before and after: predicting conflicts (--dry-run) and re-reading the applied keys.
#include <unordered_map>

#include "apply_table.hpp"
#include "recon/core/canonical.hpp"
#include "recon/core/utc_time.hpp"
#include "recon/engine/recheck.hpp"
#include "recon/engine/table_query.hpp"

namespace recon {

using repair::StatementKind;

namespace {

/// The first `count` value encodings of a row's values (the compared columns; an update time
/// read by key_fetch_query follows them).
std::string_view compared_part(std::string_view values, std::size_t count) {
  std::size_t pos = 0;
  for (std::size_t c = 0; c < count && pos < values.size(); ++c) canon::read_value(values, pos);
  return values.substr(0, pos);
}

}  // namespace

std::vector<bool> changed_since_observed(const RunOptions& opts, ConnectionPool& pool, const TablePlan& plan) {
  const TableContext& ctx = *plan.ctx;
  std::vector<std::string> keys;
  for (const auto& s : plan.statements) keys.push_back(s.key);
  RowBatch batch;
  retry_on_lost_connection(opts, pool, 0, [&] {
    batch.clear();
    pool.get(0, Side::Target).fetch_keys(key_fetch_query(ctx, Side::Target), keys, batch);
  });
  std::unordered_map<std::string_view, std::string_view> now;
  for (std::size_t i = 0; i < batch.size(); ++i)
    now.emplace(batch.key(i), compared_part(batch.values(i), ctx.target_values.size()));
  std::vector<bool> changed(plan.statements.size());
  for (std::size_t i = 0; i < plan.statements.size(); ++i) {
    const auto it = now.find(plan.statements[i].key);
    changed[i] = plan.statements[i].kind == StatementKind::Insert
                     ? it != now.end()
                     : it == now.end() || it->second != plan.divergences[i].target_values;
  }
  return changed;
}

void predict_table(const RunOptions& opts, ConnectionPool& pool, const TablePlan& plan, TableApply& out) {
  const std::vector<bool> conflict = changed_since_observed(opts, pool, plan);
  out.statements = static_cast<std::int64_t>(plan.statements.size());
  for (std::size_t i = 0; i < plan.statements.size(); ++i) {
    (conflict[i] ? out.conflicts : out.applied) += 1;
    out.keys.push_back(AppliedKey{plan.divergences[i].id, plan.divergences[i].key_json,
                                  repair::statement_kind_name(plan.statements[i].kind), conflict[i] ? 0 : 1,
                                  conflict[i] ? "would_conflict" : "would_apply", std::nullopt});
  }
  out.status = "dry_run";
}

void verify_table(const RunOptions& opts, ConnectionPool& pool, const TablePlan& plan, TableApply& out) {
  std::vector<HeldDivergence> held;
  std::vector<std::size_t> which;  // index into out.keys / plan of each held divergence
  const double now = now_epoch();
  for (std::size_t i = 0; i < out.keys.size(); ++i) {
    if (out.keys[i].outcome != "applied" && out.keys[i].outcome != "conflict") continue;
    held.push_back(HeldDivergence{plan.divergences[i].to_divergence(), now, 0});
    which.push_back(i);
  }
  if (held.empty()) return;
  RecheckSettings look;  // one look, at once: the apply is over, nothing is expected to move
  look.attempts = 1;
  look.delay_us = 0;
  look.sleep = [](std::int64_t) {};
  const RecheckReport report = recheck_divergences(opts, *plan.ctx, pool, held, look);
  if (report.looks == 0) {
    out.notes.push_back("the applied keys could not be re-read: " + report.error);
    for (std::size_t i : which)
      if (out.keys[i].outcome == "applied") out.keys[i].outcome = "unverified";
    return;
  }
  for (std::size_t k = 0; k < held.size(); ++k) {
    AppliedKey& key = out.keys[which[k]];
    const Status status = held[k].divergence.finding.status;
    const bool equal = status == Status::Converged || status == Status::Tolerated;
    key.now_equal = equal;
    if (key.outcome == "applied") {
      key.outcome = equal ? "repaired" : "still_divergent";
      (equal ? out.repaired : out.still_divergent) += 1;
    }
  }
}

}  // namespace recon

// `recon apply --run RUN`: the run's fix-up files verified, its tables planned, applied, re-read and
// recorded. See apply.hpp.
#include "recon/engine/apply.hpp"

#include <algorithm>
#include <set>
#include <variant>

#include <fmt/format.h>

#include "apply_table.hpp"
#include "recon/core/interrupt.hpp"
#include "recon/core/os_identity.hpp"
#include "recon/core/sha256.hpp"
#include "recon/engine/past_run_recheck.hpp"
#include "recon/core/utc_time.hpp"
#include "recon/engine/prepare.hpp"
#include "recon/engine/rehydrate.hpp"
#include "recon/engine/run.hpp"

namespace recon {

namespace fs = std::filesystem;

namespace {

/// One table of the run with open divergences, before connecting.
struct Candidate {
  const TableJob* job = nullptr;
  std::vector<StoredDivergence> open;
  std::string fixup_file, fixup_sha256;
  std::vector<std::string> notes;
};

/// The run's fix-up file of a table, as recorded: an edited file is refused (the statements
/// recon runs are rebuilt from the audit trail, and must be those the person reviewed).
void check_fixup_file(const StoredRun& run, Candidate& c) {
  if (c.fixup_sha256.empty()) {
    c.notes.push_back("the run wrote no fix-up file (--no-fixup, or a run by an older recon): the statements are "
                      "built from the audit trail");
    return;
  }
  const fs::path path = fs::path(run.out_dir) / c.fixup_file;
  const auto actual = file_sha256_hex(path);
  if (!actual) {
    c.notes.push_back("fix-up file " + path.string() + " is gone: the statements are rebuilt from the audit trail");
    return;
  }
  if (*actual != c.fixup_sha256)
    throw InputError(fmt::format(
        "{}: edited since run {} wrote it (SHA-256 {} recorded, {} now); recon apply runs the run's own "
        "statements: restore the file, run the edited file yourself (psql -1 -f), or run recon check again",
        path.string(), run.run_id, c.fixup_sha256.substr(0, 12), actual->substr(0, 12)));
}

std::vector<Candidate> candidates(const RunOptions& job, AuditDb& audit, const StoredRun& run) {
  std::vector<Candidate> out;
  for (const TableJob& table : job.tables) {
    Candidate c;
    c.job = &table;
    for (auto& d : audit.open_divergences(run.run_id, table.name))
      if (d.finding.status == Status::Open) c.open.push_back(std::move(d));
    if (c.open.empty()) continue;
    std::tie(c.fixup_file, c.fixup_sha256) = audit.recorded_fixup(run.run_id, table.name);
    check_fixup_file(run, c);
    out.push_back(std::move(c));
  }
  return out;
}

/// Deletes, then updates, then inserts, each in the order found (key order), as the fix-up file
/// has them: a unique constraint on a non-key column never trips over a row about to go.
void sort_as_the_file(TablePlan& plan) {
  std::vector<std::size_t> order(plan.statements.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return static_cast<int>(plan.statements[a].kind) < static_cast<int>(plan.statements[b].kind);
  });
  TablePlan sorted;
  sorted.ctx = plan.ctx;
  for (std::size_t i : order) {
    sorted.statements.push_back(std::move(plan.statements[i]));
    sorted.divergences.push_back(std::move(plan.divergences[i]));
  }
  plan = std::move(sorted);
}

/// The statements of one table, leaving out what an earlier apply repaired; counts the rest.
TablePlan plan_table(const TableContext& ctx, Candidate& c, const std::vector<bool>& clear, AuditDb& audit,
                     const std::string& run_id, TableApply& out) {
  TablePlan plan;
  plan.ctx = &ctx;
  const auto repaired = audit.repaired_divergences(run_id, ctx.name);
  const std::set<std::int64_t> done(repaired.begin(), repaired.end());
  const repair::GuardedSql sql(ctx);
  std::array<std::int64_t, repair::kLeftOutCount> left_out{};
  std::int64_t unguarded = 0;
  for (std::size_t i = 0; i < c.open.size(); ++i) {
    StoredDivergence& d = c.open[i];
    if (done.count(d.id)) {
      ++out.skipped;
      continue;
    }
    if (!clear[i]) {  // its personal data is not in the audit, and the row is no longer as recorded
      ++out.withheld;
      continue;
    }
    auto made = sql.statement_for(latest_divergence(d));  // guarded by what recon saw last
    if (const auto* why = std::get_if<repair::LeftOut>(&made)) {
      ++left_out[static_cast<std::size_t>(*why)];
      continue;
    }
    auto& statement = std::get<repair::GuardedStatement>(made);
    if (!statement.unguarded.empty()) ++unguarded;
    plan.statements.push_back(std::move(statement));
    plan.divergences.push_back(std::move(d));
  }
  sort_as_the_file(plan);
  if (out.skipped > 0) out.notes.push_back(fmt::format("{} keys repaired by an earlier apply: skipped", out.skipped));
  for (std::size_t i = 0; i < left_out.size(); ++i)
    if (left_out[i] > 0)
      out.notes.push_back(fmt::format("{} {} divergences are not the fix-up's: left alone", left_out[i],
                                      repair::left_out_name(static_cast<repair::LeftOut>(i))));
  if (out.withheld > 0)
    out.notes.push_back(fmt::format("{} keys withheld: a side changed since recon recorded them, and their "
                                    "sensitive values are kept as tokens only; run recon recheck, then apply again",
                                    out.withheld));
  if (unguarded > 0)
    out.notes.push_back(fmt::format("{} statements leave float/json or converted columns out of their guard "
                                    "(marked in the fix-up file)", unguarded));
  return plan;
}

ApplyRecord record_of(const std::string& apply_id, const StoredRun& run, const TableContext& ctx,
                      const TableApply& t, const std::string& started_at, bool strict) {
  ApplyRecord r;
  r.apply_id = apply_id;
  r.run_id = run.run_id;
  r.table_name = t.table;
  r.started_at = started_at;
  r.finished_at = iso_utc_now();
  r.os_user = user_name();
  r.host = host_name();
  r.target_endpoint = ctx.target_endpoint;
  r.strict = strict;
  r.status = t.status;
  r.fixup_file = t.fixup_file;
  r.fixup_sha256 = t.fixup_sha256;
  r.statements = t.statements;
  r.applied = t.applied;
  r.conflicts = t.conflicts;
  r.skipped = t.skipped;
  r.repaired = t.repaired;
  r.still_divergent = t.still_divergent;
  r.undo_file = t.undo_file;
  r.undo_sha256 = t.undo_sha256;
  r.error = t.error;
  return r;
}

std::vector<ApplyKeyRecord> key_records(const TableApply& t, const std::string& checked_at) {
  std::vector<ApplyKeyRecord> out;
  for (const AppliedKey& k : t.keys)
    out.push_back(ApplyKeyRecord{k.divergence_id, k.key_json, k.statement, k.rows, k.outcome, k.now_equal,
                                 k.now_equal ? checked_at : std::string()});
  return out;
}

}  // namespace

bool ApplyResult::all_match() const {
  for (const auto& t : tables) {
    if (t.status != "committed" && t.status != "nothing_to_apply" && t.status != "dry_run") return false;
    if (t.withheld > 0) return false;
    if (t.status == "dry_run" && t.conflicts > 0) return false;
    for (const auto& k : t.keys)
      if (t.status != "dry_run" && k.now_equal != true) return false;
  }
  return true;
}

bool ApplyResult::failed() const {
  return std::any_of(tables.begin(), tables.end(), [](const TableApply& t) { return t.status == "failed"; });
}

bool ApplyResult::interrupted() const {
  return std::any_of(tables.begin(), tables.end(), [](const TableApply& t) { return t.status == "interrupted"; });
}

ApplyResult apply_run(const RunOptions& job, AuditDb& audit, const StoredRun& run, const ApplySettings& settings) {
  ApplyResult result;
  result.apply_id = "apply-" + make_run_id();
  if (run.out_dir.empty())
    throw InputError(fmt::format("run {} recorded no output folder (a run by an older recon): run recon check "
                                 "again, then apply that run", run.run_id));
  std::vector<Candidate> found = candidates(job, audit, run);  // before connecting: an edited file ends it here
  if (found.empty()) return result;

  RunOptions opts = job;
  opts.tables.clear();
  for (const Candidate& c : found) opts.tables.push_back(*c.job);
  PreparedJob prepared = prepare_job(opts, 1);
  ConnectionPool& pool = *prepared.pool;
  if (!settings.dry_run && !pool.get(0, Side::Target).can_write())
    throw InputError(pool.get(0, Side::Target).endpoint() + ": recon cannot write to this engine; apply the "
                     "fix-up file by hand");
  for (std::size_t i = 0; i < found.size() && !interrupt_requested(); ++i) {
    const TableContext& ctx = prepared.contexts[i];
    TableApply t;
    t.table = ctx.name;
    t.fixup_file = found[i].fixup_file;
    t.fixup_sha256 = found[i].fixup_sha256;
    t.notes = found[i].notes;
    const std::string started_at = iso_utc_now();
    const double t0 = now_epoch();
    const std::vector<bool> clear = rehydrate_values(opts, ctx, pool, found[i].open);
    const TablePlan plan = plan_table(ctx, found[i], clear, audit, run.run_id, t);
    if (plan.statements.empty()) {
      t.status = "nothing_to_apply";  // e.g. every key repaired by an earlier apply: still on record
    } else if (settings.dry_run) {
      predict_table(opts, pool, plan, t);
    } else {
      apply_table(opts, pool, plan, settings, run.out_dir, result.apply_id, t);
      verify_table(opts, pool, plan, t);
    }
    if (!settings.dry_run)
      audit.record_apply(record_of(result.apply_id, run, ctx, t, started_at, settings.strict),
                         key_records(t, iso_utc_now()));
    t.seconds = now_epoch() - t0;
    result.tables.push_back(std::move(t));
  }
  return result;
}

}  // namespace recon

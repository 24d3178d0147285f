// The life of a run beyond begin/finish: resuming, failing before any comparison, heartbeats and
// abandoned runs, and the per-range plan that lets an interrupted run resume.
#include <sqlite3.h>

#include "recon/audit/audit_db.hpp"
#include "recon/core/errors.hpp"
#include "recon/core/utc_time.hpp"
#include "sqlite_util.hpp"

namespace recon {
namespace {

using audit::bind_blob;
using audit::bind_opt_text;
using audit::bind_text;
using audit::column_blob;
using audit::column_null;
using audit::column_text;
using audit::Stmt;

}  // namespace

void AuditDb::resume_run(const std::string& run_id) {
  require_open("resume_run");
  in_write_transaction([&] {
    const std::string now = iso_utc_now();
    Stmt run(db_, "UPDATE runs SET status = 'running', finished_at = NULL, consistency_index = NULL, error = NULL,"
                  " heartbeat_at = ?2, resumed_at = ?2 WHERE run_id = ?1");
    // A range cut short may have recorded some of its divergences: they are found again.
    Stmt divergences(db_, "DELETE FROM divergences WHERE run_id = ?1 AND (range_index IS NULL OR NOT EXISTS"
                          " (SELECT 1 FROM ranges r WHERE r.run_id = divergences.run_id AND"
                          " r.table_name = divergences.table_name AND r.range_index = divergences.range_index"
                          " AND r.status = 'done'))");
    Stmt tables(db_, "DELETE FROM table_results WHERE run_id = ?1");
    if (!run.ok() || !divergences.ok() || !tables.ok()) fail("cannot prepare the resume of run " + run_id);
    bind_text(run, 1, run_id);
    bind_text(run, 2, now);
    bind_text(divergences, 1, run_id);
    bind_text(tables, 1, run_id);
    for (sqlite3_stmt* s : {run.get(), divergences.get(), tables.get()})
      if (sqlite3_step(s) != SQLITE_DONE) fail("cannot resume run " + run_id);
  });
  run_id_ = run_id;
  Stmt mode(db_, "SELECT mode FROM runs WHERE run_id = ?1");
  if (!mode.ok()) fail("cannot read the mode of run " + run_id);
  bind_text(mode, 1, run_id);
  if (sqlite3_step(mode) == SQLITE_ROW) mode_ = column_text(mode, 0);
}

void AuditDb::fail_run(const RunResult& run) {
  require_run("fail_run");
  in_write_transaction([&] {
    set_run_end("failed", run.finished_at, std::nullopt, run.error);
    for (const TableResult& t : run.tables) write_table_result(t);
  });
}

int AuditDb::mark_abandoned(double stale_after_s) {
  require_open("mark_abandoned");
  const std::string where = " WHERE status = 'running' AND coalesce(heartbeat_at, started_at) < ?1";
  // runs is a view: sqlite3_changes() does not count rows its INSTEAD OF trigger wrote, so count first.
  Stmt count(db_, "SELECT count(*) FROM runs" + where);
  Stmt s(db_, "UPDATE runs SET status = 'abandoned', finished_at = coalesce(heartbeat_at, started_at),"
              " error = 'no heartbeat since ' || coalesce(heartbeat_at, started_at) || ': the process was killed"
              " or its machine lost; resume it with recon check --resume ' || run_id" + where);
  if (!s.ok() || !count.ok()) fail("cannot prepare the abandoned-run check");
  const std::string cutoff = iso_utc(now_epoch() - stale_after_s);
  bind_text(count, 1, cutoff);
  bind_text(s, 1, cutoff);
  if (sqlite3_step(count) != SQLITE_ROW) fail("cannot read running runs");
  const int stale = sqlite3_column_int(count, 0);
  if (stale > 0 && sqlite3_step(s) != SQLITE_DONE) fail("cannot mark abandoned runs");
  return stale;
}

void AuditDb::beat(const std::filesystem::path& path, const std::string& run_id) {
  sqlite::Db db;
  if (db.open(path.string(), SQLITE_OPEN_READWRITE) != SQLITE_OK) return;  // the next beat tries again
  sqlite3_busy_timeout(db, 5'000);
  if (audit::register_audit_functions(db) != SQLITE_OK) return;  // the beat is a chained record too
  Stmt s(db, "UPDATE runs SET heartbeat_at = ?2 WHERE run_id = ?1 AND status = 'running'");
  if (!s.ok()) return;
  bind_text(s, 1, run_id);
  bind_text(s, 2, iso_utc_now());
  sqlite3_step(s);
}

void AuditDb::ranges_planned(const TableContext& ctx, const std::vector<RangeRecord>& ranges) {
  require_run("ranges_planned");
  in_write_transaction([&] {
    Stmt s(db_, "INSERT OR REPLACE INTO ranges (run_id, table_name, range_index, lower_canon, upper_canon, status)"
                " VALUES (?1, ?2, ?3, ?4, ?5, 'planned')");
    if (!s.ok()) fail("cannot prepare the plan of table " + ctx.name);
    for (const RangeRecord& r : ranges) {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
      bind_text(s, 1, run_id_);
      bind_text(s, 2, ctx.name);
      sqlite3_bind_int64(s, 3, r.index);
      if (r.lower) bind_blob(s, 4, ctx.privacy->seal_key(*r.lower));
      if (r.upper) bind_blob(s, 5, ctx.privacy->seal_key(*r.upper));
      if (sqlite3_step(s) != SQLITE_DONE) fail("cannot record the plan of table " + ctx.name);
    }
  });
}

void AuditDb::range_done(const TableContext& ctx, const RangeRecord& r) {
  require_run("range_done");
  Stmt s(db_, "UPDATE ranges SET status = 'done', rows_source = ?4, rows_target = ?5, rows_compared = ?6,"
              " matched = ?7, missing_in_target = ?8, missing_in_source = ?9, changed = ?10"
              " WHERE run_id = ?1 AND table_name = ?2 AND range_index = ?3");
  if (!s.ok()) fail("cannot prepare a range update of table " + ctx.name);
  bind_text(s, 1, run_id_);
  bind_text(s, 2, ctx.name);
  sqlite3_bind_int64(s, 3, r.index);
  const RangeCounts& c = r.counts;
  const std::int64_t counts[] = {c.rows_source, c.rows_target, c.rows_compared, c.matched,
                                 c.missing_in_target, c.missing_in_source, c.changed};
  for (int i = 0; i < 7; ++i) sqlite3_bind_int64(s, 4 + i, counts[i]);
  if (sqlite3_step(s) != SQLITE_DONE) fail("cannot record a compared range of table " + ctx.name);
}

std::vector<StoredRange> AuditDb::stored_ranges(const std::string& run_id, const std::string& table) {
  require_open("stored_ranges");
  Stmt s(db_, "SELECT range_index, lower_canon, upper_canon, status, rows_source, rows_target, rows_compared,"
              " matched, missing_in_target, missing_in_source, changed FROM ranges"
              " WHERE run_id = ?1 AND table_name = ?2 ORDER BY range_index");
  if (!s.ok()) fail("cannot read the plan of table " + table);
  bind_text(s, 1, run_id);
  bind_text(s, 2, table);
  std::vector<StoredRange> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    StoredRange r;
    r.range.index = sqlite3_column_int64(s, 0);
    const std::string where = "range " + std::to_string(r.range.index) + " of table " + table + ", run " + run_id;
    if (!column_null(s, 1)) r.range.lower = privacy::open_sealed(column_blob(s, 1), pii_key_.get(), where);
    if (!column_null(s, 2)) r.range.upper = privacy::open_sealed(column_blob(s, 2), pii_key_.get(), where);
    r.done = column_text(s, 3) == "done";
    RangeCounts& c = r.range.counts;
    std::int64_t* counts[] = {&c.rows_source, &c.rows_target, &c.rows_compared, &c.matched,
                              &c.missing_in_target, &c.missing_in_source, &c.changed};
    for (int i = 0; i < 7; ++i) *counts[i] = sqlite3_column_int64(s, 4 + i);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) fail("cannot read the plan of table " + table);
  return out;
}

}  // namespace recon

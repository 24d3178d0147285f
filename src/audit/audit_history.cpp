// What the audit trail remembers across runs: `recon runs`, `recon show`, `recon history`, and the
// index trends report.html charts.
#include <sqlite3.h>

#include <algorithm>

#include "recon/audit/audit_db.hpp"
#include "recon/generated/sql_text.hpp"
#include "sqlite_util.hpp"

namespace recon {
namespace {

using audit::bind_text;
using audit::column_null;
using audit::column_text;
using audit::Stmt;

std::optional<double> column_real(sqlite3_stmt* s, int i) {
  return column_null(s, i) ? std::nullopt : std::optional<double>(sqlite3_column_double(s, i));
}

RunTableRecord row_to_table(sqlite3_stmt* s) {
  RunTableRecord t;
  t.name = column_text(s, 0);
  t.index = column_real(s, 1);
  t.index_lower = column_real(s, 2);
  t.index_upper = column_real(s, 3);
  std::int64_t* counts[] = {&t.rows_compared, &t.matched,   &t.missing_in_target, &t.missing_in_source, &t.changed,
                            &t.tolerated,     &t.in_flight, &t.converged,         &t.suspended,         &t.escalated};
  for (int i = 0; i < 10; ++i) *counts[i] = sqlite3_column_int64(s, 4 + i);
  t.partial = sqlite3_column_int(s, 14) != 0;
  t.error = column_text(s, 15);
  t.categories_json = column_text(s, 16);
  t.fixup_file = column_text(s, 17);
  return t;
}

}  // namespace

std::vector<RunRecord> AuditDb::list_runs(std::size_t last, const std::string& table) {
  return run_records(last, table, "");
}

std::vector<RunRecord> AuditDb::run_records(std::size_t last, const std::string& table, const std::string& run_id) {
  require_open("list_runs");
  std::vector<RunRecord> runs;
  {
    Stmt s(db_, sql::audit_history_runs);
    if (!s.ok()) fail("cannot read runs");
    bind_text(s, 1, table);
    sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(last));
    bind_text(s, 3, run_id);
    while (sqlite3_step(s) == SQLITE_ROW) {
      RunRecord r;
      r.run_id = column_text(s, 0);
      r.started_at = column_text(s, 1);
      r.finished_at = column_text(s, 2);
      r.mode = column_text(s, 3);
      r.status = column_text(s, 4);
      r.index = column_real(s, 5);
      r.index_lower = column_real(s, 6);
      r.index_upper = column_real(s, 7);
      r.error = column_text(s, 8);
      runs.push_back(std::move(r));
    }
  }
  Stmt t(db_, sql::audit_history_tables);
  if (!t.ok()) fail("cannot read table results");
  for (RunRecord& r : runs) {
    sqlite3_reset(t);
    bind_text(t, 1, r.run_id);
    while (sqlite3_step(t) == SQLITE_ROW) r.tables.push_back(row_to_table(t));
  }
  return runs;
}

std::optional<RunDetail> AuditDb::run_detail(const std::string& run_id) {
  const std::optional<StoredRun> stored = find_run(run_id);
  if (!stored) return std::nullopt;
  RunDetail d;
  // The run's own row, as `recon runs` shows it.
  std::vector<RunRecord> one = run_records(1, "", stored->run_id);
  if (!one.empty()) d.run = std::move(one.front());
  Stmt s(db_, sql::audit_history_statuses);
  if (!s.ok()) fail("cannot read divergences");
  bind_text(s, 1, stored->run_id);
  while (sqlite3_step(s) == SQLITE_ROW)
    d.statuses.push_back(StatusCount{column_text(s, 0), column_text(s, 1), sqlite3_column_int64(s, 2),
                                     sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4)});
  Stmt a(db_, sql::audit_history_applies);
  if (!a.ok()) fail("cannot read applies");
  bind_text(a, 1, stored->run_id);
  while (sqlite3_step(a) == SQLITE_ROW) {
    ApplySummary x{column_text(a, 0), column_text(a, 1), column_text(a, 2), column_text(a, 3)};
    std::int64_t* counts[] = {&x.statements, &x.applied, &x.conflicts, &x.repaired, &x.still_divergent};
    for (int i = 0; i < 5; ++i) *counts[i] = sqlite3_column_int64(a, 4 + i);
    d.applies.push_back(std::move(x));
  }
  return d;
}

std::vector<KeySighting> AuditDb::key_history(const std::string& table, const std::string& key_json) {
  require_open("key_history");
  Stmt s(db_, sql::audit_history_key);
  if (!s.ok()) fail("cannot read divergences");
  bind_text(s, 1, table);
  bind_text(s, 2, key_json);
  std::vector<KeySighting> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    KeySighting k;
    k.run_id = column_text(s, 0);
    k.started_at = column_text(s, 1);
    k.mode = column_text(s, 2);
    k.run_status = column_text(s, 3);
    k.table_partial = sqlite3_column_int(s, 4) != 0;
    k.found = !column_null(s, 5);
    if (k.found) {
      k.category = column_text(s, 5);
      k.finding_category = column_text(s, 6);
      k.severity = sqlite3_column_int(s, 7);
      k.action = column_text(s, 8);
      k.status = column_null(s, 9) ? "open" : column_text(s, 9);
      k.columns_json = column_text(s, 10);
      k.recheck = column_text(s, 11);
      k.repair = column_text(s, 12);
    }
    out.push_back(std::move(k));
  }
  if (rc != SQLITE_DONE) fail("cannot read the history of a key of " + table);
  return out;
}

std::vector<RecheckSighting> AuditDb::divergence_rechecks(std::int64_t divergence_id) {
  require_open("divergence_rechecks");
  Stmt s(db_, sql::audit_history_rechecks);
  if (!s.ok()) fail("cannot read rechecks");
  sqlite3_bind_int64(s, 1, divergence_id);
  std::vector<RecheckSighting> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW)
    out.push_back(RecheckSighting{column_text(s, 0), column_text(s, 1), column_text(s, 2), column_text(s, 3),
                                  column_text(s, 4)});
  if (rc != SQLITE_DONE) fail("cannot read the rechecks of divergence " + std::to_string(divergence_id));
  return out;
}

std::vector<TableTrend> AuditDb::table_trends(const std::string& run_id, const std::vector<std::string>& tables,
                                              std::size_t last) {
  require_open("table_trends");
  Stmt s(db_, sql::audit_history_trend);
  if (!s.ok()) fail("cannot read the trend of a table");
  std::vector<TableTrend> out;
  for (const std::string& table : tables) {
    TableTrend trend{table, {}};
    sqlite3_reset(s);
    bind_text(s, 1, table);
    bind_text(s, 2, run_id);
    sqlite3_bind_int64(s, 3, static_cast<sqlite3_int64>(last));
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
      trend.points.push_back(TrendPoint{column_text(s, 0), column_text(s, 1), column_text(s, 2), column_text(s, 3),
                                        column_real(s, 4), sqlite3_column_int(s, 5) != 0});
    if (rc != SQLITE_DONE) fail("cannot read the trend of " + table);
    std::reverse(trend.points.begin(), trend.points.end());
    out.push_back(std::move(trend));
  }
  return out;
}

}  // namespace recon

// Reading the audit trail back (recon recheck / recon explain) and recording recheck outcomes.
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "recon/audit/audit_db.hpp"
#include "recon/core/canonical.hpp"
#include "recon/core/errors.hpp"
#include "sqlite_util.hpp"

namespace recon {
namespace {

using audit::bind_blob;
using audit::bind_text;
using audit::column_blob;
using audit::column_null;
using audit::column_text;
using audit::Stmt;

/// Seconds since 1970 of "2026-11-23T10:15:00Z" (a fraction and a missing 'Z' are accepted); 0
/// when the text is not such a time.
double parse_iso_epoch(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double sec = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%lf", &y, &mo, &d, &h, &mi, &sec) != 6 || mo < 1 || mo > 12 ||
      d < 1 || d > 31)
    return 0;
  const double days = canon::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return days * 86400.0 + h * 3600.0 + mi * 60.0 + sec;
}

/// key_to_json text as a person may type it: whitespace outside strings dropped, a bare scalar
/// wrapped as a one-column key.
std::string normalise_key_json(const std::string& text) {
  std::string out;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      out.push_back(c);
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
      out.push_back(c);
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      out.push_back(c);
    }
  }
  if (!out.empty() && out.front() != '[') out = "[" + out + "]";
  return out;
}

Category category_from(const std::string& s) {
  if (s == "missing_in_target") return Category::MissingInTarget;
  if (s == "missing_in_source") return Category::MissingInSource;
  return Category::Changed;
}
Action action_from(const std::string& s) { return parse_action(s).value_or(Action::Fix); }
Status status_from(const std::string& s) {
  if (s == "tolerated") return Status::Tolerated;
  if (s == "in_flight") return Status::InFlight;
  if (s == "converged") return Status::Converged;
  if (s == "suspended") return Status::Suspended;
  return Status::Open;
}

/// Column list read by row_to_divergence, in its order; key_canon is column 6.
/// Columns 19-21: the newest recheck's values and whether there is one (index rechecks_divergence).
constexpr const char* kDivergenceColumns =
    "SELECT id, run_id, table_name, key_json, category, columns_idx, key_canon, source_canon, target_canon,"
    " finding_category, severity, action, rule, explanation, fix_columns_idx, status, recheck_attempts,"
    " converged_after_s, range_index,"
    " (SELECT c.source_canon FROM rechecks c WHERE c.divergence_id = divergences.id ORDER BY c.id DESC LIMIT 1),"
    " (SELECT c.target_canon FROM rechecks c WHERE c.divergence_id = divergences.id ORDER BY c.id DESC LIMIT 1),"
    " EXISTS (SELECT 1 FROM rechecks c WHERE c.divergence_id = divergences.id)"
    " FROM divergences ";
constexpr int kKeyCanonColumn = 6;

StoredDivergence row_to_divergence(sqlite3_stmt* s, const privacy::TokenKey* pii_key) {
  StoredDivergence d;
  d.id = sqlite3_column_int64(s, 0);
  d.run_id = column_text(s, 1);
  d.table_name = column_text(s, 2);
  d.key_json = column_text(s, 3);
  d.category = category_from(column_text(s, 4));
  d.columns = audit::parse_indexes(column_text(s, 5));
  d.key = privacy::open_sealed(column_blob(s, 6), pii_key, "divergence " + std::to_string(d.id) + " of run " + d.run_id);
  d.source_values = column_blob(s, 7);
  d.target_values = column_blob(s, 8);
  Finding& f = d.finding;
  f.category = column_text(s, 9);
  if (f.category.empty()) f.category = category_name(d.category);
  f.severity = column_null(s, 10) ? kDefaultSeverity : sqlite3_column_int(s, 10);
  f.action = action_from(column_text(s, 11));
  f.rule = column_text(s, 12);
  f.explanation = column_text(s, 13);
  f.fix_columns = audit::parse_indexes(column_text(s, 14));
  f.status = status_from(column_text(s, 15));
  f.recheck_attempts = sqlite3_column_int(s, 16);
  f.converged_after_s = sqlite3_column_double(s, 17);
  d.range_index = column_null(s, 18) ? -1 : sqlite3_column_int64(s, 18);
  d.rechecked = sqlite3_column_int(s, 21) != 0;
  d.latest_source_present = !column_null(s, 19);
  d.latest_target_present = !column_null(s, 20);
  d.latest_source_values = column_blob(s, 19);
  d.latest_target_values = column_blob(s, 20);
  return d;
}

}  // namespace

void AuditDb::refuse_v1_run(const std::string& run_id, const char* what) {
  throw InputError("run " + run_id + " in audit database " + path_.string() +
                   " was recorded by an older recon (audit schema version 1): its divergences carry no "
                   "canonical values, so they cannot be " + what +
                   " from the audit; run `recon check` again and use the new run's id");
}

namespace {

constexpr const char* kRunColumns =
    "SELECT run_id, started_at, finished_at, job_file, job_hash, mode, status, consistency_index, rules_hash,"
    " out_dir, seed, sample_rate, error FROM runs ";

StoredRun row_to_run(sqlite3_stmt* s) {
  StoredRun r;
  r.run_id = column_text(s, 0);
  r.started_at = column_text(s, 1);
  r.finished_at = column_text(s, 2);
  r.job_file = column_text(s, 3);
  r.job_hash = column_text(s, 4);
  r.mode = column_text(s, 5);
  r.status = column_text(s, 6);
  r.consistency_index = sqlite3_column_double(s, 7);
  r.rules_hash = column_text(s, 8);
  r.out_dir = column_text(s, 9);
  r.seed = column_text(s, 10);
  r.sample_rate = column_null(s, 11) ? 1.0 : sqlite3_column_double(s, 11);
  r.error = column_text(s, 12);
  r.started_epoch = parse_iso_epoch(r.started_at);
  return r;
}

}  // namespace

std::optional<StoredRun> AuditDb::find_run(const std::string& run_id, bool any) {
  require_open("find_run");
  auto read = [&](const std::string& where, const std::string& bound) -> std::optional<StoredRun> {
    Stmt s(db_, std::string(kRunColumns) + where);
    if (!s.ok()) fail("cannot read runs");
    if (!bound.empty()) bind_text(s, 1, bound);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return std::nullopt;
    if (rc != SQLITE_ROW) fail("cannot read run " + run_id);
    return row_to_run(s);
  };
  if (auto r = read("WHERE run_id = ?1", run_id)) return r;
  // The status lists here and in newer_unfinished are StoredRun::finished() in SQL: keep in step.
  if (run_id == "latest")
    return read(std::string(any ? "" : "WHERE status IN ('consistent', 'divergent', 'error', 'interrupted') ") +
                    "ORDER BY started_at DESC, rowid DESC LIMIT 1",
                "");
  return std::nullopt;
}

std::optional<StoredRun> AuditDb::newer_unfinished(const StoredRun& run) {
  require_open("newer_unfinished");
  Stmt s(db_, std::string(kRunColumns) +
                  "WHERE status IN ('running', 'abandoned', 'failed') AND started_at >= ?1 AND run_id <> ?2"
                  " ORDER BY started_at DESC LIMIT 1");
  if (!s.ok()) fail("cannot read runs");
  bind_text(s, 1, run.started_at);
  bind_text(s, 2, run.run_id);
  if (sqlite3_step(s) != SQLITE_ROW) return std::nullopt;
  return row_to_run(s);
}

std::vector<Divergence> AuditDb::done_range_divergences(const std::string& run_id, const std::string& table) {
  require_open("done_range_divergences");
  Stmt s(db_, std::string(kDivergenceColumns) +
                  "WHERE run_id = ?1 AND table_name = ?2 AND range_index IN (SELECT range_index FROM ranges"
                  " WHERE run_id = ?1 AND table_name = ?2 AND status = 'done') ORDER BY id");
  if (!s.ok()) fail("cannot read divergences");
  bind_text(s, 1, run_id);
  bind_text(s, 2, table);
  std::vector<Divergence> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) out.push_back(row_to_divergence(s, pii_key_.get()).to_divergence());
  if (rc != SQLITE_DONE) fail("cannot read divergences of run " + run_id);
  return out;
}

std::vector<StoredDivergence> AuditDb::open_divergences(const std::string& run_id, const std::string& table) {
  require_open("open_divergences");
  // Version 1 rows have no status: select them too, so a v1 run is refused rather than empty.
  std::string sql = std::string(kDivergenceColumns) +
                    "WHERE run_id = ?1 AND (status IN ('open', 'in_flight', 'suspended') OR key_canon IS NULL)";
  if (!table.empty()) sql += " AND table_name = ?2";
  sql += " ORDER BY id";
  return read_divergences(sql, run_id, table);
}

std::vector<StoredDivergence> AuditDb::table_divergences(const std::string& run_id, const std::string& table) {
  require_open("table_divergences");
  return read_divergences(std::string(kDivergenceColumns) + "WHERE run_id = ?1 AND table_name = ?2 ORDER BY id",
                          run_id, table);
}

std::vector<StoredDivergence> AuditDb::read_divergences(const std::string& sql, const std::string& run_id,
                                                        const std::string& table) {
  Stmt s(db_, sql.c_str());
  if (!s.ok()) fail("cannot read divergences");
  bind_text(s, 1, run_id);
  if (!table.empty()) bind_text(s, 2, table);
  std::vector<StoredDivergence> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (column_null(s, kKeyCanonColumn)) refuse_v1_run(run_id, "rechecked");
    out.push_back(row_to_divergence(s, pii_key_.get()));
  }
  if (rc != SQLITE_DONE) fail("cannot read divergences of run " + run_id);
  return out;
}

std::optional<StoredDivergence> AuditDb::find_divergence(const std::string& run_id, const std::string& table,
                                                         const std::string& key_json) {
  require_open("find_divergence");
  {
    Stmt s(db_, (std::string(kDivergenceColumns) +
                 "WHERE run_id = ?1 AND table_name = ?2 AND key_json = ?3 ORDER BY id LIMIT 1").c_str());
    if (!s.ok()) fail("cannot read divergences");
    bind_text(s, 1, run_id);
    bind_text(s, 2, table);
    bind_text(s, 3, normalise_key_json(key_json));
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      if (column_null(s, kKeyCanonColumn)) refuse_v1_run(run_id, "explained");
      return row_to_divergence(s, pii_key_.get());
    }
    if (rc != SQLITE_DONE) fail("cannot read divergences of run " + run_id);
  }
  // Not found: say so only if the run could have held it (a v1 run's first row tells).
  Stmt s(db_, "SELECT key_canon IS NULL FROM divergences WHERE run_id = ?1 ORDER BY id LIMIT 1");
  if (!s.ok()) fail("cannot read divergences");
  bind_text(s, 1, run_id);
  if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 1) refuse_v1_run(run_id, "explained");
  return std::nullopt;
}

void AuditDb::record_recheck(std::int64_t divergence_id, const std::string& recheck_id,
                             const std::string& checked_at, const Divergence& now,
                             const privacy::TablePrivacy& privacy) {
  require_open("record_recheck");
  std::string run_id;
  {
    Stmt s(db_, "SELECT run_id FROM divergences WHERE id = ?1");
    if (!s.ok()) fail("cannot read divergences");
    sqlite3_bind_int64(s, 1, divergence_id);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE)
      throw std::invalid_argument("AuditDb::record_recheck: no divergence with id " + std::to_string(divergence_id));
    if (rc != SQLITE_ROW) fail("cannot read divergence " + std::to_string(divergence_id));
    run_id = column_text(s, 0);
  }
  const Finding& f = now.finding;
  const std::string category = f.category.empty() ? std::string(category_name(now.category)) : f.category;
  in_write_transaction([&] {
    {
      Stmt s(db_,
             "INSERT INTO rechecks (divergence_id, run_id, recheck_id, checked_at, status, finding_category,"
             " severity, action, explanation, source_canon, target_canon)"
             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
      if (!s.ok()) fail("cannot prepare recheck insert");
      sqlite3_bind_int64(s, 1, divergence_id);
      bind_text(s, 2, run_id);
      bind_text(s, 3, recheck_id);
      bind_text(s, 4, checked_at);
      bind_text(s, 5, status_name(f.status));
      bind_text(s, 6, category);
      sqlite3_bind_int(s, 7, f.severity);
      bind_text(s, 8, action_name(f.action));
      bind_text(s, 9, f.explanation);
      if (now.category != Category::MissingInSource) bind_blob(s, 10, privacy.token_values(now.source_values));
      if (now.category != Category::MissingInTarget) bind_blob(s, 11, privacy.token_values(now.target_values));
      if (sqlite3_step(s) != SQLITE_DONE) fail("cannot record a recheck of divergence " + std::to_string(divergence_id));
    }
    {
      Stmt s(db_,
             "UPDATE divergences SET finding_category = ?2, severity = ?3, action = ?4, rule = ?5, explanation = ?6,"
             " fix_columns_idx = ?7, status = ?8, recheck_attempts = ?9, converged_after_s = ?10 WHERE id = ?1");
      if (!s.ok()) fail("cannot prepare divergence update");
      sqlite3_bind_int64(s, 1, divergence_id);
      audit::bind_finding(s, 2, now);
      if (sqlite3_step(s) != SQLITE_DONE) fail("cannot update divergence " + std::to_string(divergence_id));
    }
  });
}

std::vector<std::string> AuditDb::run_tables(const std::string& run_id) {
  require_open("run_tables");
  std::vector<std::string> out;
  // INSERT OR REPLACE gives a replaced row a new rowid, and finish_run rewrites every table in the
  // run's order last, so rowid order is the run's order.
  for (const char* sql : {"SELECT table_name FROM table_results WHERE run_id = ?1 ORDER BY rowid",
                          "SELECT table_name FROM divergences WHERE run_id = ?1 GROUP BY table_name ORDER BY min(id)"}) {
    Stmt s(db_, sql);
    if (!s.ok()) fail("cannot read the tables of run " + run_id);
    bind_text(s, 1, run_id);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      std::string name = column_text(s, 0);
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
    }
    if (rc != SQLITE_DONE) fail("cannot read the tables of run " + run_id);
  }
  return out;
}

}  // namespace recon

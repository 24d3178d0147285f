// `recon apply` on the audit trail: the fix-up a run recorded, and each apply's tables and keys.
#include <sqlite3.h>

#include "recon/audit/audit_db.hpp"
#include "recon/core/errors.hpp"
#include "sqlite_util.hpp"

namespace recon {

namespace {

using audit::bind_opt_text;
using audit::bind_text;
using audit::column_null;
using audit::column_text;
using audit::Stmt;

constexpr const char* kInsertApply =
    "INSERT INTO applies (apply_id, run_id, table_name, started_at, finished_at, os_user, host, target_endpoint,"
    " strict, status, fixup_file, fixup_sha256, statements, applied, conflicts, skipped, repaired, still_divergent,"
    " undo_file, undo_sha256, error)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)";

constexpr const char* kInsertApplyKey =
    "INSERT INTO apply_keys (apply_id, divergence_id, run_id, table_name, key_json, statement, rows, outcome,"
    " now_equal, checked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

}  // namespace

std::pair<std::string, std::string> AuditDb::recorded_fixup(const std::string& run_id, const std::string& table) {
  require_open("recorded_fixup");
  Stmt s(db_, "SELECT fixup_file, fixup_sha256 FROM table_results WHERE run_id = ?1 AND table_name = ?2");
  if (!s.ok()) fail("cannot read table results");
  bind_text(s, 1, run_id);
  bind_text(s, 2, table);
  if (sqlite3_step(s) != SQLITE_ROW) return {};
  return {column_text(s, 0), column_text(s, 1)};
}

void AuditDb::record_refreshed_fixup(const std::string& run_id, const std::string& table, const std::string& sha256) {
  require_open("record_refreshed_fixup");
  in_write_transaction([&] {
    Stmt s(db_, "UPDATE table_results SET fixup_sha256 = ?3 WHERE run_id = ?1 AND table_name = ?2");
    if (!s.ok()) fail("cannot prepare the fix-up hash update");
    bind_text(s, 1, run_id);
    bind_text(s, 2, table);
    bind_text(s, 3, sha256);
    if (sqlite3_step(s) != SQLITE_DONE) fail("cannot record the refreshed fix-up of " + table);
  });
}

std::vector<std::int64_t> AuditDb::repaired_divergences(const std::string& run_id, const std::string& table) {
  require_open("repaired_divergences");
  Stmt s(db_,
         "SELECT DISTINCT k.divergence_id FROM apply_keys k JOIN applies a"
         " ON a.apply_id = k.apply_id AND a.table_name = k.table_name"
         " WHERE k.run_id = ?1 AND k.table_name = ?2 AND k.outcome = 'repaired' AND a.status = 'committed'"
         " ORDER BY k.divergence_id");
  if (!s.ok()) fail("cannot read applies");
  bind_text(s, 1, run_id);
  bind_text(s, 2, table);
  std::vector<std::int64_t> out;
  while (sqlite3_step(s) == SQLITE_ROW) out.push_back(sqlite3_column_int64(s, 0));
  return out;
}

void AuditDb::record_apply(const ApplyRecord& a, const std::vector<ApplyKeyRecord>& keys) {
  require_open("record_apply");
  in_write_transaction([&] {
    Stmt s(db_, kInsertApply);
    if (!s.ok()) fail("cannot prepare the applies insert");
    const std::string texts[] = {a.apply_id, a.run_id, a.table_name, a.started_at, a.finished_at, a.os_user, a.host,
                                 redact_secrets(a.target_endpoint)};
    for (int i = 0; i < 8; ++i) bind_opt_text(s, i + 1, texts[i]);
    sqlite3_bind_int(s, 9, a.strict ? 1 : 0);
    bind_text(s, 10, a.status);
    bind_opt_text(s, 11, a.fixup_file);
    bind_opt_text(s, 12, a.fixup_sha256);
    const std::int64_t counts[] = {a.statements, a.applied, a.conflicts, a.skipped, a.repaired, a.still_divergent};
    for (int i = 0; i < 6; ++i) sqlite3_bind_int64(s, 13 + i, counts[i]);
    bind_opt_text(s, 19, a.undo_file);
    bind_opt_text(s, 20, a.undo_sha256);
    bind_opt_text(s, 21, redact_secrets(a.error));
    if (sqlite3_step(s) != SQLITE_DONE) fail("cannot record apply " + a.apply_id + " of table " + a.table_name);
    Stmt k(db_, kInsertApplyKey);
    if (!k.ok()) fail("cannot prepare the apply_keys insert");
    for (const ApplyKeyRecord& r : keys) {
      sqlite3_reset(k);
      sqlite3_clear_bindings(k);
      bind_text(k, 1, a.apply_id);
      sqlite3_bind_int64(k, 2, r.divergence_id);
      bind_text(k, 3, a.run_id);
      bind_text(k, 4, a.table_name);
      bind_text(k, 5, r.key_json);
      bind_text(k, 6, r.statement);
      sqlite3_bind_int64(k, 7, r.rows);
      bind_text(k, 8, r.outcome);
      if (r.now_equal) sqlite3_bind_int(k, 9, *r.now_equal ? 1 : 0);
      bind_opt_text(k, 10, r.checked_at);
      if (sqlite3_step(k) != SQLITE_DONE) fail("cannot record the keys of apply " + a.apply_id);
    }
  });
}

std::optional<StoredApplyKey> AuditDb::latest_apply(std::int64_t divergence_id) {
  require_open("latest_apply");
  Stmt s(db_,
         "SELECT k.key_json, k.statement, k.rows, k.outcome, k.now_equal, k.checked_at, k.apply_id, a.status,"
         " a.finished_at, a.undo_file FROM apply_keys k JOIN applies a"
         " ON a.apply_id = k.apply_id AND a.table_name = k.table_name"
         " WHERE k.divergence_id = ?1 ORDER BY k.rowid DESC LIMIT 1");
  if (!s.ok()) fail("cannot read applies");
  sqlite3_bind_int64(s, 1, divergence_id);
  if (sqlite3_step(s) != SQLITE_ROW) return std::nullopt;
  StoredApplyKey out;
  out.key.divergence_id = divergence_id;
  out.key.key_json = column_text(s, 0);
  out.key.statement = column_text(s, 1);
  out.key.rows = sqlite3_column_int64(s, 2);
  out.key.outcome = column_text(s, 3);
  if (!column_null(s, 4)) out.key.now_equal = sqlite3_column_int(s, 4) != 0;
  out.key.checked_at = column_text(s, 5);
  out.apply_id = column_text(s, 6);
  out.apply_status = column_text(s, 7);
  out.finished_at = column_text(s, 8);
  out.undo_file = column_text(s, 9);
  return out;
}

}  // namespace recon

// `recon audit prune` on the audit trail: old runs removed with all their records, the removal on
// record in `prunes`.
#include <sqlite3.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "recon/audit/audit_db.hpp"
#include "recon/core/os_identity.hpp"
#include "recon/core/utc_time.hpp"
#include "recon/generated/sql_text.hpp"
#include "sqlite_util.hpp"

namespace recon {

namespace {

using audit::bind_text;
using audit::column_text;
using audit::Stmt;

/// count(*) of `table`'s rows whose run is to be removed.
std::int64_t count_pruned(sqlite3* db, const char* table) {
  const std::string sql = std::string("SELECT count(*) FROM ") + table +
                          " WHERE run_id IN (SELECT run_id FROM temp.prune_runs)";
  Stmt s(db, sql.c_str());
  return s.ok() && sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
}

std::int64_t scalar(sqlite3* db, const char* sql, const std::string& bind = "") {
  Stmt s(db, sql);
  if (!bind.empty()) bind_text(s, 1, bind);
  return s.ok() && sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
}

}  // namespace

PruneResult AuditDb::prune(const std::string& cutoff, const std::string& keep, bool dry_run) {
  require_open("prune");
  PruneResult result;
  in_write_transaction([&] {
    exec("CREATE TEMP TABLE IF NOT EXISTS prune_runs (run_id TEXT PRIMARY KEY); DELETE FROM temp.prune_runs;");
    {
      Stmt s(db_, sql::audit_prune_select);
      if (!s.ok()) fail("cannot prepare the prune");
      bind_text(s, 1, cutoff);
      if (sqlite3_step(s) != SQLITE_DONE) fail("cannot select the runs to prune");
    }
    {
      Stmt s(db_, "SELECT p.run_id FROM temp.prune_runs p JOIN runs r USING (run_id) ORDER BY r.started_at, r.rowid");
      while (s.ok() && sqlite3_step(s) == SQLITE_ROW) result.run_ids.push_back(column_text(s, 0));
    }
    result.divergences = count_pruned(db_, "divergences");
    result.rechecks = count_pruned(db_, "rechecks");
    result.applies = count_pruned(db_, "applies");
    const auto older = scalar(db_, "SELECT count(*) FROM runs WHERE started_at < ?1", cutoff);
    result.kept_old = older - static_cast<std::int64_t>(result.run_ids.size());
    result.runs_left = scalar(db_, "SELECT count(*) FROM runs") - static_cast<std::int64_t>(result.run_ids.size());
    if (dry_run || result.run_ids.empty()) {
      exec("DELETE FROM temp.prune_runs");
      return;
    }
    exec(std::string(sql::audit_prune_delete).c_str());
    Stmt s(db_,
           "INSERT INTO prunes (pruned_at, keep, cutoff, runs, divergences, rechecks, applies, run_ids_json, os_user, host)"
           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!s.ok()) fail("cannot prepare the prune record");
    bind_text(s, 1, iso_utc_now());
    bind_text(s, 2, keep);
    bind_text(s, 3, cutoff);
    sqlite3_bind_int64(s, 4, static_cast<sqlite3_int64>(result.run_ids.size()));
    sqlite3_bind_int64(s, 5, result.divergences);
    sqlite3_bind_int64(s, 6, result.rechecks);
    sqlite3_bind_int64(s, 7, result.applies);
    bind_text(s, 8, nlohmann::json(result.run_ids).dump());
    bind_text(s, 9, user_name());
    bind_text(s, 10, host_name());
    if (sqlite3_step(s) != SQLITE_DONE) fail("cannot record the prune");
    exec("DELETE FROM temp.prune_runs");
  });
  return result;
}

std::pair<std::int64_t, std::int64_t> AuditDb::vacuum() {
  require_open("vacuum");
  auto size = [&] {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path_, ec);
    return ec ? std::int64_t{0} : static_cast<std::int64_t>(n);
  };
  exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const std::int64_t before = size();
  exec("VACUUM");
  exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return {before, size()};
}

}  // namespace recon

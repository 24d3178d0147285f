// `recon audit prune` on the audit trail: old runs removed with all their records and their chain
// entries, the removal on record in `prunes`, and a checkpoint on the chain that bridges the gaps.
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

/// Sets a flag for its lifetime (AuditDb's recon_audit_pruning()), cleared however the scope ends.
struct FlagOn {
  bool& flag;
  explicit FlagOn(bool& f) : flag(f) { flag = true; }
  ~FlagOn() { flag = false; }
};

/// The gaps that removing temp.prune_seqs left: for each remaining entry right after a removed one,
/// the remaining entry before it (0: none), its prev_sha256 and how many seqs are missing between.
nlohmann::json bridges(sqlite3* db) {
  nlohmann::json out = nlohmann::json::array();
  Stmt s(db, "SELECT c.seq, c.prev_sha256, (SELECT coalesce(max(p.seq), 0) FROM chain p WHERE p.seq < c.seq)"
             " FROM chain c WHERE c.seq - 1 IN (SELECT seq FROM temp.prune_seqs) ORDER BY c.seq");
  while (s.ok() && sqlite3_step(s) == SQLITE_ROW) {
    const std::int64_t seq = sqlite3_column_int64(s, 0), after = sqlite3_column_int64(s, 2);
    out.push_back({{"after_seq", after}, {"seq", seq}, {"prev_sha256", column_text(s, 1)}, {"removed", seq - after - 1}});
  }
  return out;
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
    // The prunes row first: its chain entry is then the newest, so the removal never takes the
    // chain's tail and every gap it leaves lies before a remaining entry.
    const std::int64_t prune_id = record_prune(cutoff, keep, result);
    std::int64_t removed = 0;
    nlohmann::json gaps;
    {
      const FlagOn pruning(pruning_);
      exec(std::string(sql::audit_prune_delete).c_str());
      removed = scalar(db_, "SELECT count(*) FROM temp.prune_seqs");
      gaps = bridges(db_);
    }
    Stmt mark(db_, "INSERT INTO chain_marks (kind, at, note, bridges_json) VALUES ('checkpoint', ?1, ?2, ?3)");
    if (!mark.ok()) fail("cannot prepare the prune's checkpoint");
    bind_text(mark, 1, iso_utc_now());
    bind_text(mark, 2, "recon audit prune (prunes.id " + std::to_string(prune_id) + ", --keep " + keep + ") removed " +
                           std::to_string(result.run_ids.size()) + " runs: " + std::to_string(removed) +
                           " chain entries; bridges_json lets the remaining chain verify across the gaps");
    bind_text(mark, 3, gaps.dump());
    if (sqlite3_step(mark) != SQLITE_DONE) fail("cannot record the prune's checkpoint");
    exec("DELETE FROM temp.prune_seqs");
    exec("DELETE FROM temp.prune_runs");
  });
  return result;
}

std::int64_t AuditDb::record_prune(const std::string& cutoff, const std::string& keep, const PruneResult& result) {
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
  return sqlite3_last_insert_rowid(db_);
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

// What sampled and incremental runs keep in the audit: a sampled table's cluster plan and the
// run's interval, and each incremental table's watermark and scrub position.
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "recon/audit/audit_db.hpp"
#include "recon/core/canonical.hpp"
#include "recon/core/utc_time.hpp"
#include "sqlite_util.hpp"

namespace recon {
namespace {

using audit::bind_text;
using audit::column_text;
using audit::Stmt;

std::string hex_of(const std::string& bytes) { return canon::format_hex(bytes); }

std::string bytes_of_hex(const std::string& hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

}  // namespace

void AuditDb::record_cluster_plan(const std::string& table, const ClusterPlanInfo& plan) {
  require_run("record_cluster_plan");
  Stmt s(db_, "INSERT OR REPLACE INTO cluster_plans (run_id, table_name, clusters_total, method, mean_cluster_rows)"
              " VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s.ok()) fail("cannot prepare the cluster plan of table " + table);
  bind_text(s, 1, run_id_);
  bind_text(s, 2, table);
  sqlite3_bind_int64(s, 3, plan.clusters_total);
  bind_text(s, 4, plan.method);
  sqlite3_bind_double(s, 5, plan.mean_cluster_rows);
  if (sqlite3_step(s) != SQLITE_DONE) fail("cannot record the cluster plan of table " + table);
}

std::optional<ClusterPlanInfo> AuditDb::cluster_plan(const std::string& run_id, const std::string& table) {
  require_open("cluster_plan");
  Stmt s(db_, "SELECT clusters_total, method, mean_cluster_rows FROM cluster_plans WHERE run_id = ?1 AND table_name = ?2");
  if (!s.ok()) fail("cannot read the cluster plan of table " + table);
  bind_text(s, 1, run_id);
  bind_text(s, 2, table);
  if (sqlite3_step(s) != SQLITE_ROW) return std::nullopt;
  return ClusterPlanInfo{sqlite3_column_int64(s, 0), column_text(s, 1), sqlite3_column_double(s, 2)};
}

void AuditDb::record_run_interval(const IndexInterval& interval) {
  Stmt s(db_, "UPDATE runs SET index_lower = ?2, index_upper = ?3, confidence = ?4 WHERE run_id = ?1");
  if (!s.ok()) fail("cannot prepare the interval of run " + run_id_);
  bind_text(s, 1, run_id_);
  sqlite3_bind_double(s, 2, interval.lower);
  sqlite3_bind_double(s, 3, interval.upper);
  sqlite3_bind_double(s, 4, interval.confidence);
  if (sqlite3_step(s) != SQLITE_DONE) fail("cannot record the interval of run " + run_id_);
}

void AuditDb::save_incremental_state(const std::string& table, const IncrementalState& state) {
  Stmt s(db_, "INSERT OR REPLACE INTO watermarks (table_identity, table_name, watermark, watermark_epoch, run_id,"
              " scrub_cycle, scrub_next, scrub_bounds_json, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!s.ok()) fail("cannot prepare the watermark of table " + table);
  nlohmann::json bounds = nlohmann::json::array();
  for (const std::string& b : state.scrub_bounds) bounds.push_back(hex_of(b));
  bind_text(s, 1, state.identity);
  bind_text(s, 2, table);
  bind_text(s, 3, iso_utc(state.watermark_epoch));
  sqlite3_bind_double(s, 4, state.watermark_epoch);
  bind_text(s, 5, state.run_id);
  sqlite3_bind_int(s, 6, state.scrub_cycle);
  sqlite3_bind_int(s, 7, state.scrub_next);
  bind_text(s, 8, bounds.dump());
  bind_text(s, 9, iso_utc_now());
  if (sqlite3_step(s) != SQLITE_DONE) fail("cannot record the watermark of table " + table);
}

std::optional<IncrementalState> AuditDb::incremental_state(const std::string& identity) {
  require_open("incremental_state");
  Stmt s(db_, "SELECT watermark_epoch, run_id, scrub_cycle, scrub_next, scrub_bounds_json FROM watermarks"
              " WHERE table_identity = ?1");
  if (!s.ok()) fail("cannot read a watermark");
  bind_text(s, 1, identity);
  if (sqlite3_step(s) != SQLITE_ROW) return std::nullopt;
  IncrementalState st;
  st.identity = identity;
  st.watermark_epoch = sqlite3_column_double(s, 0);
  st.run_id = column_text(s, 1);
  st.scrub_cycle = sqlite3_column_int(s, 2);
  st.scrub_next = sqlite3_column_int(s, 3);
  const nlohmann::json bounds = nlohmann::json::parse(column_text(s, 4), nullptr, false);
  if (bounds.is_array())
    for (const auto& b : bounds)
      if (b.is_string()) st.scrub_bounds.push_back(bytes_of_hex(b.get<std::string>()));
  return st;
}

}  // namespace recon

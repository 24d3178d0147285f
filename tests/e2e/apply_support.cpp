#include "apply_support.hpp"

#include <algorithm>
#include <stdexcept>

namespace e2e {

const json& ApplyRun::table(const std::string& name) const {
  if (out.is_object() && out.contains("tables"))
    for (const auto& t : out.at("tables"))
      if (t.value("table", "") == name) return t;
  throw std::runtime_error("recon apply printed no table " + name + ":\n" + proc.describe());
}

std::map<std::string, json> ApplyRun::keys(const std::string& name) const {
  std::map<std::string, json> out_keys;
  for (const auto& k : table(name).at("keys")) out_keys[k.at("key").dump()] = k;
  return out_keys;
}

ApplyRun run_apply(const fs::path& audit, const std::vector<std::string>& extra, const std::string& run, bool as_json,
                   int timeout_s, std::atomic<int>* started) {
  std::vector<std::string> args{"apply", "--run", run, "--audit", audit.string(), "--no-progress"};
  if (as_json) args.push_back("--json");
  args.insert(args.end(), extra.begin(), extra.end());
  ApplyRun r;
  r.proc = run_recon(args, {}, timeout_s, started);
  if (as_json) r.out = json::parse(r.proc.out, nullptr, false);
  if (r.out.is_discarded()) r.out = json();
  return r;
}

ProcResult run_check_cmd(const fs::path& job, const fs::path& out, const fs::path& audit) {
  return run_recon({"check", "--config", job.string(), "--out", out.string(), "--audit", audit.string(),
                    "--no-progress"});
}

std::string run_id_of(const fs::path& out) { return read_json(out / "summary.json").at("run_id").get<std::string>(); }

std::string sha256_of(const fs::path& file) {
  const ProcResult r = run_process("/usr/bin/sha256sum", {"-b", file.string()});
  if (r.exit_code != 0 || r.out.size() < 64) throw std::runtime_error("sha256sum failed: " + r.describe());
  return r.out.substr(0, 64);
}

std::vector<fs::path> undo_files(const fs::path& out_dir) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(out_dir / "fixup", ec))
    if (e.path().filename().string().find(".undo-") != std::string::npos) found.push_back(e.path());
  std::sort(found.begin(), found.end());
  return found;
}

std::vector<Row> applies_rows(const fs::path& audit, const std::string& table) {
  SqliteDb db(audit);
  static const std::vector<std::string> cols{
      "apply_id", "run_id",  "table_name", "started_at", "finished_at",     "os_user",   "host",
      "target_endpoint", "strict", "status", "fixup_file", "fixup_sha256", "statements", "applied",
      "conflicts", "skipped", "repaired", "still_divergent", "undo_file", "undo_sha256", "error"};
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < cols.size(); ++i) sql += (i ? ", " : "") + cols[i];
  sql += " FROM applies WHERE table_name = '" + table + "' ORDER BY started_at, rowid";
  std::vector<Row> out;
  for (const auto& r : db.rows(sql)) {
    Row row;
    for (std::size_t i = 0; i < cols.size(); ++i) row[cols[i]] = r[i];
    out.push_back(std::move(row));
  }
  return out;
}

std::map<std::string, std::int64_t> key_outcomes(const fs::path& audit, const std::string& apply_id,
                                                 const std::string& table) {
  SqliteDb db(audit);
  std::map<std::string, std::int64_t> out;
  for (const auto& r : db.rows("SELECT outcome, count(*) FROM apply_keys WHERE apply_id = '" + apply_id +
                               "' AND table_name = '" + table + "' GROUP BY outcome"))
    out[r[0]] = std::stoll(r[1]);
  return out;
}

std::int64_t audit_count(const fs::path& audit, const std::string& sql) {
  SqliteDb db(audit);
  return db.count(sql);
}

std::int64_t pg_diff(PgDatabase& db, const std::string& a, const std::string& b, const std::string& cols) {
  const std::string sa = "SELECT " + cols + " FROM " + a, sb = "SELECT " + cols + " FROM " + b;
  return db.count("SELECT (SELECT count(*) FROM (" + sa + " EXCEPT ALL " + sb + ") x) + (SELECT count(*) FROM (" + sb +
                  " EXCEPT ALL " + sa + ") y)");
}

void pg_snapshot(PgDatabase& db, const std::string& table, const std::string& snap) {
  db.exec("DROP TABLE IF EXISTS " + snap + "; CREATE TABLE " + snap + " AS SELECT * FROM " + table);
}

std::int64_t sqlite_diff(const fs::path& a, const std::string& ta, const fs::path& b, const std::string& tb,
                         const std::string& cols) {
  SqliteDb db(a);
  db.exec("ATTACH DATABASE '" + b.string() + "' AS other");
  const std::string sa = "SELECT " + cols + " FROM main." + ta, sb = "SELECT " + cols + " FROM other." + tb;
  return db.count("SELECT (SELECT count(*) FROM (" + sa + " EXCEPT " + sb + ")) + (SELECT count(*) FROM (" + sb +
                  " EXCEPT " + sa + "))");
}

}  // namespace e2e

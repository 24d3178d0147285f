#include "rules_support.hpp"

#include <gtest/gtest.h>

namespace e2e {

void create_planted(PgDatabase& db, const std::string& t) {
  const std::string s = "src." + t, g = "tgt." + t;
  db.exec("CREATE SCHEMA IF NOT EXISTS src; CREATE SCHEMA IF NOT EXISTS tgt;");
  db.exec("CREATE TABLE " + s +
          " (id int PRIMARY KEY, amount numeric(12,3), name text, ts timestamp(6), status text, updated_at timestamp)");
  db.exec("INSERT INTO " + s +
          " SELECT i, round(i * 1.37 + 0.005, 3), 'name ' || i,"
          " timestamp '2024-01-01' + i * interval '1 minute 0.123456 second',"
          " CASE WHEN i % 3 = 0 THEN 'closed' ELSE 'active' END,"
          " timestamp '2024-01-01' + i * interval '1 hour' FROM generate_series(1, 2000) i");
  db.exec("CREATE TABLE " + g + " (LIKE " + s + " INCLUDING ALL); INSERT INTO " + g + " SELECT * FROM " + s);
  // Disjoint key sets: every predicate picks a different residue mod 25.
  const std::string u = "UPDATE " + g + " SET ";
  db.exec(u + "name = name || '  ' WHERE id % 50 = 1");                        // trailing spaces
  db.exec(u + "ts = ts + interval '500 microseconds' WHERE id % 100 = 2");     // 0.5 ms drift
  db.exec(u + "amount = amount + 0.001 WHERE id % 125 = 3");                   // within 0.01
  db.exec(u + "amount = amount + 0.02 WHERE id % 200 = 4");                    // beyond 0.01
  db.exec(u + "status = 'cancelled' WHERE id % 250 = 5");                      // a real change
  db.exec("DELETE FROM " + g + " WHERE id % 400 = 6");                          // missing in target
  db.exec("INSERT INTO " + g + " VALUES (3001, 1.5, 'extra 1', '2024-05-01', 'active', '2024-05-01'),"
          " (3002, 2.5, 'extra 2', '2024-05-02', 'active', '2024-05-02'),"
          " (3003, 3.5, 'extra 3', '2024-05-03', 'closed', '2024-05-03')");      // missing in source
  db.exec(u + "name = name || ' ', amount = amount + 0.5 WHERE id % 500 = 7");  // tolerable + not
  db.exec("CREATE VIEW " + t + "_diff AS SELECT s.id,"
          " s.name IS DISTINCT FROM x.name AS dn, s.amount IS DISTINCT FROM x.amount AS da,"
          " s.ts IS DISTINCT FROM x.ts AS dt, s.status IS DISTINCT FROM x.status AS dst,"
          " s.updated_at IS DISTINCT FROM x.updated_at AS du,"
          " coalesce(rtrim(s.name) = rtrim(x.name), false) AS name_trim_eq,"
          " coalesce(abs(s.amount - x.amount) <= 0.01, false) AS amount_tol,"
          " coalesce(abs(extract(epoch FROM s.ts - x.ts)) <= 0.001, false) AS ts_tol"
          " FROM " + s + " s JOIN " + g + " x USING (id)");
}

PlantTruth planted_truth(PgDatabase& db, const std::string& t) {
  const std::string v = t + "_diff", s = "src." + t, g = "tgt." + t;
  auto n = [&](const std::string& where) { return db.count("SELECT count(*) FROM " + v + " WHERE " + where); };
  PlantTruth p;
  p.trailing = n("dn AND name_trim_eq AND NOT (da OR dt OR dst OR du)");
  p.ts_drift = n("dt AND ts_tol AND NOT (dn OR da OR dst OR du)");
  p.small_drift = n("da AND amount_tol AND NOT (dn OR dt OR dst OR du)");
  p.big_drift = n("da AND NOT amount_tol AND NOT (dn OR dt OR dst OR du)");
  p.status = n("dst");
  p.combo = n("dn AND name_trim_eq AND da AND NOT amount_tol AND NOT (dt OR dst OR du)");
  p.changed_rows = n("dn OR da OR dt OR dst OR du");
  p.missing_in_target = db.count("SELECT count(*) FROM (SELECT id FROM " + s + " EXCEPT SELECT id FROM " + g + ") x");
  p.missing_in_source = db.count("SELECT count(*) FROM (SELECT id FROM " + g + " EXCEPT SELECT id FROM " + s + ") x");
  p.rows_compared = db.count("SELECT count(*) FROM (SELECT id FROM " + s + " UNION SELECT id FROM " + g + ") x");
  return p;
}

std::string planted_rules(const std::string& status_action) {
  std::string text = R"toml(# issue #4's checklist, as a job would write it
[[rule]]
name = "trailing_space"
match.column = "name"
interpret.trim_trailing = true
outcome.category = "trailing_space"
outcome.severity = "P4"
outcome.action = "tolerate"

[[rule]]
name = "ts_drift"
match.type = "timestamp"
interpret.time_tolerance = "1ms"
outcome.category = "ts_drift"
outcome.severity = "P4"
outcome.action = "tolerate"

[[rule]]
name = "precision_drift"
match.table = "pl_*"
match.column = "amount"
match.type = "decimal"
interpret.abs_tolerance = "0.01"
outcome.category = "precision_drift"
outcome.severity = "P4"
outcome.action = "tolerate"
)toml";
  if (!status_action.empty())
    text += "\n[[rule]]\nname = \"status_change\"\nmatch.column = \"status\"\noutcome.category = \"status_change\"\n"
            "outcome.severity = \"P1\"\noutcome.action = \"" + status_action + "\"\n";
  return text;
}

std::string table_toml(const std::string& t, const std::string& extra) {
  return "[[tables]]\nsource = \"src." + t + "\"\ntarget = \"tgt." + t + "\"\nkey = [\"id\"]\n" + extra + "\n";
}

CheckRun run_check(const fs::path& job, const fs::path& out, const fs::path& audit,
                   const std::vector<std::string>& extra, int timeout_s) {
  std::vector<std::string> args{"check", "--config", job.string(), "--out", out.string(), "--audit", audit.string(),
                                "--no-progress"};
  args.insert(args.end(), extra.begin(), extra.end());
  CheckRun r;
  r.out = out;
  r.proc = run_recon(args, {}, timeout_s);
  if (fs::exists(out / "summary.json")) r.summary = read_json(out / "summary.json");
  return r;
}

ProcResult apply_sql(const PgDatabase& db, const fs::path& file) {
  return run_process("/usr/bin/psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db.name(), "-f", file.string()});
}

std::int64_t num(const json& table, const char* field) {
  if (!table.contains(field) || !table.at(field).is_number_integer())
    throw std::runtime_error(std::string("summary.json table has no integer '") + field + "': " + table.dump());
  return table.at(field).get<std::int64_t>();
}

void expect_invariants(const json& t) {
  SCOPED_TRACE("invariants of " + t.dump());
  const std::int64_t compared = num(t, "rows_compared");
  EXPECT_EQ(compared, num(t, "matched") + num(t, "missing_in_target") + num(t, "missing_in_source") +
                          num(t, "changed") + num(t, "in_flight") + num(t, "suspended"));
  const std::int64_t denominator = compared - num(t, "in_flight") - num(t, "suspended");
  const double index = denominator <= 0 ? 1.0 : static_cast<double>(num(t, "matched")) / static_cast<double>(denominator);
  EXPECT_NEAR(t.at("consistency_index").get<double>(), index, 1e-9);
}

void expect_category(const json& table, const std::string& name, std::int64_t count, int severity,
                     const std::string& action) {
  SCOPED_TRACE("category " + name);
  ASSERT_TRUE(table.contains("categories")) << table.dump();
  const json& cats = table.at("categories");
  ASSERT_TRUE(cats.contains(name)) << "no category '" << name << "' in " << cats.dump();
  const json& c = cats.at(name);
  EXPECT_EQ(c.at("count").get<std::int64_t>(), count) << c.dump();
  EXPECT_EQ(c.at("severity").get<std::string>(), "P" + std::to_string(severity)) << c.dump();
  EXPECT_EQ(c.at("action").get<std::string>(), action) << c.dump();
}

std::map<std::string, std::int64_t> audit_statuses(const fs::path& audit, const std::string& run_id,
                                                   const std::string& table) {
  SqliteDb db(audit);
  std::map<std::string, std::int64_t> out;
  for (const auto& row : db.rows("SELECT coalesce(status, '<NULL>'), count(*) FROM divergences WHERE run_id = '" +
                                 run_id + "' AND table_name = '" + table + "' GROUP BY 1"))
    out[row[0]] = std::stoll(row[1]);
  return out;
}

}  // namespace e2e

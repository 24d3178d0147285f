// [[aggregates]] against a small dimensional warehouse in PostgreSQL shaped like the platform's:
// operational users, units, devices and energy readings on one side; dim_users, dim_units,
// dim_devices, dim_day_climate and fact_energy (built from them by SQL) on the other. Planted group
// differences must be found exactly as the engine's FULL JOIN of the two grouped queries says.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

/// Operational tables and a warehouse fed from them, equal per unit and day before anything is planted.
void create_model(PgDatabase& db) {
  db.exec("DROP SCHEMA IF EXISTS ops CASCADE; DROP SCHEMA IF EXISTS dw CASCADE; CREATE SCHEMA ops; CREATE SCHEMA dw");
  db.exec(R"sql(
    CREATE TABLE ops.users (user_id int PRIMARY KEY, name text NOT NULL);
    CREATE TABLE ops.units (unit_id int PRIMARY KEY, user_id int NOT NULL REFERENCES ops.users, name text);
    CREATE TABLE ops.devices (device_id int PRIMARY KEY, unit_id int NOT NULL REFERENCES ops.units, kind text);
    CREATE TABLE ops.energy (device_id int NOT NULL REFERENCES ops.devices, ts timestamptz NOT NULL,
                             kwh numeric(10,3) NOT NULL, PRIMARY KEY (device_id, ts));
    INSERT INTO ops.users SELECT i, 'user ' || i FROM generate_series(1, 5) i;
    INSERT INTO ops.units SELECT i, 1 + i % 5, 'unit ' || i FROM generate_series(1, 12) i;
    INSERT INTO ops.devices SELECT i, 1 + i % 12, CASE i % 3 WHEN 0 THEN 'meter' ELSE 'plug' END
      FROM generate_series(1, 30) i;
    -- Every device, every 6 hours for 10 days of November 2026.
    INSERT INTO ops.energy
      SELECT d, timestamptz '2026-11-01 00:00:00+00' + h * interval '6 hours', ((d * 7 + h) % 17) * 0.25 + 0.125
      FROM generate_series(1, 30) d, generate_series(0, 39) h;

    CREATE TABLE dw.dim_users (user_key serial PRIMARY KEY, user_id int NOT NULL UNIQUE, name text);
    CREATE TABLE dw.dim_units (unit_key serial PRIMARY KEY, unit_id int NOT NULL UNIQUE,
                               user_key int NOT NULL REFERENCES dw.dim_users);
    CREATE TABLE dw.dim_devices (device_key serial PRIMARY KEY, device_id int NOT NULL UNIQUE,
                                 unit_key int NOT NULL REFERENCES dw.dim_units, kind text);
    CREATE TABLE dw.dim_day_climate (day_key int PRIMARY KEY, day date NOT NULL UNIQUE, mean_temp numeric(4,1));
    CREATE TABLE dw.fact_energy (device_key int NOT NULL REFERENCES dw.dim_devices,
                                 day_key int NOT NULL REFERENCES dw.dim_day_climate,
                                 kwh numeric(12,3) NOT NULL, readings int NOT NULL, PRIMARY KEY (device_key, day_key));
    INSERT INTO dw.dim_users (user_id, name) SELECT user_id, name FROM ops.users ORDER BY user_id DESC;
    INSERT INTO dw.dim_units (unit_id, user_key)
      SELECT u.unit_id, du.user_key FROM ops.units u JOIN dw.dim_users du USING (user_id) ORDER BY u.unit_id DESC;
    INSERT INTO dw.dim_devices (device_id, unit_key, kind)
      SELECT d.device_id, du.unit_key, d.kind FROM ops.devices d JOIN dw.dim_units du USING (unit_id) ORDER BY 1 DESC;
    INSERT INTO dw.dim_day_climate
      SELECT to_char(day, 'YYYYMMDD')::int, day, 14.5 + extract(day FROM day) / 2
      FROM generate_series(date '2026-10-25', date '2026-11-30', interval '1 day') AS g(day);
    INSERT INTO dw.fact_energy
      SELECT dd.device_key, c.day_key, sum(e.kwh), count(*)
      FROM ops.energy e JOIN dw.dim_devices dd USING (device_id)
      JOIN dw.dim_day_climate c ON c.day = (e.ts AT TIME ZONE 'UTC')::date
      GROUP BY 1, 2;
  )sql");
}

/// A device's fact row of one day, as the planting statements address it.
std::string fact_row(int device_id, const std::string& day) {
  return "device_key = (SELECT device_key FROM dw.dim_devices WHERE device_id = " + std::to_string(device_id) +
         ") AND day_key = (SELECT day_key FROM dw.dim_day_climate WHERE day = date '" + day + "')";
}

/// One of each group difference, each in a group of its own.
void plant_differences(PgDatabase& db) {
  // Unit 4 on Nov 3 lost every fact row: group_missing_in_target.
  db.exec("DELETE FROM dw.fact_energy WHERE day_key = 20261103 AND device_key IN "
          "(SELECT device_key FROM dw.dim_devices JOIN dw.dim_units USING (unit_key) WHERE unit_id = 4)");
  // A day the source never had readings for: group_missing_in_source.
  db.exec("INSERT INTO dw.fact_energy SELECT device_key, 20261115, 3.5, 4 FROM dw.dim_devices WHERE device_id = 7");
  // A sum changed beyond the tolerance, one within it, a count changed alone.
  db.exec("UPDATE dw.fact_energy SET kwh = kwh + 5 WHERE " + fact_row(2, "2026-11-05"));
  db.exec("UPDATE dw.fact_energy SET kwh = kwh + 0.005 WHERE " + fact_row(3, "2026-11-06"));
  db.exec("UPDATE dw.fact_energy SET readings = readings + 1 WHERE " + fact_row(5, "2026-11-07"));
}

const char* const kSourceQuery =
    "SELECT d.unit_id, (e.ts AT TIME ZONE 'UTC')::date AS day, sum(e.kwh) AS kwh, count(*) AS readings "
    "FROM ops.energy e JOIN ops.devices d USING (device_id) GROUP BY 1, 2";
const char* const kTargetQuery =
    "SELECT u.unit_id, c.day, sum(f.kwh) AS kwh, sum(f.readings)::int8 AS readings FROM dw.fact_energy f "
    "JOIN dw.dim_devices dd ON dd.device_key = f.device_key JOIN dw.dim_units u ON u.unit_key = dd.unit_key "
    "JOIN dw.dim_day_climate c ON c.day_key = f.day_key GROUP BY 1, 2";
const char* const kSourceRows =
    "SELECT d.unit_id, (e.ts AT TIME ZONE 'UTC')::date AS day, e.device_id, e.ts, e.kwh "
    "FROM ops.energy e JOIN ops.devices d USING (device_id)";

std::string aggregate_toml() {
  return std::string("[[aggregates]]\nname = \"energy_unit_day\"\n") + "source_query = " + toml_str(kSourceQuery) +
         "\ntarget_query = " + toml_str(kTargetQuery) + "\nsource_rows = " + toml_str(kSourceRows) +
         "\ngroup_by = [\"unit_id\", \"day\"]\nmeasures = { kwh = \"sum\", readings = \"count\" }\n"
         "tolerance = { kwh = 0.01 }\n";
}

/// Each group's category as the engine computes it: a FULL JOIN of the two grouped queries.
std::map<json, std::string> truth_categories(PgDatabase& db) {
  std::map<json, std::string> out;
  const std::string sql = std::string("SELECT coalesce(s.unit_id, t.unit_id), coalesce(s.day, t.day)::text, ") +
                          "CASE WHEN t.unit_id IS NULL THEN 'group_missing_in_target' "
                          "WHEN s.unit_id IS NULL THEN 'group_missing_in_source' "
                          "WHEN abs(s.kwh - t.kwh) > 0.01 THEN 'group_measure_differs' "
                          "WHEN s.readings <> t.readings THEN 'group_count_differs' "
                          "WHEN s.kwh <> t.kwh THEN 'group_within_tolerance' END "
                          "FROM (" + kSourceQuery + ") s FULL JOIN (" + kTargetQuery +
                          ") t ON s.unit_id = t.unit_id AND s.day = t.day "
                          "WHERE s.unit_id IS NULL OR t.unit_id IS NULL OR s.kwh <> t.kwh OR s.readings <> t.readings";
  for (const auto& row : db.query(sql))
    out[json::array({row[0].as<long long>(), row[1].as<std::string>()})] = row[2].as<std::string>();
  return out;
}

/// Group counts as the engine computes them (tolerated groups count as matched).
Truth truth_counts(PgDatabase& db, const std::map<json, std::string>& categories) {
  Truth t;
  t.rows_source = db.count(std::string("SELECT count(*) FROM (") + kSourceQuery + ") s");
  t.rows_target = db.count(std::string("SELECT count(*) FROM (") + kTargetQuery + ") t");
  t.keys_union = db.count(std::string("SELECT count(*) FROM (") + kSourceQuery + ") s FULL JOIN (" + kTargetQuery +
                          ") t ON s.unit_id = t.unit_id AND s.day = t.day");
  for (const auto& [key, category] : categories) {
    if (category == "group_missing_in_target") ++t.missing_in_target;
    else if (category == "group_missing_in_source") ++t.missing_in_source;
    else if (category != "group_within_tolerance") ++t.changed;
  }
  return t;
}

class PgAggregates : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg()) return;
    db_ = std::make_unique<PgDatabase>("recon_e2e_aggregates");
    create_model(*db_);
    plant_differences(*db_);
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }
  ProcResult check(const TempDir& dir, const std::string& entries) {
    write_file(dir / "job.toml", pg_job(*db_, entries));
    return run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(), "--audit",
                      (dir / "audit.db").string(), "--no-progress"});
  }
  static inline std::unique_ptr<PgDatabase> db_;
};

TEST_F(PgAggregates, PlantedGroupDifferencesAreFoundExactly) {
  const std::map<json, std::string> want = truth_categories(*db_);
  ASSERT_EQ(want.size(), 5u);  // one of each kind, as planted
  TempDir dir("aggregates");
  const ProcResult r = check(dir, aggregate_toml());
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.out.find("fix-up:  none (aggregates have no fix-up SQL)"), std::string::npos) << r.out;
  const json summary = read_json(dir / "out" / "summary.json");
  expect_counts(summary, "energy_unit_day", truth_counts(*db_, want));
  const json& entry = table_entry(summary, "energy_unit_day");
  EXPECT_EQ(entry.value("kind", ""), "aggregate");
  EXPECT_EQ(entry.value("tolerated", -1), 1);
  EXPECT_EQ(entry.value("fixup_sql", "?"), "") << entry.dump();
  EXPECT_FALSE(fs::exists(dir / "out" / "fixup" / "energy_unit_day.sql"));
  for (const char* c : {"group_missing_in_target", "group_missing_in_source", "group_measure_differs",
                        "group_count_differs"})
    EXPECT_EQ(entry.at("categories").at(c).value("severity", ""), "P2") << c;
  EXPECT_EQ(entry.at("categories").at("group_within_tolerance").value("severity", ""), "P4");

  SqliteDb audit(dir / "audit.db");
  std::map<json, std::string> got;
  for (const auto& row : audit.rows("SELECT key_json, finding_category FROM divergences WHERE table_name = 'energy_unit_day'"))
    got[json::parse(row[0])] = row[1];
  EXPECT_EQ(got, want);
}

TEST_F(PgAggregates, DrillListsExactlyTheSourceRowsOfOneGroup) {
  TempDir dir("agg_drill");
  write_file(dir / "job.toml", pg_job(*db_, aggregate_toml()));
  const ProcResult r = run_recon({"drill", "--config", (dir / "job.toml").string(), "--aggregate", "energy_unit_day",
                                  "--group", "day=2026-11-05,unit_id=2", "--json", "--limit", "1000"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  const json got = json::parse(r.out);
  EXPECT_EQ(got.at("columns"), json::array({"unit_id", "day", "device_id", "ts", "kwh"}));
  std::multiset<std::pair<std::string, std::string>> rows;
  for (const auto& row : got.at("rows")) rows.emplace(row.at(2).get<std::string>(), row.at(4).get<std::string>());
  std::multiset<std::pair<std::string, std::string>> want;
  for (const auto& row : db_->query("SELECT e.device_id::text, trim_scale(e.kwh)::text FROM ops.energy e "
                                    "JOIN ops.devices d USING (device_id) WHERE d.unit_id = 2 "
                                    "AND (e.ts AT TIME ZONE 'UTC')::date = date '2026-11-05'"))
    want.emplace(row[0].as<std::string>(), row[1].as<std::string>());
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(rows, want);
  EXPECT_EQ(got.at("rows_total").get<std::size_t>(), want.size());

  const ProcResult bad = run_recon({"drill", "--config", (dir / "job.toml").string(), "--aggregate",
                                    "energy_unit_day", "--group", "unit_id=2", "--side", "source"});
  EXPECT_EQ(bad.exit_code, 2) << bad.describe();
  EXPECT_NE(bad.err.find("group_by column 'day'"), std::string::npos) << bad.err;
  const ProcResult no_rows = run_recon({"drill", "--config", (dir / "job.toml").string(), "--aggregate",
                                        "energy_unit_day", "--group", "unit_id=2,day=2026-11-05", "--side", "target"});
  EXPECT_EQ(no_rows.exit_code, 2) << no_rows.describe();
  EXPECT_NE(no_rows.err.find("target_rows"), std::string::npos) << no_rows.err;
}

TEST_F(PgAggregates, MixedJobComparesTablesAndAggregatesTogether) {
  db_->exec("DROP TABLE IF EXISTS dw.users_copy; CREATE TABLE dw.users_copy (LIKE ops.users INCLUDING ALL); "
            "INSERT INTO dw.users_copy SELECT * FROM ops.users; UPDATE dw.users_copy SET name = 'renamed' WHERE user_id = 3");
  const Truth users = pg_truth(*db_, "ops.users", "dw.users_copy", "user_id");
  ASSERT_EQ(users.changed, 1);
  TempDir dir("agg_mixed");
  const ProcResult r = check(dir, "[[tables]]\nsource = \"ops.users\"\ntarget = \"dw.users_copy\"\nname = \"users\"\n"
                                  "key = [\"user_id\"]\n\n" + aggregate_toml());
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  const json summary = read_json(dir / "out" / "summary.json");
  expect_counts(summary, "users", users);
  expect_counts(summary, "energy_unit_day", truth_counts(*db_, truth_categories(*db_)));
  EXPECT_EQ(table_entry(summary, "users").value("kind", ""), "table");
  EXPECT_EQ(table_entry(summary, "energy_unit_day").value("kind", ""), "aggregate");
  EXPECT_TRUE(fs::exists(dir / "out" / "fixup" / "users.sql"));
  EXPECT_FALSE(fs::exists(dir / "out" / "fixup" / "energy_unit_day.sql"));
}

}  // namespace
}  // namespace e2e

// Sampled and incremental runs with a SQL Server source (the TDS 7.4 test server, FreeTDS client)
// and a PostgreSQL target. Truth comes from EXCEPT on PostgreSQL over a copy of the fixture's rows.
#include <gtest/gtest.h>

#include "tds_fixture.hpp"

namespace e2e {
namespace {

constexpr int kRows = 12000;

/// dbo.items in the fixture and its copy src.items on PostgreSQL, the target public.items equal
/// to it; update times in 2020.
void create_items(const TempDir& dir, PgDatabase& db) {
  SqliteDb fixture(dir / "fixture.db");
  fixture.exec("CREATE TABLE \"dbo.items\" (id int PRIMARY KEY, v \"nvarchar(50)\", updated_at \"datetime2(7) text\")");
  fixture.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(kRows) +
               ") INSERT INTO \"dbo.items\" SELECT i, 'item ' || i, '2020-01-01 00:00:00.0000000' FROM n");
  db.exec("CREATE SCHEMA src; CREATE TABLE src.items (id int PRIMARY KEY, v text, updated_at timestamp(6));"
          "INSERT INTO src.items SELECT i, 'item ' || i, '2020-01-01' FROM generate_series(1, " +
          std::to_string(kRows) + ") i;"
          "CREATE TABLE items (LIKE src.items INCLUDING ALL); INSERT INTO items SELECT * FROM src.items; ANALYZE items;");
}

class TdsModes : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
    if (tds_server_binary().empty()) GTEST_SKIP() << "tds_test_server was not built";
  }
  static ProcResult check(const TempDir& dir, const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args{"check", "--config", (dir / "job.toml").string(), "--out", (dir / out).string(),
                                  "--audit", (dir / "audit.db").string(), "--no-progress"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_recon(args, tds_env());
  }
};

TEST_F(TdsModes, SampleIsReproducibleAndLabelled) {
  TempDir dir("tds-sample");
  PgDatabase db("recon_e2e_tds_sample");
  create_items(dir, db);
  db.exec("UPDATE items SET v = v || '!' WHERE id % 150 = 0");
  TdsServer server(dir / "fixture.db");
  write_file(dir / "job.toml", tds_job(server.port(), db,
                                       "[[tables]]\nsource = \"dbo.items\"\ntarget = \"public.items\"\nkey = [\"id\"]\n"
                                       "slo = 0.9\n"));
  const Truth truth = pg_truth(db, "src.items", "public.items", "id");
  const double true_index = 1.0 - static_cast<double>(truth.changed) / static_cast<double>(truth.keys_union);
  json t[2];
  for (int i = 0; i < 2; ++i) {
    const ProcResult r = check(dir, "out" + std::to_string(i), {"--mode", "sample", "--sample-rate", "0.25", "--seed", "5"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const json s = read_json(dir / ("out" + std::to_string(i)) / "summary.json");
    EXPECT_EQ(s["mode"], "sample");
    EXPECT_EQ(s["confidence"], 0.95);
    t[i] = table_entry(s, "items");
  }
  EXPECT_EQ(t[0]["rows_compared"], t[1]["rows_compared"]);
  EXPECT_EQ(t[0]["index_lower"], t[1]["index_lower"]);
  EXPECT_LE(t[0]["index_lower"].get<double>(), true_index) << t[0].dump(2);
  EXPECT_GE(t[0]["index_upper"].get<double>(), true_index) << t[0].dump(2);
  EXPECT_LT(t[0]["rows_compared"].get<std::int64_t>(), kRows / 2);
}

TEST_F(TdsModes, IncrementalFindsUpdatesInsertsAndDeletes) {
  TempDir dir("tds-incremental");
  PgDatabase db("recon_e2e_tds_incremental");
  create_items(dir, db);
  TdsServer server(dir / "fixture.db");
  write_file(dir / "job.toml", tds_job(server.port(), db,
                                       "[[tables]]\nsource = \"dbo.items\"\ntarget = \"public.items\"\nkey = [\"id\"]\n"
                                       "updated_at = \"updated_at\"\nlag = \"1ms\"\n",
                                       "[check.recheck]\nattempts = 0\n"));
  ProcResult r = check(dir, "first", {"--mode", "incremental"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(table_entry(read_json(dir / "first" / "summary.json"), "items")["incremental"].value("full", false));
  // The source changes (and its PostgreSQL copy with it); the target loses and gains rows.
  {
    SqliteDb fixture(dir / "fixture.db");
    fixture.exec("UPDATE \"dbo.items\" SET v = v || ' new', updated_at = strftime('%Y-%m-%d %H:%M:%f0000', 'now') "
                 "WHERE id % 1000 = 1");
  }
  db.exec("UPDATE src.items SET v = v || ' new', updated_at = now() WHERE id % 1000 = 1;"
          "DELETE FROM items WHERE id % 3000 = 2; INSERT INTO items VALUES (50001, 'extra', '2020-01-01');");
  const Truth truth = pg_truth(db, "(SELECT id, v FROM src.items) s", "(SELECT id, v FROM public.items) t", "id");
  r = check(dir, "second", {"--mode", "incremental", "--scrub-cycle", "3"});
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  const json t = table_entry(read_json(dir / "second" / "summary.json"), "items");
  EXPECT_EQ(t["changed"], truth.changed) << t.dump(2);
  EXPECT_EQ(t["missing_in_target"], truth.missing_in_target);
  EXPECT_EQ(t["missing_in_source"], truth.missing_in_source);
  EXPECT_EQ(t["incremental"]["changed"]["rows_source"], kRows / 1000);
  EXPECT_EQ(t["incremental"]["scrub"]["slice"], 0);
}

}  // namespace
}  // namespace e2e

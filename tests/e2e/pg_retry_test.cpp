// A connection lost in the middle of a run: recon must drop the poisoned connection, retry the
// range on a fresh one, and still report exactly the engine's truth — no range lost, none counted
// twice. The backend is killed for real with pg_terminate_backend while recon streams.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "e2e_support.hpp"

namespace e2e {
namespace {

TEST(PgRetry, KilledBackendIsRetriedOnAFreshConnection) {
  if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  PgDatabase db("recon_e2e_retry");
  db.exec("CREATE SCHEMA src; CREATE SCHEMA tgt;"
          "CREATE TABLE src.t (id bigint PRIMARY KEY, v text, n numeric(12,2));"
          "INSERT INTO src.t SELECT i, md5(i::text), i / 7.0 FROM generate_series(1, 400000) i;"
          "CREATE TABLE tgt.t (LIKE src.t INCLUDING ALL); INSERT INTO tgt.t SELECT * FROM src.t;"
          "UPDATE tgt.t SET v = v || 'x' WHERE id % 5000 = 0; DELETE FROM tgt.t WHERE id % 7001 = 0;"
          "ANALYZE src.t; ANALYZE tgt.t;");
  const Truth truth = pg_truth(db, "src.t", "tgt.t", "id");
  TempDir dir("retry");
  write_file(dir / "job.toml", pg_job(db, "[[tables]]\nsource = \"src.t\"\ntarget = \"tgt.t\"\nkey = [\"id\"]\n",
                                      "chunk_rows = 4000\nretries = 3"));

  ProcResult r;
  std::atomic<bool> finished{false};
  std::thread run([&] {
    r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(),
                   "--no-progress"});
    finished = true;
  });
  // Kill one of recon's backends while it is streaming a range (range reads are the ordered COPYs).
  int killed = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (killed == 0 && !finished && std::chrono::steady_clock::now() < deadline) {
    killed = static_cast<int>(db.count(
        "SELECT count(pg_terminate_backend(pid)) FROM (SELECT pid FROM pg_stat_activity "
        "WHERE application_name = 'recon' AND state = 'active' AND query LIKE 'COPY (SELECT%ORDER BY%' LIMIT 1) p"));
    if (killed == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  run.join();
  ASSERT_EQ(killed, 1) << "recon finished before a backend could be killed; make the table bigger\n" << r.describe();
  ASSERT_EQ(r.exit_code, expected_exit(truth)) << r.describe();
  const json summary = read_json(dir / "out" / "summary.json");
  expect_counts(summary, "t", truth);
  const json& t = table_entry(summary, "t");
  EXPECT_EQ(t["ranges_failed"], 0);
  EXPECT_EQ(t["ranges_done"], t["ranges_total"]);
  EXPECT_FALSE(t["partial"].get<bool>());
}

}  // namespace
}  // namespace e2e

// An interrupted run with a SQL Server source (the TDS 7.4 test server, FreeTDS client): SIGTERM
// half-way, then --resume reads only the ranges not finished and ends with the exact truth, which
// comes from EXCEPT on PostgreSQL over a copy of the fixture's rows.
#include <signal.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tds_fixture.hpp"

namespace e2e {
namespace {

constexpr int kRows = 40000;

TEST(SqlServerResume, InterruptedThenResumedReadsOnlyTheRest) {
  if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  if (tds_server_binary().empty()) GTEST_SKIP() << "tds_test_server was not built";
  TempDir dir("tds-resume");
  {
    SqliteDb fixture(dir / "fixture.db");
    fixture.exec("CREATE TABLE \"dbo.items\" (id int PRIMARY KEY, v \"nvarchar(50)\")");
    fixture.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(kRows) +
                 ") INSERT INTO \"dbo.items\" SELECT i, 'item ' || i FROM n");
  }
  TdsServer server(dir / "fixture.db");
  PgDatabase db("recon_e2e_tds_resume");
  // src.items mirrors the fixture, so EXCEPT on PostgreSQL gives the truth.
  db.exec("CREATE SCHEMA src; CREATE TABLE src.items (id int PRIMARY KEY, v text);"
          "INSERT INTO src.items SELECT i, 'item ' || i FROM generate_series(1, " + std::to_string(kRows) + ") i;"
          "CREATE TABLE items (LIKE src.items INCLUDING ALL); INSERT INTO items SELECT * FROM src.items;"
          "DELETE FROM items WHERE id % 997 = 0; UPDATE items SET v = v || '!' WHERE id % 1009 = 0;"
          "ANALYZE items;");
  ASSERT_EQ(db.count("SELECT count(*) FROM src.items"), kRows);
  const Truth truth = pg_truth(db, "src.items", "public.items", "id");
  write_file(dir / "job.toml",
             tds_job(server.port(), db, "[[tables]]\nsource = \"dbo.items\"\ntarget = \"public.items\"\nkey = [\"id\"]\n",
                     "chunk_rows = 200"));

  std::atomic<int> pid{0};
  std::atomic<bool> ended{false};
  ProcResult first;
  std::thread run([&] {
    first = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(), "--audit",
                       (dir / "audit.db").string(), "--no-progress"},
                      tds_env(), 120, &pid);
    ended = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto done = [&] {
    try {
      SqliteDb a(dir / "audit.db");
      return a.count("SELECT count(*) FROM ranges WHERE status = 'done'");
    } catch (const std::exception&) {
      return std::int64_t{0};
    }
  };
  // Stop early (5 of 200 ranges): on a loaded machine the kill lands late, and the run must still
  // have ranges left to resume.
  while (!ended && std::chrono::steady_clock::now() < deadline && done() < 5)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (const int p = pid.load(); p > 0 && !ended) kill(p, SIGTERM);
  run.join();
  ASSERT_EQ(first.exit_code, 3) << first.describe();
  EXPECT_EQ(read_json(dir / "out" / "summary.json")["status"], "interrupted");
  std::int64_t done_before = 0, planned = 0;
  {
    SqliteDb a(dir / "audit.db");
    done_before = a.count("SELECT count(*) FROM ranges WHERE status = 'done'");
    planned = a.count("SELECT count(*) FROM ranges");
  }
  ASSERT_GT(done_before, 0);
  ASSERT_LT(done_before, planned);

  const ProcResult second = run_recon({"check", "--config", (dir / "job.toml").string(), "--audit",
                                       (dir / "audit.db").string(), "--resume", "latest", "--no-progress"},
                                      tds_env());
  ASSERT_EQ(second.exit_code, expected_exit(truth)) << second.describe();
  const json summary = read_json(dir / "out" / "summary.json");
  expect_counts(summary, "items", truth);
  const json& t = table_entry(summary, "items");
  EXPECT_EQ(t["ranges_resumed"].get<std::int64_t>(), done_before);
  EXPECT_EQ(t["ranges_done"].get<std::int64_t>(), planned);
  SqliteDb a(dir / "audit.db");
  EXPECT_EQ(a.count("SELECT count(*) FROM divergences"), truth.missing_in_target + truth.missing_in_source + truth.changed);
}

}  // namespace
}  // namespace e2e

// "Runs you can trust", end to end against the real PostgreSQL of pg_virtualenv: filters that
// cannot smuggle SQL in, one run per output folder, fix-up files that never collide, passwords
// that never leak, max_divergences, partial tables without an index, lock waits that end,
// connections killed mid-run, failures that stay on record, and read-only sessions.
//
// Expected numbers always come from the engine (EXCEPT queries through pg_truth), never from recon.
#include "trust_support.hpp"

namespace e2e {
namespace {

using namespace trust;
using namespace std::chrono_literals;

// ---- 1. filters cannot smuggle SQL in ------------------------------------------------------

TEST(TrustFilter, InjectionInAFilterIsRefusedBeforeAnyConnection) {
  SKIP_WITHOUT_PG();
  PgDatabase db("recon_e2e_trust_filter");
  make_table_pair(db, "t", 20);
  db.exec("CREATE TABLE public.rp_canary (i int)");
  const std::string evil = "true); DROP TABLE rp_canary; SELECT (true";
  for (const std::string key : {"source_where", "target_where", "where"}) {
    SCOPED_TRACE(key);
    JobDir dir("trust-filter");
    const std::string job = pg_job(db, table_toml("src.t", "tgt.t", key + " = " + toml_str(evil) + "\n"));
    dir.write_job(job);
    const ProcResult r = dir.check();
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    const std::string at = "job.toml:" + std::to_string(line_of(job, key + " = "));
    EXPECT_TRUE(contains(r.err, at)) << "stderr should name " << at << ":\n" << r.err;
    EXPECT_TRUE(contains(r.err, key)) << r.err;
    EXPECT_EQ(db.count("SELECT count(*) FROM pg_class WHERE oid = to_regclass('public.rp_canary')"), 1)
        << "rp_canary was dropped";
    EXPECT_FALSE(fs::exists(dir.summary())) << "nothing was compared: no summary.json";
  }
}

// ---- 2. one run per output folder ----------------------------------------------------------

TEST(TrustOutputFolder, SecondRunIntoTheSameFolderIsRefusedAndNamesTheFirst) {
  SKIP_WITHOUT_PG();
  PgDatabase db("recon_e2e_trust_outlock");
  make_table_pair(db, "t", 2000, "UPDATE tgt.t SET v = 'x' WHERE id IN (5, 500); DELETE FROM tgt.t WHERE id = 1500");
  const Truth truth = pg_truth(db, "src.t", "tgt.t", "id");
  JobDir dir("trust-outlock");
  dir.write_job(pg_job(db, table_toml("src.t", "tgt.t"), "lock_timeout = \"20s\""));

  TableLock lock(db, "tgt.t");
  BackgroundRun a([&] { return dir.check(); });
  const bool waiting = wait_until(
      [&] {
        return db.count("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'recon' "
                        "AND wait_event_type = 'Lock'") > 0;
      },
      15s, 10ms);
  ASSERT_TRUE(waiting) << "run A never waited for the lock";
  ASSERT_FALSE(a.finished());

  const ProcResult b = dir.check();
  lock.release();
  const ProcResult& ra = a.join();
  EXPECT_EQ(b.exit_code, 2) << b.describe();
  EXPECT_TRUE(contains(b.err, "in use")) << b.err;

  ASSERT_EQ(ra.exit_code, expected_exit(truth)) << ra.describe();
  const json s = read_json(dir.summary());
  expect_counts(s, "t", truth);
  const std::string run_a = s.at("run_id").get<std::string>();
  EXPECT_TRUE(contains(b.err, "run " + run_a)) << "B's refusal should name run A (" << run_a << "):\n" << b.err;
}

// ---- 3. fix-up file names ------------------------------------------------------------------

TEST(TrustFixup, NamesThatSanitizeAlikeGetTheirOwnFiles) {
  SKIP_WITHOUT_PG();
  PgDatabase db("recon_e2e_trust_fixnames");
  // Each table: ids base+1..base+10, one row missing in the target (a key no other table has).
  const std::vector<std::pair<std::string, int>> tables = {{"a b", 1000}, {"a_b", 2000}, {"a/b", 3000}};
  std::string toml;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const std::string t = "t" + std::to_string(i + 1), base = std::to_string(tables[i].second);
    db.exec("CREATE SCHEMA IF NOT EXISTS src; CREATE SCHEMA IF NOT EXISTS tgt;"
            "CREATE TABLE src." + t + " (id bigint PRIMARY KEY, v text);"
            "INSERT INTO src." + t + " SELECT " + base + " + i, 'v' || i FROM generate_series(1, 10) i;"
            "CREATE TABLE tgt." + t + " (LIKE src." + t + " INCLUDING ALL);"
            "INSERT INTO tgt." + t + " SELECT * FROM src." + t + " WHERE id <> " + base + " + 7;");
    toml += table_toml("src." + t, "tgt." + t, "name = " + toml_str(tables[i].first) + "\n");
  }
  JobDir dir("trust-fixnames");
  dir.write_job(pg_job(db, toml));
  const ProcResult r = dir.check();
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  const json s = read_json(dir.summary());
  SCOPED_TRACE(s.dump(2));

  std::set<std::string> files;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const std::string t = "t" + std::to_string(i + 1), name = tables[i].first;
    SCOPED_TRACE(name);
    const Truth truth = pg_truth(db, "src." + t, "tgt." + t, "id");
    ASSERT_EQ(truth.missing_in_target, 1);
    expect_counts(s, name, truth);
    const std::string file = table_entry(s, name).at("fixup_sql").get<std::string>();
    files.insert(file);
    const std::string sql = read_file(dir.out() / file);
    EXPECT_TRUE(contains(sql, std::to_string(tables[i].second + 7))) << sql;
    EXPECT_TRUE(contains(sql, "\"" + t + "\"") || contains(sql, "tgt." + t)) << sql;
    EXPECT_EQ(occurrences(sql, "INSERT INTO"), 1u) << sql;
    for (std::size_t j = 0; j < tables.size(); ++j) {
      if (j == i) continue;
      const std::string other = "t" + std::to_string(j + 1);
      EXPECT_FALSE(contains(sql, std::to_string(tables[j].second + 7))) << "holds " << other << "'s key:\n" << sql;
      EXPECT_FALSE(contains(sql, "\"" + other + "\"") || contains(sql, "tgt." + other))
          << "names " << other << ":\n" << sql;
    }
  }
  EXPECT_EQ(files.size(), tables.size()) << "two tables share a fix-up file";
}

// ---- 4. passwords holding '@' --------------------------------------------------------------

TEST(TrustSecrets, PasswordWithAtSignNeverLeaks) {
  SKIP_WITHOUT_PG();
  PgDatabase db("recon_e2e_trust_atpw");
  make_table_pair(db, "t", 10);
  JobDir dir("trust-atpw");
  // libpq would split this url at the first '@' and take "ss@127.0.0.1" for the host: refused.
  const std::string raw = "postgresql://recon:p@ss@127.0.0.1:1/" + db.name();
  dir.write_job(two_sided_job(endpoint_toml("source", raw), endpoint_toml("target", db.conninfo()),
                              table_toml("src.t", "tgt.t")));
  const ProcResult refused = dir.check();
  EXPECT_EQ(refused.exit_code, 2) << refused.describe();
  EXPECT_TRUE(contains(refused.err, "%40")) << "the message says how to write it:\n" << refused.err;
  EXPECT_FALSE(fs::exists(dir.summary())) << "a bad job file: nothing was started";
  for (const char* secret : {"p@ss", "ss@127"})
    EXPECT_FALSE(contains(refused.out + refused.err, secret)) << "'" << secret << "' leaked:\n" << refused.describe();

  // Percent-encoded, it is a password again; the server is unreachable, and nothing leaks.
  const std::string encoded = "postgresql://recon:p%40ss@127.0.0.1:1/" + db.name();  // nothing listens on port 1
  dir.write_job(two_sided_job(endpoint_toml("source", encoded), endpoint_toml("target", db.conninfo()),
                              table_toml("src.t", "tgt.t")));
  const ProcResult r = dir.check();
  EXPECT_EQ(r.exit_code, 3) << "an unreachable server is a runtime failure (docs/cli.md)\n" << r.describe();
  std::string everything = r.out + "\n" + r.err;
  for (const char* f : {"summary.json", "metrics.prom"})
    if (fs::exists(dir.out() / f)) everything += "\n" + read_file(dir.out() / f);
  SqliteDb audit(dir.audit());
  for (const auto& row : audit.rows("SELECT coalesce(source_endpoint, '') || ' ' || coalesce(error, '') FROM runs "
                                    "UNION ALL SELECT coalesce(error, '') FROM table_results"))
    everything += "\n" + row[0];
  for (const char* secret : {"p%40ss", "p@ss", "%40ss"})
    EXPECT_FALSE(contains(everything, secret)) << "'" << secret << "' leaked:\n" << everything;
  EXPECT_TRUE(contains(r.err, "***")) << "the url should be shown masked:\n" << r.err;
  EXPECT_TRUE(fs::exists(dir.summary())) << "an unreachable server is still a failure on record";
}

// ---- 5. max_divergences ----------------------------------------------------------------------

TEST(TrustMaxDivergences, DetailsBeyondTheLimitAreCountedNotRecorded) {
  SKIP_WITHOUT_PG();
  PgDatabase db("recon_e2e_trust_maxdiv");
  make_table_pair(db, "t", 100, "UPDATE tgt.t SET v = v || 'x' WHERE id % 10 = 3 AND id <= 70");
  const Truth truth = pg_truth(db, "src.t", "tgt.t", "id");
  ASSERT_EQ(truth.changed, 7);
  JobDir dir("trust-maxdiv");
  dir.write_job(pg_job(db, table_toml("src.t", "tgt.t"), "max_divergences = 2"));
  const ProcResult r = dir.check();
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  const json s = read_json(dir.summary());
  SCOPED_TRACE(s.dump(2));
  expect_counts(s, "t", truth);
  const json& t = table_entry(s, "t");
  ASSERT_TRUE(t.contains("divergences_unrecorded"));
  EXPECT_EQ(t.at("divergences_unrecorded").get<std::int64_t>(), 5);
  SqliteDb audit(dir.audit());
  EXPECT_EQ(audit.count("SELECT count(*) FROM divergences WHERE run_id = '" + s.at("run_id").get<std::string>() + "'"),
            2);
  const std::string fix = read_file(dir.out() / t.at("fixup_sql").get<std::string>());
  EXPECT_EQ(occurrences(fix, "UPDATE "), 2u) << fix;
  EXPECT_TRUE(contains(r.out, "max_divergences")) << r.out;
}

// ---- 6. a table never compared has no index ----------------------------------------------

TEST(TrustPartial, UnreadableTargetTableIsPartialWithoutIndex) {
  SKIP_WITHOUT_PG();
  PgRole role("recon_noread", "x");  // declared first: dropped after the database
  PgDatabase db("recon_e2e_trust_noread");
  make_table_pair(db, "t", 50, "DELETE FROM tgt.t WHERE id = 9");
  db.exec("GRANT USAGE ON SCHEMA src, tgt TO " + role.name() + "; GRANT SELECT ON src.t TO " + role.name() +
          "; REVOKE ALL ON tgt.t FROM " + role.name() + ", PUBLIC;");
  JobDir dir("trust-noread");
  dir.write_job(two_sided_job(endpoint_toml("source", db.conninfo()),
                              endpoint_toml("target", conninfo_as(db, role.name()), "E2E_NOREAD_PW"),
                              table_toml("src.t", "tgt.t")));
  const ProcResult r = dir.check({{"E2E_NOREAD_PW", "x"}});
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  expect_partial_without_index(dir, "t", "permission denied");
}

// ---- 7. a lock that is never released -----------------------------------------------------

TEST(TrustTimeouts, LockedTargetTableEndsInLockTimeoutNotAHang) {
  SKIP_WITHOUT_PG();
  PgDatabase db("recon_e2e_trust_locked");
  make_table_pair(db, "t", 500);
  JobDir dir("trust-locked");
  dir.write_job(pg_job(db, table_toml("src.t", "tgt.t"), "lock_timeout = \"1s\"\nretries = 1"));
  TableLock lock(db, "tgt.t");
  const auto start = Clock::now();
  const ProcResult r = run_recon(dir.args(), {}, 40);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count();
  lock.release();
  EXPECT_FALSE(r.timed_out) << r.describe();
  EXPECT_LE(seconds, 20) << "lock_timeout = 1s, retries = 1 should end the run quickly";
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  expect_partial_without_index(dir, "t", "lock");
  const json s = read_json(dir.summary());
  const std::string error = table_entry(s, "t").value("error", "");
  EXPECT_TRUE(contains(error, "lock timeout") || contains(error, "lock_timeout")) << error;
}

}  // namespace
}  // namespace e2e

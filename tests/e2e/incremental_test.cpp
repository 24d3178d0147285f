// Incremental runs on PostgreSQL: the first run of a table is full; later runs find exactly the
// rows updated, inserted and deleted since (truth by EXCEPT on the engine), carry what they left
// open, never move the watermark after a failed run, and scrub the whole key space over a cycle.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

/// The first column of the first row of `sql` as text.
std::string text_of(SqliteDb& db, const std::string& sql) {
  const auto rows = db.rows(sql);
  return rows.empty() || rows[0].empty() ? std::string("<none>") : rows[0][0];
}

class PgIncremental : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg()) return;
    db_ = std::make_unique<PgDatabase>("recon_e2e_incremental");
    for (const char* t : {"inc", "scr"})
      db_->exec(std::string("CREATE SCHEMA IF NOT EXISTS src; CREATE SCHEMA IF NOT EXISTS tgt;") +
                "CREATE TABLE src." + t + " (id bigint PRIMARY KEY, v text, updated_at timestamptz NOT NULL DEFAULT "
                "'2020-01-01 00:00:00+00');"
                "INSERT INTO src." + t + " (id, v) SELECT i, md5(i::text) FROM generate_series(1, 20000) i;"
                "CREATE TABLE tgt." + t + " (LIKE src." + t + " INCLUDING ALL); INSERT INTO tgt." + t +
                " SELECT * FROM src." + t + ";");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }
  /// The job for table `t`; `where` is a target filter (empty: none).
  static std::string job(const std::string& t, const std::string& where = "") {
    std::string tables = "[[tables]]\nsource = \"src." + t + "\"\ntarget = \"tgt." + t +
                         "\"\nkey = [\"id\"]\nupdated_at = \"updated_at\"\nlag = \"1ms\"\n";
    if (!where.empty()) tables += "target_where = " + toml_str(where) + "\n";
    return pg_job(*db_, tables, "[check.recheck]\nattempts = 0\n");
  }
  static ProcResult check(const TempDir& dir, const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args{"check", "--config", (dir / "job.toml").string(), "--mode", "incremental",
                                  "--out", (dir / out).string(), "--audit", (dir / "audit.db").string(),
                                  "--no-progress"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_recon(args);
  }
  static inline std::unique_ptr<PgDatabase> db_;
};

TEST_F(PgIncremental, FindsExactlyWhatChangedAndKeepsTheWatermarkAfterAFailure) {
  TempDir dir("incremental");
  write_file(dir / "job.toml", job("inc"));
  ProcResult r = check(dir, "first", {});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  const json first = table_entry(read_json(dir / "first" / "summary.json"), "inc");
  EXPECT_TRUE(first["incremental"].value("full", false)) << first.dump(2);
  EXPECT_EQ(first["rows_compared"], 20000);

  // Updates (half of them applied by "CDC"), inserts and deletes with and without a time change.
  db_->exec("UPDATE src.inc SET v = v || 'u', updated_at = now() WHERE id % 500 = 1;"
            "UPDATE tgt.inc t SET v = s.v, updated_at = s.updated_at FROM src.inc s WHERE s.id = t.id AND t.id % 1000 = 1;"
            "DELETE FROM tgt.inc WHERE id % 2000 = 3;"
            "INSERT INTO tgt.inc (id, v) SELECT i, 'extra' FROM generate_series(30001, 30007) i;"
            "INSERT INTO src.inc (id, v, updated_at) SELECT i, 'new', now() FROM generate_series(40001, 40005) i;");
  const Truth truth = pg_truth(*db_, "src.inc", "tgt.inc", "id");
  ASSERT_EQ(truth.changed, 20);
  ASSERT_EQ(truth.missing_in_target, 15);
  ASSERT_EQ(truth.missing_in_source, 7);

  r = check(dir, "second", {"--scrub-cycle", "0"});
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  const json second = table_entry(read_json(dir / "second" / "summary.json"), "inc");
  EXPECT_EQ(second["changed"], truth.changed) << second.dump(2);
  EXPECT_EQ(second["missing_in_target"], truth.missing_in_target);
  EXPECT_EQ(second["missing_in_source"], truth.missing_in_source);
  EXPECT_EQ(second["rows_source"], truth.rows_source);
  EXPECT_EQ(second["rows_target"], truth.rows_target);
  EXPECT_EQ(second["rows_compared"], truth.keys_union);
  const json& parts = second["incremental"];
  EXPECT_EQ(parts["changed"]["rows_source"], db_->count("SELECT count(*) FROM src.inc WHERE updated_at > '2021-01-01'"));
  EXPECT_EQ(parts["changed"]["rows_target"], db_->count("SELECT count(*) FROM tgt.inc WHERE updated_at > '2021-01-01'"));
  EXPECT_EQ(parts["keyset"]["rows_target"], truth.rows_target);
  EXPECT_FALSE(parts.contains("scrub"));

  // Without the key-set pass nothing changed since: what the last run left open is compared again.
  r = check(dir, "third", {"--scrub-cycle", "0", "--no-keyset"});
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  const json third = table_entry(read_json(dir / "third" / "summary.json"), "inc");
  EXPECT_EQ(third["changed"], truth.changed) << third.dump(2);
  EXPECT_EQ(third["missing_in_target"], truth.missing_in_target);
  EXPECT_EQ(third["missing_in_source"], truth.missing_in_source);
  EXPECT_EQ(third["incremental"]["changed"]["carried_keys"], 42);
  EXPECT_EQ(third["rows_compared"], 42);

  // Key-set pass and a scrub slice together still count the whole table once.
  r = check(dir, "fourth", {"--chunk-rows", "1000"});
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  const json fourth = table_entry(read_json(dir / "fourth" / "summary.json"), "inc");
  EXPECT_EQ(fourth["changed"], truth.changed) << fourth.dump(2);
  EXPECT_EQ(fourth["missing_in_target"], truth.missing_in_target);
  EXPECT_EQ(fourth["missing_in_source"], truth.missing_in_source);
  EXPECT_EQ(fourth["rows_source"], truth.rows_source);
  EXPECT_EQ(fourth["rows_target"], truth.rows_target);
  EXPECT_EQ(fourth["rows_compared"], truth.keys_union);
  const json& both = fourth["incremental"];
  EXPECT_EQ(both["scrub"]["slice"], 0) << both.dump(2);
  EXPECT_EQ(both["keyset"]["rows_source"].get<std::int64_t>() + both["scrub"]["rows_source"].get<std::int64_t>(),
            truth.rows_source);
  // Both sides PostgreSQL with an integer key: the servers compare bucket digests, and only the
  // keys of differing buckets (and of the two ranges open at one end) are read.
  EXPECT_EQ(both["keyset"]["method"], "digest");
  EXPECT_GT(both["keyset"]["buckets"].get<std::int64_t>(), 100);
  EXPECT_GE(both["keyset"]["buckets_differing"].get<std::int64_t>(), 1);
  EXPECT_LT(both["keyset"]["keys_read_source"].get<std::int64_t>(), both["keyset"]["rows_source"].get<std::int64_t>() / 2);

  SqliteDb audit(dir / "audit.db");
  const std::string run3 = read_json(dir / "fourth" / "summary.json")["run_id"];
  EXPECT_EQ(text_of(audit, "SELECT run_id FROM watermarks"), run3);
  const std::string mark = text_of(audit, "SELECT watermark FROM watermarks");
  // A run that fails (a filter that divides by zero on one row) leaves the watermark where it was.
  write_file(dir / "job.toml", job("inc", "1 / (id - 777) > -100"));
  r = check(dir, "failed", {"--scrub-cycle", "0"});
  ASSERT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_EQ(text_of(audit, "SELECT run_id FROM watermarks"), run3);
  EXPECT_EQ(text_of(audit, "SELECT watermark FROM watermarks"), mark);
  EXPECT_EQ(text_of(audit, "SELECT mode FROM runs WHERE run_id = '" + run3 + "'"), "incremental");
}

TEST_F(PgIncremental, TheScrubComparesTheWholeKeySpaceOverOneCycle) {
  TempDir dir("scrub");
  write_file(dir / "job.toml", job("scr"));
  ProcResult r = check(dir, "full", {"--chunk-rows", "1000"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  // Drift no update time shows: only the scrub can find it.
  db_->exec("UPDATE tgt.scr SET v = 'drift' WHERE id IN (5, 5003, 10007, 15011, 19999)");
  const Truth truth = pg_truth(*db_, "src.scr", "tgt.scr", "id");
  ASSERT_EQ(truth.changed, 5);
  std::int64_t scrubbed_source = 0, scrubbed_target = 0;
  json last;
  for (int run = 0; run < 4; ++run) {
    const std::string out = "run" + std::to_string(run);
    r = check(dir, out, {"--scrub-cycle", "4", "--no-keyset", "--chunk-rows", "1000"});
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.describe();
    last = table_entry(read_json(dir / out / "summary.json"), "scr");
    const json& scrub = last["incremental"]["scrub"];
    EXPECT_EQ(scrub["slice"], run) << last.dump(2);
    EXPECT_EQ(scrub["cycle"], 4);
    scrubbed_source += scrub["rows_source"].get<std::int64_t>();
    scrubbed_target += scrub["rows_target"].get<std::int64_t>();
  }
  // The four slices are disjoint and cover every row; what they found is carried to the end.
  EXPECT_EQ(scrubbed_source, truth.rows_source);
  EXPECT_EQ(scrubbed_target, truth.rows_target);
  EXPECT_EQ(last["changed"], truth.changed) << last.dump(2);
}

}  // namespace
}  // namespace e2e

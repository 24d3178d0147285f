// `recon apply` on PostgreSQL through the real binary: a run's fix-up applied by recon, guarded
// (compare-and-set on what the check observed), one transaction per table, undoable, re-verified
// and recorded. Every verdict is SQL on the engine — the target compared with the source or with a
// snapshot taken before the apply, EXCEPT both ways — never a number copied from recon's output.
#include <signal.h>

#include <chrono>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "apply_support.hpp"
#include "rules_support.hpp"

namespace e2e {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// Runs `recon apply` on a thread of its own (it blocks on a lock the test holds).
class BackgroundApply {
 public:
  BackgroundApply(fs::path audit, std::vector<std::string> extra)
      : thread_([this, audit = std::move(audit), extra = std::move(extra)] {
          result_ = run_apply(audit, extra, "latest", true, 120, &pid_);
          done_ = true;
        }) {
    // run_process stores the pid as soon as the child runs.
    const auto until = Clock::now() + std::chrono::seconds(10);
    while (pid_ == 0 && !done_ && Clock::now() < until) std::this_thread::sleep_for(milliseconds(2));
  }
  ~BackgroundApply() { join(); }
  int pid() const { return pid_; }
  bool done() const { return done_; }
  const ApplyRun& join() {
    if (thread_.joinable()) thread_.join();
    return result_;
  }

 private:
  std::atomic<int> pid_{0};
  std::atomic<bool> done_{false};
  ApplyRun result_;
  std::thread thread_;
};

class PgApply : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (have_pg()) db_ = std::make_unique<PgDatabase>("recon_e2e_apply");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }

  /// src.<t> and tgt.<t>, equal: (id int PK, name text, amount numeric(12,2), ts timestamp(6),
  /// ok boolean, score float8, doc jsonb[, hidden text]) with NULLs, quotes, backslashes and
  /// non-ASCII text, doubles that are not short decimals and nested JSON.
  static void create_typed(const std::string& t, int rows, bool hidden = false) {
    db_->exec("CREATE SCHEMA IF NOT EXISTS src; CREATE SCHEMA IF NOT EXISTS tgt;");
    db_->exec("CREATE TABLE src." + t +
              " (id int PRIMARY KEY, name text, amount numeric(12,2), ts timestamp(6), ok boolean, score float8,"
              " doc jsonb" + (hidden ? ", hidden text" : "") + ")");
    db_->exec("INSERT INTO src." + t + R"sql( SELECT i,
          CASE WHEN i % 19 = 0 THEN NULL WHEN i % 5 = 0 THEN E'it''s \\ "q" ção ☃ ' || i ELSE 'name ' || i END,
          round(i * 1.37, 2),
          timestamp '2024-01-01' + i * interval '1 minute 0.123457 second',
          CASE WHEN i % 17 = 0 THEN NULL ELSE i % 2 = 0 END,
          CASE WHEN i % 23 = 0 THEN NULL ELSE i::float8 / 7 END,
          CASE WHEN i % 11 = 0 THEN NULL
               ELSE jsonb_build_object('i', i, 'tags', jsonb_build_array('a', i % 3), 'x', i * 0.5) END)sql" +
              std::string(hidden ? ", 'hidden ' || i" : "") + " FROM generate_series(1, " + std::to_string(rows) + ") i");
    db_->exec("CREATE TABLE tgt." + t + " (LIKE src." + t + " INCLUDING ALL); INSERT INTO tgt." + t +
              " SELECT * FROM src." + t + "; ANALYZE src." + t + "; ANALYZE tgt." + t);
  }

  /// Every kind of divergence, planted in tgt.<t> on disjoint residues of id mod 40: each compared
  /// column changed alone, NULLs both ways, several columns at once, rows deleted (missing in
  /// target) and 4 rows added after the last key (missing in source).
  static void plant(const std::string& t, int rows, bool hidden = false) {
    const std::string u = "UPDATE tgt." + t + " SET ";
    db_->exec(u + "name = coalesce(name, 'was null') || ' (old)' WHERE id % 40 = 1");
    db_->exec(u + "amount = amount + 0.01 WHERE id % 40 = 2");
    db_->exec(u + "ts = ts + interval '1 second' WHERE id % 40 = 3");
    db_->exec(u + "ok = NOT coalesce(ok, false) WHERE id % 40 = 4");
    db_->exec(u + "score = coalesce(score, 1) * 2 + 0.1 WHERE id % 40 = 5");
    db_->exec(u + "doc = coalesce(doc, '{}') || '{\"stale\": [1, 2.50]}' WHERE id % 40 = 6");
    db_->exec(u + "name = NULL, ok = NULL, doc = NULL WHERE id % 40 = 7");
    db_->exec(u + "name = E'other \\\\ ''x''', amount = -1, ts = NULL, score = NULL WHERE id % 40 = 8");
    db_->exec("DELETE FROM tgt." + t + " WHERE id % 40 = 9");
    const std::string r = std::to_string(rows);
    db_->exec("INSERT INTO tgt." + t + " (id, name, amount, ts, ok, score, doc" + (hidden ? ", hidden" : "") +
              ") SELECT i, 'extra ' || i, i * 0.5, timestamp '2025-02-03 04:05:06.789', true, 0.1, '[1, {\"a\": null}]'" +
              (hidden ? ", 'extra hidden ' || i" : "") + " FROM generate_series(" + r + " + 1, " + r + " + 4) i");
    if (hidden)  // not compared: an update leaves it, only a delete's undo must bring it back
      db_->exec(u + "hidden = 'target only ' || id WHERE id % 40 IN (1, 9, 10)");
  }

  /// Keys that differ between src.<t> and tgt.<t> now, computed on the engine.
  static std::set<std::string> differing_keys(const std::string& t, const std::string& cols = "*") {
    std::set<std::string> keys;
    const std::string s = "SELECT " + cols + " FROM src." + t, g = "SELECT " + cols + " FROM tgt." + t;
    for (const auto& row : db_->query("SELECT id FROM (" + s + " EXCEPT " + g + ") a UNION SELECT id FROM (" + g +
                                      " EXCEPT " + s + ") b"))
      keys.insert("[" + row[0].as<std::string>() + "]");
    return keys;
  }

  static std::string job(const std::string& tables, const std::string& check = "") { return pg_job(*db_, tables, check); }

  /// pid of a backend of this database, other than `except`, that waits for a lock (0 after
  /// `timeout`); its query text in `query`.
  static int lock_waiter(int except, std::string& query, std::chrono::seconds timeout = std::chrono::seconds(60)) {
    const auto until = Clock::now() + timeout;
    while (Clock::now() < until) {
      const auto r = db_->query("SELECT pid, query FROM pg_stat_activity WHERE datname = current_database() AND "
                                "wait_event_type = 'Lock' AND pid <> " + std::to_string(except));
      if (!r.empty()) {
        query = r[0][1].c_str();
        return r[0][0].as<int>();
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    return 0;
  }

  /// Waits until no session of this database is left but the test's own (`keep` and this one).
  static bool sessions_gone(int keep, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    const auto until = Clock::now() + timeout;
    while (Clock::now() < until) {
      if (db_->count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                     "pid <> pg_backend_pid() AND pid <> " + std::to_string(keep)) == 0)
        return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return false;
  }

  /// src.<t> / tgt.<t> (id int PK, v bigint, pad text) with `rows` rows; in the target v differs on
  /// every even id and the last key (`rows`) is missing, so its INSERT is the last statement.
  static void create_big(const std::string& t, int rows) {
    const std::string n = std::to_string(rows);
    db_->exec("CREATE SCHEMA IF NOT EXISTS src; CREATE SCHEMA IF NOT EXISTS tgt;"
              "CREATE TABLE src." + t + " (id int PRIMARY KEY, v bigint, pad text);"
              "INSERT INTO src." + t + " SELECT i, i * 3, md5(i::text) FROM generate_series(1, " + n + ") i;"
              "CREATE TABLE tgt." + t + " (LIKE src." + t + " INCLUDING ALL);"
              "INSERT INTO tgt." + t + " SELECT id, CASE WHEN id % 2 = 0 THEN v + 1 ELSE v END, pad FROM src." + t +
              " WHERE id < " + n + "; ANALYZE src." + t + "; ANALYZE tgt." + t);
  }

  static inline std::unique_ptr<PgDatabase> db_;
};

// 1. Every kind of divergence and every column type repaired, recorded and re-checked.
TEST_F(PgApply, RepairsEveryKindOfDivergenceAndRecordsIt) {
  create_typed("kinds", 400);
  plant("kinds", 400);
  const Truth before = pg_truth(*db_, "src.kinds", "tgt.kinds", "id");
  ASSERT_GT(before.changed, 0);
  ASSERT_GT(before.missing_in_target, 0);
  ASSERT_GT(before.missing_in_source, 0);
  const std::int64_t planted = before.changed + before.missing_in_target + before.missing_in_source;
  const std::set<std::string> want_keys = differing_keys("kinds");
  ASSERT_EQ(static_cast<std::int64_t>(want_keys.size()), planted);

  TempDir dir("apply-kinds");
  write_file(dir / "job.toml", job(table_toml("kinds")));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  const std::string run_id = run_id_of(dir / "out");
  const fs::path fixup = dir / "out" / "fixup" / "kinds.sql";
  ASSERT_TRUE(fs::exists(fixup));
  const std::string fixup_sha = sha256_of(fixup);

  const ApplyRun a = run_apply(dir / "audit.db");
  ASSERT_EQ(a.proc.exit_code, 0) << a.proc.describe() << "\n--- fixup ---\n" << read_file(fixup);
  EXPECT_EQ(pg_diff(*db_, "src.kinds", "tgt.kinds"), 0) << "the target is not the source after the apply";
  EXPECT_TRUE(pg_truth(*db_, "src.kinds", "tgt.kinds", "id").zero());

  const json& t = a.table("kinds");
  SCOPED_TRACE(t.dump(1));
  EXPECT_EQ(a.out.at("run_id"), run_id);
  EXPECT_EQ(a.out.at("dry_run"), false);
  EXPECT_EQ(t.at("status"), "committed");
  EXPECT_EQ(t.at("statements"), planted);
  EXPECT_EQ(t.at("applied"), planted);
  EXPECT_EQ(t.at("conflicts"), 0);
  EXPECT_EQ(t.at("skipped"), 0);
  EXPECT_EQ(t.at("repaired"), planted);
  EXPECT_EQ(t.at("still_divergent"), 0);
  EXPECT_EQ(t.at("fixup_sha256"), fixup_sha);
  std::set<std::string> got_keys;
  for (const auto& [key, k] : a.keys("kinds")) {
    got_keys.insert(key);
    EXPECT_EQ(k.at("outcome"), "repaired") << key;
    EXPECT_EQ(k.at("rows"), 1) << key;
    EXPECT_EQ(k.at("now_equal"), true) << key;
  }
  EXPECT_EQ(got_keys, want_keys) << "the keys applied are not the keys that differed";

  // The audit trail, as recorded.
  const auto rows = applies_rows(dir / "audit.db", "kinds");
  ASSERT_EQ(rows.size(), 1u);
  const Row& r = rows[0];
  EXPECT_EQ(r.at("apply_id"), a.out.at("apply_id").get<std::string>());
  EXPECT_EQ(r.at("run_id"), run_id);
  EXPECT_EQ(r.at("status"), "committed");
  EXPECT_EQ(r.at("strict"), "0");
  EXPECT_EQ(std::stoll(r.at("statements")), planted);
  EXPECT_EQ(std::stoll(r.at("applied")), planted);
  EXPECT_EQ(std::stoll(r.at("repaired")), planted);
  EXPECT_EQ(r.at("conflicts"), "0");
  EXPECT_EQ(r.at("skipped"), "0");
  EXPECT_EQ(r.at("still_divergent"), "0");
  EXPECT_NE(r.at("os_user"), "<NULL>");
  EXPECT_FALSE(r.at("os_user").empty());
  EXPECT_NE(r.at("host"), "<NULL>");
  EXPECT_FALSE(r.at("host").empty());
  EXPECT_NE(r.at("finished_at"), "<NULL>");
  EXPECT_NE(r.at("target_endpoint").find(db_->name()), std::string::npos) << r.at("target_endpoint");
  EXPECT_EQ(r.at("fixup_file"), "fixup/kinds.sql");
  EXPECT_EQ(r.at("fixup_sha256"), fixup_sha) << "the recorded fix-up hash is not the file's";
  ASSERT_NE(r.at("undo_file"), "<NULL>");
  const fs::path undo = dir / "out" / r.at("undo_file");
  ASSERT_TRUE(fs::exists(undo)) << undo;
  EXPECT_EQ(r.at("undo_sha256"), sha256_of(undo));
  EXPECT_EQ(t.at("undo_sha256"), r.at("undo_sha256"));
  EXPECT_EQ(r.at("error"), "<NULL>");
  const std::string apply_id = r.at("apply_id");
  EXPECT_EQ(key_outcomes(dir / "audit.db", apply_id, "kinds"), (std::map<std::string, std::int64_t>{{"repaired", planted}}));
  EXPECT_EQ(audit_count(dir / "audit.db", "SELECT count(*) FROM apply_keys WHERE apply_id = '" + apply_id +
                                              "' AND now_equal = 1 AND rows = 1 AND checked_at IS NOT NULL"),
            planted);
  // Statement kinds per key kind, against the engine's counts.
  auto statements = [&](const std::string& kind) {
    return audit_count(dir / "audit.db", "SELECT count(*) FROM apply_keys WHERE apply_id = '" + apply_id +
                                             "' AND statement = '" + kind + "'");
  };
  EXPECT_EQ(statements("update"), before.changed);
  EXPECT_EQ(statements("insert"), before.missing_in_target);
  EXPECT_EQ(statements("delete"), before.missing_in_source);

  // A following check finds nothing.
  const ProcResult again = run_check_cmd(dir / "job.toml", dir / "out2", dir / "audit.db");
  EXPECT_EQ(again.exit_code, 0) << again.describe();
}

// 1b. A composite key with a text part (row locks and guards built per key column) and the
// remaining PostgreSQL types: timestamptz, date, uuid, bytea, numeric without scale.
TEST_F(PgApply, RepairsACompositeKeyTableOfOtherTypes) {
  db_->exec("CREATE SCHEMA IF NOT EXISTS src; CREATE SCHEMA IF NOT EXISTS tgt;"
            "CREATE TABLE src.comp (region text, n int, at timestamptz, d date, u uuid, b bytea, amount numeric,"
            " PRIMARY KEY (region, n));"
            "INSERT INTO src.comp SELECT r, n, timestamptz '2024-03-01 12:00:00.5+02' + n * interval '1 hour 1.000001 s',"
            " date '2020-02-29' + n, md5(r || n)::uuid, decode(md5(r || n), 'hex'), n * 1.50"
            " FROM unnest(ARRAY['SP', 'rj', 'O''Hare \\', 'ção']) r, generate_series(1, 60) n;"
            "CREATE TABLE tgt.comp (LIKE src.comp INCLUDING ALL); INSERT INTO tgt.comp SELECT * FROM src.comp;"
            "UPDATE tgt.comp SET at = at + interval '1 microsecond' WHERE n % 10 = 1;"
            "UPDATE tgt.comp SET d = NULL, amount = amount + 0.001 WHERE n % 10 = 2;"
            "UPDATE tgt.comp SET u = gen_random_uuid(), b = '\\x00' WHERE n % 10 = 3;"
            "DELETE FROM tgt.comp WHERE n % 10 = 4;"
            "INSERT INTO tgt.comp VALUES ('zz', 1, now(), NULL, NULL, NULL, NULL), ('O''Hare \\', 999, NULL, NULL,"
            " NULL, '\\x', 0)");
  const Truth before = pg_truth(*db_, "src.comp", "tgt.comp", "region, n");
  const std::int64_t planted = before.changed + before.missing_in_target + before.missing_in_source;
  ASSERT_GT(before.changed, 0);
  ASSERT_GT(before.missing_in_source, 0);
  TempDir dir("apply-comp");
  write_file(dir / "job.toml", job("[[tables]]\nsource = \"src.comp\"\ntarget = \"tgt.comp\"\nkey = [\"region\", \"n\"]\n"));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  pg_snapshot(*db_, "tgt.comp", "public.comp_snap");
  const ApplyRun a = run_apply(dir / "audit.db", {"--batch", "7"});
  ASSERT_EQ(a.proc.exit_code, 0) << a.proc.describe();
  EXPECT_EQ(pg_diff(*db_, "src.comp", "tgt.comp"), 0);
  EXPECT_EQ(a.table("comp").at("repaired"), planted);
  const auto undos = undo_files(dir / "out");
  ASSERT_EQ(undos.size(), 1u);
  const ProcResult undo = run_process("/usr/bin/psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-d", db_->name(),
                                                        "-f", undos[0].string()});
  ASSERT_EQ(undo.exit_code, 0) << undo.describe();
  EXPECT_EQ(pg_diff(*db_, "tgt.comp", "public.comp_snap"), 0) << read_file(undos[0]);
}

// 2. A row changed on the target after the check is a conflict: it keeps its new value.
TEST_F(PgApply, ARowChangedSinceTheCheckIsAConflictAndKeepsItsValue) {
  create_typed("conf_a", 200);
  plant("conf_a", 200);
  create_typed("conf_b", 200);
  plant("conf_b", 200);
  TempDir dir("apply-conflict");
  write_file(dir / "job.toml", job(table_toml("conf_a") + table_toml("conf_b")));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  const std::int64_t n_a = static_cast<std::int64_t>(differing_keys("conf_a").size());
  const std::int64_t n_b = static_cast<std::int64_t>(differing_keys("conf_b").size());
  // id 1 had its name planted: conf_a's gets a third value, conf_b's the source's (CDC fixed it).
  ASSERT_EQ(db_->count("SELECT count(*) FROM src.conf_a s JOIN tgt.conf_a t USING (id) WHERE id = 1 AND "
                       "s.name IS DISTINCT FROM t.name"), 1);
  db_->exec("UPDATE tgt.conf_a SET name = 'a third value' WHERE id = 1");
  // conf_b: CDC also deleted an extra row (201) and inserted a missing one (9) meanwhile.
  db_->exec("UPDATE tgt.conf_b t SET name = s.name FROM src.conf_b s WHERE s.id = t.id AND t.id = 1;"
            "DELETE FROM tgt.conf_b WHERE id = 201; INSERT INTO tgt.conf_b SELECT * FROM src.conf_b WHERE id = 9");
  const std::set<std::string> cdc_fixed{"[1]", "[9]", "[201]"};
  for (const auto& k : cdc_fixed) ASSERT_EQ(differing_keys("conf_b").count(k), 0u) << k;
  const std::int64_t diff_a = pg_diff(*db_, "src.conf_a", "tgt.conf_a");

  // CDC fixed it: a conflict whose row matches now is fine.
  const ApplyRun b = run_apply(dir / "audit.db", {"--table", "conf_b"});
  EXPECT_EQ(b.proc.exit_code, 0) << b.proc.describe();
  EXPECT_EQ(pg_diff(*db_, "src.conf_b", "tgt.conf_b"), 0);
  {
    const json& t = b.table("conf_b");
    SCOPED_TRACE(t.dump(1));
    EXPECT_EQ(b.out.at("tables").size(), 1u) << "--table conf_b applied another table too";
    EXPECT_EQ(t.at("status"), "committed");
    EXPECT_EQ(t.at("conflicts"), 3);
    EXPECT_EQ(t.at("applied"), n_b - 3);
    EXPECT_EQ(t.at("repaired"), n_b - 3);
    const auto keys = b.keys("conf_b");
    for (const auto& k : cdc_fixed) {
      ASSERT_EQ(keys.count(k), 1u) << k;
      EXPECT_EQ(keys.at(k).at("rows"), 0) << k;
      EXPECT_EQ(keys.at(k).at("now_equal"), true) << k;
    }
    EXPECT_EQ(keys.at("[9]").at("statement"), "insert");
    EXPECT_EQ(keys.at("[201]").at("statement"), "delete");
    for (const auto& [key, k] : keys)
      EXPECT_EQ(k.at("outcome"), cdc_fixed.count(key) ? "conflict" : "repaired") << key;
  }
  EXPECT_EQ(pg_diff(*db_, "src.conf_a", "tgt.conf_a"), diff_a) << "--table conf_b touched conf_a";

  // A third value: the row keeps it, every other key is repaired, exit 1.
  const ApplyRun a = run_apply(dir / "audit.db", {"--table", "conf_a"});
  EXPECT_EQ(a.proc.exit_code, 1) << a.proc.describe();
  EXPECT_EQ(db_->query("SELECT name FROM tgt.conf_a WHERE id = 1")[0][0].c_str(), std::string("a third value"));
  EXPECT_EQ(differing_keys("conf_a"), (std::set<std::string>{"[1]"}));
  EXPECT_EQ(pg_diff(*db_, "src.conf_a", "tgt.conf_a"), 2) << "only row 1 (both directions) may differ";
  const json& t = a.table("conf_a");
  SCOPED_TRACE(t.dump(1));
  EXPECT_EQ(t.at("status"), "committed");
  EXPECT_EQ(t.at("conflicts"), 1);
  EXPECT_EQ(t.at("applied"), n_a - 1);
  EXPECT_EQ(t.at("repaired"), n_a - 1);
  EXPECT_EQ(t.at("still_divergent"), 0);
  const auto keys = a.keys("conf_a");
  ASSERT_EQ(keys.count("[1]"), 1u);
  EXPECT_EQ(keys.at("[1]").at("outcome"), "conflict");
  EXPECT_EQ(keys.at("[1]").at("now_equal"), false);
  const auto rows = applies_rows(dir / "audit.db", "conf_a");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("conflicts"), "1");
  EXPECT_EQ(key_outcomes(dir / "audit.db", rows[0].at("apply_id"), "conf_a"),
            (std::map<std::string, std::int64_t>{{"conflict", 1}, {"repaired", n_a - 1}}));
  const ProcResult e = run_recon({"explain", "--run", "latest", "--audit", (dir / "audit.db").string(), "--table",
                                  "conf_a", "--key", "1"});
  EXPECT_EQ(e.exit_code, 1) << e.describe();
  EXPECT_NE(e.out.find("\n  repair: conflict"), std::string::npos) << e.describe();
  // The text output names the conflicting key.
  const ApplyRun text = run_apply(dir / "audit.db", {"--table", "conf_a"}, "latest", false);
  EXPECT_EQ(text.proc.exit_code, 1) << text.proc.describe();
  EXPECT_NE(text.proc.out.find("[1]"), std::string::npos) << text.proc.describe();
}

// A row changed since the check in a column the SQL guard leaves out (float8, jsonb; docs/repair.md
// "Values that cannot be compared exactly in SQL"). Whatever recon does about such a change, the dry
// run must predict it: a key it says would conflict is a conflict of the apply and keeps the newer
// value; a key the apply overwrites is one the dry run said would apply.
TEST_F(PgApply, AChangeSinceTheCheckInAFloatOrJsonColumnIsPredictedByTheDryRun) {
  create_typed("unguarded", 200);
  plant("unguarded", 200);
  TempDir dir("apply-unguarded");
  write_file(dir / "job.toml", job(table_toml("unguarded")));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  // id 5: score was planted; id 6: doc was planted. Both now get a third value on the target.
  db_->exec("UPDATE tgt.unguarded SET score = 12345.5 WHERE id = 5;"
            "UPDATE tgt.unguarded SET doc = '{\"third\": true}' WHERE id = 6");
  const ApplyRun dry = run_apply(dir / "audit.db", {"--dry-run"});
  const auto predicted = dry.keys("unguarded");
  const ApplyRun a = run_apply(dir / "audit.db");
  const auto applied = a.keys("unguarded");
  const std::map<std::string, std::string> kept{{"[5]", "score = 12345.5"}, {"[6]", "doc = '{\"third\": true}'"}};
  for (const auto& [key, holds] : kept) {
    SCOPED_TRACE("key " + key);
    ASSERT_EQ(predicted.count(key), 1u);
    ASSERT_EQ(applied.count(key), 1u);
    const std::string said = predicted.at(key).at("outcome"), did = applied.at(key).at("outcome");
    EXPECT_EQ(said == "would_conflict", did == "conflict")
        << "the dry run said " << said << ", the apply did " << did << " (" << holds << " was written after the check)";
    const bool keeps = db_->count("SELECT count(*) FROM tgt.unguarded WHERE id = " + key.substr(1, key.size() - 2) +
                                  " AND " + holds) == 1;
    EXPECT_EQ(keeps, did == "conflict") << "outcome " << did << " but the row " << (keeps ? "kept" : "lost")
                                        << " the value written after the check";
  }
}

// 3. --strict: one conflict rolls the whole table back.
TEST_F(PgApply, StrictRollsBackTheWholeTableOnAConflict) {
  create_typed("strict", 200);
  plant("strict", 200);
  TempDir dir("apply-strict");
  write_file(dir / "job.toml", job(table_toml("strict")));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  db_->exec("UPDATE tgt.strict SET name = 'a third value' WHERE id = 41");
  pg_snapshot(*db_, "tgt.strict", "public.strict_snap");

  const ApplyRun a = run_apply(dir / "audit.db", {"--strict"});
  EXPECT_EQ(a.proc.exit_code, 1) << a.proc.describe();
  EXPECT_EQ(pg_diff(*db_, "tgt.strict", "public.strict_snap"), 0) << "--strict left changes behind";
  EXPECT_TRUE(undo_files(dir / "out").empty()) << "an undo script of a rolled-back apply was left";
  const auto rows = applies_rows(dir / "audit.db", "strict");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("status"), "rolled_back");
  EXPECT_EQ(rows[0].at("strict"), "1");
  EXPECT_EQ(rows[0].at("conflicts"), "1");
  EXPECT_EQ(rows[0].at("repaired"), "0");
  EXPECT_EQ(rows[0].at("undo_file"), "<NULL>");
  const json& t = a.table("strict");
  EXPECT_EQ(t.at("status"), "rolled_back");
  EXPECT_EQ(t.at("undo_file"), "");
  const auto keys = a.keys("strict");
  ASSERT_EQ(keys.count("[41]"), 1u);
  EXPECT_EQ(keys.at("[41]").at("outcome"), "conflict");
  for (const auto& [key, k] : keys)
    EXPECT_EQ(k.at("outcome"), key == "[41]" ? "conflict" : "rolled_back") << key;

  const ProcResult e = run_recon({"explain", "--run", "latest", "--audit", (dir / "audit.db").string(), "--table",
                                  "strict", "--key", "2"});
  EXPECT_EQ(e.exit_code, 1) << e.describe();
  EXPECT_NE(e.out.find("\n  repair: rolled back"), std::string::npos) << e.describe();

  // Nothing was repaired, so a plain apply afterwards runs every statement again.
  const ApplyRun plain = run_apply(dir / "audit.db");
  EXPECT_EQ(plain.proc.exit_code, 1) << plain.proc.describe();
  EXPECT_EQ(plain.table("strict").at("skipped"), 0);
  EXPECT_EQ(differing_keys("strict"), (std::set<std::string>{"[41]"}));
}

// 4. The undo script puts the target back exactly, a column that is not compared included.
TEST_F(PgApply, UndoScriptRestoresTheTargetIncludingColumnsNotCompared) {
  create_typed("undo", 300, true);
  plant("undo", 300, true);
  pg_snapshot(*db_, "tgt.undo", "public.undo_snap");
  TempDir dir("apply-undo");
  write_file(dir / "job.toml", job(table_toml("undo", "ignore_columns = [\"hidden\"]\n")));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  ASSERT_GT(db_->count("SELECT count(*) FROM tgt.undo WHERE id NOT IN (SELECT id FROM src.undo) AND hidden IS NOT NULL"), 0);

  const ApplyRun a = run_apply(dir / "audit.db");
  ASSERT_EQ(a.proc.exit_code, 0) << a.proc.describe();
  const std::string compared = "id, name, amount, ts, ok, score, doc";
  EXPECT_EQ(pg_diff(*db_, "src.undo", "tgt.undo", compared), 0);
  EXPECT_EQ(db_->count("SELECT count(*) FROM tgt.undo t JOIN public.undo_snap s USING (id) WHERE "
                       "t.hidden IS DISTINCT FROM s.hidden"), 0)
      << "an UPDATE touched a column that is not compared";

  const auto undos = undo_files(dir / "out");
  ASSERT_EQ(undos.size(), 1u);
  EXPECT_EQ(fs::relative(undos[0], dir / "out").string(), a.table("undo").at("undo_file").get<std::string>());
  const ProcResult undo = run_process("/usr/bin/psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-d", db_->name(),
                                                        "-f", undos[0].string()});
  ASSERT_EQ(undo.exit_code, 0) << undo.describe() << "\n--- undo ---\n" << read_file(undos[0]);
  EXPECT_EQ(pg_diff(*db_, "tgt.undo", "public.undo_snap"), 0) << "the undo script did not restore the target\n"
                                                                << read_file(undos[0]);
  // Guarded: running it again changes nothing.
  const ProcResult twice = run_process("/usr/bin/psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-d", db_->name(),
                                                         "-f", undos[0].string()});
  ASSERT_EQ(twice.exit_code, 0) << twice.describe();
  EXPECT_EQ(pg_diff(*db_, "tgt.undo", "public.undo_snap"), 0);
}

// 5. Escalated rows are a person's decision: apply leaves them as they are.
TEST_F(PgApply, EscalatedRowsAreLeftAlone) {
  create_typed("esc", 300);
  plant("esc", 300);
  // Escalated on the engine's terms: rows only in the target, and rows whose ok differs (id % 40 = 7
  // also differs in name, a fix: the row is escalated as a whole).
  db_->exec("CREATE TABLE public.esc_ids AS SELECT id FROM tgt.esc WHERE id NOT IN (SELECT id FROM src.esc) UNION "
            "SELECT id FROM src.esc s JOIN tgt.esc t USING (id) WHERE s.ok IS DISTINCT FROM t.ok");
  const std::int64_t escalated = db_->count("SELECT count(*) FROM public.esc_ids");
  ASSERT_GT(db_->count("SELECT count(*) FROM public.esc_ids WHERE id % 40 = 7"), 0);
  const std::int64_t fixable = static_cast<std::int64_t>(differing_keys("esc").size()) - escalated;
  ASSERT_GT(fixable, 0);
  pg_snapshot(*db_, "tgt.esc", "public.esc_snap");
  TempDir dir("apply-esc");
  write_file(dir / "rules.toml", R"toml(
[[rule]]
name = "unexpected_row"
match.category = "missing_in_source"
outcome.category = "unexpected_row"
outcome.severity = "P1"
outcome.action = "escalate"

[[rule]]
name = "ok_flip"
match.column = "ok"
outcome.category = "ok_flip"
outcome.severity = "P1"
outcome.action = "escalate"
)toml");
  write_file(dir / "job.toml", job(table_toml("esc", "rules = [\"rules.toml\"]\n")));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();

  const ApplyRun a = run_apply(dir / "audit.db");
  EXPECT_EQ(a.proc.exit_code, 0) << a.proc.describe();
  auto only = [](const std::string& table, bool escalated_rows) {
    return "(SELECT * FROM " + table + " WHERE id " + (escalated_rows ? "" : "NOT ") +
           "IN (SELECT id FROM public.esc_ids)) r";
  };
  EXPECT_EQ(pg_diff(*db_, only("tgt.esc", true), only("public.esc_snap", true)), 0) << "an escalated row was touched";
  EXPECT_EQ(pg_diff(*db_, only("tgt.esc", false), only("src.esc", false)), 0) << "a fixable row was not repaired";
  EXPECT_EQ(static_cast<std::int64_t>(differing_keys("esc").size()), escalated);
  const json& t = a.table("esc");
  SCOPED_TRACE(t.dump(1));
  EXPECT_EQ(t.at("statements"), fixable);
  EXPECT_EQ(t.at("repaired"), fixable);
  bool noted = false;
  for (const auto& n : t.at("notes")) noted = noted || n.get<std::string>().find("escalated") != std::string::npos;
  EXPECT_TRUE(noted) << "no note says escalated rows were left alone";
  for (const auto& [key, k] : a.keys("esc"))
    EXPECT_EQ(db_->count("SELECT count(*) FROM public.esc_ids WHERE id = " + key.substr(1, key.size() - 2)), 0)
        << "a statement ran for escalated key " << key;
}

// 6a. The apply's session is killed while it waits for a row lock: the transaction is gone, the
// table untouched, the apply recorded failed — and a new apply then repairs everything.
TEST_F(PgApply, ApplySessionKilledWhileWaitingForARowLockLeavesTheTableUntouched) {
  create_big("kill_lock", 4000);
  TempDir dir("apply-kill-lock");
  write_file(dir / "job.toml", job(table_toml("kill_lock")));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  pg_snapshot(*db_, "tgt.kill_lock", "public.kill_lock_snap");

  pqxx::connection locker("dbname=" + db_->name());
  pqxx::work hold(locker);
  hold.exec("SELECT 1 FROM tgt.kill_lock WHERE id = 3998 FOR UPDATE");  // the last row recon updates
  BackgroundApply apply(dir / "audit.db", {"--batch", "50"});
  std::string query;
  const int waiter = lock_waiter(locker.backendpid(), query);
  ASSERT_NE(waiter, 0) << "recon never waited for the lock";
  EXPECT_EQ(db_->count("SELECT count(*) FROM pg_terminate_backend(" + std::to_string(waiter) + ") ok WHERE ok"), 1);
  hold.abort();
  const ApplyRun& a = apply.join();
  EXPECT_TRUE(a.proc.exit_code == 3 || a.proc.exit_code == 1) << a.proc.describe();
  EXPECT_EQ(pg_diff(*db_, "tgt.kill_lock", "public.kill_lock_snap"), 0) << "a killed apply left changes behind";
  const auto rows = applies_rows(dir / "audit.db", "kill_lock");
  ASSERT_EQ(rows.size(), 1u) << a.proc.describe();
  EXPECT_EQ(rows[0].at("status"), "failed");
  EXPECT_NE(rows[0].at("error"), "<NULL>");
  EXPECT_EQ(rows[0].at("undo_file"), "<NULL>");
  EXPECT_TRUE(undo_files(dir / "out").empty());

  const ApplyRun again = run_apply(dir / "audit.db");
  EXPECT_EQ(again.proc.exit_code, 0) << again.proc.describe();
  EXPECT_EQ(pg_diff(*db_, "src.kill_lock", "tgt.kill_lock"), 0);
}

// 6b. Killed mid-statements: the last statement (the INSERT of the last key) waits for the test's
// uncommitted insert of that key, every UPDATE before it has run in recon's transaction.
TEST_F(PgApply, ApplySessionKilledAfterItsUpdatesRanLeavesTheTableUntouched) {
  create_big("kill_mid", 3000);
  TempDir dir("apply-kill-mid");
  write_file(dir / "job.toml", job(table_toml("kill_mid")));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  pg_snapshot(*db_, "tgt.kill_mid", "public.kill_mid_snap");

  pqxx::connection locker("dbname=" + db_->name());
  pqxx::work hold(locker);
  hold.exec("INSERT INTO tgt.kill_mid VALUES (3000, -1, 'test session')");
  BackgroundApply apply(dir / "audit.db", {"--batch", "50"});
  std::string query;
  const int waiter = lock_waiter(locker.backendpid(), query);
  ASSERT_NE(waiter, 0) << "recon never waited for the test's insert";
  EXPECT_EQ(query.rfind("INSERT", 0), 0u) << "recon waited in another statement than its last INSERT: " << query;
  EXPECT_EQ(db_->count("SELECT count(*) FROM pg_terminate_backend(" + std::to_string(waiter) + ") ok WHERE ok"), 1);
  hold.abort();
  const ApplyRun& a = apply.join();
  EXPECT_EQ(a.proc.exit_code, 3) << a.proc.describe();
  EXPECT_EQ(pg_diff(*db_, "tgt.kill_mid", "public.kill_mid_snap"), 0) << "a killed apply left changes behind";
  const auto rows = applies_rows(dir / "audit.db", "kill_mid");
  ASSERT_EQ(rows.size(), 1u) << a.proc.describe();
  EXPECT_EQ(rows[0].at("status"), "failed");
  EXPECT_TRUE(undo_files(dir / "out").empty());
}

// 6c. recon itself killed (SIGKILL) while it waits for a lock: the server rolls the transaction back
// when the session ends; nothing was recorded; a new apply repairs everything. Then a kill at an
// arbitrary moment of a plain apply: the table is either untouched or wholly applied.
TEST_F(PgApply, ReconKilledMidApplyLeavesEitherTheSnapshotOrTheWholeRepair) {
  create_big("kill_proc", 3000);
  TempDir dir("apply-kill-proc");
  write_file(dir / "job.toml", job(table_toml("kill_proc")));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  pg_snapshot(*db_, "tgt.kill_proc", "public.kill_proc_snap");
  {
    pqxx::connection locker("dbname=" + db_->name());
    pqxx::work hold(locker);
    hold.exec("SELECT 1 FROM tgt.kill_proc WHERE id = 2998 FOR UPDATE");
    BackgroundApply apply(dir / "audit.db", {"--batch", "50"});
    std::string query;
    ASSERT_NE(lock_waiter(locker.backendpid(), query), 0) << "recon never waited for the lock";
    ASSERT_NE(apply.pid(), 0);
    kill(apply.pid(), SIGKILL);
    apply.join();
    hold.abort();
    ASSERT_TRUE(sessions_gone(locker.backendpid())) << "recon's sessions outlived it";
  }
  EXPECT_EQ(pg_diff(*db_, "tgt.kill_proc", "public.kill_proc_snap"), 0) << "a killed recon left changes behind";
  EXPECT_EQ(audit_count(dir / "audit.db", "SELECT count(*) FROM applies"), 0);

  // A kill at whatever moment the writes have begun: all or nothing.
  {
    BackgroundApply apply(dir / "audit.db", {"--batch", "20"});
    const auto until = Clock::now() + std::chrono::seconds(30);
    while (!apply.done() && Clock::now() < until &&
           db_->count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                      "query LIKE 'UPDATE%kill_proc%'") == 0)
      std::this_thread::sleep_for(milliseconds(1));
    if (apply.pid() != 0) kill(apply.pid(), SIGKILL);
    apply.join();
    ASSERT_TRUE(sessions_gone(0));
  }
  const bool untouched = pg_diff(*db_, "tgt.kill_proc", "public.kill_proc_snap") == 0;
  const bool repaired = pg_diff(*db_, "tgt.kill_proc", "src.kill_proc") == 0;
  EXPECT_TRUE(untouched || repaired) << "a killed apply left the table half applied";

  const ApplyRun last = run_apply(dir / "audit.db");
  EXPECT_EQ(last.proc.exit_code, 0) << last.proc.describe();
  EXPECT_EQ(pg_diff(*db_, "tgt.kill_proc", "src.kill_proc"), 0);
}

// 6d. SIGTERM while the apply waits for a lock: the table's transaction is rolled back, the apply
// recorded interrupted, exit 3.
TEST_F(PgApply, SigtermWhileWaitingRollsBackAndRecordsInterrupted) {
  create_big("term", 2000);
  TempDir dir("apply-term");
  write_file(dir / "job.toml", job(table_toml("term")));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  pg_snapshot(*db_, "tgt.term", "public.term_snap");
  pqxx::connection locker("dbname=" + db_->name());
  pqxx::work hold(locker);
  hold.exec("SELECT 1 FROM tgt.term WHERE id = 1998 FOR UPDATE");
  BackgroundApply apply(dir / "audit.db", {"--batch", "50"});
  std::string query;
  ASSERT_NE(lock_waiter(locker.backendpid(), query), 0) << "recon never waited for the lock";
  const auto signalled = Clock::now();
  kill(apply.pid(), SIGTERM);
  // recon should stop on its own (a check cancels what it is reading 5 s after a signal); the lock is
  // released after 8 s at the latest (lock_timeout is 30 s).
  while (!apply.done() && Clock::now() < signalled + std::chrono::seconds(8)) std::this_thread::sleep_for(milliseconds(10));
  const bool stopped_while_blocked = apply.done();
  const auto waited = std::chrono::duration_cast<milliseconds>(Clock::now() - signalled).count();
  hold.abort();
  const ApplyRun& a = apply.join();
  EXPECT_TRUE(stopped_while_blocked) << "recon apply did not stop on SIGTERM while waiting for a lock (waited "
                                     << waited << " ms)";
  EXPECT_EQ(a.proc.exit_code, 3) << a.proc.describe();
  EXPECT_EQ(pg_diff(*db_, "tgt.term", "public.term_snap"), 0) << "an interrupted apply left changes behind";
  const auto rows = applies_rows(dir / "audit.db", "term");
  ASSERT_EQ(rows.size(), 1u) << a.proc.describe();
  EXPECT_EQ(rows[0].at("status"), "interrupted");
  EXPECT_TRUE(undo_files(dir / "out").empty());
}

// 7. psql on the fix-up file and recon apply on two identical targets end identical.
TEST_F(PgApply, PsqlOnTheFixupFileAndReconApplyEndTheSame) {
  create_typed("twin", 300);
  plant("twin", 300);
  db_->exec("CREATE TABLE tgt.twin2 (LIKE tgt.twin INCLUDING ALL); INSERT INTO tgt.twin2 SELECT * FROM tgt.twin");
  TempDir dir("apply-twin");
  write_file(dir / "job.toml", job(table_toml("twin") + "[[tables]]\nsource = \"src.twin\"\ntarget = \"tgt.twin2\"\n"
                                                        "key = [\"id\"]\n"));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  const fs::path fixup = dir / "out" / "fixup" / "twin.sql";
  const ProcResult psql = run_process("/usr/bin/psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-d", db_->name(),
                                                        "-f", fixup.string()});
  ASSERT_EQ(psql.exit_code, 0) << psql.describe();
  const ApplyRun a = run_apply(dir / "audit.db", {"--table", "twin2"});
  EXPECT_EQ(a.proc.exit_code, 0) << a.proc.describe();
  EXPECT_EQ(pg_diff(*db_, "tgt.twin", "tgt.twin2"), 0) << "psql -f on the fix-up and recon apply disagree";
  EXPECT_EQ(pg_diff(*db_, "src.twin", "tgt.twin2"), 0);
  EXPECT_EQ(pg_diff(*db_, "src.twin", "tgt.twin"), 0);
}

// 7b. Statement order under a second unique constraint: the fix-up file deletes, then updates, then
// inserts, and docs/repair.md says recon apply runs them in that order too. Rows only in the target
// (keys 5 and 7) hold the emails that the row missing from the target (key 1) and a changed row
// (key 3) need. psql -1 -f on the file and recon apply on an identical copy must both end equal to
// the source.
TEST_F(PgApply, StatementOrderUnderAnotherUniqueConstraintIsTheFixupFilesOrder) {
  db_->exec("CREATE SCHEMA IF NOT EXISTS src; CREATE SCHEMA IF NOT EXISTS tgt;"
            "CREATE TABLE src.uniq (id int PRIMARY KEY, email text UNIQUE, n int);"
            "INSERT INTO src.uniq VALUES (1, 'a@x', 1), (2, 'b@x', 2), (3, 'c@x', 3), (6, 'f@x', 6);"
            "CREATE TABLE tgt.uniq (LIKE src.uniq INCLUDING ALL);"
            "INSERT INTO tgt.uniq VALUES (2, 'b@x', 2), (3, 'c-old@x', 3), (5, 'a@x', 5), (6, 'f@x', 6), (7, 'c@x', 7);"
            "CREATE TABLE tgt.uniq2 (LIKE tgt.uniq INCLUDING ALL); INSERT INTO tgt.uniq2 SELECT * FROM tgt.uniq");
  TempDir dir("apply-order");
  write_file(dir / "job.toml", job(table_toml("uniq") + "[[tables]]\nsource = \"src.uniq\"\ntarget = \"tgt.uniq2\"\n"
                                                        "key = [\"id\"]\n"));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  const fs::path fixup = dir / "out" / "fixup" / "uniq.sql";
  const ProcResult psql = run_process("/usr/bin/psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-d", db_->name(),
                                                        "-f", fixup.string()});
  ASSERT_EQ(psql.exit_code, 0) << psql.describe() << "\n--- fixup ---\n" << read_file(fixup);
  EXPECT_EQ(pg_diff(*db_, "src.uniq", "tgt.uniq"), 0);
  const ApplyRun a = run_apply(dir / "audit.db", {"--table", "uniq2"});
  EXPECT_EQ(a.proc.exit_code, 0) << a.proc.describe() << "\n--- fixup ---\n" << read_file(fixup);
  EXPECT_EQ(pg_diff(*db_, "tgt.uniq", "tgt.uniq2"), 0) << "psql -f on the fix-up and recon apply disagree";
  EXPECT_EQ(pg_diff(*db_, "src.uniq", "tgt.uniq2"), 0);
}

// A statement the target refuses (a CHECK constraint the source's value breaks) fails its table
// alone: that table is rolled back whole, the next table is still applied, exit 3.
TEST_F(PgApply, AStatementTheTargetRefusesFailsItsTableAloneAndRollsItBack) {
  create_typed("refuse", 200);
  plant("refuse", 200);
  create_typed("after", 200);
  plant("after", 200);
  db_->exec("ALTER TABLE tgt.refuse ADD CONSTRAINT amount_small CHECK (amount < 200) NOT VALID");  // source has more
  ASSERT_GT(db_->count("SELECT count(*) FROM src.refuse s JOIN tgt.refuse t USING (id) WHERE s.amount >= 200 AND "
                       "s.amount IS DISTINCT FROM t.amount"), 0);
  pg_snapshot(*db_, "tgt.refuse", "public.refuse_snap");
  TempDir dir("apply-refuse");
  write_file(dir / "job.toml", job(table_toml("refuse") + table_toml("after")));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();

  const ApplyRun a = run_apply(dir / "audit.db", {"--batch", "10"});
  EXPECT_EQ(a.proc.exit_code, 3) << a.proc.describe();
  EXPECT_EQ(pg_diff(*db_, "tgt.refuse", "public.refuse_snap"), 0) << "a failed table kept part of its changes";
  EXPECT_EQ(pg_diff(*db_, "src.after", "tgt.after"), 0) << "the table after a failed one was not applied";
  EXPECT_EQ(a.table("refuse").at("status"), "failed");
  EXPECT_NE(a.table("refuse").at("error").get<std::string>().find("amount_small"), std::string::npos)
      << a.table("refuse").dump(1);
  EXPECT_EQ(a.table("after").at("status"), "committed");
  const auto rows = applies_rows(dir / "audit.db", "refuse");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("status"), "failed");
  EXPECT_EQ(rows[0].at("undo_file"), "<NULL>");
  EXPECT_EQ(undo_files(dir / "out").size(), 1u) << "only the committed table keeps an undo script";
}

// Identifiers that need quoting everywhere: schema, table and columns with spaces, quotes and
// capitals; the report name is sanitised into the fix-up and undo file names.
TEST_F(PgApply, QuotedIdentifiersAndASanitisedReportName) {
  db_->exec(R"sql(CREATE SCHEMA IF NOT EXISTS "Src Schema"; CREATE SCHEMA IF NOT EXISTS "Tgt ""Schema""";
    CREATE TABLE "Src Schema"."Odd Table" ("Key Col" text PRIMARY KEY, "Value ""q""" int, "select" text);
    INSERT INTO "Src Schema"."Odd Table" SELECT 'k ' || i, i, 'v' || i FROM generate_series(1, 50) i;
    CREATE TABLE "Tgt ""Schema"""."Odd Table" (LIKE "Src Schema"."Odd Table" INCLUDING ALL);
    INSERT INTO "Tgt ""Schema"""."Odd Table" SELECT * FROM "Src Schema"."Odd Table";
    UPDATE "Tgt ""Schema"""."Odd Table" SET "Value ""q""" = -1 WHERE "Value ""q""" % 7 = 0;
    UPDATE "Tgt ""Schema"""."Odd Table" SET "select" = NULL WHERE "Value ""q""" % 9 = 0;
    DELETE FROM "Tgt ""Schema"""."Odd Table" WHERE "Value ""q""" % 11 = 0;
    INSERT INTO "Tgt ""Schema"""."Odd Table" VALUES ('only ''here''', 0, NULL))sql");
  const std::string src = R"("Src Schema"."Odd Table")", tgt = R"("Tgt ""Schema"""."Odd Table")";
  pg_snapshot(*db_, tgt, "public.odd_snap");
  ASSERT_GT(pg_diff(*db_, src, tgt), 0);
  TempDir dir("apply-odd");
  write_file(dir / "job.toml", job("[[tables]]\nname = \"Odd Table\"\nsource = '\"Src Schema\".\"Odd Table\"'\n"
                                   "target = '\"Tgt \"\"Schema\"\"\".\"Odd Table\"'\nkey = [\"Key Col\"]\n"));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  const std::string fixup_name = read_json(dir / "out" / "summary.json").at("tables")[0].at("fixup_sql");
  EXPECT_EQ(fixup_name.rfind("fixup/Odd_Table-", 0), 0u) << fixup_name;

  const ApplyRun a = run_apply(dir / "audit.db");
  ASSERT_EQ(a.proc.exit_code, 0) << a.proc.describe();
  EXPECT_EQ(pg_diff(*db_, src, tgt), 0);
  EXPECT_EQ(a.table("Odd Table").at("fixup_file"), fixup_name);
  EXPECT_EQ(a.table("Odd Table").at("fixup_sha256"), sha256_of(dir / "out" / fixup_name));
  const auto undos = undo_files(dir / "out");
  ASSERT_EQ(undos.size(), 1u);
  EXPECT_EQ(undos[0].filename().string().rfind("Odd_Table-", 0), 0u) << undos[0];
  const ProcResult undo = run_process("/usr/bin/psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-d", db_->name(),
                                                        "-f", undos[0].string()});
  ASSERT_EQ(undo.exit_code, 0) << undo.describe();
  EXPECT_EQ(pg_diff(*db_, tgt, "public.odd_snap"), 0) << read_file(undos[0]);
}

// 8. --dry-run writes nothing and predicts the conflict of a key changed behind recon's back.
TEST_F(PgApply, DryRunChangesNothingAndPredictsConflicts) {
  create_typed("dry", 200);
  plant("dry", 200);
  TempDir dir("apply-dry");
  write_file(dir / "job.toml", job(table_toml("dry")));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  const std::int64_t n = static_cast<std::int64_t>(differing_keys("dry").size());
  db_->exec("UPDATE tgt.dry SET name = 'behind recon''s back' WHERE id = 81");
  db_->exec("INSERT INTO tgt.dry SELECT * FROM src.dry WHERE id = 9");  // a missing row's key now taken
  pg_snapshot(*db_, "tgt.dry", "public.dry_snap");

  const ApplyRun a = run_apply(dir / "audit.db", {"--dry-run"});
  EXPECT_EQ(a.proc.exit_code, 1) << a.proc.describe();
  EXPECT_EQ(pg_diff(*db_, "tgt.dry", "public.dry_snap"), 0) << "--dry-run changed the target";
  EXPECT_EQ(audit_count(dir / "audit.db", "SELECT count(*) FROM applies"), 0) << "--dry-run recorded an apply";
  EXPECT_TRUE(undo_files(dir / "out").empty());
  EXPECT_EQ(a.out.at("dry_run"), true);
  const json& t = a.table("dry");
  SCOPED_TRACE(t.dump(1));
  EXPECT_EQ(t.at("status"), "dry_run");
  EXPECT_EQ(t.at("statements"), n);
  EXPECT_EQ(t.at("conflicts"), 2);
  EXPECT_EQ(t.at("applied"), n - 2);
  const auto keys = a.keys("dry");
  for (const auto& [key, k] : keys)
    EXPECT_EQ(k.at("outcome"), key == "[81]" || key == "[9]" ? "would_conflict" : "would_apply") << key;
  ASSERT_EQ(keys.count("[81]"), 1u);
  ASSERT_EQ(keys.count("[9]"), 1u);

  // The prediction holds: a real apply conflicts on exactly those keys.
  const ApplyRun real = run_apply(dir / "audit.db");
  EXPECT_EQ(real.proc.exit_code, 1) << real.proc.describe();
  for (const auto& [key, k] : real.keys("dry"))
    EXPECT_EQ(k.at("outcome"), key == "[81]" || key == "[9]" ? "conflict" : "repaired") << key;
}

// 9. A fix-up file edited after the run is refused, named, and nothing is changed.
TEST_F(PgApply, AnEditedFixupFileIsRefused) {
  create_typed("edited", 200);
  plant("edited", 200);
  TempDir dir("apply-edited");
  write_file(dir / "job.toml", job(table_toml("edited")));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  pg_snapshot(*db_, "tgt.edited", "public.edited_snap");
  const fs::path fixup = dir / "out" / "fixup" / "edited.sql";
  write_file(fixup, read_file(fixup) + "-- reviewed\n");

  const ApplyRun a = run_apply(dir / "audit.db", {}, "latest", false);
  EXPECT_EQ(a.proc.exit_code, 2) << a.proc.describe();
  EXPECT_NE((a.proc.out + a.proc.err).find(fixup.string()), std::string::npos)
      << "the message does not name the file\n" << a.proc.describe();
  EXPECT_EQ(pg_diff(*db_, "tgt.edited", "public.edited_snap"), 0);
  EXPECT_EQ(audit_count(dir / "audit.db", "SELECT count(*) FROM applies"), 0);
}

// 10 + 11. A second apply of the same run touches nothing; explain shows the repair.
TEST_F(PgApply, SecondApplySkipsRepairedKeysAndExplainShowsTheRepair) {
  create_typed("twice", 200);
  plant("twice", 200);
  TempDir dir("apply-twice");
  write_file(dir / "job.toml", job(table_toml("twice")));
  const ProcResult check = run_check_cmd(dir / "job.toml", dir / "out", dir / "audit.db");
  ASSERT_EQ(check.exit_code, 1) << check.describe();
  const std::int64_t n = static_cast<std::int64_t>(differing_keys("twice").size());
  const ApplyRun first = run_apply(dir / "audit.db");
  ASSERT_EQ(first.proc.exit_code, 0) << first.proc.describe();
  pg_snapshot(*db_, "tgt.twice", "public.twice_snap");
  // xmin shows whether a row was written again, even with the same values.
  const std::string xmins = db_->query("SELECT string_agg(xmin::text, ',' ORDER BY id) FROM tgt.twice")[0][0].c_str();

  const ApplyRun second = run_apply(dir / "audit.db");
  EXPECT_EQ(second.proc.exit_code, 0) << second.proc.describe();
  const json& t = second.table("twice");
  SCOPED_TRACE(t.dump(1));
  EXPECT_EQ(t.at("skipped"), n);
  EXPECT_EQ(t.at("statements"), 0);
  EXPECT_EQ(t.at("applied"), 0);
  EXPECT_EQ(t.at("undo_file"), "");
  EXPECT_EQ(pg_diff(*db_, "tgt.twice", "public.twice_snap"), 0);
  EXPECT_EQ(db_->query("SELECT string_agg(xmin::text, ',' ORDER BY id) FROM tgt.twice")[0][0].c_str(), xmins)
      << "the second apply wrote rows";
  EXPECT_EQ(undo_files(dir / "out").size(), 1u);
  EXPECT_LE(audit_count(dir / "audit.db", "SELECT count(*) FROM applies WHERE status = 'committed'"), 1);
  EXPECT_EQ(audit_count(dir / "audit.db", "SELECT count(*) FROM applies WHERE status = 'nothing_to_apply'"), 1)
      << "the second apply is on record too, with nothing applied";

  // explain: a changed row (id 1: name), a deleted row (id 9) and an inserted one (id 201).
  for (const std::string& key : std::vector<std::string>{"1", "9", "201"}) {
    const ProcResult e = run_recon({"explain", "--run", "latest", "--audit", (dir / "audit.db").string(), "--table",
                                    "twice", "--key", key});
    EXPECT_EQ(e.exit_code, 0) << e.describe();
    EXPECT_NE(e.out.find("\n  repair: repaired"), std::string::npos) << "key " << key << "\n" << e.describe();
  }
}

}  // namespace
}  // namespace e2e

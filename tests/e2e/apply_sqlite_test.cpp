// `recon apply` on SQLite through the real binary: the SQLite counterpart of apply_test.cpp. Truth
// is SQL on the files — ATTACH and EXCEPT both ways between the target and the source, or the
// target and a copy of its file taken before the apply — never recon's own numbers.
#include <set>

#include <gtest/gtest.h>

#include "apply_support.hpp"

namespace e2e {
namespace {

const int kRows = 300;

/// items (id INTEGER PRIMARY KEY, name TEXT, amount DECIMAL(12,2), created TIMESTAMP, flag BOOLEAN,
/// score REAL[, hidden TEXT]) in `file`, `rows` rows with NULLs, quotes, backslashes, non-ASCII.
void create_items(const fs::path& file, const std::string& table, int rows, bool hidden = false) {
  SqliteDb db(file);
  db.exec("CREATE TABLE " + table +
          " (id INTEGER PRIMARY KEY, name TEXT, amount DECIMAL(12,2), created TIMESTAMP, flag BOOLEAN, score REAL" +
          (hidden ? ", hidden TEXT" : "") + ")");
  db.exec("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < " + std::to_string(rows) +
          ") INSERT INTO " + table + R"sql( SELECT i,
        CASE WHEN i % 19 = 0 THEN NULL WHEN i % 5 = 0 THEN 'it''s \ "q" ção ☃ ' || i ELSE 'name ' || i END,
        round(i * 1.37, 2),
        printf('2024-01-%02d %02d:%02d:%02d', 1 + i % 28, i % 24, i % 60, (i * 7) % 60),
        CASE WHEN i % 17 = 0 THEN NULL ELSE i % 2 END,
        CASE WHEN i % 23 = 0 THEN NULL ELSE i / 7.0 END)sql" +
          std::string(hidden ? ", 'hidden ' || i" : "") + " FROM s");
}

/// Every kind of divergence planted in the target's `table` (the same residues as apply_test.cpp).
void plant(const fs::path& file, const std::string& table, int rows, bool hidden = false) {
  SqliteDb db(file);
  const std::string u = "UPDATE " + table + " SET ";
  db.exec(u + "name = coalesce(name, 'was null') || ' (old)' WHERE id % 40 = 1");
  db.exec(u + "amount = round(amount + 0.01, 2) WHERE id % 40 = 2");
  db.exec(u + "created = '2023-12-31 23:59:59' WHERE id % 40 = 3");
  db.exec(u + "flag = 1 - coalesce(flag, 0) WHERE id % 40 = 4");
  db.exec(u + "score = coalesce(score, 1) * 2 + 0.1 WHERE id % 40 = 5");
  db.exec(u + "name = NULL, flag = NULL WHERE id % 40 = 7");
  db.exec(u + "name = 'other \\ ''x''', amount = -1, created = NULL, score = NULL WHERE id % 40 = 8");
  db.exec("DELETE FROM " + table + " WHERE id % 40 = 9");
  const std::string r = std::to_string(rows);
  db.exec("WITH RECURSIVE s(i) AS (SELECT " + r + " + 1 UNION ALL SELECT i + 1 FROM s WHERE i < " + r +
          " + 4) INSERT INTO " + table + " (id, name, amount, created, flag, score" + (hidden ? ", hidden" : "") +
          ") SELECT i, 'extra ' || i, i * 0.5, '2025-02-03 04:05:06', 1, 0.1" +
          (hidden ? ", 'extra hidden ' || i" : "") + " FROM s");
  if (hidden) db.exec(u + "hidden = 'target only ' || id WHERE id % 40 IN (1, 9, 10)");
}

class SqliteApply : public ::testing::Test {
 protected:
  SqliteApply() : dir_("apply-sqlite") {}
  fs::path src() const { return dir_ / "src.db"; }
  fs::path tgt() const { return dir_ / "tgt.db"; }
  fs::path audit() const { return dir_ / "audit.db"; }
  fs::path out() const { return dir_ / "out"; }

  /// src.db and tgt.db with `tables` (planted in the target) and a job comparing them.
  void setup(const std::vector<std::string>& tables, bool hidden = false, const std::string& table_extra = "") {
    std::string job = "[source]\nkind = \"sqlite\"\nurl = \"src.db\"\n\n[target]\nkind = \"sqlite\"\nurl = \"tgt.db\"\n\n"
                      "[check]\nthreads = 2\nchunk_rows = 64\n";
    for (const auto& t : tables) {
      create_items(src(), t, kRows, hidden);
      create_items(tgt(), t, kRows, hidden);
      plant(tgt(), t, kRows, hidden);
      job += "\n[[tables]]\nsource = \"" + t + "\"\nkey = [\"id\"]\n" + table_extra;
    }
    write_file(dir_ / "job.toml", job);
  }
  ProcResult check(const std::string& out_name = "out") {
    return run_check_cmd(dir_ / "job.toml", dir_ / out_name, audit());
  }
  /// Keys of `table` that differ between src.db and tgt.db now (EXCEPT both ways, on SQLite).
  std::set<std::string> differing_keys(const std::string& table, const std::string& cols = "*") {
    SqliteDb db(src());
    db.exec("ATTACH DATABASE '" + tgt().string() + "' AS tgt");
    const std::string s = "SELECT " + cols + " FROM main." + table, g = "SELECT " + cols + " FROM tgt." + table;
    std::set<std::string> keys;
    for (const auto& r : db.rows("SELECT id FROM (" + s + " EXCEPT " + g + ") UNION SELECT id FROM (" + g + " EXCEPT " +
                                 s + ")"))
      keys.insert("[" + r[0] + "]");
    return keys;
  }
  std::int64_t diff_to_source(const std::string& table, const std::string& cols = "*") {
    return sqlite_diff(src(), table, tgt(), table, cols);
  }
  std::int64_t diff_to(const fs::path& copy, const std::string& table, const std::string& cols = "*") {
    return sqlite_diff(tgt(), table, copy, table, cols);
  }
  fs::path snapshot(const std::string& name) {
    fs::copy_file(tgt(), dir_ / name, fs::copy_options::overwrite_existing);
    return dir_ / name;
  }

  TempDir dir_;
};

// 1. Every kind of divergence repaired, recorded, and a following check finds nothing.
TEST_F(SqliteApply, RepairsEveryKindOfDivergenceAndRecordsIt) {
  setup({"items"});
  const Truth before = sqlite_truth(src(), tgt(), "items", "id");
  ASSERT_GT(before.changed, 0);
  ASSERT_GT(before.missing_in_target, 0);
  ASSERT_GT(before.missing_in_source, 0);
  const std::set<std::string> want = differing_keys("items");
  const auto planted = static_cast<std::int64_t>(want.size());
  ASSERT_EQ(planted, before.changed + before.missing_in_target + before.missing_in_source);
  const ProcResult c = check();
  ASSERT_EQ(c.exit_code, 1) << c.describe();
  const fs::path fixup = out() / "fixup" / "items.sql";
  const std::string fixup_sha = sha256_of(fixup);

  const ApplyRun a = run_apply(audit());
  ASSERT_EQ(a.proc.exit_code, 0) << a.proc.describe() << "\n--- fixup ---\n" << read_file(fixup);
  EXPECT_EQ(diff_to_source("items"), 0) << "the target is not the source after the apply";
  const json& t = a.table("items");
  SCOPED_TRACE(t.dump(1));
  EXPECT_EQ(t.at("status"), "committed");
  EXPECT_EQ(t.at("statements"), planted);
  EXPECT_EQ(t.at("applied"), planted);
  EXPECT_EQ(t.at("conflicts"), 0);
  EXPECT_EQ(t.at("repaired"), planted);
  EXPECT_EQ(t.at("fixup_sha256"), fixup_sha);
  std::set<std::string> got;
  for (const auto& [key, k] : a.keys("items")) {
    got.insert(key);
    EXPECT_EQ(k.at("outcome"), "repaired") << key;
    EXPECT_EQ(k.at("now_equal"), true) << key;
  }
  EXPECT_EQ(got, want);

  const auto rows = applies_rows(audit(), "items");
  ASSERT_EQ(rows.size(), 1u);
  const Row& r = rows[0];
  EXPECT_EQ(r.at("status"), "committed");
  EXPECT_EQ(r.at("run_id"), run_id_of(out()));
  EXPECT_EQ(std::stoll(r.at("statements")), planted);
  EXPECT_EQ(std::stoll(r.at("applied")), planted);
  EXPECT_EQ(std::stoll(r.at("repaired")), planted);
  EXPECT_EQ(r.at("conflicts"), "0");
  EXPECT_EQ(r.at("still_divergent"), "0");
  EXPECT_FALSE(r.at("os_user").empty());
  EXPECT_NE(r.at("os_user"), "<NULL>");
  EXPECT_FALSE(r.at("host").empty());
  EXPECT_NE(r.at("host"), "<NULL>");
  EXPECT_EQ(r.at("fixup_sha256"), fixup_sha);
  ASSERT_NE(r.at("undo_file"), "<NULL>");
  EXPECT_EQ(r.at("undo_sha256"), sha256_of(out() / r.at("undo_file")));
  EXPECT_EQ(key_outcomes(audit(), r.at("apply_id"), "items"),
            (std::map<std::string, std::int64_t>{{"repaired", planted}}));
  EXPECT_EQ(audit_count(audit(), "SELECT count(*) FROM apply_keys WHERE apply_id = '" + r.at("apply_id") +
                                     "' AND now_equal = 1 AND rows = 1"),
            planted);

  const ProcResult again = check("out2");
  EXPECT_EQ(again.exit_code, 0) << again.describe();
}

// 2. Conflicts: a third value stays (exit 1); a row CDC already fixed is fine (exit 0).
TEST_F(SqliteApply, ARowChangedSinceTheCheckIsAConflictAndKeepsItsValue) {
  setup({"items_a", "items_b"});
  const ProcResult c = check();
  ASSERT_EQ(c.exit_code, 1) << c.describe();
  const auto n_a = static_cast<std::int64_t>(differing_keys("items_a").size());
  const auto n_b = static_cast<std::int64_t>(differing_keys("items_b").size());
  {
    SqliteDb db(tgt());
    db.exec("UPDATE items_a SET name = 'a third value' WHERE id = 1");
    db.exec("ATTACH DATABASE '" + src().string() + "' AS src");
    db.exec("UPDATE items_b SET name = (SELECT name FROM src.items_b WHERE id = 1) WHERE id = 1");
  }
  ASSERT_EQ(differing_keys("items_b").count("[1]"), 0u);

  const ApplyRun b = run_apply(audit(), {"--table", "items_b"});
  EXPECT_EQ(b.proc.exit_code, 0) << b.proc.describe();
  EXPECT_EQ(diff_to_source("items_b"), 0);
  const auto kb = b.keys("items_b");
  ASSERT_EQ(kb.count("[1]"), 1u);
  EXPECT_EQ(kb.at("[1]").at("outcome"), "conflict");
  EXPECT_EQ(kb.at("[1]").at("now_equal"), true);
  EXPECT_EQ(b.table("items_b").at("repaired"), n_b - 1);

  const ApplyRun a = run_apply(audit(), {"--table", "items_a"});
  EXPECT_EQ(a.proc.exit_code, 1) << a.proc.describe();
  {
    SqliteDb db(tgt());
    EXPECT_EQ(db.rows("SELECT name FROM items_a WHERE id = 1")[0][0], "a third value");
  }
  EXPECT_EQ(differing_keys("items_a"), (std::set<std::string>{"[1]"}));
  const json& t = a.table("items_a");
  SCOPED_TRACE(t.dump(1));
  EXPECT_EQ(t.at("conflicts"), 1);
  EXPECT_EQ(t.at("repaired"), n_a - 1);
  const auto ka = a.keys("items_a");
  ASSERT_EQ(ka.count("[1]"), 1u);
  EXPECT_EQ(ka.at("[1]").at("outcome"), "conflict");
  EXPECT_EQ(ka.at("[1]").at("now_equal"), false);
  const auto rows = applies_rows(audit(), "items_a");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(key_outcomes(audit(), rows[0].at("apply_id"), "items_a"),
            (std::map<std::string, std::int64_t>{{"conflict", 1}, {"repaired", n_a - 1}}));
}

// A row changed since the check in a column the SQL guard leaves out on SQLite (REAL, a timestamp
// kept as text): the dry run must predict what the apply does (see apply_test.cpp).
TEST_F(SqliteApply, AChangeSinceTheCheckInAnUnguardedColumnIsPredictedByTheDryRun) {
  setup({"items"});
  const ProcResult c = check();
  ASSERT_EQ(c.exit_code, 1) << c.describe();
  {
    SqliteDb db(tgt());  // id 5: score was planted; id 3: created was planted
    db.exec("UPDATE items SET score = 12345.5 WHERE id = 5; UPDATE items SET created = '1999-09-09 09:09:09' WHERE id = 3");
  }
  const ApplyRun dry = run_apply(audit(), {"--dry-run"});
  const auto predicted = dry.keys("items");
  const ApplyRun a = run_apply(audit());
  const auto applied = a.keys("items");
  const std::map<std::string, std::string> kept{{"[5]", "score = 12345.5"}, {"[3]", "created = '1999-09-09 09:09:09'"}};
  for (const auto& [key, holds] : kept) {
    SCOPED_TRACE("key " + key);
    ASSERT_EQ(predicted.count(key), 1u);
    ASSERT_EQ(applied.count(key), 1u);
    const std::string said = predicted.at(key).at("outcome"), did = applied.at(key).at("outcome");
    EXPECT_EQ(said == "would_conflict", did == "conflict")
        << "the dry run said " << said << ", the apply did " << did << " (" << holds << " was written after the check)";
    SqliteDb db(tgt());
    const bool keeps =
        db.count("SELECT count(*) FROM items WHERE id = " + key.substr(1, key.size() - 2) + " AND " + holds) == 1;
    EXPECT_EQ(keeps, did == "conflict") << "outcome " << did << " but the row " << (keeps ? "kept" : "lost")
                                        << " the value written after the check";
  }
}

// 3. --strict with one conflict: the table stays exactly as it was.
TEST_F(SqliteApply, StrictRollsBackTheWholeTableOnAConflict) {
  setup({"items"});
  const ProcResult c = check();
  ASSERT_EQ(c.exit_code, 1) << c.describe();
  {
    SqliteDb db(tgt());
    db.exec("UPDATE items SET name = 'a third value' WHERE id = 41");
  }
  const fs::path snap = snapshot("snap.db");
  const ApplyRun a = run_apply(audit(), {"--strict"});
  EXPECT_EQ(a.proc.exit_code, 1) << a.proc.describe();
  EXPECT_EQ(diff_to(snap, "items"), 0) << "--strict left changes behind";
  EXPECT_TRUE(undo_files(out()).empty());
  const auto rows = applies_rows(audit(), "items");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("status"), "rolled_back");
  EXPECT_EQ(rows[0].at("strict"), "1");
  EXPECT_EQ(rows[0].at("undo_file"), "<NULL>");
  EXPECT_EQ(a.table("items").at("status"), "rolled_back");
}

// 4. The undo script (sqlite3 db < file) restores the target, a column not compared included.
TEST_F(SqliteApply, UndoScriptRestoresTheTargetIncludingColumnsNotCompared) {
  setup({"items"}, true, "ignore_columns = [\"hidden\"]\n");
  const fs::path snap = snapshot("snap.db");
  const ProcResult c = check();
  ASSERT_EQ(c.exit_code, 1) << c.describe();
  const ApplyRun a = run_apply(audit());
  ASSERT_EQ(a.proc.exit_code, 0) << a.proc.describe();
  const std::string compared = "id, name, amount, created, flag, score";
  EXPECT_EQ(diff_to_source("items", compared), 0);
  {
    SqliteDb db(tgt());
    db.exec("ATTACH DATABASE '" + snap.string() + "' AS snap");
    EXPECT_EQ(db.count("SELECT count(*) FROM main.items t JOIN snap.items s USING (id) WHERE t.hidden IS NOT s.hidden"), 0)
        << "an UPDATE touched a column that is not compared";
  }
  const auto undos = undo_files(out());
  ASSERT_EQ(undos.size(), 1u);
  const ProcResult undo = run_process("/bin/sh", {"-c", "sqlite3 -bail \"$0\" < \"$1\"", tgt().string(), undos[0].string()});
  ASSERT_EQ(undo.exit_code, 0) << undo.describe() << "\n--- undo ---\n" << read_file(undos[0]);
  EXPECT_EQ(diff_to(snap, "items"), 0) << "the undo script did not restore the target\n" << read_file(undos[0]);
}

// 5. Escalated rows keep their target values.
TEST_F(SqliteApply, EscalatedRowsAreLeftAlone) {
  setup({"items"}, false, "rules = [\"rules.toml\"]\n");
  write_file(dir_ / "rules.toml", R"toml(
[[rule]]
name = "unexpected_row"
match.category = "missing_in_source"
outcome.category = "unexpected_row"
outcome.severity = "P1"
outcome.action = "escalate"

[[rule]]
name = "flag_flip"
match.column = "flag"
outcome.category = "flag_flip"
outcome.severity = "P1"
outcome.action = "escalate"
)toml");
  std::set<std::string> escalated;
  {
    SqliteDb db(src());
    db.exec("ATTACH DATABASE '" + tgt().string() + "' AS tgt");
    for (const auto& r : db.rows("SELECT id FROM tgt.items WHERE id NOT IN (SELECT id FROM main.items) UNION "
                                 "SELECT s.id FROM main.items s JOIN tgt.items t USING (id) WHERE s.flag IS NOT t.flag"))
      escalated.insert(r[0]);
  }
  ASSERT_FALSE(escalated.empty());
  std::string ids;
  for (const auto& id : escalated) ids += (ids.empty() ? "" : ",") + id;
  const auto fixable = static_cast<std::int64_t>(differing_keys("items").size() - escalated.size());
  const fs::path snap = snapshot("snap.db");
  const ProcResult c = check();
  ASSERT_EQ(c.exit_code, 1) << c.describe();

  const ApplyRun a = run_apply(audit());
  EXPECT_EQ(a.proc.exit_code, 0) << a.proc.describe();
  // sqlite_diff selects FROM <schema>.<table>: compare the two slices through views.
  for (const fs::path& f : {src(), tgt(), snap}) {
    SqliteDb db(f);
    db.exec("CREATE VIEW esc_rows AS SELECT * FROM items WHERE id IN (" + ids + ");"
            "CREATE VIEW other_rows AS SELECT * FROM items WHERE id NOT IN (" + ids + ")");
  }
  EXPECT_EQ(sqlite_diff(tgt(), "esc_rows", snap, "esc_rows"), 0) << "an escalated row was touched";
  EXPECT_EQ(sqlite_diff(tgt(), "other_rows", src(), "other_rows"), 0) << "a fixable row was not repaired";
  EXPECT_EQ(differing_keys("items").size(), escalated.size());
  EXPECT_EQ(a.table("items").at("statements"), fixable);
  EXPECT_EQ(a.table("items").at("repaired"), fixable);
  for (const auto& [key, k] : a.keys("items"))
    EXPECT_EQ(escalated.count(key.substr(1, key.size() - 2)), 0u) << "a statement ran for escalated key " << key;
}

// 7. sqlite3 on the fix-up file and recon apply, on two copies of the target, end identical.
TEST_F(SqliteApply, Sqlite3OnTheFixupFileAndReconApplyEndTheSame) {
  setup({"items"});
  const ProcResult c = check();
  ASSERT_EQ(c.exit_code, 1) << c.describe();
  const fs::path manual = snapshot("manual.db");
  const fs::path fixup = out() / "fixup" / "items.sql";
  const ProcResult by_hand = run_process("/bin/sh", {"-c", "sqlite3 -bail \"$0\" < \"$1\"", manual.string(), fixup.string()});
  ASSERT_EQ(by_hand.exit_code, 0) << by_hand.describe();
  const ApplyRun a = run_apply(audit());
  EXPECT_EQ(a.proc.exit_code, 0) << a.proc.describe();
  EXPECT_EQ(diff_to(manual, "items"), 0) << "sqlite3 on the fix-up and recon apply disagree";
  EXPECT_EQ(diff_to_source("items"), 0);
}

// 7b. Statement order under a second unique constraint (see apply_test.cpp): sqlite3 on the fix-up
// file and recon apply on a copy must both end equal to the source.
TEST_F(SqliteApply, StatementOrderUnderAnotherUniqueConstraintIsTheFixupFilesOrder) {
  for (const fs::path& f : {src(), tgt()}) {
    SqliteDb db(f);
    db.exec("CREATE TABLE uniq (id INTEGER PRIMARY KEY, email TEXT UNIQUE, n INTEGER)");
  }
  {
    SqliteDb s(src());
    s.exec("INSERT INTO uniq VALUES (1, 'a@x', 1), (2, 'b@x', 2), (3, 'c@x', 3), (6, 'f@x', 6)");
    SqliteDb t(tgt());
    t.exec("INSERT INTO uniq VALUES (2, 'b@x', 2), (3, 'c-old@x', 3), (5, 'a@x', 5), (6, 'f@x', 6), (7, 'c@x', 7)");
  }
  write_file(dir_ / "job.toml", "[source]\nkind = \"sqlite\"\nurl = \"src.db\"\n\n[target]\nkind = \"sqlite\"\n"
                                "url = \"tgt.db\"\n\n[[tables]]\nsource = \"uniq\"\nkey = [\"id\"]\n");
  const ProcResult c = check();
  ASSERT_EQ(c.exit_code, 1) << c.describe();
  const fs::path manual = snapshot("manual.db");
  const fs::path fixup = out() / "fixup" / "uniq.sql";
  const ProcResult by_hand = run_process("/bin/sh", {"-c", "sqlite3 -bail \"$0\" < \"$1\"", manual.string(), fixup.string()});
  ASSERT_EQ(by_hand.exit_code, 0) << by_hand.describe() << "\n--- fixup ---\n" << read_file(fixup);
  EXPECT_EQ(sqlite_diff(src(), "uniq", manual, "uniq"), 0);
  const ApplyRun a = run_apply(audit());
  EXPECT_EQ(a.proc.exit_code, 0) << a.proc.describe() << "\n--- fixup ---\n" << read_file(fixup);
  EXPECT_EQ(diff_to(manual, "uniq"), 0) << "sqlite3 on the fix-up and recon apply disagree";
  EXPECT_EQ(diff_to_source("uniq"), 0);
}

// 8. --dry-run writes nothing and predicts the conflict of a key changed behind recon's back.
TEST_F(SqliteApply, DryRunChangesNothingAndPredictsConflicts) {
  setup({"items"});
  const ProcResult c = check();
  ASSERT_EQ(c.exit_code, 1) << c.describe();
  const auto n = static_cast<std::int64_t>(differing_keys("items").size());
  {
    SqliteDb db(tgt());
    db.exec("UPDATE items SET name = 'behind recon''s back' WHERE id = 81");
  }
  const fs::path snap = snapshot("snap.db");
  const ApplyRun a = run_apply(audit(), {"--dry-run"});
  EXPECT_EQ(a.proc.exit_code, 1) << a.proc.describe();
  EXPECT_EQ(diff_to(snap, "items"), 0) << "--dry-run changed the target";
  EXPECT_EQ(audit_count(audit(), "SELECT count(*) FROM applies"), 0);
  EXPECT_TRUE(undo_files(out()).empty());
  const json& t = a.table("items");
  SCOPED_TRACE(t.dump(1));
  EXPECT_EQ(t.at("status"), "dry_run");
  EXPECT_EQ(t.at("statements"), n);
  EXPECT_EQ(t.at("conflicts"), 1);
  for (const auto& [key, k] : a.keys("items"))
    EXPECT_EQ(k.at("outcome"), key == "[81]" ? "would_conflict" : "would_apply") << key;
}

// 9. An edited fix-up file is refused (exit 2, the file named) and nothing changes.
TEST_F(SqliteApply, AnEditedFixupFileIsRefused) {
  setup({"items"});
  const ProcResult c = check();
  ASSERT_EQ(c.exit_code, 1) << c.describe();
  const fs::path snap = snapshot("snap.db");
  const fs::path fixup = out() / "fixup" / "items.sql";
  std::string text = read_file(fixup);
  const auto at = text.find("UPDATE");
  ASSERT_NE(at, std::string::npos);
  text.insert(at, "-- ");  // one statement commented out
  write_file(fixup, text);
  const ApplyRun a = run_apply(audit(), {}, "latest", false);
  EXPECT_EQ(a.proc.exit_code, 2) << a.proc.describe();
  EXPECT_NE((a.proc.out + a.proc.err).find(fixup.string()), std::string::npos) << a.proc.describe();
  EXPECT_EQ(diff_to(snap, "items"), 0);
  EXPECT_EQ(audit_count(audit(), "SELECT count(*) FROM applies"), 0);
}

// 10 + 11. A second apply of the run touches nothing; explain shows the repair.
TEST_F(SqliteApply, SecondApplySkipsRepairedKeysAndExplainShowsTheRepair) {
  setup({"items"});
  const ProcResult c = check();
  ASSERT_EQ(c.exit_code, 1) << c.describe();
  const auto n = static_cast<std::int64_t>(differing_keys("items").size());
  const ApplyRun first = run_apply(audit());
  ASSERT_EQ(first.proc.exit_code, 0) << first.proc.describe();
  const fs::path snap = snapshot("snap.db");
  const ApplyRun second = run_apply(audit());
  EXPECT_EQ(second.proc.exit_code, 0) << second.proc.describe();
  EXPECT_EQ(second.table("items").at("skipped"), n);
  EXPECT_EQ(second.table("items").at("statements"), 0);
  EXPECT_EQ(diff_to(snap, "items"), 0);
  EXPECT_EQ(fs::file_size(snap), fs::file_size(tgt()));
  EXPECT_EQ(read_file(snap), read_file(tgt())) << "the second apply wrote to the target file";
  EXPECT_EQ(undo_files(out()).size(), 1u);
  for (const std::string& key : std::vector<std::string>{"1", "9", std::to_string(kRows + 1)}) {
    const ProcResult e = run_recon({"explain", "--run", "latest", "--audit", audit().string(), "--table", "items",
                                    "--key", key});
    EXPECT_EQ(e.exit_code, 0) << e.describe();
    EXPECT_NE(e.out.find("\n  repair: repaired"), std::string::npos) << "key " << key << "\n" << e.describe();
  }
}

}  // namespace
}  // namespace e2e

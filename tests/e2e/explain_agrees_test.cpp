// `recon explain` agrees with the run (#13 item 3), through the real binary on PostgreSQL: a row
// updated within the table's lag window is in flight now, as the run called it; what the run's
// rechecks decided is shown with the record; values are shown whole (two uuids differing in their
// last character never look alike) with the first differing character marked; and only the rules
// that could apply to the column are listed unless --verbose.
#include <gtest/gtest.h>

#include "rules_support.hpp"

namespace e2e {
namespace {

const char* kRules = R"toml([[rule]]
name = "name-spaces"
match.column = "name"
interpret.trim_trailing = true
outcome.category = "trailing_space"
outcome.severity = "P4"
outcome.action = "tolerate"

[[rule]]
name = "ts-drift"
match.type = "timestamp"
interpret.time_tolerance = "1ms"
outcome.category = "ts_drift"
outcome.severity = "P4"
outcome.action = "tolerate"

[[rule]]
name = "cents"
match.column = "amount"
interpret.abs_tolerance = "0.01"
outcome.category = "precision_drift"
outcome.severity = "P4"
outcome.action = "tolerate"
)toml";

class PgExplainAgrees : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
    db_ = std::make_unique<PgDatabase>("recon_e2e_explain_agrees");
    db_->exec(
        "CREATE SCHEMA src; CREATE SCHEMA tgt;"
        "CREATE TABLE src.ea (id int PRIMARY KEY, code uuid, note text, amount numeric(12,2), updated_at timestamp);"
        "INSERT INTO src.ea SELECT i, md5(i::text)::uuid, repeat('nota ' || i, 40), i * 1.5,"
        "  timezone('UTC', now()) - interval '2 days' FROM generate_series(1, 50) i;"
        "CREATE TABLE tgt.ea (LIKE src.ea INCLUDING ALL); INSERT INTO tgt.ea SELECT * FROM src.ea;"
        // 1: uuids differing in their last character; 2: a long note differing late
        "UPDATE tgt.ea SET code = overlay(code::text placing (CASE WHEN right(code::text, 1) = '0' THEN '1' ELSE '0' END)"
        "  from 36)::uuid WHERE id = 1;"
        "UPDATE tgt.ea SET note = overlay(note placing 'X' from 150) WHERE id = 2;"
        // 3: an old amount difference; 4: the same, but the source row was just updated (CDC lag)
        "UPDATE tgt.ea SET amount = amount + 0.02 WHERE id IN (3, 4);"
        "UPDATE src.ea SET updated_at = timezone('UTC', now()) WHERE id = 4;");
    write_file(dir_ / "rules.toml", kRules);
    write_file(dir_ / "job.toml", pg_job(*db_, table_toml("ea", "updated_at = \"updated_at\"\nlag = \"5m\""),
                                         "rules = [\"rules.toml\"]"));
  }
  ProcResult explain(int id, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"explain", "--config", (dir_ / "job.toml").string(), "--table", "ea", "--key",
                                  std::to_string(id)};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_recon(args);
  }
  std::string text(const std::string& sql) { return db_->query(sql)[0][0].c_str(); }
  TempDir dir_{"explain-agrees"};
  std::unique_ptr<PgDatabase> db_;
};

TEST_F(PgExplainAgrees, ARowWithinTheLagWindowIsInFlightAsTheRunSaysIt) {
  const CheckRun run = run_check(dir_ / "job.toml", dir_ / "out", dir_ / "audit.db", {"--recheck-attempts", "0"});
  ASSERT_EQ(run.proc.exit_code, 1) << run.proc.describe();
  EXPECT_EQ(run.table("ea")["in_flight"], 1) << "the run calls row 4 in flight";
  // The run records the exact job and rule files that decided its findings (SHA-256, by sha256sum).
  auto sha256 = [](const fs::path& file) { return run_process("/usr/bin/sha256sum", {file.string()}).out.substr(0, 64); };
  {
    SqliteDb audit(dir_ / "audit.db");
    const auto row = audit.rows("SELECT job_sha256, rule_files_json FROM runs")[0];
    EXPECT_EQ(row[0], sha256(dir_ / "job.toml"));
    const json files = json::parse(row[1]);
    ASSERT_EQ(files.size(), 1u) << row[1];
    EXPECT_EQ(fs::path(files[0]["file"].get<std::string>()).filename(), "rules.toml");
    EXPECT_EQ(files[0]["sha256"], sha256(dir_ / "rules.toml"));
  }

  const ProcResult now = explain(4);
  EXPECT_EQ(now.exit_code, 0) << now.describe();
  EXPECT_NE(now.out.find("changed now, but in flight: updated within the table's lag window of 5m"), std::string::npos)
      << now.out;
  EXPECT_NE(now.out.find(" ago)"), std::string::npos) << "the update time's age\n" << now.out;

  const ProcResult recorded = run_recon({"explain", "--run", "latest", "--audit", (dir_ / "audit.db").string(),
                                         "--table", "ea", "--key", "4"});
  EXPECT_EQ(recorded.exit_code, 0) << recorded.describe();
  EXPECT_NE(recorded.out.find("status in_flight"), std::string::npos) << recorded.out;
  EXPECT_NE(recorded.out.find("changed now, but in flight"), std::string::npos) << recorded.out;

  // The run's rechecks are shown with its record: row 3 repaired, then rechecked.
  db_->exec("UPDATE tgt.ea t SET amount = s.amount FROM src.ea s WHERE s.id = t.id AND t.id = 3");
  const ProcResult rc = run_recon({"recheck", "--run", "latest", "--audit", (dir_ / "audit.db").string()});
  ASSERT_NE(rc.exit_code, 3) << rc.describe();
  const ProcResult after = run_recon({"explain", "--run", "latest", "--audit", (dir_ / "audit.db").string(), "--table",
                                      "ea", "--key", "3"});
  EXPECT_EQ(after.exit_code, 0) << after.describe();
  EXPECT_NE(after.out.find("status converged"), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("): converged"), std::string::npos) << "the recheck's line\n" << after.out;
  EXPECT_NE(after.out.find("status after the rechecks: converged"), std::string::npos) << after.out;
}

TEST_F(PgExplainAgrees, ValuesAreWholeWithTheFirstDifferenceMarked) {
  const ProcResult uuids = explain(1);
  EXPECT_EQ(uuids.exit_code, 1) << uuids.describe();
  const std::string source = text("SELECT code::text FROM src.ea WHERE id = 1");
  const std::string target = text("SELECT code::text FROM tgt.ea WHERE id = 1");
  ASSERT_NE(source, target);
  EXPECT_NE(uuids.out.find(source), std::string::npos) << uuids.out;
  EXPECT_NE(uuids.out.find(target), std::string::npos) << uuids.out;
  EXPECT_NE(uuids.out.find("differs from character 36"), std::string::npos) << uuids.out;
  EXPECT_NE(uuids.out.find("same on both sides"), std::string::npos) << "the equal long note, once\n" << uuids.out;

  const ProcResult note = explain(2);
  EXPECT_EQ(note.exit_code, 1) << note.describe();
  const std::string whole = text("SELECT note FROM tgt.ea WHERE id = 2");
  // Wrapped at 72 characters, but whole: every piece of the value is on the screen.
  for (std::size_t at = 0; at < whole.size(); at += 50)
    EXPECT_NE(note.out.find(whole.substr(at, 20)), std::string::npos) << at << "\n" << note.out;
  EXPECT_NE(note.out.find("differs from character 151"), std::string::npos) << note.out;
  const std::size_t x = note.out.find('X');
  ASSERT_NE(x, std::string::npos);
  const std::size_t line_start = note.out.rfind('\n', x) + 1;
  const std::size_t next_line = note.out.find('\n', x) + 1;
  EXPECT_EQ(note.out[next_line + (x - line_start)], '^') << "the '^' stands under the X\n" << note.out;
}

TEST_F(PgExplainAgrees, OnlyTheRulesThatCouldApplyUnlessVerbose) {
  const ProcResult brief = explain(3);
  EXPECT_EQ(brief.exit_code, 1) << brief.describe();
  EXPECT_NE(brief.out.find("amount: rule 'cents'"), std::string::npos) << "rejected by value: listed\n" << brief.out;
  EXPECT_EQ(brief.out.find("rule 'name-spaces'"), std::string::npos) << "another column: left out\n" << brief.out;
  EXPECT_EQ(brief.out.find("rule 'ts-drift'"), std::string::npos) << "another type: left out\n" << brief.out;
  EXPECT_NE(brief.out.find("amount: 2 rules about other categories, columns or types left out (--verbose lists them)"),
            std::string::npos) << brief.out;

  const ProcResult verbose = explain(3, {"--verbose"});
  EXPECT_EQ(verbose.exit_code, 1) << verbose.describe();
  EXPECT_NE(verbose.out.find("rules.toml:1): no — match.column is name"), std::string::npos)
      << verbose.out;
  EXPECT_NE(verbose.out.find("amount: rule 'ts-drift'"), std::string::npos) << verbose.out;
  EXPECT_EQ(verbose.out.find("left out"), std::string::npos) << verbose.out;
}

}  // namespace
}  // namespace e2e

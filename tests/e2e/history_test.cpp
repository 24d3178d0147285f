// History from the audit DB alone, through the real binary on PostgreSQL: `recon runs` lists runs
// with their tables, `recon show` what one run found and what repaired it, `recon history` one
// key across runs (found, then repaired by `recon apply`, then equal). Truth comes from SQL.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

class PgHistory : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg()) return;
    db_ = std::make_unique<PgDatabase>("recon_e2e_history");
    db_->exec("CREATE SCHEMA src; CREATE SCHEMA tgt;"
              "CREATE TABLE src.h (id int PRIMARY KEY, v text);"
              "INSERT INTO src.h SELECT i, 'v' || i FROM generate_series(1, 500) i;"
              "CREATE TABLE tgt.h (LIKE src.h INCLUDING ALL); INSERT INTO tgt.h SELECT * FROM src.h;"
              "UPDATE tgt.h SET v = 'changed' WHERE id IN (42, 99);"
              "DELETE FROM tgt.h WHERE id = 7;");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }
  static inline std::unique_ptr<PgDatabase> db_;
};

json json_of(const ProcResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  return json::parse(r.out);
}

TEST_F(PgHistory, RunsShowAndOneKeyAcrossACheckAnApplyAndACleanCheck) {
  TempDir dir("history");
  write_file(dir / "job.toml", pg_job(*db_, "[[tables]]\nsource = \"src.h\"\ntarget = \"tgt.h\"\nkey = [\"id\"]\n"));
  const std::string audit = (dir / "audit.db").string();
  auto check = [&](const std::string& out) {
    return run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / out).string(), "--audit",
                      audit, "--no-progress", "--quiet"});
  };
  ASSERT_EQ(check("first").exit_code, 1);
  const std::string first = read_json(dir / "first" / "summary.json")["run_id"];
  const ProcResult applied = run_recon({"apply", "--run", first, "--audit", audit, "--no-progress"});
  ASSERT_EQ(applied.exit_code, 0) << applied.describe();
  ASSERT_EQ(db_->count("SELECT count(*) FROM (SELECT * FROM src.h EXCEPT SELECT * FROM tgt.h) d"), 0);
  const ProcResult second_run = check("second");
  ASSERT_EQ(second_run.exit_code, 0) << second_run.describe();
  const std::string second = read_json(dir / "second" / "summary.json")["run_id"];

  // runs: newest first, with each table's counts.
  const json runs = json_of(run_recon({"runs", "--audit", audit, "--json"}))["runs"];
  ASSERT_EQ(runs.size(), 2u) << runs.dump(2);
  EXPECT_EQ(runs[0]["run_id"], second);
  EXPECT_EQ(runs[0]["status"], "consistent");
  EXPECT_EQ(runs[1]["run_id"], first);
  EXPECT_EQ(runs[1]["status"], "divergent");
  EXPECT_EQ(runs[1]["tables"][0]["changed"], 2);
  EXPECT_EQ(runs[1]["tables"][0]["missing_in_target"], 1);
  EXPECT_EQ(runs[1]["tables"][0]["rows_compared"], 500);
  EXPECT_EQ(json_of(run_recon({"runs", "--audit", audit, "--json", "--last", "1"}))["runs"].size(), 1u);
  EXPECT_TRUE(json_of(run_recon({"runs", "--audit", audit, "--json", "--table", "nope"}))["runs"].empty());
  const ProcResult text = run_recon({"runs", "--audit", audit});
  EXPECT_NE(text.out.find(first + "  "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  h  99.4000 %  compared 500  missing in target 1  missing in source 0  changed 2"),
            std::string::npos) << text.out;

  // show: the first run's divergences, all repaired by the apply.
  const json shown = json_of(run_recon({"show", first, "--audit", audit, "--json"}));
  EXPECT_EQ(shown["run_id"], first);
  ASSERT_EQ(shown["recorded"].size(), 1u) << shown.dump(2);
  EXPECT_EQ(shown["recorded"][0]["status"], "open");
  EXPECT_EQ(shown["recorded"][0]["count"], 3);
  EXPECT_EQ(shown["recorded"][0]["repaired"], 3);
  ASSERT_EQ(shown["applies"].size(), 1u);
  EXPECT_EQ(shown["applies"][0]["status"], "committed");
  EXPECT_EQ(shown["applies"][0]["repaired"], 3);
  EXPECT_EQ(json_of(run_recon({"show", "latest", "--audit", audit, "--json"}))["run_id"], second);

  // history: key 42 found changed, repaired by the apply, then equal.
  const json h = json_of(run_recon({"history", "--audit", audit, "--table", "h", "--key", "42", "--json"}));
  ASSERT_EQ(h["runs"].size(), 2u) << h.dump(2);
  EXPECT_EQ(h["key"], json::array({42}));
  EXPECT_TRUE(h["runs"][0]["found"]);
  EXPECT_EQ(h["runs"][0]["category"], "changed");
  EXPECT_EQ(h["runs"][0]["columns"], json::array({"v"}));
  EXPECT_EQ(h["runs"][0]["repair"].get<std::string>().rfind("repaired by apply ", 0), 0u) << h.dump(2);
  EXPECT_FALSE(h["runs"][1]["found"]);
  const ProcResult missing = run_recon({"history", "--audit", audit, "--table", "h", "--key", "[7]"});
  EXPECT_EQ(missing.exit_code, 0) << missing.describe();
  EXPECT_NE(missing.out.find("missing_in_target"), std::string::npos) << missing.out;
  EXPECT_NE(missing.out.find("not found: equal on both sides"), std::string::npos) << missing.out;
}

TEST_F(PgHistory, BadInputNamesWhatToDo) {
  TempDir dir("history-bad");
  const ProcResult no_db = run_recon({"runs", "--audit", (dir / "none.db").string()});
  EXPECT_EQ(no_db.exit_code, 2);
  EXPECT_NE(no_db.err.find("no audit DB here"), std::string::npos) << no_db.err;
  write_file(dir / "job.toml", pg_job(*db_, "[[tables]]\nsource = \"src.h\"\ntarget = \"tgt.h\"\nkey = [\"id\"]\n"));
  ASSERT_LE(run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "o").string(), "--audit",
                       (dir / "a.db").string(), "--no-progress", "--quiet"})
                .exit_code,
            1);
  const ProcResult unknown = run_recon({"show", "20200101T000000Z-0000", "--audit", (dir / "a.db").string()});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("recon runs lists them"), std::string::npos) << unknown.err;
  const ProcResult table = run_recon({"history", "--audit", (dir / "a.db").string(), "--table", "x", "--key", "1"});
  EXPECT_EQ(table.exit_code, 2);
  EXPECT_NE(table.err.find("no run compared a table named 'x'"), std::string::npos) << table.err;
  const ProcResult key = run_recon({"history", "--audit", (dir / "a.db").string(), "--table", "h", "--key", "{\"a\":1}"});
  EXPECT_EQ(key.exit_code, 2);
  EXPECT_NE(key.err.find("a key is a JSON array"), std::string::npos) << key.err;
}

}  // namespace
}  // namespace e2e

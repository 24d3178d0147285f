// recon apply with a SQL Server target (the TDS 7.4 test server, FreeTDS client): the guarded
// T-SQL runs for real on the server, conflicts keep their value, and the truth comes from EXCEPT
// on the server's SQLite fixture against the source file.
#include <gtest/gtest.h>

#include "tds_fixture.hpp"

namespace e2e {
namespace {

constexpr int kRows = 2000;

/// Source and target with planted divergences, the job between them, and the test server.
class SqlServerApply : public ::testing::Test {
 protected:
  void SetUp() override {
    if (tds_server_binary().empty()) GTEST_SKIP() << "tds_test_server was not built";
    const std::string rows = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                             std::to_string(kRows) + ") ";
    {
      SqliteDb src(dir_ / "source.db");
      src.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER)");
      src.exec(rows + "INSERT INTO items SELECT i, 'item ' || i, i % 50 FROM n");
    }
    {
      SqliteDb fx(dir_ / "fixture.db");
      fx.exec("CREATE TABLE \"dbo.items\" (id int PRIMARY KEY, name \"nvarchar(50)\", qty int)");
      fx.exec(rows + "INSERT INTO \"dbo.items\" SELECT i, 'item ' || i, i % 50 FROM n");
      // 20 changed (name and qty), 10 missing in the target, 5 only in the target; 'Item 7' differs
      // from 'item 7' only in case, which the column's case-insensitive collation would hide.
      fx.exec("UPDATE \"dbo.items\" SET name = name || ' (old)', qty = qty + 1 WHERE id % 100 = 3");
      fx.exec("UPDATE \"dbo.items\" SET name = 'Item 7' WHERE id = 7");
      fx.exec("DELETE FROM \"dbo.items\" WHERE id % 200 = 11");
      fx.exec("INSERT INTO \"dbo.items\" VALUES (5001, 'extra 1', 1), (5002, 'extra 2', NULL), (5003, 'x''y', 3),"
              " (5004, NULL, 4), (5005, 'extra 5', 5)");
    }
    server_ = std::make_unique<TdsServer>(dir_ / "fixture.db");
    std::string target = tds_source_toml(server_->port());
    target.replace(target.find("[source]"), 8, "[target]");
    write_file(dir_ / "job.toml", "[source]\nkind = \"sqlite\"\nurl = " + toml_str((dir_ / "source.db").string()) +
                                      "\n\n" + target +
                                      "\n[check]\nthreads = 2\nchunk_rows = 500\n\n[[tables]]\nname = \"items\"\n"
                                      "source = \"items\"\ntarget = \"dbo.items\"\nkey = [\"id\"]\n");
  }

  ProcResult recon(std::vector<std::string> args) {
    args.insert(args.end(), {"--audit", (dir_ / "audit.db").string()});
    return run_recon(args, tds_env(), 120);
  }

  /// Rows that differ between the source and the server's table, both ways (EXCEPT on SQLite).
  std::int64_t differing_rows() {
    SqliteDb fx(dir_ / "fixture.db");
    fx.exec("ATTACH DATABASE '" + (dir_ / "source.db").string() + "' AS src");
    return fx.count("SELECT count(*) FROM (SELECT id, name, qty FROM src.items EXCEPT"
                    " SELECT id, name, qty FROM main.\"dbo.items\")") +
           fx.count("SELECT count(*) FROM (SELECT id, name, qty FROM main.\"dbo.items\" EXCEPT"
                    " SELECT id, name, qty FROM src.items)");
  }

  TempDir dir_{"apply-tds"};
  std::unique_ptr<TdsServer> server_;
};

TEST_F(SqlServerApply, TheGuardedTSqlRepairsEveryKindAndIsRecorded) {
  ASSERT_EQ(differing_rows(), 2 * 20 + 2 * 1 + 10 + 5);
  const ProcResult check = run_check(dir_);
  ASSERT_EQ(check.exit_code, 1) << check.err;
  const std::string fixup = read_file(dir_ / "out" / "fixup" / "items.sql");
  EXPECT_NE(fixup.find("COLLATE Latin1_General_100_BIN2"), std::string::npos) << fixup;
  EXPECT_NE(fixup.find("WITH (UPDLOCK, HOLDLOCK)"), std::string::npos) << fixup;

  const ProcResult apply = recon({"apply", "--run", "latest", "--no-progress", "--batch", "7"});
  EXPECT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_EQ(differing_rows(), 0);
  SqliteDb audit(dir_ / "audit.db");
  EXPECT_EQ(audit.rows("SELECT status, statements, applied, conflicts, repaired FROM applies"),
            (std::vector<std::vector<std::string>>{{"committed", "36", "36", "0", "36"}}));
  EXPECT_EQ(run_check(dir_, "out2").exit_code, 0);
}

TEST_F(SqlServerApply, ARowChangedSinceTheCheckIsAConflictAndKeepsItsValue) {
  ASSERT_EQ(run_check(dir_).exit_code, 1);
  {
    SqliteDb fx(dir_ / "fixture.db");
    fx.exec("UPDATE \"dbo.items\" SET name = 'changed by CDC' WHERE id = 103");  // a planted changed row
    fx.exec("UPDATE \"dbo.items\" SET name = 'ITEM 7' WHERE id = 7");             // case only: still a change
  }
  const ProcResult apply = recon({"apply", "--run", "latest", "--no-progress", "--json"});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  SqliteDb fx(dir_ / "fixture.db");
  EXPECT_EQ(fx.rows("SELECT name FROM \"dbo.items\" WHERE id IN (7, 103) ORDER BY id"),
            (std::vector<std::vector<std::string>>{{"ITEM 7"}, {"changed by CDC"}}));
  EXPECT_EQ(differing_rows(), 4) << "only the two conflicting rows still differ (both ways)";
  const json result = json::parse(apply.out);
  EXPECT_EQ(result["tables"][0]["conflicts"], 2);
  EXPECT_EQ(result["tables"][0]["repaired"], 34);
}

TEST_F(SqlServerApply, StrictRollsTheTableBackOnTheServer) {
  ASSERT_EQ(run_check(dir_).exit_code, 1);
  const std::int64_t before = differing_rows();
  { SqliteDb(dir_ / "fixture.db").exec("DELETE FROM \"dbo.items\" WHERE id = 5001"); }
  const ProcResult apply = recon({"apply", "--run", "latest", "--no-progress", "--strict"});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_EQ(differing_rows(), before - 1) << "nothing applied: only the row deleted behind recon's back changed";
  SqliteDb audit(dir_ / "audit.db");
  EXPECT_EQ(audit.rows("SELECT status, undo_file IS NULL FROM applies"),
            (std::vector<std::vector<std::string>>{{"rolled_back", "1"}}));
}

}  // namespace
}  // namespace e2e

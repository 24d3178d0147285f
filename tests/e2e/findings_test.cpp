// Findings an on-call engineer can act on, through the real binary on PostgreSQL: the first keys
// of each finding, the exact `recon explain` command for one of them (run as printed), per-column
// counts of changed values, and open findings named even when the run is within its SLO. Truth
// comes from SQL on the engine.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

class PgFindings : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg()) return;
    db_ = std::make_unique<PgDatabase>("recon_e2e_findings");
    db_->exec("CREATE SCHEMA src; CREATE SCHEMA tgt;"
              "CREATE TABLE src.f (id int PRIMARY KEY, a text, b int, c timestamp);"
              "INSERT INTO src.f SELECT i, md5(i::text), i % 97, timestamp '2024-01-01' + i * interval '1 minute'"
              "  FROM generate_series(1, 2000) i;"
              "CREATE TABLE tgt.f (LIKE src.f INCLUDING ALL); INSERT INTO tgt.f SELECT * FROM src.f;"
              "UPDATE tgt.f SET b = b + 1 WHERE id % 100 = 7;"
              "UPDATE tgt.f SET a = upper(a), b = b - 1 WHERE id % 250 = 3;"
              "UPDATE tgt.f SET c = c + interval '1 second' WHERE id % 400 = 9;"
              "DELETE FROM tgt.f WHERE id % 300 = 11;"
              "INSERT INTO tgt.f VALUES (5001, 'x', 1, NULL), (5002, 'y', 2, NULL), (5003, 'z', 3, NULL);");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }

  /// The first `n` ids of `sql` (a SELECT of ids), in key order, as the JSON keys recon shows.
  static json first_ids(const std::string& sql, int n = 5) {
    json out = json::array();
    for (const auto& row : db_->query(sql + " ORDER BY 1 LIMIT " + std::to_string(n)))
      out.push_back(json::array({row[0].as<std::int64_t>()}));
    return out;
  }
  static std::int64_t differing(const std::string& column) {
    return db_->count("SELECT count(*) FROM src.f s JOIN tgt.f t USING (id) WHERE s." + column +
                      " IS DISTINCT FROM t." + column);
  }
  static inline std::unique_ptr<PgDatabase> db_;
};

TEST_F(PgFindings, FirstKeysColumnsAndARunnableExplainCommand) {
  TempDir dir("findings");
  write_file(dir / "job.toml", pg_job(*db_, "[[tables]]\nsource = \"src.f\"\ntarget = \"tgt.f\"\nkey = [\"id\"]\n"));
  const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(),
                                  "--audit", (dir / "audit.db").string(), "--no-progress"});
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  const json summary = read_json(dir / "out" / "summary.json");
  const json& t = table_entry(summary, "f");
  const Truth truth = pg_truth(*db_, "src.f", "tgt.f", "id");
  EXPECT_EQ(t["open_findings"], truth.changed + truth.missing_in_target + truth.missing_in_source);
  EXPECT_EQ(summary["open_findings"], t["open_findings"]);

  const json& cats = t["categories"];
  EXPECT_EQ(cats["changed"]["first_keys"],
            first_ids("SELECT s.id FROM src.f s JOIN tgt.f t USING (id) WHERE (s.*) IS DISTINCT FROM (t.*)"));
  EXPECT_EQ(cats["missing_in_target"]["first_keys"], first_ids("SELECT id FROM src.f EXCEPT SELECT id FROM tgt.f"));
  EXPECT_EQ(cats["missing_in_source"]["first_keys"], first_ids("SELECT id FROM tgt.f EXCEPT SELECT id FROM src.f"));
  for (const char* column : {"a", "b", "c"}) EXPECT_EQ(t["columns_changed"][column], differing(column)) << column;
  EXPECT_EQ(t["columns_changed"].size(), 3u);

  // The terminal shows the same keys and the command; the command runs as printed.
  EXPECT_NE(r.out.find("      keys: [11], [311], [611], [911], [1211], …"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("columns changed (rows per column):\n  f: a " + std::to_string(differing("a"))),
            std::string::npos) << r.out;
  std::string command = cats["missing_in_target"]["explain"];
  ASSERT_EQ(command.rfind("recon explain --run " + summary["run_id"].get<std::string>(), 0), 0u) << command;
  EXPECT_NE(r.out.find("      next: " + command + "\n"), std::string::npos) << r.out;
  command.replace(0, 5, RECON_BINARY);
  const ProcResult explain = run_process("/bin/sh", {"-c", command});
  EXPECT_EQ(explain.exit_code, 1) << "the key still differs: " << explain.describe();
  EXPECT_NE(explain.out.find("11"), std::string::npos) << explain.out;
  EXPECT_NE(explain.out.find("missing"), std::string::npos) << explain.out;
}

TEST_F(PgFindings, ARunWithinItsSloStillNamesWhatIsOpen) {
  TempDir dir("findings-slo");
  write_file(dir / "job.toml", pg_job(*db_, "[[tables]]\nsource = \"src.f\"\ntarget = \"tgt.f\"\nkey = [\"id\"]\n",
                                      "slo = 0.9\n"));
  const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(),
                                  "--audit", (dir / "audit.db").string(), "--no-progress"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  const json summary = read_json(dir / "out" / "summary.json");
  const Truth truth = pg_truth(*db_, "src.f", "tgt.f", "id");
  const std::int64_t open = truth.changed + truth.missing_in_target + truth.missing_in_source;
  EXPECT_EQ(summary["status"], "consistent");
  EXPECT_EQ(summary["open_findings"], open);
  EXPECT_NE(r.out.find("status: consistent - " + std::to_string(open) + " open findings within the SLO"),
            std::string::npos) << r.out;
}

TEST_F(PgFindings, AnIncidentScopedToSomeRowsOrSomeKeys) {
  TempDir dir("findings-scope");
  write_file(dir / "job.toml", pg_job(*db_, "[[tables]]\nsource = \"src.f\"\ntarget = \"tgt.f\"\nkey = [\"id\"]\n"));
  auto check = [&](const std::string& out, const std::vector<std::string>& extra) {
    std::vector<std::string> args{"check", "--config", (dir / "job.toml").string(), "--out", (dir / out).string(),
                                  "--audit", (dir / "audit.db").string(), "--no-progress", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_recon(args);
  };
  // --where: both sides, only those rows; the truth is EXCEPT over the same rows.
  ProcResult r = check("where", {"--table", "f", "--where", "id < 500"});
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  json t = table_entry(read_json(dir / "where" / "summary.json"), "f");
  EXPECT_EQ(t["rows_compared"], db_->count("SELECT count(*) FROM (SELECT id FROM src.f WHERE id < 500 UNION "
                                           "SELECT id FROM tgt.f WHERE id < 500) k"));
  EXPECT_EQ(t["missing_in_target"], db_->count("SELECT count(*) FROM (SELECT id FROM src.f WHERE id < 500 EXCEPT "
                                               "SELECT id FROM tgt.f) k"));
  EXPECT_EQ(t["changed"], db_->count("SELECT count(*) FROM src.f s JOIN tgt.f t USING (id) WHERE id < 500 AND "
                                     "(s.*) IS DISTINCT FROM (t.*)"));
  EXPECT_NE(t["notes"].dump().find("scoped run"), std::string::npos) << t.dump(2);

  // --keys: exactly the keys listed (comments, blank lines and repeats ignored).
  write_file(dir / "keys.txt", "# incident 4711\n11\n[3]\n\n1\n5001\n3\n");
  r = check("keys", {"--table", "f", "--keys", (dir / "keys.txt").string()});
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  t = table_entry(read_json(dir / "keys" / "summary.json"), "f");
  EXPECT_EQ(t["rows_compared"], 4);
  EXPECT_EQ(t["matched"], 1);
  EXPECT_EQ(t["missing_in_target"], 1);
  EXPECT_EQ(t["missing_in_source"], 1);
  EXPECT_EQ(t["changed"], 1);
  EXPECT_EQ(t["categories"]["missing_in_target"]["first_keys"], json::parse("[[11]]"));

  // Bad input says where and what to do, and compares nothing.
  write_file(dir / "bad.txt", "11\nabc\n");
  r = check("bad", {"--table", "f", "--keys", (dir / "bad.txt").string()});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("bad.txt:2:"), std::string::npos) << r.err;
  r = check("bad2", {"--table", "f", "--where", "id < 5; DROP TABLE src.f"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("--where"), std::string::npos) << r.err;
  r = check("bad3", {"--table", "f", "--where", "id < 5", "--mode", "incremental"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("use --mode full"), std::string::npos) << r.err;
  write_file(dir / "two.toml", pg_job(*db_, "[[tables]]\nsource = \"src.f\"\ntarget = \"tgt.f\"\nkey = [\"id\"]\n"
                                            "[[tables]]\nname = \"g\"\nsource = \"src.f\"\ntarget = \"tgt.f\"\nkey = [\"id\"]\n"));
  r = run_recon({"check", "--config", (dir / "two.toml").string(), "--where", "id < 5", "--no-progress"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("choose it with --table T"), std::string::npos) << r.err;
  EXPECT_EQ(db_->count("SELECT count(*) FROM src.f"), 2000) << "nothing was executed";
}

}  // namespace
}  // namespace e2e

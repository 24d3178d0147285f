// `recon audit verify` through the real binary: a real check's audit verifies (exit 0) and its head
// is the one summary.json and the metrics carry; an edit, a deletion or a record added by hand
// through SQLite is exit 1 naming the record; bad input is exit 2.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace e2e {
namespace {

/// `recon audit verify --json` of `audit`.
json verify(const fs::path& audit, int expected_exit) {
  const ProcResult r = run_recon({"audit", "verify", "--audit", audit.string(), "--json"});
  EXPECT_EQ(r.exit_code, expected_exit) << r.describe();
  return json::parse(r.out);
}

TEST(PgAuditVerify, ACheckedAuditVerifiesAndTamperingIsNamed) {
  if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  PgDatabase db("recon_e2e_audit_verify");
  db.exec("CREATE SCHEMA src; CREATE SCHEMA tgt;"
          "CREATE TABLE src.p (id int PRIMARY KEY, v text);"
          "INSERT INTO src.p SELECT i, md5(i::text) FROM generate_series(1, 2000) i;"
          "CREATE TABLE tgt.p (LIKE src.p INCLUDING ALL); INSERT INTO tgt.p SELECT * FROM src.p WHERE id % 10 <> 0;"
          "UPDATE tgt.p SET v = 'x' WHERE id % 25 = 1;");
  TempDir dir("audit-verify");
  write_file(dir / "job.toml", pg_job(db, "[[tables]]\nsource = \"src.p\"\ntarget = \"tgt.p\"\nkey = [\"id\"]\n",
                                      "metrics_file = \"" + (dir / "stable.prom").string() + "\"\n"));
  const fs::path audit = dir / "audit.db";
  const ProcResult check = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(),
                                      "--audit", audit.string(), "--no-progress"});
  ASSERT_EQ(check.exit_code, 1) << check.describe();

  const json ok = verify(audit, 0);
  ASSERT_TRUE(ok["intact"].get<bool>()) << ok.dump(2);
  const json summary = json::parse(read_file(dir / "out" / "summary.json"));
  EXPECT_EQ(summary["audit_chain"]["sha256"], ok["head"]["sha256"]) << "the head the run ended on is the file's head";
  EXPECT_EQ(summary["audit_chain"]["seq"], ok["head"]["seq"]);
  const std::string head = ok["head"]["sha256"].get<std::string>();
  for (const fs::path& prom : {dir / "out" / "metrics.prom", dir / "stable.prom"}) {
    const std::string text = read_file(prom);
    EXPECT_NE(text.find("recon_audit_chain_head_info{sha256=\"" + head + "\",mode=\"full\"} 1"), std::string::npos) << text;
    EXPECT_NE(text.find("recon_audit_chain_records{mode=\"full\"} " + std::to_string(ok["head"]["seq"].get<std::int64_t>())),
              std::string::npos) << text;
  }
  const ProcResult text = run_recon({"audit", "verify", "--audit", audit.string()});
  EXPECT_EQ(text.exit_code, 0) << text.describe();
  EXPECT_NE(text.out.find("sha256 " + head), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("chain starts here: new audit trail"), std::string::npos) << text.out;

  // Through SQLite, as anyone with write access could: the guards are dropped first.
  std::string rec, seq;
  {
    SqliteDb a(audit);
    rec = a.rows("SELECT max(rec) FROM divergences_log WHERE id = 5")[0][0];
    seq = a.rows("SELECT seq FROM chain WHERE tbl = 'divergences_log' AND rec = " + rec)[0][0];
    a.exec("DROP TRIGGER divergences_log_no_update;"
           "UPDATE divergences_log SET target_values_json = source_values_json WHERE rec = " + rec);
  }
  const json edited = verify(audit, 1);
  EXPECT_EQ(edited["problem"]["seq"].get<std::int64_t>(), std::stoll(seq)) << edited.dump(2);
  EXPECT_EQ(edited["problem"]["table"], "divergences_log");
  EXPECT_NE(edited["problem"]["what"].get<std::string>().find("(edited)"), std::string::npos) << edited.dump(2);
  EXPECT_NE(edited["problem"]["context"].get<std::string>().find("divergence 5"), std::string::npos) << edited.dump(2);
  const ProcResult said = run_recon({"audit", "verify", "--audit", audit.string()});
  EXPECT_EQ(said.exit_code, 1);
  EXPECT_NE(said.out.find("chain seq " + seq + ": divergences_log rec " + rec), std::string::npos) << said.out;
}

TEST(PgAuditVerify, ADeletedRunRecordAndARecordAddedByHandAreNamed) {
  if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  PgDatabase db("recon_e2e_audit_verify2");
  db.exec("CREATE SCHEMA src; CREATE SCHEMA tgt;"
          "CREATE TABLE src.p (id int PRIMARY KEY, v text); INSERT INTO src.p SELECT i, 'v' FROM generate_series(1, 300) i;"
          "CREATE TABLE tgt.p (LIKE src.p INCLUDING ALL); INSERT INTO tgt.p SELECT * FROM src.p WHERE id <> 7;");
  TempDir dir("audit-verify2");
  write_file(dir / "job.toml", pg_job(db, "[[tables]]\nsource = \"src.p\"\ntarget = \"tgt.p\"\nkey = [\"id\"]\n"));
  const fs::path audit = dir / "audit.db";
  ASSERT_EQ(run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(), "--audit",
                       audit.string(), "--no-progress"}).exit_code, 1);
  ASSERT_TRUE(verify(audit, 0)["intact"].get<bool>());
  const fs::path copy = dir / "copy.db";
  {
    SqliteDb a(audit);
    a.exec("VACUUM INTO '" + copy.string() + "'");
  }
  std::string first_run_rec;
  {
    SqliteDb a(audit);
    first_run_rec = a.rows("SELECT min(rec) FROM runs_log")[0][0];
    a.exec("DROP TRIGGER runs_log_no_delete; DELETE FROM runs_log WHERE rec = " + first_run_rec);
  }
  const json deleted = verify(audit, 1);
  EXPECT_EQ(deleted["problem"]["table"], "runs_log") << deleted.dump(2);
  EXPECT_EQ(std::to_string(deleted["problem"]["rec"].get<std::int64_t>()), first_run_rec);
  EXPECT_NE(deleted["problem"]["what"].get<std::string>().find("record missing (deleted)"), std::string::npos);

  {
    SqliteDb a(copy);
    a.exec("DROP TRIGGER rechecks_chain;"
           "INSERT INTO rechecks (divergence_id, run_id, recheck_id, checked_at, status) VALUES (1, 'x', 'y', 'z', 'converged')");
  }
  const json inserted = verify(copy, 1);
  EXPECT_EQ(inserted["problem"]["table"], "rechecks") << inserted.dump(2);
  EXPECT_EQ(inserted["problem"]["seq"], 0);
  EXPECT_NE(inserted["problem"]["what"].get<std::string>().find("not on the chain (inserted)"), std::string::npos);

  EXPECT_EQ(run_recon({"audit", "verify", "--audit", (dir / "none.db").string()}).exit_code, 2);
  write_file(dir / "junk.db", "not sqlite");
  EXPECT_EQ(run_recon({"audit", "verify", "--audit", (dir / "junk.db").string()}).exit_code, 2);
}

}  // namespace
}  // namespace e2e

// The append-only, hash-chained audit (schema version 7): records are appended through the views,
// the guards refuse changes, `verify_audit_chain` names the first record that was edited, deleted,
// reordered or inserted by hand, a prune leaves the chain verifiable, an older file is migrated.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit_test_support.hpp"
#include "recon/audit/verify.hpp"
#include "recon/core/errors.hpp"
#include "recon/generated/sql_text.hpp"

namespace recon {
namespace {

using namespace audit_test;
using ::testing::HasSubstr;
using ::testing::StartsWith;

/// Run `id` with three divergences of clientes (ids in order), one rechecked, and one apply.
void record_run(const fs::path& file, const std::string& id, const std::string& started_at) {
  FakeTable clientes;
  AuditDb audit;
  audit.open(file);
  audit.begin_run(run_info(id, started_at));
  audit.begin_table(clientes.ctx);
  audit.divergences(clientes.ctx, {divergence(Category::MissingInTarget, 1, "Ana", nullptr),
                                   divergence(Category::Changed, 2, "Bia", "BIA", {0}),
                                   divergence(Category::MissingInSource, 3, nullptr, "Caio")});
  RunResult run;
  run.run_id = id;
  run.finished_at = started_at;
  run.status = "divergent";
  TableResult t;
  t.name = "clientes";
  t.rows_compared = 10;
  t.matched = 7;
  run.tables.push_back(t);
  audit.end_table(clientes.ctx, t);
  audit.finish_run(run);
  const auto open = audit.open_divergences(id, "clientes");
  ASSERT_EQ(open.size(), 3u);
  Divergence now = open[1].to_divergence();
  now.finding.status = Status::Converged;
  audit.record_recheck(open[1].id, "rc-" + id, started_at, now, privacy::TablePrivacy());
  ApplyRecord a;
  a.apply_id = "ap-" + id;
  a.run_id = id;
  a.table_name = "clientes";
  a.started_at = a.finished_at = started_at;
  a.status = "committed";
  audit.record_apply(a, {ApplyKeyRecord{open[0].id, open[0].key_json, "insert", 1, "repaired", true, started_at}});
}

audit::ChainVerification verify(const fs::path& file) { return audit::verify_audit_chain(file); }

/// The chain seq of a record.
std::int64_t seq_of(const fs::path& file, const std::string& table, const std::string& rec) {
  return std::stoll(query(file, "SELECT seq FROM chain WHERE tbl = '" + table + "' AND rec = " + rec).at(0));
}

/// The rec of divergence `id`'s latest record.
std::string divergence_rec(const fs::path& file, int id) {
  return query(file, "SELECT max(rec) FROM divergences_log WHERE id = " + std::to_string(id)).at(0);
}

struct Chained : ::testing::Test {
  TempDir dir{"chain"};
  fs::path file = dir.path / "a.db";
  void SetUp() override { record_run(file, "r1", "2026-01-01T02:00:00Z"); }
  /// Runs `sql` on the file as someone with write access would: guards dropped first.
  void tamper(const std::string& sql) { query(file, sql, /*script=*/true); }
  void expect_problem(std::int64_t seq, const std::string& table, const std::string& rec, const char* what) {
    const auto v = verify(file);
    ASSERT_FALSE(v.intact()) << "tampering went unnoticed";
    EXPECT_EQ(v.problem->seq, seq) << v.problem->describe();
    EXPECT_EQ(v.problem->table, table) << v.problem->describe();
    EXPECT_EQ(std::to_string(v.problem->rec), rec) << v.problem->describe();
    EXPECT_THAT(v.problem->what, HasSubstr(what)) << v.problem->describe();
  }
};

TEST_F(Chained, AFreshAuditVerifiesAndItsHeadIsTheNewestEntry) {
  const auto v = verify(file);
  ASSERT_TRUE(v.intact()) << v.problem->describe();
  AuditDb audit;
  audit.open(file);
  const audit::ChainHead head = audit.chain_head();
  EXPECT_EQ(v.head.seq, head.seq);
  EXPECT_EQ(v.head.sha256, head.sha256);
  EXPECT_EQ(v.records, head.seq);
  EXPECT_EQ(head.sha256.size(), 64u);
  EXPECT_THAT(v.start_note, StartsWith("chain starts here: new audit trail"));
  EXPECT_EQ(query(file, "SELECT count(*) FROM chain"), std::vector<std::string>{std::to_string(head.seq)});
  EXPECT_EQ(query(file, "SELECT prev_sha256 FROM chain WHERE seq = 1")[0], std::string(audit::kChainGenesis));
  EXPECT_EQ(query(file, "SELECT tbl || ' ' || kind FROM chain JOIN chain_marks ON rec = id WHERE seq = 1")[0],
            "chain_marks start");
  EXPECT_EQ(query(file, "SELECT version FROM schema_version"), std::vector<std::string>{"8"});
}

TEST_F(Chained, WritesThroughTheViewsAppendAndTheGuardsRefuseChanges) {
  // The recheck updated divergence 2: two records, the view shows the latest, same rowid as before.
  EXPECT_EQ(query(file, "SELECT count(*) FROM divergences_log WHERE id = 2"), std::vector<std::string>{"2"});
  EXPECT_EQ(query(file, "SELECT rowid || ' ' || status FROM divergences WHERE id = 2"),
            std::vector<std::string>{"2 converged"});
  query(file, "UPDATE runs SET status = 'error' WHERE run_id = 'r1'");  // legitimately: one more record
  EXPECT_EQ(query(file, "SELECT status FROM runs"), std::vector<std::string>{"error"});
  query(file, "DELETE FROM divergences WHERE id = 3");
  EXPECT_EQ(query(file, "SELECT group_concat(id) FROM divergences"), std::vector<std::string>{"1,2"});
  EXPECT_EQ(query(file, "SELECT deleted FROM divergences_log WHERE id = 3 ORDER BY rec"),
            (std::vector<std::string>{"0", "1"}));
  EXPECT_TRUE(verify(file).intact());

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(audit::register_audit_functions(db), SQLITE_OK);
  for (const char* sql : {"UPDATE divergences_log SET status = 'open'", "DELETE FROM divergences_log",
                          "UPDATE runs_log SET status = 'consistent'", "DELETE FROM rechecks", "UPDATE chain SET rec = 1",
                          "DELETE FROM chain", "DELETE FROM chain_marks", "UPDATE apply_keys SET rows = 0"}) {
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_CONSTRAINT) << sql;
    EXPECT_THAT(err ? err : "", HasSubstr("is append-only")) << sql;
    sqlite3_free(err);
  }
  sqlite3_close(db);
  // A plain sqlite3 connection, without recon's functions, reads but cannot write.
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "SELECT count(*) FROM divergences", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "INSERT INTO prunes (pruned_at, keep, cutoff, runs, divergences, rechecks, applies,"
                             " run_ids_json, os_user, host) VALUES ('', '', '', 0, 0, 0, 0, '[]', '', '')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
}

TEST_F(Chained, AnEditedDivergenceIsNamed) {
  const std::string rec = divergence_rec(file, 2);
  tamper("DROP TRIGGER divergences_log_no_update; UPDATE divergences_log SET target_values_json = '{\"nome\":\"Bia\"}'"
         " WHERE rec = " + rec);
  expect_problem(seq_of(file, "divergences_log", rec), "divergences_log", rec, "(edited)");
  EXPECT_THAT(verify(file).problem->describe(), HasSubstr("(run r1, table clientes, divergence 2)"));
}

TEST_F(Chained, ARewrittenRunStatusIsNamed) {
  const std::string rec = query(file, "SELECT max(rec) FROM runs_log").at(0);
  tamper("DROP TRIGGER runs_log_no_update; UPDATE runs_log SET status = 'consistent' WHERE rec = " + rec);
  expect_problem(seq_of(file, "runs_log", rec), "runs_log", rec, "(edited)");
}

TEST_F(Chained, ADeletedDivergenceIsNamed) {
  const std::string rec = divergence_rec(file, 3);
  const std::int64_t seq = seq_of(file, "divergences_log", rec);
  tamper("DROP TRIGGER divergences_log_no_delete; DELETE FROM divergences_log WHERE id = 3");
  expect_problem(seq, "divergences_log", rec, "record missing (deleted)");
}

TEST_F(Chained, ADeletedChainEntryBreaksTheNextLink) {
  const std::int64_t seq = seq_of(file, "divergences_log", divergence_rec(file, 1));
  const auto next = query(file, "SELECT tbl, rec FROM chain WHERE seq = " + std::to_string(seq + 1)).at(0);
  tamper("DROP TRIGGER chain_no_delete; DELETE FROM chain WHERE seq = " + std::to_string(seq));
  expect_problem(seq + 1, next.substr(0, next.find('|')), next.substr(next.find('|') + 1),
                 "link to the previous record broken");
}

TEST_F(Chained, ReorderedEntriesAreNamed) {
  const std::int64_t a = seq_of(file, "divergences_log", divergence_rec(file, 1));
  const std::int64_t b = a + 1;
  const std::string rec_b = query(file, "SELECT rec FROM chain WHERE seq = " + std::to_string(b))[0];
  // Swap what the two entries point at and their content hashes: each still matches its record.
  tamper("DROP TRIGGER chain_no_update; CREATE TEMP TABLE s AS SELECT * FROM chain WHERE seq IN (" + std::to_string(a) +
         ", " + std::to_string(b) + ");"
         "UPDATE chain SET tbl = (SELECT tbl FROM s WHERE s.seq <> chain.seq), rec = (SELECT rec FROM s WHERE s.seq <>"
         " chain.seq), content_sha256 = (SELECT content_sha256 FROM s WHERE s.seq <> chain.seq) WHERE seq IN (SELECT seq FROM s)");
  expect_problem(a, "divergences_log", rec_b, "link to the previous record broken");
}

TEST_F(Chained, ARecordInsertedOffTheChainIsNamed) {
  tamper("DROP TRIGGER divergences_log_chain;"
         "INSERT INTO divergences_log (id, run_id, table_name, key_json, category) VALUES (99, 'r1', 'clientes', '[9]', 'changed')");
  const std::string rec = query(file, "SELECT rec FROM divergences_log WHERE id = 99").at(0);
  expect_problem(0, "divergences_log", rec, "not on the chain (inserted)");
  EXPECT_THAT(verify(file).problem->describe(), HasSubstr("divergence 99"));
}

TEST_F(Chained, AReplacedViewIsNamed) {
  tamper("DROP VIEW divergences; CREATE VIEW divergences AS SELECT rec AS rowid, * FROM divergences_log WHERE id <> 2");
  const auto v = verify(file);
  ASSERT_FALSE(v.intact());
  EXPECT_EQ(v.problem->table, "divergences");
  EXPECT_THAT(v.problem->what, HasSubstr("view redefined"));
}

TEST_F(Chained, PruneLeavesACheckpointAndTheChainVerifiable) {
  record_run(file, "r2", "2026-02-01T02:00:00Z");
  record_run(file, "r3", "2026-06-01T02:00:00Z");
  AuditDb audit;
  audit.open(file);
  ASSERT_EQ(audit.prune("2026-03-01T00:00:00Z", "90d", false).run_ids, (std::vector<std::string>{"r1", "r2"}));
  auto v = verify(file);
  ASSERT_TRUE(v.intact()) << v.problem->describe();
  EXPECT_EQ(v.checkpoints, 1);
  EXPECT_EQ(query(file, "SELECT count(*) FROM divergences_log WHERE run_id IN ('r1', 'r2')"), std::vector<std::string>{"0"});
  EXPECT_THAT(query(file, "SELECT bridges_json FROM chain_marks WHERE kind = 'checkpoint'").at(0),
              HasSubstr("\"after_seq\":1,"));
  audit.vacuum();  // rowids survive: every chained table has an INTEGER PRIMARY KEY
  record_run(file, "r4", "2026-07-01T02:00:00Z");
  ASSERT_EQ(audit.prune("2026-06-15T00:00:00Z", "14d", false).run_ids, (std::vector<std::string>{"r3"}));
  v = verify(file);
  ASSERT_TRUE(v.intact()) << v.problem->describe();
  EXPECT_EQ(v.checkpoints, 2);
  // Tampering after a prune is still found.
  const std::string rec = divergence_rec(file, 11);
  tamper("DROP TRIGGER divergences_log_no_update; UPDATE divergences_log SET key_json = '[7]' WHERE rec = " + rec);
  expect_problem(seq_of(file, "divergences_log", rec), "divergences_log", rec, "(edited)");
}

TEST_F(Chained, AnEditedCheckpointBridgeIsNamed) {
  record_run(file, "r2", "2026-06-01T02:00:00Z");
  AuditDb audit;
  audit.open(file);
  audit.prune("2026-03-01T00:00:00Z", "90d", false);
  const std::string id = query(file, "SELECT id FROM chain_marks WHERE kind = 'checkpoint'").at(0);
  tamper("DROP TRIGGER chain_marks_no_update; UPDATE chain_marks SET note = 'nothing happened' WHERE id = " + id);
  expect_problem(seq_of(file, "chain_marks", id), "chain_marks", id, "(edited)");
}

TEST(AuditChain, AVersion6FileIsMigratedInPlaceAndTheChainStartsThere) {
  TempDir dir("chain-v6");
  const fs::path file = dir.path / "old.db";
  query(file, std::string(sql::audit_schema), true);  // schema.sql is version 6; 7 is a step on top
  query(file,
        "INSERT INTO runs (run_id, started_at, mode, status) VALUES ('old1', '2026-01-01T00:00:00Z', 'full', 'divergent'),"
        " ('old2', '2026-01-02T00:00:00Z', 'full', 'consistent');"
        "INSERT INTO table_results (run_id, table_name, rows_compared, matched) VALUES ('old1', 't', 5, 4);"
        "INSERT INTO divergences (run_id, table_name, key_json, category, key_canon) VALUES ('old1', 't', '[1]', 'changed', x'01'),"
        " ('old1', 't', '[2]', 'changed', x'02');"
        "INSERT INTO rechecks (divergence_id, run_id, recheck_id, checked_at, status) VALUES (2, 'old1', 'rc', 'x', 'open');"
        "INSERT INTO apply_keys (apply_id, divergence_id, run_id, table_name, key_json, statement, rows, outcome)"
        " VALUES ('ap', 1, 'old1', 't', '[1]', 'update', 1, 'repaired');",
        true);
  const std::string before = "old1 divergent|old2 consistent";
  {
    AuditDb audit;
    audit.open(file);
    EXPECT_EQ(audit.find_run("latest")->run_id, "old2");
    EXPECT_EQ(audit.table_divergences("old1", "t").size(), 2u);
  }
  EXPECT_EQ(query(file, "SELECT group_concat(run_id || ' ' || status, '|') FROM (SELECT * FROM runs ORDER BY rowid)")[0],
            before);
  EXPECT_EQ(query(file, "SELECT group_concat(id || key_json) FROM divergences")[0], "1[1],2[2]");
  EXPECT_EQ(query(file, "SELECT count(*) FROM rechecks")[0], "1");
  EXPECT_EQ(query(file, "SELECT rec || ' ' || key_json FROM apply_keys")[0], "1 [1]");
  EXPECT_EQ(query(file, "SELECT version FROM schema_version"), std::vector<std::string>{"8"});
  const auto v = verify(file);
  ASSERT_TRUE(v.intact()) << v.problem->describe();
  EXPECT_THAT(v.start_note, HasSubstr("migrated in place from schema version 6"));
  EXPECT_EQ(v.records, 1 + 2 + 1 + 2 + 1 + 1) << "the start mark, then every row found";
  EXPECT_EQ(query(file, "SELECT tbl FROM chain WHERE seq = 1")[0], "chain_marks");
}

TEST(AuditChain, AFileWithoutTheChainIsRefusedByVerify) {
  TempDir dir("chain-old");
  const fs::path file = dir.path / "old.db";
  query(file, std::string(sql::audit_schema), true);
  EXPECT_THROW(verify(file), InputError);
}

TEST(AuditChain, TheRecordHashIsUnambiguous) {
  TempDir dir("chain-hash");
  const fs::path file = dir.path / "h.db";
  auto h = [&](const char* args) { return query(file, std::string("SELECT recon_record_sha256(") + args + ")").at(0); };
  EXPECT_EQ(h("'t', 'ab', NULL"), h("'t', 'ab', NULL"));
  EXPECT_NE(h("'t', 'ab', NULL"), h("'t', 'a', 'b'"));
  EXPECT_NE(h("'t', 1"), h("'t', '1'"));
  EXPECT_NE(h("'t', 1"), h("'t', 1.0"));
  EXPECT_NE(h("'t', x'61'"), h("'t', 'a'"));
  EXPECT_NE(h("'t', NULL"), h("'t', ''"));
  EXPECT_NE(h("'t', 1"), h("'u', 1"));
  EXPECT_EQ(h("'t', 1").size(), 64u);
}

}  // namespace
}  // namespace recon

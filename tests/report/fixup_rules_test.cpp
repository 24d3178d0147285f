// FixupWriter with the rules engine's findings: only what the rules say to fix is written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "recon/report/fixup.hpp"
#include "report_test_support.hpp"

namespace recon {
namespace {

using namespace testing_support;
using ::testing::HasSubstr;
using ::testing::Not;

Divergence with(Divergence d, Status status, Action action, std::vector<std::uint32_t> fix_columns = {},
                const char* rule = "some-rule") {
  d.finding.category = "cat";
  d.finding.status = status;
  d.finding.action = action;
  d.finding.fix_columns = std::move(fix_columns);
  d.finding.rule = rule;
  return d;
}

TEST(FixupRules, WritesOnlyWhatTheRulesSayToFix) {
  TempDir dir;
  FakeTable t;
  FixupWriter w(dir.path, "run-r");
  w.begin_table(t.ctx);
  w.divergences(t.ctx, {
      with(missing_in_target(1, "Ana", "1"), Status::Open, Action::Fix),
      with(missing_in_target(2, "Bia", "2"), Status::Tolerated, Action::Tolerate),
      with(missing_in_source(3, "Caio", "3"), Status::Open, Action::Report),
      with(missing_in_source(4, "Davi", "4"), Status::Open, Action::Escalate),
      // nome escalates, saldo's rule says fix: an escalated row is a person's decision, so the
      // whole row is left out (counted as escalated), not even saldo is set
      with(changed(5, "Eva", "5", "Eve", "5.5", {0, 1}), Status::Open, Action::Escalate, {1}),
      with(changed(6, "Fabio", "6", "Fábio", "6", {0}), Status::Open, Action::Report, {}),
      // nome's rule only reports, saldo's says fix: the UPDATE sets saldo only (partly fixed)
      with(changed(12, "Lia", "12", "Lea", "12.5", {0, 1}), Status::Open, Action::Fix, {1}),
  });
  w.divergences(t.ctx, {
      with(changed(7, "Gil", "7", "Gil", "7.1", {1}), Status::InFlight, Action::Fix, {1}),
      with(changed(8, "Hugo", "8", "Hugo", "8.1", {1}), Status::Suspended, Action::Fix, {1}),
      with(changed(9, "Ivo", "9", "Ivo", "9.1", {1}), Status::Converged, Action::Fix, {1}),
      with(changed(10, "Jo", "10", "Joe", "10.1", {0, 1}), Status::Open, Action::Fix, {0, 1}, "unmatched"),
      with(missing_in_source(11, "Kim", "11"), Status::Open, Action::Fix),
  });
  TableResult r = table_result("clientes", 21, 13, 1, 3, 4);
  w.end_table(t.ctx, r);

  const std::string sql = slurp(dir.path / "fixup" / "clientes.sql");
  EXPECT_THAT(sql, HasSubstr("-- statements: 1 DELETE, 2 UPDATE, 1 INSERT\n"));
  EXPECT_THAT(sql, HasSubstr("-- not fixed here: 1 tolerated, 2 report-only, 2 escalated, 1 in flight, "
                             "1 suspended, 1 converged\n"));
  EXPECT_THAT(sql, HasSubstr("-- partly fixed: 1 changed rows; only the columns whose rules say fix are set\n"));
  EXPECT_THAT(sql, Not(HasSubstr("not detailed")));  // every open divergence was delivered
  EXPECT_THAT(sql, Not(HasSubstr("unguarded")));     // text and numeric: every column guards
  EXPECT_THAT(sql, Not(HasSubstr("\"id\" = 5 ")));  // the escalated row: no statement at all
  EXPECT_THAT(sql, Not(HasSubstr("\"id\" = 4 ")));
  // Each UPDATE is guarded by every compared column as recon saw it on the target, the columns it
  // sets and the ones it leaves alone; an INSERT by the key being absent.
  const std::string body =
      "BEGIN;\nSET LOCAL standard_conforming_strings = on;\n"
      "\n-- 1 rows missing in source\n"
      "DELETE FROM \"public\".\"clientes\" WHERE \"id\" = 11 AND \"nome\"::text COLLATE \"C\" = 'Kim' AND \"saldo\" = 11;\n"
      "\n-- 2 rows changed\n"
      "UPDATE \"public\".\"clientes\" SET \"saldo\" = 12 WHERE \"id\" = 12 AND \"nome\"::text COLLATE \"C\" = 'Lea' "
      "AND \"saldo\" = 12.5;\n"
      "UPDATE \"public\".\"clientes\" SET \"nome\" = 'Jo', \"saldo\" = 10 WHERE \"id\" = 10 AND \"nome\"::text COLLATE \"C\" = 'Joe' "
      "AND \"saldo\" = 10.1;\n"
      "\n-- 1 rows missing in target\n"
      "INSERT INTO \"public\".\"clientes\" (\"id\", \"nome\", \"saldo\") SELECT 1, 'Ana', 1 WHERE NOT EXISTS "
      "(SELECT 1 FROM \"public\".\"clientes\" WHERE \"id\" = 1) ON CONFLICT DO NOTHING;\n"
      "COMMIT;\n";
  ASSERT_GE(sql.size(), body.size()) << sql;
  EXPECT_EQ(sql.substr(sql.size() - body.size()), body) << sql;
}

TEST(FixupRules, AnEscalatedChangedRowIsLeftOutWhateverItsColumnsSay) {
  TempDir dir;
  FakeTable t(Dialect::Sqlite);
  FixupWriter w(dir.path, "run-r5");
  w.begin_table(t.ctx);
  // Both columns' rules say fix, yet the row's action is escalate (a third rule escalated it).
  w.divergences(t.ctx, {with(changed(1, "a", "1", "b", "2", {0, 1}), Status::Open, Action::Escalate, {0, 1}),
                        with(missing_in_target(2, "c", "1"), Status::Open, Action::Escalate)});
  TableResult r = table_result("clientes", 2, 0, 1, 0, 1);
  w.end_table(t.ctx, r);
  const std::string sql = slurp(dir.path / "fixup" / "clientes.sql");
  EXPECT_THAT(sql, HasSubstr("-- statements: 0 DELETE, 0 UPDATE, 0 INSERT\n"));
  EXPECT_THAT(sql, HasSubstr("-- not fixed here: 2 escalated\n"));
  EXPECT_THAT(sql, HasSubstr("BEGIN;\n-- nothing to fix\nCOMMIT;\n"));
  EXPECT_THAT(sql, Not(HasSubstr("UPDATE \"")));
  EXPECT_THAT(sql, Not(HasSubstr("partly fixed")));
}

TEST(FixupRules, NothingToFixAndOnlyNonZeroParts) {
  TempDir dir;
  FakeTable t(Dialect::Sqlite);
  FixupWriter w(dir.path, "run-r2");
  w.begin_table(t.ctx);
  w.divergences(t.ctx, {with(changed(1, "a ", "1", "a", "1", {0}), Status::Tolerated, Action::Tolerate),
                        with(changed(2, "b ", "1", "b", "1", {0}), Status::Tolerated, Action::Tolerate),
                        with(missing_in_target(3, "c", "1"), Status::InFlight, Action::Fix)});
  TableResult r = table_result("clientes", 10, 9, 0, 0, 0);
  r.in_flight = 1;
  w.end_table(t.ctx, r);
  const std::string sql = slurp(dir.path / "fixup" / "clientes.sql");
  EXPECT_THAT(sql, HasSubstr("-- not fixed here: 2 tolerated, 1 in flight\n"));
  EXPECT_THAT(sql, HasSubstr("-- statements: 0 DELETE, 0 UPDATE, 0 INSERT\n"));
  EXPECT_THAT(sql, HasSubstr("BEGIN;\n-- nothing to fix\nCOMMIT;\n"));
  EXPECT_THAT(sql, Not(HasSubstr("partly fixed")));
}

TEST(FixupRules, ARuleWithNoFixColumnsSkipsTheRow) {
  TempDir dir;
  FakeTable t;
  FixupWriter w(dir.path, "run-r3");
  w.begin_table(t.ctx);
  // Decided by a rule that fixes nothing: skipped even though the action says fix.
  w.divergences(t.ctx, {with(changed(1, "a", "1", "b", "1", {0}), Status::Open, Action::Fix, {})});
  TableResult r = table_result("clientes", 1, 0, 0, 0, 1);
  w.end_table(t.ctx, r);
  const std::string sql = slurp(dir.path / "fixup" / "clientes.sql");
  EXPECT_THAT(sql, Not(HasSubstr("UPDATE \"public\"")));
  EXPECT_THAT(sql, HasSubstr("-- not fixed here: 1 with no column to fix\n"));
}

TEST(FixupRules, NoRulesConfiguredFixesEveryDifferingColumn) {
  TempDir dir;
  FakeTable t;
  FixupWriter w(dir.path, "run-r4");
  w.begin_table(t.ctx);
  // The finding the engine gives without rules: raw category, P2, fix, rule "".
  Divergence d = changed(1, "a", "1", "b", "2", {0, 1});
  d.finding.category = "changed";
  d.finding.fix_columns = {0, 1};
  Divergence bare = changed(2, "a", "1", "b", "1", {0});  // fix_columns not filled in: its columns
  w.divergences(t.ctx, {d, bare});
  TableResult r = table_result("clientes", 2, 0, 0, 0, 2);
  w.end_table(t.ctx, r);
  const std::string sql = slurp(dir.path / "fixup" / "clientes.sql");
  EXPECT_THAT(sql, HasSubstr("UPDATE \"public\".\"clientes\" SET \"nome\" = 'a', \"saldo\" = 1 WHERE \"id\" = 1 "
                             "AND \"nome\"::text COLLATE \"C\" = 'b' AND \"saldo\" = 2;\n"));
  // The guard also holds the column the UPDATE leaves alone.
  EXPECT_THAT(sql, HasSubstr("UPDATE \"public\".\"clientes\" SET \"nome\" = 'a' WHERE \"id\" = 2 "
                             "AND \"nome\"::text COLLATE \"C\" = 'b' AND \"saldo\" = 1;\n"));
  EXPECT_THAT(sql, Not(HasSubstr("not fixed here")));
  EXPECT_THAT(sql, Not(HasSubstr("partly fixed")));
}

}  // namespace
}  // namespace recon

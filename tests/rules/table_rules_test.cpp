#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <filesystem>

#include "recon/rules/rules.hpp"

using namespace recon;
using namespace recon::rules;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

RuleSet parse(const std::string& text, const std::string& origin = "r.toml") {
  RuleSet set;
  parse_rules_text(text, origin, set);
  return set;
}

// The compared columns of simulacoes-like test rows, in this order.
const std::vector<RuleColumn> kColumns = {{"resultado", TypeClass::Decimal},
                                          {"status", TypeClass::Text},
                                          {"telefone", TypeClass::Text},
                                          {"data_simulacao", TypeClass::Timestamp}};
const std::vector<std::string> kNames = {"simulacoes", "public.simulacoes", "simulacoes", "dbo.Simulacoes",
                                         "Simulacoes"};

struct Row {
  std::string resultado = "100.5", status = "aprovada", telefone = "1199", ts = "2026-11-23 10:00:00";
  std::string encode() const {
    std::string out;
    canon::put_decimal(out, resultado);
    canon::put_text(out, status);
    canon::put_text(out, telefone);
    canon::put_from_text(out, TypeClass::Timestamp, ts);
    return out;
  }
};

Divergence changed(const Row& source, const Row& target, std::vector<std::uint32_t> columns) {
  Divergence d;
  d.category = Category::Changed;
  d.columns = std::move(columns);
  d.source_values = source.encode();
  d.target_values = target.encode();
  return d;
}

Divergence missing(Category c) {
  Divergence d;
  d.category = c;
  (c == Category::MissingInTarget ? d.source_values : d.target_values) = Row{}.encode();
  return d;
}

const char* kSimulacoes = R"([[rule]]
name = "resultado-drift"
match.table = "simulacoes"
match.column = "resultado"
interpret.abs_tolerance = "0.01"
outcome.category = "precision_drift"
outcome.severity = "P4"
outcome.action = "tolerate"

[[rule]]
name = "status-change"
match.column = "status"
outcome.category = "status_change"
outcome.severity = "P1"
outcome.action = "escalate"

[[rule]]
name = "telefone-spaces"
match.column = "telefone"
interpret.trim_trailing = true
outcome.category = "trailing_space"
outcome.severity = "P4"
outcome.action = "tolerate"

[[rule]]
name = "telefone-other"
match.column = "telefone"
outcome.category = "contact_data"
outcome.severity = "P3"
outcome.action = "fix"
)";

}  // namespace

TEST(TableRules, NoRulesConfiguredEveryDifferenceCounts) {
  const RuleSet none;
  const TableRules tr(none, none, kNames, kColumns);
  EXPECT_FALSE(tr.configured());
  Row t;
  t.status = "cancelada";
  t.telefone = "1199 ";
  Divergence d = changed(Row{}, t, {1, 2});
  tr.evaluate(d);
  EXPECT_EQ(d.finding.category, "changed");
  EXPECT_EQ(d.finding.severity, 2);
  EXPECT_EQ(d.finding.action, Action::Fix);
  EXPECT_EQ(d.finding.rule, "");
  EXPECT_EQ(d.finding.explanation, "");
  EXPECT_EQ(d.finding.fix_columns, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(d.finding.status, Status::Open);
  EXPECT_THAT(tr.explain(d), ElementsAre("no rule files configured: every difference counts (changed P2 fix)"));
  Divergence m = missing(Category::MissingInSource);
  tr.evaluate(m);
  EXPECT_EQ(m.finding.category, "missing_in_source");
  EXPECT_THAT(tr.explain(m), ElementsAre("no rule files configured: every difference counts (missing_in_source P2 fix)"));
}

TEST(TableRules, ToleratedWithinTheTolerance) {
  const RuleSet set = parse(kSimulacoes);
  const TableRules tr(set, RuleSet{}, kNames, kColumns);
  EXPECT_TRUE(tr.configured());
  Row t;
  t.resultado = "100.501";
  Divergence d = changed(Row{}, t, {0});
  tr.evaluate(d);
  EXPECT_EQ(d.finding.status, Status::Tolerated);
  EXPECT_EQ(d.finding.action, Action::Tolerate);
  EXPECT_EQ(d.finding.category, "precision_drift");
  EXPECT_EQ(d.finding.severity, 4);
  EXPECT_EQ(d.finding.rule, "resultado-drift");
  EXPECT_TRUE(d.finding.fix_columns.empty());
  EXPECT_EQ(d.finding.explanation, "resultado: precision_drift by 'resultado-drift' (|Δ| 0.001 ≤ 0.01)");
}

TEST(TableRules, BeyondTheToleranceIsUnmatched) {
  const RuleSet set = parse(kSimulacoes);
  const TableRules tr(set, RuleSet{}, kNames, kColumns);
  Row t;
  t.resultado = "100.52";
  Divergence d = changed(Row{}, t, {0});
  tr.evaluate(d);
  EXPECT_EQ(d.finding.status, Status::Open);
  EXPECT_EQ(d.finding.category, "changed");
  EXPECT_EQ(d.finding.rule, "unmatched");
  EXPECT_EQ(d.finding.severity, 2);
  EXPECT_EQ(d.finding.action, Action::Fix);
  EXPECT_EQ(d.finding.fix_columns, std::vector<std::uint32_t>{0});
  EXPECT_EQ(d.finding.explanation, "resultado: changed (unmatched)");
  const auto lines = tr.explain(d);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0], "resultado: source 100.5 · target 100.52");
  EXPECT_EQ(lines[1], "resultado: rule 'resultado-drift' (r.toml:1): no — |Δ| 0.02 > 0.01");
  EXPECT_EQ(lines[2], "resultado: rule 'status-change' (r.toml:10): no — match.column is status");
  EXPECT_EQ(lines[lines.size() - 2], "resultado: no rule matched → changed P2 fix (unmatched)");
  EXPECT_EQ(lines.back(), "row: changed P2 fix by 'unmatched' → open; fix-up sets resultado");
}

TEST(TableRules, RowTakesTheStrongestActionAndTheMostSevereCategory) {
  const RuleSet set = parse(kSimulacoes);
  const TableRules tr(set, RuleSet{}, kNames, kColumns);
  Row t;
  t.resultado = "100.501";   // tolerated P4
  t.status = "cancelada";    // escalate P1
  t.telefone = "1188";       // fix P3
  Divergence d = changed(Row{}, t, {0, 1, 2});
  tr.evaluate(d);
  EXPECT_EQ(d.finding.status, Status::Open);
  EXPECT_EQ(d.finding.category, "status_change");
  EXPECT_EQ(d.finding.severity, 1);
  EXPECT_EQ(d.finding.rule, "status-change");
  EXPECT_EQ(d.finding.action, Action::Escalate);
  EXPECT_EQ(d.finding.fix_columns, std::vector<std::uint32_t>{2});
  EXPECT_EQ(d.finding.explanation,
            "resultado: precision_drift by 'resultado-drift' (|Δ| 0.001 ≤ 0.01); status: status_change by "
            "'status-change'; telefone: contact_data by 'telefone-other'");
  const auto lines = tr.explain(d);
  EXPECT_EQ(lines.back(), "row: status_change P1 escalate by 'status-change' → open; fix-up sets telefone");
}

TEST(TableRules, EveryColumnToleratedToleratesTheRow) {
  const RuleSet set = parse(kSimulacoes);
  const TableRules tr(set, RuleSet{}, kNames, kColumns);
  Row t;
  t.resultado = "100.499";
  t.telefone = "1199   ";
  Divergence d = changed(Row{}, t, {0, 2});
  tr.evaluate(d);
  EXPECT_EQ(d.finding.status, Status::Tolerated);
  EXPECT_EQ(d.finding.action, Action::Tolerate);
  EXPECT_EQ(d.finding.category, "precision_drift");  // the first column's
  EXPECT_EQ(d.finding.rule, "resultado-drift");
  EXPECT_TRUE(d.finding.fix_columns.empty());
}

TEST(TableRules, MixedUnmatchedAndReportColumns) {
  const RuleSet set = parse(R"([unmatched]
severity = "P3"
action = "report"
[[rule]]
name = "telefone-fix"
match.column = "telefone"
outcome.category = "contact_data"
outcome.severity = 3
outcome.action = "fix"
)");
  const TableRules tr(set, RuleSet{}, kNames, kColumns);
  Row t;
  t.status = "x";       // unmatched: P3 report
  t.telefone = "1188";  // P3 fix
  Divergence d = changed(Row{}, t, {1, 2});
  tr.evaluate(d);
  EXPECT_EQ(d.finding.category, "changed");  // equal severity: the first column decides
  EXPECT_EQ(d.finding.rule, "unmatched");
  EXPECT_EQ(d.finding.action, Action::Fix);  // the strongest of report and fix
  EXPECT_EQ(d.finding.fix_columns, std::vector<std::uint32_t>{2});
}

TEST(TableRules, MissingRowsNeedARuleThatNamesTheirCategory) {
  // A catch-all that tolerates everything must not hide a missing row.
  const RuleSet set = parse(R"([[rule]]
name = "anything"
outcome.category = "noise"
outcome.action = "tolerate"
)");
  const TableRules tr(set, RuleSet{}, kNames, kColumns);
  Divergence m = missing(Category::MissingInTarget);
  tr.evaluate(m);
  EXPECT_EQ(m.finding.status, Status::Open);
  EXPECT_EQ(m.finding.category, "missing_in_target");
  EXPECT_EQ(m.finding.rule, "unmatched");
  EXPECT_EQ(m.finding.action, Action::Fix);
  EXPECT_EQ(m.finding.explanation, "missing_in_target (unmatched)");
  EXPECT_THAT(tr.explain(m), ElementsAre("missing_in_target: rule 'anything' (r.toml:1): no — it is about changed",
                                         "missing_in_target: no rule matched → missing_in_target P2 fix (unmatched)",
                                         "row: missing_in_target P2 fix by 'unmatched' → open"));

  const RuleSet named = parse(R"([[rule]]
name = "lost-customer"
match.table = "clientes"
match.category = "missing_in_target"
outcome.category = "lost_customer"
outcome.severity = "P1"
outcome.action = "escalate"
[[rule]]
name = "gone"
match.category = ["missing_in_target", "missing_in_source"]
outcome.category = "row_gone"
outcome.action = "fix"
)");
  const TableRules clientes(named, RuleSet{}, {"clientes"}, kColumns);
  tr.evaluate(m);
  clientes.evaluate(m);
  EXPECT_EQ(m.finding.category, "lost_customer");
  EXPECT_EQ(m.finding.severity, 1);
  EXPECT_EQ(m.finding.action, Action::Escalate);
  EXPECT_EQ(m.finding.explanation, "missing_in_target: lost_customer by 'lost-customer'");
  Divergence s = missing(Category::MissingInSource);
  clientes.evaluate(s);
  EXPECT_EQ(s.finding.category, "row_gone");
  const TableRules others(named, RuleSet{}, kNames, kColumns);  // lost-customer is about clientes only
  others.evaluate(m);
  EXPECT_EQ(m.finding.rule, "gone");
  EXPECT_TRUE(m.finding.fix_columns.empty());
}

TEST(TableRules, TableRulesComeBeforeCheckRulesAndFirstMatchWins) {
  const RuleSet own = parse(R"([[rule]]
name = "own-status"
match.column = "status"
outcome.category = "own"
outcome.severity = "P3"
)", "own.toml");
  const RuleSet check = parse(R"([unmatched]
severity = "P4"
action = "report"
[[rule]]
name = "check-status"
match.column = "status"
outcome.category = "check"
[[rule]]
name = "check-other"
match.column = "telefone"
outcome.category = "other"
)", "check.toml");
  Row t;
  t.status = "cancelada";
  Divergence d = changed(Row{}, t, {1});
  const TableRules both(own, check, kNames, kColumns);
  both.evaluate(d);
  EXPECT_EQ(d.finding.rule, "own-status");
  EXPECT_EQ(d.finding.action, Action::Report);
  const TableRules check_only(RuleSet{}, check, kNames, kColumns);
  EXPECT_TRUE(check_only.configured());
  check_only.evaluate(d);
  EXPECT_EQ(d.finding.rule, "check-status");
  t.ts = "2026-11-23 10:00:01";
  Divergence r = changed(Row{}, t, {3});  // no rule for data_simulacao: [check]'s [unmatched]
  both.evaluate(r);
  EXPECT_EQ(r.finding.rule, "unmatched");
  EXPECT_EQ(r.finding.severity, 4);
  EXPECT_EQ(r.finding.action, Action::Report);
  // The table's own [unmatched] wins over [check]'s.
  const RuleSet own_unmatched = parse("[unmatched]\nseverity = 1\naction = \"escalate\"\n");
  const TableRules with_own(own_unmatched, check, kNames, kColumns);
  with_own.evaluate(r);
  EXPECT_EQ(r.finding.severity, 1);
  EXPECT_EQ(r.finding.action, Action::Escalate);
}

TEST(TableRules, MatchesTablesByAnyOfTheirNames) {
  const RuleSet set = parse(R"([[rule]]
name = "by-source-name"
match.table = "dbo.simul*"
match.column = "status"
outcome.category = "src"
[[rule]]
name = "other-table"
match.table = ["clientes", "grupos"]
match.column = "status"
outcome.category = "other"
)");
  const TableRules tr(set, RuleSet{}, kNames, kColumns);
  Row t;
  t.status = "x";
  Divergence d = changed(Row{}, t, {1});
  tr.evaluate(d);
  EXPECT_EQ(d.finding.rule, "by-source-name");
  const TableRules grupos(set, RuleSet{}, {"grupos"}, kColumns);
  grupos.evaluate(d);
  EXPECT_EQ(d.finding.rule, "other-table");
  const TableRules produtos(set, RuleSet{}, {"produtos"}, kColumns);
  produtos.evaluate(d);
  EXPECT_EQ(d.finding.rule, "unmatched");
  EXPECT_THAT(produtos.explain(d)[0], HasSubstr("no rule applies to table produtos"));
}

TEST(TableRules, MatchesColumnsByGlobTypeAndWhen) {
  const RuleSet set = parse(R"([[rule]]
name = "big-jump"
match.type = "decimal"
match.when = "abs(source - target) >= 100"
outcome.category = "big_jump"
outcome.severity = "P1"
outcome.action = "escalate"
[[rule]]
name = "text-case"
match.column = ["sta*", "tele?one"]
match.type = "text"
interpret.case_insensitive = true
outcome.category = "letter_case"
outcome.action = "tolerate"
[[rule]]
name = "timestamps"
match.type = ["timestamp", "timestamptz"]
interpret.time_tolerance = "1ms"
outcome.category = "clock_drift"
outcome.action = "tolerate"
)");
  const TableRules tr(set, RuleSet{}, kNames, kColumns);
  Row t;
  t.resultado = "250";
  t.status = "APROVADA";
  t.ts = "2026-11-23 10:00:00.0005";
  Divergence d = changed(Row{}, t, {0, 1, 3});
  tr.evaluate(d);
  EXPECT_EQ(d.finding.rule, "big-jump");
  EXPECT_EQ(d.finding.action, Action::Escalate);
  EXPECT_TRUE(d.finding.fix_columns.empty());
  EXPECT_THAT(d.finding.explanation, HasSubstr("resultado: big_jump by 'big-jump' (when `abs(source - target) >= 100`)"));
  EXPECT_THAT(d.finding.explanation, HasSubstr("status: letter_case by 'text-case'"));
  EXPECT_THAT(d.finding.explanation, HasSubstr("data_simulacao: clock_drift by 'timestamps'"));
  t.resultado = "101";  // when is false: no rule
  d = changed(Row{}, t, {0});
  tr.evaluate(d);
  EXPECT_EQ(d.finding.rule, "unmatched");
  const auto lines = tr.explain(d);
  EXPECT_EQ(lines[1], "resultado: rule 'big-jump' (r.toml:1): no — when `abs(source - target) >= 100` is not true");
  EXPECT_EQ(lines[2], "resultado: rule 'text-case' (r.toml:8): no — match.column is sta*, tele?one");
  EXPECT_EQ(lines[3], "resultado: rule 'timestamps' (r.toml:15): no — the column is compared as decimal, match.type is timestamp, timestamptz");
  t = Row{};
  t.telefone = "1199X";
  d = changed(Row{}, t, {2});
  EXPECT_THAT(tr.explain(d)[1], HasSubstr("telefone: rule 'big-jump' (r.toml:1): no — the column is compared as text"));
  EXPECT_THAT(tr.explain(d)[2], HasSubstr("telefone: rule 'text-case' (r.toml:8): no — "));

  // Only the rules that could apply to the column: rejected by value, or matched.
  t = Row{};
  t.resultado = "101";
  d = changed(Row{}, t, {0});
  EXPECT_THAT(tr.explain(d, ExplainDetail::Relevant),
              ElementsAre(HasSubstr("resultado: source "),
                          "resultado: rule 'big-jump' (r.toml:1): no — when `abs(source - target) >= 100` is not true",
                          "resultado: 2 rules about other categories, columns or types left out (--verbose lists them)",
                          HasSubstr("resultado: no rule matched"), HasSubstr("row: ")));
}

TEST(TableRules, NotesRulesNamingColumnsTheTableDoesNotCompare) {
  const RuleSet set = parse(R"([[rule]]
name = "gone-column"
match.column = ["valor_*", "taxa"]
outcome.category = "x"
[[rule]]
name = "fine"
match.column = "status"
outcome.category = "y"
[[rule]]
name = "elsewhere"
match.table = "clientes"
match.column = "email"
outcome.category = "z"
)");
  const TableRules tr(set, RuleSet{}, kNames, kColumns);
  EXPECT_THAT(tr.notes(), ElementsAre("rule 'gone-column' (r.toml:1) names columns that table simulacoes does not "
                                      "compare: valor_*, taxa"));
}

TEST(TableRules, ExplainsMatchesWithTheRulesOutcome) {
  const RuleSet set = parse(kSimulacoes);
  const TableRules tr(set, RuleSet{}, kNames, kColumns);
  Row t;
  t.telefone = "1199  ";
  const auto lines = tr.explain(changed(Row{}, t, {2}));
  EXPECT_THAT(lines, ElementsAre("telefone: source \"1199\" · target \"1199  \"",
                                 "telefone: rule 'resultado-drift' (r.toml:1): no — match.column is resultado",
                                 "telefone: rule 'status-change' (r.toml:10): no — match.column is status",
                                 HasSubstr("telefone: rule 'telefone-spaces' (r.toml:17): yes → trailing_space P4 tolerate ("),
                                 "row: trailing_space P4 tolerate by 'telefone-spaces' → tolerated"));
}

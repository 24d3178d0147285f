// The rules engine's reading in summary.json, metrics.prom and the terminal table.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "recon/report/metrics.hpp"
#include "recon/report/progress.hpp"
#include "recon/report/summary.hpp"
#include "recon/report/terminal.hpp"
#include "recon/core/canonical.hpp"
#include "report_test_support.hpp"

namespace recon {
namespace {

using namespace testing_support;
using ::testing::HasSubstr;
using ::testing::Not;

/// simulacoes after rules and rechecks: 1000 compared, 12 in flight, 1 suspended, 40 converged,
/// 5 tolerated; open: 3 changed (escalate), 1 missing in target (fix); SLO 0.99, met.
RunResult run_with_findings() {
  RunResult r = fake_run();
  TableResult t = table_result("simulacoes", 1000, 983, 1, 0, 3);
  t.in_flight = 12;
  t.suspended = 1;
  t.converged = 40;
  t.tolerated = 5;
  t.escalated = 3;
  t.slo = 0.99;
  t.categories["status_change"] = {3, 1, Action::Escalate, {}, {}};
  t.categories["precision_drift"] = {5, 4, Action::Tolerate, {}, {}};
  t.categories["missing_in_target"] = {1, 2, Action::Fix, {}, {}};
  t.notes = {"rules: column glob 'foo*' matches no column"};
  r.tables.push_back(t);
  r.tables[0].categories["changed"] = {1, 2, Action::Fix, {}, {}};
  r.tables[0].categories["missing_in_source"] = {1, 2, Action::Fix, {}, {}};
  r.tables[0].categories["missing_in_target"] = {1, 2, Action::Fix, {}, {}};
  return r;
}

TEST(FindingsSummaryJson, PerTableAndRunFields) {
  const auto j = nlohmann::json::parse(render_summary_json(run_with_findings()));
  EXPECT_EQ(j["escalated"], 3);
  ASSERT_EQ(j["tables"].size(), 3u);
  const auto& s = j["tables"][2];
  EXPECT_EQ(s["name"], "simulacoes");
  EXPECT_EQ(s["matched"], 983);
  EXPECT_EQ(s["changed"], 3);
  EXPECT_EQ(s["tolerated"], 5);
  EXPECT_EQ(s["in_flight"], 12);
  EXPECT_EQ(s["converged"], 40);
  EXPECT_EQ(s["suspended"], 1);
  EXPECT_EQ(s["escalated"], 3);
  // matched ÷ (rows_compared − in_flight − suspended)
  EXPECT_DOUBLE_EQ(s["consistency_index"].get<double>(), 983.0 / 987.0);
  EXPECT_EQ(s["categories"], nlohmann::json::parse(R"({
      "missing_in_target": {"count": 1, "severity": "P2", "action": "fix", "first_keys": []},
      "precision_drift": {"count": 5, "severity": "P4", "action": "tolerate", "first_keys": []},
      "status_change": {"count": 3, "severity": "P1", "action": "escalate", "first_keys": []}})"));
  EXPECT_EQ(s["open_findings"], 4);
  EXPECT_EQ(s["columns_changed"], nlohmann::json::object());
  EXPECT_EQ(s["notes"], nlohmann::json::array({"rules: column glob 'foo*' matches no column"}));

  // Always present, zero and {} when nothing applies.
  const auto& p = j["tables"][1];
  for (const char* f : {"tolerated", "in_flight", "converged", "suspended", "escalated"}) EXPECT_EQ(p[f], 0) << f;
  EXPECT_TRUE(p["categories"].is_object());
  EXPECT_TRUE(p["categories"].empty());
  EXPECT_FALSE(p.contains("notes"));
  // Run index: Σ matched ÷ Σ (compared − in_flight − suspended).
  EXPECT_DOUBLE_EQ(j["consistency_index"].get<double>(), (9997.0 + 983.0) / (10000.0 + 987.0));
}

std::string int_key(std::int64_t n) {
  std::string k;
  canon::put_integer(k, n);
  return k;
}

std::string text_key(const std::string& t) {
  std::string k;
  canon::put_text(k, t);
  return k;
}

/// simulacoes with keys behind its findings and per-column counts; the run with its paths.
RunResult run_with_keys() {
  RunResult run = run_with_findings();
  run.run_id = "20261203T010000Z-ab12";
  run.audit_db = "/var/lib/recon/audit db.sqlite";
  TableResult& t = run.tables[2];
  t.columns = {"valor_credito", "status", "atualizado_em"};
  t.categories["status_change"].first_keys = {int_key(7), int_key(19), int_key(23)};
  t.categories["missing_in_target"].first_keys = {text_key("it's")};
  t.columns_changed = {{"atualizado_em", 49991}, {"status", 3}};
  return run;
}

TEST(FindingsSummaryJson, FirstKeysExplainCommandColumnsAndOpenFindings) {
  const auto j = nlohmann::json::parse(render_summary_json(run_with_keys()));
  EXPECT_EQ(j["open_findings"], 3 + 4) << "clientes 1 + 1 + 1 open, simulacoes 1 + 3";
  const auto& s = j["tables"][2];
  EXPECT_EQ(s["categories"]["status_change"]["first_keys"], nlohmann::json::parse("[[7], [19], [23]]"));
  EXPECT_EQ(s["categories"]["status_change"]["explain"],
            "recon explain --run 20261203T010000Z-ab12 --audit '/var/lib/recon/audit db.sqlite' --table simulacoes "
            "--key '[7]'");
  EXPECT_THAT(s["categories"]["missing_in_target"]["explain"].get<std::string>(),
              ::testing::EndsWith(" --table simulacoes --key '[\"it'\\''s\"]'"))
      << "a quote inside a key stays one shell word";
  EXPECT_FALSE(s["categories"]["precision_drift"].contains("explain")) << "no key, no command";
  // In compared-column order, only the columns that differ.
  const auto ordered = nlohmann::ordered_json::parse(render_summary_json(run_with_keys()));
  EXPECT_EQ(ordered["tables"][2]["columns_changed"].dump(), R"({"status":3,"atualizado_em":49991})");
}

TEST(FindingsTerminal, KeysAndTheNextCommandUnderEachFinding) {
  const std::string s = render_summary_table(run_with_keys());
  EXPECT_THAT(s, HasSubstr("  P1 critical       simulacoes  status_change      3  escalate\n"
                           "      keys: [7], [19], [23]\n"
                           "      next: recon explain --run 20261203T010000Z-ab12 --audit '/var/lib/recon/audit "
                           "db.sqlite' --table simulacoes --key '[7]'\n"));
  EXPECT_THAT(s, HasSubstr("      keys: [\"it's\"]\n"));
  EXPECT_THAT(s, HasSubstr("\ncolumns changed (rows per column):\n  simulacoes: status 3, atualizado_em 49991\n"));
  RunResult five = run_with_keys();
  auto& c = five.tables[2].categories["status_change"];
  c.count = 6;
  c.first_keys = {int_key(1), int_key(2), int_key(3), int_key(4), int_key(5)};
  EXPECT_THAT(render_summary_table(five), HasSubstr("      keys: [1], [2], [3], [4], [5], …\n")) << "more than shown";
}

TEST(FindingsTerminal, AConsistentRunSaysWhatIsStillOpen) {
  RunResult run = run_with_findings();
  run.status = "consistent";
  run.tables[2].escalated = 0;
  for (TableResult& t : run.tables) t.slo = 0.5;
  EXPECT_THAT(render_summary_table(run), HasSubstr("status: consistent - 7 open findings within the SLO (see findings above)"));
  RunResult clean = fake_run();
  clean.status = "consistent";
  for (TableResult& t : clean.tables) t.missing_in_target = t.missing_in_source = t.changed = 0;
  EXPECT_THAT(render_summary_table(clean), Not(HasSubstr("open finding")));
}

TEST(FindingsMetrics, NewFamiliesAndOldOnesKept) {
  RunResult run = run_with_findings();
  run.tables[2].categories["we\"ird"] = {2, 3, Action::Report, {}, {}};
  const std::string m = render_metrics(run);
  for (const char* family : {"recon_rows_tolerated", "recon_rows_in_flight", "recon_rows_converged",
                             "recon_rows_suspended", "recon_rows_escalated", "recon_findings"}) {
    EXPECT_THAT(m, HasSubstr(std::string("# HELP ") + family + " ")) << family;
    EXPECT_THAT(m, HasSubstr(std::string("# TYPE ") + family + " gauge\n")) << family;
  }
  EXPECT_THAT(m, HasSubstr("recon_rows_tolerated{table=\"simulacoes\",mode=\"full\"} 5\n"));
  EXPECT_THAT(m, HasSubstr("recon_rows_in_flight{table=\"simulacoes\",mode=\"full\"} 12\n"));
  EXPECT_THAT(m, HasSubstr("recon_rows_converged{table=\"simulacoes\",mode=\"full\"} 40\n"));
  EXPECT_THAT(m, HasSubstr("recon_rows_suspended{table=\"simulacoes\",mode=\"full\"} 1\n"));
  EXPECT_THAT(m, HasSubstr("recon_rows_escalated{table=\"simulacoes\",mode=\"full\"} 3\n"));
  EXPECT_THAT(m, HasSubstr("recon_rows_escalated{table=\"produtos\",mode=\"full\"} 0\n"));
  EXPECT_THAT(m, HasSubstr(
                     "recon_findings{table=\"simulacoes\",category=\"status_change\",severity=\"P1\",action=\"escalate\",mode=\"full\"} 3\n"));
  EXPECT_THAT(m, HasSubstr(
                     "recon_findings{table=\"simulacoes\",category=\"precision_drift\",severity=\"P4\",action=\"tolerate\",mode=\"full\"} 5\n"));
  EXPECT_THAT(m, HasSubstr("recon_findings{table=\"simulacoes\",category=\"we\\\"ird\",severity=\"P3\",action=\"report\",mode=\"full\"} 2\n"));
  // Old metrics unchanged in name and labels; the index is TableResult's.
  EXPECT_THAT(m, HasSubstr("recon_divergences{table=\"simulacoes\",category=\"changed\",mode=\"full\"} 3\n"));
  EXPECT_THAT(m, HasSubstr("recon_rows_compared{table=\"simulacoes\",mode=\"full\"} 1000\n"));
  EXPECT_THAT(m, HasSubstr("recon_consistency_index{table=\"simulacoes\",mode=\"full\"} " +
                           std::to_string(983.0 / 987.0).substr(0, 6)));
}

std::vector<std::string> lines_of(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

TEST(FindingsTerminal, SeverityBlockAfterTheTable) {
  RunResult run = run_with_findings();
  run.tables[0].matched = run.tables[0].rows_compared;  // clientes at its SLO, nothing escalated
  const std::string s = render_summary_table(run);
  const auto lines = lines_of(s);
  // The main table is unchanged in shape: header, rule, 3 tables, rule, total.
  ASSERT_GE(lines.size(), 7u) << s;
  EXPECT_THAT(lines[4], HasSubstr("simulacoes"));
  EXPECT_THAT(lines[4], HasSubstr("99.5947 %  ESCALATED"));  // 983 / 987, floored
  EXPECT_THAT(lines[2], HasSubstr("100.0000 %  ok"));
  EXPECT_EQ(lines[7], "");
  EXPECT_EQ(lines[8], "findings by severity:");
  const std::vector<std::string> block(lines.begin() + 9, lines.begin() + 16);
  EXPECT_EQ(block, (std::vector<std::string>{
                       "  P1 critical       simulacoes  status_change      3  escalate",
                       "  P2 high           clientes    changed            1  fix",
                       "  P2 high           clientes    missing_in_source  1  fix",
                       "  P2 high           clientes    missing_in_target  1  fix",
                       "  P2 high           simulacoes  missing_in_target  1  fix",
                       "  P4 informational  simulacoes  precision_drift    5  tolerate",
                       "  simulacoes: 12 in flight, 40 converged, 1 suspended",
                   }))
      << s;
  EXPECT_EQ(lines[16], "");
  EXPECT_THAT(lines[17], HasSubstr("status: divergent - 1 table with escalated divergences; run "));
  EXPECT_EQ(lines.size(), 18u) << s;
}

TEST(FindingsTerminal, BelowWinsOverEscalatedAndNoBlockWithoutFindings) {
  RunResult run = run_with_findings();
  run.tables[2].matched = 900;
  EXPECT_THAT(render_summary_table(run), HasSubstr("BELOW"));
  EXPECT_THAT(render_summary_table(run), Not(HasSubstr("ESCALATED")));
  EXPECT_THAT(render_summary_table(run), HasSubstr("2 of 3 tables below SLO, 1 table with escalated divergences"));
  EXPECT_THAT(render_summary_table(fake_run()), Not(HasSubstr("findings by severity")));

  RunResult no_rules = fake_run();  // every divergence is P2 fix: the label column keeps its width
  no_rules.tables[0].categories["changed"] = {1, 2, Action::Fix, {}, {}};
  EXPECT_THAT(render_summary_table(no_rules), HasSubstr("\n  P2 high           clientes  changed  1  fix\n"));

  RunResult rechecks_only = fake_run();
  rechecks_only.tables[1].converged = 2;
  const std::string s = render_summary_table(rechecks_only);
  EXPECT_THAT(s, HasSubstr("findings by severity:\n  produtos: 0 in flight, 2 converged, 0 suspended\n\nstatus:"));
}

TEST(FindingsTerminal, SeverityLabels) {
  EXPECT_EQ(severity_label(1), "P1 critical");
  EXPECT_EQ(severity_label(2), "P2 high");
  EXPECT_EQ(severity_label(3), "P3 medium");
  EXPECT_EQ(severity_label(4), "P4 informational");
  EXPECT_EQ(severity_label(7), "P7");
}

}  // namespace
}  // namespace recon

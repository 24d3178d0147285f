// summary.json, metrics.prom and the terminal table.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "recon/report/metrics.hpp"
#include "recon/report/progress.hpp"
#include "recon/report/summary.hpp"
#include "recon/report/terminal.hpp"
#include "report_test_support.hpp"

namespace recon {
namespace {

using namespace testing_support;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(SummaryJson, HasTheContractFieldsAndValues) {
  TempDir dir;
  RunResult run = fake_run();
  run.tables[0].partial = true;
  run.tables[0].error = "lost postgresql://u:pw@h/db";
  write_summary(dir.path, run);
  EXPECT_FALSE(std::filesystem::exists(dir.path / "summary.json.tmp"));
  const auto j = nlohmann::json::parse(slurp(dir.path / "summary.json"));

  for (const char* f : {"run_id", "started_at", "finished_at", "mode", "status", "slo", "consistency_index", "tables"})
    EXPECT_TRUE(j.contains(f)) << f;
  EXPECT_EQ(j["run_id"], "20261123T101500Z-3f9a");
  EXPECT_EQ(j["started_at"], "2026-11-23T10:15:00Z");
  EXPECT_EQ(j["finished_at"], "2026-11-23T10:15:42Z");
  EXPECT_EQ(j["mode"], "full");
  EXPECT_EQ(j["status"], "divergent");
  EXPECT_DOUBLE_EQ(j["slo"].get<double>(), 0.9999);
  EXPECT_TRUE(j["consistency_index"].is_null()) << "a table not wholly compared: no run index (never a false all-clear)";
  EXPECT_FALSE(j.contains("error"));
  EXPECT_EQ(j["seed"], 0);
  EXPECT_DOUBLE_EQ(j["sample_rate"].get<double>(), 1.0);

  ASSERT_EQ(j["tables"].size(), 2u);
  const auto& t = j["tables"][0];
  for (const char* f : {"name", "source", "target", "rows_source", "rows_target", "rows_compared", "matched",
                        "missing_in_target", "missing_in_source", "changed", "consistency_index", "fixup_sql"})
    EXPECT_TRUE(t.contains(f)) << f;
  EXPECT_EQ(t["name"], "clientes");
  EXPECT_EQ(t["kind"], "table");
  EXPECT_EQ(t["source"], "dbo.clientes");
  EXPECT_EQ(t["target"], "public.clientes");
  EXPECT_EQ(t["rows_source"], 9999);
  EXPECT_EQ(t["rows_target"], 9999);
  EXPECT_EQ(t["rows_compared"], 10000);
  EXPECT_EQ(t["matched"], 9997);
  EXPECT_EQ(t["missing_in_target"], 1);
  EXPECT_EQ(t["missing_in_source"], 1);
  EXPECT_EQ(t["changed"], 1);
  EXPECT_TRUE(t["consistency_index"].is_null()) << "partial: no index";
  EXPECT_EQ(t["fixup_sql"], "fixup/clientes.sql");
  EXPECT_EQ(t["partial"], true);
  EXPECT_EQ(t["error"], "lost postgresql://u:***@h/db");
  EXPECT_EQ(t["ranges_total"], 4);
  EXPECT_EQ(t["columns"], nlohmann::json::array({"nome", "saldo"}));
  // Nothing to compare (an empty table, wholly compared): index 1.0 (docs/cli.md), no "error".
  EXPECT_DOUBLE_EQ(j["tables"][1]["consistency_index"].get<double>(), 1.0);
  EXPECT_FALSE(j["tables"][1].contains("error"));

  run.tables[0].partial = false;
  const auto whole = nlohmann::json::parse(render_summary_json(run));
  EXPECT_DOUBLE_EQ(whole["consistency_index"].get<double>(), 9997.0 / 10000.0);
  EXPECT_DOUBLE_EQ(whole["tables"][0]["consistency_index"].get<double>(), 0.9997);
}

TEST(SummaryJson, InterruptedResumedAndUnrecordedAreSaid) {
  RunResult run = fake_run();
  run.status = "interrupted";
  run.resumed = true;
  run.tables[0].divergences_unrecorded = 5;
  const auto j = nlohmann::json::parse(render_summary_json(run));
  EXPECT_EQ(j["status"], "interrupted");
  EXPECT_EQ(j["resumed"], true);
  EXPECT_EQ(j["tables"][0]["divergences_unrecorded"], 5);
  EXPECT_FALSE(j["tables"][1].contains("divergences_unrecorded"));
  const std::string m = render_metrics(run);
  EXPECT_THAT(m, HasSubstr("recon_run_status{status=\"interrupted\",mode=\"full\"} 1\n"));
  EXPECT_THAT(m, HasSubstr("recon_run_success{mode=\"full\"} 0\n"));
  EXPECT_THAT(render_summary_table(run), HasSubstr("note: clientes: 5 divergences beyond [check].max_divergences"));
}

TEST(Metrics, APartialTableHasNoIndexAndSaysPartial) {
  RunResult run = fake_run();
  run.tables[0].partial = true;
  const std::string m = render_metrics(run);
  EXPECT_THAT(m, Not(HasSubstr("recon_consistency_index{table=\"clientes\",mode=\"full\"}")));
  EXPECT_THAT(m, HasSubstr("recon_table_partial{table=\"clientes\",mode=\"full\"} 1\n"));
  EXPECT_THAT(m, Not(HasSubstr("\nrecon_run_consistency_index ")));
  run.tables[0].partial = false;
  EXPECT_THAT(render_metrics(run), HasSubstr("recon_run_success{mode=\"full\"} 1\n"));
  EXPECT_THAT(render_metrics(run), HasSubstr("\nrecon_run_consistency_index{mode=\"full\"} 0.9997\n"));
}

TEST(Metrics, TheAuditChainHeadWhenKnown) {
  RunResult run = fake_run();
  EXPECT_THAT(render_metrics(run), Not(HasSubstr("recon_audit_chain")));
  EXPECT_THAT(render_summary_json(run), Not(HasSubstr("audit_chain")));
  run.audit_chain = AuditChainAnchor{812, "9f2c" + std::string(60, '0')};
  const std::string m = render_metrics(run);
  EXPECT_THAT(m, HasSubstr("\nrecon_audit_chain_records{mode=\"full\"} 812\n"));
  EXPECT_THAT(m, HasSubstr("\nrecon_audit_chain_head_info{sha256=\"9f2c" + std::string(60, '0') + "\",mode=\"full\"} 1\n"));
  EXPECT_THAT(render_summary_json(run), HasSubstr("\"audit_chain\": {\n    \"seq\": 812,\n    \"sha256\": \"9f2c"));
}

TEST(Metrics, TextFormat) {
  RunResult run = fake_run();
  run.tables[1].name = "we\"ird\\name\n";
  const std::string m = render_metrics(run);
  EXPECT_THAT(m, HasSubstr("# HELP recon_consistency_index "));
  EXPECT_THAT(m, HasSubstr("# TYPE recon_consistency_index gauge\n"));
  EXPECT_THAT(m, HasSubstr("recon_consistency_index{table=\"clientes\",mode=\"full\"} 0.9997\n"));
  EXPECT_THAT(m, HasSubstr("recon_consistency_index{table=\"we\\\"ird\\\\name\\n\",mode=\"full\"} 1\n"));
  EXPECT_THAT(m, HasSubstr("# TYPE recon_rows_compared gauge\n"));
  EXPECT_THAT(m, HasSubstr("recon_rows_compared{table=\"clientes\",mode=\"full\"} 10000\n"));
  EXPECT_THAT(m, HasSubstr("# TYPE recon_divergences gauge\n"));
  EXPECT_THAT(m, HasSubstr("recon_divergences{table=\"clientes\",category=\"missing_in_target\",mode=\"full\"} 1\n"));
  EXPECT_THAT(m, HasSubstr("recon_divergences{table=\"clientes\",category=\"changed\",mode=\"full\"} 1\n"));
  EXPECT_THAT(m, HasSubstr("recon_run_duration_seconds{mode=\"full\"} 42\n"));
  EXPECT_THAT(m, HasSubstr("recon_last_run_timestamp_seconds{mode=\"full\"} 1795428942\n"));
  EXPECT_THAT(m, HasSubstr("recon_run_status{status=\"divergent\",mode=\"full\"} 1\n"));
  EXPECT_THAT(m, HasSubstr("recon_run_status{status=\"consistent\",mode=\"full\"} 0\n"));
  // Each family's HELP and TYPE appear exactly once.
  std::size_t pos = 0, n = 0;
  while ((pos = m.find("# TYPE recon_divergences ", pos)) != std::string::npos) ++n, ++pos;
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(m.back(), '\n');

  TempDir dir;
  write_metrics(dir.path, run);
  EXPECT_EQ(slurp(dir.path / "metrics.prom"), m);
}

TEST(Terminal, IndexIsFlooredPercent) {
  EXPECT_EQ(format_index_percent(99987, 100000), "99.9870 %");
  EXPECT_EQ(format_index_percent(9999999, 10000000), "99.9999 %");  // never rounds up to 100
  EXPECT_EQ(format_index_percent(5, 5), "100.0000 %");
  EXPECT_EQ(format_index_percent(0, 0), "100.0000 %");
  EXPECT_EQ(format_index_percent(0, 7), "0.0000 %");
}

TEST(Terminal, SummaryTableIsAligned) {
  RunResult run = fake_run();
  run.tables[1].partial = true;
  const std::string s = render_summary_table(run);
  std::istringstream in(s);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 7u) << s;
  EXPECT_THAT(lines[0], HasSubstr("table     rows source  rows target  matched  missing in target"));
  EXPECT_THAT(lines[2], HasSubstr("clientes"));
  EXPECT_THAT(lines[2], HasSubstr("99.9700 %  BELOW"));
  EXPECT_THAT(lines[3], HasSubstr(" -  PARTIAL")) << "a partial table shows no index";
  EXPECT_THAT(lines[5], HasSubstr("total"));
  EXPECT_THAT(lines[5], HasSubstr(" -")) << "nor does the total when a table is partial";
  EXPECT_THAT(lines[6], HasSubstr("status: divergent - 1 of 2 tables below SLO, 1 partial; run 20261123T101500Z-3f9a, 42.0 s"));
  // The index column ends at the same position on every data line.
  EXPECT_EQ(lines[2].find(" %  BELOW") + 2, lines[3].find("-  PARTIAL") + 1);
  run.tables[1].partial = false;
  const std::string whole = render_summary_table(run);
  EXPECT_THAT(whole, HasSubstr("100.0000 %  ok"));
  EXPECT_THAT(whole, HasSubstr("99.9700 %\n"));
}

TEST(Progress, FormatAndHumanCounts) {
  EXPECT_EQ(ProgressLine::human_count(999), "999");
  EXPECT_EQ(ProgressLine::human_count(1234), "1.2k");
  EXPECT_EQ(ProgressLine::human_count(850000), "850k");
  EXPECT_EQ(ProgressLine::human_count(1200000), "1.2M");
  EXPECT_EQ(ProgressLine::format("simulacoes", 12, 40, 1200000, 1.0 * 1200000 / 850000),
            "simulacoes: ranges 12/40  1.2M rows  850k rows/s  ETA 0:03");
  EXPECT_EQ(ProgressLine::format("t", 0, 40, 0, 0), "t: ranges 0/40  0 rows  ETA --:--");
  EXPECT_EQ(ProgressLine::format("t", 10, 40, 100, 10), "t: ranges 10/40  100 rows  10 rows/s  ETA 0:30");
}

TEST(Progress, HeartbeatLinesAreWholeAndSpaced) {
  std::ostringstream out;
  double now = 100;
  {
    ProgressLine p(false, out, [&] { return now; });  // stderr is a log, not a terminal
    p.set_heartbeat(10, false);
    p.update("t", 1, 40, 10);  // starts the clock
    now += 4;
    p.update("t", 2, 40, 20, /*force=*/true);  // inside the interval: nothing, even forced
    now += 6;
    p.update("t", 10, 40, 1000);  // 10 s: a line
    now += 1;
    p.update("t", 11, 40, 1100);
  }
  EXPECT_EQ(out.str(), "recon: progress t: ranges 10/40  1.0k rows  100 rows/s  ETA 0:30\n") << "no \\r, nothing erased";

  const nlohmann::json j = nlohmann::json::parse(
      ProgressLine::heartbeat_text("simulacoes", 12, 40, 1200, 12, "ranges", /*json=*/true, 1796300000));
  EXPECT_EQ(j["event"], "progress");
  EXPECT_EQ(j["time"], "2026-12-03T12:13:20Z");
  EXPECT_EQ(j["table"], "simulacoes");
  EXPECT_EQ(j["done"], 12);
  EXPECT_EQ(j["total"], 40);
  EXPECT_EQ(j["rows_per_s"], 100);
  EXPECT_EQ(j["eta_s"], 28);
  EXPECT_TRUE(nlohmann::json::parse(ProgressLine::heartbeat_text("t", 40, 40, 1, 1, "ranges", true, 0))["eta_s"].is_null());
}

TEST(Progress, ThrottledAndCleared) {
  std::ostringstream out;
  double now = 100;
  {
    ProgressLine p(true, out, [&] { return now; });
    p.update("t", 1, 4, 10);   // draws
    now += 0.1;
    p.update("t", 2, 4, 20);   // throttled
    now += 0.15;
    p.update("t", 3, 4, 30);   // draws
    p.update("t", 4, 4, 40, /*force=*/true);
  }  // destructor clears
  const std::string s = out.str();
  EXPECT_THAT(s, HasSubstr("\rt: ranges 1/4"));
  EXPECT_THAT(s, Not(HasSubstr("ranges 2/4")));
  EXPECT_THAT(s, HasSubstr("\rt: ranges 3/4"));
  EXPECT_THAT(s, HasSubstr("\rt: ranges 4/4"));
  EXPECT_EQ(s.back(), '\r');  // erased at the end

  std::ostringstream quiet;
  {
    ProgressLine p(false, quiet, [] { return 0.0; });
    p.update("t", 1, 4, 10, true);
  }
  EXPECT_TRUE(quiet.str().empty());
}

}  // namespace
}  // namespace recon

// report.html rendered from a RunResult and trends: escaping, findings by severity, the run's and
// tables' numbers, partial tables, and the trend chart's points.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <regex>
#include <string>

#include <fmt/format.h>

#include "recon/core/canonical.hpp"
#include "recon/report/html_report.hpp"

namespace recon {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string int_key(std::int64_t id) {
  std::string k;
  canon::put_integer(k, id);
  return k;
}

std::string text_key(const char* s) {
  std::string k;
  canon::put_text(k, s);
  return k;
}

TableResult simulacoes() {
  TableResult t;
  t.name = "simulacoes";
  t.source = "dbo.Simulacoes";
  t.target = "public.simulacoes";
  t.rows_source = 20000;
  t.rows_target = 19999;
  t.rows_compared = 20000;
  t.matched = 19990;
  t.missing_in_target = 3;
  t.missing_in_source = 2;
  t.changed = 4;
  t.tolerated = 7;
  t.in_flight = 1;
  t.slo = 0.999;
  t.columns = {"nome", "resultado", "status"};
  t.columns_changed = {{"status", 1}, {"resultado", 11}};
  t.categories["precision_drift"] = {7, 4, Action::Tolerate, {int_key(5)}, {}};
  t.categories["status_change"] = {1, 1, Action::Escalate, {int_key(42)}, {}};
  t.categories["changed"] = {3, 2, Action::Fix, {int_key(7), int_key(8)}, {}};
  t.categories["missing_in_target"] = {3, 2, Action::Fix, {int_key(11)}, {}};
  t.escalated = 1;
  t.fixup_sql = "fixup/simulacoes.sql";
  t.notes = {"column <legacy> only in source: not compared"};
  return t;
}

RunResult sample_run() {
  RunResult run;
  run.run_id = "20261203T010000Z-ab12";
  run.started_at = "2026-12-03T01:00:00Z";
  run.finished_at = "2026-12-03T01:02:10Z";
  run.status = "divergent";
  run.slo = 0.999;
  run.audit_db = "/var/lib/recon/audit.db";
  run.tables = {simulacoes()};
  return run;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(HtmlReport, RunAndTableNumbers) {
  const std::string html = render_report_html(sample_run(), {});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_THAT(html, HasSubstr("<span id=\"run-id\">20261203T010000Z-ab12</span>"));
  EXPECT_THAT(html, HasSubstr("<dd id=\"run-status\">divergent</dd>"));
  EXPECT_THAT(html, HasSubstr("<dd id=\"run-mode\">full</dd>"));
  // 19990 of 20000 - 1 in flight: 99.9549… % rounded down.
  EXPECT_THAT(html, HasSubstr("<dd id=\"run-index\">99.9549 %</dd>"));
  EXPECT_THAT(html, HasSubstr("<dd id=\"run-slo\">99.9000 %</dd>"));
  EXPECT_THAT(html, HasSubstr("<dd id=\"run-open-findings\">9</dd>"));
  EXPECT_THAT(html, HasSubstr("data-count=\"rows_source\">20000<"));
  EXPECT_THAT(html, HasSubstr("data-count=\"missing_in_target\">3<"));
  EXPECT_THAT(html, HasSubstr("data-count=\"missing_in_source\">2<"));
  EXPECT_THAT(html, HasSubstr("data-count=\"changed\">4<"));
  EXPECT_THAT(html, HasSubstr("data-count=\"tolerated\">7<"));
  EXPECT_THAT(html, HasSubstr("data-count=\"in_flight\">1<"));
  EXPECT_THAT(html, HasSubstr("<strong class=\"table-index\">99.9549 %</strong>"));
  EXPECT_THAT(html, HasSubstr("<code class=\"fixup\">fixup/simulacoes.sql</code>"));
  EXPECT_THAT(html, HasSubstr("no recorded runs")) << "no trend given";
  EXPECT_THAT(html, Not(HasSubstr("run-interval")));
  for (const char* outside : {"http://", "https://", "<script", "<link", "@import", "url("})
    EXPECT_THAT(html, Not(HasSubstr(outside))) << "self-contained";
}

TEST(HtmlReport, FindingsBySeverityWithKeysAndTheExplainCommand) {
  const std::string html = render_report_html(sample_run(), {});
  const std::size_t p1 = html.find("data-category=\"status_change\""), p2a = html.find("data-category=\"changed\""),
                    p2b = html.find("data-category=\"missing_in_target\""),
                    p4 = html.find("data-category=\"precision_drift\"");
  ASSERT_NE(p1, std::string::npos);
  ASSERT_NE(p4, std::string::npos);
  EXPECT_LT(p1, p2a);
  EXPECT_LT(p2a, p2b) << "same severity: by category";
  EXPECT_LT(p2b, p4);
  EXPECT_THAT(html, HasSubstr("data-severity=\"P1\"><td>P1 critical</td><td>status_change</td><td class=\"num\">1</td>"
                              "<td>escalate</td><td><code class=\"key\">[42]</code></td>"));
  EXPECT_THAT(html, HasSubstr("<code class=\"key\">[7]</code>, <code class=\"key\">[8]</code>"));
  EXPECT_THAT(html, HasSubstr("<code class=\"explain\">recon explain --run 20261203T010000Z-ab12 --audit "
                              "/var/lib/recon/audit.db --table simulacoes --key &#39;[42]&#39;</code>"))
      << "the shell-quoted command, escaped";
  // Per-column counts in compared-column order.
  const std::size_t resultado = html.find("data-column=\"resultado\"><td>resultado</td><td class=\"num\">11</td>");
  const std::size_t status = html.find("data-column=\"status\"><td>status</td><td class=\"num\">1</td>");
  ASSERT_NE(resultado, std::string::npos);
  ASSERT_NE(status, std::string::npos);
  EXPECT_LT(resultado, status);
  EXPECT_THAT(html, HasSubstr("<h2>simulacoes <span class=\"badge escalated\">ESCALATED</span></h2>"))
      << "above its SLO, with an escalated divergence";
}

TEST(HtmlReport, EveryTextFromTheRunIsEscaped) {
  EXPECT_EQ(html_escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  RunResult run = sample_run();
  run.run_id = "r<1>";
  TableResult& t = run.tables[0];
  t.name = "t\"<script>alert('x')</script>";
  t.categories = {{"cat<&>", {1, 2, Action::Fix, {text_key("<k'&\">")}, {}}}};
  t.columns = {"col<1>"};
  t.columns_changed = {{"col<1>", 1}};
  t.partial = true;
  t.error = "target: <error> & more";
  run.error = "boom <here>";
  const std::string html = render_report_html(run, {TableTrend{t.name, {{"r<1>", "2026-12-03T01:00:00Z", "full",
                                                                         "error", std::nullopt, true}}}});
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, Not(HasSubstr("<k'")));
  EXPECT_THAT(html, Not(HasSubstr("r<1>")));
  EXPECT_THAT(html, HasSubstr("data-table=\"t&quot;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\""));
  EXPECT_THAT(html, HasSubstr("<code class=\"key\">[&quot;&lt;k&#39;&amp;\\&quot;&gt;&quot;]</code>"));
  EXPECT_THAT(html, HasSubstr("data-category=\"cat&lt;&amp;&gt;\""));
  EXPECT_THAT(html, HasSubstr("data-column=\"col&lt;1&gt;\""));
  EXPECT_THAT(html, HasSubstr("<p class=\"table-error\">partial: target: &lt;error&gt; &amp; more</p>"));
  EXPECT_THAT(html, HasSubstr("boom &lt;here&gt;"));
  // A partial table and a failed run have no index: never a false all-clear.
  EXPECT_THAT(html, HasSubstr("<dd id=\"run-index\">-</dd>"));
  EXPECT_THAT(html, HasSubstr("<strong class=\"table-index\">-</strong>"));
}

TEST(HtmlReport, SampledRunsShowTheirInterval) {
  RunResult run = sample_run();
  run.mode = "sample";
  run.sample = IndexInterval{0.625, 0.5, 0.75, 0.95, "stratified"};
  const std::string html = render_report_html(run, {});
  EXPECT_THAT(html, HasSubstr("<dd id=\"run-interval\">[50.0000 %, 75.0000 %] at 95 %</dd>"));
}

TableTrend trend_of(const std::vector<std::optional<double>>& indexes) {
  TableTrend t{"simulacoes", {}};
  for (std::size_t i = 0; i < indexes.size(); ++i)
    t.points.push_back({"run" + std::to_string(i), fmt::format("2026-11-{:02}T01:00:00Z", i + 1), "full",
                        indexes[i] ? "consistent" : "error", indexes[i], !indexes[i]});
  return t;
}

TEST(HtmlReport, TrendChartOnePointPerRunGapsForPartialRunsThisRunHighlighted) {
  const TableTrend t = trend_of({0.9995, 0.9991, std::nullopt, 1.0, 0.9993});
  const std::string svg = render_trend_svg(t, 0.999, "run4");
  EXPECT_THAT(svg, HasSubstr("<svg class=\"trend-chart\" data-table=\"simulacoes\" data-points=\"5\""));
  EXPECT_EQ(count(svg, "<circle"), 5u);
  EXPECT_EQ(count(svg, "class=\"point gap\""), 1u);
  EXPECT_EQ(count(svg, "class=\"point current\""), 1u);
  EXPECT_THAT(svg, HasSubstr("data-run=\"run4\""));
  EXPECT_THAT(svg, HasSubstr("<title>run4 · 2026-11-05T01:00:00Z · 99.9300 % · consistent · this run</title>"));
  EXPECT_THAT(svg, HasSubstr("<title>run2 · 2026-11-03T01:00:00Z · no index (partial) · error</title>"));
  EXPECT_EQ(count(svg, "<polyline"), 2u) << "the partial run breaks the line";
  EXPECT_EQ(count(svg, "class=\"slo\""), 1u);
  EXPECT_THAT(svg, HasSubstr("SLO 99.9000 %"));
  EXPECT_THAT(svg, HasSubstr(">2026-11-01</text>"));
  EXPECT_THAT(svg, HasSubstr(">2026-11-05</text>"));
  // The axis covers the data and the SLO: every point's cy is inside the plot.
  const std::regex cy("cy=\"([0-9.]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), cy); it != std::sregex_iterator(); ++it) {
    const double y = std::stod((*it)[1]);
    EXPECT_GE(y, 14.0);
    EXPECT_LE(y, 200.0);
  }
  EXPECT_EQ(render_trend_svg(TableTrend{"x", {}}, 0.999, "r"), "");
}

TEST(HtmlReport, TrendChartLabelsFewDatesAndTheReportEmbedsIt) {
  std::vector<std::optional<double>> thirty(30, 1.0);
  const TableTrend t = trend_of(thirty);
  const std::string svg = render_trend_svg(t, 1.0, "run29");
  EXPECT_EQ(count(svg, "<circle"), 30u);
  EXPECT_LE(count(svg, "class=\"x-label\""), 7u);
  EXPECT_THAT(svg, HasSubstr(">2026-11-30</text>")) << "the last run is always labelled";
  TableTrend one_day{"simulacoes", {{"a", "2026-12-03T01:00:00Z", "full", "consistent", 1.0, false},
                                     {"b", "2026-12-03T13:30:05Z", "full", "consistent", 1.0, false}}};
  EXPECT_THAT(render_trend_svg(one_day, 0.999, "b"), HasSubstr(">13:30:05</text>")) << "one day: the times";
  const std::string html = render_report_html(sample_run(), {t});
  EXPECT_THAT(html, HasSubstr("<h3>index over the last 30 runs</h3>"));
  EXPECT_EQ(count(html, "<circle"), 30u);
}

}  // namespace
}  // namespace recon

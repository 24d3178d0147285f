// report.html: the run, its tables' counts, findings by severity, changed columns and index trends,
// in one file with inline CSS and SVG (the chart is html_chart.cpp).
#include "recon/report/html_report.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "recon/core/canonical.hpp"
#include "recon/core/errors.hpp"
#include "recon/report/explain_command.hpp"
#include "recon/report/output_file.hpp"
#include "recon/report/terminal.hpp"

namespace recon {
namespace {

/// System fonts only: nothing is fetched.
constexpr const char* kStyle = R"css(
:root { color-scheme: light; --ok: #1b7f3b; --bad: #b42318; --warn: #b54708; --muted: #667085; --line: #d0d5dd; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif;
       margin: 24px auto; max-width: 1100px; padding: 0 16px; color: #101828; background: #fff; }
code, .key, .explain { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.9em; }
h1 { font-size: 1.5em; margin: 0 0 8px; } h2 { margin: 32px 0 4px; font-size: 1.25em; } h3 { font-size: 1em; margin: 18px 0 6px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 12px 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 6px 0; } th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { font-weight: 600; background: #f9fafb; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; color: #fff; background: var(--muted); }
.badge.consistent, .badge.ok { background: var(--ok); } .badge.divergent, .badge.below, .badge.escalated { background: var(--bad); }
.badge.error, .badge.interrupted, .badge.partial { background: var(--warn); }
.sev-1 td:first-child { color: var(--bad); font-weight: 700; } .sev-2 td:first-child { color: var(--warn); font-weight: 600; }
.table-error, .run-error { color: var(--bad); } .muted { color: var(--muted); }
section.table-report { border-top: 2px solid var(--line); }
svg.trend-chart { max-width: 100%; height: auto; background: #fcfcfd; border: 1px solid var(--line); }
svg .axis { stroke: #98a2b3; stroke-width: 1; } svg .grid { stroke: #eaecf0; stroke-width: 1; }
svg .slo { stroke: var(--bad); stroke-width: 1; stroke-dasharray: 6 4; } svg text { font-size: 11px; fill: #475467; }
svg .line { fill: none; stroke: #2e90fa; stroke-width: 2; } svg .point { fill: #2e90fa; stroke: #fff; stroke-width: 1; }
svg .point.current { fill: #f79009; stroke: #101828; stroke-width: 1.5; } svg .point.gap { fill: #fff; stroke: var(--warn); stroke-width: 2; }
)css";

std::string esc(std::string_view s) { return html_escape(s); }

/// "ok" | "PARTIAL" | "BELOW" | "ESCALATED", as the terminal table says it.
std::string table_verdict(const TableResult& t) {
  if (t.partial) return "PARTIAL";
  if (t.slo_index() < t.slo) return "BELOW";
  if (t.escalated > 0) return "ESCALATED";
  return "ok";
}

std::string badge(const std::string& text) {
  std::string cls = text;
  std::transform(cls.begin(), cls.end(), cls.begin(), [](unsigned char c) { return std::tolower(c); });
  return fmt::format(R"(<span class="badge {}">{}</span>)", esc(cls), esc(text));
}

std::string interval_text(const IndexInterval& i) {
  return fmt::format("[{}, {}] at {:g} %", percent_floor(i.lower), percent_floor(i.upper), i.confidence * 100);
}

std::string run_header(const RunResult& run) {
  std::int64_t matched = 0, denominator = 0, open = 0;
  for (const TableResult& t : run.tables) {
    matched += t.matched;
    denominator += t.index_denominator();
    open += t.open_findings();
  }
  const bool reported = run.reported_index().has_value();
  std::string out = fmt::format("<header>\n<h1>recon run <span id=\"run-id\">{}</span> {}</h1>\n<dl class=\"facts\">\n",
                                esc(run.run_id), badge(run.status));
  auto fact = [&out](const char* id, const char* label, const std::string& html) {
    out += fmt::format("<dt>{}</dt><dd id=\"{}\">{}</dd>\n", label, id, html);
  };
  fact("run-status", "status", esc(run.status));
  fact("run-mode", "mode", esc(run.mode) + (run.resumed ? " (resumed)" : ""));
  fact("run-started", "started", esc(run.started_at));
  fact("run-finished", "finished", esc(run.finished_at));
  fact("run-index", "consistency index", reported ? format_index_percent(matched, denominator) : "-");
  if (run.sample) fact("run-interval", "interval", interval_text(*run.sample));
  fact("run-slo", "SLO", percent_floor(run.slo));
  fact("run-open-findings", "open findings", std::to_string(open));
  if (!run.error.empty()) fact("run-error", "error", "<span class=\"run-error\">" + esc(redact_secrets(run.error)) + "</span>");
  if (!run.job_file.empty()) fact("run-job", "job", "<code>" + esc(run.job_file) + "</code>");
  if (!run.audit_db.empty()) fact("run-audit", "audit DB", "<code>" + esc(run.audit_db) + "</code>");
  return out + "</dl>\n</header>\n";
}

/// One line per table: where to look first.
std::string overview(const RunResult& run) {
  std::string out = "<section id=\"overview\">\n<h2>tables</h2>\n<table>\n<thead><tr><th>table</th><th>index</th>"
                    "<th>SLO</th><th>open findings</th><th></th></tr></thead>\n<tbody>\n";
  for (const TableResult& t : run.tables)
    out += fmt::format("<tr data-table=\"{}\"><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td>{}</td></tr>\n",
                       esc(t.name), esc(t.name),
                       t.partial ? "-" : format_index_percent(t.matched, t.index_denominator()),
                       percent_floor(t.slo), t.open_findings(), badge(table_verdict(t)));
  return out + "</tbody>\n</table>\n</section>\n";
}

std::string counts_table(const TableResult& t) {
  const std::pair<const char*, std::int64_t> counts[] = {
      {"rows_source", t.rows_source},   {"rows_target", t.rows_target},
      {"rows_compared", t.rows_compared}, {"matched", t.matched},
      {"missing_in_target", t.missing_in_target}, {"missing_in_source", t.missing_in_source},
      {"changed", t.changed},           {"tolerated", t.tolerated},
      {"in_flight", t.in_flight},       {"converged", t.converged},
      {"suspended", t.suspended},       {"escalated", t.escalated},
      {"open_findings", t.open_findings()}};
  std::string out = "<table class=\"counts\">\n<tbody>\n";
  for (const auto& [name, value] : counts)
    out += fmt::format("<tr><th>{}</th><td class=\"num\" data-count=\"{}\">{}</td></tr>\n", name, name, value);
  return out + "</tbody>\n</table>\n";
}

/// The table's finding categories, P1 first (then by name), with their first keys and next step.
std::string findings_table(const RunResult& run, const TableResult& t) {
  if (t.categories.empty()) return "<p class=\"muted\">no findings</p>\n";
  std::vector<std::pair<std::string, const TableResult::CategoryCount*>> rows;
  for (const auto& [name, c] : t.categories) rows.emplace_back(name, &c);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second->severity < b.second->severity; });
  std::string out = "<table class=\"findings\">\n<thead><tr><th>severity</th><th>category</th><th>count</th>"
                    "<th>action</th><th>first keys</th><th>next</th></tr></thead>\n<tbody>\n";
  for (const auto& [name, c] : rows) {
    std::string keys;
    for (const std::string& k : c->first_keys)
      keys += (keys.empty() ? "" : ", ") + ("<code class=\"key\">" + esc(canon::key_to_json(k)) + "</code>");
    const std::string next =
        c->first_keys.empty() ? "" : "<code class=\"explain\">" + esc(explain_command(run, t.name, c->key_to_explain())) + "</code>";
    out += fmt::format("<tr class=\"finding sev-{}\" data-category=\"{}\" data-severity=\"P{}\"><td>{}</td><td>{}</td>"
                       "<td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       c->severity, esc(name), c->severity, esc(severity_label(c->severity)), esc(name), c->count,
                       action_name(c->action), keys, next);
  }
  return out + "</tbody>\n</table>\n";
}

/// Per-column counts of changed rows, in compared-column order, then any column not compared.
std::string columns_table(const TableResult& t) {
  if (t.columns_changed.empty()) return "<p class=\"muted\">no column differs</p>\n";
  std::vector<std::pair<std::string, std::int64_t>> rows;
  for (const std::string& column : t.columns)
    if (auto it = t.columns_changed.find(column); it != t.columns_changed.end()) rows.emplace_back(column, it->second);
  for (const auto& [column, count] : t.columns_changed)
    if (std::find(t.columns.begin(), t.columns.end(), column) == t.columns.end()) rows.emplace_back(column, count);
  std::string out = "<table class=\"columns-changed\">\n<thead><tr><th>column</th><th>rows changed</th></tr></thead>\n<tbody>\n";
  for (const auto& [column, count] : rows)
    out += fmt::format("<tr class=\"column-changed\" data-column=\"{}\"><td>{}</td><td class=\"num\">{}</td></tr>\n",
                       esc(column), esc(column), count);
  return out + "</tbody>\n</table>\n";
}

std::string trend_block(const RunResult& run, const TableResult& t, const std::vector<TableTrend>& trends) {
  const auto it = std::find_if(trends.begin(), trends.end(), [&t](const TableTrend& x) { return x.table == t.name; });
  std::string svg;
  if (it != trends.end()) {
    // The run's own point shows the index this report shows: after a recheck refreshed the run,
    // the refreshed one (the audit DB keeps the run's as found).
    TableTrend trend = *it;
    for (TrendPoint& p : trend.points)
      if (p.run_id == run.run_id) p.index = t.reported_index();
    svg = render_trend_svg(trend, t.slo, run.run_id);
  }
  if (svg.empty()) return "<h3>index over recent runs</h3>\n<p class=\"muted trend-empty\">no recorded runs</p>\n";
  return fmt::format("<h3>index over the last {} runs</h3>\n<figure class=\"trend\">\n{}</figure>\n",
                     it->points.size(), svg);
}

std::string table_section(const RunResult& run, const TableResult& t, std::size_t i,
                          const std::vector<TableTrend>& trends) {
  std::string out = fmt::format("<section class=\"table-report\" id=\"table-{}\" data-table=\"{}\">\n<h2>{} {}</h2>\n"
                                "<p class=\"muted\">{} → {}</p>\n",
                                i, esc(t.name), esc(t.name), badge(table_verdict(t)), esc(t.source), esc(t.target));
  out += fmt::format("<p>index <strong class=\"table-index\">{}</strong>{} · SLO {}</p>\n",
                     t.partial ? "-" : format_index_percent(t.matched, t.index_denominator()),
                     t.sample ? " <span class=\"table-interval\">" + interval_text(*t.sample) + "</span>" : "",
                     percent_floor(t.slo));
  if (t.partial) out += "<p class=\"table-error\">partial: " + esc(redact_secrets(t.error)) + "</p>\n";
  out += counts_table(t);
  if (t.divergences_unrecorded > 0)
    out += fmt::format("<p class=\"muted\">{} divergences counted beyond [check].max_divergences, not recorded</p>\n",
                       t.divergences_unrecorded);
  out += "<h3>findings by severity</h3>\n" + findings_table(run, t);
  out += "<h3>changed columns</h3>\n" + columns_table(t);
  if (!t.notes.empty()) {
    out += "<h3>notes</h3>\n<ul class=\"notes\">\n";
    for (const std::string& n : t.notes) out += "<li>" + esc(n) + "</li>\n";
    out += "</ul>\n";
  }
  if (!t.fixup_sql.empty())
    out += "<p>fix-up: <code class=\"fixup\">" + esc(t.fixup_sql) + "</code> <span class=\"muted\">(in the run's "
           "output folder; recon apply --run " + esc(run.run_id) + ")</span></p>\n";
  return out + trend_block(run, t, trends) + "</section>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string render_report_html(const RunResult& run, const std::vector<TableTrend>& trends) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>recon {} — {}</title>\n<style>{}</style>\n</head>\n<body>\n", esc(run.run_id),
                     esc(run.status), kStyle);
  out += run_header(run) + overview(run);
  for (std::size_t i = 0; i < run.tables.size(); ++i) out += table_section(run, run.tables[i], i, trends);
  out += "<footer class=\"muted\"><p>recon " RECON_VERSION_STRING "</p></footer>\n</body>\n</html>\n";
  return out;
}

void write_report_html(const std::filesystem::path& out_dir, const RunResult& run,
                       const std::vector<TableTrend>& trends) {
  report::write_file_atomically(out_dir / "report.html", render_report_html(run, trends));
}

}  // namespace recon

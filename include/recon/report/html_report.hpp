#pragma once
/// report.html: a run's report for a person, in one self-contained file (docs/cli.md). Inline CSS
/// and an inline SVG chart; no script, no font, no image or style sheet fetched from anywhere.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "recon/model/result.hpp"
#include "recon/model/trend.hpp"

namespace recon {

/// `text` safe as HTML text and as a double- or single-quoted attribute value: & < > " ' escaped.
std::string html_escape(std::string_view text);

/// The report's HTML, UTF-8, newline-terminated. Pure: the same arguments give the same bytes.
///
/// Contract (the ids, classes and data- attributes are what tests and scrapers rely on):
///  - The run: id="run-id", "run-mode", "run-status", "run-started", "run-finished", "run-index"
///    (the run's index as render_summary_table shows it, "99.9950 %", rounded down; "-" when none
///    is reported), "run-slo", "run-interval" (sampled runs only: "[lower, upper] at 95 %"),
///    "run-open-findings", "run-error" (only when the run failed).
///  - One <section class="table-report" data-table="NAME"> per table, in run order, holding:
///    a counts table whose cells carry data-count="rows_source" … "open_findings" (the TableResult
///    fields and open_findings()), class="table-index" (the index, or "-" when partial),
///    class="table-error" when partial; class="finding" rows (data-category, data-severity) sorted
///    by severity P1..P4 then category, each with its count, action, first keys (class="key",
///    canon::key_to_json) and the `recon explain` command for the first key (class="explain");
///    class="column-changed" rows (data-column) with the per-column counts, in compared-column
///    order; the notes; the fix-up file (class="fixup"); and the trend chart (render_trend_svg) of
///    the table's TableTrend from `trends` (matched by name; none: a "no recorded runs" line), whose
///    point for `run` shows the table's reported_index() (a recheck's refreshed index).
///  - Every text that comes from the run (names, keys, errors, notes, paths) goes through
///    html_escape.
std::string render_report_html(const RunResult& run, const std::vector<TableTrend>& trends);

/// One table's index over its runs as an inline <svg class="trend-chart" data-table="NAME"
/// data-points="N"> (html_chart.cpp): one <circle> per point, oldest left; consecutive points with
/// an index joined by a polyline; a point without one (a partial table) a hollow circle on the
/// axis (class "point gap"), breaking the line; the point of `current_run_id` class "point current"
/// (larger). Each circle has a <title>: run id, start time, index, status. The y axis goes from
/// min(indexes, slo) less a margin to a little above 1.0, with a dashed SLO line (class "slo");
/// x labels are the start dates of a few points (at most about 6; their times when every point is
/// of one day). "" when there are no points.
std::string render_trend_svg(const TableTrend& trend, double slo, const std::string& current_run_id);

/// Writes <out_dir>/report.html via a temp file + rename. Throws std::runtime_error naming the file
/// on I/O failure.
void write_report_html(const std::filesystem::path& out_dir, const RunResult& run,
                       const std::vector<TableTrend>& trends);

}  // namespace recon

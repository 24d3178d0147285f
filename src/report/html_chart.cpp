// report.html's trend chart: one table's index over its recent runs as inline SVG (no script).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "recon/report/html_report.hpp"
#include "recon/report/terminal.hpp"

namespace recon {
namespace {

constexpr double kWidth = 760, kHeight = 240;
constexpr double kLeft = 84, kRight = 44, kTop = 14, kBottom = 40;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;
constexpr int kMaxXLabels = 6;

/// The y axis: from the lowest index (or the SLO, when lower) less a margin, to a little above 1.0.
struct YScale {
  double low = 0, high = 1;
  YScale(const TableTrend& trend, double slo) {
    double lowest = std::min(slo, 1.0);
    for (const TrendPoint& p : trend.points)
      if (p.index) lowest = std::min(lowest, *p.index);
    lowest = std::max(lowest, 0.0);
    const double span = std::max(1.0 - lowest, 1e-4);  // all at 1.0: a visible band under it
    low = std::max(0.0, lowest - span * 0.12);
    high = 1.0 + span * 0.06;
  }
  double y(double v) const { return kTop + (high - v) / (high - low) * kPlotH; }
};

double x_of(std::size_t i, std::size_t n) {
  return n <= 1 ? kLeft + kPlotW / 2 : kLeft + kPlotW * static_cast<double>(i) / static_cast<double>(n - 1);
}

/// Axis frame, five horizontal grid lines from the bottom to 100 % labelled in percent, and the
/// dashed SLO line.
std::string axes(const YScale& s, double slo) {
  std::string out = fmt::format(
      "<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n"
      "<line class=\"axis\" x1=\"{0}\" y1=\"{2}\" x2=\"{3}\" y2=\"{2}\"/>\n",
      kLeft, kTop, kTop + kPlotH, kLeft + kPlotW);
  for (int i = 0; i <= 4; ++i) {
    const double v = s.low + (1.0 - s.low) * i / 4.0;
    const double y = s.y(v);
    out += fmt::format("<line class=\"grid\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>\n"
                       "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{:.4f} %</text>\n",
                       kLeft, y, kLeft + kPlotW, y, kLeft - 6, y + 4, v * 100);
  }
  const double y = s.y(slo);
  out += fmt::format("<line class=\"slo\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"><title>SLO {}</title>"
                     "</line>\n<text class=\"slo-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">SLO {}</text>\n",
                     kLeft, y, kLeft + kPlotW, y, html_escape(percent_floor(slo)), kLeft + kPlotW - 4, y - 4,
                     html_escape(percent_floor(slo)));
  return out;
}

/// The points with an index, joined, one polyline per unbroken stretch (a partial run breaks it).
std::string lines(const TableTrend& t, const YScale& s) {
  std::string out, pts;
  const std::size_t n = t.points.size();
  auto flush = [&] {
    if (pts.find(' ') != std::string::npos) out += "<polyline class=\"line\" points=\"" + pts + "\"/>\n";
    pts.clear();
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (!t.points[i].index) {
      flush();
      continue;
    }
    pts += fmt::format("{}{:.1f},{:.1f}", pts.empty() ? "" : " ", x_of(i, n), s.y(*t.points[i].index));
  }
  flush();
  return out;
}

std::string points(const TableTrend& t, const YScale& s, const std::string& current) {
  std::string out;
  const std::size_t n = t.points.size();
  for (std::size_t i = 0; i < n; ++i) {
    const TrendPoint& p = t.points[i];
    const bool is_current = p.run_id == current;
    const std::string cls = std::string("point") + (p.index ? "" : " gap") + (is_current ? " current" : "");
    const double y = p.index ? s.y(*p.index) : kTop + kPlotH;
    const std::string value = p.index ? percent_floor(*p.index) : "no index (partial)";
    out += fmt::format("<circle class=\"{}\" data-run=\"{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\"><title>{} · {} · {} · "
                       "{}{}</title></circle>\n",
                       cls, html_escape(p.run_id), x_of(i, n), y, is_current ? 6 : 4, html_escape(p.run_id),
                       html_escape(p.started_at), html_escape(value), html_escape(p.status),
                       is_current ? " · this run" : "");
  }
  return out;
}

/// The start dates of at most about kMaxXLabels points, always the last one; the start times when
/// every point is of one day.
std::string x_labels(const TableTrend& t) {
  const std::size_t n = t.points.size();
  const bool one_day = t.points.front().started_at.substr(0, 10) == t.points.back().started_at.substr(0, 10);
  const std::size_t step = std::max<std::size_t>(1, (n + kMaxXLabels - 1) / kMaxXLabels);
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    const bool last = i + 1 == n;
    if (!last && (i % step != 0 || (n - 1 - i) * 2 < step)) continue;
    const std::string& at = t.points[i].started_at;
    const std::string date = one_day && at.size() >= 19 ? at.substr(11, 8) : at.substr(0, 10);
    out += fmt::format("<text class=\"x-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
                       x_of(i, n), kTop + kPlotH + 18, html_escape(date));
  }
  return out;
}

}  // namespace

std::string render_trend_svg(const TableTrend& trend, double slo, const std::string& current_run_id) {
  if (trend.points.empty()) return "";
  const YScale scale(trend, slo);
  std::string out = fmt::format(
      "<svg class=\"trend-chart\" data-table=\"{}\" data-points=\"{}\" "
      "viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"index of {} over its last {} runs\">\n",
      html_escape(trend.table), trend.points.size(), kWidth, kHeight, kWidth, kHeight, html_escape(trend.table),
      trend.points.size());
  out += axes(scale, slo) + lines(trend, scale) + points(trend, scale, current_run_id) + x_labels(trend);
  return out + "</svg>\n";
}

}  // namespace recon

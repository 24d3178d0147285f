// The end-of-run summary table.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "recon/report/terminal.hpp"

namespace recon {

std::string format_index_percent(std::int64_t matched, std::int64_t compared) {
  // Integer arithmetic: floor(matched * 1e6 / compared) exactly; a double would turn
  // 0.99987 into 99.9869 or 0.9999999 into 100.0000.
  long long scaled = 1'000'000;
  if (compared > 0)
    scaled = static_cast<long long>(static_cast<__int128>(matched) * 1'000'000 / compared);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%04lld %%", scaled / 10'000, scaled % 10'000);
  return buf;
}

std::string render_summary_table(const RunResult& run) {
  using Row = std::vector<std::string>;
  std::vector<Row> rows;
  rows.push_back({"table", "rows source", "rows target", "matched", "missing in target", "missing in source",
                  "changed", "index", "slo"});
  TableResult total;
  int below = 0, partial = 0;
  for (const TableResult& t : run.tables) {
    std::string mark = "ok";
    if (t.partial) {
      mark = "PARTIAL";
      ++partial;
    } else if (t.consistency_index() < t.slo) {
      mark = "BELOW";
      ++below;
    }
    rows.push_back({t.name, std::to_string(t.rows_source), std::to_string(t.rows_target), std::to_string(t.matched),
                    std::to_string(t.missing_in_target), std::to_string(t.missing_in_source),
                    std::to_string(t.changed), format_index_percent(t.matched, t.rows_compared), mark});
    total.rows_source += t.rows_source;
    total.rows_target += t.rows_target;
    total.rows_compared += t.rows_compared;
    total.matched += t.matched;
    total.missing_in_target += t.missing_in_target;
    total.missing_in_source += t.missing_in_source;
    total.changed += t.changed;
  }
  rows.push_back({"total", std::to_string(total.rows_source), std::to_string(total.rows_target),
                  std::to_string(total.matched), std::to_string(total.missing_in_target),
                  std::to_string(total.missing_in_source), std::to_string(total.changed),
                  format_index_percent(total.matched, total.rows_compared), ""});

  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const Row& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  std::string out;
  auto emit = [&](const Row& r) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) {
      if (c) line += "  ";
      const std::string pad(width[c] - r[c].size(), ' ');
      // Names and the marker read left to right; numbers align on their last digit.
      line += (c == 0 || c + 1 == r.size()) ? r[c] + pad : pad + r[c];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  emit(rows.front());
  std::size_t rule = 0;
  for (std::size_t w : width) rule += w + 2;
  const std::string line(rule - 2, '-');
  out += line + "\n";
  for (std::size_t i = 1; i + 1 < rows.size(); ++i) emit(rows[i]);
  out += line + "\n";
  emit(rows.back());

  char tail[160];
  std::snprintf(tail, sizeof tail, "; run %s, %.1f s", run.run_id.c_str(),
                std::max(0.0, run.finished_epoch - run.started_epoch));
  std::string status = "status: " + run.status;
  if (below) status += " - " + std::to_string(below) + " of " + std::to_string(run.tables.size()) + " tables below SLO";
  if (partial) status += (below ? ", " : " - ") + std::to_string(partial) + " partial";
  out += status + tail + "\n";
  if (!run.error.empty()) out += "error: " + redact_secrets(run.error) + "\n";
  return out;
}

}  // namespace recon

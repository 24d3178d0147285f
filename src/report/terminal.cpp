// The end-of-run summary table.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>
#include <vector>

#include "recon/core/errors.hpp"
#include "recon/report/terminal.hpp"
#include "recon/report/explain_command.hpp"
#include "recon/core/canonical.hpp"

namespace recon {
namespace {

using Row = std::vector<std::string>;

/// Rows as aligned lines: two spaces between columns; columns flagged in `right` align on their
/// last character; trailing blanks dropped.
std::string align(const std::vector<Row>& rows, const std::vector<bool>& right, const std::string& indent = "") {
  std::vector<std::size_t> width;
  for (const Row& r : rows) {
    width.resize(std::max(width.size(), r.size()), 0);
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  }
  std::string out;
  for (const Row& r : rows) {
    std::string line = indent;
    for (std::size_t c = 0; c < r.size(); ++c) {
      if (c) line += "  ";
      const std::string pad(width[c] - r[c].size(), ' ');
      line += (c < right.size() && right[c]) ? pad + r[c] : r[c] + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

/// "findings by severity:" and the recheck lines; "" when no table has findings or rechecks.
std::string findings_block(const RunResult& run) {
  struct Entry {
    int severity;
    std::string table, category;
    std::int64_t count;
    Action action;
    const TableResult::CategoryCount* c;
  };
  std::vector<Entry> entries;
  std::string rechecks;
  for (const TableResult& t : run.tables) {
    for (const auto& [category, c] : t.categories)
      entries.push_back({c.severity, t.name, category, c.count, c.action, &c});
    if (t.in_flight > 0 || t.converged > 0 || t.suspended > 0)
      rechecks += "  " + t.name + ": " + std::to_string(t.in_flight) + " in flight, " + std::to_string(t.converged) +
                  " converged, " + std::to_string(t.suspended) + " suspended\n";
  }
  if (entries.empty() && rechecks.empty()) return {};
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.severity, a.table, a.category) < std::tie(b.severity, b.table, b.category);
  });
  std::vector<Row> rows;
  for (const Entry& e : entries) {
    // The widest label's width always, so the block looks the same whichever severities occur.
    std::string label = severity_label(e.severity);
    label.resize(std::max(label.size(), severity_label(4).size()), ' ');
    rows.push_back({label, e.table, e.category, std::to_string(e.count), action_name(e.action)});
  }
  // Aligned as one table, then each finding followed by its first keys and the command to look
  // at the first of them.
  const std::string aligned = align(rows, {false, false, false, true, false}, "  ");
  std::string out = "findings by severity:\n";
  std::size_t pos = 0;
  for (const Entry& e : entries) {
    const std::size_t nl = aligned.find('\n', pos);
    out += aligned.substr(pos, nl + 1 - pos);
    pos = nl + 1;
    if (e.c->first_keys.empty()) continue;
    std::string keys;
    for (const std::string& k : e.c->first_keys) keys += (keys.empty() ? "" : ", ") + canon::key_to_json(k);
    if (static_cast<std::size_t>(e.count) > e.c->first_keys.size()) keys += ", …";
    out += "      keys: " + keys + "\n      next: " + explain_command(run, e.table, e.c->key_to_explain()) + "\n";
  }
  return out + rechecks;
}

/// "columns changed:" with each table's per-column counts, in compared-column order; "" when no
/// value changed.
std::string columns_block(const RunResult& run) {
  std::string out;
  for (const TableResult& t : run.tables) {
    if (t.columns_changed.empty()) continue;
    std::string line;
    for (const std::string& column : t.columns)
      if (auto it = t.columns_changed.find(column); it != t.columns_changed.end())
        line += (line.empty() ? "" : ", ") + column + " " + std::to_string(it->second);
    out += "  " + t.name + ": " + line + "\n";
  }
  return out.empty() ? out : "columns changed (rows per column):\n" + out;
}


/// The first line of a run that did not compare every row fully, so nobody reads its index as a
/// full check's.
std::string mode_banner(const RunResult& run) {
  if (run.mode == "sample") {
    std::int64_t read = 0, total = 0;
    for (const TableResult& t : run.tables)
      if (t.sample) {
        read += t.sample->clusters_read;
        total += t.sample->clusters_total;
      }
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "SAMPLED RUN: %lld of %lld clusters read (rate %g, seed %llu); each index is an estimate with "
                  "its 95 %% interval, and the SLO is decided on the interval's lower bound\n",
                  static_cast<long long>(read), static_cast<long long>(total), run.sample_rate,
                  static_cast<unsigned long long>(run.seed));
    return buf;
  }
  if (run.mode == "incremental")
    return "INCREMENTAL RUN: rows changed since each table's watermark, a key-set pass and a scrub slice "
           "were compared (see \"incremental\" per table in summary.json)\n";
  return {};
}

/// One line per incremental table: what was compared and how much was read.
std::string incremental_block(const RunResult& run) {
  std::string out;
  for (const TableResult& t : run.tables) {
    if (!t.incremental) continue;
    const IncrementalParts& p = *t.incremental;
    if (p.full) {
      out += "  " + t.name + ": compared fully (" + p.full_reason + ")\n";
      continue;
    }
    out += "  " + t.name + ": changed since " + p.since + ": " + std::to_string(p.changed_rows_source) + " source, " +
           std::to_string(p.changed_rows_target) + " target; " + std::to_string(p.keys_compared) + " keys compared";
    if (p.keyset) {
      out += "; key set " + std::to_string(p.keyset_rows_source) + "/" + std::to_string(p.keyset_rows_target);
      if (p.keyset_method == "digest")
        out += " by digest (" + std::to_string(p.keyset_buckets_differing) + " of " + std::to_string(p.keyset_buckets) +
               " buckets differed)";
    }
    if (p.scrub_slice >= 0)
      out += "; scrub slice " + std::to_string(p.scrub_slice + 1) + "/" + std::to_string(p.scrub_cycle) + " (" +
             std::to_string(p.scrub_rows_source) + " rows)";
    out += "\n";
  }
  return out.empty() ? out : "incremental:\n" + out;
}

}  // namespace

std::string severity_label(int severity) {
  switch (severity) {
    case 1: return "P1 critical";
    case 2: return "P2 high";
    case 3: return "P3 medium";
    case 4: return "P4 informational";
    default: break;
  }
  return "P" + std::to_string(severity);
}

std::string percent_floor(double v) {
  const auto scaled = static_cast<long long>(std::floor(std::clamp(v, 0.0, 1.0) * 1'000'000 + 1e-9));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%04lld %%", scaled / 10'000, scaled % 10'000);
  return buf;
}

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
  const bool sampled = run.mode == "sample";
  std::vector<Row> rows;
  rows.push_back({"table", "rows source", "rows target", "matched", "missing in target", "missing in source",
                  "changed", "index", "slo"});
  if (sampled) rows.back().insert(rows.back().end() - 1, {"95 % low", "95 % high"});
  TableResult total;
  std::int64_t total_denominator = 0;
  int below = 0, partial = 0, escalated = 0;
  for (const TableResult& t : run.tables) {
    std::string mark = "ok";
    if (t.partial) {
      mark = "PARTIAL";
      ++partial;
    } else if (t.slo_index() < t.slo) {
      mark = "BELOW";
      ++below;
    } else if (t.escalated > 0) {
      mark = "ESCALATED";
    }
    if (t.escalated > 0) ++escalated;
    rows.push_back({t.name, std::to_string(t.rows_source), std::to_string(t.rows_target), std::to_string(t.matched),
                    std::to_string(t.missing_in_target), std::to_string(t.missing_in_source),
                    std::to_string(t.changed),
                    t.partial ? "-" : format_index_percent(t.matched, t.index_denominator()), mark});
    if (sampled)
      rows.back().insert(rows.back().end() - 1, {t.sample ? percent_floor(t.sample->lower) : "-",
                                                 t.sample ? percent_floor(t.sample->upper) : "-"});
    total.rows_source += t.rows_source;
    total.rows_target += t.rows_target;
    total.matched += t.matched;
    total.missing_in_target += t.missing_in_target;
    total.missing_in_source += t.missing_in_source;
    total.changed += t.changed;
    total_denominator += t.index_denominator();
  }
  rows.push_back({"total", std::to_string(total.rows_source), std::to_string(total.rows_target),
                  std::to_string(total.matched), std::to_string(total.missing_in_target),
                  std::to_string(total.missing_in_source), std::to_string(total.changed),
                  partial ? "-" : format_index_percent(total.matched, total_denominator), ""});
  if (sampled)
    rows.back().insert(rows.back().end() - 1, {run.sample ? percent_floor(run.sample->lower) : "-",
                                               run.sample ? percent_floor(run.sample->upper) : "-"});

  // Names and the marker read left to right; numbers align on their last digit.
  std::vector<bool> right(rows[0].size(), true);
  right.front() = right.back() = false;
  std::size_t rule = 0;
  for (std::size_t c = 0; c < rows[0].size(); ++c) {
    std::size_t w = 0;
    for (const Row& r : rows) w = std::max(w, r[c].size());
    rule += w + 2;
  }
  const std::string line(rule - 2, '-');
  // Aligned together so every line shares the column widths, then cut into header, body, total.
  const std::string aligned = align(rows, right);
  std::vector<std::string> lines;
  for (std::size_t pos = 0; pos < aligned.size();) {
    const std::size_t nl = aligned.find('\n', pos);
    lines.push_back(aligned.substr(pos, nl + 1 - pos));
    pos = nl + 1;
  }
  std::string out = mode_banner(run) + lines.front() + line + "\n";
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) out += lines[i];
  out += line + "\n" + lines.back();

  if (const std::string block = findings_block(run); !block.empty()) out += "\n" + block + "\n";
  if (const std::string block = columns_block(run); !block.empty()) out += "\n" + block + "\n";
  if (const std::string block = incremental_block(run); !block.empty()) out += "\n" + block + "\n";

  char tail[160];
  std::snprintf(tail, sizeof tail, "; run %s, %.1f s", run.run_id.c_str(),
                std::max(0.0, run.finished_epoch - run.started_epoch));
  std::string status = "status: " + run.status;
  std::string why;
  auto add = [&](const std::string& part) { why += (why.empty() ? " - " : ", ") + part; };
  if (below) add(std::to_string(below) + " of " + std::to_string(run.tables.size()) + " tables below SLO");
  if (partial) add(std::to_string(partial) + " partial");
  if (escalated) add(std::to_string(escalated) + (escalated == 1 ? " table" : " tables") + " with escalated divergences");
  std::int64_t open = 0;
  for (const TableResult& t : run.tables) open += t.open_findings();
  // Within its SLO a run is consistent, and exits 0; what is still open must not go unsaid.
  if (run.status == "consistent" && open > 0)
    add(std::to_string(open) + (open == 1 ? " open finding" : " open findings") + " within the SLO (see findings above)");
  if (run.resumed) add("resumed");
  out += status + why + tail + "\n";
  if (!run.error.empty()) out += "error: " + redact_secrets(run.error) + "\n";
  for (const TableResult& t : run.tables)
    if (t.divergences_unrecorded > 0)
      out += "note: " + t.name + ": " + std::to_string(t.divergences_unrecorded) +
             " divergences beyond [check].max_divergences were counted, not recorded (no audit row, no fix-up)\n";
  return out;
}

}  // namespace recon

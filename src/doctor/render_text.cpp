// The doctor report for a person: one screen, wrapped to the terminal (docs/doctor.md).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "recon/doctor/render.hpp"

namespace recon::doctor {

namespace {

/// UTF-8 characters of `s` (continuation bytes not counted).
std::size_t columns(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

/// The byte offset of the `n`-th character of `s` (s.size() when shorter).
std::size_t byte_of(std::string_view s, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t seen = 0; i < s.size(); ++i) {
    if ((s[i] & 0xC0) != 0x80 && seen++ == n) return i;
  }
  return s.size();
}

std::string pad(const std::string& s, std::size_t width) {
  const std::size_t c = columns(s);
  return c >= width ? s : s + std::string(width - c, ' ');
}

std::string side_line(Side side, const SideReport& s) {
  if (!s.connected) return fmt::format("{}  {}: not connected", side_name(side), s.endpoint);
  const ServerFacts& f = s.server;
  std::string line = fmt::format("{}  {}: {}", side_name(side), s.endpoint, f.product.empty() ? "connected" : f.product);
  if (!f.version.empty()) line += " " + f.version;
  if (!f.edition.empty()) line += " (" + f.edition + ")";
  if (!f.protocol.empty()) line += ", " + f.protocol;
  if (f.tls) line += *f.tls ? ", TLS on" : ", TLS off";
  if (!f.login.empty()) line += ", login " + f.login;
  // A connector without diagnostics names its endpoint as the database: said once is enough.
  const bool endpoint_names_it =
      s.endpoint.size() >= f.database.size() &&
      s.endpoint.compare(s.endpoint.size() - f.database.size(), f.database.size(), f.database) == 0;
  if (!f.database.empty() && !endpoint_names_it) line += ", database " + f.database;
  if (s.clock_skew_ms) line += fmt::format(", clock {:+.1f} ms", *s.clock_skew_ms);
  return line;
}

/// One table row: each cell wrapped to its column, the row as many lines as its tallest cell.
void append_row(std::string& out, const std::vector<std::string>& cells, const std::vector<std::size_t>& widths) {
  std::vector<std::vector<std::string>> wrapped;
  std::size_t height = 1;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    wrapped.push_back(wrap(cells[i], widths[i]));
    height = std::max(height, wrapped.back().size());
  }
  for (std::size_t line = 0; line < height; ++line) {
    std::string text;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const std::string cell = line < wrapped[i].size() ? wrapped[i][line] : "";
      text += i + 1 < cells.size() ? pad(cell, widths[i]) + "  " : cell;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
}

/// The OK and SKIP checks of one table ("OK  table  orders  OK: select, write, …") or of one side
/// ("OK  side  source  OK: connect, self_test; SKIP: clock") as one row, placed where the first of
/// them is; WARN and FAIL rows stay rows of their own, in order.
std::vector<Check> fold_quiet_checks(const std::vector<Check>& checks) {
  std::vector<Check> rows;
  std::map<std::string, std::size_t> folded;  // group -> its row in `rows`
  std::map<std::string, std::vector<std::string>> ok, skip;
  for (const Check& c : checks) {
    if (c.status != Status::Ok && c.status != Status::Skip) {
      rows.push_back(c);
      continue;
    }
    const std::string group = c.table.empty() ? "side " + std::string(c.side ? side_name(*c.side) : "") : "table " + c.table;
    if (!folded.count(group)) {
      folded[group] = rows.size();
      Check row;
      row.id = c.table.empty() ? "side" : "table";
      row.table = c.table;
      row.side = c.table.empty() ? c.side : std::nullopt;
      rows.push_back(row);
    }
    auto& names = (c.status == Status::Ok ? ok : skip)[group];
    const std::string name = c.id.rfind("table.", 0) == 0 ? c.id.substr(6) : c.id;
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  for (const auto& [group, at] : folded) {
    Check& row = rows[at];
    const auto& o = ok[group];
    const auto& k = skip[group];
    row.status = o.empty() ? Status::Skip : Status::Ok;
    if (!o.empty()) row.summary = fmt::format("OK: {}", fmt::join(o, ", "));
    if (!k.empty()) row.summary += fmt::format("{}SKIP: {}", o.empty() ? "" : "; ", fmt::join(k, ", "));
    row.summary += " (--all shows each)";
  }
  return rows;
}

void append_checks(std::string& out, const Report& report, std::size_t width, bool every_check) {
  const std::vector<Check> rows = every_check ? report.checks : fold_quiet_checks(report.checks);
  std::size_t check_w = 5, where_w = 5;
  for (const Check& c : rows) {
    check_w = std::max(check_w, columns(c.id));
    where_w = std::max(where_w, columns(where_of(c)));
  }
  where_w = std::min<std::size_t>(where_w, 24);
  const std::size_t fixed = 6 + 2 + check_w + 2 + where_w + 2 + 2;  // the four gaps between five columns
  const std::size_t rest = width > fixed + 30 ? width - fixed : 30;
  const std::size_t what_w = rest * 11 / 20, fix_w = rest - what_w;
  const std::vector<std::size_t> widths{6, check_w, where_w, what_w, fix_w};
  append_row(out, {"STATUS", "CHECK", "WHERE", "WHAT", "WHAT TO DO"}, widths);
  for (const Check& c : rows) append_row(out, {status_name(c.status), c.id, where_of(c), c.summary, c.fix}, widths);
}

void append_self_test(std::string& out, const Report& report, std::size_t width) {
  for (const auto& [side, r] : report.self_test) {
    if (!r.error.empty()) {
      out += fmt::format("self-test {} ({}): not run: {}\n", side_name(side), r.name, r.error);
      continue;
    }
    out += fmt::format("self-test {} ({}): {} passed, {} failed\n", side_name(side), r.name, r.passed(), r.failed());
    for (const SelfTestCase& c : r.cases) {
      if (c.ok) continue;
      for (const std::string& l :
           wrap(fmt::format("FAIL {}  literal {}  expected {}  got {}", c.type, c.literal, c.expected, c.got), width - 2))
        out += "  " + l + "\n";
    }
  }
}

void append_statements(std::string& out, const char* title, const std::vector<std::string>& statements) {
  if (statements.empty()) return;
  out += fmt::format("  -- {}\n", title);
  for (const std::string& s : statements) out += "  " + s + "\n";
}

}  // namespace

std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  width = std::max<std::size_t>(width, 1);
  std::string_view rest = text;
  while (columns(rest) > width) {
    std::size_t cut = byte_of(rest, width);
    const std::size_t space = rest.substr(0, cut + 1).rfind(' ');
    if (space != std::string_view::npos && space > 0) cut = space;
    lines.emplace_back(rest.substr(0, cut));
    rest.remove_prefix(cut);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  }
  if (!rest.empty() || lines.empty()) lines.emplace_back(rest);
  return lines;
}

std::string where_of(const Check& c) {
  if (c.table.empty()) return c.side ? side_name(*c.side) : "";
  return c.side ? c.table + "/" + side_name(*c.side) : c.table;
}

std::string render_text(const Report& report, std::size_t width, bool every_check) {
  std::string out = fmt::format("recon doctor: job {}, {}\n", report.job, report.at);
  for (const auto& [side, s] : report.sides)
    for (const std::string& l : wrap(side_line(side, s), width)) out += l + "\n";
  out += "\n";
  append_checks(out, report, width, every_check);
  if (!report.self_test.empty()) out += "\n";
  append_self_test(out, report, width);
  const bool any_statement = !report.least_privilege_source.empty() || !report.least_privilege_target.empty();
  if (report.wants_least_privilege() && any_statement) {
    out += "\nleast-privilege statements (review, then run as an administrator):\n";
    append_statements(out, "source: what recon check needs", report.least_privilege_source);
    append_statements(out, "target: what recon check needs", report.least_privilege_target);
    append_statements(out, "target: what recon apply needs", report.least_privilege_target_apply);
  }
  const Counts n = report.counts();
  out += fmt::format("\n{} OK, {} WARN, {} FAIL, {} SKIP: exit {}\n", n.ok, n.warn, n.fail, n.skip, report.exit_code());
  return out;
}

}  // namespace recon::doctor

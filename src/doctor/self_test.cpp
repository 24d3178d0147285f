// The type self-test: docs/canonical-values.md's "Self-test" tables, parsed and read back.
#include "recon/doctor/self_test.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "recon/core/canonical.hpp"
#include "recon/core/errors.hpp"

namespace recon::doctor {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

/// A code span's content: `x` -> x, `` a`b `` -> a`b (markdown strips one space on each side of
/// a span opened by several backticks).
std::string unquote_code(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && s[n] == '`') ++n;
  if (n == 0 || s.size() < 2 * n || s.substr(s.size() - n).find_first_not_of('`') != std::string_view::npos) return std::string(s);
  std::string_view inner = s.substr(n, s.size() - 2 * n);
  if (n > 1 && inner.size() >= 2 && inner.front() == ' ' && inner.back() == ' ') inner = inner.substr(1, inner.size() - 2);
  return std::string(inner);
}

const std::string_view kHeading = "### Self-test: ";

}  // namespace

std::vector<std::string> table_cells(std::string_view line) {
  line = trim(line);
  if (!line.empty() && line.front() == '|') line.remove_prefix(1);
  if (!line.empty() && line.back() == '|' && (line.size() < 2 || line[line.size() - 2] != '\\')) line.remove_suffix(1);
  std::vector<std::string> cells;
  std::string cur;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cur += '|';
      ++i;
    } else if (line[i] == '|') {
      cells.push_back(unquote_code(trim(cur)));
      cur.clear();
    } else {
      cur += line[i];
    }
  }
  cells.push_back(unquote_code(trim(cur)));
  return cells;
}

std::map<std::string, std::vector<SelfTestRow>> parse_self_tests(std::string_view doc) {
  std::map<std::string, std::vector<SelfTestRow>> out;
  std::vector<SelfTestRow>* section = nullptr;
  int table_line = 0;  // lines of the section's table seen so far (0: none yet)
  bool table_done = false;
  int line_no = 0;
  for (std::size_t pos = 0; pos <= doc.size();) {
    const std::size_t end = std::min(doc.find('\n', pos), doc.size());
    const std::string_view line = trim(doc.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.front() == '#') {
      section = nullptr;
      if (line.rfind(kHeading, 0) == 0) {
        section = &out[std::string(trim(line.substr(kHeading.size())))];
        table_line = 0;
        table_done = false;
      }
      continue;
    }
    if (!section || table_done) continue;
    if (line.empty() || line.front() != '|') {
      if (table_line > 0) table_done = true;
      continue;
    }
    if (++table_line <= 2) continue;  // header and separator
    const std::vector<std::string> cells = table_cells(line);
    if (cells.size() != 3)
      throw std::invalid_argument(fmt::format("docs/canonical-values.md line {}: a self-test row has {} cells, not 3 "
                                              "(type | literal | canonical; write | inside a cell as \\|)",
                                              line_no, cells.size()));
    section->push_back({cells[0], cells[1], cells[2], line_no});
  }
  return out;
}

std::string canonical_text(std::string_view encoding) {
  std::size_t pos = 0;
  if (encoding.empty()) return "(nothing)";
  const canon::ValueView v = canon::read_value(encoding, pos);
  if (v.is_null()) return "null";
  return fmt::format("{} {}", type_class_name(v.tag), canon::to_display(v));
}

SelfTestResult run_self_test(Connector& connector, const std::string& name, const std::vector<SelfTestRow>* rows) {
  SelfTestResult r;
  r.name = name;
  if (!rows || rows->empty()) {
    r.error = fmt::format("this build's docs/canonical-values.md has no table \"Self-test: {}\"; rebuild recon from "
                          "sources whose docs have it", name);
    return r;
  }
  std::vector<LiteralProbe> probes;
  for (const SelfTestRow& row : *rows) probes.push_back({row.type, row.literal});
  std::vector<std::string> got(rows->size());
  std::vector<std::string> refused(rows->size());
  try {
    got = connector.read_literals(probes);
    if (got.size() != probes.size())
      throw std::logic_error(fmt::format("{} values for {} literals", got.size(), probes.size()));
  } catch (const ConnectorError&) {
    // One refused literal refuses the whole statement: read each alone to name the ones refused.
    for (std::size_t i = 0; i < probes.size(); ++i) {
      try {
        const std::vector<std::string> one = connector.read_literals({probes[i]});
        got[i] = one.empty() ? std::string() : one.front();
      } catch (const ConnectorError& e) {
        refused[i] = redact_secrets(e.what());
      }
    }
  }
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const SelfTestRow& row = (*rows)[i];
    SelfTestCase c{row.type, row.literal, row.canonical, "", false};
    c.got = refused[i].empty() ? canonical_text(got[i]) : "refused: " + refused[i];
    c.ok = refused[i].empty() && c.got == c.expected;
    r.cases.push_back(std::move(c));
  }
  return r;
}

}  // namespace recon::doctor

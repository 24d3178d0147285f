#pragma once
// Reads a "### Self-test: <name>" table of docs/canonical-values.md for the tests, independently of
// recon's own reading of it: the expected values come from the doc, never from recon's output.
// Header-only, for any test binary (RECON_SOURCE_DIR names the checkout).

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace selftest_doc {

/// One row: the type, the literal and the canonical value, backticks removed, `\|` read as `|`.
struct Row {
  std::string type, literal, canonical;
};

/// The cells of a markdown table line, split at every `|` that is not written `\|`.
inline std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  for (std::size_t i = 1; i < line.size(); ++i) {  // line[0] is the leading '|'
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cell.push_back('|');
      ++i;
    } else if (line[i] == '|') {
      out.push_back(cell);
      cell.clear();
    } else {
      cell.push_back(line[i]);
    }
  }
  for (auto& c : out) {
    const auto b = c.find_first_not_of(' '), e = c.find_last_not_of(' ');
    c = b == std::string::npos ? "" : c.substr(b, e - b + 1);
    if (c.size() >= 2 && c.front() == '`' && c.back() == '`') c = c.substr(1, c.size() - 2);
  }
  return out;
}

/// The rows under `### Self-test: <name>` in `path`; throws when the section or its table is missing.
inline std::vector<Row> read(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  const std::string heading = "### Self-test: " + name;
  std::string line;
  bool in_section = false;
  int table_line = 0;
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) == 0) {
      if (in_section) break;
      in_section = line == heading;
      continue;
    }
    if (!in_section || line.rfind("|", 0) != 0) continue;
    if (++table_line <= 2) continue;  // header and separator
    const auto c = cells(line);
    if (c.size() != 3) throw std::runtime_error(path + ": a self-test row without 3 cells: " + line);
    rows.push_back(Row{c[0], c[1], c[2]});
  }
  if (rows.empty()) throw std::runtime_error(path + " has no table under '" + heading + "'");
  return rows;
}

}  // namespace selftest_doc

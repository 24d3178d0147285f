// SHOW GRANTS lines -> rights. See my_grants.hpp.
#include "my_grants.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace recon::my {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

/// Privileges separated by commas outside parentheses ("SELECT (`a`, `b`), INSERT"); a column
/// list is dropped.
std::vector<std::string> split_privileges(std::string_view list) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : list) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(upper(trim(cur)));
      cur.clear();
    } else if (depth == 0 && c != ')') {
      cur.push_back(c);
    }
  }
  if (!trim(cur).empty()) out.push_back(upper(trim(cur)));
  return out;
}

/// Reads one name of `db`.`t` at `pos`: a backquoted identifier (`` doubled, MySQL's \_ and \%
/// escapes undone) or a bare `*`; advances `pos` past it.
std::string read_name(std::string_view s, std::size_t& pos) {
  std::string out;
  if (pos < s.size() && s[pos] == '*') {
    ++pos;
    return "*";
  }
  const bool quoted = pos < s.size() && s[pos] == '`';
  if (quoted) ++pos;
  while (pos < s.size()) {
    const char c = s[pos];
    if (quoted && c == '`') {
      if (pos + 1 < s.size() && s[pos + 1] == '`') {
        out.push_back('`');
        pos += 2;
        continue;
      }
      ++pos;
      break;
    }
    if (!quoted && c == '.') break;
    if (c == '\\' && pos + 1 < s.size()) ++pos;
    out.push_back(s[pos++]);
  }
  return out;
}

bool covers(const Grant& g, const std::string& database, const std::string& table) {
  if (g.database == "*") return true;
  return g.database == database && (g.table == "*" || g.table == table);
}

bool has(const Grant& g, std::string_view privilege) {
  return std::find(g.privileges.begin(), g.privileges.end(), privilege) != g.privileges.end() ||
         std::find(g.privileges.begin(), g.privileges.end(), "ALL PRIVILEGES") != g.privileges.end() ||
         std::find(g.privileges.begin(), g.privileges.end(), "ALL") != g.privileges.end();
}

}  // namespace

std::vector<Grant> parse_grants(const std::vector<std::string>& lines) {
  std::vector<Grant> out;
  for (const std::string& line : lines) {
    if (line.rfind("GRANT ", 0) != 0) continue;
    const std::size_t on = line.find(" ON ");
    const std::size_t to = line.find(" TO ", on == std::string::npos ? 0 : on);
    if (on == std::string::npos || to == std::string::npos) continue;  // a role granted to the login
    std::string_view object = std::string_view(line).substr(on + 4, to - on - 4);
    if (object.rfind("PROCEDURE ", 0) == 0 || object.rfind("FUNCTION ", 0) == 0 || object.rfind("PACKAGE", 0) == 0)
      continue;
    Grant g;
    g.privileges = split_privileges(std::string_view(line).substr(6, on - 6));
    std::size_t pos = 0;
    g.database = read_name(object, pos);
    if (pos < object.size() && object[pos] == '.') ++pos;
    g.table = pos < object.size() ? read_name(object, pos) : "*";
    out.push_back(std::move(g));
  }
  return out;
}

std::vector<std::string> granted_roles(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const std::string& line : lines) {
    if (line.rfind("GRANT ", 0) != 0 || line.find(" ON ") != std::string::npos) continue;
    std::string_view rest = std::string_view(line).substr(6);
    const std::size_t to = rest.find(" TO ");
    if (to == std::string_view::npos) continue;
    rest = rest.substr(0, to);
    std::size_t pos = 0;
    while (pos < rest.size()) {
      out.push_back(read_name(rest, pos));
      while (pos < rest.size() && rest[pos] != ',') ++pos;  // the role's @`host`, if any
      while (pos < rest.size() && (rest[pos] == ',' || rest[pos] == ' ')) ++pos;
    }
  }
  return out;
}

std::string all_powerful_role(const std::vector<Grant>& grants) {
  std::string found;
  for (const Grant& g : grants) {
    if (g.database != "*") continue;
    for (const std::string& p : g.privileges) {
      if (p == "ALL PRIVILEGES" || p == "ALL") return "ALL PRIVILEGES";
      if (p == "SUPER") found = "SUPER";
    }
  }
  return found;
}

bool grants_select(const std::vector<Grant>& grants, const std::string& database, const std::string& table) {
  return std::any_of(grants.begin(), grants.end(),
                     [&](const Grant& g) { return covers(g, database, table) && has(g, "SELECT"); });
}

std::vector<std::string> write_rights(const std::vector<Grant>& grants, const std::string& database,
                                      const std::string& table) {
  static const char* const kWrites[] = {"INSERT", "UPDATE", "DELETE", "ALTER", "DROP", "INDEX", "TRIGGER",
                                        "DELETE HISTORY"};
  std::vector<std::string> out;
  for (const char* w : kWrites) {
    const bool granted = std::any_of(grants.begin(), grants.end(), [&](const Grant& g) {
      if (!covers(g, database, table)) return false;
      // DELETE HISTORY is MariaDB's alone: ALL PRIVILEGES implies it there, but naming it for a
      // login that has ALL says nothing the other rights do not.
      if (std::string_view(w) == "DELETE HISTORY")
        return std::find(g.privileges.begin(), g.privileges.end(), w) != g.privileges.end();
      return has(g, w);
    });
    if (granted) out.emplace_back(w);
  }
  return out;
}

}  // namespace recon::my

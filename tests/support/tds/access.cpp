// The login's roles and permissions from the fixture. See access.hpp.
#include "access.hpp"

#include <cctype>

#include "wire.hpp"

namespace tds_test {
namespace {

std::string upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool has_table(sqlite3* db, const char* name) {
  sqlite3_stmt* st = nullptr;
  bool found = false;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &st, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
  }
  sqlite3_finalize(st);
  return found;
}

/// Every row of `sql` as (column 0, column 1) text.
template <class F>
void each_row(sqlite3* db, const char* sql, F&& f) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) return;
  while (sqlite3_step(st) == SQLITE_ROW) {
    auto text = [&](int i) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
      return std::string(p ? p : "");
    };
    f(text(0), sqlite3_column_count(st) > 1 ? text(1) : std::string());
  }
  sqlite3_finalize(st);
}

const std::set<std::string> kServerRoles = {"sysadmin", "serveradmin", "securityadmin", "processadmin", "setupadmin",
                                            "bulkadmin", "diskadmin", "dbcreator", "public"};
const std::set<std::string> kDatabaseRoles = {"db_owner", "db_datareader", "db_datawriter", "db_ddladmin",
                                              "db_securityadmin", "db_accessadmin", "db_backupoperator",
                                              "db_denydatareader", "db_denydatawriter", "public"};

}  // namespace

Access Access::load(sqlite3* db) {
  Access a;
  if (has_table(db, "_tds_login"))
    each_row(db, "SELECT role FROM _tds_login", [&](const std::string& role, const std::string&) { a.roles_.insert(lower(role)); });
  if (has_table(db, "_tds_permissions")) {
    a.listed_ = true;
    each_row(db, "SELECT securable, permission FROM _tds_permissions", [&](const std::string& s, const std::string& p) {
      a.grants_.emplace(lower(s.find('.') == std::string::npos && !s.empty() && s != "*" && !iequals(s, "DATABASE") ? "dbo." + s : s),
                        upper(p));
    });
  }
  return a;
}

std::optional<int> Access::server_role(const std::string& role) const {
  const std::string r = lower(role);
  if (!kServerRoles.count(r)) return std::nullopt;
  return r == "public" || member(r) ? 1 : 0;
}

std::optional<int> Access::database_role(const std::string& role) const {
  const std::string r = lower(role);
  if (!kDatabaseRoles.count(r)) return std::nullopt;
  return r == "public" || member(r) ? 1 : 0;
}

int Access::has_permission(const std::string& object, const std::string& permission) const {
  const std::string p = upper(permission);
  if (member("sysadmin") || member("db_owner")) return 1;
  if (!listed_) {
    if (object.empty()) return p == "VIEW DATABASE STATE" || p == "CONNECT" ? 1 : 0;
    return p == "SELECT" || p == "VIEW DEFINITION" ? 1 : 0;
  }
  if (object.empty()) return grants_.count({"database", p}) ? 1 : 0;
  return grants_.count({object, p}) || grants_.count({"*", p}) ? 1 : 0;
}

}  // namespace tds_test

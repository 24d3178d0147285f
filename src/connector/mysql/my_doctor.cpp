// recon doctor on MySQL/MariaDB: the server, the login and the least-privilege statements.
// See my_doctor.hpp; the per-table facts are in my_doctor_table.cpp.
#include <chrono>

#include "my_doctor.hpp"
#include "my_grants.hpp"
#include "my_query.hpp"
#include "recon/generated/sql_text.hpp"

namespace recon::my {
namespace {

/// 'name'@'%' with ' doubled: the account form CREATE USER and GRANT take.
std::string account(const std::string& user) {
  std::string out = "'";
  for (char c : user) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'@'%'";
}

/// The Aurora version when the server is Aurora MySQL (the variable exists there only), else "".
/// SHOW VARIABLES rather than SELECT @@aurora_version: an unknown variable is an error, LIKE is not.
std::string aurora_version(Connection& c, const std::string& what) {
  const Rows rows = c.query("SHOW GLOBAL VARIABLES LIKE 'aurora\\_version'", what);
  return rows.empty() || rows[0].size() < 2 ? "" : rows[0][1].value_or("");
}

}  // namespace

std::vector<std::string> show_grants(Connection& c, const std::string& what) {
  std::vector<std::string> lines;
  for (const auto& row : c.query("SHOW GRANTS", what))
    if (!row.empty() && row[0]) lines.push_back(*row[0]);
  return lines;
}

ServerFacts server_facts(Connection& c) {
  const std::string what = "reading the " + std::string(side_name(c.side())) + " server's version and session";
  ServerFacts f;
  f.product = c.mariadb() ? "MariaDB" : "MySQL";
  const Rows rows = c.query(catalog_sql(sql::mysql_doctor_server, "", ""), what);
  if (!rows.empty()) {
    f.version = rows[0][0].value_or("");
    f.edition = rows[0][1].value_or("");
    f.login = rows[0][2].value_or("");
    f.database = rows[0][3].value_or("");
  }
  if (const std::string aurora = aurora_version(c, what); !aurora.empty())
    f.edition = "Aurora MySQL " + aurora + (f.edition.empty() ? "" : " (" + f.edition + ")");
  f.protocol = c.protocol();
  f.tls = c.tls();
  // The clock alone in its round trip: the round trip bounds the skew doctor computes.
  const auto start = std::chrono::steady_clock::now();
  const Rows now = c.query("SELECT UTC_TIMESTAMP(6)", what);
  f.clock_round_trip_micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  if (!now.empty() && now[0][0]) {
    std::string enc;
    canon::put_from_text(enc, TypeClass::Timestamp, *now[0][0]);
    std::size_t pos = 0;
    const canon::ValueView v = canon::read_value(enc, pos);
    if (v.tag == TypeClass::Timestamp) f.utc_now_micros = v.as_int64();
  }
  return f;
}

LoginFacts login_facts(Connection& c) {
  LoginFacts f;
  const std::vector<std::string> lines = show_grants(c, "reading the login's grants");
  f.all_powerful_role = all_powerful_role(parse_grants(lines));
  // Aurora MySQL 3's master user holds no SUPER: its power is this role (RDS's own).
  for (const std::string& role : granted_roles(lines))
    if (f.all_powerful_role.empty() && role == "rds_superuser_role") f.all_powerful_role = role;
  // Planning reads information_schema (TABLES.TABLE_ROWS, COLUMNS, STATISTICS), which every login
  // can read for the tables it has any right on: catalog_missing stays empty.
  return f;
}

std::vector<std::string> least_privilege_sql(const std::vector<TableRef>& tables, const std::string& role,
                                             bool writes, const std::string& url_database) {
  std::vector<std::string> out;
  if (writes)
    out.push_back("-- recon apply: a login of its own. SELECT is there because MySQL checks it on the key columns "
                  "an UPDATE or DELETE names in its WHERE, and apply locks rows with SELECT ... FOR UPDATE. "
                  "Replace <password>.");
  else
    out.push_back("-- recon check: reads the tables; information_schema, which planning reads, needs no grant. "
                  "Replace <password>.");
  out.push_back("CREATE USER IF NOT EXISTS " + account(role) + " IDENTIFIED BY '<password>';");
  const std::string rights = writes ? "SELECT, INSERT, UPDATE, DELETE" : "SELECT";
  for (const TableRef& t : tables)
    out.push_back("GRANT " + rights + " ON " + quote_ident(Dialect::Mysql, t.schema.empty() ? url_database : t.schema) +
                  "." + quote_ident(Dialect::Mysql, t.name) + " TO " + account(role) + ";");
  return out;
}

}  // namespace recon::my

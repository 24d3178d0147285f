#pragma once
// Private to the MySQL connector: what `recon doctor` asks of a MySQL/MariaDB side
// (docs/doctor.md, "MySQL and MariaDB"). Every statement is read-only: catalog queries, SHOW
// GRANTS, EXPLAIN (never ANALYZE), and for a key under a case-insensitive collation one GROUP BY
// over the key columns.

#include <string>
#include <vector>

#include "my_connection.hpp"
#include "recon/connector/connector.hpp"

namespace recon::my {

/// Version, edition (@@version_comment; Aurora's @@aurora_version when the server has it),
/// protocol, TLS, CURRENT_USER(), DATABASE() and UTC_TIMESTAMP(6) read alone, with its round trip.
ServerFacts server_facts(Connection& c);

/// ALL PRIVILEGES or SUPER ON *.* from SHOW GRANTS. Planning reads information_schema only,
/// which shows every table the login has a right on: nothing to miss.
LoginFacts login_facts(Connection& c);

/// Rights (SHOW GRANTS, and a SELECT of no row to prove reading works), TABLE_ROWS, InnoDB's
/// persistent statistics age, key collations, case-colliding keys and EXPLAIN of the exact
/// statement of `first_range`. `info` is the table as describe() found it (schema resolved).
TableFacts table_facts(Connection& c, const RangeQuery& first_range, const TableInfo& info);

/// CREATE USER / GRANT statements for the login `role` on `tables` (schema "" is
/// `url_database`): SELECT only, or with `writes` (recon apply's login, which doctor names
/// `<role>_apply`) SELECT, INSERT, UPDATE and DELETE. Comments start with "--"; every other
/// element is one statement that runs as written on MySQL 5.7+ and MariaDB 10.1+.
std::vector<std::string> least_privilege_sql(const std::vector<TableRef>& tables, const std::string& role,
                                             bool writes, const std::string& url_database);

/// The lines of SHOW GRANTS for the session's login (and its active role on MariaDB).
std::vector<std::string> show_grants(Connection& c, const std::string& what);

}  // namespace recon::my

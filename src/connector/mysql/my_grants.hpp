#pragma once
// Private to the MySQL connector: the login's rights, read from SHOW GRANTS for `recon doctor`.
//
// SHOW GRANTS is the one statement that lists a session's rights on both MySQL and MariaDB
// including the grants of its active role (MariaDB), without reading the mysql schema (which a
// least-privilege login cannot). information_schema's *_PRIVILEGES views leave role grants out.

#include <string>
#include <vector>

namespace recon::my {

/// One `GRANT <privileges> ON <object> TO …` line. A role grant (`GRANT r TO u`) and grants on
/// routines or proxies are not kept.
struct Grant {
  std::vector<std::string> privileges;  ///< upper case, column lists dropped: "SELECT", "ALL PRIVILEGES"
  std::string database;                 ///< "*" for *.*
  std::string table;                    ///< "*" for db.* and *.*
};

/// Parses SHOW GRANTS lines; lines that are not object grants are skipped.
std::vector<Grant> parse_grants(const std::vector<std::string>& lines);

/// The roles granted to the login (`GRANT `r`@`%` TO …` on MySQL 8, `GRANT `r` TO …` on MariaDB).
std::vector<std::string> granted_roles(const std::vector<std::string>& lines);

/// "ALL PRIVILEGES" or "SUPER" when granted ON *.*, else "".
std::string all_powerful_role(const std::vector<Grant>& grants);

/// Whether SELECT on `database`.`table` is granted (globally, on the database or on the table).
bool grants_select(const std::vector<Grant>& grants, const std::string& database, const std::string& table);

/// The rights on `database`.`table` beyond reading it, in the order INSERT, UPDATE, DELETE,
/// ALTER, DROP (TRUNCATE TABLE needs DROP on MySQL), INDEX, TRIGGER, DELETE HISTORY (MariaDB);
/// ALL PRIVILEGES counts as each. Column-level INSERT/UPDATE count too.
std::vector<std::string> write_rights(const std::vector<Grant>& grants, const std::string& database,
                                      const std::string& table);

}  // namespace recon::my

#pragma once
/// What the fixture says the login may do, for the functions `recon doctor` asks about
/// (IS_SRVROLEMEMBER, IS_ROLEMEMBER, HAS_PERMS_BY_NAME) and for sys.dm_db_partition_stats, which
/// SQL Server refuses without VIEW DATABASE STATE (docs/tds-test-server.md, "Login and rights").
///
/// - `_tds_login(role TEXT)`: the server and database roles the login is a member of
///   ('sysadmin', 'db_owner', 'db_datareader', …). None when the table is absent.
/// - `_tds_permissions(securable TEXT, permission TEXT)`: when present, exactly the permissions
///   the login holds: securable 'DATABASE' for a database permission ('VIEW DATABASE STATE'), a
///   table's 'schema.name' or bare name, or '*' for every table ('SELECT', 'INSERT', 'UPDATE',
///   'DELETE', 'ALTER', …). When absent, the login is a plain reader: SELECT and VIEW DEFINITION on
///   every table, VIEW DATABASE STATE, nothing else.
/// sysadmin holds every permission, db_owner every permission in the database. The model answers
/// questions; it does not refuse the statements (writes still run, as with a db_owner login).

#include <sqlite3.h>

#include <optional>
#include <set>
#include <string>
#include <utility>

namespace tds_test {

class Access {
 public:
  /// Reads `_tds_login` and `_tds_permissions` when the fixture has them.
  static Access load(sqlite3* db);

  /// IS_SRVROLEMEMBER(role): 1 or 0; nullopt (NULL) for a name that is not a fixed server role.
  std::optional<int> server_role(const std::string& role) const;
  /// IS_ROLEMEMBER(role): 1 or 0; nullopt for a name that is not a fixed database role.
  std::optional<int> database_role(const std::string& role) const;
  /// HAS_PERMS_BY_NAME: `object` is the table's "schema.name" (lowercase) for class OBJECT, "" for
  /// class DATABASE. 1 or 0.
  int has_permission(const std::string& object, const std::string& permission) const;

 private:
  bool member(const std::string& role) const { return roles_.count(role) > 0; }
  std::set<std::string> roles_;                               ///< lowercase
  bool listed_ = false;                                       ///< _tds_permissions exists
  std::set<std::pair<std::string, std::string>> grants_;      ///< (securable lowercase, PERMISSION)
};

}  // namespace tds_test

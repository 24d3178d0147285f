#pragma once
// Private to the MySQL connector: the job's url, parsed strictly.

#include <string>

#include "recon/core/errors.hpp"

namespace recon::my {

/// mysql://user[:password]@host[:port]/database
struct MysqlUrl {
  std::string user;
  std::string password;  ///< from the url; the endpoint's password_env wins over it
  std::string host;
  int port = 3306;
  std::string database;
  /// "mysql://user@host:port/database" — never the password.
  std::string display() const;
};

/// Parses `url`; throws InputError naming the side and the password-free url and saying what is
/// wrong (write mysql://user@host:3306/database, the password in password_env).
MysqlUrl parse_mysql_url(const std::string& url, Side side);

}  // namespace recon::my

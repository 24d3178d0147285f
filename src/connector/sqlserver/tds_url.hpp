#pragma once
// Private to the SQL Server connector: the job's url, parsed strictly.

#include <string>

#include "recon/core/errors.hpp"

namespace recon::tds {

/// sqlserver://user@host[:port]/database
struct SqlServerUrl {
  std::string user;
  std::string host;  ///< name or IPv4 address; an IPv6 address without its brackets
  int port = 1433;
  std::string database;
  /// "sqlserver://user@host:port/database" (never a password: the url cannot carry one).
  std::string display() const;
};

/// Parses `url`; throws InputError naming the side and the (password-free) url and saying what
/// is wrong. A password in the url is refused: it belongs in password_env.
SqlServerUrl parse_sqlserver_url(const std::string& url, Side side);

}  // namespace recon::tds

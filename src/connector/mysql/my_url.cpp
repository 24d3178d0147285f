// Strict parsing of mysql:// urls. See my_url.hpp.
#include "my_url.hpp"

#include <cctype>

#include "../url_text.hpp"

namespace recon::my {
using url_text::host_char;
using url_text::percent_decode;

std::string MysqlUrl::display() const {
  return "mysql://" + user + "@" + host + ":" + std::to_string(port) + "/" + database;
}

MysqlUrl parse_mysql_url(const std::string& url, Side side) {
  auto bad = [&](const std::string& why) {
    return InputError(std::string("[") + side_name(side) + "] url " + redact_secrets(url) +
                      " is not a valid MySQL url (" + why +
                      "); write mysql://user@host:3306/database and put the password in password_env");
  };
  static constexpr std::string_view kScheme = "mysql://";
  if (url.size() < kScheme.size()) throw bad("it must start with mysql://");
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(url[i])) != kScheme[i]) throw bad("it must start with mysql://");
  const std::string rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string::npos)
    throw bad("query strings and fragments are not supported; use the job's login_timeout option");
  const auto at = rest.rfind('@');
  if (at == std::string::npos || at == 0) throw bad("the user name is missing");
  const std::string userinfo = rest.substr(0, at);
  const auto colon = userinfo.find(':');
  MysqlUrl u;
  if (!percent_decode(userinfo.substr(0, colon), u.user) || u.user.empty()) throw bad("the user name is not valid");
  if (colon != std::string::npos && !percent_decode(userinfo.substr(colon + 1), u.password))
    throw bad("the password has a bad %-escape");

  const std::string after = rest.substr(at + 1);
  const auto slash = after.find('/');
  if (slash == std::string::npos) throw bad("the database name is missing");
  const std::string hostport = after.substr(0, slash);
  if (!percent_decode(after.substr(slash + 1), u.database) || u.database.empty() ||
      u.database.find('/') != std::string::npos)
    throw bad("the database name is missing or not valid");
  const auto pc = hostport.find(':');
  u.host = hostport.substr(0, pc);
  if (u.host.empty()) throw bad("the host is missing");
  for (char c : u.host)
    if (!host_char(c)) throw bad("the host name contains '" + std::string(1, c) + "'");
  if (pc != std::string::npos) {
    const std::string p = hostport.substr(pc + 1);
    long port = 0;
    if (p.empty() || p.size() > 5) throw bad("the port must be a number from 1 to 65535");
    for (char c : p) {
      if (!std::isdigit(static_cast<unsigned char>(c))) throw bad("the port must be a number from 1 to 65535");
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) throw bad("the port must be a number from 1 to 65535");
    u.port = static_cast<int>(port);
  }
  return u;
}

}  // namespace recon::my

// Strict parsing of sqlserver:// urls. See tds_url.hpp.
#include "tds_url.hpp"

#include <cctype>

#include "../url_text.hpp"

namespace recon::tds {
using url_text::host_char;
using url_text::percent_decode;

std::string SqlServerUrl::display() const {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "sqlserver://" + user + "@" + h + ":" + std::to_string(port) + "/" + database;
}

SqlServerUrl parse_sqlserver_url(const std::string& url, Side side) {
  auto bad = [&](const std::string& why) -> InputError {
    return InputError(std::string("[") + side_name(side) + "] url " + redact_secrets(url) +
                      " is not a valid SQL Server url (" + why +
                      "); write sqlserver://user@host:1433/database and put the password in password_env");
  };
  static constexpr std::string_view kScheme = "sqlserver://";
  if (url.size() < kScheme.size()) throw bad("it must start with sqlserver://");
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(url[i])) != kScheme[i]) throw bad("it must start with sqlserver://");
  const std::string rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string::npos)
    throw bad("query strings and fragments are not supported; use the job's encrypt and login_timeout options");
  const auto at = rest.rfind('@');
  if (at == std::string::npos || at == 0) throw bad("the user name is missing");
  const std::string userinfo = rest.substr(0, at);
  if (userinfo.find(':') != std::string::npos) throw bad("a password must not be written in the url");
  if (userinfo.find('/') != std::string::npos) throw bad("the user name contains '/'");
  SqlServerUrl u;
  if (!percent_decode(userinfo, u.user) || u.user.empty()) throw bad("the user name is not valid");

  const std::string after = rest.substr(at + 1);
  const auto slash = after.find('/');
  if (slash == std::string::npos) throw bad("the database name is missing");
  std::string hostport = after.substr(0, slash);
  const std::string db = after.substr(slash + 1);
  if (db.empty() || db.find('/') != std::string::npos) throw bad("the database name is missing or contains '/'");
  if (!percent_decode(db, u.database) || u.database.empty()) throw bad("the database name is not valid");
  for (char c : u.database)
    if (static_cast<unsigned char>(c) < 0x20) throw bad("the database name contains a control character");

  std::string port_text;
  if (!hostport.empty() && hostport[0] == '[') {  // [IPv6]:port
    const auto close = hostport.find(']');
    if (close == std::string::npos) throw bad("unterminated [IPv6 address]");
    u.host = hostport.substr(1, close - 1);
    for (char c : u.host)
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') throw bad("bad IPv6 address");
    const std::string tail = hostport.substr(close + 1);
    if (!tail.empty()) {
      if (tail[0] != ':') throw bad("unexpected text after the IPv6 address");
      port_text = tail.substr(1);
      if (port_text.empty()) throw bad("the port is empty");
    }
  } else {
    const auto colon = hostport.find(':');
    u.host = hostport.substr(0, colon);
    if (colon != std::string::npos) {
      port_text = hostport.substr(colon + 1);
      if (port_text.empty()) throw bad("the port is empty");
    }
    if (u.host.find('\\') != std::string::npos)
      throw bad("named instances (host\\instance) are not supported; give the instance's TCP port");
    for (char c : u.host)
      if (!host_char(c)) throw bad("the host name contains '" + std::string(1, c) + "'");
  }
  if (u.host.empty()) throw bad("the host is missing");
  if (!port_text.empty()) {
    if (port_text.size() > 5) throw bad("the port must be a number from 1 to 65535");
    long p = 0;
    for (char c : port_text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) throw bad("the port must be a number from 1 to 65535");
      p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) throw bad("the port must be a number from 1 to 65535");
    u.port = static_cast<int>(p);
  }
  return u;
}

}  // namespace recon::tds

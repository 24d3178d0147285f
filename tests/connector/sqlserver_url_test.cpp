// sqlserver:// url parsing: strict, and never echoing a password.
#include <gtest/gtest.h>

#include "../../src/connector/sqlserver/tds_url.hpp"

namespace recon::tds {
namespace {

TEST(SqlServerUrl, ParsesUserHostPortDatabase) {
  const auto u = parse_sqlserver_url("sqlserver://recon@db.example.com:14330/Consorcio", Side::Source);
  EXPECT_EQ(u.user, "recon");
  EXPECT_EQ(u.host, "db.example.com");
  EXPECT_EQ(u.port, 14330);
  EXPECT_EQ(u.database, "Consorcio");
  EXPECT_EQ(u.display(), "sqlserver://recon@db.example.com:14330/Consorcio");
}

TEST(SqlServerUrl, DefaultsPortTo1433AndDecodesEscapes) {
  const auto u = parse_sqlserver_url("SQLSERVER://dom%5Cuser@10.0.0.5/My%20Db", Side::Source);
  EXPECT_EQ(u.user, "dom\\user");
  EXPECT_EQ(u.host, "10.0.0.5");
  EXPECT_EQ(u.port, 1433);
  EXPECT_EQ(u.database, "My Db");
}

TEST(SqlServerUrl, AcceptsBracketedIpv6) {
  const auto u = parse_sqlserver_url("sqlserver://sa@[::1]:1500/master", Side::Target);
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 1500);
  EXPECT_EQ(u.display(), "sqlserver://sa@[::1]:1500/master");
}

std::string error_of(const std::string& url) {
  try {
    parse_sqlserver_url(url, Side::Source);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(SqlServerUrl, RejectsMalformedUrlsNamingTheProblem) {
  EXPECT_NE(error_of("postgresql://u@h/db").find("must start with sqlserver://"), std::string::npos);
  EXPECT_NE(error_of("sqlserver://h:1433/db").find("user name is missing"), std::string::npos);
  EXPECT_NE(error_of("sqlserver://u@h:1433").find("database name is missing"), std::string::npos);
  EXPECT_NE(error_of("sqlserver://u@h:1433/").find("database name"), std::string::npos);
  EXPECT_NE(error_of("sqlserver://u@h:0/db").find("port must be a number"), std::string::npos);
  EXPECT_NE(error_of("sqlserver://u@h:70000/db").find("port must be a number"), std::string::npos);
  EXPECT_NE(error_of("sqlserver://u@h:/db").find("port is empty"), std::string::npos);
  EXPECT_NE(error_of("sqlserver://u@h:12ab/db").find("port must be a number"), std::string::npos);
  EXPECT_NE(error_of("sqlserver://u@h\\SQLEXPRESS/db").find("named instances"), std::string::npos);
  EXPECT_NE(error_of("sqlserver://u@h/db?encrypt=yes").find("query strings"), std::string::npos);
  EXPECT_NE(error_of("sqlserver://u@h%zz/db").find("host name contains"), std::string::npos);
  EXPECT_NE(error_of("sqlserver://u@/db").find("host is missing"), std::string::npos);
  EXPECT_EQ(error_of("sqlserver://u@h/db"), "no error");
}

TEST(SqlServerUrl, PasswordInUrlIsRefusedAndNeverEchoed) {
  const std::string msg = error_of("sqlserver://recon:Secr3t!@h:1433/db");
  EXPECT_NE(msg.find("password must not be written in the url"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("Secr3t"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[source]"), std::string::npos) << msg;
}

}  // namespace
}  // namespace recon::tds

// Error helpers (src/core/errors.cpp, include/recon/core/errors.hpp): side names, the error types'
// flags and, above all, that no password survives into a log line or the audit trail.
#include <gtest/gtest.h>

#include "recon/core/errors.hpp"

namespace recon {
namespace {

TEST(Redaction, PasswordsNeverSurvive) {
  EXPECT_EQ(redact_secrets("postgresql://u:s3cr3t@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(redact_secrets("host=h password='a b' user=u"), "host=h password=*** user=u");
  EXPECT_EQ(redact_secrets("postgresql://h/db?password=x&sslmode=require"),
            "postgresql://h/db?password=***&sslmode=require");
  EXPECT_EQ(redact_secrets("sqlserver://sa@h:1433/db"), "sqlserver://sa@h:1433/db");
}

TEST(Redaction, PostgresUrls) {
  EXPECT_EQ(redact_secrets("postgres://recon:p%40ss%3Aw0rd@db.example.com/src"), "postgres://recon:***@db.example.com/src");
  EXPECT_EQ(redact_secrets("postgresql://u:a:b:c@h/db"), "postgresql://u:***@h/db");  // ':' in the password
  EXPECT_EQ(redact_secrets("postgresql://u:@h/db"), "postgresql://u:***@h/db");        // empty password
  EXPECT_EQ(redact_secrets("postgresql://:secret@h/db"), "postgresql://:***@h/db");    // no user
  EXPECT_EQ(redact_secrets("postgresql://u:pw@[::1]:5432/db"), "postgresql://u:***@[::1]:5432/db");
  EXPECT_EQ(redact_secrets("postgresql://u:pw@h1:5432,h2:5433/db?target_session_attrs=read-write"),
            "postgresql://u:***@h1:5432,h2:5433/db?target_session_attrs=read-write");
}

TEST(Redaction, AnyUrlSchemeWithAPassword) {
  EXPECT_EQ(redact_secrets("sqlserver://sa:Pa55w0rd!@sql01:1433/Consorcio"), "sqlserver://sa:***@sql01:1433/Consorcio");
  EXPECT_EQ(redact_secrets("postgresql://u:pw@h/db?password=other"), "postgresql://u:***@h/db?password=***");
}

TEST(Redaction, EveryUrlInAMessage) {
  EXPECT_EQ(redact_secrets("could not connect to \"postgresql://a:x@h1/db\": timeout; fell back to "
                           "postgresql://b:y@h2/db"),
            "could not connect to \"postgresql://a:***@h1/db\": timeout; fell back to postgresql://b:***@h2/db");
}

// The userinfo ends at the last '@' before the query: whatever the password holds, none of it stays.
TEST(Redaction, PasswordsHoldingAtSignsAndDelimiters) {
  EXPECT_EQ(redact_secrets("postgresql://u:p@ss@h/db"), "postgresql://u:***@h/db");
  EXPECT_EQ(redact_secrets("postgresql://u:a@b:c@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(redact_secrets("sqlserver://sa:x@y@host:1433/db"), "sqlserver://sa:***@host:1433/db");
  EXPECT_EQ(redact_secrets("postgresql://u:@@@h"), "postgresql://u:***@h");                // no path at all
  EXPECT_EQ(redact_secrets("postgresql://u:pa/ss@h/db"), "postgresql://u:***@h/db");       // '/' in the password
  EXPECT_EQ(redact_secrets("postgresql://u:pa/s@s@h/db"), "postgresql://u:***@h/db");
  EXPECT_EQ(redact_secrets("postgresql://u:pa?ss@h/db"), "postgresql://u:***@h/db");       // '?' in the password
  EXPECT_EQ(redact_secrets("postgresql://u:pa#s@s@h/db?x=a@b"), "postgresql://u:***@h/db?x=a@b");
  EXPECT_EQ(redact_secrets("postgresql://u:p@ss@[::1]:5432/db"), "postgresql://u:***@[::1]:5432/db");
}

TEST(Redaction, AnAtSignInTheQueryIsNotUserinfo) {
  for (const char* plain : {"postgresql://u@h/db?application_name=a@b", "postgresql://h/db?application_name=a@b",
                            "postgresql://h:5432/db?application_name=a@b", "postgresql://h?application_name=a:b@c",
                            "postgresql://h1:5432,h2:5433/db?application_name=a@b",
                            "postgresql://[::1]:5432/db#frag@x", "postgresql://u@h/db"})
    EXPECT_EQ(redact_secrets(plain), plain) << plain;
  EXPECT_EQ(redact_secrets("postgresql://u:pw@h/db?application_name=a@b"),
            "postgresql://u:***@h/db?application_name=a@b");
  EXPECT_EQ(redact_secrets("postgresql://u:p@w@h/db?application_name=a:b@c&password=z"),
            "postgresql://u:***@h/db?application_name=a:b@c&password=***");
}

TEST(Redaction, EachUrlEndsAtWhitespaceOrTheNextUrl) {
  EXPECT_EQ(redact_secrets("postgresql://a:x@y@h1/db,sqlserver://b:p@q@h2:1433/db"),
            "postgresql://a:***@h1/db,sqlserver://b:***@h2:1433/db");
  EXPECT_EQ(redact_secrets("from postgresql://a:x@h1/db to postgresql://u@h2/db?x=a@b (user u@example)"),
            "from postgresql://a:***@h1/db to postgresql://u@h2/db?x=a@b (user u@example)");
  EXPECT_EQ(redact_secrets("url 'postgresql://u:p@ss@h/db' is not valid"),
            "url 'postgresql://u:***@h/db' is not valid");
  EXPECT_EQ(redact_secrets("postgresql://u:pw@h/db?target=http://x:y@z"),
            "postgresql://u:***@h/db?target=http://x:***@z");
}

TEST(Redaction, KeyValueStrings) {
  EXPECT_EQ(redact_secrets("host=h password=secret dbname=d"), "host=h password=*** dbname=d");
  EXPECT_EQ(redact_secrets("password=secret"), "password=***");
  EXPECT_EQ(redact_secrets("PASSWORD = secret user=u"), "PASSWORD = *** user=u");    // any case, spaces
  EXPECT_EQ(redact_secrets("Server=h;UID=sa;PWD=s3cr3t;Database=d"), "Server=h;UID=sa;PWD=***;Database=d");
  EXPECT_EQ(redact_secrets("user=u passwd=x"), "user=u passwd=***");
  EXPECT_EQ(redact_secrets("sslpassword=keypass host=h"), "sslpassword=*** host=h");
  EXPECT_EQ(redact_secrets("password='it\\'s secret' host=h"), "password=*** host=h");  // escaped quote
  EXPECT_EQ(redact_secrets("password='' host=h"), "password=*** host=h");
  EXPECT_EQ(redact_secrets("a=1&Password=abc&b=2"), "a=1&Password=***&b=2");
}

TEST(Redaction, TextWithoutSecretsIsUnchanged) {
  for (const char* plain : {"", "connection refused", "host=h port=5432 user=u dbname=d sslmode=require",
                            "postgresql://u@h:5432/db", "sqlite:///var/lib/recon/a.db", "http://h:80/x",
                            "the password is checked by the server"})
    EXPECT_EQ(redact_secrets(plain), plain) << plain;
}

TEST(Redaction, IsIdempotent) {
  for (const char* s : {"postgresql://u:pw@h/db password=x", "host=h password='a b'", "PWD=1;UID=2",
                        "postgresql://u:p@ss@h/db", "postgresql://u:pa?ss@h/db"}) {
    const std::string once = redact_secrets(s);
    EXPECT_EQ(redact_secrets(once), once) << s;
    EXPECT_EQ(once.find("pw@"), std::string::npos);
  }
}

TEST(Errors, SideNames) {
  EXPECT_STREQ(side_name(Side::Source), "source");
  EXPECT_STREQ(side_name(Side::Target), "target");
}

TEST(Errors, ConnectorErrorCarriesSideAndRetryFlags) {
  const ConnectorError lost(Side::Target, "server closed the connection", /*poisoned=*/true);
  EXPECT_EQ(lost.side(), Side::Target);
  EXPECT_TRUE(lost.poisoned());
  EXPECT_FALSE(lost.login());  // an unreachable server is a runtime failure, not bad input
  EXPECT_STREQ(lost.what(), "server closed the connection");
  const ConnectorError login(Side::Source, "password authentication failed", false, /*login=*/true);
  EXPECT_TRUE(login.login());
  EXPECT_FALSE(login.poisoned());
  const std::runtime_error& base = InputError("bad job file");
  EXPECT_STREQ(base.what(), "bad job file");
}

TEST(Errors, ExitCodesAreTheContractsNumbers) {
  EXPECT_EQ(kExitConsistent, 0);
  EXPECT_EQ(kExitDivergent, 1);
  EXPECT_EQ(kExitBadInput, 2);
  EXPECT_EQ(kExitRuntime, 3);
}

}  // namespace
}  // namespace recon

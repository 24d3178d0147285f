// Masks and keyed tokens for personal data (src/privacy/masks.cpp).
#include <gtest/gtest.h>

#include <cstdlib>

#include "recon/privacy/masks.hpp"

namespace recon::privacy {
namespace {

const TokenKey kKey("a test key, never a real one");

TEST(Masks, DocumentsKeepTheirLastFourDigitsAndTheirPunctuation) {
  EXPECT_EQ(mask(MaskKind::Cpf, "123.456.789-01", kKey), "***.***.*89-01");
  EXPECT_EQ(mask(MaskKind::Cpf, "12345678901", kKey), "*******8901");
  EXPECT_EQ(mask(MaskKind::Cnpj, "12.345.678/0001-95", kKey), "**.***.***/**01-95");
  EXPECT_EQ(mask(MaskKind::Phone, "(11) 98765-4321", kKey), "(**) *****-4321");
  EXPECT_EQ(mask(MaskKind::Phone, "+55 11 98765-4321", kKey), "+** ** *****-4321");
  EXPECT_EQ(mask(MaskKind::Cpf, "123", kKey), "***") << "too short to keep anything";
  EXPECT_EQ(mask(MaskKind::Cpf, "abc.def", kKey), "***.***") << "letters never shown";
  EXPECT_EQ(mask(MaskKind::Cpf, "", kKey), "");
}

TEST(Masks, EngineMessagesLoseTheRowValuesTheyQuote) {
  EXPECT_EQ(without_row_values("ERROR:  duplicate key value violates unique constraint \"contas_pkey\"\n"
                               "DETAIL:  Key (cpf)=(123.456.789-01) already exists.\n"),
            "ERROR:  duplicate key value violates unique constraint \"contas_pkey\"\n");
  EXPECT_EQ(without_row_values("Violation of PRIMARY KEY constraint 'PK_x'. The duplicate key value is (123.456.789-01)."),
            "Violation of PRIMARY KEY constraint 'PK_x'. The duplicate key value is (…).");
  EXPECT_EQ(without_row_values("check (a)=(b) failed"), "check (a)=(…) failed");
  EXPECT_EQ(without_row_values("connection lost (server closed it)"), "connection lost (server closed it)");
}

TEST(Masks, EmailKeepsTheFirstCharacterAndTheDomain) {
  EXPECT_EQ(mask(MaskKind::Email, "maria.silva@example.com.br", kKey), "m***@example.com.br");
  EXPECT_EQ(mask(MaskKind::Email, "élodie@example.fr", kKey), "é***@example.fr") << "a whole UTF-8 character";
  EXPECT_EQ(mask(MaskKind::Email, "@example.com", kKey), "***@example.com");
  EXPECT_EQ(mask(MaskKind::Email, "not an address", kKey), "***");
}

TEST(Masks, RedactAndHash) {
  EXPECT_EQ(mask(MaskKind::Redact, "Maria da Silva", kKey), "***");
  EXPECT_EQ(mask(MaskKind::Hash, "Maria", kKey), kKey.token("Maria"));
}

TEST(Tokens, AreHmacSha256SameValueSameTokenAndKeyed) {
  // RFC 4231, test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?").
  EXPECT_EQ(TokenKey("Jefe").token("what do ya want for nothing?"), "tok:5bdcc146bf60754e6a042426089575c7");
  EXPECT_EQ(kKey.token("123.456.789-01"), kKey.token("123.456.789-01"));
  EXPECT_NE(kKey.token("123.456.789-01"), kKey.token("123.456.789-02"));
  EXPECT_NE(kKey.token("x"), TokenKey("another key").token("x"));
}

TEST(Tokens, KeyFromTheEnvironment) {
  ::setenv("RECON_TEST_PII_KEY", "s3cret", 1);
  const auto key = token_key_from_env("RECON_TEST_PII_KEY");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->token("v"), TokenKey("s3cret").token("v"));
  ::setenv("RECON_TEST_PII_KEY", "", 1);
  EXPECT_FALSE(token_key_from_env("RECON_TEST_PII_KEY").has_value()) << "empty is no key";
  ::unsetenv("RECON_TEST_PII_KEY");
  EXPECT_FALSE(token_key_from_env("RECON_TEST_PII_KEY").has_value());
}

TEST(MaskKinds, NamesRoundTrip) {
  for (const char* name : {"cpf", "cnpj", "email", "phone", "redact", "hash"}) {
    const auto kind = parse_mask_kind(name);
    ASSERT_TRUE(kind.has_value()) << name;
    EXPECT_STREQ(mask_kind_name(*kind), name);
  }
  EXPECT_FALSE(parse_mask_kind("CPF"));
  EXPECT_EQ(mask_kind_names(), "cpf, cnpj, email, phone, redact, hash");
}

}  // namespace
}  // namespace recon::privacy

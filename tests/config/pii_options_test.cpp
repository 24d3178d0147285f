// [[tables]] pii and [check].pii_key_env (src/config/job_pii.cpp).
#include <gtest/gtest.h>

#include <cstdlib>

#include "recon/config/job.hpp"
#include "recon/core/errors.hpp"

using namespace recon;

namespace {

std::string job(const std::string& table_extra, const std::string& check_extra = "") {
  return "[source]\nkind = \"sqlite\"\nurl = \"a.db\"\n[target]\nkind = \"sqlite\"\nurl = \"b.db\"\n[check]\n" +
         check_extra + "\n[[tables]]\nsource = \"clientes\"\nkey = [\"id\"]\n" + table_extra + "\n";
}

std::string message_of(const std::string& text) {
  try {
    parse_job_text(text, "job.toml", "/jobs");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

class PiiOptions : public ::testing::Test {
 protected:
  void SetUp() override { setenv("RECON_TEST_PII_KEY", "a test key of more than sixteen bytes", 1); }
  void TearDown() override {
    unsetenv("RECON_TEST_PII_KEY");
    unsetenv("RECON_PII_KEY");
  }
};

TEST_F(PiiOptions, ColumnsAndMasksAreReadWithTheKeyFromTheNamedVariable) {
  const RunOptions o = parse_job_text(job("pii = { cpf = \"cpf\", email = \"email\", nome = \"redact\" }",
                                          "pii_key_env = \"RECON_TEST_PII_KEY\""),
                                      "job.toml", "/jobs");
  ASSERT_EQ(o.tables.at(0).pii.size(), 3u);
  EXPECT_EQ(o.tables[0].pii[0].column, "cpf");
  EXPECT_EQ(o.tables[0].pii[0].mask, privacy::MaskKind::Cpf);
  EXPECT_EQ(o.tables[0].pii[2].mask, privacy::MaskKind::Redact);
  ASSERT_TRUE(o.pii_key);
  EXPECT_EQ(o.pii_key->token("x"), privacy::TokenKey("a test key of more than sixteen bytes").token("x"));
}

TEST_F(PiiOptions, AJobWithPiiAndNoKeyIsRefusedNamingTheVariableAndTheTable) {
  unsetenv("RECON_PII_KEY");
  const std::string m = message_of(job("pii = { cpf = \"cpf\" }"));
  EXPECT_NE(m.find("job.toml:9"), std::string::npos) << m;
  EXPECT_NE(m.find("RECON_PII_KEY is not set"), std::string::npos) << m;
  EXPECT_NE(m.find("'clientes'"), std::string::npos) << m;
  setenv("RECON_PII_KEY", "short", 1);
  EXPECT_NE(message_of(job("pii = { cpf = \"cpf\" }")).find("is too short"), std::string::npos);
  EXPECT_EQ(message_of(job("")), "") << "no pii: no key needed";
}

TEST_F(PiiOptions, AnUnknownMaskNamesTheKeyAndTheChoices) {
  const std::string m = message_of(job("pii = { cpf = \"cpff\" }", "pii_key_env = \"RECON_TEST_PII_KEY\""));
  EXPECT_NE(m.find("job.toml:"), std::string::npos) << m;
  EXPECT_NE(m.find("pii.cpf must be one of cpf, cnpj, email, phone, redact, hash"), std::string::npos) << m;
  EXPECT_NE(message_of(job("pii = \"cpf\"", "pii_key_env = \"RECON_TEST_PII_KEY\"")).find("must be a table"),
            std::string::npos);
}

}  // namespace

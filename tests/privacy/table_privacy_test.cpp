// A table's sensitive columns: shown, tokenised and sealed encodings (src/privacy/table_privacy.cpp).
#include <gtest/gtest.h>

#include "recon/core/canonical.hpp"
#include "recon/core/errors.hpp"
#include "recon/privacy/table_privacy.hpp"

namespace recon::privacy {
namespace {

const auto kKey = std::make_shared<const TokenKey>("a test key, never a real one");

std::string row(std::int64_t id, std::string_view cpf, std::string_view note) {
  std::string out;
  canon::put_integer(out, id);
  canon::put_text(out, cpf);
  if (note.empty()) canon::put_null(out);
  else canon::put_text(out, note);
  return out;
}

/// Key: (cpf); values: (id, cpf, note) with cpf and note sensitive.
TablePrivacy clientes() { return TablePrivacy({MaskKind::Cpf}, {std::nullopt, MaskKind::Cpf, MaskKind::Redact}, kKey); }

std::vector<std::string> texts(std::string_view encoded) {
  std::vector<std::string> out;
  for (std::size_t pos = 0; pos < encoded.size();) out.push_back(canon::to_display(canon::read_value(encoded, pos)));
  return out;
}

TEST(TablePrivacy, ShowsMasksAndKeepsTheOtherColumnsAndNulls) {
  const auto shown = texts(clientes().shown_values(row(7, "123.456.789-01", "")));
  ASSERT_EQ(shown.size(), 3u);
  EXPECT_EQ(shown[0], "7");
  EXPECT_EQ(shown[1], "\"***.***.*89-01\"");
  EXPECT_EQ(shown[2], "NULL") << "a NULL stays NULL: 'no value' is not personal data";
  std::string key;
  canon::put_text(key, "123.456.789-01");
  EXPECT_EQ(canon::key_to_json(clientes().shown_key(key)), "[\"***.***.*89-01\"]");
}

TEST(TablePrivacy, TokensTellEqualFromDifferentWithoutTheValue) {
  const TablePrivacy p = clientes();
  const std::string a = p.token_values(row(7, "123.456.789-01", "x"));
  EXPECT_EQ(a, p.token_values(row(7, "123.456.789-01", "x"))) << "same value, same token";
  EXPECT_NE(a, p.token_values(row(7, "123.456.789-02", "x")));
  EXPECT_EQ(a.find("456"), std::string::npos) << "no digit of the CPF is kept";
  const auto t = texts(a);
  EXPECT_EQ(t[1].rfind("\"tok:", 0), 0u) << t[1];
  const TablePrivacy other({MaskKind::Cpf}, {std::nullopt, MaskKind::Cpf, MaskKind::Redact},
                           std::make_shared<const TokenKey>("another key, never a real one"));
  EXPECT_NE(a, other.token_values(row(7, "123.456.789-01", "x"))) << "tokens depend on the key";
}

TEST(TablePrivacy, NothingSensitiveLeavesEncodingsAlone) {
  const TablePrivacy none;
  const std::string r = row(1, "123.456.789-01", "n");
  EXPECT_FALSE(none.any());
  EXPECT_EQ(none.shown_values(r), r);
  EXPECT_EQ(none.token_values(r), r);
  EXPECT_EQ(none.seal_key(r), r);
}

TEST(TablePrivacy, SensitiveKeysAreSealedAndOpenOnlyWithTheirKey) {
  std::string key;
  canon::put_text(key, "123.456.789-01");
  const std::string sealed = clientes().seal_key(key);
  EXPECT_TRUE(is_sealed(sealed));
  EXPECT_EQ(sealed.find("456"), std::string::npos);
  EXPECT_NE(sealed, clientes().seal_key(key)) << "a fresh IV each time";
  EXPECT_EQ(open_sealed(sealed, kKey.get(), "here"), key);
  EXPECT_EQ(open_sealed(key, nullptr, "here"), key) << "a key that was never sealed reads as it is";
  EXPECT_THROW(open_sealed(sealed, nullptr, "here"), InputError);
  const TokenKey wrong("another key, never a real one");
  EXPECT_THROW(open_sealed(sealed, &wrong, "here"), InputError);
  std::string damaged = sealed;
  damaged[damaged.size() - 1] ^= 1;
  EXPECT_THROW(open_sealed(damaged, kKey.get(), "here"), InputError) << "GCM's tag refuses an edited key";
}

TEST(TablePrivacy, ShownValueMasksOneColumn) {
  const TablePrivacy p = clientes();
  std::string v;
  canon::put_text(v, "maria@example.com");
  std::size_t pos = 0;
  const auto view = canon::read_value(v, pos);
  EXPECT_EQ(p.shown_value(2, view), "\"***\"");
  EXPECT_EQ(p.shown_value(0, view), "\"maria@example.com\"");
}

}  // namespace
}  // namespace recon::privacy

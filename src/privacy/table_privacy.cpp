// One table's sensitive columns: masked and tokenised canonical encodings, sealed keys.
#include "recon/privacy/table_privacy.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

#include "recon/core/canonical.hpp"
#include "recon/core/errors.hpp"

namespace recon::privacy {
namespace {

/// Sealed keys start with bytes no canonical encoding starts with (its first byte is a TypeClass,
/// 0…15), then the format's version.
constexpr std::string_view kSealMagic = "\xA5RS1";
constexpr std::size_t kIvBytes = 12, kTagBytes = 16;
constexpr std::string_view kSealLabel = "recon audit key seal v1";

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherCtx new_ctx() {
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) throw std::runtime_error("OpenSSL cannot allocate a cipher context");
  return ctx;
}

/// The value as text to mask: a text value's own characters (to_display would quote them), any
/// other value's display form.
std::string plain_text(const canon::ValueView& v) {
  return v.tag == TypeClass::Text ? std::string(v.payload) : canon::to_display(v);
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

TablePrivacy::TablePrivacy(std::vector<std::optional<MaskKind>> key_masks,
                           std::vector<std::optional<MaskKind>> value_masks, std::shared_ptr<const TokenKey> key)
    : key_masks_(std::move(key_masks)), value_masks_(std::move(value_masks)), key_(std::move(key)) {
  for (const auto& m : key_masks_) key_sensitive_ = key_sensitive_ || m.has_value();
  for (const auto& m : value_masks_) values_sensitive_ = values_sensitive_ || m.has_value();
  if (any() && !key_) throw std::logic_error("TablePrivacy: sensitive columns without a token key");
}

std::string TablePrivacy::transform(std::string_view encoded, const std::vector<std::optional<MaskKind>>& masks,
                                    bool token) const {
  std::string out;
  out.reserve(encoded.size() + 32);
  std::size_t pos = 0;
  for (std::size_t column = 0; pos < encoded.size(); ++column) {
    const std::size_t start = pos;
    const canon::ValueView v = canon::read_value(encoded, pos);
    const std::string_view whole = encoded.substr(start, pos - start);
    const auto mask_kind = column < masks.size() ? masks[column] : std::nullopt;
    if (!mask_kind || v.is_null()) {
      out.append(whole);
      continue;
    }
    canon::put_text(out, token ? key_->token(whole) : mask(*mask_kind, plain_text(v), *key_));
  }
  return out;
}

std::string TablePrivacy::shown_value(std::size_t column, const canon::ValueView& value) const {
  const auto kind = value_mask(column);
  if (!kind || value.is_null()) return canon::to_display(value);
  std::string masked;  // shown as a text value is: quoted
  canon::put_text(masked, mask(*kind, plain_text(value), *key_));
  std::size_t pos = 0;
  return canon::to_display(canon::read_value(masked, pos));
}

std::string TablePrivacy::seal_key(std::string_view key) const {
  if (!key_sensitive_) return std::string(key);
  const auto k = key_->derive(kSealLabel);
  unsigned char iv[kIvBytes];
  if (RAND_bytes(iv, sizeof iv) != 1) throw std::runtime_error("OpenSSL cannot draw random bytes");
  std::string out(kSealMagic);
  out.append(reinterpret_cast<const char*>(iv), sizeof iv);
  const std::size_t body = out.size();
  out.resize(body + key.size() + kTagBytes);
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  const CipherCtx ctx = new_ctx();
  int n = 0, tail = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k.data(), iv) != 1 ||
      EVP_EncryptUpdate(ctx.get(), dst + body, &n, bytes(key), static_cast<int>(key.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), dst + body + n, &tail) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, dst + body + key.size()) != 1)
    throw std::runtime_error("OpenSSL cannot seal a key (AES-256-GCM)");
  return out;
}

bool is_sealed(std::string_view stored) { return stored.substr(0, kSealMagic.size()) == kSealMagic; }

std::string open_sealed(std::string_view stored, const TokenKey* key, const std::string& where) {
  if (!is_sealed(stored)) return std::string(stored);
  if (!key)
    throw InputError(where + ": the key is sealed (a table with sensitive key columns); set the job's PII key "
                            "variable (RECON_PII_KEY unless [check].pii_key_env names another) to the key its run used");
  if (stored.size() < kSealMagic.size() + kIvBytes + kTagBytes)
    throw InputError(where + ": a sealed key is cut short: the audit file is damaged (recon audit verify says where)");
  const auto k = key->derive(kSealLabel);
  const std::string_view iv = stored.substr(kSealMagic.size(), kIvBytes);
  const std::string_view body = stored.substr(kSealMagic.size() + kIvBytes);
  const std::string_view cipher = body.substr(0, body.size() - kTagBytes);
  std::string tag(body.substr(cipher.size()));
  std::string out(cipher.size(), '\0');
  const CipherCtx ctx = new_ctx();
  int n = 0, tail = 0;
  const bool ok = EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k.data(), bytes(iv)) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n, bytes(cipher),
                                    static_cast<int>(cipher.size())) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
                  EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n, &tail) == 1;
  if (!ok)
    throw InputError(where + ": the key was sealed under another PII key: set RECON_PII_KEY (or the job's "
                            "pii_key_env) to the key of the run that recorded it");
  return out;
}

}  // namespace recon::privacy

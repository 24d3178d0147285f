#include "recon/privacy/masks.hpp"

#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace recon::privacy {
namespace {

constexpr MaskKind kKinds[] = {MaskKind::Cpf, MaskKind::Cnpj, MaskKind::Email, MaskKind::Phone, MaskKind::Redact,
                               MaskKind::Hash};
constexpr std::size_t kDigitsKept = 4;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Every letter and digit but the last `kept` digits becomes '*'; everything else stays. Bytes of
/// multi-byte UTF-8 characters are letters here: masked, one '*' per character.
std::string keep_last_digits(std::string_view value, std::size_t kept) {
  std::size_t digits = 0;
  for (char c : value) digits += is_digit(c) ? 1 : 0;
  const std::size_t masked_digits = digits > kept ? digits - kept : digits;
  std::string out;
  std::size_t seen = 0;
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (is_digit(c)) {
      out.push_back(seen++ < masked_digits ? '*' : c);
    } else if (std::isalpha(u)) {
      out.push_back('*');
    } else if (u >= 0x80) {
      if ((u & 0xC0) != 0x80) out.push_back('*');  // one '*' per character, not per byte
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string mask_email(std::string_view value) {
  const std::size_t at = value.rfind('@');
  if (at == std::string_view::npos) return "***";
  std::string first;
  if (at > 0) {
    // The whole first character, however many bytes it takes.
    std::size_t n = 1;
    while (n < at && (static_cast<unsigned char>(value[n]) & 0xC0) == 0x80) ++n;
    first = std::string(value.substr(0, n));
  }
  return first + "***" + std::string(value.substr(at));
}

}  // namespace

const char* mask_kind_name(MaskKind kind) {
  switch (kind) {
    case MaskKind::Cpf: return "cpf";
    case MaskKind::Cnpj: return "cnpj";
    case MaskKind::Email: return "email";
    case MaskKind::Phone: return "phone";
    case MaskKind::Redact: return "redact";
    case MaskKind::Hash: break;
  }
  return "hash";
}

std::optional<MaskKind> parse_mask_kind(std::string_view name) {
  for (MaskKind k : kKinds)
    if (name == mask_kind_name(k)) return k;
  return std::nullopt;
}

std::string mask_kind_names() {
  std::string out;
  for (MaskKind k : kKinds) out += (out.empty() ? "" : ", ") + std::string(mask_kind_name(k));
  return out;
}

std::string TokenKey::token(std::string_view value) const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
            reinterpret_cast<const unsigned char*>(value.data()), value.size(), digest, &len))
    throw std::runtime_error("OpenSSL cannot compute an HMAC-SHA256 token");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "tok:";
  for (unsigned int i = 0; i < 16 && i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

std::array<unsigned char, 32> TokenKey::derive(std::string_view label) const {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
            reinterpret_cast<const unsigned char*>(label.data()), label.size(), out.data(), &len) || len != out.size())
    throw std::runtime_error("OpenSSL cannot derive a key with HMAC-SHA256");
  return out;
}

std::optional<TokenKey> token_key_from_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value || !*value) return std::nullopt;
  return TokenKey(value);
}

std::string without_row_values(std::string_view message) {
  std::string kept;
  for (std::size_t start = 0; start <= message.size();) {
    std::size_t end = message.find('\n', start);
    if (end == std::string_view::npos) end = message.size();
    std::string_view line = message.substr(start, end - start);
    const std::size_t text = line.find_first_not_of(" \t");
    if (text == std::string_view::npos || line.substr(text, 7) != "DETAIL:") {
      if (!kept.empty()) kept.push_back('\n');
      kept.append(line);
    }
    start = end + 1;
  }
  std::string out;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    const bool after_equals = i > 0 && kept[i - 1] == '=';
    const bool after_value_is = i >= 9 && kept.compare(i - 9, 9, "value is ") == 0;
    const std::size_t close = kept[i] == '(' && (after_equals || after_value_is) ? kept.find(')', i) : std::string::npos;
    if (close == std::string::npos) {
      out.push_back(kept[i]);
      continue;
    }
    out += "(…)";
    i = close;
  }
  return out;
}

std::string mask(MaskKind kind, std::string_view value, const TokenKey& key) {
  switch (kind) {
    case MaskKind::Cpf:
    case MaskKind::Cnpj:
    case MaskKind::Phone: return keep_last_digits(value, kDigitsKept);
    case MaskKind::Email: return mask_email(value);
    case MaskKind::Redact: return "***";
    case MaskKind::Hash: break;
  }
  return key.token(value);
}

}  // namespace recon::privacy

#pragma once
/// Personal data (CPF, CNPJ, e-mail, phone) as people may see it, and keyed tokens that let two
/// values be told equal or different without showing either (docs/privacy.md).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace recon::privacy {

/// How a sensitive column's values are shown.
///  - Cpf, Cnpj, Phone: every letter and digit but the last four digits becomes '*', punctuation
///    stays: "123.456.789-01" -> "***.***.*89-01", "(11) 98765-4321" -> "(**) *****-4321".
///  - Email: the first character of the local part and the domain: "maria@x.com.br" -> "m***@x.com.br"
///    (no '@': "***").
///  - Redact: "***".
///  - Hash: the value's token (TokenKey::token).
enum class MaskKind : std::uint8_t { Cpf, Cnpj, Email, Phone, Redact, Hash };

/// "cpf" | "cnpj" | "email" | "phone" | "redact" | "hash"
const char* mask_kind_name(MaskKind kind);
/// The MaskKind mask_kind_name() spells `name`; nullopt for any other text.
std::optional<MaskKind> parse_mask_kind(std::string_view name);
/// "cpf, cnpj, email, phone, redact, hash": for messages that list the choices.
std::string mask_kind_names();

/// The secret behind tokens (HMAC-SHA256, OpenSSL). It is never printed, logged or stored: only
/// tokens made with it are.
class TokenKey {
 public:
  explicit TokenKey(std::string secret) : secret_(std::move(secret)) {}
  /// "tok:" and the first 32 hex digits (128 bits) of HMAC-SHA256(secret, value): the same value
  /// gives the same token under one key, and nothing about the value can be learnt without it.
  std::string token(std::string_view value) const;
  /// A 256-bit key for another use of the same secret, HMAC-SHA256(secret, label): the audit's
  /// sealed keys use one, so a token never equals a sealing key.
  std::array<unsigned char, 32> derive(std::string_view label) const;

 private:
  std::string secret_;
};

/// The key in environment variable `name` (RECON_PII_KEY unless the job names another); nullopt
/// when it is unset or empty.
std::optional<TokenKey> token_key_from_env(const std::string& name);

/// An engine's error message without the row values engines quote in them: PostgreSQL's
/// "DETAIL:" lines ("Key (cpf)=(…) already exists") are dropped, and the parenthesised value after
/// "=" or "value is " (SQL Server: "The duplicate key value is (…).") becomes "(…)". For tables
/// with sensitive columns, whose errors may otherwise show them.
std::string without_row_values(std::string_view message);

/// `value` as `kind` shows it; `key` is used by Hash only.
std::string mask(MaskKind kind, std::string_view value, const TokenKey& key);

}  // namespace recon::privacy

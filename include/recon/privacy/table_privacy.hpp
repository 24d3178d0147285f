#pragma once
/// One table's sensitive columns (`[[tables]] pii = { cpf = "cpf", … }`), and what recon does with
/// their values: masks them wherever a person reads them, and keeps only keyed tokens of them in
/// the audit trail (docs/privacy.md).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "recon/core/canonical.hpp"
#include "recon/privacy/masks.hpp"

namespace recon::privacy {

/// Works on canonical encodings (recon/core/canonical.hpp): a key is the encodings of its columns
/// in key order, a row's values those of its compared columns in compared order. A NULL stays
/// NULL; any other value of a sensitive column becomes a text value:
///  - shown: the column's mask of the value's display text ("***.***.*89-01");
///  - token: TokenKey::token of the value's canonical encoding ("tok:…"), so the same value on
///    either engine, in any run, gives the same token and equal/different survives.
/// Columns without a mask are copied unchanged. A TablePrivacy with no sensitive column (the
/// default) returns every encoding unchanged.
class TablePrivacy {
 public:
  TablePrivacy() = default;
  /// One entry per key column / compared column, in their order; nullopt: not sensitive. `key`
  /// must be set when any entry is.
  TablePrivacy(std::vector<std::optional<MaskKind>> key_masks, std::vector<std::optional<MaskKind>> value_masks,
               std::shared_ptr<const TokenKey> key);

  bool any() const { return key_sensitive() || values_sensitive(); }
  bool key_sensitive() const { return key_sensitive_; }
  bool values_sensitive() const { return values_sensitive_; }
  std::optional<MaskKind> value_mask(std::size_t column) const {
    return column < value_masks_.size() ? value_masks_[column] : std::nullopt;
  }

  /// One compared column's value as a person may read it: canon::to_display, masked when the
  /// column is sensitive and the value not NULL.
  std::string shown_value(std::size_t column, const canon::ValueView& value) const;

  std::string shown_key(std::string_view key) const {
    return key_sensitive_ ? transform(key, key_masks_, false) : std::string(key);
  }
  std::string token_key(std::string_view key) const {
    return key_sensitive_ ? transform(key, key_masks_, true) : std::string(key);
  }
  std::string shown_values(std::string_view values) const {
    return values_sensitive_ ? transform(values, value_masks_, false) : std::string(values);
  }
  std::string token_values(std::string_view values) const {
    return values_sensitive_ ? transform(values, value_masks_, true) : std::string(values);
  }

  /// A key as the audit stores it in a binary column: sealed (AES-256-GCM under a key derived
  /// from the token key) when a key column is sensitive, so recheck and apply can still find the
  /// row by it while a copy of the audit shows nothing; unchanged otherwise.
  std::string seal_key(std::string_view key) const;

 private:
  std::string transform(std::string_view encoded, const std::vector<std::optional<MaskKind>>& masks,
                        bool token) const;

  std::vector<std::optional<MaskKind>> key_masks_, value_masks_;
  std::shared_ptr<const TokenKey> key_;
  bool key_sensitive_ = false, values_sensitive_ = false;
};

/// Whether `stored` is a key sealed by TablePrivacy::seal_key.
bool is_sealed(std::string_view stored);
/// The key sealed in `stored` (unchanged when not sealed). Throws InputError when it is sealed and
/// `key` is null ("set RECON_PII_KEY"), or was sealed under another key.
std::string open_sealed(std::string_view stored, const TokenKey* key, const std::string& where);

}  // namespace recon::privacy

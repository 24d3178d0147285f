#pragma once
/// The one checked view of a TOML table, shared by the job file (config) and rule files (rules):
/// typed getters that fail with "file:line: context: key what", and unknown keys reported with a
/// "did you mean".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace recon::config_detail {

/// "file:line" for a node ("file" when the node has no position).
std::string where(const std::string& origin, const toml::node& node);

class TableReader {
 public:
  /// `context` names the table in messages ("[check]", "[[tables]] #2", "rule 'x'"); `key_prefix`
  /// is put before every key it names ("match." for a rule's match table).
  TableReader(const toml::table& table, std::string origin, std::string context, std::string key_prefix = "")
      : table_(table), origin_(std::move(origin)), context_(std::move(context)), prefix_(std::move(key_prefix)) {}

  const toml::node* get(const std::string& key) const { return table_.get(key); }
  std::optional<std::string> str(const std::string& key) const;
  std::optional<std::int64_t> integer(const std::string& key) const;
  std::optional<double> number(const std::string& key) const;
  std::optional<bool> boolean(const std::string& key) const;
  /// A string or an array of strings.
  std::vector<std::string> strings(const std::string& key) const;
  /// The sub-table `key`, whether written [t.key], key.x = … or key = { … }.
  const toml::table* sub_table(const std::string& key) const;
  const toml::array* array(const std::string& key) const;
  /// A non-empty string; InputError "… is missing required key" otherwise.
  std::string require_str(const std::string& key) const;
  /// Throws InputError for the first key not in `known`, suggesting the closest known key.
  void reject_unknown(const std::vector<std::string>& known) const;
  std::string at(const std::string& key) const;  ///< "file:line" of key, or of the table
  int line() const { return static_cast<int>(table_.source().begin.line); }
  const std::string& origin() const { return origin_; }
  /// Throws InputError "file:line: context: <prefix>key what"; `what` reads on from the key's name
  /// ("must be …", "'x' is not …").
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

 private:
  const toml::table& table_;
  std::string origin_;
  std::string context_;  ///< "[check]", "[[tables]] #2", "rule 'x'", …
  std::string prefix_;   ///< "match.", "" …
};

}  // namespace recon::config_detail

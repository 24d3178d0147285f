#pragma once
// Shared by the job file (config) and rule files (rules): a checked view of one TOML table that records which keys were read,
// so unknown keys can be reported with file:line and a "did you mean".
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace recon::config_detail {

/// "file:line" for a node.
std::string where(const std::string& origin, const toml::node& node);
/// Closest candidate by edit distance, or "" when nothing is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

class TableReader {
 public:
  TableReader(const toml::table& table, std::string origin, std::string context)
      : table_(table), origin_(std::move(origin)), context_(std::move(context)) {}

  std::optional<std::string> str(const std::string& key);
  std::optional<std::int64_t> integer(const std::string& key);
  std::optional<double> number(const std::string& key);
  std::optional<bool> boolean(const std::string& key);
  std::vector<std::string> strings(const std::string& key);  ///< string or array of strings
  const toml::table* sub_table(const std::string& key);
  const toml::array* array(const std::string& key);
  std::string require_str(const std::string& key);
  /// Throws InputError for the first key that was never read, suggesting the closest known key.
  void reject_unknown(const std::vector<std::string>& known) const;
  std::string at(const std::string& key) const;  ///< "file:line" of key, or of the table
  int line() const { return static_cast<int>(table_.source().begin.line); }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

 private:
  const toml::node* get(const std::string& key);
  const toml::table& table_;
  std::string origin_;
  std::string context_;  ///< "[check]", "[[tables]] #2", …
};

}  // namespace recon::config_detail

#include "recon/config/toml_reader.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "recon/core/did_you_mean.hpp"
#include "recon/core/errors.hpp"

namespace recon::config_detail {

std::string where(const std::string& origin, const toml::node& node) {
  const auto& src = node.source();
  if (src.begin.line == 0) return origin;
  return fmt::format("{}:{}", origin, src.begin.line);
}

std::string TableReader::at(const std::string& key) const {
  const toml::node* n = table_.get(key);
  return where(origin_, n ? *n : static_cast<const toml::node&>(table_));
}

void TableReader::fail(const std::string& key, const std::string& what) const {
  throw InputError(fmt::format("{}: {}: {}{} {}", at(key), context_, prefix_, key, what));
}

std::optional<std::string> TableReader::str(const std::string& key) const {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (auto v = n->value<std::string>(); v && n->is_string()) return *v;
  fail(key, "must be a string (put it in double quotes)");
}

std::optional<std::int64_t> TableReader::integer(const std::string& key) const {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (n->is_integer()) return n->value<std::int64_t>();
  fail(key, "must be an integer");
}

std::optional<double> TableReader::number(const std::string& key) const {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (n->is_number()) return n->value<double>();
  fail(key, "must be a number");
}

std::optional<bool> TableReader::boolean(const std::string& key) const {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (n->is_boolean()) return n->value<bool>();
  fail(key, "must be true or false");
}

std::vector<std::string> TableReader::strings(const std::string& key) const {
  const toml::node* n = get(key);
  std::vector<std::string> out;
  if (!n) return out;
  if (n->is_string()) {
    out.push_back(*n->value<std::string>());
    return out;
  }
  const char* expected = "must be a string or an array of strings, e.g. [\"a\", \"b\"]";
  const toml::array* arr = n->as_array();
  if (!arr) fail(key, expected);
  for (const auto& el : *arr) {
    if (!el.is_string()) fail(key, expected);
    out.push_back(*el.value<std::string>());
  }
  return out;
}

const toml::table* TableReader::sub_table(const std::string& key) const {
  const toml::node* n = get(key);
  if (!n) return nullptr;
  if (const toml::table* t = n->as_table()) return t;
  fail(key, fmt::format("must be a table: write {}{}.<key> = … lines", prefix_, key));
}

const toml::array* TableReader::array(const std::string& key) const {
  const toml::node* n = get(key);
  if (!n) return nullptr;
  if (const toml::array* a = n->as_array()) return a;
  fail(key, "must be an array");
}

std::string TableReader::require_str(const std::string& key) const {
  auto v = str(key);
  if (!v || v->empty())
    throw InputError(fmt::format("{}: {} is missing required key '{}{}'", where(origin_, table_), context_, prefix_, key));
  return *v;
}

void TableReader::reject_unknown(const std::vector<std::string>& known) const {
  for (const auto& [k, node] : table_) {
    const std::string key(k.str());
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    const std::string hint = did_you_mean(key, known);
    throw InputError(fmt::format("{}: {}: unknown key '{}{}'{}", where(origin_, node), context_, prefix_, key,
                                 hint.empty() ? fmt::format(" (known keys here: {})", fmt::join(known, ", "))
                                              : fmt::format(" — did you mean '{}'?", hint)));
  }
}

}  // namespace recon::config_detail

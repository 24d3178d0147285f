#include "recon/config/toml_reader.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "recon/core/errors.hpp"

namespace recon::config_detail {

std::string where(const std::string& origin, const toml::node& node) {
  const auto& src = node.source();
  if (src.begin.line == 0) return origin;
  return fmt::format("{}:{}", origin, src.begin.line);
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

const toml::node* TableReader::get(const std::string& key) { return table_.get(key); }

std::string TableReader::at(const std::string& key) const {
  const toml::node* n = table_.get(key);
  return where(origin_, n ? *n : static_cast<const toml::node&>(table_));
}

void TableReader::fail(const std::string& key, const std::string& what) const {
  throw InputError(fmt::format("{}: {} {}: {}", at(key), context_, key, what));
}

std::optional<std::string> TableReader::str(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (auto v = n->value<std::string>(); v && n->is_string()) return *v;
  fail(key, "must be a string (put it in double quotes)");
}

std::optional<std::int64_t> TableReader::integer(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (n->is_integer()) return n->value<std::int64_t>();
  fail(key, "must be an integer");
}

std::optional<double> TableReader::number(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (n->is_number()) return n->value<double>();
  fail(key, "must be a number");
}

std::optional<bool> TableReader::boolean(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (n->is_boolean()) return n->value<bool>();
  fail(key, "must be true or false");
}

std::vector<std::string> TableReader::strings(const std::string& key) {
  const toml::node* n = get(key);
  std::vector<std::string> out;
  if (!n) return out;
  if (n->is_string()) {
    out.push_back(*n->value<std::string>());
    return out;
  }
  const toml::array* arr = n->as_array();
  if (!arr) fail(key, "must be an array of strings, e.g. [\"id\"]");
  for (const auto& el : *arr) {
    if (!el.is_string()) fail(key, "must be an array of strings, e.g. [\"id\"]");
    out.push_back(*el.value<std::string>());
  }
  return out;
}

const toml::table* TableReader::sub_table(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return nullptr;
  if (const toml::table* t = n->as_table()) return t;
  fail(key, "must be a table");
}

const toml::array* TableReader::array(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return nullptr;
  if (const toml::array* a = n->as_array()) return a;
  fail(key, "must be an array");
}

std::string TableReader::require_str(const std::string& key) {
  auto v = str(key);
  if (!v || v->empty())
    throw InputError(fmt::format("{}: {} is missing required key '{}'", where(origin_, table_), context_, key));
  return *v;
}

void TableReader::reject_unknown(const std::vector<std::string>& known) const {
  for (const auto& [k, node] : table_) {
    const std::string key(k.str());
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    const std::string hint = did_you_mean(key, known);
    throw InputError(fmt::format("{}: unknown key '{}' in {}{}", where(origin_, node), key, context_,
                                 hint.empty() ? fmt::format(" (known keys: {})", fmt::join(known, ", "))
                                              : fmt::format(" — did you mean '{}'?", hint)));
  }
}

}  // namespace recon::config_detail

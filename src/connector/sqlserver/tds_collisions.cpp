// Case-colliding keys. See tds_collisions.hpp.
#include "tds_collisions.hpp"

#include <functional>

#include "sqlserver_types.hpp"

namespace recon::tds {

void fold_case(std::string_view s, std::string& out) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + 32);
    out.push_back(static_cast<char>(c));
    if (c == 0xC3 && i + 1 < s.size()) {  // U+00C0..U+00DE except U+00D7 (×)
      auto n = static_cast<unsigned char>(s[i + 1]);
      if (n >= 0x80 && n <= 0x9E && n != 0x97) n = static_cast<unsigned char>(n + 0x20);
      out.push_back(static_cast<char>(n));
      ++i;
    }
  }
}

bool case_insensitive_key(const SelectColumn& key) {
  return key.native.type_class == TypeClass::Text && is_case_insensitive(key.native.type_name);
}

CollisionTracker::CollisionTracker(const std::vector<SelectColumn>& keys, CollisionState& state) : state_(state) {
  for (const auto& k : keys) {
    const bool ci = case_insensitive_key(k);
    ci_.push_back(ci);
    any_ |= ci;
  }
}

void CollisionTracker::add(std::string_view key) {
  if (!any_) return;
  folded_.clear();
  std::size_t pos = 0;
  for (std::size_t i = 0; pos < key.size() && i < ci_.size(); ++i) {
    const std::size_t start = pos;
    const canon::ValueView v = canon::read_value(key, pos);
    if (ci_[i] && v.tag == TypeClass::Text) {
      folded_.push_back('\x01');
      fold_case(v.payload, folded_);
      folded_.push_back('\0');
    } else {
      folded_.append(key.substr(start, pos - start));
    }
  }
  const std::size_t h = std::hash<std::string>{}(folded_);
  if (seen_.size() < kMaxTracked ? seen_.insert(h).second : !seen_.count(h)) return;
  if (state_.counted.size() < kMaxCounted && !state_.counted.insert(folded_).second) return;  // counted before
  ++state_.report.keys;
  if (state_.report.examples.size() < kMaxExamples) {
    state_.report.examples.push_back(canon::key_to_json(key));
    state_.report.example_keys.emplace_back(key);
  }
}

}  // namespace recon::tds

#include "recon/plan/scrub.hpp"

#include "recon/core/canonical.hpp"

namespace recon {
namespace {

/// Lower bounds compare with nullopt as -infinity, upper bounds with nullopt as +infinity.
bool lower_less(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  if (!a) return b.has_value();
  return b && canon::compare_keys(*a, *b) < 0;
}
bool upper_less(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  if (!b) return a.has_value();
  return a && canon::compare_keys(*a, *b) < 0;
}

}  // namespace

std::vector<std::string> scrub_bounds(const std::vector<KeyRange>& plan, int cycle) {
  std::vector<std::string> bounds;
  if (cycle <= 1 || plan.size() < static_cast<std::size_t>(cycle)) return bounds;
  for (int i = 1; i < cycle; ++i) {
    const KeyRange& r = plan[static_cast<std::size_t>(i) * plan.size() / static_cast<std::size_t>(cycle)];
    // Every range but the first has a lower bound, and i * size / cycle >= 1 here.
    bounds.push_back(*r.lower);
  }
  return bounds;
}

KeyRange scrub_slice(const std::vector<std::string>& bounds, int slice) {
  KeyRange r;
  r.index = static_cast<std::size_t>(slice);
  if (bounds.empty()) return r;
  const auto s = static_cast<std::size_t>(slice);
  if (s > 0) r.lower = bounds[s - 1];
  if (s < bounds.size()) r.upper = bounds[s];
  return r;
}

bool in_range(std::string_view key, const KeyRange& slice) {
  if (slice.lower && canon::compare_keys(key, *slice.lower) < 0) return false;
  if (slice.upper && canon::compare_keys(key, *slice.upper) >= 0) return false;
  return true;
}

std::vector<KeyRange> clip_to(const std::vector<KeyRange>& plan, const KeyRange& slice) {
  std::vector<KeyRange> out;
  for (const KeyRange& r : plan) {
    KeyRange c = r;
    if (lower_less(c.lower, slice.lower)) c.lower = slice.lower;
    if (upper_less(slice.upper, c.upper)) c.upper = slice.upper;
    // Empty once clipped: lower >= upper (both bounded).
    if (c.lower && c.upper && canon::compare_keys(*c.lower, *c.upper) >= 0) continue;
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<KeyRange> clip_outside(const std::vector<KeyRange>& plan, const KeyRange& slice) {
  std::vector<KeyRange> out;
  if (slice.lower) {
    KeyRange below;
    below.upper = slice.lower;
    out = clip_to(plan, below);
  }
  if (slice.upper) {
    KeyRange above;
    above.lower = slice.upper;
    std::vector<KeyRange> rest = clip_to(plan, above);
    out.insert(out.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  }
  for (std::size_t i = 0; i < out.size(); ++i) out[i].index = i;
  return out;
}

}  // namespace recon

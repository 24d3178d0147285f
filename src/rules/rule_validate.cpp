// "Can never match": rules that are valid TOML with valid values but could never decide a
// divergence. Each is a mistake the author would otherwise only find when a report stays silent.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "recon/core/errors.hpp"
#include "rule_check.hpp"

namespace recon::rules::detail {
namespace {

bool is_missing(Category c) { return c != Category::Changed; }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Whether the earlier list `a` matches everything the later list `b` does: `a` empty or holding
/// "*" matches anything; otherwise `b` must be non-empty and every entry of it be in `a`. Globs
/// are compared as literal strings (case-insensitively, as they match): a conservative test that
/// never calls a rule shadowed when it is not.
bool globs_cover(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || std::find(a.begin(), a.end(), "*") != a.end()) return true;
  if (b.empty()) return false;
  return std::all_of(b.begin(), b.end(), [&](const std::string& g) {
    return std::any_of(a.begin(), a.end(), [&](const std::string& h) { return lower(g) == lower(h); });
  });
}

template <class T>
bool set_covers(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.empty()) return true;
  if (b.empty()) return false;
  return std::all_of(b.begin(), b.end(), [&](const T& x) { return std::find(a.begin(), a.end(), x) != a.end(); });
}

std::string names_of(const std::vector<TypeClass>& classes) {
  std::vector<std::string_view> v;
  for (TypeClass c : classes) v.push_back(type_class_name(c));
  return fmt::format("{}", fmt::join(v, ", "));
}

[[noreturn]] void never(const Rule& rule, const std::string& why) {
  throw InputError(fmt::format("{}: rule '{}' can never match: {}", rule.origin, rule.name, why));
}

}  // namespace

const std::vector<TypeClass>& comparison_classes() {
  static const std::vector<TypeClass> classes = {
      TypeClass::Integer, TypeClass::Decimal,     TypeClass::Float, TypeClass::Boolean, TypeClass::Date,
      TypeClass::Time,    TypeClass::Timestamp,   TypeClass::TimestampTz, TypeClass::Uuid, TypeClass::Text,
      TypeClass::Bytes,   TypeClass::Json};
  return classes;
}

std::vector<std::pair<std::string, Interpretation>> interpretation_fields(const Interpretation& how) {
  std::vector<std::pair<std::string, Interpretation>> out;
  auto add = [&](const char* key, auto set) {
    Interpretation one;
    set(one);
    out.emplace_back(std::string("interpret.") + key, std::move(one));
  };
  if (how.abs_tolerance) add("abs_tolerance", [&](Interpretation& i) { i.abs_tolerance = how.abs_tolerance; });
  if (how.rel_tolerance) add("rel_tolerance", [&](Interpretation& i) { i.rel_tolerance = how.rel_tolerance; });
  if (how.ulps) add("ulps", [&](Interpretation& i) { i.ulps = how.ulps; });
  if (how.time_tolerance_us) add("time_tolerance", [&](Interpretation& i) { i.time_tolerance_us = how.time_tolerance_us; });
  if (how.truncate_us) add("truncate_to", [&](Interpretation& i) { i.truncate_us = how.truncate_us; });
  if (how.round_us) add("round_to", [&](Interpretation& i) { i.round_us = how.round_us; });
  if (how.trim_trailing) add("trim_trailing", [](Interpretation& i) { i.trim_trailing = true; });
  if (how.case_insensitive) add("case_insensitive", [](Interpretation& i) { i.case_insensitive = true; });
  if (how.unicode_nfc) add("unicode_nfc", [](Interpretation& i) { i.unicode_nfc = true; });
  if (how.null_equals_empty) add("null_equals_empty", [](Interpretation& i) { i.null_equals_empty = true; });
  if (how.json) add("json", [](Interpretation& i) { i.json = true; });
  if (how.ignore) add("ignore", [](Interpretation& i) { i.ignore = true; });
  return out;
}

std::vector<Category> effective_categories(const Match& m) {
  return m.categories.empty() ? std::vector<Category>{Category::Changed} : m.categories;
}

void check_can_match(const Rule& rule, const std::vector<Rule>& earlier) {
  const Match& m = rule.match;
  const std::vector<Category> cats = effective_categories(m);

  // A missing row has one side only: there is no column pair for these conditions to look at.
  const auto missing = std::find_if(cats.begin(), cats.end(), is_missing);
  if (missing != cats.end()) {
    const char* what = !m.columns.empty() ? "match.column"
                       : !m.types.empty() ? "match.type"
                       : m.when           ? "match.when"
                       : !rule.interpret.empty() ? "interpret"
                                                 : nullptr;
    if (what)
      never(rule, fmt::format("it is about {} rows, which have no column pair, but sets {}; a rule about missing "
                              "rows may only name tables (move the column conditions to a separate rule about "
                              "\"changed\")", category_name(*missing), what));
  }

  // Each interpretation field must be able to explain a difference in at least one of the types.
  const std::vector<TypeClass>& types = m.types.empty() ? comparison_classes() : m.types;
  for (const auto& [key, one] : interpretation_fields(rule.interpret)) {
    if (std::any_of(types.begin(), types.end(), [&](TypeClass c) { return one.applies_to(c); })) continue;
    std::vector<TypeClass> fits;
    for (TypeClass c : comparison_classes())
      if (one.applies_to(c)) fits.push_back(c);
    never(rule, fmt::format("{} applies to none of its types ({}); it applies to {} — remove it or change match.type",
                            key, names_of(types), fits.empty() ? std::string("no type") : names_of(fits)));
  }

  // Shadowed: an earlier rule with no further condition that matches every divergence this one would.
  for (const Rule& e : earlier) {
    if (e.match.when || !e.interpret.empty()) continue;
    if (!globs_cover(e.match.tables, m.tables) || !globs_cover(e.match.columns, m.columns)) continue;
    if (!set_covers(effective_categories(e.match), cats) || !set_covers(e.match.types, m.types)) continue;
    never(rule, fmt::format("rule '{}' ({}) comes first and matches everything this rule would (it has no when and "
                            "no interpret, and its tables, columns, categories and types include this rule's); the "
                            "first matching rule wins, so move '{}' above '{}' or narrow '{}'",
                            e.name, e.origin, rule.name, e.name, e.name));
  }
}

}  // namespace recon::rules::detail

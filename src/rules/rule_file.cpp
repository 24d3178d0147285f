// Rule files (TOML) -> RuleSet. Everything a rule file can get wrong is found here, before any
// connection is opened, and reported with file:line, the rule's name and what to write instead.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "recon/core/did_you_mean.hpp"
#include "recon/core/duration.hpp"
#include "recon/config/toml_reader.hpp"
#include "recon/core/errors.hpp"
#include "rule_check.hpp"

namespace recon::rules {
namespace {

using config_detail::where;

const std::vector<std::string> kTopKeys = {"rule", "unmatched"};
const std::vector<std::string> kRuleKeys = {"name", "description", "match", "interpret", "outcome"};
const std::vector<std::string> kMatchKeys = {"table", "column", "category", "type", "when"};
const std::vector<std::string> kInterpretKeys = {
    "abs_tolerance", "rel_tolerance",   "ulps",        "time_tolerance",    "truncate_to", "round_to",
    "trim_trailing", "case_insensitive", "unicode_nfc", "null_equals_empty", "json",        "ignore"};
const std::vector<std::string> kOutcomeKeys = {"category", "severity", "action"};
const std::vector<std::string> kUnmatchedKeys = {"severity", "action"};
const std::vector<std::string> kCategoryNames = {"missing_in_target", "missing_in_source", "changed"};
const std::vector<std::string> kActionNames = {"tolerate", "report", "fix", "escalate"};
/// Engine type names people reach for, mapped to the comparison class they mean (hints only).
const std::pair<const char*, const char*> kTypeAliases[] = {
    {"numeric", "decimal"},  {"number", "decimal"},   {"money", "decimal"},   {"int", "integer"},
    {"bigint", "integer"},   {"smallint", "integer"}, {"double", "float"},    {"real", "float"},
    {"bool", "boolean"},     {"varchar", "text"},     {"string", "text"},     {"char", "text"},
    {"datetime", "timestamp"}, {"datetime2", "timestamp"}, {"datetimeoffset", "timestamptz"},
    {"jsonb", "json"},       {"bytea", "bytes"},      {"binary", "bytes"},    {"uniqueidentifier", "uuid"}};

std::string join(const std::vector<std::string>& v) { return fmt::format("{}", fmt::join(v, ", ")); }

/// One TOML table of a rule file ([[rule]], its match/interpret/outcome, or [unmatched]), read
/// with the job file's checked reader: messages say "file:line: rule 'x': match.category …".
using Section = config_detail::TableReader;

std::string hint_for(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string h = did_you_mean(word, candidates);
  return h.empty() ? "" : fmt::format(" — did you mean '{}'?", h);
}

int read_severity(const Section& s, const std::string& k, int fallback) {
  const toml::node* n = s.get(k);
  if (!n) return fallback;
  if (n->is_integer()) {
    const std::int64_t v = *n->value<std::int64_t>();
    if (v < 1 || v > 4) s.fail(k, fmt::format("{} is not a severity; use \"P1\" (critical) … \"P4\" (informational)", v));
    return static_cast<int>(v);
  }
  const std::string text = s.str(k).value_or("");
  if (text.size() == 2 && (text[0] == 'P' || text[0] == 'p') && text[1] >= '1' && text[1] <= '4') return text[1] - '0';
  const bool p_digit = text.size() == 2 && (text[0] == 'P' || text[0] == 'p') && std::isdigit(static_cast<unsigned char>(text[1]));
  s.fail(k, fmt::format("'{}' is not a severity{}; use \"P1\" (critical), \"P2\", \"P3\" or \"P4\" (informational)", text,
                        p_digit ? "" : hint_for(text, {"P1", "P2", "P3", "P4"})));
}

Action read_action(const Section& s, const std::string& k, Action fallback) {
  const auto text = s.str(k);
  if (!text) return fallback;
  for (std::size_t i = 0; i < kActionNames.size(); ++i)
    if (*text == kActionNames[i]) return static_cast<Action>(i);
  s.fail(k, fmt::format("'{}' is not an action{}; use one of {}", *text, hint_for(*text, kActionNames), join(kActionNames)));
}

/// A tolerance as canonical decimal text: a TOML number (0.01 → "0.01") or a decimal string.
std::optional<std::string> read_tolerance(const Section& s, const std::string& k) {
  const toml::node* n = s.get(k);
  if (!n) return std::nullopt;
  std::string text;
  if (n->is_integer()) {
    text = std::to_string(*n->value<std::int64_t>());
  } else if (n->is_floating_point()) {
    const double v = *n->value<double>();
    if (!std::isfinite(v)) s.fail(k, "must be a finite number");
    text = canon::format_double(v);  // shortest text that reads back as the same double: 0.01 → "0.01"
  } else if (n->is_string()) {
    text = *n->value<std::string>();
  } else {
    s.fail(k, "must be a number, e.g. 0.01 or \"0.01\"");
  }
  std::string enc;
  if (!canon::put_decimal(enc, text)) s.fail(k, fmt::format("'{}' is not a number; write e.g. \"0.01\" or \"1e-6\"", text));
  std::size_t pos = 0;
  const std::string value(canon::read_value(enc, pos).payload);
  if (!value.empty() && value[0] == '-') s.fail(k, fmt::format("{} is negative; a tolerance is a distance (>= 0)", value));
  return value;
}

std::optional<std::int64_t> read_duration(const Section& s, const std::string& k, bool precision) {
  const auto text = s.str(k);
  if (!text) return std::nullopt;
  auto us = parse_duration_us(*text);
  if (!us && precision) us = parse_duration_us("1" + *text);  // "ms" = "1ms"
  if (!us)
    s.fail(k, fmt::format("'{}' is not a {}; write e.g. {}", *text, precision ? "precision" : "duration",
                          precision ? "\"ms\", \"s\" or \"10ms\"" : "\"1ms\", \"500us\" or \"2s\""));
  if (precision && *us <= 0) s.fail(k, "must be longer than 0");
  return us;
}

Match read_match(const Section& s) {
  Match m;
  auto globs = [&](const std::string& k) {
    std::vector<std::string> v = s.strings(k);
    for (const auto& g : v)
      if (const std::string err = glob_error(g); !err.empty())
        s.fail(k, fmt::format("'{}' is not a valid glob: {}", g, err));
    return v;
  };
  m.tables = globs("table");
  m.columns = globs("column");
  for (const auto& c : s.strings("category")) {
    const auto it = std::find(kCategoryNames.begin(), kCategoryNames.end(), c);
    if (it == kCategoryNames.end())
      s.fail("category", fmt::format("'{}' is not a category{}; use {}", c, hint_for(c, kCategoryNames), join(kCategoryNames)));
    const Category cat = static_cast<Category>(it - kCategoryNames.begin());
    if (std::find(m.categories.begin(), m.categories.end(), cat) == m.categories.end()) m.categories.push_back(cat);
  }
  std::vector<std::string> class_names;
  for (TypeClass c : detail::comparison_classes()) class_names.emplace_back(type_class_name(c));
  for (const auto& t : s.strings("type")) {
    const auto cls = type_class_from_name(t);
    if (!cls || std::find(detail::comparison_classes().begin(), detail::comparison_classes().end(), *cls) ==
                    detail::comparison_classes().end()) {
      std::string hint = hint_for(t, class_names);
      for (const auto& [alias, name] : kTypeAliases)
        if (t == alias) hint = fmt::format(" — did you mean '{}'?", name);
      s.fail("type", fmt::format("'{}' is not a comparison class{}; use one of {}", t, hint, join(class_names)));
    }
    if (std::find(m.types.begin(), m.types.end(), *cls) == m.types.end()) m.types.push_back(*cls);
  }
  if (auto w = s.str("when")) {
    if (w->empty()) s.fail("when", "is empty; remove it or write a condition, e.g. \"abs(source - target) < 1\"");
    m.when = Expression::parse(*w, s.at("when"));
  }
  s.reject_unknown(kMatchKeys);
  return m;
}

Interpretation read_interpretation(const Section& s) {
  Interpretation in;
  in.abs_tolerance = read_tolerance(s, "abs_tolerance");
  in.rel_tolerance = read_tolerance(s, "rel_tolerance");
  if (const toml::node* n = s.get("ulps")) {
    if (!n->is_integer()) s.fail("ulps", "must be an integer, e.g. 4");
    in.ulps = *n->value<std::int64_t>();
    if (*in.ulps < 0) s.fail("ulps", "must be >= 0");
  }
  in.time_tolerance_us = read_duration(s, "time_tolerance", false);
  in.truncate_us = read_duration(s, "truncate_to", true);
  in.round_us = read_duration(s, "round_to", true);
  in.trim_trailing = s.boolean("trim_trailing").value_or(false);
  in.case_insensitive = s.boolean("case_insensitive").value_or(false);
  in.unicode_nfc = s.boolean("unicode_nfc").value_or(false);
  in.null_equals_empty = s.boolean("null_equals_empty").value_or(false);
  in.json = s.boolean("json").value_or(false);
  in.ignore = s.boolean("ignore").value_or(false);
  s.reject_unknown(kInterpretKeys);
  return in;
}

Rule read_rule(const toml::table& t, const std::string& origin, std::size_t index, const RuleSet& set) {
  const std::string here = where(origin, t);
  Section anon(t, origin, fmt::format("[[rule]] #{}", index + 1), "");
  const auto name = anon.str("name");
  if (!name || name->empty())
    throw InputError(fmt::format("{}: [[rule]] #{} has no name: add name = \"…\" (unique; reports and the audit "
                                 "trail say which rule decided)", here, index + 1));
  for (const Rule& r : set.rules)
    if (r.name == *name)
      throw InputError(fmt::format("{}: rule name '{}' is already used by the rule at {}; rule names must be unique "
                                   "across the rule files loaded together — rename one", here, *name, r.origin));
  Rule rule;
  rule.name = *name;
  rule.origin = here;
  const std::string subject = fmt::format("rule '{}'", rule.name);
  Section s(t, origin, subject, "");
  s.reject_unknown(kRuleKeys);  // first: a misspelt `outcome` must not read as a missing one
  rule.description = s.str("description").value_or("");
  if (const toml::table* m = s.sub_table("match")) rule.match = read_match(Section(*m, origin, subject, "match."));
  if (const toml::table* i = s.sub_table("interpret")) rule.interpret = read_interpretation(Section(*i, origin, subject, "interpret."));
  const toml::table* o = s.sub_table("outcome");
  const auto no_category = [&] {
    return InputError(fmt::format("{}: {} has no outcome.category: add outcome.category = \"…\" (the name this kind "
                                  "of difference is reported under, e.g. \"precision_drift\")", here, subject));
  };
  if (!o) throw no_category();
  const Section out(*o, origin, subject, "outcome.");
  out.reject_unknown(kOutcomeKeys);
  const auto category = out.str("category");
  if (!category || category->empty()) throw no_category();
  rule.outcome.category = *category;
  rule.outcome.severity = read_severity(out, "severity", 3);
  rule.outcome.action = read_action(out, "action", Action::Report);
  detail::check_can_match(rule, set.rules);
  return rule;
}

}  // namespace

void parse_rules_text(const std::string& text, const std::string& origin, RuleSet& into) {
  toml::table top;
  try {
    top = toml::parse(text, std::string_view(origin));
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}:{}: malformed TOML: {}", origin, e.source().begin.line, e.source().begin.column,
                                 e.description()));
  }
  for (const auto& [k, node] : top) {
    const std::string key(k.str());
    if (std::find(kTopKeys.begin(), kTopKeys.end(), key) == kTopKeys.end())
      throw InputError(fmt::format("{}: unknown top-level key '{}'{} (a rule file holds [[rule]] entries and an "
                                   "optional [unmatched] table)", where(origin, node), key, hint_for(key, kTopKeys)));
  }
  into.files.push_back(origin);
  if (const toml::node* u = top.get("unmatched")) {
    if (!u->is_table())
      throw InputError(fmt::format("{}: [unmatched] must be a table with severity and action", where(origin, *u)));
    const Section s(*u->as_table(), origin, "[unmatched]", "");
    const int severity = read_severity(s, "severity", kDefaultSeverity);
    const Action action = read_action(s, "action", Action::Fix);
    s.reject_unknown(kUnmatchedKeys);
    if (!into.unmatched_set) {  // the first file with an [unmatched] table decides
      into.unmatched_severity = severity;
      into.unmatched_action = action;
      into.unmatched_set = true;
    }
  }
  const toml::node* rules = top.get("rule");
  if (!rules) return;
  if (!rules->is_array_of_tables())
    throw InputError(fmt::format("{}: 'rule' must be an array of tables: start each rule with [[rule]] (double "
                                 "brackets)", where(origin, *rules)));
  std::size_t i = 0;
  for (const auto& node : *rules->as_array()) into.rules.push_back(read_rule(*node.as_table(), origin, i++, into));
}

RuleSet load_rule_files(const std::vector<std::filesystem::path>& files) {
  RuleSet set;
  for (const auto& path : files) {
    std::error_code ec;
    std::ifstream in(path, std::ios::binary);
    if (!in || std::filesystem::is_directory(path, ec))
      throw InputError(fmt::format("{}: cannot read the rules file (does it exist? is it readable?); fix the path "
                                   "in the job's rules = [...] (relative to the job file's folder)", path.string()));
    std::stringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw InputError(fmt::format("{}: cannot read the rules file", path.string()));
    parse_rules_text(ss.str(), path.string(), set);
  }
  return set;
}

}  // namespace recon::rules

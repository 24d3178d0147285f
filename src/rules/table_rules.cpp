// One table's rules: which rules apply, and the finding each divergence gets (docs/rules.md,
// "Matching"). evaluate() runs for every divergence, so the constructor does the glob and type
// work once per column and evaluation only tries the rules that can match that column.
#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "recon/rules/rules.hpp"
#include "rule_check.hpp"

namespace recon::rules {
namespace {

bool any_glob(const std::vector<std::string>& globs, const std::string& name) {
  if (globs.empty()) return true;
  return std::any_of(globs.begin(), globs.end(), [&](const std::string& g) { return glob_match(g, name); });
}

bool names_category(const Match& m, Category c) {
  if (m.categories.empty()) return c == Category::Changed;
  return std::find(m.categories.begin(), m.categories.end(), c) != m.categories.end();
}

bool has_type(const Match& m, TypeClass t) {
  return m.types.empty() || std::find(m.types.begin(), m.types.end(), t) != m.types.end();
}

/// Conditions that only a column pair can satisfy (a missing row has none).
bool has_column_conditions(const Rule& r) {
  return !r.match.columns.empty() || !r.match.types.empty() || r.match.when || !r.interpret.empty();
}

std::string join(const std::vector<std::string>& v) { return fmt::format("{}", fmt::join(v, ", ")); }

std::string categories_of(const Match& m) {
  std::vector<std::string> names;
  for (Category c : detail::effective_categories(m)) names.emplace_back(category_name(c));
  return join(names);
}

/// Reads the values of one column from a row encoding. Walks forward from the last column read, so
/// a row's differing columns in ascending order cost one pass.
class ColumnCursor {
 public:
  explicit ColumnCursor(std::string_view buf) : buf_(buf) {}
  canon::ValueView at(std::uint32_t index) {
    if (index < next_) {
      pos_ = 0;
      next_ = 0;
    }
    canon::ValueView v{TypeClass::Invalid, {}};  // an absent value equals nothing
    while (next_ <= index) {
      if (pos_ >= buf_.size()) return canon::ValueView{TypeClass::Invalid, {}};
      v = canon::read_value(buf_, pos_);
      ++next_;
    }
    return v;
  }

 private:
  std::string_view buf_;
  std::size_t pos_ = 0;
  std::uint32_t next_ = 0;
};

/// Whether `r` decides this pair of values; `why` is the interpretation's (or when's) reason. A
/// false `when` writes a reason only when `explaining` (evaluate() must not allocate per rule tried).
bool decides(const Rule& r, const canon::ValueView& s, const canon::ValueView& t, std::string& why,
             bool explaining) {
  if (r.match.when && !r.match.when->matches(s, t)) {
    if (explaining) why = fmt::format("when `{}` is not true", r.match.when->text());
    return false;
  }
  if (!r.interpret.empty()) {
    Verdict v = interpret(r.interpret, s, t);
    why = v.why.empty() ? (v.equal ? "equal as interpreted" : "not equal as interpreted") : std::move(v.why);
    return v.equal;
  }
  why = r.match.when ? fmt::format("when `{}`", r.match.when->text()) : std::string();
  return true;
}

}  // namespace

TableRules::TableRules(const RuleSet& table_rules, const RuleSet& check_rules,
                       const std::vector<std::string>& table_names, std::vector<RuleColumn> columns)
    : columns_(std::move(columns)) {
  configured_ = !table_rules.empty() || !check_rules.empty();
  table_ = table_names.empty() ? std::string("this table") : table_names.front();
  const RuleSet& unmatched = table_rules.unmatched_set ? table_rules : check_rules;
  if (unmatched.unmatched_set) {
    unmatched_severity_ = unmatched.unmatched_severity;
    unmatched_action_ = unmatched.unmatched_action;
  }
  for (const RuleSet* set : {&table_rules, &check_rules})
    for (const Rule& r : set->rules) {
      const bool here = r.match.tables.empty() ||
                        std::any_of(table_names.begin(), table_names.end(),
                                    [&](const std::string& n) { return any_glob(r.match.tables, n); });
      if (here) rules_.push_back(&r);
    }

  by_column_.resize(columns_.size());
  for (const Rule* r : rules_) {
    bool any_column = false;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      if (!any_glob(r->match.columns, columns_[c].name)) continue;
      any_column = true;
      if (names_category(r->match, Category::Changed) && has_type(r->match, columns_[c].cls))
        by_column_[c].push_back(r);
    }
    if (!r->match.columns.empty() && !any_column)
      notes_.push_back(fmt::format("rule '{}' ({}) names columns that table {} does not compare: {}", r->name,
                                   r->origin, table_, join(r->match.columns)));
    if (has_column_conditions(*r)) continue;  // rule files reject these for missing rows; stay safe anyway
    if (names_category(r->match, Category::MissingInTarget)) missing_in_target_.push_back(r);
    if (names_category(r->match, Category::MissingInSource)) missing_in_source_.push_back(r);
  }
}

void TableRules::evaluate(Divergence& d) const {
  Finding& f = d.finding;
  f.fix_columns.clear();
  f.explanation.clear();
  if (!configured_) {  // docs/cli.md, Equality: with no rules every difference counts
    f.category = category_name(d.category);
    f.severity = kDefaultSeverity;
    f.action = Action::Fix;
    f.rule.clear();
    f.fix_columns = d.columns;
    f.status = Status::Open;
    return;
  }
  auto set_outcome = [&](const Rule* r, Category raw) {
    f.category = r ? r->outcome.category : category_name(raw);
    f.severity = r ? r->outcome.severity : unmatched_severity_;
    f.action = r ? r->outcome.action : unmatched_action_;
    f.rule = r ? r->name : "unmatched";
  };

  if (d.category != Category::Changed || d.columns.empty()) {
    const std::vector<const Rule*>* candidates = d.category == Category::MissingInTarget   ? &missing_in_target_
                                                 : d.category == Category::MissingInSource ? &missing_in_source_
                                                                                           : nullptr;
    const Rule* r = candidates && !candidates->empty() ? candidates->front() : nullptr;
    set_outcome(r, d.category);
    f.explanation = r ? fmt::format("{}: {} by '{}'", category_name(d.category), f.category, r->name)
                      : fmt::format("{} (unmatched)", category_name(d.category));
    f.status = f.action == Action::Tolerate ? Status::Tolerated : Status::Open;
    return;
  }

  // Changed: each differing column gets its own first matching rule; the row is derived from them.
  ColumnCursor src(d.source_values), tgt(d.target_values);
  const Rule* first = nullptr;      // the first column's rule (decides an all-tolerated row)
  const Rule* deciding = nullptr;   // most severe non-tolerated column's rule (null = unmatched)
  int deciding_severity = 5;
  Action strongest = Action::Tolerate;
  bool all_tolerated = true;
  std::string why;
  for (std::size_t i = 0; i < d.columns.size(); ++i) {
    const std::uint32_t c = d.columns[i];
    const canon::ValueView s = src.at(c), t = tgt.at(c);
    const Rule* hit = nullptr;
    why.clear();
    if (c < by_column_.size())
      for (const Rule* r : by_column_[c])
        if (decides(*r, s, t, why, false)) {
          hit = r;
          break;
        }
    const Action action = hit ? hit->outcome.action : unmatched_action_;
    const int severity = hit ? hit->outcome.severity : unmatched_severity_;
    if (i == 0) first = hit;
    if (action != Action::Tolerate) {
      if (all_tolerated || severity < deciding_severity) {
        deciding = hit;
        deciding_severity = severity;
      }
      all_tolerated = false;
      strongest = std::max(strongest, action);
    }
    if (action == Action::Fix) f.fix_columns.push_back(c);

    auto out = std::back_inserter(f.explanation);
    if (!f.explanation.empty()) f.explanation += "; ";
    if (c < columns_.size()) f.explanation += columns_[c].name;
    else fmt::format_to(out, "column #{}", c);
    if (hit) {
      fmt::format_to(out, ": {} by '{}'", hit->outcome.category, hit->name);
      if (!why.empty()) fmt::format_to(out, " ({})", why);
    } else {
      f.explanation += ": changed (unmatched)";
    }
  }
  if (all_tolerated) {
    set_outcome(first, Category::Changed);
    f.status = Status::Tolerated;
    return;
  }
  set_outcome(deciding, Category::Changed);
  f.action = strongest;
  f.status = Status::Open;
}

namespace {

/// The lines `TableRules::explain` writes, and the rules it leaves out (ExplainDetail::Relevant:
/// rules that can never apply to the subject are counted in one line instead).
struct ExplainLines {
  ExplainDetail detail;
  std::vector<std::string> lines;
  std::size_t left_out = 0;

  static std::string step(const std::string& subject, const Rule& r, const std::string& verdict) {
    return fmt::format("{}: rule '{}' ({}): {}", subject, r.name, r.origin, verdict);
  }
  static std::string yes(const Rule& r, const std::string& why) {
    return fmt::format("yes → {} P{} {}{}", r.outcome.category, r.outcome.severity, action_name(r.outcome.action),
                       why.empty() ? "" : " (" + why + ")");
  }
  void never(std::string line) {
    if (detail == ExplainDetail::All) lines.push_back(std::move(line));
    else ++left_out;
  }
  void say_left_out(const std::string& subject) {
    if (left_out > 0)
      lines.push_back(fmt::format("{}: {} rule{} about other categories, columns or types left out (--verbose lists them)",
                                  subject, left_out, left_out == 1 ? "" : "s"));
    left_out = 0;
  }
};

/// A missing row: the first rule naming its category without column conditions decides.
void explain_missing(ExplainLines& out, const std::vector<const Rule*>& rules, Category category,
                     const std::string& unmatched) {
  const char* raw = category_name(category);
  bool matched = false;
  for (const Rule* r : rules) {
    if (!names_category(r->match, category)) {
      out.never(ExplainLines::step(raw, *r, fmt::format("no — it is about {}", categories_of(r->match))));
    } else if (has_column_conditions(*r)) {
      out.never(ExplainLines::step(raw, *r, "no — it has column conditions and a missing row has no column pair"));
    } else {
      out.lines.push_back(ExplainLines::step(raw, *r, ExplainLines::yes(*r, "")));
      matched = true;
      break;
    }
  }
  out.say_left_out(raw);
  if (!matched) out.lines.push_back(fmt::format("{}: {}", raw, unmatched));
}

/// One differing column `c` of a changed row: each rule in order, until one decides the pair.
void explain_column(ExplainLines& out, const std::vector<const Rule*>& rules, const std::vector<RuleColumn>& columns,
                    std::uint32_t c, const canon::ValueView& s, const canon::ValueView& t, const std::string& unmatched,
                    const ValueText& show) {
  const std::string name = c < columns.size() ? columns[c].name : fmt::format("column #{}", c);
  out.lines.push_back(fmt::format("{}: source {} · target {}", name, show ? show(c, s) : canon::to_display(s),
                                  show ? show(c, t) : canon::to_display(t)));
  std::string why;
  bool matched = false;
  for (const Rule* r : rules) {
    if (!names_category(r->match, Category::Changed)) {
      out.never(ExplainLines::step(name, *r, fmt::format("no — it is about {}", categories_of(r->match))));
    } else if (c >= columns.size() || !any_glob(r->match.columns, name)) {
      out.never(ExplainLines::step(name, *r, fmt::format("no — match.column is {}", join(r->match.columns))));
    } else if (!has_type(r->match, columns[c].cls)) {
      std::vector<std::string> types;
      for (TypeClass tc : r->match.types) types.emplace_back(type_class_name(tc));
      out.never(ExplainLines::step(name, *r, fmt::format("no — the column is compared as {}, match.type is {}",
                                                         type_class_name(columns[c].cls), join(types))));
    } else if (!decides(*r, s, t, why, true)) {
      out.lines.push_back(ExplainLines::step(name, *r, "no — " + why));
    } else {
      out.lines.push_back(ExplainLines::step(name, *r, ExplainLines::yes(*r, why)));
      matched = true;
      break;
    }
  }
  out.say_left_out(name);
  if (!matched) out.lines.push_back(fmt::format("{}: {}", name, unmatched));
}

}  // namespace

std::vector<std::string> TableRules::explain(const Divergence& d, ExplainDetail detail, const ValueText& show) const {
  ExplainLines out{detail, {}, 0};
  const char* raw = category_name(d.category);
  if (!configured_) {
    out.lines.push_back(fmt::format("no rule files configured: every difference counts ({} P{} fix)", raw, kDefaultSeverity));
    return out.lines;
  }
  if (rules_.empty())
    out.lines.push_back(fmt::format("no rule applies to table {} (their match.table names other tables)", table_));
  const std::string unmatched = fmt::format("no rule matched → {} P{} {} (unmatched)", raw, unmatched_severity_,
                                            action_name(unmatched_action_));
  if (d.category != Category::Changed || d.columns.empty()) {
    explain_missing(out, rules_, d.category, unmatched);
  } else {
    ColumnCursor src(d.source_values), tgt(d.target_values);
    for (const std::uint32_t c : d.columns) explain_column(out, rules_, columns_, c, src.at(c), tgt.at(c), unmatched, show);
  }
  Divergence row = d;
  evaluate(row);
  const Finding& f = row.finding;
  std::string fix;
  for (std::uint32_t c : f.fix_columns)
    fix += (fix.empty() ? "" : ", ") + (c < columns_.size() ? columns_[c].name : fmt::format("column #{}", c));
  out.lines.push_back(fmt::format("row: {} P{} {} by '{}' → {}{}", f.category, f.severity, action_name(f.action), f.rule,
                                  status_name(f.status), fix.empty() ? "" : "; fix-up sets " + fix));
  return out.lines;
}

}  // namespace recon::rules

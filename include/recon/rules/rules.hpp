#pragma once
/// Rules: turning raw divergences into categorised, explained findings (docs/rules.md).
/// The canonical values stay the ground truth; rules only interpret differences.

#include <functional>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "recon/core/canonical.hpp"
#include "recon/model/result.hpp"
#include "recon/rules/expression.hpp"
#include "recon/rules/interpret.hpp"

namespace recon::rules {

/// Which divergences a rule is about. Every list is "any of"; an empty list matches anything,
/// except `categories`: empty means `changed` only. missing_in_* rows are matched only by a rule
/// that names their category explicitly, so no rule can hide a missing row by accident.
struct Match {
  std::vector<std::string> tables;      ///< globs over the table's report, target and source names
  std::vector<std::string> columns;     ///< globs over target column names (changed rows)
  std::vector<Category> categories;
  std::vector<TypeClass> types;         ///< the column pair's comparison class
  std::optional<Expression> when;       ///< on the column's two values (changed rows)
};

struct Outcome {
  std::string category;                 ///< the user's name, e.g. "precision_drift"
  int severity = kDefaultSeverity;      ///< 1..4 = P1..P4 (a rule file's default is P3)
  Action action = Action::Report;       ///< a rule file's default
};

struct Rule {
  std::string name;
  std::string description;
  Match match;
  Interpretation interpret;             ///< empty: the match alone decides
  Outcome outcome;
  std::string origin;                   ///< "rules/default.toml:12", for messages and explain
};

/// The rules of one or more files, in order (files in the order given, rules in file order).
struct RuleSet {
  std::vector<Rule> rules;
  /// Outcome of a divergence no rule matched (its category stays the raw one). From the first
  /// file with an [unmatched] table; default severity P2, action fix.
  int unmatched_severity = kDefaultSeverity;
  Action unmatched_action = Action::Fix;
  bool unmatched_set = false;
  std::vector<std::string> files;       ///< as given, for messages
  bool empty() const { return files.empty(); }
};

/// Parses and validates rule files. Throws InputError naming file:line for: malformed TOML, an
/// unknown key (with "did you mean"), a bad glob, an unknown type/category/action/severity, a
/// duplicate rule name, an interpretation field that fits none of the rule's types, column/type/
/// when/interpret on a rule that names a missing_* category (a missing row has no column pair), and
/// a rule shadowed by an earlier rule that matches everything it would (each "can never match").
/// A file that cannot be read is an InputError too.
RuleSet load_rule_files(const std::vector<std::filesystem::path>& files);
/// Same, from text (`origin` names it in messages). Appends to `into`.
void parse_rules_text(const std::string& text, const std::string& origin, RuleSet& into);

/// A compared column as the rules see it.
struct RuleColumn {
  std::string name;  ///< target column name
  TypeClass cls = TypeClass::Text;  ///< comparison class of the pair
};

/// How `TableRules::explain` writes a compared column's value (by its compared-column index);
/// empty: canon::to_display. `recon explain` masks sensitive columns with it.
using ValueText = std::function<std::string(std::uint32_t column, const canon::ValueView& value)>;

/// How much `TableRules::explain` tells.
enum class ExplainDetail { All, Relevant };

/// The rules that apply to one table, ready to evaluate divergences (thread-safe: const).
/// Holds pointers into the RuleSets it was built from: they must outlive it.
class TableRules {
 public:
  TableRules() = default;
  /// `table_rules` (the table's own `rules`) are tried before `check_rules` ([check].rules).
  /// Only rules whose table globs match one of `table_names` are kept.
  TableRules(const RuleSet& table_rules, const RuleSet& check_rules, const std::vector<std::string>& table_names,
             std::vector<RuleColumn> columns);

  /// False when the job has no rule files at all: every divergence is then category = its raw
  /// category, P2, fix, rule "" (docs/cli.md, Equality: with no rules every difference counts).
  bool configured() const { return configured_; }

  /// Fills d.finding (category, severity, action, rule, explanation, fix_columns) and sets
  /// status Tolerated when the deciding action is tolerate, else Open.
  ///  - missing_in_*: the first rule naming that category decides.
  ///  - changed: each differing column is decided by its first matching rule (category, column,
  ///    type, when, and — when the rule has one — the interpretation reading the two values as
  ///    equal). All columns tolerated → the row is tolerated (first column's outcome). Otherwise
  ///    the non-tolerated column with the most severe outcome decides category/severity/rule, the
  ///    row's action is the strongest of them, and fix_columns are the columns whose action is fix.
  void evaluate(Divergence& d) const;

  /// Every rule considered for `d`, in order, and why it did or did not match — for
  /// `recon explain`. One line per step, e.g.
  ///   "resultado: rule 'resultado-drift' (rules/x.toml:3): no — |Δ| 0.02 > 0.01"
  ///   "resultado: rule 'changed' (rules/default.toml:40): yes → changed P2 fix"
  /// With ExplainDetail::Relevant, rules that can never apply to the subject — about another
  /// category, another column, another type, or with column conditions for a missing row — are
  /// left out and counted in one line per subject ("…: 9 rules about other categories, columns or
  /// types left out (--verbose lists them)"); rules rejected by the values are always listed.
  std::vector<std::string> explain(const Divergence& d, ExplainDetail detail = ExplainDetail::All,
                                   const ValueText& show = {}) const;

  /// Things a person should know, e.g. a rule for this table whose column glob matches no column.
  const std::vector<std::string>& notes() const { return notes_; }
  const std::vector<RuleColumn>& columns() const { return columns_; }

 private:
  std::vector<const Rule*> rules_;
  std::vector<RuleColumn> columns_;
  std::string table_;  ///< the first of table_names, for messages
  int unmatched_severity_ = kDefaultSeverity;
  Action unmatched_action_ = Action::Fix;
  bool configured_ = false;
  std::vector<std::string> notes_;
  /// Per compared column: the kept rules that can match a changed value of it (category, column
  /// glob and type already checked), in order — evaluation only tries these.
  std::vector<std::vector<const Rule*>> by_column_;
  std::vector<const Rule*> missing_in_target_, missing_in_source_;  ///< rules naming that category
};

/// Case-insensitive shell glob (fnmatch: *, ?, [...]) of a table or column name.
bool glob_match(const std::string& pattern, const std::string& name);
/// Empty when `pattern` is a valid glob, else what is wrong ("unclosed '['").
std::string glob_error(const std::string& pattern);

}  // namespace recon::rules

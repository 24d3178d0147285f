#pragma once
// Private to the rules module: the checks that need a whole rule (and the rules before it), shared
// by the parser (rule_file.cpp) and their implementation (rule_validate.cpp).
#include <string>
#include <utility>
#include <vector>

#include "recon/rules/rules.hpp"

namespace recon::rules::detail {

/// Every comparison class a column pair can have (no Null, no Invalid), in type_class_name order.
const std::vector<TypeClass>& comparison_classes();

/// The set fields of `how`, each as its dotted key ("interpret.abs_tolerance") and an
/// Interpretation with only that field set.
std::vector<std::pair<std::string, Interpretation>> interpretation_fields(const Interpretation& how);

/// The categories a rule matches: its list, or `changed` when the list is empty.
std::vector<Category> effective_categories(const Match& m);

/// Throws InputError "<rule origin>: rule 'x' can never match: …" when `rule` can never decide a
/// divergence: an interpretation field that applies to none of its types; column/type/when/
/// interpret conditions on a rule that names a missing_* category (a missing row has no column
/// pair); or an earlier rule in `earlier` that matches everything it would.
void check_can_match(const Rule& rule, const std::vector<Rule>& earlier);

}  // namespace recon::rules::detail

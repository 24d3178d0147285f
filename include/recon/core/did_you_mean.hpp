#pragma once
/// "Did you mean": the suggestion every message about a misspelt name carries (job file keys,
/// engine kinds, rule file keys, function names in `when` expressions).

#include <string>
#include <vector>

namespace recon {

/// The candidate closest to `word` by edit distance (Levenshtein), or "" when none is close: a
/// candidate is close when at most max(2, |word| / 3) edits away. Ties go to the earlier candidate.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace recon

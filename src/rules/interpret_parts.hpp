#pragma once
// Private to the rules module: the per-class halves of interpret() (interpret.cpp dispatches).
#include "recon/rules/interpret.hpp"

namespace recon::rules::detail {

/// Two non-NULL Text or Json values of the same class under the text fields (trim, case, NFC)
/// and `json`. Precondition: some field applying to the class is set.
Verdict interpret_text(const Interpretation& how, const canon::ValueView& source, const canon::ValueView& target);

/// Spaces removed from the end (SQL char(n) padding), the only trimming `trim_trailing` does.
std::string_view trim_trailing_spaces(std::string_view s);

}  // namespace recon::rules::detail

#pragma once
// Private to the cli module: how `recon explain` shows a key's values — whole, never cut, with the
// first character that differs marked.
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "recon/model/result.hpp"

namespace recon {

/// Characters (UTF-8 code points) from which `a` and `b` differ: the first differing one, or the
/// shorter's length when one is the other's prefix; nullopt when they are equal.
std::optional<std::size_t> first_difference(std::string_view a, std::string_view b);

/// `text` cut into lines of at most `width` characters (code points; a multi-byte character is
/// never split). An empty text is one empty line.
std::vector<std::string> wrap_characters(std::string_view text, std::size_t width);

/// The compared columns of one key, source beside target (either side may be absent):
///  - a pair of values of at most kCellWidth terminal columns each is one line — column, source, target,
///    "differs" — and, when it differs, a line with '^' under the first differing character of
///    each side;
///  - a longer pair is a block: the column and where it differs, then "source" and "target" each
///    wrapped at kWrapWidth characters, a '^' line under the line holding the first difference;
///    a long value equal on both sides is printed once ("both").
/// Values are printed whole: two long values that differ late never look alike. The '^' stands in
/// the terminal column of the character: wide characters (CJK, emoji) take two, combining marks none.
void print_values(std::ostream& out, const TableContext& ctx, const Divergence& d, bool source_present,
                  bool target_present);

inline constexpr std::size_t kCellWidth = 32;
inline constexpr std::size_t kWrapWidth = 72;

}  // namespace recon

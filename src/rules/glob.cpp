// Shell globs over table and column names (rules' match.table / match.column).
// Case-insensitive like the engines' unquoted identifiers; ASCII letters fold, other bytes match
// exactly. Written here rather than with fnmatch(3) because FNM_CASEFOLD is a GNU extension and
// because glob_error must explain a bad pattern, which fnmatch cannot.
#include <cctype>
#include <fmt/format.h>

#include "recon/rules/rules.hpp"

namespace recon::rules {
namespace {

unsigned char fold(char c) { return static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(c))); }

/// Matches the bracket expression starting at pattern[p] ('[') against `c`. Sets `next` to the
/// index just past the closing ']'. Precondition: the pattern passed glob_error.
bool match_class(const std::string& pattern, std::size_t p, char c, std::size_t& next) {
  std::size_t i = p + 1;
  bool negate = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negate = true;
    ++i;
  }
  bool hit = false;
  bool first = true;
  const unsigned char fc = fold(c);
  while (i < pattern.size() && (pattern[i] != ']' || first)) {
    first = false;
    char lo = pattern[i];
    if (lo == '\\' && i + 1 < pattern.size()) lo = pattern[++i];
    ++i;
    char hi = lo;
    if (i + 1 < pattern.size() && pattern[i] == '-' && pattern[i + 1] != ']') {
      hi = pattern[i + 1];
      if (hi == '\\' && i + 2 < pattern.size()) hi = pattern[++i + 1];
      i += 2;
    }
    const unsigned char flo = fold(lo), fhi = fold(hi);
    if ((fc >= flo && fc <= fhi) || (static_cast<unsigned char>(c) >= static_cast<unsigned char>(lo) &&
                                     static_cast<unsigned char>(c) <= static_cast<unsigned char>(hi)))
      hit = true;
  }
  next = i + 1;  // past ']'
  return hit != negate;
}

/// One pattern element at pattern[p] against name[n] (not '*'). Sets `next` past the element.
bool match_one(const std::string& pattern, std::size_t p, char c, std::size_t& next) {
  const char pc = pattern[p];
  if (pc == '?') {
    next = p + 1;
    return true;
  }
  if (pc == '[') return match_class(pattern, p, c, next);
  if (pc == '\\' && p + 1 < pattern.size()) {
    next = p + 2;
    return fold(pattern[p + 1]) == fold(c);
  }
  next = p + 1;
  return fold(pc) == fold(c);
}

}  // namespace

std::string glob_error(const std::string& pattern) {
  if (pattern.empty()) return "an empty pattern matches no name (use \"*\" for any)";
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      if (i + 1 == pattern.size()) return "it ends with a lone '\\' (write '\\\\' for a backslash)";
      ++i;
    } else if (c == '[') {
      std::size_t j = i + 1;
      if (j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^')) ++j;
      bool first = true;
      bool closed = false;
      for (; j < pattern.size(); ++j) {
        if (pattern[j] == ']' && !first) {
          closed = true;
          break;
        }
        first = false;
        char lo = pattern[j];
        if (lo == '\\' && j + 1 < pattern.size()) lo = pattern[++j];
        if (j + 2 < pattern.size() && pattern[j + 1] == '-' && pattern[j + 2] != ']') {
          char hi = pattern[j + 2];
          std::size_t end = j + 2;
          if (hi == '\\' && end + 1 < pattern.size()) hi = pattern[++end];
          if (static_cast<unsigned char>(hi) < static_cast<unsigned char>(lo))
            return fmt::format("the range '{}-{}' is reversed (write '{}-{}')", lo, hi, hi, lo);
          j = end;
        }
      }
      if (!closed) return fmt::format("unclosed '[' at position {} (close it with ']', or write '\\[')", i + 1);
      i = j;
    }
  }
  return "";
}

bool glob_match(const std::string& pattern, const std::string& name) {
  // Iterative matcher: on a mismatch, retry from the last '*' with one more character swallowed.
  // Linear in practice; at worst O(|pattern|·|name|), never exponential.
  std::size_t p = 0, n = 0;
  std::size_t star_p = std::string::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = ++p;
      star_n = n;
      continue;
    }
    std::size_t next = 0;
    if (p < pattern.size() && match_one(pattern, p, name[n], next)) {
      p = next;
      ++n;
      continue;
    }
    if (star_p == std::string::npos) return false;
    p = star_p;
    n = ++star_n;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace recon::rules

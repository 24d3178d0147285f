// Job-file row filters: one boolean expression, however each engine recon reads would lex it.
#include "recon/config/sql_filter.hpp"

#include <array>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace recon {
namespace {

constexpr std::size_t npos = std::string_view::npos;

/// The lexical rules of one engine, as far as they decide where a literal, a quoted identifier or
/// a comment begins and ends.
enum class Reading { Postgres, SqlServer, Sqlite, Mysql };
constexpr std::array<Reading, 4> kReadings = {Reading::Postgres, Reading::SqlServer, Reading::Sqlite, Reading::Mysql};

const char* reading_name(Reading r) {
  switch (r) {
    case Reading::Postgres: return "PostgreSQL";
    case Reading::SqlServer: return "SQL Server";
    case Reading::Sqlite: return "SQLite";
    case Reading::Mysql: return "MySQL";
  }
  return "?";
}

/// What is wrong (reads on from the key's name), at which byte offset, and an optional specific
/// hint put before the general advice.
struct Problem {
  std::size_t offset = 0;
  std::string what;
  std::string hint;
  bool operator==(const Problem&) const = default;
};

bool ident_start(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80; }
bool word_char(unsigned char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

/// Index just past the token opened at `open` and closed by `close`, where a doubled `close` is
/// an escaped one (unless `doubled` is false); npos when it is never closed.
std::size_t skip_quoted(std::string_view s, std::size_t open, char close, bool doubled = true) {
  for (std::size_t i = open + 1; i < s.size(); ++i) {
    if (s[i] != close) continue;
    if (doubled && i + 1 < s.size() && s[i + 1] == close) ++i;
    else return i + 1;
  }
  return npos;
}

/// In the literal s[open, end) quoted with `quote`: offset of an odd run of backslashes right
/// before a quote (where E'…' strings, standard_conforming_strings = off and MySQL see an escaped
/// quote), or npos.
std::size_t backslash_before_quote(std::string_view s, std::size_t open, std::size_t end, char quote = '\'') {
  for (std::size_t q = open + 1; q < end; ++q) {
    if (s[q] != quote) continue;
    std::size_t run = 0;
    while (q - run > open + 1 && s[q - run - 1] == '\\') ++run;
    if (run % 2 == 1) return q - 1;
  }
  return npos;
}

Problem unclosed(std::size_t open, const char* what, const char* close_with) {
  return {open, fmt::format("has {} that is never closed", what), fmt::format("close it with {}", close_with)};
}

/// The first problem of `s` as `reading` lexes it; nullopt when it is one expression.
std::optional<Problem> scan(std::string_view s, Reading reading) {
  const bool pg = reading == Reading::Postgres;
  // MySQL reads a backslash in a string as an escape (unless NO_BACKSLASH_ESCAPES) and "…" as a
  // string, with the same escapes.
  const bool my = reading == Reading::Mysql;
  std::vector<std::size_t> open_parens;
  std::size_t word = npos;  // start of the unquoted word (identifier, keyword, number) s[i] continues
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const unsigned char next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    // PostgreSQL identifiers may hold '$' after their first character; a number's may not.
    if (word_char(c) || (pg && c == '$' && word != npos && ident_start(static_cast<unsigned char>(s[word])))) {
      if (word == npos) word = i;
      ++i;
      continue;
    }
    word = npos;
    std::size_t end = i + 1;
    switch (c) {
      case '\0': return Problem{i, "has a NUL character", "remove it"};
      case ';': return Problem{i, "has a statement separator ';'", ""};
      case '-':
        if (next == '-') return Problem{i, "has a comment '--'", ""};
        break;
      case '/':
        if (next == '*') return Problem{i, "has a comment '/*'", ""};
        break;
      case '(': open_parens.push_back(i); break;
      case ')':
        if (open_parens.empty()) return Problem{i, "has a ')' that closes nothing", ""};
        open_parens.pop_back();
        break;
      case '\'':
        end = skip_quoted(s, i, '\'');
        if (end == npos) return unclosed(i, "a string literal", "' (a quote inside is written '')");
        if (const std::size_t b = pg || my ? backslash_before_quote(s, i, end) : npos; b != npos)
          return Problem{b, "has a backslash right before a quote",
                         "E'…' strings and servers with standard_conforming_strings = off read \\' as an escaped "
                         "quote; write a quote inside a literal as ''"};
        break;
      case '"':
        end = skip_quoted(s, i, '"');
        if (end == npos)
          return unclosed(i, my ? "a \"string\" literal" : "a quoted identifier", "\" (a quote inside is written \"\")");
        if (const std::size_t b = my ? backslash_before_quote(s, i, end, '"') : npos; b != npos)
          return Problem{b, "has a backslash right before a quote",
                         "MySQL reads \\\" as an escaped quote; write a quote inside a literal as \"\""};
        break;
      case '#':
        if (my) return Problem{i, "has a comment '#'", ""};
        break;
      case '[':
        if (pg || my) break;  // an array subscript / MySQL's JSON path: what follows is SQL
        end = skip_quoted(s, i, ']', reading == Reading::SqlServer);
        if (end == npos) return unclosed(i, "a [bracketed] identifier", "]");
        break;
      case '`':
        if (reading != Reading::Sqlite && !my) break;
        end = skip_quoted(s, i, '`');
        if (end == npos) return unclosed(i, "a `quoted` identifier", "`");
        break;
      case '$':
        if (pg && (next == '$' || ident_start(next)))
          return Problem{i, "has a dollar-quoted string ($$…$$ or $tag$…$tag$)",
                         "write the literal in single quotes (a quote inside is written '')"};
        break;
      default: break;
    }
    i = end;
  }
  if (!open_parens.empty()) return Problem{open_parens.front(), "has a '(' that is never closed", ""};
  return std::nullopt;
}

/// 1-based character (UTF-8 code point) number of byte `offset`.
std::size_t char_number(std::string_view s, std::size_t offset) {
  std::size_t n = 1;
  for (std::size_t i = 0; i < offset && i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  return n;
}

/// Up to 16 characters of `s` from `offset`, on one line, "…" when cut.
std::string excerpt(std::string_view s, std::size_t offset) {
  std::size_t end = offset, chars = 0;
  while (end < s.size() && s[end] != '\n' && s[end] != '\r' && s[end] != '\0') {
    if ((static_cast<unsigned char>(s[end]) & 0xC0) != 0x80 && ++chars > 16) break;
    ++end;
  }
  return std::string(s.substr(offset, end - offset)) + (end < s.size() ? "…" : "");
}

constexpr const char* kAdvice =
    "a filter must be one boolean expression; write one condition, e.g. status = 'A' AND id > 10";

}  // namespace

std::string validate_sql_filter(std::string_view filter) {
  if (filter.find_first_not_of(" \t\r\n\f\v") == npos)
    return fmt::format("is empty: remove the key for no filter, or {}", kAdvice);
  std::array<std::optional<Problem>, kReadings.size()> found;
  std::optional<Problem> first;
  for (std::size_t r = 0; r < kReadings.size(); ++r) {
    found[r] = scan(filter, kReadings[r]);
    if (found[r] && (!first || found[r]->offset < first->offset)) first = found[r];
  }
  if (!first) return "";
  // A problem not every engine sees says which ones do.
  std::vector<std::string> seen_by;
  for (std::size_t r = 0; r < kReadings.size(); ++r)
    if (found[r] == first) seen_by.emplace_back(reading_name(kReadings[r]));
  const std::string as_read = seen_by.size() == kReadings.size()
                                  ? ""
                                  : fmt::format(" (as {} read{} it)", fmt::join(seen_by, " and "),
                                                seen_by.size() == 1 ? "s" : "");
  return fmt::format("{} at character {} (near \"{}\"){}: {}{}{}", first->what, char_number(filter, first->offset),
                     excerpt(filter, first->offset), as_read, first->hint, first->hint.empty() ? "" : "; ", kAdvice);
}

namespace config_detail {

std::optional<std::string> read_sql_filter(const TableReader& r, const std::string& key) {
  std::optional<std::string> filter = r.str(key);
  if (filter)
    if (const std::string problem = validate_sql_filter(*filter); !problem.empty()) r.fail(key, problem);
  return filter;
}

}  // namespace config_detail
}  // namespace recon

// Lexing and statement splitting for the T-SQL subset.
#include "sql.hpp"

#include <cctype>
#include <optional>
#include <utility>

namespace tds_test {
namespace {

bool word_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '#'; }
bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '#' || c == '$' || c == '@';
}

[[noreturn]] void near(std::string_view what) {
  throw SqlError(102, "Incorrect syntax near '" + std::string(what) + "'.", 15);
}

bool is_keyword(const std::string& w) {
  static const char* kKeywords[] = {"SELECT", "FROM", "WHERE", "ORDER", "BY", "INSERT", "UPDATE", "DELETE",
                                    "CREATE", "DROP", "ALTER", "EXEC", "EXECUTE", "DECLARE", "BEGIN", "END",
                                    "IF", "ELSE", "WHILE", "AND", "OR", "NOT", "NULL", "IS", "IN", "AS",
                                    "UNION", "JOIN", "GROUP", "HAVING", "TRUNCATE", "MERGE", "WITH", "GO",
                                    "COMMIT", "ROLLBACK", "TRANSACTION", "VALUES", "INTO", "EXISTS"};
  for (const char* k : kKeywords)
    if (iequals(w, k)) return true;
  return false;
}

}  // namespace

std::vector<Token> lex(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      const std::size_t end = s.find("*/", i + 2);
      if (end == std::string_view::npos) throw SqlError(113, "Missing end comment mark '*/'.", 15);
      i = end + 2;
    } else if (c == '[' || c == '"') {
      const char close = c == '[' ? ']' : '"';
      std::string text;
      std::size_t j = i + 1;
      for (;; ++j) {
        if (j >= s.size())
          throw SqlError(105, "Unclosed quotation mark after the character string '" + text + "'.", 15);
        if (s[j] == close) {
          if (j + 1 < s.size() && s[j + 1] == close) {
            text += close;
            ++j;
            continue;
          }
          break;
        }
        text += s[j];
      }
      out.push_back({Token::Kind::Quoted, text});
      i = j + 1;
    } else if (c == '\'' || ((c == 'N' || c == 'n') && i + 1 < s.size() && s[i + 1] == '\'')) {
      const bool national = c != '\'';
      std::string text;
      std::size_t j = i + (national ? 2 : 1);
      for (;; ++j) {
        if (j >= s.size())
          throw SqlError(105, "Unclosed quotation mark after the character string '" + text + "'.", 15);
        if (s[j] == '\'') {
          if (j + 1 < s.size() && s[j + 1] == '\'') {
            text += '\'';
            ++j;
            continue;
          }
          break;
        }
        text += s[j];
      }
      out.push_back({Token::Kind::String, text, national});
      i = j + 1;
    } else if (c == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
      std::size_t j = i + 2;  // 0xABCD: a binary literal (0x alone is the empty one)
      while (j < s.size() && std::isxdigit(static_cast<unsigned char>(s[j]))) ++j;
      out.push_back({Token::Kind::Hex, std::string(s.substr(i + 2, j - i - 2))});
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      std::size_t j = i;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      if (j < s.size() && s[j] == '.') {
        ++j;
        while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      }
      if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
        std::size_t k = j + 1;
        if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
        if (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) {
          j = k;
          while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
        }
      }
      out.push_back({Token::Kind::Number, std::string(s.substr(i, j - i))});
      i = j;
    } else if (c == '@') {
      std::size_t j = i + 1;
      if (j < s.size() && s[j] == '@') ++j;
      while (j < s.size() && word_char(s[j])) ++j;
      out.push_back({Token::Kind::Var, std::string(s.substr(i, j - i))});
      i = j;
    } else if (word_start(c)) {
      std::size_t j = i + 1;
      while (j < s.size() && word_char(s[j])) ++j;
      out.push_back({Token::Kind::Word, std::string(s.substr(i, j - i))});
      i = j;
    } else {
      static const char* kTwo[] = {"<>", "<=", ">=", "!=", "!<", "!>"};
      std::string op(1, c);
      for (const char* t : kTwo)
        if (s.substr(i, 2) == t) op = t;
      if (op.size() == 1 && std::string_view("=<>(),.*;+-/%").find(c) == std::string_view::npos)
        near(op);
      out.push_back({Token::Kind::Op, op});
      i += op.size();
    }
  }
  return out;
}

namespace {

/// The statement a keyword starts, or nullopt when it starts none.
std::optional<Statement::Kind> starter(const Token& t) {
  if (t.kind != Token::Kind::Word) return std::nullopt;
  static const std::pair<const char*, Statement::Kind> kStarters[] = {
      {"SELECT", Statement::Kind::Select}, {"SET", Statement::Kind::Set},
      {"USE", Statement::Kind::Use},       {"INSERT", Statement::Kind::Insert},
      {"UPDATE", Statement::Kind::Update}, {"DELETE", Statement::Kind::Delete},
      {"BEGIN", Statement::Kind::Begin},   {"COMMIT", Statement::Kind::Commit},
      {"ROLLBACK", Statement::Kind::Rollback}};
  for (const auto& [word, kind] : kStarters)
    if (iequals(t.text, word)) return kind;
  return std::nullopt;
}

/// INSERT … SELECT and UPDATE … SET: the first such keyword belongs to the statement.
bool continues(const Statement& open, Statement::Kind k, bool& body_seen) {
  const bool own = (open.kind == Statement::Kind::Insert && k == Statement::Kind::Select) ||
                   (open.kind == Statement::Kind::Update && k == Statement::Kind::Set);
  if (!own || body_seen) return false;
  body_seen = true;
  return true;
}

bool is_semicolon(const Token& t) { return t.kind == Token::Kind::Op && t.text == ";"; }

}  // namespace

std::vector<Statement> split_batch(const std::vector<Token>& tokens) {
  std::vector<Statement> out;
  int depth = 0;
  bool body_seen = false;  // the open statement has its SELECT (INSERT) or SET (UPDATE)
  for (const Token& t : tokens) {
    if (is_semicolon(t)) {
      depth = 0;
      if (!out.empty() && !is_semicolon(out.back().tokens.back())) out.back().tokens.push_back(t);  // closes it
      continue;
    }
    const bool open = !out.empty() && !is_semicolon(out.back().tokens.back());
    const auto kind = depth == 0 ? starter(t) : std::nullopt;
    if (kind && !(open && continues(out.back(), *kind, body_seen))) {
      out.push_back({*kind, {t}});
      body_seen = false;
      continue;
    }
    if (!open) {
      if (t.kind == Token::Kind::Word && is_keyword(t.text))
        throw SqlError(156, "Incorrect syntax near the keyword '" + t.text + "'.", 15);
      near(t.text);
    }
    if (t.kind == Token::Kind::Op && t.text == "(") ++depth;
    if (t.kind == Token::Kind::Op && t.text == ")") --depth;
    if (depth == 0 && t.kind == Token::Kind::Word && iequals(t.text, "VALUES")) body_seen = true;
    out.back().tokens.push_back(t);
  }
  // Drop the ';' terminators kept above to mark closed statements.
  for (Statement& st : out)
    if (is_semicolon(st.tokens.back())) st.tokens.pop_back();
  return out;
}

}  // namespace tds_test

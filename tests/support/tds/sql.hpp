#pragma once
/// The T-SQL subset the test server accepts (docs/tds-test-server.md), translated to SQLite.
///
/// A batch is lexed and split into statements first (a syntax error fails the whole batch, as in
/// SQL Server); each SELECT is then bound against the catalog and translated when it runs, so an
/// unknown table or column fails at that statement with SQL Server's error number.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalog.hpp"

namespace tds_test {

/// An error SQL Server would report with an ERROR token: number, class (severity), text.
struct SqlError : std::runtime_error {
  SqlError(int number, std::string message, int severity = 16)
      : std::runtime_error(message), number(number), severity(severity) {}
  int number;
  int severity;
};

struct Token {
  enum class Kind { Word, Quoted, Number, String, Var, Op };
  Kind kind;
  std::string text;       ///< identifier without brackets, string without quotes, operator
  bool national = false;  ///< N'…'
};

/// Throws SqlError 102 on a character that starts no token or an unterminated string/identifier.
std::vector<Token> lex(std::string_view sql);

struct Statement {
  enum class Kind { Select, Set, Use };
  Kind kind;
  std::vector<Token> tokens;  ///< including the leading keyword
};

/// Splits at ';' and at a SELECT / SET / USE keyword outside parentheses. Anything else that
/// starts a statement is error 102 (or 156 for a keyword).
std::vector<Statement> split_batch(const std::vector<Token>& tokens);

/// What the session needs to translate: the connection's identity for @@SPID / @@VERSION.
struct SessionInfo {
  int spid = 51;
  std::string database = "master";
};

/// A SELECT ready for SQLite: the SQL text and the columns it returns, as SQL Server types.
struct Query {
  std::string sqlite_sql;
  std::vector<ResultColumn> columns;
  bool uses_information_schema = false;
};

/// Binds a SELECT statement to the catalog and translates it. Throws SqlError (208 invalid object,
/// 207 invalid column, 102/156 syntax, 195 unknown function, 448 invalid collation).
Query translate_select(const Statement& st, const Catalog& catalog, const SessionInfo& info);

/// The text SELECT @@VERSION returns.
std::string version_string();

}  // namespace tds_test

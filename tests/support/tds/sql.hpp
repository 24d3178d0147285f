#pragma once
/// The T-SQL subset the test server accepts (docs/tds-test-server.md), translated to SQLite.
///
/// A batch is lexed and split into statements first (a syntax error fails the whole batch, as in
/// SQL Server); each SELECT, INSERT, UPDATE and DELETE is then bound against the catalog and
/// translated when it runs, so an unknown table or column fails at that statement with SQL
/// Server's error number.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalog.hpp"

namespace tds_test {

/// An error SQL Server would report with an ERROR token: number, class (severity), text.
/// `runtime` marks an error SQL Server raises while executing a statement (a conversion, a
/// constraint, a lock wait) rather than while compiling it: with XACT_ABORT ON it rolls back the
/// open transaction.
struct SqlError : std::runtime_error {
  SqlError(int number, std::string message, int severity = 16, bool runtime = false)
      : std::runtime_error(message), number(number), severity(severity), runtime(runtime) {}
  int number;
  int severity;
  bool runtime;
};

struct Token {
  enum class Kind { Word, Quoted, Number, String, Var, Op, Hex };
  Kind kind;
  /// identifier without brackets, string without quotes, operator, hex digits of 0x… (no 0x)
  std::string text;
  bool national = false;  ///< N'…'
};

/// Throws SqlError 102 on a character that starts no token or an unterminated string/identifier.
std::vector<Token> lex(std::string_view sql);

struct Statement {
  enum class Kind { Select, Set, Use, Insert, Update, Delete, Begin, Commit, Rollback };
  Kind kind;
  std::vector<Token> tokens;  ///< including the leading keyword
};

/// Splits at ';' and at a SELECT / SET / USE / INSERT / UPDATE / DELETE / BEGIN / COMMIT /
/// ROLLBACK keyword outside parentheses — except the SELECT of INSERT … SELECT and the SET of
/// UPDATE … SET, which belong to their statement. Anything else that starts a statement is error
/// 102 (or 156 for a keyword).
std::vector<Statement> split_batch(const std::vector<Token>& tokens);

/// What the session needs to translate: the connection's identity for @@SPID / @@VERSION, and
/// its open transactions for @@TRANCOUNT.
struct SessionInfo {
  int spid = 51;
  std::string database = "master";
  std::string login;  ///< the login's name, as SUSER_SNAME() returns it
  int trancount = 0;
  /// sys.dm_db_stats_histogram exists (SQL Server 2016 SP1 CU2 and later); off, it is error 208.
  bool stats_histogram = true;
  /// Statements on fixture tables count the rows they visit (tds_read, sqlite_ext.hpp).
  bool count_reads = false;
};

/// What a SELECT reads, as --read-log reports it.
enum class Reads {
  None,         ///< no FROM
  Table,        ///< a fixture table or view: the rows it visits
  Sample,       ///< TABLESAMPLE SYSTEM: the rows of the sampled pages
  Statistics,   ///< sys.dm_db_stats_histogram: no table row
  Catalog,      ///< INFORMATION_SCHEMA or a sys view: no table row
};

/// A value for one `?` of a translated INSERT or UPDATE, already in the fixture's storage form for
/// the column it is assigned to (docs/tds-test-server.md, "How to store each value").
struct Bound {
  enum class Kind { Null, Integer, Real, Text, Blob };
  Kind kind = Kind::Null;
  std::int64_t integer = 0;
  double real = 0;
  std::string bytes;  ///< Text (UTF-8) or Blob
};

/// A SELECT ready for SQLite: the SQL text and the columns it returns, as SQL Server types.
struct Query {
  std::string sqlite_sql;
  std::vector<ResultColumn> columns;
  bool uses_information_schema = false;
  Reads reads = Reads::None;
  std::string object;  ///< schema.name of what FROM reads, "" without FROM
  /// Values for the `?` of sqlite_sql, in order: the select-list CASTs of constants, already
  /// converted as SQL Server converts them (store_value).
  std::vector<Bound> params;
};

/// Binds a SELECT statement to the catalog and translates it. Throws SqlError (208 invalid object,
/// 207 invalid column, 102/156 syntax, 195 unknown function, 448 invalid collation).
Query translate_select(const Statement& st, const Catalog& catalog, const SessionInfo& info);

/// An INSERT, UPDATE or DELETE ready for SQLite: the SQL with `?` placeholders, bound in order.
struct Dml {
  Statement::Kind kind = Statement::Kind::Insert;
  std::string sqlite_sql;
  std::vector<Bound> params;
  const Table* table = nullptr;
};

/// Binds an INSERT / UPDATE / DELETE statement to the catalog and translates it; the literals it
/// assigns are converted to each column's type as SQL Server converts them. Throws SqlError:
/// compile errors (208, 207, 102/156, 4104, 448) and, flagged `runtime`, conversion errors (245
/// conversion, 8114 / 8115 numeric, 220 overflow, 241 date, 8169 GUID, 8152 truncation, 257 / 206
/// type clash, 515 NULL into NOT NULL).
Dml translate_dml(const Statement& st, const Catalog& catalog, const SessionInfo& info);

/// The SQLite collation clause (" COLLATE TDSDEC", " COLLATE NOCASE", …, or "") that makes
/// SQLite compare and order a column as SQL Server compares its type and collation.
std::string order_collation(const ResultColumn& c);

/// The text SELECT @@VERSION returns.
std::string version_string();

}  // namespace tds_test

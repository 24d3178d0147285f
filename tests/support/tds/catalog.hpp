#pragma once
/// The fixture's tables as SQL Server would describe them: a SQLite table literally named
/// "schema.name" whose columns are declared with SQL Server type names, collations from the
/// optional "_tds_columns" table, PRIMARY KEY / UNIQUE constraints from SQLite's own metadata.
/// Also the INFORMATION_SCHEMA views, materialised per connection as SQLite temp tables, and the
/// sys views recon plans with (sys.stats, sys.stats_columns, sys.dm_db_partition_stats), built
/// into each statement that reads them (catalog_sys.hpp).

#include <sqlite3.h>

#include <map>
#include <string>
#include <vector>

#include "access.hpp"
#include "statistics.hpp"
#include "types.hpp"

namespace tds_test {

struct Constraint {
  std::string name;
  std::string type;  ///< "PRIMARY KEY" or "UNIQUE"
  std::vector<std::string> columns;
};

/// One index as sys.indexes lists it: the primary key's (index_id 1, clustered), each UNIQUE
/// constraint's and each CREATE [UNIQUE] INDEX of the fixture (nonclustered), numbered from 2 in
/// that order — the statistics objects' ids.
struct Index {
  std::string name;
  int index_id = 0;
  bool clustered = false, unique = false, primary_key = false, unique_constraint = false, filtered = false;
  std::vector<std::string> columns;  ///< key columns in key order
  std::vector<bool> descending;
};

struct Table {
  std::string schema, name;
  std::string sqlite_name;  ///< "schema.name" as the fixture spells it
  bool view = false;
  bool information_schema = false;  ///< a temp table this server builds on first use
  bool system_view = false;         ///< a sys view, built from the catalog by each statement
  std::int64_t object_id = 0;       ///< OBJECT_ID of the table
  std::vector<Statistics> statistics;  ///< none for a view, or a table in _tds_no_statistics
  std::vector<ResultColumn> columns;
  std::vector<Constraint> constraints;
  std::vector<Index> indexes;  ///< none for a view; a table without any is a heap

  /// The column named `name` (case-insensitive), or nullptr.
  const ResultColumn* find_column(std::string_view name) const;
};

/// One column of a catalog view: its name and SQL Server type name.
struct ViewColumn {
  const char* name;
  const char* type;
};

/// A catalog view (INFORMATION_SCHEMA, sys) described like a table: fixture name "schema.name",
/// every column nullable with the default collation. The caller marks what kind of view it is.
Table describe_view(const std::string& schema, const std::string& name, const std::vector<ViewColumn>& columns);

class Catalog {
 public:
  /// Reads the fixture's schema. Throws std::runtime_error naming the table and column when a
  /// declared type is not a SQL Server type or a collation is not supported.
  static Catalog load(sqlite3* db);

  /// Case-insensitive lookup; an empty schema means dbo.
  const Table* find(std::string_view schema, std::string_view name) const;
  const std::vector<Table>& tables() const { return tables_; }
  /// The table with this OBJECT_ID, or nullptr.
  const Table* find_object(std::int64_t object_id) const;
  /// The login's roles and permissions (access.hpp).
  const Access& access() const { return access_; }

  /// Creates the INFORMATION_SCHEMA temp tables on `db` (COLUMNS, TABLES, TABLE_CONSTRAINTS,
  /// KEY_COLUMN_USAGE) describing this catalog. Idempotent per connection.
  void install_information_schema(sqlite3* db, const std::string& database) const;

 private:
  std::vector<Table> tables_;
  Access access_;
  std::map<std::string, std::size_t> index_;  // "schema.name" lowercased
  void add(Table t);
};

}  // namespace tds_test

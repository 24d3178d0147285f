#pragma once
/// Issue 3's type matrix as data: tables (one per type family) whose cells hold the SAME logical
/// value written each engine's own way — the SQL Server side as the test server's fixture format
/// requires, the PostgreSQL side as a PostgreSQL literal. Shared by the matrix, planted and fix-up
/// tests (sqlserver_matrix_test.cpp).

#include <string>
#include <vector>

#include "tds_fixture.hpp"

namespace e2e::matrix {

struct Column {
  std::string name;
  std::string sqlserver;  ///< declared type in the fixture (" text" suffix keeps values as written)
  std::string postgres;   ///< PostgreSQL column type
};

struct Cell {
  FixtureValue ss;
  std::string pg = "NULL";  ///< a PostgreSQL expression
};

struct Table {
  std::string name;  ///< dbo.<name> on SQL Server, <schema>.<name> on PostgreSQL
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;  ///< row i has key id = i + 1
  std::vector<std::string> json_columns;
};

/// The whole matrix (ints, decimals, floats, temporal, guids, texts, binaries, jsons).
const std::vector<Table>& tables();

/// Number of compared value pairs (non-key cells).
std::size_t value_pairs();

/// Creates every table as "dbo.<name>" in the fixture and fills it.
void build_fixture(SqliteDb& fixture);

/// Creates schema `schema` on PostgreSQL with every table, filled with the same values.
void build_postgres(PgDatabase& db, const std::string& schema);

/// [[tables]] entries: dbo.<name> -> <schema>.<name>, key id, the given chunk_rows.
std::string tables_toml(const std::string& schema, int chunk_rows);

/// One value changed by one unit on the PostgreSQL side.
struct Plant {
  std::string table;
  int id;
  std::string column;
  std::string set;  ///< the new value, a PostgreSQL expression (may use the column)
};

/// One plant per type family and more (see the .cpp); every (table, id) appears once.
std::vector<Plant> plants();

/// UPDATE <schema>.<table> SET column = set WHERE id = id
void apply(PgDatabase& db, const std::string& schema, const Plant& p);

}  // namespace e2e::matrix

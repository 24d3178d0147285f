#pragma once
/// The MySQL ↔ PostgreSQL type matrix (docs/canonical-values.md, "MySQL"): each value written in
/// each engine's own way, the plants that make one value one unit off, and the job between them.

#include <string>
#include <vector>

#include "e2e_support.hpp"
#include "mariadb_server.hpp"

namespace e2e::mymatrix {

struct Column {
  std::string name, mysql_type, pg_type;
};
/// One value as a SQL literal of each engine.
struct Value {
  std::string mysql, pg;
};
struct Table {
  std::string name;
  std::vector<Column> columns;
  std::vector<std::vector<Value>> rows;  ///< row i has id i + 1
};

const std::vector<Table>& tables();
/// Values compared: rows × columns over every table.
std::size_t value_pairs();

/// Creates database `database` on MariaDB with every table and row.
void build_mysql(MyDb& root, const std::string& database);
/// Creates schema `schema` on PostgreSQL with every table and row.
void build_postgres(PgDatabase& db, const std::string& schema);

/// One value made one unit off: `pg` / `mysql` is the SET expression on each engine.
struct Plant {
  std::string table;
  int id;
  std::string column, pg, mysql;
};
const std::vector<Plant>& plants();
void plant_postgres(PgDatabase& db, const std::string& schema, const Plant& p);
void plant_mysql(MyDb& db, const std::string& database, const Plant& p);

/// [[tables]] entries: `source_ns`.t against `target_ns`.t, key id, chunk_rows small enough for
/// several ranges per table.
std::string tables_toml(const std::string& source_ns, const std::string& target_ns, int chunk_rows);

}  // namespace e2e::mymatrix

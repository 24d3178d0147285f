#pragma once
/// The statistics model's catalog side: which statistics objects a fixture table has, and the sys
/// views and the table-valued function that show them — sys.stats, sys.stats_columns,
/// sys.dm_db_partition_stats and sys.dm_db_stats_histogram(object_id, stats_id). Each is a derived
/// table (a VALUES list built from the catalog) that the translator puts in the statement's FROM,
/// so nothing is materialised per connection; the partition row counts are counted live.

#include <sqlite3.h>

#include <set>
#include <string>
#include <vector>

#include "catalog.hpp"

namespace tds_test {

/// The tables named in the fixture's optional `_tds_no_statistics(table_name)` table
/// ("schema.name" or a bare name, lowercased): they get no statistics objects at all.
std::set<std::string> tables_without_statistics(sqlite3* db);

/// Fills t.statistics: the primary key's (stats_id 1), then each UNIQUE constraint's, then each
/// index the fixture created, each with its histogram (statistics.hpp). Needs the collations of
/// sqlite_ext.hpp on `db`.
void load_statistics(sqlite3* db, Table& t);

/// The catalog entries of sys.stats, sys.stats_columns and sys.dm_db_partition_stats.
std::vector<Table> system_views();

/// The derived table `( SELECT … )` holding a sys view's rows for every table of `cat`.
std::string system_view_sql(const Table& view, const Catalog& cat);

/// sys.dm_db_stats_histogram's result for statistics `stats` of `table` (both may be null: an
/// unknown object or statistics id gives no rows): the catalog entry to bind the statement to —
/// range_high_key typed as the statistics' first column, where SQL Server says sql_variant — and
/// the derived table of its steps.
Table histogram_table(const Table* table, const Statistics* stats);
std::string histogram_sql(const Table& fn, const Table* table, const Statistics* stats);

}  // namespace tds_test

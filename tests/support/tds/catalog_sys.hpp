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

/// The server's clock now, UTC, as SQL Server's style 126 writes it with `digits` fractional
/// digits: "2026-12-04T10:00:00.123" (3) or "…00.1234567" (7).
std::string utc_now_text(int digits);

/// Fills t.indexes from its constraints and the fixture's CREATE INDEXes (catalog.hpp, Index).
void load_indexes(sqlite3* db, Table& t);

/// The update time of every statistics object of `t`: the row of the fixture's optional
/// `_tds_statistics(table_name TEXT, updated TEXT)` for the table (NULL: never updated), else
/// `loaded`, the time the server loaded the fixture and built the histograms.
void date_statistics(sqlite3* db, Table& t, const std::string& loaded);

/// The catalog entries of sys.stats, sys.stats_columns, sys.dm_db_partition_stats, sys.indexes and
/// sys.index_columns.
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

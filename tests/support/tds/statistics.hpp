#pragma once
/// The statistics SQL Server keeps on a fixture table, as this server models them: one statistics
/// object per index (the primary key, each UNIQUE constraint, each CREATE INDEX of the fixture),
/// each with a histogram of at most 200 steps over its first column, computed from the table's
/// rows when the server loads the fixture — as UPDATE STATISTICS … WITH FULLSCAN would. Like SQL
/// Server's, they go stale as rows are written; sys.dm_db_partition_stats counts rows live.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "types.hpp"

namespace tds_test {

/// One SQLite value, kept with its storage class (a histogram bound reads back as stored).
struct StoredValue {
  int type = SQLITE_NULL;  ///< SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL
  std::int64_t integer = 0;
  double real = 0;
  std::string bytes;  ///< TEXT (UTF-8) or BLOB
  /// As a SQLite literal: 42, 1.5 (exact), 'text', X'00FF', NULL.
  std::string sql_literal() const;
};

/// One step of sys.dm_db_stats_histogram.
struct HistogramStep {
  StoredValue range_high_key;  ///< NULL for the step that counts the column's NULLs (it comes first)
  double range_rows = 0;       ///< rows strictly between the previous step's key and this one
  double equal_rows = 0;       ///< rows equal to range_high_key
  std::int64_t distinct_range_rows = 0;
  double average_range_rows = 0;
};

struct Statistics {
  std::string name;  ///< PK_t, UQ_t_n, or the fixture's index name
  int stats_id = 0;  ///< the index's index_id: 1 for the primary key (clustered), then 2, 3, …
  std::vector<std::string> columns;
  std::vector<HistogramStep> histogram;
  /// When the statistics were last updated, as STATS_DATE returns it ("2026-12-04T10:00:00.000",
  /// the server's clock, which is UTC); nullopt: never (STATS_DATE is NULL).
  std::optional<std::string> updated;
};

/// The histogram of `column` of the SQLite table `sqlite_table`: a NULL step first when the column
/// holds NULLs, then one step per distinct value (equal under the column's collation) when there
/// are few enough, else the lowest value and steps of about equal row counts up to the highest.
std::vector<HistogramStep> build_histogram(sqlite3* db, const std::string& sqlite_table, const ResultColumn& column);

}  // namespace tds_test

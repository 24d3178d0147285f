#pragma once
/// What the server adds to every SQLite connection it opens on the fixture: the collations that
/// order values as SQL Server orders their types, and the functions translated statements call to
/// sample pages (TABLESAMPLE) and to count the rows a statement reads (--read-log).

#include <sqlite3.h>

#include <cstdint>

namespace tds_test {

/// Rows per page of the server's page model: TABLESAMPLE SYSTEM keeps or drops whole pages of
/// this many consecutive rowids, and sys.dm_db_partition_stats reports rows / this as pages.
inline constexpr std::int64_t kRowsPerPage = 100;

/// TDSDEC (exact decimals), TDSTIME (instants) and TDSGUID (SQL Server's GUID order).
void register_collations(sqlite3* db);

/// tds_read(rowid): counts one read row into *reads, true. tds_sample(rowid, percent, seed):
/// whether the row's page is in a TABLESAMPLE SYSTEM (percent PERCENT) REPEATABLE (seed) sample,
/// counting the row into *reads when it is (a sampled page is read whole).
void register_read_functions(sqlite3* db, std::uint64_t* reads);

/// The page model's draw: page = (rowid - 1) / kRowsPerPage is sampled when a hash of (page,
/// seed) falls below percent / 100. Deterministic, so REPEATABLE gives the same pages again.
bool page_sampled(std::int64_t rowid, double percent, std::int64_t seed);

}  // namespace tds_test

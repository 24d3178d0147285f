// Collations and functions the translated statements rely on. See sqlite_ext.hpp.
#include "sqlite_ext.hpp"

#include <string_view>

#include "scalars.hpp"

namespace tds_test {
namespace {

int collate_decimal(void*, int na, const void* a, int nb, const void* b) {
  return compare_decimal({static_cast<const char*>(a), std::size_t(na)}, {static_cast<const char*>(b), std::size_t(nb)});
}
int collate_temporal(void*, int na, const void* a, int nb, const void* b) {
  return compare_temporal({static_cast<const char*>(a), std::size_t(na)}, {static_cast<const char*>(b), std::size_t(nb)});
}
int collate_guid(void*, int na, const void* a, int nb, const void* b) {
  return compare_guid_sqlserver({static_cast<const char*>(a), std::size_t(na)},
                                {static_cast<const char*>(b), std::size_t(nb)});
}

std::uint64_t splitmix(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

void read_row(sqlite3_context* ctx, int, sqlite3_value**) {
  ++*static_cast<std::uint64_t*>(sqlite3_user_data(ctx));
  sqlite3_result_int(ctx, 1);
}

void sample_row(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const bool in = page_sampled(sqlite3_value_int64(argv[0]), sqlite3_value_double(argv[1]), sqlite3_value_int64(argv[2]));
  if (in) ++*static_cast<std::uint64_t*>(sqlite3_user_data(ctx));
  sqlite3_result_int(ctx, in ? 1 : 0);
}

}  // namespace

void register_collations(sqlite3* db) {
  sqlite3_create_collation(db, "TDSDEC", SQLITE_UTF8, nullptr, collate_decimal);
  sqlite3_create_collation(db, "TDSTIME", SQLITE_UTF8, nullptr, collate_temporal);
  sqlite3_create_collation(db, "TDSGUID", SQLITE_UTF8, nullptr, collate_guid);
}

void register_read_functions(sqlite3* db, std::uint64_t* reads) {
  // Not SQLITE_DETERMINISTIC: SQLite must call them once per row visited, never factor them out.
  sqlite3_create_function(db, "tds_read", 1, SQLITE_UTF8, reads, read_row, nullptr, nullptr);
  sqlite3_create_function(db, "tds_sample", 3, SQLITE_UTF8, reads, sample_row, nullptr, nullptr);
}

bool page_sampled(std::int64_t rowid, double percent, std::int64_t seed) {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  const auto page = static_cast<std::uint64_t>((rowid > 0 ? rowid - 1 : 0) / kRowsPerPage);
  const std::uint64_t h = splitmix(page * 0xD1B54A32D192ED03ULL ^ splitmix(static_cast<std::uint64_t>(seed)));
  return static_cast<double>(h >> 11) * 0x1.0p-53 < percent / 100.0;
}

}  // namespace tds_test

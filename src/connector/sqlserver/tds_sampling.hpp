#pragma once
// Private to the SQL Server connector: Connector::sample_keys — planning from statistics, not
// from the table (docs/sqlserver.md, "Planning"). In order:
//  1. the row estimate: sys.dm_db_partition_stats (partition_rows.sql; no row read), or an exact
//     COUNT_BIG when the job filters the table (statistics cannot say how many rows a filter
//     keeps) or the partition statistics cannot be read;
//  2. the keys:
//     - a one-column key, unfiltered: the histogram of a statistics object that starts with the
//       key column (unfiltered_statistics.sql, leading_statistics.sql, stats_histogram.sql);
//     - a composite key or a filter: TABLESAMPLE SYSTEM over a share of the table's pages (a
//       histogram holds the leading column only, and ranges need whole keys on every engine);
//     - every key (the ordered key scan) when the table has no statistics for the histogram,
//       when TABLESAMPLE cannot sample it, when the table is small enough that reading every key
//       is as cheap as sampling, and when the key is case-insensitive text that no unique
//       constraint covers (only a full read finds keys that differ only in letter case).
// Reading every key of a table that is not small is noted (take_notes), with what to do about it.

#include <cstddef>
#include <string>
#include <vector>

#include "recon/connector/connector.hpp"
#include "tds_collisions.hpp"
#include "tds_reader.hpp"

namespace recon::tds {

class KeySampler {
 public:
  /// `notes` collects what a person should know (the connector hands them out once each).
  KeySampler(Reader& reader, CollisionState& collisions, std::vector<std::string>& notes)
      : r_(reader), collisions_(collisions), notes_(notes) {}

  KeySample sample(const RangeQuery& q, std::size_t target_samples);

 private:
  struct Size {
    std::int64_t rows = 0;
    std::int64_t pages = 0;  ///< data pages of the whole table; 0 when unknown
  };
  Size size_of(const RangeQuery& q, const std::string& what);
  /// The histogram of the first usable statistics object on the key column, or empty with the
  /// reason in `why_not`.
  std::vector<HistogramStep> histogram(const RangeQuery& q, const std::string& what, std::string& why_not);
  /// Stats ids of the table whose histogram is over `column` and covers every row, lowest first.
  std::vector<std::int64_t> statistics_on(const RangeQuery& q, const std::string& column, const std::string& what);
  /// Keys from TABLESAMPLE SYSTEM, or empty with the reason in `why_not`.
  std::vector<std::string> table_sample(const RangeQuery& q, const Size& size, std::size_t n, const std::string& what,
                                        std::string& why_not);
  /// Every key, in order, keeping about n: the scan that also sees every NULL and case collision.
  std::vector<std::string> key_scan(const RangeQuery& q, std::int64_t rows, std::size_t n, const std::string& what);
  /// True when two keys could differ only in letter case: a case-insensitive text key column and
  /// no PRIMARY KEY or UNIQUE constraint within the key (which would have refused such a pair).
  bool collisions_possible(const RangeQuery& q, const std::string& what);
  /// Why `e`, just caught, happened: the server's error number and text, else the message.
  std::string reason(const ConnectorError& e) const;
  void note(std::string text);

  Reader& r_;
  CollisionState& collisions_;
  std::vector<std::string>& notes_;
};

}  // namespace recon::tds

#pragma once
// Private to the SQL Server connector: what one session's statements return — catalog values as
// text or integers, and rows of keys (then values) decoded straight from dbdata() into a RowBatch.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "recon/connector/connector.hpp"
#include "tds_collisions.hpp"
#include "tds_session.hpp"
#include "tds_values.hpp"

namespace recon::tds {

/// One step of a statistics histogram: its upper bound as a canonical key (nullopt for the step
/// that counts NULLs) and the rows it holds below that bound and equal to it.
struct HistogramStep {
  std::optional<std::string> key;
  std::int64_t range_rows = 0;
  std::int64_t equal_rows = 0;
};

class Reader {
 public:
  /// `cancelled` is the connector's flag: DB-Library may not be called from another thread, so a
  /// cancel only raises it and a read checks it between rows.
  Reader(Session& session, const std::atomic<bool>& cancelled) : s_(session), cancelled_(cancelled) {}

  Session& session() const { return s_; }
  std::string side() const { return side_name(s_.side()); }

  /// Runs `sql` and calls `on_row` for every row of every result set.
  template <class F>
  void query(const std::string& sql, const std::string& what, F&& on_row) {
    s_.execute(sql, what);
    try {
      while (s_.next_result(what))
        while (s_.next_row(what)) on_row();
    } catch (const ConnectorError&) {
      throw;
    } catch (...) {
      s_.cancel();
      throw;
    }
  }

  /// Column `c` (1-based) of the current row as text (char types; others through dbconvert).
  std::optional<std::string> text(int c) const;
  /// Column `c` (1-based) of the current row as an integer; nullopt for NULL.
  std::optional<std::int64_t> integer(int c) const;

  /// Streams the rows of `sql` (keys, then values when `with_values`) into `out`. `keep`, when
  /// given, decides per row whether it is stored (sampling); every row is still decoded and
  /// checked. A NULL key is an InputError naming the table and the column.
  void read_rows(const std::string& sql, const RangeQuery& q, bool with_values, const std::string& what,
                 RowBatch& out, CollisionTracker* tracker, const std::function<bool()>& keep);

  /// The steps of a histogram statement (stats_histogram.sql): its first column decoded as the
  /// key column `key`, then range_rows and equal_rows.
  std::vector<HistogramStep> read_histogram(const std::string& sql, const SelectColumn& key, const std::string& what);

 private:
  DBPROCESS* proc() const { return s_.raw(); }
  /// One decoder per column of the current result set, for `columns` in order.
  std::vector<ColumnDecoder> decoders(const std::vector<const SelectColumn*>& columns, const std::string& what);
  void check_cancel(const std::string& what) const;

  Session& s_;
  const std::atomic<bool>& cancelled_;
  std::string scratch_;
};

}  // namespace recon::tds

// The SQLite connector: read-only access through the C API (recon apply writes through a
// connection of its own, sqlite_write.hpp).
#include <algorithm>
#include <filesystem>
#include <set>

#include "recon/connector/sqlite.hpp"
#include "recon/generated/sql_text.hpp"
#include "sqlite_doctor.hpp"
#include "sqlite_handle.hpp"
#include "sqlite_query.hpp"
#include "sqlite_types.hpp"
#include "sqlite_values.hpp"
#include "sqlite_write.hpp"

namespace recon {
namespace {

using sqlite::busy_timeout_ms;
using sqlite::Db;
using sqlite::Stmt;

/// Parameters per key lookup statement; below SQLite's historical 999 limit on every build.
constexpr std::size_t kMaxLookupParams = 900;

class SqliteConnector final : public Connector {
 public:
  SqliteConnector(const Endpoint& ep, Side side) : side_(side), path_(redact_secrets(ep.url)), endpoint_(ep) {
    const bool uri = ep.url.rfind("file:", 0) == 0;
    if (ep.url.empty())
      throw ConnectorError(side_, std::string("the ") + side_name(side_) +
                           " SQLite url is empty; set [" + side_name(side_) +
                           "].url to the database file", true, true);
    std::error_code ec;
    if (!uri && !std::filesystem::is_regular_file(ep.url, ec))
      throw ConnectorError(side_, std::string("SQLite database file '") + path_ + "' (" +
                           side_name(side_) + ") does not exist or is not a file; check [" +
                           side_name(side_) + "].url in the job file", true, true);
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(ep.url.c_str(), &raw,
                                   SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
    db_ = Db(raw);  // owns the handle even when opening failed
    if (rc != SQLITE_OK)
      throw ConnectorError(side_, "cannot open SQLite database '" + path_ + "' (" + side_name(side_) +
                           "): " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)) + "; check [" +
                           side_name(side_) + "].url in the job file", true, true);
    sqlite3_extended_result_codes(db_.get(), 1);
    // A read waits lock_timeout for a writer's lock, then fails and the engine retries it; a
    // statement that runs past statement_timeout (or is cancelled) is interrupted the same way.
    sqlite3_busy_timeout(db_.get(), busy_timeout_ms(ep.lock_timeout_ms));
    watch_.set_timeout_ms(ep.statement_timeout_ms);
    watch_.install(db_.get());
    // Opening is lazy: a file that is not a database only fails at the first read.
    sqlite3_stmt* probe = nullptr;
    int step = sqlite3_prepare_v2(db_.get(), "SELECT count(*) FROM sqlite_master", -1, &probe, nullptr);
    const Stmt owned(probe);
    if (step == SQLITE_OK) step = sqlite3_step(probe);
    if (step != SQLITE_ROW)
      throw ConnectorError(side_, "cannot read SQLite database '" + path_ + "' (" + side_name(side_) +
                           "): " + sqlite3_errmsg(db_.get()) + "; check [" + side_name(side_) +
                           "].url points to a SQLite database file", true, true);
  }

  std::string endpoint() const override { return "sqlite " + path_; }
  Dialect dialect() const override { return Dialect::Sqlite; }
  void cancel() noexcept override {
    watch_.cancel();
    sqlite3_interrupt(db_.get());
  }
  bool can_write() const override { return true; }
  /// A second, read-write connection to the same file (sqlite_write.hpp); this one stays read-only.
  std::unique_ptr<WriteTransaction> begin_write() override { return sqlite::begin_write(endpoint_, side_); }

  TableInfo describe(const TableRef& table) override {
    const std::string schema = table.schema.empty() ? "main" : table.schema;
    TableInfo info;
    info.ref = table;
    std::vector<std::pair<int, std::string>> pk;  // (position in the key, column)
    {
      Stmt st = prepare(sql::sqlite_table_columns, "describing " + table.display());
      bind_text(st, 1, table.name);
      bind_text(st, 2, schema);
      int rc;
      while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
        if (sqlite3_column_int(st.get(), 4) == 1) continue;  // virtual-table hidden column
        ColumnInfo col;
        col.name = column_text(st, 0);
        col.type_name = column_text(st, 1);
        sqlite::classify_declared_type(col.type_name, col);
        col.nullable = sqlite3_column_int(st.get(), 2) == 0;
        if (const int k = sqlite3_column_int(st.get(), 3); k > 0) pk.emplace_back(k, col.name);
        info.columns.push_back(std::move(col));
      }
      if (rc != SQLITE_DONE) {
        if (sqlite3_errcode(db_.get()) == SQLITE_ERROR)  // "unknown database x": not attached
          throw InputError("cannot describe " + table.display() + " in the " + side_name(side_) +
                           " SQLite database '" + path_ + "': " + sqlite3_errmsg(db_.get()) +
                           "; use the schema \"main\" or no schema in [[tables]]");
        fail(rc, "describing " + table.display());
      }
    }
    if (info.columns.empty())
      throw InputError("table " + table.display() + " does not exist in the " + side_name(side_) +
                       " SQLite database '" + path_ + "'; check the [[tables]] " +
                       side_name(side_) + " name");
    std::sort(pk.begin(), pk.end());
    if (!pk.empty()) {
      std::vector<std::string> key;
      for (auto& [pos, name] : pk) key.push_back(name);
      // The rowid alias (a lone INTEGER PRIMARY KEY) can never be NULL.
      if (key.size() == 1)
        for (auto& c : info.columns)
          if (c.name == key[0] && c.type_class == TypeClass::Integer) c.nullable = false;
      info.unique_keys.push_back(std::move(key));
    }
    add_unique_indexes(table, schema, info);
    return info;
  }

  KeySample sample_keys(const RangeQuery& q, std::size_t target_samples) override {
    KeySample out;
    {
      Stmt st = prepare(sqlite::count_sql(q), "counting " + q.table.display());
      bind_or_fail(sqlite::bind_bounds(st.get(), q), "counting " + q.table.display());
      const int rc = sqlite3_step(st.get());
      if (rc != SQLITE_ROW) fail(rc, "counting " + q.table.display());
      out.estimated_rows = sqlite3_column_int64(st.get(), 0);
    }
    if (target_samples == 0 || out.estimated_rows == 0) return out;
    const auto rows = static_cast<std::uint64_t>(out.estimated_rows);
    const std::uint64_t stride = rows <= target_samples * 2 ? 1 : rows / target_samples;
    Stmt st = prepare(sqlite::range_sql(q, false), "sampling keys of " + q.table.display());
    bind_or_fail(sqlite::bind_bounds(st.get(), q), "sampling keys of " + q.table.display());
    std::uint64_t i = 0;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      // Every row is visited (not only kept ones) so any NULL key is found.
      for (std::size_t k = 0; k < q.keys.size(); ++k)
        if (sqlite3_column_type(st.get(), static_cast<int>(k)) == SQLITE_NULL)
          throw InputError("table " + q.table.display() + " (" + side_name(side_) + ") has a NULL in key column " +
                           q.keys[k].native.name + "; a key must identify every row: choose other key columns or add a where filter");
      if (i++ % stride != 0) continue;
      std::string key;
      for (std::size_t k = 0; k < q.keys.size(); ++k)
        sqlite::append_column(key, st.get(), static_cast<int>(k), q.keys[k]);
      out.keys.push_back(std::move(key));
    }
    if (rc != SQLITE_DONE) fail(rc, "sampling keys of " + q.table.display());
    return out;
  }

  void read_range(const RangeQuery& q, RowBatch& out) override {
    Stmt st = prepare(sqlite::range_sql(q, true), "reading " + q.table.display());
    bind_or_fail(sqlite::bind_bounds(st.get(), q), "reading " + q.table.display());
    read_rows(st, q, out, "reading " + q.table.display());
  }

  void fetch_keys(const RangeQuery& q, const std::vector<std::string>& keys, RowBatch& out) override {
    const std::size_t nk = q.keys.size();
    if (keys.empty() || nk == 0) return;
    const std::size_t per_chunk = std::max<std::size_t>(1, kMaxLookupParams / nk);
    const std::string what = "looking up keys in " + q.table.display();
    for (std::size_t start = 0; start < keys.size(); start += per_chunk) {
      const std::size_t n = std::min(per_chunk, keys.size() - start);
      Stmt st = prepare(sqlite::fetch_sql(q, n), what);
      int next = 1;
      for (std::size_t r = 0; r < n; ++r) {
        const std::string_view key = keys[start + r];
        std::size_t pos = 0;
        for (std::size_t k = 0; k < nk; ++k, ++next) {
          // A shorter key than the table's cannot match: its missing columns bind NULL.
          const int rc = pos < key.size()
                             ? sqlite::bind_canonical(st.get(), next, canon::read_value(key, pos))
                             : sqlite3_bind_null(st.get(), next);
          bind_or_fail(rc, what);
        }
      }
      read_rows(st, q, out, what);
    }
  }

 private:
  Stmt prepare(std::string_view sql, const std::string& what) {
    watch_.start();
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    Stmt st(raw);
    if (rc != SQLITE_OK) fail(rc, what);
    return st;
  }

  void bind_text(Stmt& st, int index, const std::string& s) {
    bind_or_fail(sqlite::bind_text(st, index, s), "binding a parameter");
  }

  void bind_or_fail(int rc, const std::string& what) {
    if (rc != SQLITE_OK) fail(rc, what);
  }

  static std::string column_text(Stmt& st, int col) { return sqlite::column_text(st, col); }

  /// Query errors (bad where filter, unknown column) are not retried; lock, I/O and corruption
  /// errors poison the connection so the engine reopens and retries the range.
  [[noreturn]] void fail(int rc, const std::string& what) {
    const bool poisoned = sqlite::is_poisoning(rc);
    throw ConnectorError(side_, std::string("SQLite ") + side_name(side_) + " database '" + path_ +
                         "' failed while " + what + ": " + sqlite3_errmsg(db_.get()) +
                         (poisoned ? "" : " (check the table's where filter and column names)"),
                         poisoned);
  }

  void read_rows(Stmt& st, const RangeQuery& q, RowBatch& out, const std::string& what) {
    const int nk = static_cast<int>(q.keys.size());
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      out.begin_row();
      std::string& a = out.arena();
      for (int k = 0; k < nk; ++k) sqlite::append_column(a, st.get(), k, q.keys[static_cast<std::size_t>(k)]);
      out.end_key();
      for (std::size_t v = 0; v < q.values.size(); ++v)
        sqlite::append_column(a, st.get(), nk + static_cast<int>(v), q.values[v]);
      out.end_row();
    }
    if (rc != SQLITE_DONE) fail(rc, what);
  }

 public:
  // ---- recon doctor (sqlite_doctor.hpp): catalog reads and EXPLAIN QUERY PLAN, nothing written ----
  ServerFacts server_facts() override { return sqlite::server_facts(path_); }
  TableFacts table_facts(const RangeQuery& first_range, const TableInfo&) override {
    watch_.start();
    return sqlite::table_facts(db_.get(), first_range, side_, path_);
  }
  std::string self_test_name() const override { return "sqlite"; }
  std::vector<std::string> read_literals(const std::vector<LiteralProbe>& probes) override {
    watch_.start();
    return sqlite::read_literals(db_.get(), probes, side_, path_);
  }

 private:
  /// Unique, non-partial indexes over plain columns (not expressions), after the primary key.
  void add_unique_indexes(const TableRef& table, const std::string& schema, TableInfo& info) {
    std::vector<std::string> names;
    {
      Stmt st = prepare(sql::sqlite_index_list, "listing indexes of " + table.display());
      bind_text(st, 1, table.name);
      bind_text(st, 2, schema);
      int rc;
      while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
        if (sqlite3_column_int(st.get(), 1) != 1 || sqlite3_column_int(st.get(), 3) != 0) continue;
        if (column_text(st, 2) == "pk") continue;  // same columns as table_xinfo's pk
        names.push_back(column_text(st, 0));
      }
      if (rc != SQLITE_DONE) fail(rc, "listing indexes of " + table.display());
    }
    std::set<std::vector<std::string>> seen(info.unique_keys.begin(), info.unique_keys.end());
    for (const auto& index : names) {
      Stmt st = prepare(sql::sqlite_index_columns, "reading index " + index);
      bind_text(st, 1, index);
      bind_text(st, 2, schema);
      std::vector<std::string> cols;
      bool plain = true;
      int rc;
      while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
        if (sqlite3_column_int(st.get(), 0) < 0) plain = false;
        else cols.push_back(column_text(st, 1));
      }
      if (rc != SQLITE_DONE) fail(rc, "reading index " + index);
      if (plain && !cols.empty() && seen.insert(cols).second) info.unique_keys.push_back(cols);
    }
  }

  Side side_;
  std::string path_;  ///< as given, secrets redacted (a URI may carry parameters)
  Endpoint endpoint_;  ///< as configured: begin_write opens the same url with its timeouts
  sqlite::StatementWatch watch_;  ///< statement_timeout and cancel()
  Db db_;
};

}  // namespace

std::unique_ptr<Connector> make_sqlite_connector(const Endpoint& endpoint, Side side) {
  return std::make_unique<SqliteConnector>(endpoint, side);
}

}  // namespace recon

// The MySQL connector: catalog from information_schema, rows streamed through the text protocol.
#include <algorithm>
#include <memory>
#include <set>

#include "my_connection.hpp"
#include "my_doctor.hpp"
#include "my_query.hpp"
#include "my_selftest.hpp"
#include "my_types.hpp"
#include "my_values.hpp"
#include "my_write.hpp"
#include "recon/connector/mysql.hpp"
#include "recon/generated/sql_text.hpp"

namespace recon {
namespace my {
namespace {

/// Keys per IN list: keeps a lookup statement well under max_allowed_packet.
constexpr std::size_t kFetchChunk = 1000;

std::optional<std::int64_t> number(const std::optional<std::string>& v) {
  if (!v || v->empty()) return std::nullopt;
  try {
    return std::stoll(*v);
  } catch (...) {
    return std::nullopt;
  }
}

class MysqlConnector final : public Connector {
 public:
  MysqlConnector(const Endpoint& ep, Side side) : login_(ep), side_(side), conn_(std::make_unique<Connection>(ep, side)) {}

  std::string endpoint() const override { return conn_->endpoint(); }
  Dialect dialect() const override { return Dialect::Mysql; }
  void cancel() noexcept override { conn_->cancel(); }
  bool can_write() const override { return true; }
  std::unique_ptr<WriteTransaction> begin_write() override { return my::begin_write(login_, side_); }

  TableInfo describe(const TableRef& table) override {
    const std::string what = "describing " + target(table);
    Connection& c = live();
    const Rows found = c.query(catalog_sql(sql::mysql_resolve_table, table.schema, table.name), what);
    if (found.empty())
      throw InputError(target(table) + " does not exist in " +
                       (table.schema.empty() ? "the url's database" : "database " + table.schema) + " of " +
                       c.endpoint() + "; check the [[tables]] " + side_name(side_) +
                       " name (write database.table for another database; names are case-sensitive on Linux)");
    TableInfo info;
    info.ref.schema = found[0][0].value_or("");
    info.ref.name = found[0][1].value_or(table.name);
    std::set<std::string> json_checked;
    if (c.mariadb())
      for (const auto& row : c.query(catalog_sql(sql::mysql_json_checks, info.ref.schema, info.ref.name), what)) {
        const std::string clause = row[0].value_or("");
        static constexpr std::string_view kOpen = "json_valid(`";
        if (clause.rfind(kOpen, 0) == 0 && clause.size() > kOpen.size() + 2 && clause.substr(clause.size() - 2) == "`)")
          json_checked.insert(clause.substr(kOpen.size(), clause.size() - kOpen.size() - 2));
      }
    for (const auto& row : c.query(catalog_sql(sql::mysql_columns, info.ref.schema, info.ref.name), what)) {
      CatalogColumn cc;
      cc.name = row[0].value_or("");
      cc.data_type = row[1].value_or("");
      cc.column_type = row[2].value_or("");
      cc.nullable = row[3].value_or("YES") == "YES";
      cc.numeric_precision = number(row[4]);
      cc.numeric_scale = number(row[5]);
      cc.datetime_precision = number(row[6]);
      cc.collation = row[7].value_or("");
      cc.json_check = json_checked.count(cc.name) > 0;
      info.columns.push_back(classify_column(cc));
    }
    std::string current;
    for (const auto& row : c.query(catalog_sql(sql::mysql_unique_keys, info.ref.schema, info.ref.name), what)) {
      if (info.unique_keys.empty() || row[0].value_or("") != current) {
        info.unique_keys.emplace_back();
        current = row[0].value_or("");
      }
      info.unique_keys.back().push_back(row[1].value_or(""));
    }
    return info;
  }

  /// Reads every key (streamed, keys only, unsorted) and keeps every k-th: MySQL has no
  /// TABLESAMPLE. The estimate is InnoDB's TABLE_ROWS, or a count when the job filters the table.
  KeySample sample_keys(const RangeQuery& q, std::size_t target_samples) override {
    KeySample sample;
    const std::string what = "sampling keys of " + target(q.table);
    Connection& c = live();
    sample.estimated_rows = estimate_rows(c, q, what);
    const auto n = static_cast<std::int64_t>(std::max<std::size_t>(target_samples, 1));
    const std::int64_t step = std::max<std::int64_t>(1, sample.estimated_rows / n);
    RowBatch keys;
    std::int64_t seen = 0;
    in_snapshot(c, what, [&] {
      c.stream(keys_only_select(q), what, [&](const RowView& row) {
        if (seen++ % step != 0) return;
        append_row(keys, q.keys, {}, false, row);
        sample.keys.emplace_back(keys.key(keys.size() - 1));
        keys.clear();
      });
    });
    sample.estimated_rows = std::max(sample.estimated_rows, seen);
    return sample;
  }

  void read_range(const RangeQuery& q, RowBatch& out) override {
    const std::string what = "reading a range of " + target(q.table);
    Connection& c = live();
    in_snapshot(c, what, [&] {
      c.stream(range_select(q), what, [&](const RowView& row) { append_row(out, q.keys, q.values, true, row); });
    });
  }

  // ---- recon doctor (my_doctor.hpp, my_selftest.hpp) ----
  ServerFacts server_facts() override { return my::server_facts(live()); }
  LoginFacts login_facts() override { return my::login_facts(live()); }
  TableFacts table_facts(const RangeQuery& first_range, const TableInfo& info) override {
    return my::table_facts(live(), first_range, info);
  }
  std::vector<std::string> least_privilege_sql(const std::vector<TableRef>& tables, const std::string& role,
                                               bool writes) const override {
    return my::least_privilege_sql(tables, role, writes, parse_mysql_url(login_.url, side_).database);
  }
  std::string self_test_name() const override { return "mysql"; }
  std::vector<std::string> read_literals(const std::vector<LiteralProbe>& probes) override {
    return my::read_literals(live(), probes);
  }

  void fetch_keys(const RangeQuery& q, const std::vector<std::string>& keys, RowBatch& out) override {
    if (q.keys.empty()) return;
    const std::string what = "fetching rows by key from " + target(q.table);
    Connection& c = live();
    in_snapshot(c, what, [&] {
      for (std::size_t begin = 0; begin < keys.size(); begin += kFetchChunk) {
        const std::size_t end = std::min(keys.size(), begin + kFetchChunk);
        c.stream(keys_select(q, keys, begin, end), what,
                 [&](const RowView& row) { append_row(out, q.keys, q.values, true, row); });
      }
    });
  }

 private:
  std::string target(const TableRef& t) const { return std::string(side_name(side_)) + " table " + t.display(); }

  /// The session, replaced first when the last statement lost it or a cancel() broke it.
  Connection& live() {
    if (conn_->broken()) conn_ = std::make_unique<Connection>(login_, side_);
    return *conn_;
  }

  /// Runs `read` in a read-only transaction whose reads all see one consistent snapshot.
  template <typename F>
  void in_snapshot(Connection& c, const std::string& what, F&& read) {
    c.execute("START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT", what);
    try {
      read();
    } catch (...) {
      if (!c.broken()) {
        try {
          c.execute("ROLLBACK", what);
        } catch (...) {
        }
      }
      throw;
    }
    c.execute("COMMIT", what);
  }

  std::int64_t estimate_rows(Connection& c, const RangeQuery& q, const std::string& what) {
    if (q.where.empty()) {
      const Rows found = c.query(catalog_sql(sql::mysql_resolve_table, q.table.schema, q.table.name), what);
      if (found.empty()) throw InputError(target(q.table) + " does not exist in " + c.endpoint() + "; check the [[tables]] entry");
      const std::int64_t rows = number(found[0][2]).value_or(0);
      if (rows > 0) return rows;
    }
    const Rows counted = c.query(count_select(q), what);
    return counted.empty() ? 0 : number(counted[0][0]).value_or(0);
  }

  Endpoint login_;
  Side side_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace
}  // namespace my

std::unique_ptr<Connector> make_mysql_connector(const Endpoint& endpoint, Side side) {
  return std::make_unique<my::MysqlConnector>(endpoint, side);
}

}  // namespace recon

// The dms_csv connector: ranges of a table's key-sorted file (dms_table.hpp), converted to the
// classes the engine compares in, as any engine's rows are.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "dms_doctor.hpp"
#include "dms_table.hpp"
#include "recon/connector/dms_csv.hpp"
#include "sorted_reader.hpp"

namespace recon {
namespace {

using dms_csv::SortedReader;
using dms_csv::TableLayout;
using dms_csv::TableStore;

class DmsCsvConnector final : public Connector {
 public:
  DmsCsvConnector(const Endpoint& ep, Side side) : side_(side), endpoint_(ep), store_(TableStore::of(ep)) {
    std::error_code ec;
    if (!std::filesystem::is_directory(ep.url, ec))
      throw ConnectorError(side, fmt::format("the {} dms_csv url '{}' is not a folder; set [{}].url to the folder DMS "
                                             "wrote (<schema>/<table>/LOAD00000001.csv …)",
                                             side_name(side), ep.url, side_name(side)),
                           true, true);
  }

  std::string endpoint() const override { return "dms_csv " + endpoint_.url; }
  /// Fix-up SQL is never written for this side (it cannot be a write target); range bounds are
  /// not SQL either. PostgreSQL's spelling serves messages.
  Dialect dialect() const override { return Dialect::Postgres; }
  std::vector<std::string> take_notes() override { return std::exchange(notes_, {}); }

  bool needs_other_description(const TableRef& table) const override { return explicit_columns(table) == nullptr; }

  TableInfo describe(const TableRef& table) override {
    const std::vector<std::string>* cols = explicit_columns(table);
    if (!cols)
      throw InputError(fmt::format("the {} dms_csv side has no column types for {}: list them in [{}].columns "
                                   "(\"{}\" = [\"id:integer\", …]) or compare it with a database side",
                                   side_name(side_), table.display(), side_name(side_), table.display()));
    TableLayout layout{table, dms_csv::table_folder(endpoint_.url, table, side_), {}};
    for (const std::string& c : *cols) {
      const std::size_t colon = c.rfind(':');
      ColumnInfo col;
      col.name = c.substr(0, colon);
      col.type_name = c.substr(colon + 1);
      col.type_class = type_class_from_name(col.type_name);
      layout.columns.push_back(std::move(col));
    }
    return publish(std::move(layout), {});
  }

  TableInfo describe_from(const TableRef& table, const TableInfo& other) override {
    if (!needs_other_description(table)) return describe(table);
    TableLayout layout{table, dms_csv::table_folder(endpoint_.url, table, side_), {}};
    for (ColumnInfo c : other.columns) {
      c.type_oid = 0;  // no wire form: values are text
      c.dynamic = false;
      c.nullable = true;
      layout.columns.push_back(std::move(c));
    }
    return publish(std::move(layout), other.unique_keys);
  }

  KeySample sample_keys(const RangeQuery& q, std::size_t target_samples) override {
    SortedReader& r = reader(q);
    // Rows left out are reported with the table, when it is planned.
    for (std::string& n : store_.take_notes(q.table)) notes_.push_back(std::move(n));
    KeySample out;
    out.estimated_rows = static_cast<std::int64_t>(r.rows());
    out.keys = r.sample(q, target_samples);
    return out;
  }

  void read_range(const RangeQuery& q, RowBatch& out) override { reader(q).read(q, out); }

  void fetch_keys(const RangeQuery& q, const std::vector<std::string>& keys, RowBatch& out) override {
    reader(q).fetch(q, keys, out);
  }

  // ---- recon doctor (dms_doctor.hpp): files, no login, no privileges, no self-test ----
  ServerFacts server_facts() override { return dms_csv::server_facts(endpoint_.url); }
  TableFacts table_facts(const RangeQuery& first_range, const TableInfo&) override {
    return dms_csv::table_facts(endpoint_.url, first_range, side_, store_.loaded_rows(first_range.table));
  }

 private:
  const std::vector<std::string>* explicit_columns(const TableRef& table) const {
    const auto& cols = endpoint_.dms_csv.columns;
    for (const std::string& name : {table.display(), table.name})
      if (auto it = cols.find(name); it != cols.end()) return &it->second;
    return nullptr;
  }

  TableInfo publish(TableLayout layout, std::vector<std::vector<std::string>> unique_keys) {
    TableInfo info;
    info.ref = layout.ref;
    info.columns = layout.columns;
    info.unique_keys = std::move(unique_keys);
    store_.set_layout(std::move(layout));
    // Read (and sorted) now, while a row that cannot be read is still bad input (exit 2): by the
    // table's first unique key, the one a job without `key` compares on.
    if (!info.unique_keys.empty()) store_.sorted(info.ref, info.unique_keys.front(), side_);
    return info;
  }

  /// This connector's reader of the table sorted by q's keys (the sort runs on first use).
  SortedReader& reader(const RangeQuery& q) {
    if (!q.where.empty())
      throw InputError(fmt::format("table {}: the {} side is dms_csv files, which a where filter cannot select from; "
                                   "remove {}_where", q.table.display(), side_name(side_), side_name(side_)));
    std::vector<std::string> keys;
    for (const auto& k : q.keys) keys.push_back(k.native.name);
    for (auto& r : readers_)
      if (r->table() == q.table.display() && r->key_columns() == keys) return *r;
    const TableLayout layout = store_.layout(q.table, side_);
    readers_.push_back(std::make_unique<SortedReader>(layout, store_.sorted(q.table, keys, side_), side_));
    return *readers_.back();
  }

  Side side_;
  Endpoint endpoint_;
  TableStore& store_;
  std::vector<std::unique_ptr<SortedReader>> readers_;
  std::vector<std::string> notes_;  ///< for take_notes
};

}  // namespace

std::unique_ptr<Connector> make_dms_csv_connector(const Endpoint& endpoint, Side side) {
  return std::make_unique<DmsCsvConnector>(endpoint, side);
}

}  // namespace recon

// sys views and sys.dm_db_stats_histogram over the statistics model. See catalog_sys.hpp.
#include "catalog_sys.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "sqlite_ext.hpp"

namespace tds_test {
namespace {

const std::vector<ViewColumn> kStats = {{"object_id", "int"},        {"name", "sysname"},
                                        {"stats_id", "int"},         {"auto_created", "bit"},
                                        {"user_created", "bit"},     {"no_recompute", "bit"},
                                        {"has_filter", "bit"},       {"filter_definition", "nvarchar(max)"},
                                        {"is_temporary", "bit"},     {"is_incremental", "bit"}};
const std::vector<ViewColumn> kStatsColumns = {
    {"object_id", "int"}, {"stats_id", "int"}, {"stats_column_id", "int"}, {"column_id", "int"}};
const std::vector<ViewColumn> kPartitionStats = {
    {"partition_id", "bigint"},           {"object_id", "int"},
    {"index_id", "int"},                  {"partition_number", "int"},
    {"in_row_data_page_count", "bigint"}, {"in_row_used_page_count", "bigint"},
    {"in_row_reserved_page_count", "bigint"}, {"used_page_count", "bigint"},
    {"reserved_page_count", "bigint"},    {"row_count", "bigint"}};
const std::vector<ViewColumn> kHistogram = {
    {"object_id", "int"},  {"stats_id", "int"},   {"step_number", "int"},         {"range_high_key", "int"},
    {"range_rows", "real"}, {"equal_rows", "real"}, {"distinct_range_rows", "bigint"}, {"average_range_rows", "real"}};

const std::vector<ViewColumn> kIndexes = {
    {"object_id", "int"},       {"name", "sysname"},        {"index_id", "int"},
    {"type", "tinyint"},        {"type_desc", "nvarchar(60)"}, {"is_unique", "bit"},
    {"is_primary_key", "bit"},  {"is_unique_constraint", "bit"}, {"is_disabled", "bit"},
    {"is_hypothetical", "bit"}, {"has_filter", "bit"},      {"filter_definition", "nvarchar(max)"}};
const std::vector<ViewColumn> kIndexColumns = {
    {"object_id", "int"},         {"index_id", "int"},          {"index_column_id", "int"},
    {"column_id", "int"},         {"key_ordinal", "tinyint"},   {"partition_ordinal", "tinyint"},
    {"is_descending_key", "bit"}, {"is_included_column", "bit"}};

std::string quote(std::string_view s, char q) {
  std::string r(1, q);
  for (char c : s) {
    if (c == q) r += q;
    r += c;
  }
  return r + q;
}

Table view_of(const char* name, const std::vector<ViewColumn>& columns) {
  Table t = describe_view("sys", name, columns);
  t.system_view = true;
  return t;
}

/// `value` with the type affinity a fixture column of this type has: VALUES columns have none,
/// and SQLite compares a value without affinity with the WHERE's '1' as text.
std::string with_affinity(const std::string& value, const SqlType& t) {
  switch (t.kind) {
    case Kind::TinyInt: case Kind::SmallInt: case Kind::Int: case Kind::BigInt: case Kind::Bit:
      return "CAST(" + value + " AS INTEGER)";
    case Kind::Float: case Kind::Real:
      return "CAST(" + value + " AS REAL)";
    default:
      return t.is_string() ? "CAST(" + value + " AS TEXT)" : value;
  }
}

/// ( SELECT column1 AS "a", … FROM (VALUES (…), …) ), or a statement with no rows. `computed`
/// gives a column an expression over the VALUES columns instead of its own value (by position).
std::string derived(const Table& view, const std::vector<std::string>& rows,
                    const std::vector<std::string>& computed = {}) {
  std::string cols;
  for (std::size_t i = 0; i < view.columns.size(); ++i) {
    std::string value = rows.empty() ? std::string("NULL") : "column" + std::to_string(i + 1);
    if (!rows.empty() && i < computed.size() && !computed[i].empty()) value = computed[i];
    cols += (i ? ", " : "") + with_affinity(value, view.columns[i].type) + " AS " + quote(view.columns[i].name, '"');
  }
  if (rows.empty()) return "(SELECT " + cols + " WHERE 0)";
  std::string values;
  for (const std::string& r : rows) values += (values.empty() ? "(" : ", (") + r + ")";
  return "(SELECT " + cols + " FROM (VALUES " + values + "))";
}

std::string real_literal(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".en") == std::string::npos) s += ".0";  // stays REAL in SQLite
  return s;
}

int column_id(const Table& t, const std::string& name) {
  for (std::size_t i = 0; i < t.columns.size(); ++i)
    if (iequals(t.columns[i].name, name)) return int(i) + 1;
  return 0;
}

bool has_primary_key(const Table& t) {
  return std::any_of(t.constraints.begin(), t.constraints.end(), [](const Constraint& c) { return c.type == "PRIMARY KEY"; });
}

std::vector<std::string> stats_rows(const Catalog& cat) {
  std::vector<std::string> rows;
  for (const Table& t : cat.tables())
    for (const Statistics& s : t.statistics)
      rows.push_back(std::to_string(t.object_id) + ", " + quote(s.name, '\'') + ", " + std::to_string(s.stats_id) +
                     ", 0, 0, 0, 0, NULL, 0, 0");
  return rows;
}

std::vector<std::string> stats_column_rows(const Catalog& cat) {
  std::vector<std::string> rows;
  for (const Table& t : cat.tables())
    for (const Statistics& s : t.statistics)
      for (std::size_t k = 0; k < s.columns.size(); ++k)
        rows.push_back(std::to_string(t.object_id) + ", " + std::to_string(s.stats_id) + ", " + std::to_string(k + 1) +
                       ", " + std::to_string(column_id(t, s.columns[k])));
  return rows;
}

/// One row per heap or clustered index (index_id 0 / 1) and per other index, rows counted now:
/// SQL Server keeps row_count current, unlike the histograms.
std::vector<std::string> partition_rows(const Catalog& cat) {
  std::vector<std::string> rows;
  for (const Table& t : cat.tables()) {
    if (t.view) continue;
    // Counted once per row: the page columns are computed from row_count (system_view_sql).
    const std::string count = "(SELECT count(*) FROM " + quote(t.sqlite_name, '"') + ")";
    std::vector<int> indexes = {has_primary_key(t) ? 1 : 0};
    for (const Statistics& s : t.statistics)
      if (s.stats_id > 1) indexes.push_back(s.stats_id);
    for (int index_id : indexes)
      rows.push_back(std::to_string(t.object_id * 1000 + index_id) + ", " + std::to_string(t.object_id) + ", " +
                     std::to_string(index_id) + ", 1, NULL, NULL, NULL, NULL, NULL, " + count);
  }
  return rows;
}

/// sys.indexes: a heap row (index_id 0, no name) for a table without a clustered index, then
/// its indexes.
std::vector<std::string> index_rows(const Catalog& cat) {
  std::vector<std::string> rows;
  for (const Table& t : cat.tables()) {
    if (t.view || t.information_schema || t.system_view) continue;
    const std::string id = std::to_string(t.object_id);
    const bool clustered = std::any_of(t.indexes.begin(), t.indexes.end(), [](const Index& i) { return i.clustered; });
    if (!clustered) rows.push_back(id + ", NULL, 0, 0, 'HEAP', 0, 0, 0, 0, 0, 0, NULL");
    for (const Index& i : t.indexes)
      rows.push_back(id + ", " + quote(i.name, '\'') + ", " + std::to_string(i.index_id) + ", " +
                     (i.clustered ? "1, 'CLUSTERED'" : "2, 'NONCLUSTERED'") + ", " + (i.unique ? "1" : "0") + ", " +
                     (i.primary_key ? "1" : "0") + ", " + (i.unique_constraint ? "1" : "0") + ", 0, 0, " +
                     (i.filtered ? "1, 'filtered'" : "0, NULL"));
  }
  return rows;
}

std::vector<std::string> index_column_rows(const Catalog& cat) {
  std::vector<std::string> rows;
  for (const Table& t : cat.tables())
    for (const Index& i : t.indexes)
      for (std::size_t k = 0; k < i.columns.size(); ++k)
        rows.push_back(std::to_string(t.object_id) + ", " + std::to_string(i.index_id) + ", " + std::to_string(k + 1) +
                       ", " + std::to_string(column_id(t, i.columns[k])) + ", " + std::to_string(k + 1) + ", 0, " +
                       (i.descending[k] ? "1" : "0") + ", 0");
  return rows;
}

}  // namespace

std::string utc_now_text(int digits) {
  const auto now = std::chrono::system_clock::now();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%07lld", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros % 1'000'000) * 10);
  return std::string(buf).substr(0, std::size_t(20 + digits));
}

void load_indexes(sqlite3* db, Table& t) {
  int next = 2;
  for (const Constraint& c : t.constraints) {
    Index i;
    i.name = c.name;
    i.primary_key = c.type == "PRIMARY KEY";
    i.unique_constraint = !i.primary_key;
    i.clustered = i.primary_key;
    i.unique = true;
    i.index_id = i.primary_key ? 1 : next++;
    i.columns = c.columns;
    i.descending.assign(c.columns.size(), false);
    t.indexes.push_back(std::move(i));
  }
  // Indexes the fixture created itself (CREATE [UNIQUE] INDEX), oldest first.
  std::vector<std::pair<std::string, std::pair<bool, bool>>> created;  // name, (unique, partial)
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, ("PRAGMA index_list(" + quote(t.sqlite_name, '"') + ")").c_str(), -1, &st, nullptr) == SQLITE_OK)
    while (sqlite3_step(st) == SQLITE_ROW)
      if (std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))) == "c")
        created.push_back({reinterpret_cast<const char*>(sqlite3_column_text(st, 1)),
                           {sqlite3_column_int(st, 2) == 1, sqlite3_column_int(st, 4) == 1}});
  sqlite3_finalize(st);
  std::reverse(created.begin(), created.end());
  for (const auto& [name, flags] : created) {
    Index i;
    i.name = name;
    i.unique = flags.first;
    i.filtered = flags.second;
    i.index_id = next++;
    if (sqlite3_prepare_v2(db, ("PRAGMA index_xinfo(" + quote(name, '"') + ")").c_str(), -1, &st, nullptr) == SQLITE_OK)
      while (sqlite3_step(st) == SQLITE_ROW)
        if (sqlite3_column_int(st, 5) == 1 && sqlite3_column_text(st, 2)) {  // a key column, not the rowid
          i.columns.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 2)));
          i.descending.push_back(sqlite3_column_int(st, 3) == 1);
        }
    sqlite3_finalize(st);
    t.indexes.push_back(std::move(i));
  }
}

void date_statistics(sqlite3* db, Table& t, const std::string& loaded) {
  std::optional<std::string> updated = loaded;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT updated FROM _tds_statistics WHERE lower(table_name) IN (lower(?), lower(?))", -1, &st,
                         nullptr) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, t.sqlite_name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, t.name.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      updated = p ? std::optional<std::string>(p) : std::nullopt;
    }
  }
  sqlite3_finalize(st);
  for (Statistics& s : t.statistics) s.updated = updated;
}

std::set<std::string> tables_without_statistics(sqlite3* db) {
  std::set<std::string> out;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT table_name FROM _tds_no_statistics", -1, &st, nullptr) != SQLITE_OK) return out;
  while (sqlite3_step(st) == SQLITE_ROW)
    if (const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) out.insert(lower(p));
  sqlite3_finalize(st);
  return out;
}

void load_statistics(sqlite3* db, Table& t) {
  int next = 2;
  auto add = [&](const std::string& name, int id, const std::vector<std::string>& columns) {
    const ResultColumn* lead = columns.empty() ? nullptr : t.find_column(columns[0]);
    if (!lead) return;
    t.statistics.push_back(Statistics{name, id, columns, build_histogram(db, t.sqlite_name, *lead), std::nullopt});
  };
  for (const Constraint& c : t.constraints) add(c.name, c.type == "PRIMARY KEY" ? 1 : next++, c.columns);
  // Indexes the fixture created itself (CREATE [UNIQUE] INDEX), oldest first.
  std::vector<std::string> names;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, ("PRAGMA index_list(" + quote(t.sqlite_name, '"') + ")").c_str(), -1, &st, nullptr) == SQLITE_OK)
    while (sqlite3_step(st) == SQLITE_ROW)
      if (std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))) == "c")
        names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
  sqlite3_finalize(st);
  std::reverse(names.begin(), names.end());
  for (const std::string& ix : names) {
    std::vector<std::string> columns;
    if (sqlite3_prepare_v2(db, ("PRAGMA index_info(" + quote(ix, '"') + ")").c_str(), -1, &st, nullptr) == SQLITE_OK)
      while (sqlite3_step(st) == SQLITE_ROW)
        if (const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, 2))) columns.emplace_back(p);
    sqlite3_finalize(st);
    add(ix, next++, columns);
  }
}

std::vector<Table> system_views() {
  return {view_of("stats", kStats), view_of("stats_columns", kStatsColumns),
          view_of("dm_db_partition_stats", kPartitionStats), view_of("indexes", kIndexes),
          view_of("index_columns", kIndexColumns)};
}

std::string system_view_sql(const Table& view, const Catalog& cat) {
  if (iequals(view.name, "stats")) return derived(view, stats_rows(cat));
  if (iequals(view.name, "stats_columns")) return derived(view, stats_column_rows(cat));
  if (iequals(view.name, "indexes")) return derived(view, index_rows(cat));
  if (iequals(view.name, "index_columns")) return derived(view, index_column_rows(cat));
  const std::string pages = "((column10 + " + std::to_string(kRowsPerPage - 1) + ") / " + std::to_string(kRowsPerPage) + ")";
  return derived(view, partition_rows(cat), {"", "", "", "", pages, pages, pages, pages, pages});
}

Table histogram_table(const Table* table, const Statistics* stats) {
  Table fn = view_of("dm_db_stats_histogram", kHistogram);
  const ResultColumn* lead = table && stats && !stats->columns.empty() ? table->find_column(stats->columns[0]) : nullptr;
  if (lead) {
    ResultColumn& key = fn.columns[3];
    key.type = lead->type;
    key.collation = lead->collation;
  }
  return fn;
}

std::string histogram_sql(const Table& fn, const Table* table, const Statistics* stats) {
  std::vector<std::string> rows;
  if (table && stats)
    for (std::size_t i = 0; i < stats->histogram.size(); ++i) {
      const HistogramStep& s = stats->histogram[i];
      rows.push_back(std::to_string(table->object_id) + ", " + std::to_string(stats->stats_id) + ", " + std::to_string(i + 1) + ", " +
                     s.range_high_key.sql_literal() + ", " + real_literal(s.range_rows) + ", " +
                     real_literal(s.equal_rows) + ", " + std::to_string(s.distinct_range_rows) + ", " +
                     real_literal(s.average_range_rows));
    }
  return derived(fn, rows);
}

}  // namespace tds_test

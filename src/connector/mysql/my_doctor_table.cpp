// recon doctor on MySQL/MariaDB: one table's facts. See my_doctor.hpp.
#include <algorithm>
#include <set>

#include "my_doctor.hpp"
#include "my_grants.hpp"
#include "my_query.hpp"
#include "my_types.hpp"
#include "my_values.hpp"
#include "recon/generated/sql_text.hpp"

namespace recon::my {
namespace {

constexpr Dialect kMy = Dialect::Mysql;

std::optional<std::int64_t> number(const std::optional<std::string>& v) {
  if (!v || v->empty()) return std::nullopt;
  try {
    return std::stoll(*v);
  } catch (...) {
    return std::nullopt;
  }
}

/// A collation treats 'a' and 'A' as one when its name ends in _ci (utf8mb4_general_ci,
/// utf8mb4_0900_ai_ci, utf8mb4_uca1400_ai_ci); _bin, _cs and _as_cs ones do not.
bool case_insensitive(const std::string& collation) {
  return collation.size() > 3 && collation.compare(collation.size() - 3, 3, "_ci") == 0;
}

/// Runs a statement that may be refused for want of a right; nullopt then (the session lives on).
std::optional<Rows> try_query(Connection& c, const std::string& sql, const std::string& what) {
  try {
    return c.query(sql, what);
  } catch (const ConnectorError&) {
    if (c.broken()) throw;
    return std::nullopt;
  }
}

std::string where_clause(const RangeQuery& q) { return q.where.empty() ? "" : " WHERE (" + q.where + ")"; }

std::string key_names(const RangeQuery& q) {
  std::string out;
  for (const auto& k : q.keys) out += (out.empty() ? "" : ", ") + quote_ident(kMy, k.native.name);
  return out;
}

void add_key_columns(Connection& c, const RangeQuery& q, const TableInfo& info, TableFacts& f, const std::string& what) {
  const Rows cols = c.query(catalog_sql(sql::mysql_doctor_key_columns, info.ref.schema, info.ref.name), what);
  for (const SelectColumn& k : q.keys) {
    KeyColumnFacts kf;
    kf.column = k.native.name;
    for (const auto& row : cols)
      if (row[0].value_or("") == k.native.name) kf.collation = row[1].value_or("");
    kf.case_insensitive = case_insensitive(kf.collation);
    const std::string bound = key_expr(k);
    kf.range_bound = bound == quote_ident(kMy, k.native.name) ? "native order" : bound;
    f.key_columns.push_back(std::move(kf));
  }
}

/// Keys equal under the key columns' collations but not byte for byte: one GROUP BY over the
/// key columns as the collation compares them, counting the byte-distinct keys of each group;
/// then up to 3 of those keys, variants of one key side by side ('A', 'a', 'B').
void count_collisions(Connection& c, const RangeQuery& q, TableFacts& f, const std::string& what) {
  std::string bytes, shown;
  for (const auto& k : q.keys) {
    bytes += (bytes.empty() ? "" : ", ") + key_expr(k);
    shown += (shown.empty() ? "" : ", ") + ("MIN(" + read_expr(k) + ")");
  }
  const std::string table = " FROM " + quote_table(kMy, q.table);
  const std::string groups = table + where_clause(q) + " GROUP BY " + key_names(q);
  const Rows sums = c.query("SELECT COALESCE(SUM(n), 0), COALESCE(SUM(CASE WHEN v > 1 THEN v ELSE 0 END), 0) FROM "
                            "(SELECT COUNT(*) AS n, COUNT(DISTINCT " + bytes + ") AS v" + groups + ") AS recon_groups",
                            what);
  f.collisions_scanned = sums.empty() ? 0 : number(sums[0][0]).value_or(0);
  f.case_colliding_keys = sums.empty() ? 0 : number(sums[0][1]).value_or(0);
  if (f.case_colliding_keys.value_or(0) == 0) return;
  std::string order;
  for (std::size_t i = 1; i <= q.keys.size(); ++i) order += std::to_string(i) + ", ";
  const std::string tuple = q.keys.size() == 1 ? key_names(q) : "(" + key_names(q) + ")";
  RowBatch keys;
  // MIN over a group of byte-equal keys is that key: the grouping is by bytes, not by collation.
  c.stream("SELECT " + shown + table + " WHERE " + tuple + " IN (SELECT " + key_names(q) + groups +
               " HAVING COUNT(DISTINCT " + bytes + ") > 1)" + (q.where.empty() ? "" : " AND (" + q.where + ")") +
               " GROUP BY " + bytes + " ORDER BY " + order + bytes + " LIMIT 3",
           what, [&](const RowView& row) {
             append_row(keys, q.keys, {}, false, row);
             f.colliding_examples.emplace_back(keys.key(keys.size() - 1));
           });
}

/// EXPLAIN's row: MariaDB has 10 columns, MySQL 8 adds partitions and filtered (12).
struct ExplainRow {
  std::string type, key, rows, extra;
};

std::optional<ExplainRow> explain_row(const Rows& rows) {
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  const bool mysql8 = r.size() >= 12;
  auto at = [&](std::size_t i) { return i < r.size() ? r[i].value_or("") : std::string(); };
  return mysql8 ? ExplainRow{at(4), at(6), at(9), at(11)} : ExplainRow{at(3), at(5), at(8), at(9)};
}

void add_range_read(Connection& c, const RangeQuery& q, TableFacts& f, const std::string& what) {
  const std::optional<Rows> rows = try_query(c, "EXPLAIN " + range_select(q), what);
  const std::optional<ExplainRow> e = rows ? explain_row(*rows) : std::nullopt;
  if (!e) {
    f.range_read.plan = "EXPLAIN of the first range was refused";
    return;
  }
  const bool sorts = e->extra.find("filesort") != std::string::npos;
  f.range_read.uses_key_index = !e->key.empty() && !sorts && e->type != "ALL";
  f.range_read.index = *f.range_read.uses_key_index ? e->key : "";
  f.range_read.plan = "EXPLAIN: type " + e->type + (e->key.empty() ? "" : ", key " + e->key) + ", rows " + e->rows +
                      (e->extra.empty() ? "" : ", " + e->extra);
  if (*f.range_read.uses_key_index) return;
  bool ci_bound = false;
  for (const KeyColumnFacts& k : f.key_columns) ci_bound = ci_bound || (k.case_insensitive && k.range_bound != "native order");
  // An index on a _ci column orders by the collation, not by bytes: creating one does not help.
  if (ci_bound) {
    f.range_read.plan += "; the key is ranged and ordered as CAST(… AS BINARY) (byte order), which no index under a "
                         "case-insensitive collation serves, so each range sorts its rows";
    f.range_read.instead = "no index under the key's case-insensitive collation serves byte order: give the key column "
                           "a _bin collation (e.g. utf8mb4_bin) for its index to serve the read, or raise chunk_rows so "
                           "fewer ranges each sort their rows";
  }
}

/// InnoDB keeps statistics (TABLE_ROWS is their estimate) and, when persistent, their date in
/// mysql.innodb_table_stats. Another engine (MyISAM counts its rows exactly) or a view has none
/// that planning uses: statistics_present stays nullopt.
void add_statistics(Connection& c, const TableInfo& info, TableFacts& f, const std::string& what) {
  const Rows found = c.query(catalog_sql(sql::mysql_doctor_table, info.ref.schema, info.ref.name), what);
  if (found.empty()) return;
  f.estimated_rows = number(found[0][1]);
  if (found[0][0].value_or("") != "InnoDB") return;
  const std::optional<Rows> stats =
      try_query(c, catalog_sql(sql::mysql_doctor_innodb_stats, info.ref.schema, info.ref.name), what);
  if (stats) {
    f.statistics_present = !stats->empty();
    if (!stats->empty()) f.statistics_age_seconds = number((*stats)[0][0]);
  } else {
    // mysql.innodb_table_stats is not readable: InnoDB keeps statistics of every table it opens
    // (TABLE_ROWS comes from them), their age is unknown.
    f.statistics_present = true;
  }
}

/// Whether a unique index covers exactly the key columns: the server compares its entries under
/// the columns' collations, so no two keys of the table are equal under them.
bool unique_under_collation(const RangeQuery& q, const TableInfo& info) {
  std::set<std::string> keys;
  for (const auto& k : q.keys) keys.insert(k.native.name);
  return q.table.query.empty() && std::any_of(info.unique_keys.begin(), info.unique_keys.end(), [&](const auto& u) {
           return std::set<std::string>(u.begin(), u.end()) == keys;
         });
}

}  // namespace

TableFacts table_facts(Connection& c, const RangeQuery& q, const TableInfo& info) {
  const std::string what = "checking the " + std::string(side_name(c.side())) + " table " + q.table.display();
  TableFacts f;
  // A SELECT of no row proves reading works whichever way the right came (a role, a proxy).
  f.can_select = try_query(c, "SELECT 1 FROM " + quote_table(kMy, q.table) + " WHERE 1 = 0", what).has_value();
  const std::vector<Grant> grants = parse_grants(show_grants(c, what));
  const std::string schema = info.ref.schema;
  f.write_rights = write_rights(grants, schema, info.ref.name);
  add_statistics(c, info, f, what);
  add_key_columns(c, q, info, f, what);
  const bool any_ci = std::any_of(f.key_columns.begin(), f.key_columns.end(),
                                  [](const KeyColumnFacts& k) { return k.case_insensitive; });
  if (any_ci && unique_under_collation(q, info)) {
    f.case_colliding_keys = 0;  // the server's unique index already refuses 'A' beside 'a': nothing to read
  } else if (any_ci && f.can_select) {
    count_collisions(c, q, f, what);
  }
  if (f.can_select) add_range_read(c, q, f, what);
  return f;
}

}  // namespace recon::my

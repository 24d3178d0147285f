// What the SQLite connector tells `recon doctor`: the library, sqlite_stat1, the key columns'
// declared collations, keys a NOCASE key treats as one, and EXPLAIN QUERY PLAN of the first range.
#include "sqlite_doctor.hpp"

#include <cstdlib>

#include "recon/generated/sql_text.hpp"
#include "sqlite_handle.hpp"
#include "sqlite_query.hpp"
#include "sqlite_types.hpp"
#include "sqlite_values.hpp"

namespace recon::sqlite {

namespace {

[[noreturn]] void fail(sqlite3* db, Side side, const std::string& path, const std::string& what) {
  throw ConnectorError(side, std::string("SQLite ") + side_name(side) + " database '" + path + "' failed while " + what +
                                 ": " + sqlite3_errmsg(db),
                       false);
}

Stmt prepare_or_fail(sqlite3* db, const std::string& sql, Side side, const std::string& path, const std::string& what) {
  Stmt st(db, sql);
  if (!st.ok()) fail(db, side, path, what);
  return st;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
}

/// sqlite_stat1's rows for the table: present when ANALYZE ran; the estimate is the row count
/// its first number states. No stat1 table at all (never analysed) is "absent" too.
void add_statistics(sqlite3* db, const TableRef& t, TableFacts& f) {
  const std::string schema = t.schema.empty() ? "main" : t.schema;
  f.statistics_present = false;
  Stmt st(db, "SELECT stat FROM " + ident(schema) + ".sqlite_stat1 WHERE tbl = ?1 ORDER BY idx IS NOT NULL");
  if (!st.ok()) return;  // no sqlite_stat1: ANALYZE never ran on this file
  sqlite::bind_text(st, 1, t.name);
  if (sqlite3_step(st) != SQLITE_ROW) return;
  f.statistics_present = true;
  const std::string stat = column_text(st, 0);
  char* end = nullptr;
  const long long rows = std::strtoll(stat.c_str(), &end, 10);
  if (end != stat.c_str()) f.estimated_rows = rows;
}

KeyColumnFacts key_column(sqlite3* db, const TableRef& t, const SelectColumn& k) {
  KeyColumnFacts out;
  out.column = k.native.name;
  const char* collation = nullptr;
  const std::string schema = t.schema.empty() ? "main" : t.schema;
  if (sqlite3_table_column_metadata(db, schema.c_str(), t.name.c_str(), k.native.name.c_str(), nullptr, &collation,
                                    nullptr, nullptr, nullptr) == SQLITE_OK && collation)
    out.collation = collation;
  out.case_insensitive = sqlite3_stricmp(out.collation.c_str(), "NOCASE") == 0;
  out.range_bound = "BINARY";  // bounds and ORDER BY carry COLLATE BINARY (sqlite_query.hpp)
  return out;
}

/// One statement (sql/sqlite/key_collisions.sql): keys read, keys equal to another under their
/// declared collations, and up to 3 of them as canonical key encodings.
void count_collisions(sqlite3* db, const RangeQuery& q, Side side, const std::string& path, TableFacts& f) {
  std::string keys;
  for (const SelectColumn& k : q.keys) keys += (keys.empty() ? "" : ", ") + ident(k.native.name);
  std::string sql(sql::sqlite_key_collisions);
  replace_all(sql, "{keys}", keys);
  replace_all(sql, "{partition}", keys);  // a column groups under its declared collation
  replace_all(sql, "{table}", table_sql(q.table));
  replace_all(sql, "{where}", q.where.empty() ? "" : " WHERE (" + q.where + ")");
  Stmt st = prepare_or_fail(db, sql, side, path, "counting case-colliding keys of " + q.table.display());
  int rc;
  f.case_colliding_keys = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    f.collisions_scanned = sqlite3_column_int64(st, 0);
    f.case_colliding_keys = sqlite3_column_int64(st, 1);
    if (sqlite3_column_type(st, 2) == SQLITE_NULL) continue;  // no example row (the LEFT JOIN's)
    std::string key;
    for (std::size_t i = 0; i < q.keys.size(); ++i) append_column(key, st, static_cast<int>(2 + i), q.keys[i]);
    f.colliding_examples.push_back(std::move(key));
  }
  if (rc != SQLITE_DONE) fail(db, side, path, "counting case-colliding keys of " + q.table.display());
}

std::string create_index(const RangeQuery& q, const std::vector<KeyColumnFacts>& keys) {
  std::string name = q.table.name, cols;
  for (std::size_t i = 0; i < q.keys.size(); ++i) {
    name += "_" + q.keys[i].native.name;
    // ORDER BY reads a text key COLLATE BINARY: an index under NOCASE cannot serve it.
    cols += (i ? ", " : "") + ident(q.keys[i].native.name) + (keys[i].case_insensitive ? " COLLATE BINARY" : "");
  }
  const std::string index = q.table.schema.empty() ? ident(name + "_idx") : ident(q.table.schema) + "." + ident(name + "_idx");
  return "CREATE INDEX " + index + " ON " + ident(q.table.name) + " (" + cols + ")";
}

}  // namespace

ServerFacts server_facts(const std::string& path) {
  ServerFacts f;
  f.product = "SQLite";
  f.version = sqlite3_libversion();
  f.protocol = "in process";
  f.database = path;
  return f;
}

RangeReadFacts range_read_from_plan(const std::vector<std::string>& lines) {
  RangeReadFacts r;
  bool sorts = false;
  for (const std::string& l : lines) {
    r.plan += (r.plan.empty() ? "" : "; ") + l;
    if (l.find("USE TEMP B-TREE") != std::string::npos) sorts = true;
    for (const char* using_index : {"USING COVERING INDEX ", "USING INDEX "}) {
      const std::size_t p = l.find(using_index);
      if (p == std::string::npos || !r.index.empty()) continue;
      const std::size_t start = p + std::string(using_index).size();
      r.index = l.substr(start, l.find(' ', start) - start);
    }
    if (r.index.empty() && l.find("USING INTEGER PRIMARY KEY") != std::string::npos) r.index = "the rowid (INTEGER PRIMARY KEY)";
  }
  // A SCAN without a sort reads in ORDER BY's order: the rowid or, for a WITHOUT ROWID table,
  // its primary key.
  if (!sorts && r.index.empty()) r.index = "the table's own order (rowid or primary key)";
  r.uses_key_index = !sorts;
  if (sorts) r.index.clear();
  return r;
}

TableFacts table_facts(sqlite3* db, const RangeQuery& q, Side side, const std::string& path) {
  TableFacts f;
  f.can_select = true;  // described through this connection; the file's permissions decide, not grants
  add_statistics(db, q.table, f);
  bool any_nocase = false;
  for (const SelectColumn& k : q.keys) {
    f.key_columns.push_back(key_column(db, q.table, k));
    any_nocase = any_nocase || f.key_columns.back().case_insensitive;
  }
  if (any_nocase) count_collisions(db, q, side, path, f);
  Stmt plan = prepare_or_fail(db, "EXPLAIN QUERY PLAN " + range_sql(q, true), side, path,
                              "explaining the range read of " + q.table.display());
  std::vector<std::string> lines;
  int rc;
  while ((rc = sqlite3_step(plan)) == SQLITE_ROW) lines.push_back(column_text(plan, 3));
  if (rc != SQLITE_DONE) fail(db, side, path, "explaining the range read of " + q.table.display());
  f.range_read = range_read_from_plan(lines);
  if (!*f.range_read.uses_key_index) f.range_read.create_index = create_index(q, f.key_columns);
  return f;
}

std::vector<std::string> read_literals(sqlite3* db, const std::vector<LiteralProbe>& probes, Side side,
                                       const std::string& path) {
  std::string sql = "SELECT ";
  std::vector<SelectColumn> cols;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    sql += (i ? ", " : "") + probes[i].expression;
    SelectColumn sc;
    sc.native.name = "literal" + std::to_string(i + 1);
    sc.native.type_name = probes[i].type;
    classify_declared_type(probes[i].type, sc.native);
    sc.compare_as = sc.native.type_class.value_or(TypeClass::Text);
    sc.single_float = sc.native.single_float;
    sc.trim_padding = sc.native.padded_char;
    cols.push_back(std::move(sc));
  }
  Stmt st = prepare_or_fail(db, sql, side, path, "reading the self-test literals");
  if (sqlite3_step(st) != SQLITE_ROW) fail(db, side, path, "reading the self-test literals");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    std::string v;
    append_column(v, st, static_cast<int>(i), cols[i]);
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace recon::sqlite

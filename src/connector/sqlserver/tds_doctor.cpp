// What `recon doctor` asks SQL Server. See tds_doctor.hpp.
#include "tds_doctor.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "recon/core/canonical.hpp"
#include "recon/generated/sql_text.hpp"
#include "sqlserver_types.hpp"
#include "tds_collisions.hpp"
#include "tds_query.hpp"
#include "tds_range_index.hpp"

namespace recon::tds {
namespace {

constexpr Dialect kMs = Dialect::SqlServer;

TableRef with_schema(const TableRef& t) { return t.schema.empty() ? TableRef{"dbo", t.name} : t; }

/// µs since 1970 of an ISO 8601 timestamp ("2026-12-04T10:00:00.1234567"); nullopt when it is not one.
std::optional<std::int64_t> iso_micros(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  std::string enc;
  canon::put_from_text(enc, TypeClass::Timestamp, *text);
  std::size_t pos = 0;
  const canon::ValueView v = canon::read_value(enc, pos);
  if (v.tag != TypeClass::Timestamp) return std::nullopt;
  return v.as_int64();
}

std::string protocol_of(DBPROCESS* proc) {
  switch (dbtds(proc)) {
    case DBTDS_7_4: return "TDS 7.4";
    case DBTDS_7_3: return "TDS 7.3";
    case DBTDS_7_2: return "TDS 7.2";
    case DBTDS_7_1: return "TDS 7.1";
    case DBTDS_7_0: return "TDS 7.0";
    default: return "TDS (version " + std::to_string(dbtds(proc)) + ")";
  }
}

std::string first_line(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
  return line;
}

/// A statement a login may be refused (a missing permission, a view it cannot see): nullopt then,
/// so doctor says "unknown" instead of failing; a lost connection still throws.
template <class F>
bool try_query(Reader& r, const std::string& sql, const std::string& what, F&& on_row) {
  try {
    r.query(sql, what, on_row);
    return true;
  } catch (const ConnectorError& e) {
    if (e.poisoned()) throw;
    r.session().cancel();
    return false;
  }
}

void read_rights(Reader& r, const TableRef& ref, const std::string& what, TableFacts& f) {
  static const char* kWrites[] = {"INSERT", "UPDATE", "DELETE", "ALTER"};
  // describe worked, so the table is visible; HAS_PERMS_BY_NAME says whether SELECT is granted.
  f.can_select = true;
  try_query(r, catalog_sql(sql::sqlserver_doctor_table_rights, ref), what, [&] {
    if (const auto select = r.integer(1)) f.can_select = *select == 1;
    for (int i = 0; i < 4; ++i)
      if (r.integer(i + 2).value_or(0) == 1) f.write_rights.emplace_back(kWrites[i]);
  });
}

void read_statistics(Reader& r, const TableRef& ref, const std::string& what, TableFacts& f) {
  std::optional<std::int64_t> newest, now;
  bool any = false;
  const bool ok = try_query(r, catalog_sql(sql::sqlserver_doctor_statistics, ref), what, [&] {
    any = true;
    const auto updated = iso_micros(r.text(2));
    now = iso_micros(r.text(3));
    if (updated && (!newest || *updated > *newest)) newest = updated;
  });
  if (!ok) return;
  // A statistics object never updated (created on an empty table) has no histogram: as good as none.
  f.statistics_present = any && newest.has_value();
  if (newest && now) f.statistics_age_seconds = std::max<std::int64_t>(0, (*now - *newest) / 1'000'000);
}

void read_estimate(Reader& r, const TableRef& ref, const std::string& what, TableFacts& f) {
  try_query(r, catalog_sql(sql::sqlserver_partition_rows, ref), what, [&] { f.estimated_rows = r.integer(1); });
}

/// A unique constraint on exactly the key columns (in any order).
bool constrained(const RangeQuery& q, const TableInfo& info) {
  std::vector<std::string> key;
  for (const SelectColumn& k : q.keys) key.push_back(k.native.name);
  std::sort(key.begin(), key.end());
  for (std::vector<std::string> u : info.unique_keys) {
    std::sort(u.begin(), u.end());
    if (u == key) return true;
  }
  return false;
}

/// Reads the key columns once, without order, through the collision tracker a run uses.
void count_collisions(Reader& r, const RangeQuery& q, const TableInfo& info, const TableRef& ref,
                      const std::string& what, TableFacts& f) {
  if (std::none_of(q.keys.begin(), q.keys.end(), case_insensitive_key)) return;
  if (constrained(q, info)) {
    f.case_colliding_keys = 0;  // the constraint compares under the collation: no two keys fold alike
    return;
  }
  CollisionState state;
  CollisionTracker tracker(q.keys, state);
  RangeQuery whole = q;
  whole.values.clear();
  RowBatch discard;
  std::int64_t scanned = 0;
  const std::string sql = "SELECT " + select_list(q.keys, {}) + " FROM " + quote_table(kMs, ref) +
                          (q.where.empty() ? "" : " WHERE (" + q.where + ")");
  try {
    r.read_rows(sql, whole, false, what, discard, &tracker, [&] {
      ++scanned;
      return false;  // counted by the tracker, never kept
    });
  } catch (const InputError& e) {
    // A NULL in a key column: the run would stop on it too; doctor reports it for the table.
    throw ConnectorError(r.session().side(), e.what(), false);
  }
  f.case_colliding_keys = static_cast<std::int64_t>(state.report.keys);
  f.collisions_scanned = scanned;
  for (std::size_t i = 0; i < state.report.example_keys.size() && i < 3; ++i)
    f.colliding_examples.push_back(state.report.example_keys[i]);
}

void read_range_index(Reader& r, const RangeQuery& q, const TableRef& ref, const std::string& what, TableFacts& f) {
  std::vector<IndexInfo> indexes;
  std::vector<int> key_ids(q.keys.size(), 0);
  std::string ids_sql = "SELECT ";
  for (std::size_t i = 0; i < q.keys.size(); ++i)
    ids_sql += (i ? ", " : "") + std::string("COLUMNPROPERTY(OBJECT_ID({object}), ") + nstring(q.keys[i].native.name) +
               ", 'ColumnId')";
  bool ok = q.keys.empty() || try_query(r, catalog_sql(ids_sql, ref), what, [&] {
              for (std::size_t i = 0; i < q.keys.size(); ++i) key_ids[i] = static_cast<int>(r.integer(int(i) + 1).value_or(0));
            });
  ok = ok && try_query(r, catalog_sql(sql::sqlserver_doctor_indexes, ref), what, [&] {
         IndexInfo ix;
         ix.id = static_cast<int>(r.integer(1).value_or(0));
         ix.name = r.text(2).value_or("");
         ix.type_desc = r.text(3).value_or("");
         ix.disabled = r.integer(4).value_or(0) == 1;
         ix.filtered = r.integer(5).value_or(0) == 1;
         indexes.push_back(std::move(ix));
       });
  ok = ok && try_query(r, catalog_sql(sql::sqlserver_doctor_index_columns, ref), what, [&] {
         const int id = static_cast<int>(r.integer(1).value_or(0));
         for (IndexInfo& ix : indexes)
           if (ix.id == id) {
             ix.columns.push_back(static_cast<int>(r.integer(3).value_or(0)));
             ix.descending.push_back(r.integer(4).value_or(0) == 1);
           }
       });
  if (!ok) {
    f.range_read.plan = "the login cannot read sys.indexes / sys.index_columns for this table (GRANT VIEW DEFINITION)";
    return;
  }
  f.range_read = range_read_facts(q.keys, key_ids, indexes, quote_table(kMs, ref));
}

}  // namespace

ServerFacts server_facts(Reader& r) {
  ServerFacts f;
  f.product = "Microsoft SQL Server";
  f.protocol = protocol_of(r.session().raw());
  const std::string what = "reading the " + r.side() + " server's version and session";
  std::string product_version;
  r.query(catalog_sql(sql::sqlserver_doctor_server, TableRef{}), what, [&] {
    product_version = r.text(1).value_or("");
    f.edition = r.text(2).value_or("");
    f.version = first_line(r.text(3).value_or(""));
    f.login = r.text(4).value_or("");
    f.database = r.text(5).value_or("");
    if (const auto enc = r.text(6)) f.tls = *enc == "TRUE";
  });
  if (f.version.find(product_version) == std::string::npos) f.version += " (" + product_version + ")";
  const auto start = std::chrono::steady_clock::now();
  std::optional<std::string> clock;
  r.query(catalog_sql(sql::sqlserver_doctor_clock, TableRef{}), "reading the " + r.side() + " server's clock",
          [&] { clock = r.text(1); });
  f.clock_round_trip_micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  f.utc_now_micros = iso_micros(clock);
  return f;
}

LoginFacts login_facts(Reader& r) {
  LoginFacts f;
  std::optional<std::int64_t> sysadmin, db_owner, view_state;
  r.query(catalog_sql(sql::sqlserver_doctor_login, TableRef{}), "reading the " + r.side() + " login's roles", [&] {
    sysadmin = r.integer(1);
    db_owner = r.integer(2);
    view_state = r.integer(3);
  });
  if (sysadmin == 1) f.all_powerful_role = "sysadmin";
  else if (db_owner == 1) f.all_powerful_role = "db_owner";
  if (view_state != 1)
    f.catalog_missing.push_back(
        "VIEW DATABASE STATE: sys.dm_db_partition_stats is refused, so planning counts every row of each table "
        "with SELECT COUNT_BIG(*) (a scan on the server) instead of reading the row counts SQL Server keeps, "
        "and doctor has no row estimate (histograms need only SELECT on the key column)");
  return f;
}

TableFacts table_facts(Reader& r, const RangeQuery& q, const TableInfo& info) {
  TableFacts f;
  const TableRef ref = with_schema(q.table);
  const std::string what = "checking " + r.side() + " table " + ref.display();
  read_rights(r, ref, what, f);
  read_statistics(r, ref, what, f);
  read_estimate(r, ref, what, f);
  for (const SelectColumn& k : q.keys) {
    KeyColumnFacts kc;
    kc.column = k.native.name;
    if (const auto at = k.native.type_name.find(" COLLATE "); at != std::string::npos)
      kc.collation = k.native.type_name.substr(at + 9);
    kc.case_insensitive = case_insensitive_key(k);
    kc.range_bound = range_bound_of(k);
    f.key_columns.push_back(std::move(kc));
  }
  count_collisions(r, q, info, ref, what, f);
  read_range_index(r, q, ref, what, f);
  return f;
}

std::vector<std::string> least_privilege_sql(const std::vector<TableRef>& tables, const std::string& role,
                                             bool writes) {
  const std::string user = quote_ident(kMs, role);
  std::vector<std::string> out = {
      fmt::format("-- USE master; CREATE LOGIN {} WITH PASSWORD = N'<from your secret store>', CHECK_POLICY = ON;", user),
      fmt::format("-- USE <database>; CREATE USER {} FOR LOGIN {};", user, user)};
  for (const TableRef& t : tables) {
    const std::string object = quote_table(kMs, with_schema(t));
    out.push_back(fmt::format("GRANT SELECT ON OBJECT::{} TO {};", object, user));
    // INFORMATION_SCHEMA shows key constraints, sys.stats / sys.indexes the statistics and
    // indexes, only of what the user may see the definition of (docs/privileges.md).
    out.push_back(fmt::format("GRANT VIEW DEFINITION ON OBJECT::{} TO {};", object, user));
  }
  out.push_back(fmt::format("GRANT VIEW DATABASE STATE TO {};", user));
  if (!writes) return out;
  const std::string apply = quote_ident(kMs, role + "_apply");
  out.push_back(fmt::format("-- recon apply only: USE master; CREATE LOGIN {} WITH PASSWORD = N'<from your secret store>';", apply));
  out.push_back(fmt::format("-- USE <database>; CREATE USER {} FOR LOGIN {};", apply, apply));
  for (const TableRef& t : tables)
    // SELECT too: the WHERE of an UPDATE / DELETE and the UPDLOCK read before a guarded INSERT
    // read the table's columns, which SQL Server allows only with SELECT (docs/privileges.md).
    out.push_back(fmt::format("GRANT SELECT, INSERT, UPDATE, DELETE ON OBJECT::{} TO {};", quote_table(kMs, with_schema(t)), apply));
  return out;
}

}  // namespace recon::tds

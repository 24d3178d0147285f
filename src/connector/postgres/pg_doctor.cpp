// What `recon doctor` asks PostgreSQL: server, login and table facts (docs/doctor.md,
// "PostgreSQL"). Every statement is a catalog read or an EXPLAIN without ANALYZE, on the
// connector's read-only session.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <utility>

#include <pqxx/pqxx>

#include "pg_doctor_text.hpp"
#include "pg_query.hpp"
#include "pg_types.hpp"
#include "postgres_connector.hpp"
#include "recon/generated/sql_text.hpp"

namespace recon::pg {
namespace {

/// Collation oids of "C" and "POSIX" (pg_collation.dat): byte order, what ORDER BY … COLLATE "C" asks.
constexpr std::int64_t kCollationC = 950, kCollationPosix = 951;

/// A text[] literal of `names` ('{"a","b\"c"}'), for a parameter.
std::string text_array(const std::vector<std::string>& names) {
  std::string out = "{";
  for (const auto& n : names) {
    if (out.size() > 1) out.push_back(',');
    out.push_back('"');
    for (char c : n) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  return out + "}";
}

/// Each catalog access planning or doctor uses, with what its lack costs.
struct CatalogNeed {
  const char* column;  // in doctor_login.sql
  const char* message;
};
constexpr CatalogNeed kCatalogNeeds[] = {
    {"can_pg_class", "SELECT on pg_catalog.pg_class is refused: recon cannot find tables or read row estimates"},
    {"can_pg_namespace", "SELECT on pg_catalog.pg_namespace is refused: recon cannot resolve schema names"},
    {"can_pg_attribute", "SELECT on pg_catalog.pg_attribute is refused: recon cannot describe columns"},
    {"can_pg_type", "SELECT on pg_catalog.pg_type is refused: recon cannot read column types"},
    {"can_pg_index", "SELECT on pg_catalog.pg_index is refused: recon cannot find unique keys"},
    {"can_pg_collation", "SELECT on pg_catalog.pg_collation is refused: doctor cannot read key collations"},
    {"can_pg_stats", "SELECT on pg_catalog.pg_stats is refused: doctor cannot see column statistics"},
    {"can_pg_stat_user_tables",
     "SELECT on pg_catalog.pg_stat_user_tables is refused: doctor cannot tell when tables were analysed"},
    {"can_relation_size",
     "EXECUTE on pg_catalog.pg_relation_size(regclass) is refused: planning cannot scale row estimates to the "
     "table's current size"},
};

}  // namespace

ServerFacts PostgresConnector::server_facts() {
  ServerFacts f;
  f.product = "PostgreSQL";
  PGconn* c = conn_->raw();
  f.protocol = "PostgreSQL protocol " + std::to_string(PQprotocolVersion(c));
  f.tls = PQsslInUse(c) == 1;
  try {
    pqxx::nontransaction tx(*conn_, "recon_doctor_server");
    const pqxx::row row = tx.exec(std::string(sql::postgres_doctor_server))[0];
    f.version = row["server_version"].as<std::string>();
    f.login = row["login"].as<std::string>();
    f.database = row["database"].as<std::string>();
    if (row["has_aurora"].as<bool>())
      f.edition = "Aurora PostgreSQL " + tx.exec("SELECT aurora_version()::text")[0][0].as<std::string>();
    // The clock last and alone: doctor compares it with recon's host clock read right after.
    const auto t0 = std::chrono::steady_clock::now();
    const pqxx::result clock = tx.exec(std::string(sql::postgres_doctor_clock));
    const auto t1 = std::chrono::steady_clock::now();
    f.utc_now_micros = clock[0][0].as<std::int64_t>();
    f.clock_round_trip_micros = std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count();
  } catch (...) {
    rethrow_pqxx("reading the server facts of " + endpoint_);
  }
  return f;
}

LoginFacts PostgresConnector::login_facts() {
  LoginFacts f;
  try {
    pqxx::nontransaction tx(*conn_, "recon_doctor_login");
    const pqxx::result r = tx.exec(std::string(sql::postgres_doctor_login));
    if (r.empty()) return f;
    if (r[0]["is_superuser"].as<bool>()) f.all_powerful_role = "superuser";
    else if (r[0]["is_rds_superuser"].as<bool>()) f.all_powerful_role = "rds_superuser";
    for (const CatalogNeed& need : kCatalogNeeds)
      if (!r[0][need.column].as<bool>()) f.catalog_missing.emplace_back(need.message);
  } catch (...) {
    rethrow_pqxx("reading the rights of " + endpoint_ + "'s login");
  }
  return f;
}

std::int64_t PostgresConnector::table_oid(const TableRef& table) {
  if (!table.query.empty()) return -1;
  pqxx::nontransaction tx(*conn_, "recon_doctor_resolve");
  const pqxx::result reg =
      tx.exec_params(std::string(sql::postgres_resolve_table), quote_table(Dialect::Postgres, table));
  return reg.empty() || reg[0]["oid"].is_null() ? -1 : reg[0]["oid"].as<std::int64_t>();
}

void PostgresConnector::table_rights_and_statistics(std::int64_t oid, TableFacts& f) {
  pqxx::nontransaction tx(*conn_, "recon_doctor_table");
  const pqxx::result r = tx.exec_params(std::string(sql::postgres_doctor_table), oid);
  if (r.empty()) return;
  const pqxx::row row = r[0];
  f.can_select = row["can_select"].as<bool>();
  static constexpr std::pair<const char*, const char*> kRights[] = {
      {"can_insert", "INSERT"}, {"can_update", "UPDATE"}, {"can_delete", "DELETE"}, {"can_truncate", "TRUNCATE"}};
  for (const auto& [column, right] : kRights)
    if (row[column].as<bool>()) f.write_rights.emplace_back(right);
  if (row["owns"].as<bool>()) f.write_rights.emplace_back("ALTER");  // the owner may ALTER and DROP it
  if (row["relkind"].as<std::string>() == "v") return;  // a view: no statistics, no estimate of its own
  const bool analysed = !row["stats_age_s"].is_null();
  f.statistics_present = analysed || row["has_column_stats"].as<bool>();
  if (analysed) f.statistics_age_seconds = row["stats_age_s"].as<std::int64_t>();
  // The planner's own estimate: the analysed density scaled to the table's current size.
  const double reltuples = row["reltuples"].as<double>();
  const auto relpages = row["relpages"].as<std::int64_t>();
  const auto pages = row["current_pages"].as<std::int64_t>();
  if (reltuples >= 0)
    f.estimated_rows = std::llround(relpages > 0 ? reltuples / static_cast<double>(relpages) * static_cast<double>(pages)
                                                 : reltuples);
}

void PostgresConnector::key_collations(std::int64_t oid, const RangeQuery& range, TableFacts& f) {
  std::vector<std::string> names;
  for (const auto& k : range.keys) names.push_back(k.native.name);
  pqxx::nontransaction tx(*conn_, "recon_doctor_collations");
  const pqxx::result r = tx.exec_params(std::string(sql::postgres_doctor_key_collations), oid, text_array(names));
  for (const auto& k : range.keys) {
    KeyColumnFacts kc;
    kc.column = k.native.name;
    const std::string expr = key_expr(k);
    kc.range_bound = expr == quote_ident(Dialect::Postgres, k.native.name) ? "native order" : expr;
    for (const auto& row : r) {
      if (row["column_name"].as<std::string>() != k.native.name) continue;
      kc.collation = row["collation_name"].as<std::string>();
      if (!row["deterministic"].as<bool>()) {
        // A nondeterministic (ICU) collation may or may not ignore case: ask it.
        kc.case_insensitive =
            tx.exec("SELECT 'a' = 'A' COLLATE " + kc.collation)[0][0].as<bool>();
        kc.collation += kc.case_insensitive ? " (nondeterministic ICU: 'a' = 'A')" : " (nondeterministic ICU)";
      }
    }
    f.key_columns.push_back(std::move(kc));
  }
}

void PostgresConnector::count_collisions(const RangeQuery& range, TableFacts& f) {
  // PARTITION BY compares under each key column's own collation: keys a nondeterministic
  // collation calls equal land in one partition, however their bytes differ.
  std::string keys;
  for (const auto& k : range.keys) keys += (keys.empty() ? "" : ", ") + quote_ident(Dialect::Postgres, k.native.name);
  const std::string from = " FROM " + quote_table(Dialect::Postgres, range.table) +
                           (range.where.empty() ? "" : " WHERE (" + range.where + ")");
  const std::string partitioned = "SELECT " + keys + ", count(*) OVER (PARTITION BY " + keys + ") AS n" + from;
  {
    pqxx::nontransaction tx(*conn_, "recon_doctor_collisions");
    const pqxx::row r =
        tx.exec("SELECT count(*) FILTER (WHERE n > 1), count(*) FROM (" + partitioned + ") AS x")[0];
    f.case_colliding_keys = r[0].as<std::int64_t>();
    f.collisions_scanned = r[1].as<std::int64_t>();
  }
  if (*f.case_colliding_keys == 0) return;
  RangeQuery only_keys = range;
  only_keys.values.clear();
  CopyDecoder decoder = make_copy_decoder(only_keys, /*with_values=*/false);
  RowBatch batch;
  copy_into(copy_binary("SELECT " + keys + " FROM (" + partitioned + ") AS x WHERE n > 1 ORDER BY " +
                        order_by_list(range.keys, key_expr) + " LIMIT 3"),
            decoder, batch, "reading colliding keys of " + describe_target(range.table));
  for (std::size_t i = 0; i < batch.size(); ++i) f.colliding_examples.emplace_back(batch.key(i));
}

RangeReadFacts PostgresConnector::explain_range_read(const RangeQuery& range, std::int64_t oid) {
  const std::string explain = "EXPLAIN (FORMAT JSON) " + range_select(range);
  RangeReadFacts f;
  double rows = 0;
  {
    pqxx::nontransaction tx(*conn_, "recon_doctor_explain");
    const std::string json = tx.exec(explain)[0][0].as<std::string>();
    f = range_read_from_explain(json);
    const auto at = json.find("\"Plan Rows\": ");
    if (at != std::string::npos) rows = std::atof(json.c_str() + at + 13);
  }
  if (*f.uses_key_index) return f;
  // Could an index give key order at all? Ask the planner with sorting and heap scans priced out
  // (SET LOCAL: this transaction only; the session stays read-only).
  pqxx::work tx(*conn_, "recon_doctor_explain_forced");
  tx.exec("SET LOCAL enable_sort = off; SET LOCAL enable_incremental_sort = off; SET LOCAL enable_seqscan = off; "
          "SET LOCAL enable_bitmapscan = off");
  const RangeReadFacts forced = range_read_from_explain(tx.exec(explain)[0][0].as<std::string>());
  tx.abort();
  if (*forced.uses_key_index) {
    // Doctor explains the whole table, where a sort can be the cheaper plan (a small table, keys
    // stored out of order); a run reads bounded ranges, which walk the index that gives key order.
    f.uses_key_index = true;
    f.index = forced.index;
    f.plan += " for the whole table (about " + std::to_string(std::llround(rows)) + " rows); bounded ranges walk " +
              forced.index + ", which gives key order";
    return f;
  }
  f.plan += "; no index gives key order";
  if (oid < 0 || range.keys.empty()) return f;  // a query side: its own tables need the index
  // The index doctor names: text keys need COLLATE "C" in it, which a plain index on the key lacks.
  f.create_index = key_index_statement(range);
  f.plan += key_indexes_in_other_collations(oid, range.keys[0]);
  return f;
}

std::string PostgresConnector::key_indexes_in_other_collations(std::int64_t oid, const SelectColumn& key) {
  // An index on the key under another collation looks right and is not: name it.
  std::string out;
  pqxx::nontransaction q(*conn_, "recon_doctor_key_indexes");
  for (const auto& row : q.exec_params(std::string(sql::postgres_doctor_key_indexes), oid, key.native.name)) {
    const auto coll = row["collation_oid"].as<std::int64_t>();
    if (coll == 0 || coll == kCollationC || coll == kCollationPosix) continue;
    out += "; index " + row["index_name"].as<std::string>() + " orders " +
           quote_ident(Dialect::Postgres, key.native.name) + " by collation \"" +
           row["collation_name"].as<std::string>() + "\", which does not give COLLATE \"C\" order";
  }
  return out;
}

TableFacts PostgresConnector::table_facts(const RangeQuery& first_range, const TableInfo& /*info*/) {
  TableFacts f;
  const std::string what = "checking " + describe_target(first_range.table) + " for doctor";
  try {
    const std::int64_t oid = table_oid(first_range.table);
    if (oid < 0) {
      f.can_select = true;  // a query side: describe worked, its tables are not known here
    } else {
      table_rights_and_statistics(oid, f);
      key_collations(oid, first_range, f);
      const bool any_ci = std::any_of(f.key_columns.begin(), f.key_columns.end(),
                                      [](const KeyColumnFacts& k) { return k.case_insensitive; });
      if (any_ci && f.can_select) count_collisions(first_range, f);
    }
    if (f.can_select && !first_range.keys.empty()) f.range_read = explain_range_read(first_range, oid);
  } catch (...) {
    rethrow_pqxx(what);
  }
  return f;
}

std::vector<std::string> PostgresConnector::least_privilege_sql(const std::vector<TableRef>& tables,
                                                                const std::string& role, bool writes) const {
  // Unqualified names resolve through the search_path, as a run resolves them.
  std::vector<TableRef> resolved;
  std::string database = PQdb(conn_->raw());
  try {
    pqxx::nontransaction tx(*conn_, "recon_doctor_grants");
    for (const auto& t : tables) {
      TableRef r = t;
      if (t.query.empty() && t.schema.empty()) {
        const pqxx::result reg = tx.exec_params(std::string(sql::postgres_resolve_table), quote_table(Dialect::Postgres, t));
        if (!reg.empty() && !reg[0]["oid"].is_null()) r.schema = reg[0]["schema_name"].as<std::string>();
      }
      resolved.push_back(std::move(r));
    }
  } catch (...) {
    rethrow_pqxx("resolving table names of " + endpoint_);
  }
  return least_privilege_statements(database, resolved, role, writes);
}

}  // namespace recon::pg

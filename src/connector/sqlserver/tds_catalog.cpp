// Describing a SQL Server table. See tds_catalog.hpp.
#include "tds_catalog.hpp"

#include <algorithm>
#include <map>

#include "recon/generated/sql_text.hpp"
#include "sqlserver_types.hpp"
#include "tds_query.hpp"

namespace recon::tds {

TableInfo describe_table(Reader& r, const TableRef& table, const std::string& endpoint) {
  TableRef ref = table;
  if (ref.schema.empty()) ref.schema = "dbo";  // unqualified names mean dbo (the job's default schema)
  const std::string what = "describing " + r.side() + " table " + ref.display();
  TableInfo info;
  info.ref = ref;
  r.query(catalog_sql(sql::sqlserver_columns, ref), what, [&] {
    CatalogColumn c;
    c.name = r.text(1).value_or("");
    c.data_type = r.text(2).value_or("");
    c.char_max_length = r.integer(3);
    c.numeric_precision = r.integer(4);
    c.numeric_scale = r.integer(5);
    c.datetime_precision = r.integer(6);
    c.nullable = r.text(7).value_or("YES") != "NO";
    c.collation = r.text(8).value_or("");
    info.columns.push_back(classify_column(c));
  });
  if (info.columns.empty())
    throw InputError(r.side() + " table " + ref.display() + " does not exist in " + endpoint +
                     " (or the login cannot see it); check the [[tables]] " + r.side() +
                     " name and its schema (write it as schema.table; no schema means dbo)");
  info.unique_keys = unique_keys(r, ref, what);
  return info;
}

std::vector<std::vector<std::string>> unique_keys(Reader& r, const TableRef& table, const std::string& what) {
  std::vector<std::pair<std::string, bool>> constraints;  // name, is primary key
  r.query(catalog_sql(sql::sqlserver_table_constraints, table), what,
          [&] { constraints.emplace_back(r.text(1).value_or(""), r.text(2).value_or("") == "PRIMARY KEY"); });
  std::map<std::string, std::vector<std::string>> columns_of;
  r.query(catalog_sql(sql::sqlserver_key_columns, table), what,
          [&] { columns_of[r.text(1).value_or("")].push_back(r.text(2).value_or("")); });
  std::stable_partition(constraints.begin(), constraints.end(), [](const auto& c) { return c.second; });
  std::vector<std::vector<std::string>> out;
  for (const auto& [name, primary] : constraints)
    if (auto it = columns_of.find(name); it != columns_of.end() && !it->second.empty()) out.push_back(it->second);
  return out;
}

}  // namespace recon::tds

// EXPLAIN reading, key index and least-privilege text for `recon doctor`. See pg_doctor_text.hpp.
#include "pg_doctor_text.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "pg_query.hpp"
#include "recon/core/errors.hpp"

namespace recon::pg {
namespace {

constexpr Dialect kPg = Dialect::Postgres;
constexpr std::size_t kMaxPlanNodes = 8;  // the line stays readable; deeper nodes add nothing

/// What a walk over the plan tree found.
struct PlanWalk {
  bool sorts = false, scans_heap = false, walks_index = false;
  std::vector<std::string> indexes;
  std::vector<std::string> nodes;  // preorder, each as one short phrase
};

std::string node_phrase(const nlohmann::json& node) {
  std::string s = node.value("Node Type", "?");
  if (node.contains("Index Name")) s += " using " + node["Index Name"].get<std::string>();
  if (node.contains("Relation Name")) {
    s += " on ";
    if (node.contains("Schema")) s += node["Schema"].get<std::string>() + ".";
    s += node["Relation Name"].get<std::string>();
  }
  if (node.contains("Sort Key") && node["Sort Key"].is_array()) {
    std::string keys;
    for (const auto& k : node["Sort Key"]) keys += (keys.empty() ? "" : ", ") + k.get<std::string>();
    s += " (" + keys + ")";
  }
  return s;
}

void walk(const nlohmann::json& node, PlanWalk& w) {
  const std::string type = node.value("Node Type", "");
  if (type == "Sort" || type == "Incremental Sort") w.sorts = true;
  // Every way of reading a table's heap without an index's order.
  if (type == "Seq Scan" || type == "Bitmap Heap Scan" || type == "Sample Scan" || type == "Tid Scan" ||
      type == "Tid Range Scan" || type == "Parallel Seq Scan")
    w.scans_heap = true;
  if (type == "Index Scan" || type == "Index Only Scan") {
    w.walks_index = true;
    const std::string index = node.value("Index Name", "");
    if (!index.empty() && std::find(w.indexes.begin(), w.indexes.end(), index) == w.indexes.end())
      w.indexes.push_back(index);
  }
  if (w.nodes.size() < kMaxPlanNodes) w.nodes.push_back(node_phrase(node));
  if (node.contains("Plans") && node["Plans"].is_array())
    for (const auto& child : node["Plans"]) walk(child, w);
}

std::string joined(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

/// The quoted "schema"."name" of a resolved table.
std::string qualified(const TableRef& t) { return quote_table(kPg, TableRef{t.schema, t.name}); }

}  // namespace

RangeReadFacts range_read_from_explain(std::string_view explain_json) {
  const auto doc = nlohmann::json::parse(explain_json, nullptr, /*allow_exceptions=*/false);
  // EXPLAIN (FORMAT JSON) is an array of one object per statement, each with its "Plan".
  if (!doc.is_array() || doc.empty() || !doc[0].is_object() || !doc[0].contains("Plan"))
    throw InputError("EXPLAIN (FORMAT JSON) gave no plan: " + std::string(explain_json.substr(0, 200)));
  PlanWalk w;
  walk(doc[0]["Plan"], w);
  RangeReadFacts f;
  f.uses_key_index = w.walks_index && !w.sorts && !w.scans_heap;
  if (*f.uses_key_index) f.index = joined(w.indexes, ", ");
  f.plan = joined(w.nodes, " > ");
  return f;
}

std::string key_index_statement(const RangeQuery& range) {
  std::string cols;
  for (const auto& k : range.keys) cols += (cols.empty() ? "" : ", ") + key_expr(k);
  return "CREATE INDEX ON " + quote_table(kPg, range.table) + " (" + cols + ")";
}

std::vector<std::string> least_privilege_statements(const std::string& database, const std::vector<TableRef>& tables,
                                                    const std::string& role, bool writes) {
  const std::string r = quote_ident(kPg, role), db = quote_ident(kPg, database);
  std::vector<std::string> out;
  std::set<std::string> schemas;
  for (const auto& t : tables)
    if (t.query.empty() && !t.schema.empty()) schemas.insert(t.schema);
  auto grants_for = [&](const std::string& who, const std::string& rights) {
    for (const auto& t : tables) {
      if (!t.query.empty()) {
        out.push_back("-- " + t.display() + " is a query: GRANT " + rights + " on each table it reads TO " + who);
        continue;
      }
      out.push_back("GRANT " + rights + " ON TABLE " + qualified(t) + " TO " + who + ";");
    }
  };
  out.push_back("-- PostgreSQL, database " + db + (writes ? ": what recon apply reads and writes" : ": what recon check reads") +
                ", nothing more. Give the role a password afterwards (psql: \\password " + r + ").");
  out.push_back("CREATE ROLE " + r + " LOGIN;");
  // A safeguard, not the boundary (the grants are): recon check's sessions are read-only anyway,
  // and psql sessions of the same role then are too. apply's role must write.
  if (!writes) out.push_back("ALTER ROLE " + r + " SET default_transaction_read_only = on;");
  out.push_back("GRANT CONNECT ON DATABASE " + db + " TO " + r + ";");
  for (const auto& s : schemas) out.push_back("GRANT USAGE ON SCHEMA " + quote_ident(kPg, s) + " TO " + r + ";");
  grants_for(r, "SELECT");
  // recon apply's guarded statements read the rows they change (WHERE on the key and the old
  // values): its role reads like recon check's and adds the three writes, nothing else.
  if (writes) grants_for(r, "INSERT, UPDATE, DELETE");
  return out;
}

}  // namespace recon::pg

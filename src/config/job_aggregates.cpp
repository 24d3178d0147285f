// [[aggregates]]: grouped measures compared as a keyed table of groups (docs/aggregates.md).
#include "job_aggregates.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "recon/core/canonical.hpp"
#include "recon/core/errors.hpp"
#include "recon/config/toml_reader.hpp"

namespace recon::config_detail {
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kAggregateKeys = {"name", "source_query", "target_query", "source_table",
                                                 "target_table", "group_by", "measures", "tolerance",
                                                 "source_rows", "target_rows", "row_count", "rules", "slo"};
const std::vector<std::string> kMeasureKinds = {"sum", "count", "min", "max", "avg"};

/// A query as the job author wrote it, without the trailing semicolons and blanks a statement
/// pasted from psql carries (it is read as a subquery).
std::string trimmed_query(std::string q) {
  while (!q.empty() && (q.back() == ';' || std::isspace(static_cast<unsigned char>(q.back())))) q.pop_back();
  const std::size_t first = q.find_first_not_of(" \t\r\n");
  return first == std::string::npos ? "" : q.substr(first);
}

/// `row_count = true` and no "count" among the listed measures: the group's row count becomes the
/// measure `row_count`. With no measures listed every column of the queries is compared, a
/// `row_count` column among them (the count rule names it, src/engine/aggregate_rules.cpp).
void add_row_count(AggregateJob& agg) {
  if (!agg.row_count || agg.measures.empty()) return;
  for (const auto& [name, what] : agg.measures)
    if (what == "count" || name == AggregateJob::kRowCountMeasure) return;
  agg.measures.emplace_back(AggregateJob::kRowCountMeasure, "count");
}

/// `measures = { kwh = "sum", readings = "count" }`, in file order.
std::vector<std::pair<std::string, std::string>> read_measures(const TableReader& r, const std::string& origin) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!r.get("measures")) return out;
  const toml::table* map = r.sub_table("measures");
  if (!map) r.fail("measures", "must be a table of measure = \"sum\" | \"count\" | …, e.g. { kwh = \"sum\" }");
  std::vector<std::pair<const toml::node*, std::string>> nodes;
  for (const auto& [k, v] : *map) nodes.emplace_back(&v, std::string(k.str()));
  // toml++ keeps keys sorted; the job file's order is the report's.
  std::sort(nodes.begin(), nodes.end(), [](const auto& a, const auto& b) {
    return a.first->source().begin.column + a.first->source().begin.line * 100000 <
           b.first->source().begin.column + b.first->source().begin.line * 100000;
  });
  for (const auto& [node, name] : nodes) {
    const auto* text = node->as_string();
    if (!text || std::find(kMeasureKinds.begin(), kMeasureKinds.end(), text->get()) == kMeasureKinds.end())
      throw InputError(fmt::format("{}: measures.{} must be one of {} (what the measure computes per group)",
                                   where(origin, *node), name, fmt::join(kMeasureKinds, ", ")));
    out.emplace_back(name, text->get());
  }
  return out;
}

/// A tolerance bound as canonical decimal text (0.01 → "0.01", "1e-6" → "0.000001").
std::string tolerance_text(const toml::node& n, const std::string& origin, const std::string& key) {
  std::string text;
  if (n.is_integer()) text = std::to_string(*n.value<std::int64_t>());
  else if (n.is_floating_point()) text = canon::format_double(*n.value<double>());
  else if (n.is_string()) text = *n.value<std::string>();
  std::string enc;
  if (text.empty() || !canon::put_decimal(enc, text))
    throw InputError(fmt::format("{}: {} must be a number, e.g. 0.01 or \"0.01\"", where(origin, n), key));
  std::size_t pos = 0;
  std::string value(canon::read_value(enc, pos).payload);
  if (!value.empty() && value[0] == '-')
    throw InputError(fmt::format("{}: {} is negative; a tolerance is a distance (>= 0)", where(origin, n), key));
  return value;
}

/// `tolerance = { kwh = 0.01 }` (absolute) or `{ kwh = { abs = 0.01, rel = 0.001 } }`.
std::map<std::string, MeasureTolerance> read_tolerance(const TableReader& r, const std::string& origin) {
  std::map<std::string, MeasureTolerance> out;
  if (!r.get("tolerance")) return out;
  const toml::table* map = r.sub_table("tolerance");
  if (!map) r.fail("tolerance", "must be a table of measure = bound, e.g. { kwh = 0.01 } or { kwh = { rel = 0.001 } }");
  for (const auto& [k, v] : *map) {
    const std::string m(k.str());
    MeasureTolerance tol;
    if (const toml::table* both = v.as_table()) {
      TableReader b(*both, origin, "tolerance." + m);
      if (const toml::node* a = b.get("abs")) tol.abs = tolerance_text(*a, origin, "tolerance." + m + ".abs");
      if (const toml::node* rl = b.get("rel")) tol.rel = tolerance_text(*rl, origin, "tolerance." + m + ".rel");
      b.reject_unknown({"abs", "rel"});
      if (!tol.abs && !tol.rel) b.fail("abs", "is missing: give abs = …, rel = … or both");
    } else {
      tol.abs = tolerance_text(v, origin, "tolerance." + m);
    }
    out.emplace(m, std::move(tol));
  }
  return out;
}

/// One side: `<side>_query`, or `<side>_table` with `measures`. The TableRef names it for reports.
TableRef read_side(const TableReader& r, const std::string& side, const TableJob& job) {
  const auto query = r.str(side + "_query");
  const auto table = r.str(side + "_table");
  if (query && table) r.fail(side + "_table", "and " + side + "_query are both given; keep one");
  TableRef ref;
  if (query) {
    ref.query = trimmed_query(*query);
    if (ref.query.empty()) r.fail(side + "_query", "is empty");
    ref.name = job.name + " " + side + " query";
    return ref;
  }
  if (!table) r.fail(side + "_query", "is missing: give the grouped query, or " + side + "_table with measures");
  if (job.aggregate->measures.empty())
    r.fail("measures", "is missing: " + side + "_table needs measures = { column = \"sum\", … } to group it by");
  ref.query = aggregate_query(*table, job.key, job.aggregate->measures);
  ref.name = *table;
  return ref;
}

}  // namespace

std::string aggregate_query(const std::string& table, const std::vector<std::string>& group_by,
                            const std::vector<std::pair<std::string, std::string>>& measures) {
  const std::string groups = fmt::format("{}", fmt::join(group_by, ", "));
  std::string sql = "SELECT " + groups;
  for (const auto& [name, what] : measures)
    sql += ", " + (what == "count" ? std::string("count(*)") : what + "(" + name + ")") + " AS " + name;
  return sql + " FROM " + table + " GROUP BY " + groups;
}

TableJob read_aggregate(const toml::table& t, const std::string& origin, std::size_t index,
                        std::vector<fs::path> (*rule_files)(TableReader&, const fs::path&), const fs::path& base) {
  TableReader r(t, origin, fmt::format("[[aggregates]] #{}", index + 1));
  TableJob job;
  job.line = r.line();
  job.name = r.require_str("name");
  job.key = r.strings("group_by");
  if (job.key.empty()) r.fail("group_by", "is missing: name the group's columns, e.g. group_by = [\"unit_id\", \"day\"]");
  job.trust_key = true;  // a grouped result has one row per group
  AggregateJob& agg = job.aggregate.emplace();
  agg.measures = read_measures(r, origin);
  agg.row_count = r.boolean("row_count").value_or(true);
  add_row_count(agg);
  for (const auto& [m, kind] : agg.measures) {
    if (std::find(job.key.begin(), job.key.end(), m) != job.key.end())
      r.fail("measures", fmt::format("names '{}', which is a group_by column", m));
    job.columns.push_back(m);
  }
  agg.tolerance = read_tolerance(r, origin);
  for (const auto& [m, tol] : agg.tolerance)
    if (!agg.measures.empty() && std::find(job.columns.begin(), job.columns.end(), m) == job.columns.end())
      r.fail("tolerance", fmt::format("names '{}', which is not one of the measures ({})", m,
                                      fmt::join(job.columns, ", ")));
  job.source = read_side(r, "source", job);
  job.target = read_side(r, "target", job);
  agg.source_rows = trimmed_query(r.str("source_rows").value_or(""));
  agg.target_rows = trimmed_query(r.str("target_rows").value_or(""));
  if (auto s = r.number("slo")) {
    if (*s < 0 || *s > 1) r.fail("slo", "must be between 0 and 1, e.g. 0.9999");
    job.slo = *s;
  }
  job.rules = rule_files(r, base);
  r.reject_unknown(kAggregateKeys);
  return job;
}

}  // namespace recon::config_detail

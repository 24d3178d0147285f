#include "recon/engine/drill.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "recon/engine/lookup.hpp"
#include "recon/engine/prepare.hpp"

namespace recon {
namespace {

const TableJob& find_aggregate(const RunOptions& opts, const std::string& name) {
  std::vector<std::string> names;
  for (const TableJob& t : opts.tables) {
    if (!t.aggregate) continue;
    if (t.name == name) return t;
    names.push_back(t.name);
  }
  throw InputError(fmt::format("{}: no [[aggregates]] entry is named '{}'{}", opts.job_file.string(), name,
                               names.empty() ? std::string(" (the job has none)")
                                             : fmt::format("; the job's aggregates: {}", fmt::join(names, ", "))));
}

/// The rows query's columns as read: the group_by columns first (in the aggregate context's
/// comparison classes, so the key encodings match), then every other column in its own class,
/// whose names are appended to `names`.
RangeQuery rows_query(const TableContext& ctx, const TableInfo& rows, Side side, std::vector<std::string>& names) {
  RangeQuery q;
  q.table = rows.ref;
  const auto& keys = side == Side::Source ? ctx.select_keys_source : ctx.select_keys_target;
  for (std::size_t i = 0; i < ctx.job->key.size(); ++i) {
    const ColumnInfo* c = rows.find(ctx.job->key[i]);
    if (!c)
      throw InputError(fmt::format("aggregate {}: the {} rows query has no column '{}' (a group_by column); its "
                                   "columns must include every group_by column", ctx.name, side_name(side),
                                   ctx.job->key[i]));
    SelectColumn s = keys[i];
    s.native = *c;
    q.keys.push_back(std::move(s));
  }
  for (const ColumnInfo& c : rows.columns) {
    if (std::find(ctx.job->key.begin(), ctx.job->key.end(), c.name) != ctx.job->key.end()) continue;
    SelectColumn s;
    s.native = c;
    s.compare_as = c.type_class.value_or(TypeClass::Text);
    q.values.push_back(std::move(s));
    names.push_back(c.name);
  }
  return q;
}

}  // namespace

std::string group_key_json(const TableJob& aggregate, const std::string& text) {
  if (!text.empty() && text.front() == '[') return text;
  std::map<std::string, std::string> given;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, comma - start);
    const std::size_t eq = part.find('=');
    if (eq == std::string::npos || !given.emplace(part.substr(0, eq), part.substr(eq + 1)).second)
      throw InputError(fmt::format("--group '{}': write each group_by column once as column=value, e.g. {}=…, or "
                                   "give a JSON array in group_by order ({})", text, aggregate.key.front(),
                                   fmt::join(aggregate.key, ", ")));
    start = comma + 1;
  }
  nlohmann::json key = nlohmann::json::array();
  for (const std::string& k : aggregate.key) {
    const auto it = given.find(k);
    if (it == given.end())
      throw InputError(fmt::format("--group '{}' does not give group_by column '{}' of aggregate {} (its group_by: {})",
                                   text, k, aggregate.name, fmt::join(aggregate.key, ", ")));
    key.push_back(it->second);
    given.erase(it);
  }
  if (!given.empty())
    throw InputError(fmt::format("--group '{}' names '{}', which is not a group_by column of aggregate {} ({})", text,
                                 given.begin()->first, aggregate.name, fmt::join(aggregate.key, ", ")));
  return key.dump();
}

DrillRows drill_group(const RunOptions& opts, const std::string& aggregate, const std::string& group, Side side,
                      std::size_t limit) {
  const TableJob& job = find_aggregate(opts, aggregate);
  const std::string& rows_sql = side == Side::Source ? job.aggregate->source_rows : job.aggregate->target_rows;
  if (rows_sql.empty())
    throw InputError(fmt::format("aggregate {} (job line {}) has no {}_rows query: add {}_rows = \"SELECT … \" (the "
                                 "un-aggregated rows, with the group_by columns) to drill into it",
                                 job.name, job.line, side_name(side), side_name(side)));
  RunOptions one = opts;  // only this aggregate is described
  one.tables = {job};
  PreparedJob prepared = prepare_job(one);
  const TableContext& ctx = prepared.contexts.front();
  const std::string key = parse_key(ctx, group_key_json(job, group));

  TableRef ref;
  ref.query = rows_sql;
  ref.name = job.name + " " + side_name(side) + " rows";
  DrillRows out;
  out.aggregate = job.name;
  out.side = side;
  RowBatch batch;
  retry_on_lost_connection(one, *prepared.pool, 0, [&] {
    Connector& c = prepared.pool->get(0, side);
    out.columns = job.key;
    batch.clear();
    const RangeQuery q = rows_query(ctx, c.describe(ref), side, out.columns);
    c.fetch_keys(q, {key}, batch);
  });
  std::size_t pos = 0;
  for (const std::string& k : job.key) out.group.emplace_back(k, canon::to_display(canon::read_value(key, pos)));
  out.rows_total = batch.size();
  for (std::size_t i = 0; i < batch.size() && i < limit; ++i) {
    std::vector<std::string> row;
    for (const std::string_view part : {batch.key(i), batch.values(i)})
      for (std::size_t p = 0; p < part.size();) row.push_back(canon::to_display(canon::read_value(part, p)));
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace recon

// Planning keys of a SQL Server table from its statistics. See tds_sampling.hpp.
#include "tds_sampling.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "recon/generated/sql_text.hpp"
#include "tds_catalog.hpp"
#include "tds_plan.hpp"
#include "tds_query.hpp"

namespace recon::tds {
namespace {

bool same_name(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

/// Whether a failure leaves the connection usable: a refused statement (an unknown view, a
/// missing permission) is a reason to plan another way; a lost connection is retried by the engine.
/// Drops what the failed statement left pending, so the next one can be sent.
bool usable_after(const ConnectorError& e, Reader& r) {
  if (e.poisoned()) return false;
  r.session().cancel();
  return true;
}

}  // namespace

KeySample KeySampler::sample(const RangeQuery& q, std::size_t n) {
  const std::string what = "planning " + r_.side() + " table " + q.table.display();
  KeySample out;
  const Size size = size_of(q, what);
  out.estimated_rows = size.rows;
  if (n == 0 || size.rows <= 0) return out;
  const bool small = size.rows <= static_cast<std::int64_t>(2 * n);  // every key costs no more than a sample
  const std::string table = r_.side() + " table " + q.table.display();
  if (collisions_possible(q, what)) {
    if (!small)
      note(fmt::format("planning read every key of the {}: its key is case-insensitive text that no unique "
                       "constraint covers, and only a full read finds keys that differ only in letter case",
                       table));
    out.keys = key_scan(q, size.rows, n, what);
    return out;
  }
  std::string why;
  if (q.keys.size() == 1 && q.where.empty()) {
    const std::vector<HistogramStep> steps = histogram(q, what, why);
    out.keys = histogram_keys(steps, n);
    if (!out.keys.empty()) return out;
    if (why.empty()) why = "its histogram has no step";
    const std::string& k = q.keys[0].native.name;
    if (!small)
      note(fmt::format("planning read every key of the {} because SQL Server has no statistics to plan it from "
                       "({}); create them (CREATE STATISTICS recon_{} ON {} ({}), or an index on {}) or bring them up "
                       "to date (UPDATE STATISTICS {}) and planning reads their histogram instead",
                       table, why, k, q.table.display(), k, k, q.table.display()));
    out.keys = key_scan(q, size.rows, n, what);
    return out;
  }
  if (!small) {
    out.keys = table_sample(q, size, n, what, why);
    if (!out.keys.empty()) return out;
    note(fmt::format("planning read every key of the {}: TABLESAMPLE could not sample it ({})", table, why));
  }
  out.keys = key_scan(q, size.rows, n, what);
  return out;
}

KeySampler::Size KeySampler::size_of(const RangeQuery& q, const std::string& what) {
  Size s;
  std::optional<std::int64_t> rows;
  std::string why;
  try {
    r_.query(catalog_sql(sql::sqlserver_partition_rows, q.table), what, [&] {
      rows = r_.integer(1);
      s.pages = r_.integer(2).value_or(0);
    });
  } catch (const ConnectorError& e) {
    if (!usable_after(e, r_)) throw;
    why = reason(e);
  }
  if (rows && q.where.empty()) {
    s.rows = *rows;
    return s;
  }
  // A filter keeps an unknown share of the rows: only counting them says how many. A view has no
  // partitions, and a login without VIEW DATABASE STATE cannot read them: count those too.
  if (!why.empty() && q.where.empty())
    note(fmt::format("planning counted every row of the {} table {} because sys.dm_db_partition_stats could not "
                     "be read ({}); grant VIEW DATABASE STATE to the login (docs/privileges.md)",
                     r_.side(), q.table.display(), why));
  r_.query(count_select(q), what, [&] { s.rows = r_.integer(1).value_or(0); });
  return s;
}

std::vector<std::int64_t> KeySampler::statistics_on(const RangeQuery& q, const std::string& column,
                                                    const std::string& what) {
  std::set<std::int64_t> unfiltered;
  r_.query(catalog_sql(sql::sqlserver_unfiltered_statistics, q.table), what, [&] {
    if (auto id = r_.integer(1)) unfiltered.insert(*id);
  });
  std::vector<std::int64_t> out;
  if (unfiltered.empty()) return out;
  r_.query(catalog_sql(sql::sqlserver_leading_statistics, q.table, {{"{column}", nstring(column)}}), what, [&] {
    if (auto id = r_.integer(1); id && unfiltered.count(*id)) out.push_back(*id);
  });
  return out;
}

std::vector<HistogramStep> KeySampler::histogram(const RangeQuery& q, const std::string& what, std::string& why_not) {
  const SelectColumn& key = q.keys[0];
  try {
    const std::vector<std::int64_t> ids = statistics_on(q, key.native.name, what);
    if (ids.empty()) why_not = "no statistics object starts with column " + key.native.name;
    for (std::int64_t id : ids) {
      // A statistics object that was never computed (created on an empty table) has no steps.
      std::vector<HistogramStep> steps = r_.read_histogram(
          catalog_sql(sql::sqlserver_stats_histogram, q.table,
                      {{"{type}", cast_type(key.native)}, {"{stats_id}", std::to_string(id)}}),
          key, what);
      if (std::any_of(steps.begin(), steps.end(), [](const HistogramStep& s) { return s.key.has_value(); }))
        return steps;
      why_not = "the statistics on column " + key.native.name + " have no histogram";
    }
  } catch (const ConnectorError& e) {
    if (!usable_after(e, r_)) throw;
    why_not = reason(e);  // e.g. sys.dm_db_stats_histogram before SQL Server 2016 SP1 CU2, or a permission
  }
  return {};
}

std::vector<std::string> KeySampler::table_sample(const RangeQuery& q, const Size& size, std::size_t n,
                                                  const std::string& what, std::string& why_not) {
  const SamplePlan plan = sample_plan(size.rows, size.pages, n);
  RowBatch keys;
  std::uint64_t i = 0;
  try {
    // No collision tracking: a sample is taken only where a constraint rules collisions out.
    r_.read_rows(sample_select(q, percent_literal(plan.percent)), q, /*with_values=*/false, what, keys, nullptr,
                 [&] { return i++ % plan.keep_one_in == 0; });
  } catch (const ConnectorError& e) {
    if (!usable_after(e, r_)) throw;
    why_not = reason(e);
    return {};
  }
  std::vector<std::string> out;
  // Few pages sampled, or the rows the filter keeps sit on pages the sample missed: too few keys
  // to plan evenly from.
  if (keys.size() < n / 4) {
    why_not = fmt::format("{} PERCENT of its pages held {} keys", percent_literal(plan.percent), keys.size());
    return out;
  }
  out.reserve(keys.size());
  for (std::size_t k = 0; k < keys.size(); ++k) out.emplace_back(keys.key(k));
  return out;
}

std::vector<std::string> KeySampler::key_scan(const RangeQuery& q, std::int64_t rows, std::size_t n,
                                              const std::string& what) {
  const std::uint64_t stride = scan_stride(rows, n);
  RowBatch keys;
  CollisionTracker tracker(q.keys, collisions_);
  std::uint64_t i = 0;
  r_.read_rows(range_select(q, false), q, /*with_values=*/false, what, keys, &tracker,
               [&] { return i++ % stride == 0; });
  std::vector<std::string> out;
  out.reserve(keys.size());
  for (std::size_t k = 0; k < keys.size(); ++k) out.emplace_back(keys.key(k));
  return out;
}

bool KeySampler::collisions_possible(const RangeQuery& q, const std::string& what) {
  if (std::none_of(q.keys.begin(), q.keys.end(), case_insensitive_key)) return false;
  for (const std::vector<std::string>& unique : unique_keys(r_, q.table, what)) {
    const bool within = std::all_of(unique.begin(), unique.end(), [&](const std::string& c) {
      return std::any_of(q.keys.begin(), q.keys.end(), [&](const SelectColumn& k) { return same_name(k.native.name, c); });
    });
    if (within) return false;
  }
  return true;
}

std::string KeySampler::reason(const ConnectorError& e) const {
  const std::string why = r_.session().capture().describe();
  return why.empty() ? e.what() : why;  // the server's own words when it gave any
}

void KeySampler::note(std::string text) {
  // sample_keys may run twice for one table (a second, larger sample): one note is enough.
  if (std::find(notes_.begin(), notes_.end(), text) == notes_.end()) notes_.push_back(std::move(text));
}

}  // namespace recon::tds

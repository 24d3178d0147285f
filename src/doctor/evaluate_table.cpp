// The checks of one table: select, write, key, columns, statistics, estimate, collation,
// collisions, range_read (docs/doctor.md).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "recon/connector/connector.hpp"
#include "recon/core/canonical.hpp"
#include "recon/core/duration.hpp"
#include "recon/doctor/evaluate.hpp"

namespace recon::doctor {

namespace {

nlohmann::ordered_json opt(const std::optional<std::int64_t>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json();
}

}  // namespace

Check table_select(Side side, const std::string& table, const TableRef& ref, const std::string& error,
                   const TableFacts* facts) {
  Check c;
  if (!error.empty())
    c = make_check("table.select", side, table, Status::Fail, error,
             fmt::format("check the [[tables]] {} name, or GRANT SELECT ON {} to the login", side_name(side), ref.display()));
  else if (facts && !facts->can_select)
    c = make_check("table.select", side, table, Status::Fail,
             fmt::format("the login has no SELECT right on {}", ref.display()),
             fmt::format("GRANT SELECT ON {} to the login (least-privilege statements below)", ref.display()));
  else
    c = make_check("table.select", side, table, Status::Ok, fmt::format("SELECT on {} works", ref.display()));
  c.detail = {{"table", ref.display()}};
  return c;
}

Check table_write(Side side, const std::string& table, const TableRef& ref, const TableFacts& f) {
  Check c = f.write_rights.empty()
                ? make_check("table.write", side, table, Status::Ok, "no right beyond SELECT")
                : make_check("table.write", side, table, Status::Warn,
                       fmt::format("the login can {} on {}", fmt::join(f.write_rights, ", "), ref.display()),
                       "recon check needs only SELECT: run it as a least-privilege role (statements below)");
  c.detail = {{"write_rights", f.write_rights}};
  return c;
}

std::string refresh_statistics_sql(Dialect dialect, const TableRef& ref) {
  switch (dialect) {
    case Dialect::SqlServer: return "UPDATE STATISTICS " + quote_table(dialect, ref);
    case Dialect::Mysql: return "ANALYZE TABLE " + quote_table(dialect, ref);
    case Dialect::Postgres:
    case Dialect::Sqlite: break;
  }
  return "ANALYZE " + quote_table(dialect, ref);
}

Check table_statistics(Side side, const std::string& table, const TableRef& ref, const TableFacts& f, Dialect dialect) {
  if (!f.statistics_present) return skipped("table.statistics", side, table, "the engine keeps no statistics recon uses");
  Check c;
  const std::string analyze = "refresh them: " + refresh_statistics_sql(dialect, ref);
  if (!*f.statistics_present)
    c = make_check("table.statistics", side, table, Status::Warn,
             fmt::format("no statistics on {}: planning estimates rows and key ranges blindly", ref.display()), analyze);
  else if (f.statistics_age_seconds && *f.statistics_age_seconds > kStaleStatisticsSeconds)
    c = make_check("table.statistics", side, table, Status::Warn,
             fmt::format("statistics are {} old (more than 30 days)", format_duration_us(*f.statistics_age_seconds * 1'000'000)),
             analyze);
  else
    c = make_check("table.statistics", side, table, Status::Ok,
             f.statistics_age_seconds
                 ? fmt::format("statistics present, {} old", format_duration_us(*f.statistics_age_seconds * 1'000'000))
                 : std::string("statistics present"));
  c.detail = {{"present", *f.statistics_present}, {"age_seconds", opt(f.statistics_age_seconds)}};
  return c;
}

Check table_estimate(const std::string& table, const TableFacts& s, const TableFacts& t) {
  if (!s.estimated_rows || !t.estimated_rows)
    return skipped("table.estimate", std::nullopt, table,
                   fmt::format("no row estimate on {}", !s.estimated_rows && !t.estimated_rows ? "either side"
                                                            : !s.estimated_rows              ? "the source"
                                                                                              : "the target"));
  const double a = static_cast<double>(std::max<std::int64_t>(*s.estimated_rows, 1));
  const double b = static_cast<double>(std::max<std::int64_t>(*t.estimated_rows, 1));
  const std::string both = fmt::format("source ~{} rows, target ~{} rows", *s.estimated_rows, *t.estimated_rows);
  Check c = std::max(a, b) / std::min(a, b) > kEstimateFactor
                ? make_check("table.estimate", std::nullopt, table, Status::Warn, both + ": more than 10× apart",
                       "check the table names and where filters; refresh statistics if the tables should match")
                : make_check("table.estimate", std::nullopt, table, Status::Ok, both);
  c.detail = {{"source", *s.estimated_rows}, {"target", *t.estimated_rows}};
  return c;
}

Check table_collation(Side side, const std::string& table, const TableFacts& f) {
  if (f.key_columns.empty()) return skipped("table.collation", side, table, "the engine reports no key collation");
  std::string list, ci;
  nlohmann::ordered_json cols = nlohmann::ordered_json::array();
  for (const KeyColumnFacts& k : f.key_columns) {
    list += fmt::format("{}{} {} (bound {})", list.empty() ? "" : ", ", k.column,
                        k.collation.empty() ? "no collation" : k.collation, k.range_bound);
    if (k.case_insensitive) ci += (ci.empty() ? "" : ", ") + k.column;
    cols.push_back({{"column", k.column}, {"collation", k.collation}, {"case_insensitive", k.case_insensitive},
                    {"range_bound", k.range_bound}});
  }
  Check c = ci.empty() ? make_check("table.collation", side, table, Status::Ok, list)
                       : make_check("table.collation", side, table, Status::Warn,
                              fmt::format("key column {} is case-insensitive: {}", ci, list),
                              "recon compares keys bytewise, so 'a' and 'A' are two keys; see table.collisions, or "
                              "give the key column a binary collation");
  c.detail = {{"key_columns", cols}};
  return c;
}

Check table_collisions(Side side, const std::string& table, const TableFacts& f, const privacy::TablePrivacy& privacy) {
  if (f.key_columns.empty()) return skipped("table.collisions", side, table, "the engine reports no key collation");
  Check c;
  std::vector<std::string> shown;
  for (const std::string& k : f.colliding_examples) shown.push_back(canon::key_to_json(privacy.shown_key(k)));
  const bool any_ci = std::any_of(f.key_columns.begin(), f.key_columns.end(),
                                  [](const KeyColumnFacts& k) { return k.case_insensitive; });
  if (!f.case_colliding_keys && any_ci)
    return skipped("table.collisions", side, table, "the engine did not count keys equal under the key's collation");
  if (!f.case_colliding_keys)
    c = make_check("table.collisions", side, table, Status::Ok, "no case-insensitive key column: keys cannot collide");
  else if (*f.case_colliding_keys == 0)
    c = make_check("table.collisions", side, table, Status::Ok,
             fmt::format("no two keys equal under the key's collation ({} keys looked at)", f.collisions_scanned));
  else
    c = make_check("table.collisions", side, table, Status::Warn,
             fmt::format("{} keys equal another under the key's collation (of {} looked at), e.g. {}",
                         *f.case_colliding_keys, f.collisions_scanned, fmt::join(shown, " ")),
             "the engine treats them as one (a unique index may refuse a repair): make the key column's "
             "collation binary or case-sensitive, or clean up the duplicates");
  c.detail = {{"colliding_keys", opt(f.case_colliding_keys)}, {"examples", shown}, {"scanned", f.collisions_scanned}};
  return c;
}

std::string create_index_sql(Dialect dialect, const TableRef& ref, const std::vector<std::string>& key_columns) {
  std::string name = ref.name;
  std::vector<std::string> cols;
  for (const std::string& k : key_columns) {
    name += "_" + k;
    cols.push_back(quote_ident(dialect, k));
  }
  TableRef index{ref.schema, name + "_idx"};
  // An index lives in its table's schema: its name is never schema-qualified except on SQLite,
  // whose CREATE INDEX takes the schema on the index, not on the table.
  const std::string index_name =
      dialect == Dialect::Sqlite ? quote_table(dialect, index) : quote_ident(dialect, index.name);
  const std::string on = dialect == Dialect::Sqlite ? quote_ident(dialect, ref.name) : quote_table(dialect, ref);
  return fmt::format("CREATE INDEX {} ON {} ({})", index_name, on, fmt::join(cols, ", "));
}

Check table_range_read(Side side, const std::string& table, const TableRef& ref, const TableFacts& f, Dialect dialect,
                       const std::vector<std::string>& key_columns) {
  const RangeReadFacts& r = f.range_read;
  if (!r.uses_key_index) return skipped("table.range_read", side, table, "the engine cannot say (recon sorts these rows itself)");
  Check c;
  if (*r.uses_key_index) {
    c = make_check("table.range_read", side, table, Status::Ok,
             fmt::format("walks {} in key order{}", r.index.empty() ? "the key" : r.index,
                         r.plan.empty() ? "" : " (" + r.plan + ")"));
  } else if (!r.instead.empty()) {
    c = make_check("table.range_read", side, table, Status::Warn,
             fmt::format("a range read would sort or scan{}", r.plan.empty() ? "" : " (" + r.plan + ")"), r.instead);
  } else {
    const std::string create = r.create_index.empty() ? create_index_sql(dialect, ref, key_columns) : r.create_index;
    c = make_check("table.range_read", side, table, Status::Warn,
             fmt::format("a range read would sort or scan the whole table{}", r.plan.empty() ? "" : " (" + r.plan + ")"),
             fmt::format("create the index on the key: {}", create));
    c.detail["create_index"] = create;
  }
  c.detail["uses_key_index"] = *r.uses_key_index;
  c.detail["index"] = r.index;
  c.detail["plan"] = r.plan;
  return c;
}

bool key_is_unique(const TableInfo& info, const std::vector<std::string>& key) {
  const std::set<std::string> want(key.begin(), key.end());
  return std::any_of(info.unique_keys.begin(), info.unique_keys.end(), [&](const std::vector<std::string>& u) {
    return std::set<std::string>(u.begin(), u.end()) == want;
  });
}

bool is_key_error(const std::string& line) {
  // resolve_table's lines read "table T (job line N): <what>"; the key's own start with "key" or
  // "no key".
  const std::size_t p = line.find("): ");
  const std::string what = p == std::string::npos ? line : line.substr(p + 3);
  return what.rfind("key ", 0) == 0 || what.rfind("no key", 0) == 0;
}

Check table_key(const TableJob& job, const std::vector<std::string>& key_errors, bool unique_source, bool unique_target,
                const std::vector<std::string>& key) {
  const std::string cols = fmt::format("({})", fmt::join(key, ", "));
  Check c;
  if (!key_errors.empty())
    c = make_check("table.key", std::nullopt, job.name, Status::Fail, fmt::format("{}", fmt::join(key_errors, "; ")),
             "a run refuses this table (exit 2): fix the [[tables]] key as the message says");
  else if (unique_source && unique_target)
    c = make_check("table.key", std::nullopt, job.name, Status::Ok, "key " + cols + " is a primary key or unique index on both sides");
  else
    c = make_check("table.key", std::nullopt, job.name, Status::Warn,
             fmt::format("key {} is unique only because trust_key says so ({} has no unique index on it)", cols,
                         !unique_source && !unique_target ? "neither side" : !unique_source ? "the source" : "the target"),
             "create a unique index on the key, or make sure the data is unique: duplicate keys are compared wrongly");
  c.detail = {{"key", key}, {"unique_source", unique_source}, {"unique_target", unique_target}, {"trust_key", job.trust_key}};
  return c;
}

std::vector<Check> table_columns(const std::string& table, const std::vector<ColumnPair>& pairs,
                                 const std::vector<std::string>& column_errors) {
  std::vector<Check> out;
  for (const std::string& e : column_errors) {
    Check c = make_check("table.columns", std::nullopt, table, Status::Fail, e,
                   "a run refuses this table (exit 2): fix the column as the message says");
    c.detail = {{"error", e}};
    out.push_back(std::move(c));
  }
  if (!out.empty()) return out;
  std::string list;
  nlohmann::ordered_json detail = nlohmann::ordered_json::array();
  for (const ColumnPair& p : pairs) {
    list += fmt::format("{}{} {}{}{}", list.empty() ? "" : ", ", p.target, p.compare_as, p.key ? " (key)" : "",
                        p.source != p.target ? " (source " + p.source + ")" : "");
    detail.push_back({{"target", p.target}, {"source", p.source}, {"compare_as", p.compare_as}, {"key", p.key}});
  }
  Check c = make_check("table.columns", std::nullopt, table, Status::Ok, list);
  c.detail = {{"pairs", detail}};
  out.push_back(std::move(c));
  return out;
}

}  // namespace recon::doctor

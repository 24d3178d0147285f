#include "aggregate_rules.hpp"

namespace recon {
namespace {

/// A measure name as a glob that matches only itself.
std::string literal_glob(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

rules::Rule built_in(const TableJob& job, const std::string& category, int severity, Action action) {
  rules::Rule r;
  r.name = "aggregate:" + category;
  r.outcome = rules::Outcome{category, severity, action};
  r.origin = "[[aggregates]] " + job.name + " (built in)";
  return r;
}

}  // namespace

void append_aggregate_rules(const TableJob& job, rules::RuleSet& into) {
  const AggregateJob& agg = *job.aggregate;
  for (Category c : {Category::MissingInTarget, Category::MissingInSource}) {
    rules::Rule r = built_in(job, std::string("group_") + category_name(c), 2, Action::Report);
    r.description = c == Category::MissingInTarget ? "The group exists in the source query's result only."
                                                   : "The group exists in the target query's result only.";
    r.match.categories = {c};
    into.rules.push_back(std::move(r));
  }
  for (const auto& [measure, tol] : agg.tolerance) {
    rules::Rule r = built_in(job, "group_within_tolerance", 4, Action::Tolerate);
    r.name += ":" + measure;
    r.description = "The measure differs by no more than its tolerance: recorded, not counted.";
    r.match.columns = {literal_glob(measure)};
    r.interpret.abs_tolerance = tol.abs;
    r.interpret.rel_tolerance = tol.rel;
    into.rules.push_back(std::move(r));
  }
  rules::Rule counts = built_in(job, "group_count_differs", 2, Action::Report);
  counts.description = "The group's row count differs: rows are missing or extra on one side.";
  for (const auto& [measure, what] : agg.measures)
    if (what == "count") counts.match.columns.push_back(literal_glob(measure));
  // No measures listed: the queries' own `row_count` column, if they have one, is the count.
  if (agg.row_count && agg.measures.empty())
    counts.match.columns.push_back(literal_glob(AggregateJob::kRowCountMeasure));
  if (!counts.match.columns.empty()) into.rules.push_back(std::move(counts));
  rules::Rule measures = built_in(job, "group_measure_differs", 2, Action::Report);
  measures.description = "The group's measure differs beyond its tolerance.";
  into.rules.push_back(std::move(measures));
  into.files.push_back(into.rules.back().origin);
}

}  // namespace recon

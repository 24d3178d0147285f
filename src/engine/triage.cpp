#include "recon/engine/triage.hpp"

#include "recon/rules/rules.hpp"

namespace recon {

void apply_rules(const TableContext& ctx, Divergence& d) {
  if (ctx.rules && ctx.rules->configured()) {
    ctx.rules->evaluate(d);
    return;
  }
  Finding& f = d.finding;
  f.category = category_name(d.category);
  f.severity = kDefaultSeverity;
  f.action = Action::Fix;
  f.rule.clear();
  f.explanation.clear();
  f.fix_columns = d.columns;
  f.status = Status::Open;
}

void FindingTally::add(const Divergence& d) {
  const Finding& f = d.finding;
  switch (f.status) {
    case Status::Open:
      ++(d.category == Category::MissingInTarget   ? missing_in_target
         : d.category == Category::MissingInSource ? missing_in_source
                                                   : changed);
      if (f.action == Action::Escalate) ++escalated;
      break;
    case Status::Tolerated: ++tolerated; break;
    case Status::InFlight: ++in_flight; return;
    case Status::Converged: ++converged; return;
    case Status::Suspended: ++suspended; return;
  }
  auto& c = categories[f.category];
  if (c.count == 0 || f.severity < c.severity) c.severity = f.severity;
  if (c.count == 0 || f.action > c.action) c.action = f.action;
  ++c.count;
}

void FindingTally::apply(const RangeCounts& raw, TableResult& r) const {
  r.rows_source = raw.rows_source;
  r.rows_target = raw.rows_target;
  r.rows_compared = raw.rows_compared;
  r.matched = raw.matched + tolerated + converged;
  r.missing_in_target = missing_in_target;
  r.missing_in_source = missing_in_source;
  r.changed = changed;
  r.tolerated = tolerated;
  r.in_flight = in_flight;
  r.converged = converged;
  r.suspended = suspended;
  r.escalated = escalated;
  r.categories = categories;
}

Triage::Triage(std::vector<ResultSink*> sinks, bool hold, std::size_t max_held, double (*clock)())
    : sinks_(std::move(sinks)), hold_(hold), max_held_(max_held), clock_(clock) {}

void Triage::begin_table(const TableContext& table) {
  for (ResultSink* s : sinks_) s->begin_table(table);
}

void Triage::divergences(const TableContext& table, const std::vector<Divergence>& batch) {
  ready_.clear();
  const double now = clock_();
  for (const Divergence& raw : batch) {
    Divergence d = raw;
    apply_rules(table, d);
    if (d.finding.status == Status::Tolerated || !hold_) {
      ready_.push_back(std::move(d));
    } else if (held_.size() < max_held_) {
      held_.push_back(HeldDivergence{std::move(d), now, 0});
    } else {
      ++overflow_;
      ready_.push_back(std::move(d));
    }
  }
  if (!ready_.empty()) deliver(table, ready_);
}

void Triage::deliver(const TableContext& table, const std::vector<Divergence>& batch) {
  for (const Divergence& d : batch) tally_.add(d);
  for (ResultSink* s : sinks_) s->divergences(table, batch);
}

}  // namespace recon

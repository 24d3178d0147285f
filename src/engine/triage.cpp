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
  if (c.first_keys.size() < kFirstKeysShown) c.first_keys.push_back(d.key);
  if (d.category == Category::Changed)
    for (std::uint32_t column : d.columns) ++column_changes[column];
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
  r.columns_changed.clear();
  for (const auto& [column, count] : column_changes)
    r.columns_changed[column < r.columns.size() ? r.columns[column] : "#" + std::to_string(column)] += count;
}

void show_first_keys(const privacy::TablePrivacy& privacy, TableResult& result) {
  if (!privacy.key_sensitive()) return;
  for (auto& [name, c] : result.categories) {
    if (!c.first_keys.empty()) c.explain_key = privacy.token_key(c.first_keys.front());
    for (std::string& k : c.first_keys) k = privacy.shown_key(k);
  }
}

Triage::Triage(std::vector<ResultSink*> sinks, bool hold, std::size_t max_held, std::size_t max_recorded,
               double (*clock)())
    : sinks_(std::move(sinks)), hold_(hold), max_held_(max_held), max_recorded_(max_recorded), clock_(clock) {}

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

void Triage::ranges_planned(const TableContext& table, const std::vector<RangeRecord>& ranges) {
  for (ResultSink* s : sinks_) s->ranges_planned(table, ranges);
}

void Triage::range_done(const TableContext& table, const RangeRecord& range) {
  if (!held_.empty()) {
    waiting_ranges_.push_back(range);
    return;
  }
  for (ResultSink* s : sinks_) s->range_done(table, range);
}

std::vector<Divergence> Triage::recordable(const std::vector<Divergence>& batch) {
  const std::size_t room = max_recorded_ > recorded_ ? max_recorded_ - recorded_ : 0;
  const std::size_t n = std::min(room, batch.size());
  recorded_ += n;
  unrecorded_ += static_cast<std::int64_t>(batch.size() - n);
  return {batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(n)};
}

void Triage::deliver(const TableContext& table, const std::vector<Divergence>& batch) {
  for (const Divergence& d : batch) tally_.add(d);
  if (recorded_ + batch.size() <= max_recorded_) {  // the usual case: no copy
    recorded_ += batch.size();
    for (ResultSink* s : sinks_) s->divergences(table, batch);
    return;
  }
  const std::vector<Divergence> kept = recordable(batch);
  if (!kept.empty())
    for (ResultSink* s : sinks_) s->divergences(table, kept);
}

void Triage::replay(const TableContext& table, const std::vector<Divergence>& batch) {
  for (const Divergence& d : batch) tally_.add(d);
  const std::vector<Divergence> kept = recordable(batch);
  if (!kept.empty())
    for (ResultSink* s : sinks_) s->recorded_divergences(table, kept);
}

void Triage::finish(const TableContext& table) {
  std::vector<Divergence> batch;
  batch.reserve(held_.size());
  for (auto& h : held_) batch.push_back(std::move(h.divergence));
  held_.clear();
  if (!batch.empty()) deliver(table, batch);
  for (const RangeRecord& r : waiting_ranges_)
    for (ResultSink* s : sinks_) s->range_done(table, r);
  waiting_ranges_.clear();
}

}  // namespace recon

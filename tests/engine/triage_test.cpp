#include <gtest/gtest.h>

#include "recon/engine/triage.hpp"

using namespace recon;

namespace {

Divergence finding(Category c, Status s, const std::string& category, int severity, Action a) {
  Divergence d;
  d.category = c;
  d.finding.status = s;
  d.finding.category = category;
  d.finding.severity = severity;
  d.finding.action = a;
  return d;
}

/// Records what reaches a sink.
struct Recorder : ResultSink {
  std::vector<Divergence> seen, replayed;
  std::vector<std::int64_t> ranges_done;
  int begun = 0;
  void begin_table(const TableContext&) override { ++begun; }
  void divergences(const TableContext&, const std::vector<Divergence>& b) override { seen.insert(seen.end(), b.begin(), b.end()); }
  void end_table(const TableContext&, TableResult&) override {}
  void range_done(const TableContext&, const RangeRecord& r) override { ranges_done.push_back(r.index); }
  void recorded_divergences(const TableContext&, const std::vector<Divergence>& b) override {
    replayed.insert(replayed.end(), b.begin(), b.end());
  }
};

std::vector<Divergence> missing(std::size_t n) {
  std::vector<Divergence> batch(n);
  for (auto& d : batch) d.category = Category::MissingInTarget;
  return batch;
}

double fixed_clock() { return 100.0; }

TEST(FindingTally, ContractCountsAfterRules) {
  FindingTally t;
  t.add(finding(Category::Changed, Status::Tolerated, "precision_drift", 4, Action::Tolerate));
  t.add(finding(Category::Changed, Status::Open, "status_change", 1, Action::Escalate));
  t.add(finding(Category::MissingInTarget, Status::Open, "missing_in_target", 2, Action::Fix));
  t.add(finding(Category::Changed, Status::Converged, "changed", 2, Action::Fix));
  t.add(finding(Category::Changed, Status::InFlight, "changed", 2, Action::Fix));
  t.add(finding(Category::MissingInSource, Status::Suspended, "missing_in_source", 2, Action::Fix));
  RangeCounts raw;
  raw.rows_source = 100;
  raw.rows_target = 100;
  raw.rows_compared = 101;
  raw.matched = 95;
  TableResult r;
  r.slo = 0.5;
  t.apply(raw, r);
  EXPECT_EQ(r.matched, 97);  // + tolerated + converged
  EXPECT_EQ(r.changed, 1);
  EXPECT_EQ(r.missing_in_target, 1);
  EXPECT_EQ(r.missing_in_source, 0);
  EXPECT_EQ(r.rows_compared, r.matched + r.missing_in_target + r.missing_in_source + r.changed + r.in_flight + r.suspended);
  EXPECT_EQ(r.escalated, 1);
  EXPECT_DOUBLE_EQ(r.consistency_index(), 97.0 / 99.0);  // in flight and suspended leave the denominator
  EXPECT_TRUE(r.failing());                               // above the SLO, but escalated
  ASSERT_EQ(r.categories.size(), 3u);                     // open and tolerated only
  EXPECT_EQ(r.categories["precision_drift"].action, Action::Tolerate);
  EXPECT_EQ(r.categories["status_change"].severity, 1);
}

TEST(Triage, WithoutRulesEveryDivergenceIsFixedAndDeliveredAtOnce) {
  Recorder sink;
  Triage triage({&sink}, /*hold=*/false, 10, 1000, fixed_clock);
  TableContext ctx;
  Divergence d;
  d.category = Category::Changed;
  d.columns = {0, 2};
  triage.begin_table(ctx);
  triage.divergences(ctx, {d});
  ASSERT_EQ(sink.seen.size(), 1u);
  EXPECT_EQ(sink.begun, 1);
  EXPECT_EQ(sink.seen[0].finding.category, "changed");
  EXPECT_EQ(sink.seen[0].finding.action, Action::Fix);
  EXPECT_EQ(sink.seen[0].finding.fix_columns, (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(triage.tally().changed, 1);
}

TEST(Triage, HoldsUpToTheLimitThenDeliversAsFound) {
  Recorder sink;
  Triage triage({&sink}, /*hold=*/true, 2, 1000, fixed_clock);
  TableContext ctx;
  std::vector<Divergence> batch(3);
  for (auto& d : batch) d.category = Category::MissingInTarget;
  triage.divergences(ctx, batch);
  EXPECT_EQ(triage.held().size(), 2u);
  EXPECT_EQ(triage.held()[0].first_seen_epoch, 100.0);
  EXPECT_EQ(sink.seen.size(), 1u);
  EXPECT_EQ(triage.overflow(), 1u);
}

TEST(Triage, MaxRecordedKeepsTheFirstDetailsAndCountsEveryDivergence) {
  Recorder sink;
  Triage triage({&sink}, /*hold=*/false, 10, /*max_recorded=*/3, fixed_clock);
  TableContext ctx;
  triage.divergences(ctx, missing(2));
  triage.divergences(ctx, missing(2));
  triage.replay(ctx, missing(2));
  EXPECT_EQ(sink.seen.size(), 3u) << "the first three reach the audit and the fix-up";
  EXPECT_TRUE(sink.replayed.empty()) << "nothing left under the limit for recorded ones";
  EXPECT_EQ(triage.unrecorded(), 3);
  EXPECT_EQ(triage.tally().missing_in_target, 6) << "counts stay exact";
}

TEST(Triage, ARangeIsDoneOnlyOnceItsHeldDivergencesAreDelivered) {
  Recorder sink;
  Triage triage({&sink}, /*hold=*/true, 10, 1000, fixed_clock);
  TableContext ctx;
  triage.divergences(ctx, missing(2));
  triage.range_done(ctx, RangeRecord{7, std::nullopt, std::nullopt, {}});
  EXPECT_TRUE(sink.ranges_done.empty()) << "its divergences are held for a recheck";
  triage.finish(ctx);
  EXPECT_EQ(sink.seen.size(), 2u);
  EXPECT_EQ(sink.ranges_done, (std::vector<std::int64_t>{7}));
  triage.range_done(ctx, RangeRecord{8, std::nullopt, std::nullopt, {}});
  EXPECT_EQ(sink.ranges_done, (std::vector<std::int64_t>{7, 8})) << "nothing held: at once";
}

TEST(Triage, ReplayedDivergencesAreTalliedAndReachSinksAsRecorded) {
  Recorder sink;
  Triage triage({&sink}, /*hold=*/true, 10, 1000, fixed_clock);
  TableContext ctx;
  triage.replay(ctx, missing(2));
  EXPECT_TRUE(sink.seen.empty());
  EXPECT_EQ(sink.replayed.size(), 2u);
  EXPECT_EQ(triage.tally().missing_in_target, 2);
  EXPECT_TRUE(triage.held().empty()) << "recorded divergences are final as recorded";
}

}  // namespace

// summary.json read back (src/report/summary_read.cpp): what recheck refreshes and report renders.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "recon/core/errors.hpp"
#include "recon/report/metrics.hpp"
#include "recon/report/summary.hpp"
#include "report_test_support.hpp"

namespace recon {
namespace {

using namespace testing_support;

/// A run with every optional part filled: sampled and incremental tables, keys of several
/// classes, notes, errors.
RunResult rich_run() {
  RunResult run = fake_run();
  run.seed = 42;
  run.sample_rate = 0.01;
  run.mode = "sample";
  run.resumed = true;
  run.rechecks = {RecheckRecord{"20261123T110000Z-aaaa", "2026-11-23T11:00:05Z", 3, 2, 1}};
  run.audit_chain = AuditChainAnchor{4711, std::string(64, 'a')};
  run.sample = IndexInterval{0.9995, 0.999, 0.9999, 0.95, "stratified", 0, 0, 0, 0};
  TableResult& t = run.tables[0];
  t.sample = IndexInterval{0.9997, 0.9991, 0.99995, 0.95, "ratio", 1234.5, 30, 3000, 9000};
  t.clusters = ClusterPlanInfo{3000, "integer_interpolation", 64.5};
  auto& c = t.categories["precision_drift"];
  c.count = 2;
  c.severity = 4;
  c.action = Action::Tolerate;
  std::string composite;
  canon::put_text(composite, "SP");
  canon::put_integer(composite, -7);
  c.first_keys = {key(7), composite};
  t.categories["changed"].count = 1;
  t.columns = {"nome", "saldo"};
  t.columns_changed = {{"saldo", 2}, {"nome", 1}};
  t.notes = {"a note", "ação"};
  t.ranges_total = 12;
  t.ranges_done = 11;
  t.ranges_failed = 1;
  t.ranges_resumed = 4;
  t.divergences_unrecorded = 3;
  t.fixup_sha256 = std::string(64, 'a');
  t.seconds = 1.25;
  TableResult& u = run.tables[1];
  IncrementalParts p;
  p.watermark = "2026-11-23T09:00:00Z";
  p.since = "2026-11-23T08:55:00Z";
  p.changed_rows_source = 10;
  p.carried_keys = 2;
  p.keyset = true;
  p.keyset_method = "digest";
  p.keyset_buckets = 100;
  p.keyset_buckets_differing = 3;
  p.scrub_slice = 2;
  p.scrub_cycle = 7;
  p.scrub_rows_target = 99;
  u.incremental = p;
  u.escalated = 1;
  u.partial = true;
  u.error = "lost the connection";
  return run;
}

TEST(SummaryRead, RendersBackToTheSameText) {
  for (const RunResult& run : {fake_run(), rich_run()}) {
    const std::string text = render_summary_json(run);
    const RunResult back = read_summary_json(text, "summary.json");
    EXPECT_EQ(render_summary_json(back), text);
    EXPECT_EQ(back.started_epoch, run.started_epoch);
    EXPECT_EQ(back.finished_epoch, run.finished_epoch);
    EXPECT_EQ(render_metrics(back), render_metrics(run)) << "metrics of a read-back run are the run's";
  }
}

TEST(SummaryRead, CategoriesAsTheAuditKeepsThem) {
  const auto c = read_categories_json(R"({"changed":{"count":3,"severity":"P1","action":"escalate"},"x":{"count":1}})");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c.at("changed").count, 3);
  EXPECT_EQ(c.at("changed").severity, 1);
  EXPECT_EQ(c.at("changed").action, Action::Escalate);
  EXPECT_EQ(c.at("x").action, Action::Fix);
  EXPECT_TRUE(read_categories_json("").empty());
  EXPECT_TRUE(read_categories_json("[1, 2]").empty());
  EXPECT_TRUE(read_categories_json("{not json").empty());
}

TEST(SummaryRead, BadTextNamesTheFile) {
  try {
    read_summary_json("{not json", "/r/x/summary.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("/r/x/summary.json"));
  }
  EXPECT_THROW(read_summary_json("{\"a\": 1}", "s.json"), InputError);
}

}  // namespace
}  // namespace recon

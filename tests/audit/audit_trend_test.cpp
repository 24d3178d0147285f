// AuditDb::table_trends: a table's index over its newest runs up to one run, as report.html charts it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "audit_test_support.hpp"

namespace recon {
namespace {

using namespace audit_test;

/// A finished run of clientes (and produtos when `with_produtos`) with `matched` of 1000 rows
/// matched; `partial`: the clientes table was not wholly compared.
void record(const fs::path& file, const std::string& id, const std::string& started_at, std::int64_t matched,
            bool partial = false, bool with_produtos = false) {
  FakeTable clientes, produtos("produtos");
  AuditDb audit;
  audit.open(file);
  audit.begin_run(run_info(id, started_at));
  RunResult run;
  run.run_id = id;
  run.finished_at = started_at;
  TableResult c;
  c.name = "clientes";
  c.rows_compared = 1000;
  c.matched = matched;
  c.changed = 1000 - matched;
  c.partial = partial;
  if (partial) c.error = "target: connection lost";
  audit.begin_table(clientes.ctx);
  audit.end_table(clientes.ctx, c);
  run.tables.push_back(c);
  if (with_produtos) {
    TableResult p;
    p.name = "produtos";
    audit.begin_table(produtos.ctx);
    audit.end_table(produtos.ctx, p);
    run.tables.push_back(p);
  }
  run.status = partial ? "error" : matched == 1000 ? "consistent" : "divergent";
  audit.finish_run(run);
}

std::vector<std::string> ids(const TableTrend& t) {
  std::vector<std::string> out;
  for (const TrendPoint& p : t.points) out.push_back(p.run_id);
  return out;
}

TEST(AuditTrend, OldestFirstUpToTheRunWithPartialTablesAsGaps) {
  TempDir dir("trend");
  const fs::path file = dir.path / "a.db";
  record(file, "r1", "2026-11-20T02:00:00Z", 999, false, true);
  record(file, "r2", "2026-11-21T02:00:00Z", 500, /*partial=*/true);
  record(file, "r3", "2026-11-22T02:00:00Z", 1000, false, true);
  record(file, "r4", "2026-11-23T02:00:00Z", 998);
  AuditDb audit;
  audit.open(file);
  const std::vector<TableTrend> trends = audit.table_trends("r3", {"clientes", "produtos", "nope"});
  ASSERT_EQ(trends.size(), 3u);
  EXPECT_EQ(trends[0].table, "clientes");
  EXPECT_EQ(ids(trends[0]), (std::vector<std::string>{"r1", "r2", "r3"})) << "r4 started after r3";
  const TrendPoint& first = trends[0].points[0];
  EXPECT_EQ(first.started_at, "2026-11-20T02:00:00Z");
  EXPECT_EQ(first.mode, "full");
  EXPECT_EQ(first.status, "divergent");
  ASSERT_TRUE(first.index);
  EXPECT_DOUBLE_EQ(*first.index, 0.999);
  EXPECT_FALSE(first.partial);
  EXPECT_TRUE(trends[0].points[1].partial);
  EXPECT_FALSE(trends[0].points[1].index) << "a partial table has no index";
  EXPECT_EQ(trends[0].points[1].status, "error");
  EXPECT_DOUBLE_EQ(*trends[0].points[2].index, 1.0);
  EXPECT_EQ(ids(trends[1]), (std::vector<std::string>{"r1", "r3"})) << "only the runs that compared produtos";
  EXPECT_TRUE(trends[2].points.empty());
  EXPECT_TRUE(audit.table_trends("unknown", {"clientes"})[0].points.empty());
}

TEST(AuditTrend, KeepsTheNewestRunsAndLeavesOutOtherRunningRuns) {
  TempDir dir("trend-last");
  const fs::path file = dir.path / "a.db";
  for (int i = 1; i <= 9; ++i)
    record(file, "r" + std::to_string(i), "2026-11-2" + std::to_string(i - 1) + "T02:00:00Z", 990 + i);
  // Two runs in the same second: insertion order decides, as for "latest".
  record(file, "same-b", "2026-11-29T02:00:00Z", 1000);
  record(file, "same-a", "2026-11-29T02:00:00Z", 1000);
  AuditDb running;
  running.open(file);
  running.begin_run(run_info("running", "2026-11-29T01:00:00Z"));
  AuditDb::beat(file, "running");  // a fresh heartbeat: still running when the reader opens the file
  FakeTable clientes;
  TableResult c;
  c.name = "clientes";
  running.begin_table(clientes.ctx);
  running.end_table(clientes.ctx, c);

  AuditDb audit;
  audit.open(file);
  EXPECT_EQ(ids(audit.table_trends("same-a", {"clientes"}, 3)[0]),
            (std::vector<std::string>{"r9", "same-b", "same-a"}));
  EXPECT_EQ(ids(audit.table_trends("same-b", {"clientes"}, 3)[0]), (std::vector<std::string>{"r8", "r9", "same-b"}));
  EXPECT_EQ(audit.table_trends("same-a", {"clientes"})[0].points.size(), 11u) << "30 by default; 11 recorded";
  // A running run's own trend includes it.
  EXPECT_EQ(ids(audit.table_trends("running", {"clientes"}, 2)[0]), (std::vector<std::string>{"r9", "running"}));
}

}  // namespace
}  // namespace recon

// The built-in rules of an [[aggregates]] entry: group categories, tolerance, no fix-up action.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "recon/config/job.hpp"
#include "recon/core/canonical.hpp"
#include "recon/engine/prepare.hpp"

using namespace recon;

namespace {

const char* kJob = R"([source]
kind = "postgres"
url  = "postgresql://recon@127.0.0.1:5432/ops"

[target]
kind = "postgres"
url  = "postgresql://recon@127.0.0.1:5432/dw"

[[aggregates]]
name = "energy"
source_query = "SELECT unit_id, sum(kwh) AS kwh, count(*) AS readings FROM energy GROUP BY 1"
target_query = "SELECT unit_id, kwh, readings FROM fact"
group_by = "unit_id"
measures = { kwh = "sum", readings = "count" }
tolerance = { kwh = { abs = 0.01, rel = 0.001 } }
)";

/// A group's measures: kwh (decimal), readings (integer).
std::string values(const std::string& kwh, std::int64_t readings) {
  std::string out;
  canon::put_decimal(out, kwh);
  canon::put_integer(out, readings);
  return out;
}

Divergence changed(const std::string& kwh, std::int64_t readings, std::vector<std::uint32_t> columns) {
  Divergence d;
  d.category = Category::Changed;
  d.columns = std::move(columns);
  d.source_values = values("100.00", 24);
  d.target_values = values(kwh, readings);
  return d;
}

class AggregateRules : public ::testing::Test {
 protected:
  void SetUp() override {
    opts_ = parse_job_text(kJob, "job.toml", "");
    rules_ = std::make_unique<JobRules>(opts_);
    table_ = std::make_unique<rules::TableRules>(
        rules_->per_aggregate.at("energy"), rules_->check, std::vector<std::string>{"energy"},
        std::vector<rules::RuleColumn>{{"kwh", TypeClass::Decimal}, {"readings", TypeClass::Integer}});
  }
  Finding evaluate(Divergence d) const {
    table_->evaluate(d);
    return d.finding;
  }
  RunOptions opts_;
  std::unique_ptr<JobRules> rules_;
  std::unique_ptr<rules::TableRules> table_;
};

TEST_F(AggregateRules, MissingGroupsAreReportedNotFixed) {
  for (Category c : {Category::MissingInTarget, Category::MissingInSource}) {
    Divergence d;
    d.category = c;
    (c == Category::MissingInTarget ? d.source_values : d.target_values) = values("1", 1);
    const Finding f = evaluate(d);
    EXPECT_EQ(f.category, std::string("group_") + category_name(c));
    EXPECT_EQ(f.severity, 2);
    EXPECT_EQ(f.action, Action::Report);
    EXPECT_EQ(f.status, Status::Open);
  }
}

TEST_F(AggregateRules, MeasureWithinToleranceIsToleratedBeyondItDiffers) {
  const Finding within = evaluate(changed("100.01", 24, {0}));
  EXPECT_EQ(within.category, "group_within_tolerance");
  EXPECT_EQ(within.severity, 4);
  EXPECT_EQ(within.status, Status::Tolerated);
  const Finding relative = evaluate(changed("100.09", 24, {0}));  // 0.09 ≤ 0.001 × 100.09
  EXPECT_EQ(relative.category, "group_within_tolerance");
  const Finding beyond = evaluate(changed("100.2", 24, {0}));
  EXPECT_EQ(beyond.category, "group_measure_differs");
  EXPECT_EQ(beyond.severity, 2);
  EXPECT_EQ(beyond.action, Action::Report);
  EXPECT_TRUE(beyond.fix_columns.empty());
}

TEST_F(AggregateRules, CountDifferenceIsItsOwnCategory) {
  EXPECT_EQ(evaluate(changed("100.00", 25, {1})).category, "group_count_differs");
  // kwh within tolerance, the count off: the count decides.
  EXPECT_EQ(evaluate(changed("100.005", 23, {0, 1})).category, "group_count_differs");
  // Both beyond: the first measure decides (same severity).
  EXPECT_EQ(evaluate(changed("90", 23, {0, 1})).category, "group_measure_differs");
}

}  // namespace

TEST_F(AggregateRules, TheDefaultRuleFileListsTheBuiltInsAsTheyAre) {
  std::map<std::string, std::string> listed, built;
  std::ifstream in(std::string(RECON_SOURCE_DIR) + "/rules/default.toml");
  const std::string marker = "#   aggregate-category: ";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(marker, 0) != 0) continue;
    std::istringstream fields(line.substr(marker.size()));
    std::string category, severity, action;
    fields >> category >> severity >> action;
    listed[category] = severity + " " + action;
  }
  for (const rules::Rule& r : rules_->per_aggregate.at("energy").rules)
    built[r.outcome.category] = "P" + std::to_string(r.outcome.severity) + " " + action_name(r.outcome.action);
  EXPECT_EQ(listed.size(), 5u);
  EXPECT_EQ(listed, built);
}

// The arithmetic of SQL Server planning (tds_plan.hpp) and the statements it builds
// (tds_query.hpp): no server.
#include <gtest/gtest.h>

#include <algorithm>

#include "../../src/connector/sqlserver/tds_plan.hpp"
#include "../../src/connector/sqlserver/tds_query.hpp"
#include "recon/core/canonical.hpp"

namespace recon::tds {
namespace {

std::string int_key(std::int64_t v) {
  std::string s;
  canon::put_integer(s, v);
  return s;
}
std::int64_t as_int(const std::string& k) {
  std::size_t pos = 0;
  return canon::read_value(k, pos).as_int64();
}

HistogramStep step(std::optional<std::string> key, std::int64_t range_rows, std::int64_t equal_rows) {
  return HistogramStep{std::move(key), range_rows, equal_rows};
}

TEST(SqlServerPlanMath, HistogramBoundsAreTheKeysAndTheNullStepIsSkipped) {
  const std::vector<HistogramStep> steps = {step(std::nullopt, 0, 5), step(int_key(10), 0, 1),
                                            step(int_key(20), 9, 1), step(int_key(30), 9, 1)};
  EXPECT_EQ(histogram_keys(steps, 3), (std::vector<std::string>{int_key(10), int_key(20), int_key(30)}));
  EXPECT_TRUE(histogram_keys({step(std::nullopt, 0, 5)}, 10).empty()) << "only NULLs: nothing to plan from";
}

TEST(SqlServerPlanMath, IntegerStepsAreSplitInProportionToTheirRows) {
  // 1..1000 in two steps of very different sizes: 100 rows up to 100, 900 rows up to 1000.
  const std::vector<HistogramStep> steps = {step(int_key(1), 0, 1), step(int_key(100), 98, 1),
                                            step(int_key(1000), 899, 1)};
  const std::vector<std::string> keys = histogram_keys(steps, 100);
  std::vector<std::int64_t> v;
  for (const auto& k : keys) v.push_back(as_int(k));
  EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
  EXPECT_EQ(std::adjacent_find(v.begin(), v.end()), v.end());
  EXPECT_NEAR(static_cast<double>(v.size()), 100.0, 5.0);
  const auto below_100 = std::count_if(v.begin(), v.end(), [](std::int64_t x) { return x < 100; });
  EXPECT_NEAR(static_cast<double>(below_100), 10.0, 2.0) << "a tenth of the rows, a tenth of the bounds";
  for (std::int64_t x : {1, 100, 1000}) EXPECT_NE(std::find(v.begin(), v.end(), x), v.end()) << x;
}

TEST(SqlServerPlanMath, NarrowStepsGiveNoMoreBoundsThanIntegersAndTextIsNotInterpolated) {
  const std::vector<HistogramStep> ints = {step(int_key(1), 0, 1), step(int_key(4), 5000, 1)};
  EXPECT_EQ(histogram_keys(ints, 100).size(), 4u) << "1, 2, 3, 4: no integer left between";
  std::string a, b;
  canon::put_text(a, "a");
  canon::put_text(b, "z");
  EXPECT_EQ(histogram_keys({step(a, 0, 1), step(b, 5000, 1)}, 100).size(), 2u);
  std::string d1, d2;
  canon::put_date(d1, 0);
  canon::put_date(d2, 100);
  EXPECT_NEAR(static_cast<double>(histogram_keys({step(d1, 0, 1), step(d2, 98, 1)}, 50).size()), 50.0, 2.0)
      << "dates are days: split too";
}

TEST(SqlServerPlanMath, ManyStepsForFewKeysAreThinned) {
  std::vector<HistogramStep> steps;
  for (int i = 1; i <= 200; ++i) steps.push_back(step(int_key(i), 0, 1));
  const auto keys = histogram_keys(steps, 20);
  EXPECT_EQ(keys.size(), 20u);
  EXPECT_EQ(keys.front(), int_key(1));
}

TEST(SqlServerPlanMath, SamplesReadAtLeastAnEighthOfTheWantedPagesAndThinTheRest) {
  // 1 M rows on 10 000 pages, 8192 keys wanted: 1024 pages (10.24 %), about 102 400 rows, one in 6.
  SamplePlan p = sample_plan(1'000'000, 10'000, 8192);
  EXPECT_NEAR(p.percent, 10.24, 1e-9);
  EXPECT_EQ(p.keep_one_in, 6u);
  p = sample_plan(1'000'000, 0, 8192);  // pages unknown: the rows alone
  EXPECT_NEAR(p.percent, 0.8192, 1e-9);
  EXPECT_EQ(p.keep_one_in, 1u);
  p = sample_plan(100, 1, 8192);
  EXPECT_EQ(p.percent, 100.0);
  EXPECT_EQ(scan_stride(16384, 8192), 1u);
  EXPECT_EQ(scan_stride(100000, 8192), 12u);
  EXPECT_EQ(percent_literal(0.8192), "0.819200");
}

TEST(SqlServerPlanMath, PlanningStatements) {
  RangeQuery q;
  q.table = TableRef{"", "Cotas"};
  SelectColumn a, b;
  a.native.name = "grupo";
  a.native.type_class = TypeClass::Integer;
  a.native.type_name = "int";
  b.native.name = "cota";
  b.native.type_class = TypeClass::Text;
  b.native.type_name = "nvarchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS";
  q.keys = {a, b};
  EXPECT_EQ(sample_select(q, "2.500000"),
            "SELECT [grupo], [cota] FROM [dbo].[Cotas] TABLESAMPLE SYSTEM (2.500000 PERCENT) REPEATABLE (1)");
  q.where = "ativo = 1";
  EXPECT_EQ(sample_select(q, "1.000000"),
            "SELECT [grupo], [cota] FROM [dbo].[Cotas] TABLESAMPLE SYSTEM (1.000000 PERCENT) REPEATABLE (1) WHERE (ativo = 1)");
  EXPECT_EQ(cast_type(b.native), "nvarchar(10)");
  EXPECT_EQ(catalog_sql("SELECT 1 FROM x WHERE o = OBJECT_ID({object}) AND c = {column}", q.table,
                        {{"{column}", nstring("co'ta")}}),
            "SELECT 1 FROM x WHERE o = OBJECT_ID(N'[dbo].[Cotas]') AND c = N'co''ta'");
}

TEST(SqlServerPlanMath, TheRangeOpenBelowAlsoTakesNullKeys) {
  RangeQuery q;
  q.table = TableRef{"dbo", "U"};
  SelectColumn k;
  k.native.name = "k";
  k.native.type_class = TypeClass::Integer;
  k.native.type_name = "int";
  q.keys = {k};
  q.upper = int_key(50);
  EXPECT_EQ(range_where(q), " WHERE ([k] < 50 OR [k] IS NULL)");
  q.lower = int_key(10);
  EXPECT_EQ(range_where(q), " WHERE [k] >= 10 AND [k] < 50") << "NULLs belong to the first range only";
  q.lower.reset();
  q.keys[0].native.nullable = false;
  EXPECT_EQ(range_where(q), " WHERE [k] < 50") << "a NOT NULL key has none";
}

}  // namespace
}  // namespace recon::tds

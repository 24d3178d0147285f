// The checks from given facts: statuses, what the lines say, and the exit code they add up to.
#include "recon/doctor/evaluate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "recon/core/canonical.hpp"

namespace recon::doctor {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t kSecond = 1'000'000;

TEST(DoctorClock, SkipWithoutAClockOkWithinLagWarnBeyondIt) {
  std::optional<double> skew;
  ServerFacts none;
  EXPECT_EQ(clock_check(Side::Source, none, 0, 0, std::nullopt, skew).status, Status::Skip);
  EXPECT_FALSE(skew);

  ServerFacts f;
  const std::int64_t host = 1'700'000'000LL * kSecond;
  f.utc_now_micros = host + 3 * kSecond + 1'000;  // read between host and host + 2 ms: midpoint host + 1 ms
  const LagWindow lag{5 * kSecond, "orders"};
  Check ok = clock_check(Side::Target, f, host, host + 2'000, lag, skew);
  EXPECT_EQ(ok.status, Status::Ok);
  ASSERT_TRUE(skew);
  EXPECT_DOUBLE_EQ(*skew, 3000.0);
  EXPECT_THAT(ok.summary, HasSubstr("+3000.0 ms"));

  const LagWindow tight{2 * kSecond, "orders"};
  Check warn = clock_check(Side::Target, f, host, host + 2'000, tight, skew);
  EXPECT_EQ(warn.status, Status::Warn);
  EXPECT_THAT(warn.summary, HasSubstr("orders"));
  EXPECT_THAT(warn.fix, HasSubstr("NTP"));

  // Half the round trip is taken off: a 3 s skew seen over a 2.2 s round trip is within a 2 s lag.
  f.utc_now_micros = host + 1'100'000 + 3 * kSecond;
  EXPECT_EQ(clock_check(Side::Target, f, host, host + 2'200'000, tight, skew).status, Status::Ok);
  // A server behind recon's host counts the same.
  f.utc_now_micros = host - 3 * kSecond;
  EXPECT_EQ(clock_check(Side::Target, f, host, host, tight, skew).status, Status::Warn);
  EXPECT_DOUBLE_EQ(*skew, -3000.0);
}

TEST(DoctorClock, SmallestLagNamesItsTable) {
  std::vector<TableJob> t(3);
  t[0].name = "a";
  t[1].name = "b";
  t[1].lag_us = 30 * kSecond;
  t[2].name = "c";
  t[2].lag_us = 5 * kSecond;
  const auto lag = smallest_lag(t);
  ASSERT_TRUE(lag);
  EXPECT_EQ(lag->table, "c");
  EXPECT_EQ(lag->lag_us, 5 * kSecond);
  EXPECT_FALSE(smallest_lag({}));
}

TEST(DoctorLogin, AllPowerfulRoleOrAWriteRightIsAWarning) {
  LoginFacts f;
  EXPECT_EQ(login_role(Side::Source, f, {{"orders", {}}}).status, Status::Ok);
  Check w = login_role(Side::Source, f, {{"orders", {"INSERT", "DELETE"}}});
  EXPECT_EQ(w.status, Status::Warn);
  EXPECT_THAT(w.summary, HasSubstr("orders (INSERT, DELETE)"));
  f.all_powerful_role = "superuser";
  EXPECT_THAT(login_role(Side::Source, f, {}).summary, HasSubstr("superuser"));
  EXPECT_EQ(login_catalog(Side::Source, f).status, Status::Ok);
  f.catalog_missing = {"VIEW DATABASE STATE: planning falls back to TABLESAMPLE"};
  EXPECT_EQ(login_catalog(Side::Source, f).status, Status::Warn);
}

TEST(DoctorTable, StatisticsAbsentOrStaleWarnUnknownSkips) {
  const TableRef ref{"public", "orders"};
  TableFacts f;
  EXPECT_EQ(table_statistics(Side::Source, "orders", ref, f, Dialect::Postgres).status, Status::Skip);
  f.statistics_present = false;
  EXPECT_EQ(table_statistics(Side::Source, "orders", ref, f, Dialect::Postgres).status, Status::Warn);
  f.statistics_present = true;
  f.statistics_age_seconds = kStaleStatisticsSeconds + 1;
  EXPECT_EQ(table_statistics(Side::Source, "orders", ref, f, Dialect::Postgres).status, Status::Warn);
  f.statistics_age_seconds = 3600;
  const Check ok = table_statistics(Side::Source, "orders", ref, f, Dialect::Postgres);
  EXPECT_EQ(ok.status, Status::Ok);
  EXPECT_THAT(ok.summary, HasSubstr("1h"));
}

TEST(DoctorTable, StatisticsFixIsTheSidesOwnStatement) {
  const TableRef ref{"sales", "orders"};
  TableFacts f;
  f.statistics_present = false;
  EXPECT_EQ(table_statistics(Side::Source, "orders", ref, f, Dialect::Postgres).fix,
            "refresh them: ANALYZE \"sales\".\"orders\"");
  EXPECT_EQ(refresh_statistics_sql(Dialect::SqlServer, ref), "UPDATE STATISTICS [sales].[orders]");
  EXPECT_EQ(refresh_statistics_sql(Dialect::Mysql, ref), "ANALYZE TABLE `sales`.`orders`");
  EXPECT_EQ(refresh_statistics_sql(Dialect::Sqlite, TableRef{"", "orders"}), "ANALYZE \"orders\"");
}

TEST(DoctorTable, EstimatesMoreThanTenTimesApartWarn) {
  TableFacts s, t;
  EXPECT_EQ(table_estimate("o", s, t).status, Status::Skip);
  s.estimated_rows = 1000;
  t.estimated_rows = 100;
  EXPECT_EQ(table_estimate("o", s, t).status, Status::Ok);
  t.estimated_rows = 99;
  EXPECT_EQ(table_estimate("o", s, t).status, Status::Warn);
  t.estimated_rows = 0;  // an empty side against 5 rows is within 10×
  s.estimated_rows = 5;
  EXPECT_EQ(table_estimate("o", s, t).status, Status::Ok);
}

TEST(DoctorTable, CaseInsensitiveKeyWarnsAndCollisionsAreMasked) {
  TableFacts f;
  EXPECT_EQ(table_collation(Side::Target, "c", f).status, Status::Skip);
  f.key_columns = {{"cpf", "NOCASE", true, "BINARY"}};
  EXPECT_EQ(table_collation(Side::Target, "c", f).status, Status::Warn);
  const privacy::TablePrivacy plain;
  EXPECT_EQ(table_collisions(Side::Target, "c", f, plain).status, Status::Skip);  // CI key, not counted
  f.case_colliding_keys = 0;
  EXPECT_EQ(table_collisions(Side::Target, "c", f, plain).status, Status::Ok);
  f.case_colliding_keys = 2;
  f.collisions_scanned = 10;
  std::string k;
  canon::put_text(k, "12345678901");
  f.colliding_examples = {k};
  const Check shown = table_collisions(Side::Target, "c", f, plain);
  EXPECT_EQ(shown.status, Status::Warn);
  EXPECT_THAT(shown.summary, HasSubstr("12345678901"));
  const privacy::TablePrivacy masked({privacy::MaskKind::Redact}, {}, std::make_shared<privacy::TokenKey>("s3cret"));
  const Check hidden = table_collisions(Side::Target, "c", f, masked);
  EXPECT_THAT(hidden.summary, ::testing::Not(HasSubstr("12345678901")));
  EXPECT_THAT(hidden.detail.dump(), ::testing::Not(HasSubstr("12345678901")));
}

TEST(DoctorTable, RangeReadWithoutAnIndexNamesTheOneToCreate) {
  TableFacts f;
  const TableRef ref{"sales", "orders"};
  EXPECT_EQ(table_range_read(Side::Source, "orders", ref, f, Dialect::Postgres, {"id"}).status, Status::Skip);
  f.range_read.uses_key_index = false;
  const Check w = table_range_read(Side::Source, "orders", ref, f, Dialect::Postgres, {"id", "line"});
  EXPECT_EQ(w.status, Status::Warn);
  EXPECT_THAT(w.fix, HasSubstr(R"(CREATE INDEX "orders_id_line_idx" ON "sales"."orders" ("id", "line"))"));
  EXPECT_EQ(create_index_sql(Dialect::SqlServer, ref, {"id"}), "CREATE INDEX [orders_id_idx] ON [sales].[orders] ([id])");
  EXPECT_EQ(create_index_sql(Dialect::Sqlite, TableRef{"", "t"}, {"k"}), R"(CREATE INDEX "t_k_idx" ON "t" ("k"))");
  f.range_read.create_index = "CREATE INDEX x ON t (k COLLATE BINARY)";
  EXPECT_THAT(table_range_read(Side::Source, "t", ref, f, Dialect::Sqlite, {"k"}).fix, HasSubstr("COLLATE BINARY"));
  f.range_read.uses_key_index = true;
  f.range_read.index = "orders_pkey";
  EXPECT_THAT(table_range_read(Side::Source, "orders", ref, f, Dialect::Postgres, {"id"}).summary, HasSubstr("orders_pkey"));
}

TEST(DoctorTable, KeyErrorsAreTableKeyOthersTableColumns) {
  EXPECT_TRUE(is_key_error("table t (job line 3): key (id) is not the primary key or a unique index of target table t"));
  EXPECT_TRUE(is_key_error("table t (job line 3): no key given and target table t has no primary key"));
  EXPECT_TRUE(is_key_error("table t (job line 3): key column 'x' is not in target table t (columns: a)"));
  EXPECT_FALSE(is_key_error("table t (job line 3): column 'g' has type geometry on the source side"));
  TableJob job;
  job.name = "t";
  EXPECT_EQ(table_key(job, {}, true, true, {"id"}).status, Status::Ok);
  job.trust_key = true;
  EXPECT_EQ(table_key(job, {}, true, false, {"id"}).status, Status::Warn);
  EXPECT_EQ(table_key(job, {"table t: key (id) is not unique"}, false, false, {"id"}).status, Status::Fail);
  const auto cols = table_columns("t", {{"id", "id", "integer", true}, {"nome", "name", "text", false}}, {});
  ASSERT_EQ(cols.size(), 1u);
  EXPECT_EQ(cols[0].summary, "id integer (key), nome text (source name)");
  EXPECT_EQ(table_columns("t", {}, {"a", "b"}).size(), 2u);
}

Report with(std::vector<std::pair<const char*, Status>> checks) {
  Report r;
  for (auto& [id, s] : checks) {
    Check c;
    c.id = id;
    c.status = s;
    r.checks.push_back(c);
  }
  return r;
}

TEST(DoctorExitCode, ConnectBeatsRefusedTableBeatsWarnings) {
  EXPECT_EQ(with({{"connect", Status::Ok}, {"clock", Status::Skip}}).exit_code(), 0);
  EXPECT_EQ(with({{"connect", Status::Ok}, {"table.range_read", Status::Warn}}).exit_code(), 1);
  EXPECT_EQ(with({{"self_test", Status::Fail}}).exit_code(), 1);
  EXPECT_EQ(with({{"table.select", Status::Fail}}).exit_code(), 1);
  EXPECT_EQ(with({{"table.columns", Status::Fail}, {"table.write", Status::Warn}}).exit_code(), 2);
  EXPECT_EQ(with({{"table.key", Status::Fail}}).exit_code(), 2);
  EXPECT_EQ(with({{"connect", Status::Fail}, {"table.key", Status::Fail}}).exit_code(), 3);
  const Report r = with({{"connect", Status::Ok}, {"table.write", Status::Warn}, {"clock", Status::Skip}});
  EXPECT_EQ(r.counts().warn, 1);
  EXPECT_EQ(r.counts().skip, 1);
  EXPECT_TRUE(r.wants_least_privilege());
  EXPECT_FALSE(with({{"table.range_read", Status::Warn}}).wants_least_privilege());
}

}  // namespace
}  // namespace recon::doctor

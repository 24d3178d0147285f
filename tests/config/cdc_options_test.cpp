// The job file's CDC keys: updated_at, updated_at_zone, lag, recheck, and [check.recheck].
#include <gtest/gtest.h>

#include "recon/config/job.hpp"
#include "recon/core/errors.hpp"

using namespace recon;

namespace {

const std::string kHead =
    "[source]\nkind = \"postgres\"\nurl = \"postgresql://u@h/src\"\n[target]\nkind = \"postgres\"\nurl = \"postgresql://u@h/tgt\"\n";

RunOptions parse(const std::string& check, const std::string& table) {
  return parse_job_text(kHead + check + "[[tables]]\nsource = \"dbo.T\"\ntarget = \"public.t\"\n" + table, "job.toml", "");
}

std::string message_of(const std::string& check, const std::string& table) {
  try {
    parse(check, table);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(CdcOptions, OneNameForBothSidesFollowsTheColumnMap) {
  const RunOptions o = parse("", "updated_at = \"atualizado_em\"\nlag = \"5m\"\n[tables.column_map]\nDataAtualizacao = \"atualizado_em\"\n");
  const TableJob& t = o.tables.at(0);
  EXPECT_EQ(t.updated_at_target, "atualizado_em");
  EXPECT_EQ(t.updated_at_source, "DataAtualizacao");
  EXPECT_EQ(t.lag_us, 300'000'000);
  EXPECT_TRUE(recheck_enabled(o, t));  // a lag window turns rechecks on
}

TEST(CdcOptions, PerSideNamesZoneAndRecheckSection) {
  const RunOptions o = parse("[check.recheck]\nattempts = 5\ndelay = \"250ms\"\nbackoff = 1.5\nmax_keys = 7\n",
                             "updated_at = { target = \"updated_at\" }\nupdated_at_zone = \"-03:00\"\nlag = \"30s\"\n");
  const TableJob& t = o.tables.at(0);
  EXPECT_EQ(t.updated_at_source, "");
  EXPECT_EQ(t.updated_at_target, "updated_at");
  EXPECT_EQ(t.updated_at_offset_min, -180);
  EXPECT_EQ(o.recheck.attempts, 5);
  EXPECT_EQ(o.recheck.delay_us, 250'000);
  EXPECT_DOUBLE_EQ(o.recheck.backoff, 1.5);
  EXPECT_EQ(o.recheck.max_keys, 7u);
}

TEST(CdcOptions, RechecksAreOptInWithoutALagWindow) {
  EXPECT_FALSE(recheck_enabled(parse("", ""), parse("", "").tables[0]));
  const RunOptions all = parse("[check.recheck]\nall_tables = true\n", "");
  EXPECT_TRUE(recheck_enabled(all, all.tables[0]));
  const RunOptions one = parse("", "recheck = true\n");
  EXPECT_TRUE(recheck_enabled(one, one.tables[0]));
  const RunOptions none = parse("[check.recheck]\nattempts = 0\n", "updated_at = \"u\"\nlag = \"5m\"\n");
  EXPECT_FALSE(recheck_enabled(none, none.tables[0]));  // the in-flight look still happens (lag)
}

TEST(CdcOptions, MistakesNameTheLineAndTheFix) {
  EXPECT_NE(message_of("", "lag = \"5m\"\n").find("needs updated_at"), std::string::npos);
  EXPECT_NE(message_of("", "updated_at = \"u\"\n").find("add lag"), std::string::npos);
  EXPECT_NE(message_of("", "updated_at = \"u\"\nlag = \"5 minutes\"\n").find("is not a duration"), std::string::npos);
  EXPECT_NE(message_of("", "updated_at = \"u\"\nlag = \"5m\"\nupdated_at_zone = \"Brasilia\"\n").find("-03:00"), std::string::npos);
  EXPECT_NE(message_of("", "updated_at = {}\nlag = \"5m\"\n").find("at least one side"), std::string::npos);
  const std::string typo = message_of("[check.recheck]\natempts = 3\n", "");
  EXPECT_NE(typo.find("job.toml:"), std::string::npos) << typo;
  EXPECT_NE(typo.find("attempts"), std::string::npos) << typo;
  EXPECT_NE(message_of("[check.recheck]\nbackoff = 0.5\n", "").find("between 1"), std::string::npos);
}

}  // namespace

#include <gtest/gtest.h>

#include <cstdlib>

#include <fmt/format.h>

#include "recon/config/job.hpp"
#include "recon/core/errors.hpp"

using namespace recon;

namespace {
const char* kJob = R"([source]
kind = "postgres"
url  = "postgresql://recon@127.0.0.1:5432/src"

[target]
kind = "sqlite"
url  = "data/target.db"

[check]
threads = 3
chunk_rows = 1000
slo = 0.999

[[tables]]
source = "dbo.Simulacoes"
target = "public.simulacoes"
key = ["id_simulacao"]
ignore_columns = ["atualizado_em"]
[tables.column_map]
ID_Simulacao = "id_simulacao"
)";

std::string message_of(const std::string& text) {
  try {
    parse_job_text(text, "job.toml", "/jobs");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(JobFile, ParsesTheContractExample) {
  RunOptions o = parse_job_text(kJob, "job.toml", "/jobs");
  EXPECT_EQ(o.source.kind, EngineKind::Postgres);
  EXPECT_EQ(o.target.url, "/jobs/data/target.db");  // relative paths resolve against the job's folder
  EXPECT_EQ(o.threads, 3);
  EXPECT_EQ(o.chunk_rows, 1000);
  EXPECT_DOUBLE_EQ(o.slo, 0.999);
  ASSERT_EQ(o.tables.size(), 1u);
  const TableJob& t = o.tables[0];
  EXPECT_EQ(t.name, "simulacoes");
  EXPECT_EQ(t.source.schema, "dbo");
  EXPECT_EQ(t.source.name, "Simulacoes");
  EXPECT_EQ(t.column_map.at("ID_Simulacao"), "id_simulacao");
  EXPECT_EQ(o.audit_db, std::filesystem::path("/jobs/recon-audit.db"));
  EXPECT_EQ(o.job_hash.size(), 16u);
}

TEST(JobFile, MalformedTomlNamesFileAndLine) {
  const std::string m = message_of("[source]\nkind = \"postgres\nurl = 1\n");
  EXPECT_NE(m.find("job.toml:2"), std::string::npos) << m;
  EXPECT_NE(m.find("malformed TOML"), std::string::npos) << m;
}

TEST(JobFile, UnknownKeySuggestsTheClosestOne) {
  std::string text = kJob;
  text.replace(text.find("chunk_rows = 1000"), 17, "chunk_row = 1000");
  const std::string m = message_of(text);
  EXPECT_NE(m.find("job.toml:11"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'chunk_rows'"), std::string::npos) << m;
  EXPECT_NE(message_of(std::string(kJob) + "[extra]\n").find("unknown top-level key 'extra'"), std::string::npos);
}

TEST(JobFile, OnlyKindsThisBuildReadsAreAccepted) {
  for (const char* kind : {"oracle"}) {  // "csv" has a message of its own (dms_csv_options_test)
    std::string text = kJob;
    text.replace(text.find("kind = \"sqlite\""), 15, fmt::format("kind = \"{}\"", kind));
    const std::string m = message_of(text);
    EXPECT_NE(m.find("job.toml:6: [target]: kind '" + std::string(kind) + "' is not an engine this build reads"),
              std::string::npos) << m;
    EXPECT_NE(m.find("use one of postgres, sqlite, sqlserver"), std::string::npos) << m;
  }
  for (const auto& k : kEngineKinds) {
    EXPECT_EQ(parse_engine_kind(k.name), k.kind);
    EXPECT_STREQ(engine_kind_name(k.kind), k.name);
  }
}

TEST(JobFile, AnUrlWithARawAtInItsPasswordIsRefusedWithoutPrintingIt) {
  std::string text = kJob;
  text.replace(text.find("postgresql://recon@127.0.0.1"), 28, "postgresql://recon:p@ss@127.0.0.1");
  const std::string m = message_of(text);
  EXPECT_NE(m.find("job.toml:3: [source]: url has more than one '@'"), std::string::npos) << m;
  EXPECT_NE(m.find("%40"), std::string::npos) << m;
  EXPECT_EQ(m.find("p@ss"), std::string::npos) << m;
  text = kJob;
  text.replace(text.find("postgresql://recon@127.0.0.1"), 28, "postgresql://recon:p%40ss@127.0.0.1");
  EXPECT_EQ(message_of(text), "") << "percent-encoded, it is fine";
}

TEST(JobFile, BadValuesAreRejectedWithTheirKey) {
  std::string text = kJob;
  text.replace(text.find("slo = 0.999"), 11, "slo = 7");
  EXPECT_NE(message_of(text).find("slo"), std::string::npos);
  text = kJob;
  text.replace(text.find("kind = \"sqlite\""), 15, "kind = \"sqlit\"");
  EXPECT_NE(message_of(text).find("did you mean 'sqlite'"), std::string::npos);
  EXPECT_NE(message_of("[source]\nkind=\"postgres\"\nurl=\"x\"\n[target]\nkind=\"postgres\"\nurl=\"y\"\n").find("no [[tables]]"),
            std::string::npos);
}

TEST(JobFile, PasswordEnvMustBeSetAndIsNeverInTheUrl) {
  std::string text = kJob;
  text.replace(text.find("url  = \"postgresql"), 0, "password_env = \"RECON_TEST_UNSET_PW\"\n");
  unsetenv("RECON_TEST_UNSET_PW");
  EXPECT_NE(message_of(text).find("RECON_TEST_UNSET_PW is not set"), std::string::npos);
  setenv("RECON_TEST_UNSET_PW", "s3cret", 1);
  RunOptions o = parse_job_text(text, "job.toml", "/jobs");
  EXPECT_EQ(o.source.password, "s3cret");
  EXPECT_EQ(o.source.url.find("s3cret"), std::string::npos);
}

TEST(Overrides, EnvironmentThenFlags) {
  RunOptions o = parse_job_text(kJob, "job.toml", "/jobs");
  setenv("RECON_THREADS", "7", 1);
  CheckFlags f;
  f.chunk_rows = 10;
  apply_overrides(o, f);
  EXPECT_EQ(o.threads, 7);
  EXPECT_EQ(o.chunk_rows, 10);
  f.threads = 2;
  apply_overrides(o, f);
  EXPECT_EQ(o.threads, 2);  // a flag beats the environment
  unsetenv("RECON_THREADS");
  f.sample_rate = 0.25;
  apply_overrides(o, f);
  EXPECT_EQ(o.mode, Mode::Sample);
}

TEST(Overrides, TablesFilterNamesUnknownTables) {
  RunOptions o = parse_job_text(kJob, "job.toml", "/jobs");
  CheckFlags f;
  f.tables = "nope";
  try {
    apply_overrides(o, f);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("known: simulacoes"), std::string::npos);
  }
  f.tables = "public.simulacoes";
  apply_overrides(o, f);
  EXPECT_EQ(o.tables.size(), 1u);
}

TEST(TableRefParse, QuotedPartsMayHoldDots) {
  TableRef r = TableRef::parse("\"odd.schema\".\"ta\"\"ble\"");
  EXPECT_EQ(r.schema, "odd.schema");
  EXPECT_EQ(r.name, "ta\"ble");
  EXPECT_EQ(TableRef::parse("clientes").schema, "");
}

TEST(JobFile, IncrementalAndSampleSettings) {
  std::string text = kJob;
  text.replace(text.find("slo = 0.999"), 11,
               "slo = 0.999\nmode = \"incremental\"\nsample_cluster_rows = 16\n[check.incremental]\nkeyset = false\n"
               "scrub_cycle = 3");
  const RunOptions o = parse_job_text(text, "job.toml", "/jobs");
  EXPECT_EQ(o.mode, Mode::Incremental);
  EXPECT_STREQ(mode_name(o.mode), "incremental");
  EXPECT_EQ(o.sample_cluster_rows, 16);
  EXPECT_FALSE(o.incremental.keyset);
  EXPECT_EQ(o.incremental.scrub_cycle, 3);
  const RunOptions d = parse_job_text(kJob, "job.toml", "/jobs");
  EXPECT_TRUE(d.incremental.keyset);
  EXPECT_EQ(d.incremental.scrub_cycle, 7);
  EXPECT_NE(message_of(std::string(kJob).replace(std::string(kJob).find("slo = 0.999"), 11,
                                                 "slo = 0.999\n[check.incremental]\nscrub_cycle = -1"))
                .find("scrub_cycle"),
            std::string::npos);
  EXPECT_NE(message_of(std::string(kJob).replace(std::string(kJob).find("slo = 0.999"), 11,
                                                 "slo = 0.999\n[check.incremental]\nkeysets = true"))
                .find("keyset"),
            std::string::npos);
}

TEST(Overrides, IncrementalFlags) {
  RunOptions o = parse_job_text(kJob, "job.toml", "/jobs");
  CheckFlags f;
  f.mode = "incremental";
  f.scrub_cycle = 0;
  f.no_keyset = true;
  apply_overrides(o, f);
  EXPECT_EQ(o.mode, Mode::Incremental);
  EXPECT_EQ(o.incremental.scrub_cycle, 0);
  EXPECT_FALSE(o.incremental.keyset);
  f.mode = "weekly";
  EXPECT_THROW(apply_overrides(o, f), InputError);
}

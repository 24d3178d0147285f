// Text keys of a MySQL table under a case- and accent-insensitive collation (utf8mb4_general_ci,
// like MySQL 8's utf8mb4_0900_ai_ci): the collation orders 'a' < 'B' < 'c', bytes order
// 'B' < 'a' < 'c', and PostgreSQL's side is read in byte order. Ranges bounded and ordered by the
// collation would put rows in the wrong range and report them missing; recon's are byte-wise.
#include <gtest/gtest.h>

#include "mariadb_server.hpp"

namespace e2e {
namespace {

/// 60 keys: alternating-case letters, every tenth (from 3) an accented 'é' instead.
std::vector<std::string> keys() {
  std::vector<std::string> out;
  const std::string letters = "aBcDeFgH";
  for (int i = 0; i < 60; ++i)
    out.push_back((i % 10 == 3 ? std::string("\xC3\xA9") : std::string(1, letters[i % 8])) + std::to_string(i));
  return out;
}

TEST(MysqlKeys, CaseAndAccentInsensitiveTextKeysInSmallRangesMatchExactly) {
  if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  if (!have_mariadb()) GTEST_SKIP() << "mariadb-server is not installed";
  MariaDbServer server;
  MyDb my(server);
  PgDatabase pg("recon_e2e_mysql_keys");
  my.exec("CREATE DATABASE k CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci; "
          "CREATE TABLE k.t (code varchar(20) PRIMARY KEY, n int)");
  pg.exec("CREATE TABLE t (code text PRIMARY KEY, n int)");
  int n = 0;
  for (const auto& k : keys()) {
    const std::string row = "('" + k + "', " + std::to_string(++n) + ")";
    my.exec("INSERT INTO k.t VALUES " + row);
    pg.exec("INSERT INTO t VALUES " + row);
  }
  ASSERT_EQ(my.count("SELECT COUNT(*) FROM k.t"), 60);
  TempDir dir("my-keys");
  const std::string job = server.side_toml("source", "k") + "\n[target]\nkind = \"postgres\"\nurl = " +
                          toml_str(pg.conninfo()) +
                          "\n\n[check]\nthreads = 2\n\n[[tables]]\nname = \"t\"\nsource = \"k.t\"\n"
                          "target = \"public.t\"\nkey = [\"code\"]\nchunk_rows = 7\n";
  write_file(dir / "job.toml", job);
  auto run = [&](const std::string& out) {
    return run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / out).string(), "--audit",
                      (dir / "audit.db").string(), "--no-progress"},
                     my_env(), 120);
  };
  const ProcResult equal = run("out1");
  ASSERT_EQ(equal.exit_code, 0) << equal.describe();
  const json s1 = read_json(dir / "out1" / "summary.json");
  const json& e = table_entry(s1, "t");
  EXPECT_EQ(e.at("matched").get<int>(), 60) << e.dump();

  // Keys that the collation takes for MySQL's own: 'A8' (MySQL has 'a8') and 'e13' (MySQL has
  // 'é13') are other keys, byte for byte.
  pg.exec("INSERT INTO t VALUES ('A8', 8); UPDATE t SET code = 'e13' WHERE code = '\xC3\xA9" "13'");
  const std::int64_t only_pg = pg.count("SELECT count(*) FROM t WHERE code IN ('A8', 'e13')");
  ASSERT_EQ(only_pg, 2);
  const ProcResult apart = run("out2");
  ASSERT_EQ(apart.exit_code, 1) << apart.describe();
  const json s2 = read_json(dir / "out2" / "summary.json");
  const json& d = table_entry(s2, "t");
  EXPECT_EQ(d.at("missing_in_source").get<int>(), only_pg) << d.dump();
  EXPECT_EQ(d.at("missing_in_target").get<int>(), 1) << d.dump();
  EXPECT_EQ(d.at("changed").get<int>(), 0) << d.dump();
  EXPECT_EQ(d.at("matched").get<int>(), 59) << d.dump();
}

}  // namespace
}  // namespace e2e

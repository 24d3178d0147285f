// Keys whose order differs between the engines: uniqueidentifier (SQL Server orders GUIDs by byte
// groups 10-15, 8-9, 6-7, 4-5, 0-3; PostgreSQL's uuid bytewise) and nvarchar under a
// case-insensitive collation, cut into many small ranges. Both sides hold the same keys, so any
// range that selects different keys on the two engines shows up as false missing rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "tds_fixture.hpp"

namespace e2e {
namespace {

std::uint64_t splitmix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::string guid_text(const unsigned char b[16]) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return buf;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// 300 GUIDs: pseudo-random ones plus, for every byte position, a GUID whose only non-zero byte
/// sits there (the two engines order these sixteen completely differently).
std::vector<std::string> guid_keys() {
  std::vector<std::string> out;
  for (int pos = 0; pos < 16; ++pos) {
    unsigned char b[16] = {};
    b[pos] = 0x80;
    out.push_back(guid_text(b));
  }
  std::uint64_t seed = 42;
  while (out.size() < 300) {
    unsigned char b[16];
    const std::uint64_t a = splitmix(seed), c = splitmix(seed);
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(a >> (8 * i)), b[8 + i] = static_cast<unsigned char>(c >> (8 * i));
    out.push_back(guid_text(b));
  }
  return out;
}

/// Mixed-case text keys, all distinct even case-insensitively, with accents and other scripts
/// (BMP only, no trailing spaces: docs/sqlserver.md's known limits).
std::vector<std::string> text_keys() {
  std::vector<std::string> out = {"a", "B", "c", "Z", "_u", "ção", "Ção2", "éclair", "Éclair2", "Ωmega", "日本",
                                  "[x", "~tilde", "0", "9", "Zebra", "zebra2", "ß", "Straße", "ÿ", "Ÿ2", "a b", "a-b"};
  const char* forms[] = {"key%03d", "KEY%03d", "Key%03d", "kEy%03d-ção"};
  for (int i = 0; out.size() < 240; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, forms[i % 4], i);
    out.push_back(buf);
  }
  return out;
}

class SqlServerKeys : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
    if (tds_server_binary().empty()) GTEST_SKIP() << "tds_test_server was not built";
  }
  /// Fixture tables dbo.<name>(k <ss_type> PRIMARY KEY, v int) under `collation`, the same keys
  /// in public.<name>(k <pg_type> PRIMARY KEY, v int); ss/pg give each key's spelling per side.
  /// `ss_primary_key` false: no constraint on the SQL Server side (a key the job trusts).
  void make_table(SqliteDb& fixture, PgDatabase& db, const std::string& name, const std::string& ss_type,
                  const std::string& pg_type, const std::string& collation, const std::vector<std::string>& ss_keys,
                  const std::vector<std::string>& pg_keys, bool ss_primary_key = true) {
    fixture.exec("CREATE TABLE IF NOT EXISTS _tds_columns (table_name TEXT, column_name TEXT, collation TEXT)");
    if (!collation.empty())
      fixture.exec("INSERT INTO _tds_columns VALUES ('dbo." + name + "', 'k', " + sql_str(collation) + ")");
    fixture.exec("CREATE TABLE \"dbo." + name + "\" (k \"" + ss_type + "\"" + (ss_primary_key ? " PRIMARY KEY" : "") +
                 ", v int)");
    std::string pg = "CREATE TABLE " + name + " (k " + pg_type + " PRIMARY KEY, v int);";
    for (std::size_t i = 0; i < ss_keys.size(); ++i) {
      fixture.exec("INSERT INTO \"dbo." + name + "\" VALUES (" + sql_str(ss_keys[i]) + ", " + std::to_string(i) + ")");
      pg += "INSERT INTO " + name + " VALUES (" + sql_str(pg_keys[i]) + ", " + std::to_string(i) + ");";
    }
    db.exec(pg);
  }
  static std::string table(const std::string& name, int chunk_rows) {
    return "[[tables]]\nsource = \"dbo." + name + "\"\ntarget = \"public." + name + "\"\nkey = [\"k\"]\nchunk_rows = " +
           std::to_string(chunk_rows) + "\n\n";
  }
  static void expect_all_matched(const json& summary, const std::string& name, std::size_t keys) {
    const json& t = table_entry(summary, name);
    SCOPED_TRACE(t.dump());
    EXPECT_EQ(t.at("rows_source").get<std::size_t>(), keys);
    EXPECT_EQ(t.at("rows_target").get<std::size_t>(), keys);
    EXPECT_EQ(t.at("rows_compared").get<std::size_t>(), keys);
    EXPECT_EQ(t.at("matched").get<std::size_t>(), keys);
    EXPECT_GT(t.at("ranges_total").get<int>(), 5) << "chunk_rows should cut the table into many ranges";
  }

  TempDir dir_{"tds-keys"};
};

TEST_F(SqlServerKeys, GuidAndCaseInsensitiveTextKeysInSmallRangesMatchExactly) {
  PgDatabase db("recon_e2e_tds_keys");
  const auto guids = guid_keys();
  std::vector<std::string> guids_pg;
  for (const auto& g : guids) guids_pg.push_back(lower(g));  // PostgreSQL spells them lowercase
  const auto texts = text_keys();
  std::size_t vkeys = 0;
  {
    SqliteDb fixture(dir_ / "fixture.db");
    fixture.exec("BEGIN");
    make_table(fixture, db, "gkeys", "uniqueidentifier text", "uuid", "", guids, guids_pg);
    make_table(fixture, db, "skeys", "nvarchar(40)", "text", "SQL_Latin1_General_CP1_CI_AS", texts, texts);
    // varchar holds code page 1252: keep to characters it has, and off its 0x80-0x9F block,
    // whose code-page order differs from Unicode order (docs/sqlserver.md, known limits).
    std::vector<std::string> latin;
    for (const auto& k : texts)
      if (k != "Ωmega" && k != "日本" && k != "Ÿ2") latin.push_back(k);
    make_table(fixture, db, "vkeys", "varchar(40)", "varchar(40)", "Latin1_General_CI_AI", latin, latin);
    vkeys = latin.size();
    fixture.exec("COMMIT");
  }
  TdsServer server(dir_ / "fixture.db");
  write_file(dir_ / "job.toml",
             tds_job(server.port(), db, table("gkeys", 7) + table("skeys", 9) + table("vkeys", 11)));
  const ProcResult r = run_check(dir_);
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  const json summary = read_json(dir_ / "out" / "summary.json");
  expect_all_matched(summary, "gkeys", guids.size());
  expect_all_matched(summary, "skeys", texts.size());
  expect_all_matched(summary, "vkeys", vkeys);
  for (const char* name : {"gkeys", "skeys", "vkeys"})
    EXPECT_FALSE(table_entry(summary, name).contains("notes")) << table_entry(summary, name).dump();
}

TEST_F(SqlServerKeys, KeysCollidingOnlyUnderTheCaseInsensitiveCollationAreNoted) {
  // 'abc' and 'ABC' are one key to SQL Server's CI collation and two to PostgreSQL (and recon).
  // A PRIMARY KEY or UNIQUE constraint under that collation would refuse the pair, so the SQL
  // Server table has none and the job trusts the key.
  PgDatabase db("recon_e2e_tds_ckeys");
  const std::vector<std::string> keys = {"abc", "ABC", "abd", "x1", "Ção", "ção"};
  {
    SqliteDb fixture(dir_ / "fixture.db");
    make_table(fixture, db, "ckeys", "nvarchar(20)", "text", "SQL_Latin1_General_CP1_CI_AS", keys, keys,
               /*ss_primary_key=*/false);
  }
  TdsServer server(dir_ / "fixture.db");
  write_file(dir_ / "job.toml", tds_job(server.port(), db, table("ckeys", 2) + "trust_key = true\n"));
  const ProcResult r = run_check(dir_);
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  const json summary = read_json(dir_ / "out" / "summary.json");
  const json& t = table_entry(summary, "ckeys");
  EXPECT_EQ(t.at("matched").get<std::size_t>(), keys.size()) << t.dump();
  ASSERT_TRUE(t.contains("notes")) << t.dump();
  bool noted = false;
  for (const auto& n : t.at("notes")) noted = noted || lower(n.get<std::string>()).find("case") != std::string::npos;
  EXPECT_TRUE(noted) << "expected a note about case-colliding keys: " << t.dump();
  EXPECT_NE(r.err.find("ckeys"), std::string::npos) << "the note goes to stderr too:\n" << r.err;
}

}  // namespace
}  // namespace e2e

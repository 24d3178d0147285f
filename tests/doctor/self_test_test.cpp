// The self-test tables: markdown cells, the sections of docs/canonical-values.md as built into the
// binary, and reading them through a real SQLite connector (a refused literal is its own failure).
#include "recon/doctor/self_test.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "recon/connector/sqlite.hpp"
#include "recon/core/canonical.hpp"

namespace recon::doctor {
namespace {

using ::testing::HasSubstr;

TEST(SelfTestCells, EscapedPipesAndCodeSpans) {
  EXPECT_EQ(table_cells("| TEXT | `'a' \\|\\| 'b'` | `text \"ab\"` |"),
            (std::vector<std::string>{"TEXT", "'a' || 'b'", "text \"ab\""}));
  EXPECT_EQ(table_cells("|a|``x`y``|  c  |"), (std::vector<std::string>{"a", "x`y", "c"}));
  EXPECT_EQ(table_cells("| `` `x` `` | b | c |")[0], "`x`");
  EXPECT_EQ(table_cells("| a | b |"), (std::vector<std::string>{"a", "b"}));
}

TEST(SelfTestParse, SectionsEndAtTheNextHeadingAndSkipHeaderRows) {
  const std::string doc =
      "# Title\n| not | a | test |\n|---|---|---|\n| x | y | z |\n"
      "### Self-test: one\n\nprose\n\n| type | literal | canonical |\n|---|---|---|\n"
      "| INTEGER | `1` | `integer 1` |\n| TEXT | `'a\\|b'` | `text \"a\\|b\"` |\n\nmore prose\n| x | y | z |\n"
      "### Self-test: two\n| type | literal | canonical |\n|---|---|---|\n| REAL | `0.5` | `float 0.5` |\n"
      "## Other\n| type | literal | canonical |\n|---|---|---|\n| a | b | c |\n";
  const auto t = parse_self_tests(doc);
  ASSERT_EQ(t.size(), 2u);
  ASSERT_EQ(t.at("one").size(), 2u);
  EXPECT_EQ(t.at("one")[0].type, "INTEGER");
  EXPECT_EQ(t.at("one")[0].literal, "1");
  EXPECT_EQ(t.at("one")[0].canonical, "integer 1");
  EXPECT_EQ(t.at("one")[0].line, 11);
  EXPECT_EQ(t.at("one")[1].literal, "'a|b'");
  ASSERT_EQ(t.at("two").size(), 1u);
  EXPECT_EQ(t.at("two")[0].canonical, "float 0.5");
}

TEST(SelfTestParse, ARowWithoutThreeCellsNamesItsLine) {
  try {
    parse_self_tests("### Self-test: x\n| type | literal | canonical |\n|---|---|---|\n| a | b |\n");
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("line 4"));
    EXPECT_THAT(e.what(), HasSubstr("\\|"));
  }
}

TEST(SelfTestParse, TheBuiltInDocIsTheSourceTreesDoc) {
  std::ifstream in(std::string(RECON_SOURCE_DIR) + "/docs/canonical-values.md", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(canonical_values_doc(), ss.str());
  const auto t = parse_self_tests(canonical_values_doc());
  ASSERT_TRUE(t.count("sqlite"));
  EXPECT_GE(t.at("sqlite").size(), 40u);
}

TEST(SelfTestCanonicalText, ClassThenDisplayNullAlone) {
  std::string e;
  canon::put_null(e);
  EXPECT_EQ(canonical_text(e), "null");
  e.clear();
  canon::put_text(e, "a b");
  EXPECT_EQ(canonical_text(e), "text \"a b\"");
  e.clear();
  canon::put_bytes(e, std::string("\x00\xff", 2));
  EXPECT_EQ(canonical_text(e), "bytes \\x00ff");
  e.clear();
  canon::put_decimal(e, "12.50");
  EXPECT_EQ(canonical_text(e), "decimal 12.5");
}

/// An empty SQLite file the connector can open.
struct EmptyDb {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("recon_doctor_selftest_" + std::to_string(::getpid()) + ".db");
  EmptyDb() {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "CREATE TABLE t (a)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  ~EmptyDb() { std::filesystem::remove(path); }
  std::unique_ptr<Connector> open() const {
    Endpoint ep;
    ep.kind = EngineKind::Sqlite;
    ep.url = path.string();
    return make_sqlite_connector(ep, Side::Source);
  }
};

TEST(SelfTestRun, TheDocsSqliteTablePassesOnSqlite) {
  EmptyDb db;
  auto c = db.open();
  const auto t = parse_self_tests(canonical_values_doc());
  const SelfTestResult r = run_self_test(*c, c->self_test_name(), &t.at("sqlite"));
  EXPECT_TRUE(r.error.empty());
  for (const SelfTestCase& k : r.cases) EXPECT_TRUE(k.ok) << k.type << " " << k.literal << ": expected " << k.expected << ", got " << k.got;
  EXPECT_EQ(r.passed(), t.at("sqlite").size());
}

TEST(SelfTestRun, ARefusedLiteralIsItsOwnFailureTheOthersStillRead) {
  EmptyDb db;
  auto c = db.open();
  const std::vector<SelfTestRow> rows{{"INTEGER", "1", "integer 1", 1},
                                      {"INTEGER", "no_such_function(2)", "integer 2", 2},
                                      {"TEXT", "'x'", "text \"y\"", 3}};
  const SelfTestResult r = run_self_test(*c, "sqlite", &rows);
  ASSERT_EQ(r.cases.size(), 3u);
  EXPECT_TRUE(r.cases[0].ok);
  EXPECT_FALSE(r.cases[1].ok);
  EXPECT_THAT(r.cases[1].got, HasSubstr("refused: "));
  EXPECT_THAT(r.cases[1].got, HasSubstr("no_such_function"));
  EXPECT_FALSE(r.cases[2].ok);
  EXPECT_EQ(r.cases[2].got, "text \"x\"");
  EXPECT_EQ(r.failed(), 2u);
}

TEST(SelfTestRun, AMissingSectionIsAnErrorNotAPass) {
  EmptyDb db;
  auto c = db.open();
  const SelfTestResult r = run_self_test(*c, "nosuch", nullptr);
  EXPECT_THAT(r.error, HasSubstr("Self-test: nosuch"));
  EXPECT_TRUE(r.cases.empty());
}

}  // namespace
}  // namespace recon::doctor

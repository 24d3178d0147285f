// The report for a person (width, wrapping, what is shown when) and as JSON (docs/doctor.md's shape).
#include "recon/doctor/render.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace recon::doctor {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Report sample() {
  Report r;
  r.job = "nightly.toml";
  r.at = "2026-12-04T10:00:00Z";
  SideReport s;
  s.endpoint = "sqlite /data/a.db";
  s.connected = true;
  s.server.product = "SQLite";
  s.server.version = "3.40.1";
  s.server.protocol = "in process";
  r.sides[Side::Source] = s;
  SideReport t;
  t.endpoint = "postgres postgresql://u@h/db";
  r.sides[Side::Target] = t;
  Check a;
  a.id = "connect";
  a.side = Side::Target;
  a.status = Status::Fail;
  a.summary = "target: could not connect to server: Connection refused. Is the server running on host h and "
              "accepting TCP/IP connections on port 5432?";
  a.fix = "fix the [target] url, login or network as the message says, then run recon doctor again";
  r.checks.push_back(a);
  Check b;
  b.id = "table.range_read";
  b.side = Side::Source;
  b.table = "orders";
  b.status = Status::Warn;
  b.summary = "a range read would sort or scan the whole table";
  b.fix = "create the index on the key: CREATE INDEX \"orders_id_idx\" ON \"orders\" (\"id\")";
  b.detail = {{"create_index", "CREATE INDEX \"orders_id_idx\" ON \"orders\" (\"id\")"}};
  r.checks.push_back(b);
  SelfTestResult st;
  st.name = "sqlite";
  st.cases = {{"INTEGER", "1", "integer 1", "integer 1", true}, {"REAL", "0.1", "float 0.1", "float 0.2", false}};
  r.self_test[Side::Source] = st;
  r.least_privilege_target = {"GRANT SELECT ON orders TO recon_reader;"};
  return r;
}

TEST(DoctorText, QuietChecksOfATableOrASideShareOneRowUnlessAll) {
  Report r = sample();
  for (const char* id : {"table.select", "table.key"}) {
    Check c;
    c.id = id;
    c.table = "orders";
    c.side = std::string(id) == "table.key" ? std::nullopt : std::optional<Side>(Side::Source);
    c.summary = std::string(id) + " is fine";
    r.checks.insert(r.checks.begin() + 1, c);
  }
  Check clock;
  clock.id = "clock";
  clock.side = Side::Source;
  clock.status = Status::Skip;
  clock.summary = "no clock";
  r.checks.insert(r.checks.begin(), clock);
  const std::string folded = render_text(r, 120);
  EXPECT_THAT(folded, HasSubstr("OK: key, select (--all shows each)"));
  EXPECT_THAT(folded, HasSubstr("SKIP: clock (--all shows each)"));
  EXPECT_THAT(folded, Not(HasSubstr("table.select")));
  EXPECT_THAT(folded, HasSubstr("table.range_read"));  // a WARN keeps its own row
  EXPECT_THAT(folded, HasSubstr("connect"));           // so does a FAIL
  const std::string all = render_text(r, 120, true);
  EXPECT_THAT(all, HasSubstr("table.select"));
  EXPECT_THAT(all, HasSubstr("table.key"));
  EXPECT_THAT(all, Not(HasSubstr("--all shows each")));
}

TEST(DoctorWrap, CutsAtSpacesAndCutsLongWords) {
  EXPECT_EQ(wrap("aaa bbb ccc", 7), (std::vector<std::string>{"aaa bbb", "ccc"}));
  EXPECT_EQ(wrap("abcdefghij", 4), (std::vector<std::string>{"abcd", "efgh", "ij"}));
  EXPECT_EQ(wrap("", 4), (std::vector<std::string>{""}));
  EXPECT_EQ(wrap("ação ação", 4), (std::vector<std::string>{"ação", "ação"}));  // characters, not bytes
}

TEST(DoctorText, EveryLineFitsTheWidthAndEverythingIsThere) {
  const Report r = sample();
  for (std::size_t width : {80u, 100u, 140u}) {
    const std::string text = render_text(r, width);
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) EXPECT_LE(line.size(), width) << line;
  }
  const std::string text = render_text(r, 100);
  EXPECT_THAT(text, HasSubstr("STATUS  CHECK"));
  EXPECT_THAT(text, HasSubstr("WHAT TO DO"));
  EXPECT_THAT(text, HasSubstr("orders/source"));
  EXPECT_THAT(text, HasSubstr("source  sqlite /data/a.db: SQLite 3.40.1, in process"));
  EXPECT_THAT(text, HasSubstr("target  postgres postgresql://u@h/db: not connected"));
  EXPECT_THAT(text, HasSubstr("self-test source (sqlite): 1 passed, 1 failed"));
  EXPECT_THAT(text, HasSubstr("FAIL REAL  literal 0.1  expected float 0.1  got float 0.2"));
  EXPECT_THAT(text, HasSubstr("0 OK, 1 WARN, 1 FAIL, 0 SKIP: exit 3"));
  // No login.role / table.write / table.select problem: no statements in the text.
  EXPECT_THAT(text, Not(HasSubstr("GRANT")));
}

TEST(DoctorText, LeastPrivilegeStatementsWhenARightIsNotOk) {
  Report r = sample();
  Check w;
  w.id = "table.write";
  w.side = Side::Target;
  w.table = "orders";
  w.status = Status::Warn;
  r.checks.push_back(w);
  const std::string text = render_text(r, 100);
  EXPECT_THAT(text, HasSubstr("-- target: what recon check needs"));
  EXPECT_THAT(text, HasSubstr("GRANT SELECT ON orders TO recon_reader;"));
}

TEST(DoctorJson, TheShapeOfDocsDoctorMd) {
  const nlohmann::ordered_json j = render_json(sample());
  EXPECT_EQ(j["job"], "nightly.toml");
  EXPECT_EQ(j["exit_code"], 3);
  EXPECT_EQ(j["counts"]["warn"], 1);
  EXPECT_EQ(j["counts"]["fail"], 1);
  EXPECT_EQ(j["sides"]["source"]["product"], "SQLite");
  EXPECT_TRUE(j["sides"]["source"]["tls"].is_null());
  EXPECT_TRUE(j["sides"]["target"]["product"].is_null());
  EXPECT_EQ(j["checks"][0]["check"], "connect");
  EXPECT_EQ(j["checks"][0]["side"], "target");
  EXPECT_TRUE(j["checks"][0]["table"].is_null());
  EXPECT_EQ(j["checks"][1]["table"], "orders");
  EXPECT_EQ(j["checks"][1]["status"], "WARN");
  EXPECT_TRUE(j["checks"][1]["detail"].contains("create_index"));
  EXPECT_EQ(j["least_privilege"]["target"][0], "GRANT SELECT ON orders TO recon_reader;");
  EXPECT_TRUE(j["least_privilege"]["source"].is_array());
  EXPECT_EQ(j["self_test"]["source"]["passed"], 1);
  EXPECT_EQ(j["self_test"]["source"]["cases"][1]["got"], "float 0.2");
  EXPECT_EQ(j["self_test"]["source"]["cases"][1]["ok"], false);
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"job", "at", "exit_code", "counts", "sides", "checks", "least_privilege",
                                            "self_test"}));
}

}  // namespace
}  // namespace recon::doctor

// report.html in a real browser: three checks of a PostgreSQL table with growing divergences, each
// writing report.html; headless Chromium renders the last one (its DOM holds the numbers SQL
// computes on the engine, and the trend's three points) and screenshots it; `recon report` writes
// the same file again from summary.json, and from the audit alone when summary.json is gone.
#include <gtest/gtest.h>

#include <cstdio>

#include "e2e_support.hpp"

namespace e2e {
namespace {

const char* kChromium = "/usr/bin/chromium";

class HtmlReport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg()) return;
    db_ = std::make_unique<PgDatabase>("recon_e2e_html");
    db_->exec("CREATE SCHEMA src; CREATE SCHEMA tgt;"
              "CREATE TABLE src.orders (id int PRIMARY KEY, amount numeric(10,2), status text);"
              "INSERT INTO src.orders SELECT i, i * 1.25, 'open' FROM generate_series(1, 2000) i;"
              "CREATE TABLE tgt.orders (LIKE src.orders INCLUDING ALL); INSERT INTO tgt.orders SELECT * FROM src.orders;");
  }
  static void TearDownTestSuite() { db_.reset(); }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
    if (!fs::exists(kChromium)) GTEST_SKIP() << kChromium << " is absent (scripts/install-deps.sh installs it)";
  }
  static inline std::unique_ptr<PgDatabase> db_;
};

/// Chromium headless on a local file, with a throwaway profile; `what` is e.g. "--dump-dom".
ProcResult chromium(const TempDir& dir, const fs::path& html, const std::vector<std::string>& what) {
  std::vector<std::string> args{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                "--user-data-dir=" + (dir / "chromium-profile").string()};
  args.insert(args.end(), what.begin(), what.end());
  args.push_back("file://" + fs::absolute(html).string());
  return run_process(kChromium, args, {{"HOME", dir.path().string()}}, 120);
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

/// The index as the report shows it: floor(matched / compared, 6 decimals) in percent.
std::string percent(std::int64_t matched, std::int64_t compared) {
  const long long scaled = compared == 0 ? 1'000'000 : matched * 1'000'000 / compared;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%04lld %%", scaled / 10'000, scaled % 10'000);
  return buf;
}

/// A count cell of the report's counts table.
std::string fmt_count(const std::string& name, std::int64_t value) {
  return "data-count=\"" + name + "\">" + std::to_string(value) + "<";
}

/// The trend chart of `table` in a DOM: from its <svg> to </svg>.
std::string chart_of(const std::string& dom, const std::string& table) {
  const std::size_t at = dom.find("<svg class=\"trend-chart\" data-table=\"" + table + "\"");
  if (at == std::string::npos) return "";
  return dom.substr(at, dom.find("</svg>", at) - at);
}

TEST_F(HtmlReport, EveryRunWritesItChromiumRendersTheNumbersAndReconReportWritesItAgain) {
  TempDir dir("html-report");
  write_file(dir / "job.toml",
             pg_job(*db_, "[[tables]]\nsource = \"src.orders\"\ntarget = \"tgt.orders\"\nkey = [\"id\"]\n", "slo = 0.99\n"));
  const std::string audit = (dir / "audit.db").string();
  auto check = [&](const std::string& out) {
    const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / out).string(),
                                    "--audit", audit, "--no-progress", "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();  // below 1 % divergent: above the SLO
    return read_json(dir / out / "summary.json")["run_id"].get<std::string>();
  };
  db_->exec("UPDATE tgt.orders SET amount = amount + 1 WHERE id IN (10, 20); DELETE FROM tgt.orders WHERE id = 5;");
  const std::string run1 = check("run1");
  const Truth truth1 = pg_truth(*db_, "src.orders", "tgt.orders", "id");
  db_->exec("UPDATE tgt.orders SET status = 'closed' WHERE id IN (30, 31, 32);");
  const std::string run2 = check("run2");
  db_->exec("UPDATE tgt.orders SET amount = 0 WHERE id BETWEEN 40 AND 44;"
            "INSERT INTO tgt.orders VALUES (5000, 1, 'ghost');");
  const std::string run3 = check("run3");
  ASSERT_TRUE(fs::exists(dir / "run1" / "report.html"));
  ASSERT_TRUE(fs::exists(dir / "run2" / "report.html"));

  // Truth from the engine.
  const Truth truth = pg_truth(*db_, "src.orders", "tgt.orders", "id");
  const std::int64_t matched = truth.keys_union - truth.missing_in_target - truth.missing_in_source - truth.changed;
  const std::int64_t amount_changed = db_->count(
      "SELECT count(*) FROM src.orders s JOIN tgt.orders t USING (id) WHERE s.amount IS DISTINCT FROM t.amount");
  const std::int64_t first_changed = db_->count(
      "SELECT min(id) FROM src.orders s JOIN tgt.orders t USING (id) WHERE (s.*) IS DISTINCT FROM (t.*)");
  const std::int64_t first_missing = db_->count("SELECT min(id) FROM (SELECT id FROM src.orders EXCEPT SELECT id FROM tgt.orders) x");

  const fs::path report3 = dir / "run3" / "report.html";
  const std::string html = read_file(report3);
  for (const char* outside : {"http://", "https://", "<script", "<link", "@import", "url("})
    EXPECT_EQ(html.find(outside), std::string::npos) << "self-contained: no " << outside;

  const ProcResult dumped = chromium(dir, report3, {"--dump-dom"});
  ASSERT_EQ(dumped.exit_code, 0) << dumped.describe();
  const std::string& dom = dumped.out;
  EXPECT_NE(dom.find("<span id=\"run-id\">" + run3 + "</span>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("<dd id=\"run-status\">consistent</dd>"), std::string::npos);
  EXPECT_NE(dom.find("<dd id=\"run-index\">" + percent(matched, truth.keys_union) + "</dd>"), std::string::npos);
  EXPECT_NE(dom.find("data-table=\"orders\""), std::string::npos);
  const std::pair<const char*, std::int64_t> counts[] = {
      {"rows_source", truth.rows_source}, {"rows_target", truth.rows_target}, {"rows_compared", truth.keys_union},
      {"matched", matched}, {"missing_in_target", truth.missing_in_target},
      {"missing_in_source", truth.missing_in_source}, {"changed", truth.changed}};
  for (const auto& [name, value] : counts)
    EXPECT_NE(dom.find(fmt_count(name, value)), std::string::npos) << name << " = " << value;
  EXPECT_NE(dom.find("<code class=\"key\">[" + std::to_string(first_changed) + "]</code>"), std::string::npos);
  EXPECT_NE(dom.find("<code class=\"key\">[" + std::to_string(first_missing) + "]</code>"), std::string::npos);
  EXPECT_NE(dom.find("data-column=\"amount\"><td>amount</td><td class=\"num\">" + std::to_string(amount_changed) + "</td>"),
            std::string::npos);
  EXPECT_NE(dom.find("recon explain --run " + run3), std::string::npos);
  const std::string chart = chart_of(dom, "orders");
  EXPECT_NE(chart.find("data-points=\"3\""), std::string::npos) << chart;
  EXPECT_EQ(occurrences(chart, "<circle"), 3u) << chart;
  EXPECT_EQ(occurrences(chart, "class=\"point current\""), 1u) << chart;
  EXPECT_NE(chart.find("data-run=\"" + run1 + "\""), std::string::npos);
  EXPECT_LT(chart.find("data-run=\"" + run1 + "\""), chart.find("data-run=\"" + run3 + "\"")) << "oldest first";

  // A screenshot: Chromium painted something.
  const fs::path png = dir / "report.png";
  const ProcResult shot = chromium(dir, report3, {"--screenshot=" + png.string(), "--window-size=1200,1600"});
  ASSERT_EQ(shot.exit_code, 0) << shot.describe();
  ASSERT_TRUE(fs::exists(png)) << shot.describe();
  EXPECT_GT(fs::file_size(png), 20'000u);
  EXPECT_EQ(read_file(png).substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));

  // recon report: the same file, by run id and as "latest".
  const ProcResult again = run_recon({"report", "--run", run2, "--html", (dir / "again.html").string(), "--audit", audit});
  ASSERT_EQ(again.exit_code, 0) << again.describe();
  EXPECT_EQ(read_file(dir / "again.html"), read_file(dir / "run2" / "report.html"));
  const ProcResult latest = run_recon({"report", "latest", "--html", (dir / "latest.html").string(), "--audit", audit});
  ASSERT_EQ(latest.exit_code, 0) << latest.describe();
  EXPECT_EQ(read_file(dir / "latest.html"), html);

  // Without summary.json: what the audit recorded, said on stderr.
  fs::remove(dir / "run1" / "summary.json");
  const ProcResult from_audit = run_recon({"report", run1, "--html", (dir / "r1.html").string(), "--audit", audit});
  ASSERT_EQ(from_audit.exit_code, 0) << from_audit.describe();
  EXPECT_NE(from_audit.err.find("what the audit DB recorded"), std::string::npos) << from_audit.err;
  const std::string r1 = read_file(dir / "r1.html");
  EXPECT_NE(r1.find(fmt_count("changed", truth1.changed)), std::string::npos) << r1;
  EXPECT_NE(r1.find(fmt_count("missing_in_target", truth1.missing_in_target)), std::string::npos) << r1;
  EXPECT_NE(r1.find(fmt_count("rows_compared", truth1.keys_union)), std::string::npos) << r1;
  EXPECT_EQ(occurrences(chart_of(r1, "orders"), "<circle"), 1u) << "run1 is the first point";

  const ProcResult unknown = run_recon({"report", "20200101T000000Z-0000", "--html", (dir / "x.html").string(), "--audit", audit});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.describe();
  EXPECT_FALSE(fs::exists(dir / "x.html"));
}

TEST_F(HtmlReport, ARunThatFailsBeforeComparingWritesOneToo) {
  TempDir dir("html-report-failed");
  write_file(dir / "job.toml",
             pg_job(*db_, "[[tables]]\nsource = \"src.orders\"\ntarget = \"tgt.nowhere\"\nkey = [\"id\"]\n"));
  const ProcResult r = run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / "out").string(),
                                  "--audit", (dir / "audit.db").string(), "--no-progress", "--quiet"});
  ASSERT_EQ(r.exit_code, 2) << r.describe();
  const std::string html = read_file(dir / "out" / "report.html");
  EXPECT_NE(html.find("<dd id=\"run-status\">error</dd>"), std::string::npos) << html;
  EXPECT_NE(html.find("<dd id=\"run-index\">-</dd>"), std::string::npos) << "no index: nothing was compared";
  EXPECT_NE(html.find("id=\"run-error\""), std::string::npos);
  EXPECT_NE(html.find("tgt.nowhere"), std::string::npos);
  const std::string chart = chart_of(html, "nowhere");  // the table's name: its target's
  EXPECT_EQ(occurrences(chart, "class=\"point gap current\""), 1u) << "the failed run, without an index: " << chart;
}

}  // namespace
}  // namespace e2e

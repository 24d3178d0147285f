// The worker pool against two real SQLite files: ranges read several per statement
// (ranges_per_read) give each range exactly the outcome it gets when read alone.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <sqlite3.h>

#include "sqlite_exec.hpp"

#include "recon/engine/prepare.hpp"
#include "recon/engine/table_query.hpp"
#include "recon/engine/workers.hpp"

using namespace recon;
namespace fs = std::filesystem;

namespace {

using engine_test::exec;

std::string int_key(std::int64_t n) {
  std::string k;
  canon::put_integer(k, n);
  return k;
}

/// What the writer hands on, per range index: its counts and its divergences' keys and categories.
struct Seen : ResultSink {
  void begin_table(const TableContext&) override {}
  void end_table(const TableContext&, TableResult&) override {}
  std::map<std::int64_t, std::string> ranges;
  std::map<std::int64_t, std::vector<std::string>> found;
  void divergences(const TableContext&, const std::vector<Divergence>& batch) override {
    for (const Divergence& d : batch)
      found[d.range_index].push_back(canon::key_to_json(d.key) + " " + category_name(d.category));
  }
  void range_done(const TableContext&, const RangeRecord& r) override {
    ranges[r.index] = fmt::format("src {} tgt {} compared {} changed {} missing {}/{}", r.counts.rows_source,
                                  r.counts.rows_target, r.counts.rows_compared, r.counts.changed,
                                  r.counts.missing_in_target, r.counts.missing_in_source);
  }
};

class Workers : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("recon_workers_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string rows;
    for (int i = 1; i <= 400; ++i) rows += (i > 1 ? "," : "") + fmt::format("({}, 'v{}')", i, i);
    for (const fs::path& f : {src(), tgt()})
      exec(f, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES " + rows + ";");
    exec(tgt(), "UPDATE t SET v = 'x' WHERE id % 37 = 0; DELETE FROM t WHERE id % 41 = 0;"
                "INSERT INTO t VALUES (1000, 'only in target'), (-3, 'only in target');");
    const std::string job = "[source]\nkind = \"sqlite\"\nurl = \"" + src().string() +
                            "\"\n[target]\nkind = \"sqlite\"\nurl = \"" + tgt().string() +
                            "\"\n[check]\nthreads = 2\n[[tables]]\nsource = \"t\"\nkey = [\"id\"]\n";
    opts_ = parse_job_text(job, "job.toml", dir_);
    prepared_ = prepare_job(opts_, 2);
    // Every other block of 10 keys, the first open below and the last open above, as a sample's
    // clusters are: disjoint, in key order, with gaps between them.
    ranges_.push_back(RangeRecord{0, std::nullopt, int_key(10), {}});
    for (std::int64_t k = 1; k < 19; ++k) ranges_.push_back(RangeRecord{k * 3, int_key(k * 20), int_key(k * 20 + 10), {}});
    ranges_.push_back(RangeRecord{99, int_key(390), std::nullopt, {}});
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path src() const { return dir_ / "src.db"; }
  fs::path tgt() const { return dir_ / "tgt.db"; }

  Seen run(std::size_t per_read) {
    Seen seen;
    const TableContext& ctx = prepared_.contexts.at(0);
    const TableTotals totals = run_ranges(opts_, *prepared_.pool, ctx, table_query(ctx, Side::Source),
                                          table_query(ctx, Side::Target), ranges_, {&seen}, nullptr, per_read);
    EXPECT_EQ(totals.ranges_done, ranges_.size());
    EXPECT_EQ(totals.ranges_failed, 0u) << totals.first_error;
    return seen;
  }

  fs::path dir_;
  RunOptions opts_;
  PreparedJob prepared_;
  std::vector<RangeRecord> ranges_;
};

TEST_F(Workers, RangesReadTogetherHaveTheOutcomesTheyHaveAlone) {
  const Seen alone = run(1);
  ASSERT_EQ(alone.ranges.size(), ranges_.size());
  EXPECT_EQ(alone.ranges.at(0), "src 9 tgt 10 compared 10 changed 0 missing 0/1") << "-3 is below the first";
  EXPECT_EQ(alone.found.at(0), std::vector<std::string>{"[-3] missing_in_source"});
  EXPECT_EQ(alone.found.at(99), (std::vector<std::string>{"[1000] missing_in_source"}));
  for (std::size_t per_read : {2u, 6u, 32u}) {
    const Seen together = run(per_read);
    EXPECT_EQ(together.ranges, alone.ranges) << per_read;
    EXPECT_EQ(together.found, alone.found) << per_read;
  }
}

}  // namespace

#include <gtest/gtest.h>

#include "recon/core/canonical.hpp"
#include "recon/engine/compare.hpp"

using namespace recon;

namespace {
void add(RowBatch& b, std::int64_t key, std::initializer_list<const char*> values) {
  b.begin_row();
  canon::put_integer(b.arena(), key);
  b.end_key();
  for (const char* v : values) {
    if (v) canon::put_text(b.arena(), v);
    else canon::put_null(b.arena());
  }
  b.end_row();
}
}  // namespace

TEST(Compare, EveryCategoryOnce) {
  RowBatch s, t;
  add(s, 1, {"a", "x"});
  add(s, 2, {"b", "y"});
  add(s, 4, {"d", nullptr});
  add(t, 1, {"a", "x"});
  add(t, 3, {"c", "z"});
  add(t, 4, {"d", ""});
  s.sort_by_key();
  t.sort_by_key();
  RangeOutcome out;
  compare_batches(s, t, out);
  EXPECT_EQ(out.counts.rows_compared, 4);
  EXPECT_EQ(out.counts.matched, 1);
  EXPECT_EQ(out.counts.missing_in_target, 1);
  EXPECT_EQ(out.counts.missing_in_source, 1);
  EXPECT_EQ(out.counts.changed, 1);
  ASSERT_EQ(out.divergences.size(), 3u);
  EXPECT_EQ(out.divergences[0].category, Category::MissingInTarget);
  EXPECT_EQ(out.divergences[1].category, Category::MissingInSource);
  EXPECT_EQ(out.divergences[2].category, Category::Changed);
  EXPECT_EQ(out.divergences[2].columns, std::vector<std::uint32_t>{1});  // NULL vs '' differs
  EXPECT_EQ(canon::key_to_json(out.divergences[2].key), "[4]");
}

TEST(Compare, EmptySides) {
  RowBatch s, t;
  add(t, 7, {"only target"});
  RangeOutcome out;
  compare_batches(s, t, out);
  EXPECT_EQ(out.counts.missing_in_source, 1);
  EXPECT_EQ(out.counts.rows_compared, 1);
  RangeOutcome none;
  compare_batches(RowBatch{}, RowBatch{}, none);
  EXPECT_EQ(none.counts.rows_compared, 0);
}

TEST(Compare, EqualDigestsAreConfirmedByValue) {
  // Built with -DRECON_FORCE_DIGEST_COLLISIONS=ON every row has the same digest: different rows
  // must still be reported as changed, equal rows as matched.
  RowBatch s, t;
  add(s, 1, {"left"});
  add(t, 1, {"right"});
  add(s, 2, {"same"});
  add(t, 2, {"same"});
#ifdef RECON_FORCE_DIGEST_COLLISIONS
  EXPECT_EQ(s.row(0).digest, t.row(0).digest);
#endif
  RangeOutcome out;
  compare_batches(s, t, out);
  EXPECT_EQ(out.counts.changed, 1);
  EXPECT_EQ(out.counts.matched, 1);
}

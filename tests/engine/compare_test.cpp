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
  // With RECON_DEBUG_DIGEST_COLLISIONS=1 every row has the same digest: different rows
  // must still be reported as changed, equal rows as matched.
  RowBatch s, t;
  add(s, 1, {"left"});
  add(t, 1, {"right"});
  add(s, 2, {"same"});
  add(t, 2, {"same"});
  if (digest_collisions_forced()) EXPECT_EQ(s.row(0).digest, t.row(0).digest);
  RangeOutcome out;
  compare_batches(s, t, out);
  EXPECT_EQ(out.counts.changed, 1);
  EXPECT_EQ(out.counts.matched, 1);
}

namespace {
/// A made-up wire form for raw batches: "decimal|text".
void add_raw(RowBatch& b, std::int64_t key, const std::string& wire) {
  b.begin_row();
  canon::put_integer(b.arena(), key);
  b.end_key();
  b.arena() += wire;
  b.end_row();
}
void canonical_of_wire(std::string_view raw, std::string& out) {
  const std::size_t bar = raw.find('|');
  canon::put_decimal(out, raw.substr(0, bar));
  canon::put_text(out, raw.substr(bar + 1));
}
}  // namespace

TEST(Compare, RawBatchesMatchOnBytesAndDecideTheRestCanonically) {
  RowBatch s, t;
  s.set_raw(canonical_of_wire);
  t.set_raw(canonical_of_wire);
  add_raw(s, 1, "1.50|a");  // different bytes, same value
  add_raw(t, 1, "1.5|a");
  add_raw(s, 2, "7|b");     // same bytes
  add_raw(t, 2, "7|b");
  add_raw(s, 3, "2|c");     // a real difference
  add_raw(t, 3, "3|c");
  add_raw(s, 4, "9|only source");
  RangeOutcome out;
  compare_batches(s, t, out);
  EXPECT_EQ(out.counts.matched, 2);
  EXPECT_EQ(out.counts.changed, 1);
  EXPECT_EQ(out.counts.missing_in_target, 1);
  ASSERT_EQ(out.divergences.size(), 2u);
  std::string want;
  canonical_of_wire("2|c", want);
  EXPECT_EQ(out.divergences[0].source_values, want);  // divergences carry canonical values…
  EXPECT_EQ(out.divergences[0].source_digest, row_digest(want));  // …and their digests
  EXPECT_EQ(out.divergences[0].columns, std::vector<std::uint32_t>{0});
  want.clear();
  canonical_of_wire("9|only source", want);
  EXPECT_EQ(out.divergences[1].source_values, want);
  EXPECT_EQ(out.divergences[1].source_digest, row_digest(want));
}

TEST(Compare, ARawSideAgainstACanonicalSideIsComparedCanonically) {
  RowBatch s, t;
  s.set_raw(canonical_of_wire);
  add_raw(s, 1, "1.50|a");
  t.begin_row();
  canon::put_integer(t.arena(), 1);
  t.end_key();
  canon::put_decimal(t.arena(), "1.5");
  canon::put_text(t.arena(), "a");
  t.end_row();
  RangeOutcome out;
  compare_batches(s, t, out);
  EXPECT_EQ(out.counts.matched, 1);
}

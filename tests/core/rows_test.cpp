// RowBatch and the XXH3-128 row digest (src/core/rows.cpp, include/recon/core/rows.hpp).
#include <gtest/gtest.h>

#include <initializer_list>
#include <limits>
#include <string>

#include <xxhash.h>

#include "recon/core/canonical.hpp"
#include "recon/core/rows.hpp"

namespace recon {
namespace {

/// Appends one row with an integer key and a text value through the connector protocol.
void add_row(RowBatch& batch, std::int64_t key, std::string_view value = "v") {
  batch.begin_row();
  canon::put_integer(batch.arena(), key);
  batch.end_key();
  canon::put_text(batch.arena(), value);
  batch.end_row();
}

RowBatch batch_of(std::initializer_list<std::int64_t> keys) {
  RowBatch batch;
  for (std::int64_t k : keys) add_row(batch, k);
  return batch;
}

std::int64_t key_at(const RowBatch& batch, std::size_t i) {
  std::size_t p = 0;
  return canon::read_value(batch.key(i), p).as_int64();
}

std::string text_value_at(const RowBatch& batch, std::size_t i) {
  std::size_t p = 0;
  return std::string(canon::read_value(batch.values(i), p).payload);
}

TEST(Digest, HexIsHighThenLowWordZeroPadded) {
  EXPECT_EQ(Digest{}.hex(), std::string(32, '0'));
  EXPECT_EQ((Digest{0x1, 0xabc}.hex()), "0000000000000abc0000000000000001");
  EXPECT_EQ((Digest{~0ULL, ~0ULL}.hex()), std::string(32, 'f'));
  EXPECT_EQ((Digest{0x0123456789abcdefULL, 0xfedcba9876543210ULL}.hex()), "fedcba98765432100123456789abcdef");
}

TEST(RowDigest, LengthPrefixPreventsConcatenationCollisions) {
  std::string a, b;
  canon::put_text(a, "12");
  canon::put_text(a, "3");
  canon::put_text(b, "1");
  canon::put_text(b, "23");
  EXPECT_NE(a, b);
  if (!digest_collisions_forced()) EXPECT_NE(row_digest(a), row_digest(b));
  EXPECT_EQ(row_digest(a).hex().size(), 32u);
}

TEST(RowDigest, IsXxh3Of128BitsOverTheValueEncoding) {
  if (digest_collisions_forced()) {
    EXPECT_EQ(row_digest("a"), row_digest("b"));
    return;
  }
  for (std::string_view s : {std::string_view(), std::string_view("a"), std::string_view("\0x", 2)}) {
    const XXH128_hash_t h = XXH3_128bits(s.data(), s.size());
    EXPECT_EQ(row_digest(s), (Digest{h.low64, h.high64}));
  }
  EXPECT_EQ(row_digest("same"), row_digest(std::string("same")));
  EXPECT_NE(row_digest(""), row_digest(std::string_view("\0", 1)));
}

TEST(RowBatch, WriterProtocolSplitsKeysFromValuesAndDigestsValues) {
  RowBatch batch;
  EXPECT_TRUE(batch.empty());
  add_row(batch, 7, "seven");
  add_row(batch, -3, "");
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_FALSE(batch.empty());
  EXPECT_EQ(key_at(batch, 0), 7);
  EXPECT_EQ(text_value_at(batch, 1), "");
  std::string seven;
  canon::put_text(seven, "seven");
  EXPECT_EQ(batch.values(0), seven);
  EXPECT_EQ(batch.row(0).digest, row_digest(seven));
  EXPECT_EQ(batch.row(1).key_off, batch.row(0).val_off + batch.row(0).val_len);  // rows are contiguous
  EXPECT_EQ(batch.bytes(), batch.row(1).val_off + batch.row(1).val_len);
}

TEST(RowBatch, AbandonedRowLeavesNoTrace) {
  RowBatch batch = batch_of({1});
  const std::size_t bytes = batch.bytes();
  batch.begin_row();
  canon::put_integer(batch.arena(), 2);
  batch.end_key();
  canon::put_text(batch.arena(), "half-read");
  batch.abandon_row();
  EXPECT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch.bytes(), bytes);
  add_row(batch, 3, "next");
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(key_at(batch, 1), 3);
  EXPECT_EQ(text_value_at(batch, 1), "next");
}

TEST(RowBatch, SortsAndFindsDuplicates) {
  RowBatch batch = batch_of({3, 1, 2, 2});
  EXPECT_EQ(batch.sort_by_key(), 2);
  EXPECT_EQ(key_at(batch, 0), 1);
}

TEST(RowBatch, SortedInputIsCheckedInOnePass) {
  EXPECT_EQ(batch_of({-5, 1, 2, 9}).sort_by_key(), -1);
  EXPECT_EQ(batch_of({1, 2, 2, 3, 3}).sort_by_key(), 2);  // the first duplicate, already in order
  EXPECT_EQ(batch_of({}).sort_by_key(), -1);
  RowBatch late = batch_of({1, 1, 4, 0});  // a duplicate seen before the disorder: sorted, then found again
  EXPECT_EQ(late.sort_by_key(), 2);
}

TEST(RowBatch, SortIsStableAndValuesFollowTheirKeys) {
  RowBatch batch;
  add_row(batch, 2, "first two");
  add_row(batch, std::numeric_limits<std::int64_t>::min(), "min");
  add_row(batch, 2, "second two");
  add_row(batch, -1, "minus one");
  EXPECT_EQ(batch.sort_by_key(), 3);
  const char* expected[] = {"min", "minus one", "first two", "second two"};
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(text_value_at(batch, i), expected[i]);
    EXPECT_EQ(batch.row(i).digest, row_digest(batch.values(i)));
  }
}

TEST(RowBatch, AssignRowsCopiesASliceWithDigestsAfterASort) {
  RowBatch batch;
  add_row(batch, 5, "five");
  add_row(batch, 1, "one");
  add_row(batch, 3, "three");
  add_row(batch, 4, "four");
  ASSERT_EQ(batch.sort_by_key(), -1);  // rows now point back and forth in the arena
  RowBatch part;
  add_row(part, 99, "stale");
  part.assign_rows(batch, 1, 3);
  ASSERT_EQ(part.size(), 2u);
  EXPECT_EQ(key_at(part, 0), 3);
  EXPECT_EQ(text_value_at(part, 0), "three");
  EXPECT_EQ(key_at(part, 1), 4);
  EXPECT_EQ(text_value_at(part, 1), "four");
  EXPECT_EQ(part.row(1).digest, batch.row(2).digest);
  EXPECT_EQ(part.bytes(), batch.key(1).size() + batch.values(1).size() + batch.key(2).size() + batch.values(2).size());
  part.assign_rows(batch, 2, 2);
  EXPECT_TRUE(part.empty());

  RowBatch raw;
  raw.set_raw([](std::string_view in, std::string& out) { canon::put_text(out, in); });
  add_row(raw, 7, "wire");
  part.assign_rows(raw, 0, 1);
  EXPECT_TRUE(part.raw()) << "raw mode and its canonicalizer come along";
  std::string buf;
  std::string expected;
  canon::put_text(expected, raw.values(0));
  EXPECT_EQ(part.canonical_values(0, buf), expected);
}

TEST(RowBatch, CompositeAndNullKeysSortByCompareKeys) {
  RowBatch batch;
  auto add = [&](std::int64_t k, const char* second) {
    batch.begin_row();
    canon::put_integer(batch.arena(), k);
    if (second) canon::put_text(batch.arena(), second);
    else canon::put_null(batch.arena());
    batch.end_key();
    batch.end_row();
  };
  add(1, "b");
  add(1, nullptr);
  add(0, "z");
  add(1, "a");
  EXPECT_EQ(batch.sort_by_key(), -1);
  for (std::size_t i = 1; i < batch.size(); ++i) EXPECT_LT(canon::compare_keys(batch.key(i - 1), batch.key(i)), 0);
  EXPECT_EQ(canon::key_to_json(batch.key(0)), R"([0,"z"])");
  EXPECT_EQ(canon::key_to_json(batch.key(1)), "[1,null]");  // NULL sorts first
  EXPECT_EQ(canon::key_to_json(batch.key(3)), R"([1,"b"])");
  EXPECT_TRUE(batch.values(0).empty());
}

TEST(RowBatch, RawModeCanonicalisesOnDemandAndSkipsTheDigest) {
  RowBatch batch;
  int calls = 0;
  batch.set_raw([&calls](std::string_view raw, std::string& out) {
    ++calls;
    canon::put_text(out, raw);
  });
  EXPECT_TRUE(batch.raw());
  batch.begin_row();
  canon::put_integer(batch.arena(), 1);
  batch.end_key();
  batch.arena() += "wire bytes";
  batch.end_row();
  EXPECT_EQ(batch.row(0).digest, Digest{});
  EXPECT_EQ(batch.values(0), "wire bytes");
  std::string buf = "stale";
  std::string expected;
  canon::put_text(expected, "wire bytes");
  EXPECT_EQ(batch.canonical_values(0, buf), expected);
  EXPECT_EQ(buf, expected);
  EXPECT_EQ(calls, 1);
}

TEST(RowBatch, CanonicalValuesOutsideRawModeAreAViewIntoTheBatch) {
  RowBatch batch = batch_of({1});
  std::string buf = "untouched";
  const std::string_view v = batch.canonical_values(0, buf);
  EXPECT_EQ(v, batch.values(0));
  EXPECT_EQ(v.data(), batch.values(0).data());
  EXPECT_EQ(buf, "untouched");
}

TEST(RowBatch, ClearEmptiesAndLeavesRawMode) {
  RowBatch batch;
  batch.set_raw([](std::string_view, std::string&) {});
  add_row(batch, 1);
  batch.clear();
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(batch.bytes(), 0u);
  EXPECT_FALSE(batch.raw());
  batch.reserve(100, 4096);
  EXPECT_TRUE(batch.empty());
  add_row(batch, 5, "again");
  EXPECT_EQ(batch.row(0).digest, row_digest(batch.values(0)));
}

}  // namespace
}  // namespace recon

// A datetime tick's exact value and its shown millisecond compare equal (column_decoder.hpp):
// every tick of a second at both precisions a migration stores, the edge of the second, and the
// decoders' finish step on canonical values.
#include <cmath>

#include <gtest/gtest.h>

#include "../../src/connector/column_decoder.hpp"
#include "../../src/connector/sqlserver/tds_values.hpp"
#include "recon/core/canonical.hpp"

namespace recon {
namespace {

using namespace datetime_ticks;

constexpr std::int64_t kSecond = 1'000'000;
// 2024-02-29 13:45:10, in µs since 1970.
constexpr std::int64_t kBase = (19782LL * 86400 + 13 * 3600 + 45 * 60 + 10) * kSecond;

/// The tick's exact value in µs, computed apart from the code under test: t/300 s, to the nearest µs.
std::int64_t exact_reference(int tick) { return std::llround(static_cast<long double>(tick) * kSecond / 300); }

/// What datetime -> datetime2(7) stores (the nearest 100 ns), read to µs the way a datetime2(7)
/// value is (tds_values.hpp: hundred_ns_to_micros, half-even).
std::int64_t exact_at_seven_digits(int tick) {
  const auto hundred_ns = static_cast<std::uint64_t>(std::llround(static_cast<long double>(tick) * 10'000'000 / 300));
  return tds::hundred_ns_to_micros(hundred_ns, TimeRounding::HalfEven);
}

TEST(DatetimeTicks, ShownMillisecondsAreSqlServers) {
  EXPECT_EQ(shown_micros(0), 0);
  EXPECT_EQ(shown_micros(1), 3000);
  EXPECT_EQ(shown_micros(2), 7000);
  EXPECT_EQ(shown_micros(3), 10000);
  EXPECT_EQ(shown_micros(299), 997000);
  for (int t = 0; t < kPerSecond; ++t) EXPECT_EQ(shown_micros(t), tds::datetime_ticks_to_micros(t)) << t;
}

TEST(DatetimeTicks, EveryTickOfASecondAtSixDigitsReadsAsShown) {
  for (int t = 0; t < kPerSecond; ++t) {
    EXPECT_EQ(exact_micros(t, 6), exact_reference(t)) << t;
    EXPECT_EQ(as_shown(kBase + exact_reference(t), 6), kBase + shown_micros(t)) << "tick " << t;
  }
  EXPECT_EQ(exact_micros(1, 6), 3333);
  EXPECT_EQ(exact_micros(2, 6), 6667);
}

TEST(DatetimeTicks, EveryTickOfASecondAtSevenDigitsReadsAsShown) {
  for (int t = 0; t < kPerSecond; ++t) {
    EXPECT_EQ(exact_at_seven_digits(t), exact_micros(t, 7)) << t;  // .0033333 -> 3333 µs, .0066667 -> 6667 µs
    EXPECT_EQ(as_shown(kBase + exact_at_seven_digits(t), 7), kBase + shown_micros(t)) << "tick " << t;
  }
}

TEST(DatetimeTicks, FourAndFiveDigitsRoundTheExactValue) {
  EXPECT_EQ(exact_micros(1, 4), 3300);  // .0033
  EXPECT_EQ(exact_micros(2, 5), 6670);  // .00667
  for (int digits : {4, 5})
    for (int t = 0; t < kPerSecond; ++t)
      EXPECT_EQ(as_shown(kBase + exact_micros(t, digits), digits), kBase + shown_micros(t)) << t << " at " << digits;
}

TEST(DatetimeTicks, ShownValuesStayAsTheyAre) {
  for (int digits : {4, 5, 6, 7})
    for (int t = 0; t < kPerSecond; ++t)
      EXPECT_EQ(as_shown(kBase + shown_micros(t), digits), kBase + shown_micros(t)) << t << " at " << digits;
}

TEST(DatetimeTicks, OtherFractionsAreRealDifferences) {
  for (std::int64_t f : {1, 3332, 3334, 4000, 5000, 6666, 6668, 996666, 996668, 999999})
    EXPECT_EQ(as_shown(kBase + f, 6), kBase + f) << f;
  EXPECT_EQ(as_shown(kBase + 3334, 4), kBase + 3334);  // not a whole 10^-4 s: no 4-digit column holds it
}

TEST(DatetimeTicks, TheLastTickStaysInItsSecond) {
  // .99667 (tick 299) is shown .997 of the same second; .999 does not exist (it rounds to the next
  // second's tick 0 when written), and a fraction past the last tick is a difference.
  EXPECT_EQ(as_shown(kBase + 996667, 6), kBase + 997000);
  EXPECT_EQ(as_shown(kBase + 996700, 4), kBase + 997000);  // .9967
  EXPECT_EQ(as_shown(kBase + 999000, 6), kBase + 999000);
  EXPECT_EQ(as_shown(kBase + kSecond, 6), kBase + kSecond);
  EXPECT_EQ(as_shown(kBase + 996667 - kSecond, 6), kBase + 997000 - kSecond);
}

TEST(DatetimeTicks, BeforeNineteenSeventy) {
  const std::int64_t base = -(25567LL * 86400 - 7) * kSecond;  // 1900-01-01 00:00:07
  EXPECT_EQ(as_shown(base + 3333, 6), base + 3000);
  EXPECT_EQ(as_shown(base + 996667, 6), base + 997000);
  EXPECT_EQ(as_shown(-kSecond + 3333, 6), -kSecond + 3000);  // 1969-12-31 23:59:59.003333
  EXPECT_EQ(as_shown(-1, 6), -1);
}

TEST(DatetimeTicks, ThreeDigitsOrFewerChangeNothing) {
  EXPECT_EQ(exact_micros(1, 3), shown_micros(1));
  EXPECT_EQ(exact_micros(2, 3), shown_micros(2));
  for (int digits : {0, 1, 2, 3}) EXPECT_EQ(as_shown(kBase + 3333, digits), kBase + 3333) << digits;
}

TEST(DatetimeTicks, FinishRewritesOnlyTimestampsAndOnlyWhenAsked) {
  std::string out;
  canon::put_integer(out, 7);
  const std::size_t mark = out.size();
  canon::put_timestamp(out, kBase + 6667);
  std::string unchanged = out;
  finish(out, mark, -1);
  EXPECT_EQ(out, unchanged);
  finish(out, mark, 6);
  std::string want;
  canon::put_integer(want, 7);
  canon::put_timestamp(want, kBase + 7000);
  EXPECT_EQ(out, want);

  std::string text;
  canon::put_text(text, "2024-02-29 13:45:10.006667");
  unchanged = text;
  finish(text, 0, 6);
  EXPECT_EQ(text, unchanged);
  std::string null;
  canon::put_null(null);
  unchanged = null;
  finish(null, 0, 6);
  EXPECT_EQ(null, unchanged);
}

}  // namespace
}  // namespace recon

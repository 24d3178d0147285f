// Durations as people write them (src/core/duration.cpp): job files, rule files, --recheck-delay.
#include <gtest/gtest.h>

#include "recon/core/duration.hpp"

namespace recon {
namespace {

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(parse_duration_us("250ms"), 250'000);
  EXPECT_EQ(parse_duration_us("1.5s"), 1'500'000);
  EXPECT_EQ(parse_duration_us("5m"), 300'000'000);
  EXPECT_EQ(parse_duration_us("5min"), 300'000'000);
  EXPECT_EQ(parse_duration_us("2h"), 7'200'000'000LL);
  EXPECT_EQ(parse_duration_us("1d"), 86'400'000'000LL);
  EXPECT_EQ(parse_duration_us("3us"), 3);
  EXPECT_EQ(parse_duration_us("0s"), 0);
}

TEST(Duration, FractionsRoundToTheMicrosecond) {
  EXPECT_EQ(parse_duration_us("0.5us"), 1);  // half rounds away from zero
  EXPECT_EQ(parse_duration_us("1.0000004s"), 1'000'000);
  EXPECT_EQ(parse_duration_us(".5s"), 500'000);
}

TEST(Duration, AnythingElseIsRefused) {
  for (const char* bad : {"5", "", "s", "-1s", "+1s", "5 minutes", "5 s", "1e3ms", "1.2.3s", "5sec", "5S", "ms5"})
    EXPECT_FALSE(parse_duration_us(bad)) << bad;
  EXPECT_FALSE(parse_duration_us("200000000d")) << "beyond int64 microseconds";
  EXPECT_TRUE(parse_duration_us("100000000d"));
}

}  // namespace
}  // namespace recon

namespace recon {
namespace {
TEST(Duration, FormatsInItsTwoLargestUnits) {
  EXPECT_EQ(format_duration_us(250'000), "250ms");
  EXPECT_EQ(format_duration_us(4'200'000), "4.2s");
  EXPECT_EQ(format_duration_us(5'000'000), "5s");
  EXPECT_EQ(format_duration_us(300'000'000), "5m");
  EXPECT_EQ(format_duration_us(303'000'000), "5m 3s");
  EXPECT_EQ(format_duration_us(7'800'000'000), "2h 10m");
  EXPECT_EQ(format_duration_us(-5'000'000), "5s");
  EXPECT_EQ(format_duration_us(*parse_duration_us("3d") + *parse_duration_us("4h")), "3d 4h");
}
}  // namespace
}  // namespace recon


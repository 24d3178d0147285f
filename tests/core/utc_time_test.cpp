// UTC time text (src/core/utc_time.cpp): what summary.json, the audit trail, fix-up headers and
// run ids carry.
#include <gtest/gtest.h>

#include <regex>

#include "recon/core/utc_time.hpp"

namespace recon {
namespace {

TEST(UtcTime, IsoTextToTheSecond) {
  EXPECT_EQ(iso_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso_utc(1'795'428'900.0), "2026-11-23T10:15:00Z");
  EXPECT_EQ(iso_utc(1'795'428'900.999), "2026-11-23T10:15:00Z") << "fractions are cut, never rounded up";
  EXPECT_EQ(iso_utc(951'782'400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(iso_utc(-0.5), "1969-12-31T23:59:59Z") << "before the epoch, the second that holds the instant";
}

TEST(UtcTime, CompactTextForRunIds) {
  EXPECT_EQ(compact_utc(1'795'428'900.25), "20261123T101500Z");
}

TEST(UtcTime, NowIsNowAndWellFormed) {
  const double before = now_epoch();
  const std::string text = iso_utc_now();
  EXPECT_TRUE(std::regex_match(text, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"))) << text;
  EXPECT_GT(before, 1.7e9);
  EXPECT_GE(now_epoch(), before);
}

}  // namespace
}  // namespace recon

TEST(UtcTime, IsoTextReadsBackToItsEpoch) {
  for (double epoch : {0.0, 1795436100.0, 951782400.0 /* 2000-02-29 */}) {
    const auto back = recon::parse_iso_utc(recon::iso_utc(epoch));
    ASSERT_TRUE(back.has_value()) << recon::iso_utc(epoch);
    EXPECT_EQ(*back, epoch);
  }
  EXPECT_FALSE(recon::parse_iso_utc("2026-11-23 10:15:00Z"));
  EXPECT_FALSE(recon::parse_iso_utc("2026-11-23T10:15:00"));
  EXPECT_FALSE(recon::parse_iso_utc("2026-13-23T10:15:00Z"));
  EXPECT_FALSE(recon::parse_iso_utc(""));
}

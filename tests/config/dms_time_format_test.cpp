// date_format / timestamp_format of a dms_csv side: which formats are formats, and what values
// they turn into canonical text.
#include <gtest/gtest.h>

#include "recon/config/dms_time_format.hpp"

using namespace recon;

namespace {

DmsTimeFormat compiled(const std::string& spec, bool with_time) {
  std::string why;
  auto f = DmsTimeFormat::compile(spec, with_time, why);
  EXPECT_TRUE(f.has_value()) << spec << ": " << why;
  return f ? *f : DmsTimeFormat::dms_date();
}

std::string why_refused(const std::string& spec, bool with_time) {
  std::string why;
  return DmsTimeFormat::compile(spec, with_time, why) ? "" : why;
}

std::string canonical(const DmsTimeFormat& f, const std::string& v) { return f.to_canonical(v).value_or("<no match>"); }

TEST(DmsTimeFormat, DmsDefaults) {
  const DmsTimeFormat d = DmsTimeFormat::dms_date(), ts = DmsTimeFormat::dms_timestamp();
  EXPECT_EQ(canonical(d, "2026-12-04"), "2026-12-04");
  EXPECT_EQ(canonical(ts, "2026-12-04 13:05:09"), "2026-12-04 13:05:09");
  EXPECT_EQ(canonical(ts, "2026-12-04 13:05:09.5"), "2026-12-04 13:05:09.5");
  EXPECT_EQ(canonical(ts, "2026-12-04 13:05:09.123456"), "2026-12-04 13:05:09.123456");
  EXPECT_EQ(canonical(ts, "2026-12-04 13:05:09.123456789"), "2026-12-04 13:05:09.123456789");
  EXPECT_EQ(canonical(ts, "2026-12-04 13:05:09.1234567891"), "<no match>");  // at most 9 digits
  EXPECT_EQ(canonical(ts, "2026-12-04 13:05:09."), "<no match>");
  EXPECT_EQ(canonical(ts, "2026-12-04T13:05:09"), "<no match>");
  EXPECT_EQ(canonical(d, "2026-12-04 00:00:00"), "<no match>");
}

TEST(DmsTimeFormat, OtherLayouts) {
  const DmsTimeFormat ts = compiled("DD/MM/YYYY HH:MI:SS", true);
  EXPECT_EQ(canonical(ts, "04/12/2026 23:59:58"), "2026-12-04 23:59:58");
  EXPECT_EQ(canonical(ts, "4/12/2026 23:59:58"), "<no match>");  // two digits each
  EXPECT_EQ(canonical(ts, "04/12/2026 23:59:58.1"), "<no match>");  // no FF: no fraction
  EXPECT_EQ(canonical(compiled("YYYYMMDDHHMISSFF", true), "20261204010203004"), "2026-12-04 01:02:03.004");
  EXPECT_EQ(canonical(compiled("MM.DD.YYYY", false), "12.04.2026"), "2026-12-04");
  EXPECT_EQ(canonical(compiled("YYYY-MM-DDTHH:MI:SS,FF", true), "2026-12-04T01:02:03,25"), "2026-12-04 01:02:03.25");
}

TEST(DmsTimeFormat, ImpossibleDatesAndTimesDoNotMatch) {
  const DmsTimeFormat d = DmsTimeFormat::dms_date(), ts = DmsTimeFormat::dms_timestamp();
  EXPECT_EQ(canonical(d, "2024-02-29"), "2024-02-29");  // leap day
  EXPECT_EQ(canonical(d, "2000-02-29"), "2000-02-29");
  EXPECT_EQ(canonical(d, "2026-02-29"), "<no match>");
  EXPECT_EQ(canonical(d, "1900-02-29"), "<no match>");
  EXPECT_EQ(canonical(d, "2026-13-01"), "<no match>");
  EXPECT_EQ(canonical(d, "2026-04-31"), "<no match>");
  EXPECT_EQ(canonical(ts, "2026-12-04 24:00:00"), "<no match>");
  EXPECT_EQ(canonical(ts, "2026-12-04 12:60:00"), "<no match>");
  EXPECT_EQ(canonical(ts, "2026-12-04 12:00:61"), "<no match>");
  EXPECT_EQ(canonical(ts, "2026-12-04 12:00"), "<no match>");
}

TEST(DmsTimeFormat, ZoneTailOfATimestampTz) {
  const DmsTimeFormat ts = DmsTimeFormat::dms_timestamp();
  EXPECT_EQ(ts.to_canonical("2026-12-04 12:00:00.5+02", true).value_or(""), "2026-12-04 12:00:00.5+02");
  EXPECT_EQ(ts.to_canonical("2026-12-04 12:00:00", true).value_or(""), "2026-12-04 12:00:00");
  EXPECT_FALSE(ts.to_canonical("2026-12-04 12:00:00+02").has_value());
}

TEST(DmsTimeFormat, FormatsThatAreNotRefusedWithWhy) {
  EXPECT_NE(why_refused("DD/MM/YY", false).find("'Y' at position 7 is not a token"), std::string::npos);
  EXPECT_NE(why_refused("YYYY-MM", false).find("DD appears 0"), std::string::npos);
  EXPECT_NE(why_refused("YYYY-MM-DD HH:MI", false).find("no time token"), std::string::npos);
  EXPECT_NE(why_refused("YYYY-MM-DD", true).find("HH appears 0"), std::string::npos);
  EXPECT_NE(why_refused("YYYY-MM-DD-DD HH:MI:SS", true).find("DD appears 2"), std::string::npos);
  EXPECT_NE(why_refused("YYYY-MM-DD HH:MI:SS.FF.FF", true).find("FF appears 2"), std::string::npos);
  EXPECT_NE(why_refused("YYYY-MM-DD HH:MI:FFSS", true).find("FF (1 to 9 digits)"), std::string::npos);
  EXPECT_NE(why_refused("YYYY-MM-DD hh:mi:ss", true).find("HH appears 0"), std::string::npos);
}

}  // namespace

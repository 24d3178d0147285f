// The job file's dms_csv side: DMS's settings with DMS's defaults, and what is refused.
#include <gtest/gtest.h>

#include "recon/config/job.hpp"
#include "recon/core/errors.hpp"

using namespace recon;

namespace {

const std::string kTail = "[target]\nkind = \"postgres\"\nurl = \"postgresql://u@h/tgt\"\n"
                          "[[tables]]\nsource = \"public.orders\"\n";

RunOptions parse(const std::string& source) {
  return parse_job_text("[source]\nkind = \"dms_csv\"\nurl = \"dms\"\n" + source + kTail, "job.toml", "/jobs");
}

std::string message_of(const std::string& source) {
  try {
    parse(source);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(DmsCsvOptions, DefaultsAreDmsDefaults) {
  const RunOptions o = parse("");
  EXPECT_EQ(o.source.kind, EngineKind::DmsCsv);
  EXPECT_EQ(o.source.url, "/jobs/dms");  // relative to the job file's folder
  const DmsCsvOptions& d = o.source.dms_csv;
  EXPECT_EQ(d.delimiter, ',');
  EXPECT_EQ(d.quote, '"');
  EXPECT_FALSE(d.add_column_name);
  EXPECT_EQ(d.null_value, "");
  EXPECT_FALSE(d.include_op_for_full_load);
  EXPECT_FALSE(d.timestamp_column);
  EXPECT_EQ(d.on_bad_row, OnBadRow::Fail);
  EXPECT_EQ(d.sort_run_bytes, 64u << 20);
  EXPECT_EQ(d.row_delimiter, "\n");
  EXPECT_EQ(d.date_format.spec(), "YYYY-MM-DD");
  EXPECT_EQ(d.timestamp_format.spec(), "YYYY-MM-DD HH:MI:SS.FF");
}

TEST(DmsCsvOptions, RowDelimiterAndTimeFormats) {
  const RunOptions o = parse("row_delimiter = \"\\r\\n\"\ndate_format = \"DD/MM/YYYY\"\n"
                             "timestamp_format = \"DD/MM/YYYY HH:MI:SS\"\n");
  const DmsCsvOptions& d = o.source.dms_csv;
  EXPECT_EQ(d.row_delimiter, "\r\n");
  EXPECT_EQ(d.date_format.to_canonical("04/12/2026").value_or(""), "2026-12-04");
  EXPECT_EQ(d.timestamp_format.to_canonical("04/12/2026 01:02:03").value_or(""), "2026-12-04 01:02:03");
  EXPECT_EQ(parse("row_delimiter = \"|;\"\n").source.dms_csv.row_delimiter, "|;");
}

TEST(DmsCsvOptions, BadRowDelimiterAndFormatsNameTheKey) {
  EXPECT_NE(message_of("row_delimiter = \"\"\n").find("row_delimiter must be one or two characters"), std::string::npos);
  EXPECT_NE(message_of("row_delimiter = \"abc\"\n").find("row_delimiter must be one or two"), std::string::npos);
  EXPECT_NE(message_of("row_delimiter = \",\\n\"\n").find("row_delimiter must not hold the delimiter"),
            std::string::npos);
  EXPECT_NE(message_of("date_format = \"DD/MM/YY\"\n").find("date_format \"DD/MM/YY\" 'Y' at position 7"),
            std::string::npos) << message_of("date_format = \"DD/MM/YY\"\n");
  EXPECT_NE(message_of("timestamp_format = \"YYYY-MM-DD\"\n").find("timestamp_format"), std::string::npos);
}

TEST(DmsCsvOptions, EverySettingIsRead) {
  const RunOptions o = parse("delimiter = \"|\"\nquote = \"'\"\nadd_column_name = true\nnull_value = \"NULL\"\n"
                             "include_op_for_full_load = true\ntimestamp_column = true\non_bad_row = \"report\"\n"
                             "temp_dir = \"scratch\"\nsort_run_bytes = 4096\n"
                             "[source.columns]\n\"public.orders\" = [\"id:integer\", \"total:decimal\"]\n");
  const DmsCsvOptions& d = o.source.dms_csv;
  EXPECT_EQ(d.delimiter, '|');
  EXPECT_EQ(d.quote, '\'');
  EXPECT_TRUE(d.add_column_name);
  EXPECT_EQ(d.null_value, "NULL");
  EXPECT_TRUE(d.include_op_for_full_load);
  EXPECT_TRUE(d.timestamp_column);
  EXPECT_EQ(d.on_bad_row, OnBadRow::Report);
  EXPECT_EQ(d.temp_dir, "/jobs/scratch");
  EXPECT_EQ(d.sort_run_bytes, 4096u);
  ASSERT_EQ(d.columns.at("public.orders").size(), 2u);
}

TEST(DmsCsvOptions, BadSettingsNameTheKey) {
  EXPECT_NE(message_of("delimiter = \"||\"\n").find("delimiter must be one character"), std::string::npos);
  EXPECT_NE(message_of("on_bad_row = \"skip\"\n").find("on_bad_row must be"), std::string::npos);
  EXPECT_NE(message_of("[source.columns]\n\"public.orders\" = [\"id:int\"]\n").find("'id:int' is not"),
            std::string::npos);
  EXPECT_NE(message_of("delimter = \";\"\n").find("delimter"), std::string::npos);
}

TEST(DmsCsvOptions, CsvSettingsOnlyOnADmsCsvSide) {
  try {
    parse_job_text("[source]\nkind = \"postgres\"\nurl = \"postgresql://u@h/s\"\ndelimiter = \";\"\n" + kTail, "job.toml", "");
    FAIL() << "delimiter accepted on a postgres side";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("delimiter"), std::string::npos) << e.what();
  }
}

TEST(DmsCsvOptions, CsvKindPointsToDmsCsv) {
  try {
    parse_job_text("[source]\nkind = \"csv\"\nurl = \"x\"\n" + kTail, "job.toml", "");
    FAIL() << "kind = \"csv\" accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("\"dms_csv\""), std::string::npos) << e.what();
  }
}

}  // namespace

// The dms_csv connector's parts on real files: libcsv's reading of DMS's quoting (delimiters and
// line breaks inside quotes, NULL vs the empty string, gzip, line numbers of bad rows) and the
// external sort with runs small enough to spill many times.
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "../../src/connector/dms_csv/csv_file.hpp"
#include "../../src/connector/dms_csv/external_sort.hpp"
#include "recon/core/canonical.hpp"

namespace recon::dms_csv {
namespace {
namespace fs = std::filesystem;

class DmsCsvFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("recon-dms-csv-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return dir_ / name;
  }

  struct Read {
    std::vector<CsvRow> rows;
    std::vector<std::pair<std::size_t, std::string>> errors;
  };
  Read read(const fs::path& file, const DmsCsvOptions& o = {}) {
    Read r;
    read_csv_file(file, o, [&](const CsvRow& row) { r.rows.push_back(row); },
                  [&](std::size_t line, const std::string& what) { r.errors.emplace_back(line, what); });
    return r;
  }

  fs::path dir_;
};

TEST_F(DmsCsvFiles, QuotesDelimitersAndLineBreaksInsideFields) {
  const Read r = read(write("a.csv", "1,\"a, b\",\"say \"\"hi\"\"\"\n2,\"two\nlines\", spaced \n3,x,y"));
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(*r.rows[0].fields[1], "a, b");
  EXPECT_EQ(*r.rows[0].fields[2], "say \"hi\"");
  EXPECT_EQ(*r.rows[1].fields[1], "two\nlines");
  EXPECT_EQ(*r.rows[1].fields[2], " spaced ");  // spaces are data
  EXPECT_EQ(r.rows[1].line, 2u);
  EXPECT_EQ(r.rows[2].line, 4u);  // the quoted line break moved row 3 to line 4
  EXPECT_EQ(*r.rows[2].fields[2], "y");  // a last row without a line break
}

TEST_F(DmsCsvFiles, NullIsEmptyUnquotedAndEmptyStringIsQuoted) {
  const Read r = read(write("n.csv", "1,,\"\"\n"));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_FALSE(r.rows[0].fields[1].has_value());
  ASSERT_TRUE(r.rows[0].fields[2].has_value());
  EXPECT_EQ(*r.rows[0].fields[2], "");
  DmsCsvOptions spelt;
  spelt.null_value = "NULL";  // CsvNullValue = "NULL": an empty field is then the empty string
  const Read s = read(write("s.csv", "1,,NULL\n"), spelt);
  EXPECT_EQ(*s.rows[0].fields[1], "");
  EXPECT_FALSE(s.rows[0].fields[2].has_value());
}

TEST_F(DmsCsvFiles, OtherDelimiterAndQuote) {
  DmsCsvOptions o;
  o.delimiter = '|';
  o.quote = '\'';
  const Read r = read(write("p.csv", "1|'a|b'|c,d\n"), o);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(*r.rows[0].fields[1], "a|b");
  EXPECT_EQ(*r.rows[0].fields[2], "c,d");
}

TEST_F(DmsCsvFiles, GzipIsReadLikePlain) {
  const std::string text = "1,\"a, b\"\n2,\n";
  gzFile gz = gzopen((dir_ / "g.csv.gz").c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  const Read r = read(dir_ / "g.csv.gz");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(*r.rows[0].fields[1], "a, b");
  EXPECT_FALSE(r.rows[1].fields[1].has_value());
}

TEST_F(DmsCsvFiles, MalformedAndUnterminatedQuotesNameTheirLines) {
  const Read r = read(write("bad.csv", "1,ok\n2,\"bad\"x\n3,fine\n4,\"open\n5,never closed\n"));
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].first, 2u);
  EXPECT_NE(r.errors[0].second.find("malformed quoting"), std::string::npos);
  EXPECT_EQ(r.errors[1].first, 4u);
  EXPECT_NE(r.errors[1].second.find("unterminated quote"), std::string::npos);
  ASSERT_EQ(r.rows.size(), 2u);  // rows 1 and 3; reading resumed after line 2
  EXPECT_EQ(r.rows[1].line, 3u);
}

std::string int_key(std::int64_t v) {
  std::string k;
  canon::put_integer(k, v);
  return k;
}

TEST_F(DmsCsvFiles, RowDelimiters) {
  DmsCsvOptions crlf;
  crlf.row_delimiter = "\r\n";
  Read r = read(write("crlf.csv", "1,\"a\r\nb\"\r\n2,lone\nlf\r\n3,\"x\"\r\n"), crlf);
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(*r.rows[0].fields[1], "a\r\nb");  // inside quotes: data
  EXPECT_EQ(*r.rows[1].fields[1], "lone\nlf");  // not the row delimiter: data
  EXPECT_EQ(r.rows[1].line, 3u);
  EXPECT_EQ(*r.rows[2].fields[1], "x");

  DmsCsvOptions two;
  two.row_delimiter = "|;";
  // Long enough that a delimiter falls across the reader's 1 MiB reads.
  std::string text;
  for (int i = 0; i < 200000; ++i) text += std::to_string(i) + ",v|x;" + std::to_string(i) + "|;";
  r = read(write("two.csv", text + "\"q|;q\",end"), two);
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.rows.size(), 200001u);
  for (int i = 0; i < 200000; i += 4999) EXPECT_EQ(*r.rows[i].fields[1], "v|x;" + std::to_string(i)) << i;
  EXPECT_EQ(*r.rows[200000].fields[0], "q|;q");
  EXPECT_EQ(r.rows[200000].line, 200001u);

  // Under "\n" a carriage return is data.
  r = read(write("lf.csv", "1,a\r\n"));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(*r.rows[0].fields[1], "a\r");
}

TEST_F(DmsCsvFiles, ExternalSortSpillsManyRunsAndKeepsTheLastChange) {
  ExternalSort sort(dir_, 4096);  // a few dozen records per run
  std::vector<int> keys(5000);
  for (int i = 0; i < 5000; ++i) keys[i] = i;
  std::shuffle(keys.begin(), keys.end(), std::mt19937(7));
  std::uint64_t seq = 0;
  for (int k : keys) sort.add(int_key(k), seq++, RowOp::Upsert, "v" + std::to_string(k));
  for (int k = 0; k < 5000; k += 10) sort.add(int_key(k), seq++, RowOp::Upsert, "changed");
  for (int k = 5; k < 5000; k += 10) sort.add(int_key(k), seq++, RowOp::Delete, "");
  EXPECT_GT(sort.runs(), 50u);
  const MergedFile m = sort.merge(dir_ / "merged.bin", 100);
  EXPECT_EQ(m.rows, 4500u);
  EXPECT_EQ(m.index.size(), 45u);
  std::ifstream in(m.path, std::ios::binary);
  std::string prev;
  std::uint64_t n = 0;
  std::uint32_t len[2];
  while (in.read(reinterpret_cast<char*>(len), 8)) {
    std::string key(len[0], '\0'), values(len[1], '\0');
    in.read(key.data(), len[0]);
    in.read(values.data(), len[1]);
    if (!prev.empty()) {
      EXPECT_LT(canon::compare_keys(prev, key), 0);
    }
    std::size_t pos = 0;
    const std::int64_t k = canon::read_value(key, pos).as_int64();
    EXPECT_NE(k % 10, 5);
    EXPECT_EQ(values, k % 10 == 0 ? "changed" : "v" + std::to_string(k));
    prev = key;
    ++n;
  }
  EXPECT_EQ(n, 4500u);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);  // runs removed
}

}  // namespace
}  // namespace recon::dms_csv

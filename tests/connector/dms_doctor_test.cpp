// What doctor says of a dms_csv table: its files listed and sized, a missing folder unreadable.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "../../src/connector/dms_csv/dms_doctor.hpp"

namespace recon::dms_csv {
namespace {
namespace fs = std::filesystem;

class DmsDoctor : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("recon-dms-doctor-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "public" / "t");
    std::ofstream(dir_ / "public" / "t" / "LOAD00000001.csv") << "1,a\n2,b\n";  // 8 bytes
    std::ofstream(dir_ / "public" / "t" / "20261204-101500000.csv") << "I,3,c\n";  // 6 bytes
    std::ofstream(dir_ / "public" / "t" / "notes.txt") << "not a data file";
  }
  void TearDown() override { fs::remove_all(dir_); }
  RangeQuery query(const std::string& table) const {
    RangeQuery q;
    q.table = TableRef{"public", table};
    SelectColumn id;
    id.native.name = "id";
    q.keys.push_back(id);
    return q;
  }
  fs::path dir_;
};

TEST_F(DmsDoctor, FilesAreCountedAndSizedAndTheKeyIsSortedByRecon) {
  const TableFacts f = table_facts(dir_.string(), query("t"), Side::Source, 3);
  EXPECT_TRUE(f.can_select);
  EXPECT_EQ(f.range_read.plan, "2 files, 14 bytes, sorted by recon by the key");
  EXPECT_FALSE(f.range_read.uses_key_index.has_value());
  EXPECT_EQ(f.estimated_rows, 3);
  EXPECT_FALSE(f.statistics_present.has_value());
  ASSERT_EQ(f.key_columns.size(), 1u);
  EXPECT_EQ(f.key_columns[0].column, "id");
  EXPECT_FALSE(f.key_columns[0].case_insensitive);
  EXPECT_TRUE(f.write_rights.empty());
}

TEST_F(DmsDoctor, AMissingTableFolderCannotBeSelectedAndSaysWhichFolder) {
  const TableFacts f = table_facts(dir_.string(), query("gone"), Side::Source, std::nullopt);
  EXPECT_FALSE(f.can_select);
  EXPECT_NE(f.range_read.plan.find((dir_ / "public" / "gone").string()), std::string::npos) << f.range_read.plan;
  EXPECT_FALSE(f.estimated_rows.has_value());
}

TEST_F(DmsDoctor, ServerFactsNameTheFolder) {
  const ServerFacts s = server_facts(dir_.string());
  EXPECT_EQ(s.product, "DMS CSV files");
  EXPECT_EQ(s.protocol, "file");
  EXPECT_EQ(s.database, dir_.string());
  EXPECT_FALSE(s.tls.has_value());
  EXPECT_FALSE(s.utc_now_micros.has_value());
}

}  // namespace
}  // namespace recon::dms_csv

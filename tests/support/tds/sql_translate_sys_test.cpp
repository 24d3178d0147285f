// The planning vocabulary's translation to SQLite (no network): OBJECT_ID and COLUMNPROPERTY
// folded to constants, TABLESAMPLE as a page draw, the read counter, and their errors.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "sql.hpp"

namespace tds_test {
namespace {

class TranslateSys : public ::testing::Test {
 protected:
  void SetUp() override {
    sqlite3_open(":memory:", &db_);
    sqlite3_exec(db_,
                 "CREATE TABLE \"dbo.T\" (id int PRIMARY KEY, v int); INSERT INTO \"dbo.T\" VALUES (1, 1), (2, 2);"
                 "CREATE VIEW \"dbo.V\" AS SELECT id FROM \"dbo.T\";",
                 nullptr, nullptr, nullptr);
    cat_ = Catalog::load(db_);
    id_ = std::to_string(cat_.find("dbo", "T")->object_id);
  }
  void TearDown() override { sqlite3_close(db_); }
  Query tr(const std::string& sql) { return translate_select(split_batch(lex(sql)).at(0), cat_, info_); }
  int error_of(const std::string& sql) {
    try {
      tr(sql);
    } catch (const SqlError& e) {
      return e.number;
    }
    return 0;
  }
  sqlite3* db_ = nullptr;
  Catalog cat_;
  SessionInfo info_;
  std::string id_;
};

TEST_F(TranslateSys, CatalogFunctionsAreConstants) {
  EXPECT_EQ(tr("SELECT OBJECT_ID(N'[dbo].[T]'), OBJECT_ID('T'), OBJECT_ID(N'x.T'), "
               "COLUMNPROPERTY(OBJECT_ID(N'dbo.T'), N'v', 'ColumnId'), COLUMNPROPERTY(" + id_ + ", N'w', 'ColumnId')")
                .sqlite_sql,
            "SELECT " + id_ + ", " + id_ + ", NULL, 2, NULL");
  EXPECT_EQ(error_of("SELECT OBJECT_ID(name) FROM sys.stats"), 50000) << "only constant names are served";
}

TEST_F(TranslateSys, TablesampleDrawsPagesAndTheReadCounterCountsRows) {
  Query q = tr("SELECT id FROM T AS t TABLESAMPLE SYSTEM (2.5 PERCENT) REPEATABLE (3) WHERE v = 1");
  EXPECT_EQ(q.sqlite_sql, "SELECT \"id\" FROM \"dbo.T\" WHERE tds_sample(rowid, 2.5, 3) AND (\"v\" = '1')");
  EXPECT_EQ(q.reads, Reads::Sample);
  info_.count_reads = true;
  q = tr("SELECT id FROM T WHERE id >= 1 ORDER BY id");
  EXPECT_EQ(q.sqlite_sql, "SELECT \"id\" FROM \"dbo.T\" WHERE tds_read(rowid) AND (\"id\" >= '1') ORDER BY \"id\"");
  EXPECT_EQ(q.reads, Reads::Table);
  EXPECT_EQ(q.object, "dbo.T");
  EXPECT_EQ(tr("SELECT id FROM V").sqlite_sql, "SELECT \"id\" FROM \"dbo.V\"") << "a view has no rowid to count by";
  EXPECT_EQ(tr("SELECT stats_id FROM sys.stats").reads, Reads::Catalog);
  EXPECT_EQ(tr("SELECT step_number FROM sys.dm_db_stats_histogram(" + id_ + ", 1)").reads, Reads::Statistics);
}

TEST_F(TranslateSys, ErrorsUseSqlServerNumbers) {
  EXPECT_EQ(error_of("SELECT id FROM V TABLESAMPLE SYSTEM (5 PERCENT)"), 494);
  EXPECT_EQ(error_of("SELECT id FROM T TABLESAMPLE (101 PERCENT)"), 476);
  EXPECT_EQ(error_of("SELECT id FROM T TABLESAMPLE (1 PERCENT) REPEATABLE (1.5)"), 477);
  EXPECT_EQ(error_of("SELECT id FROM T TABLESAMPLE (1 PERCENT) REPEATABLE (0)"), 479);
  EXPECT_EQ(error_of("SELECT * FROM sys.dm_db_stats_histogram(1)"), 174);
  info_.stats_histogram = false;
  EXPECT_EQ(error_of("SELECT * FROM sys.dm_db_stats_histogram(" + id_ + ", 1)"), 208);
}

}  // namespace
}  // namespace tds_test

// The shared SQLite handles (include/recon/sqlite/handle.hpp) on a real in-memory database.
#include <gtest/gtest.h>

#include "recon/sqlite/handle.hpp"

namespace recon::sqlite {
namespace {

Db memory_db() {
  Db db;
  EXPECT_EQ(db.open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE), SQLITE_OK);
  return db;
}

TEST(SqliteHandle, OpensAndReportsErrors) {
  Db db;
  EXPECT_FALSE(db);
  EXPECT_STREQ(db.error(), "not open");
  db = memory_db();
  ASSERT_TRUE(db);
  const Stmt bad(db, "SELEC 1");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(std::string(db.error()).find("syntax error"), std::string::npos) << db.error();
  Db missing;
  EXPECT_NE(missing.open("/nonexistent-folder/x.db", SQLITE_OPEN_READONLY), SQLITE_OK);
  EXPECT_TRUE(missing) << "the handle is owned even when opening failed, for its message";
  EXPECT_NE(std::string(missing.error()).find("unable to open"), std::string::npos) << missing.error();
}

TEST(SqliteHandle, BindsAndReadsTextBlobsAndNull) {
  Db db = memory_db();
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (a, b, c, d)", nullptr, nullptr, nullptr), SQLITE_OK);
  {
    const Stmt ins(db, "INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
    ASSERT_TRUE(ins.ok());
    EXPECT_EQ(bind_text(ins, 1, std::string("é\0x", 4)), SQLITE_OK);  // embedded NUL kept
    EXPECT_EQ(bind_blob(ins, 2, ""), SQLITE_OK);                       // empty blob, not NULL
    EXPECT_EQ(bind_opt_text(ins, 3, ""), SQLITE_OK);                   // empty text stored as NULL
    EXPECT_EQ(bind_opt_text(ins, 4, "x"), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(ins), SQLITE_DONE);
  }
  const Stmt sel(db, "SELECT a, b, c, d, typeof(b) FROM t");
  ASSERT_EQ(sqlite3_step(sel), SQLITE_ROW);
  EXPECT_EQ(column_text(sel, 0), std::string("é\0x", 4));
  EXPECT_EQ(column_blob(sel, 1), "");
  EXPECT_FALSE(column_null(sel, 1));
  EXPECT_EQ(column_text(sel, 4), "blob");
  EXPECT_TRUE(column_null(sel, 2));
  EXPECT_EQ(column_text(sel, 2), "");
  EXPECT_EQ(column_text(sel, 3), "x");
}

TEST(SqliteHandle, MovesOwnership) {
  Db a = memory_db();
  sqlite3* raw = a.get();
  Db b = std::move(a);
  EXPECT_EQ(a.get(), nullptr);
  EXPECT_EQ(b.get(), raw);
  Stmt s(b, "SELECT 1");
  Stmt t = std::move(s);
  EXPECT_FALSE(s.ok());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(sqlite3_step(t), SQLITE_ROW);
  t = Stmt();  // finalized before the connection closes
  b.reset();
  EXPECT_FALSE(b);
}

}  // namespace
}  // namespace recon::sqlite

#pragma once
// Engine tests: SQL run on a SQLite file, as a test sets up its source and target.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

namespace engine_test {

/// Runs `sql` (one or more statements) on the SQLite file `file`, creating it; a failure fails the
/// test with SQLite's message and the SQL.
inline void exec(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  const std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << msg << " in " << sql;
}

}  // namespace engine_test

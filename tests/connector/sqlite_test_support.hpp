#pragma once
// Shared by the SQLite connector tests: throwaway database files and small builders.

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "recon/connector/sqlite.hpp"

namespace recon::sqlite_test {

/// A database file in the temp folder, removed on destruction; exec() writes through its own
/// read-write connection (the connector itself only ever opens read-only).
class TempDb {
 public:
  explicit TempDb(const std::string& tag)
      : path_(std::filesystem::temp_directory_path() /
              ("recon_sqlite_" + tag + "_" + std::to_string(::getpid()) + ".db")) {
    std::filesystem::remove(path_);
    if (sqlite3_open(path_.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("cannot create test db");
  }
  ~TempDb() {
    sqlite3_close(db_);
    std::filesystem::remove(path_);
  }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error("test SQL failed: " + msg + " in: " + sql);
    }
  }
  const std::filesystem::path& path() const { return path_; }
  std::unique_ptr<Connector> open(Side side = Side::Target) const {
    Endpoint ep;
    ep.kind = EngineKind::Sqlite;
    ep.url = path_.string();
    return make_sqlite_connector(ep, side);
  }

 private:
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
};

/// A column to read in class `cls` (native info from describe()).
inline SelectColumn column(const TableInfo& info, const std::string& name, TypeClass cls) {
  SelectColumn sc;
  bool found = false;
  for (const auto& c : info.columns)
    if (c.name == name) sc.native = c, found = true;
  if (!found) throw std::runtime_error("no column " + name);
  sc.compare_as = cls;
  return sc;
}

inline std::string int_key(std::int64_t v) {
  std::string k;
  canon::put_integer(k, v);
  return k;
}

}  // namespace recon::sqlite_test

#pragma once
// Private to the demo: a write-only SQLite file built in one transaction.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "recon/sqlite/handle.hpp"

namespace recon::demo {

/// One bound parameter: NULL, an integer or text (viewed, not copied: it must outlive insert()).
struct Param {
  enum class Kind : std::uint8_t { Null, Int, Text } kind;
  std::int64_t i = 0;
  std::string_view s;
  Param(std::nullptr_t) : kind(Kind::Null) {}
  Param(std::int64_t v) : kind(Kind::Int), i(v) {}
  Param(int v) : kind(Kind::Int), i(v) {}
  Param(std::string_view v) : kind(Kind::Text), s(v) {}
  Param(const std::string& v) : kind(Kind::Text), s(v) {}
  Param(const char* v) : kind(Kind::Text), s(v) {}
  Param(const std::optional<std::string>& v)
      : kind(v ? Kind::Text : Kind::Null), s(v ? std::string_view(*v) : std::string_view()) {}
};

/// Creates `path` afresh (an existing file and its -journal/-wal/-shm are removed), applies the
/// build pragmas and the schema, and opens a transaction that commit() ends.
class Writer {
 public:
  explicit Writer(const std::filesystem::path& path);
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  /// Creates the secondary indexes, then commits.
  void commit();
  /// Prepares a statement owned by the writer; the handle indexes insert().
  std::size_t prepare(std::string_view sql);
  void insert(std::size_t stmt, std::initializer_list<Param> params);

 private:
  [[noreturn]] void fail(const std::string& what) const;
  void exec(std::string_view sql);

  std::filesystem::path path_;
  sqlite::Db db_;
  std::vector<sqlite::Stmt> stmts_;
};

}  // namespace recon::demo

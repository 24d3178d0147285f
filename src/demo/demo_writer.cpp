// The demo's SQLite writer.
#include "demo_writer.hpp"

#include <stdexcept>
#include <system_error>

#include "recon/core/errors.hpp"
#include "recon/generated/sql_text.hpp"

namespace recon::demo {

Writer::Writer(const std::filesystem::path& path) : path_(path) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    std::filesystem::remove(path.string() + suffix, ec);
    if (ec)
      throw InputError("cannot replace demo database " + path.string() + suffix + ": " + ec.message() +
                       "; choose another --out folder");
  }
  if (db_.open(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX) != SQLITE_OK) {
    const std::string msg = db_ ? db_.error() : "out of memory";
    db_.reset();
    throw InputError("cannot create demo database " + path.string() + ": " + msg +
                     "; check that the --out folder exists and is writable");
  }
  exec(sql::demo_build_pragmas);
  exec(sql::demo_schema);
  exec("BEGIN");
}

void Writer::fail(const std::string& what) const {
  throw std::runtime_error("demo database " + path_.string() + ": " + what + ": " + sqlite3_errmsg(db_));
}

void Writer::exec(std::string_view sql) {
  const std::string text(sql);  // sqlite3_exec needs a NUL-terminated string
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail("running setup SQL");
}

std::size_t Writer::prepare(std::string_view sql) {
  sqlite::Stmt s(db_, sql);
  if (!s.ok()) fail("preparing an insert");
  stmts_.push_back(std::move(s));
  return stmts_.size() - 1;
}

void Writer::insert(std::size_t stmt, std::initializer_list<Param> params) {
  sqlite3_stmt* s = stmts_[stmt].get();
  int i = 1;
  for (const Param& p : params) {
    int rc = SQLITE_OK;
    switch (p.kind) {
      case Param::Kind::Null: rc = sqlite3_bind_null(s, i); break;
      case Param::Kind::Int: rc = sqlite3_bind_int64(s, i, p.i); break;
      case Param::Kind::Text:  // SQLITE_STATIC: the caller's strings outlive the step below
        rc = sqlite3_bind_text64(s, i, p.s.data(), p.s.size(), SQLITE_STATIC, SQLITE_UTF8);
        break;
    }
    if (rc != SQLITE_OK) fail("binding a value");
    ++i;
  }
  if (sqlite3_step(s) != SQLITE_DONE) fail("inserting a row");
  sqlite3_reset(s);
}

void Writer::commit() {
  exec(sql::demo_indexes);
  exec("COMMIT");
}

}  // namespace recon::demo

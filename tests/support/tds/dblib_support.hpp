#pragma once
/// Test helpers: a fixture SQLite file, an in-process tds_test_server on a free port, and
/// DB-Library (the real FreeTDS client) connections with their messages captured.

#include <sqlite3.h>
#include <sybdb.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server.hpp"

namespace tds_test::testing {

/// sybdb.h's SUCCEED / FAIL, which GoogleTest's SUCCEED() / FAIL() macros shadow.
constexpr RETCODE kDbOk = 1, kDbFail = 0;

/// Server messages (msgno) and client errors (dberr) seen by DB-Library's handlers.
struct Captured {
  std::mutex mu;
  std::vector<int> msg_numbers;
  std::vector<std::string> msg_texts;
  std::vector<int> errors;
  void clear() {
    std::lock_guard l(mu);
    msg_numbers.clear();
    msg_texts.clear();
    errors.clear();
  }
  bool saw_msg(int n) {
    std::lock_guard l(mu);
    for (int m : msg_numbers)
      if (m == n) return true;
    return false;
  }
};

inline Captured& captured() {
  static Captured c;
  return c;
}

inline int msg_handler(DBPROCESS*, DBINT msgno, int, int severity, char* text, char*, char*, int) {
  if (severity > 0 || (msgno != 5701 && msgno != 5703)) {
    std::lock_guard l(captured().mu);
    captured().msg_numbers.push_back(int(msgno));
    captured().msg_texts.push_back(text ? text : "");
  }
  return 0;
}

inline int err_handler(DBPROCESS*, int, int dberr, int, char*, char*) {
  std::lock_guard l(captured().mu);
  captured().errors.push_back(dberr);
  return INT_CANCEL;
}

/// dbinit once per process, with a private freetds.conf (TDS 7.4, UTF-8 client charset).
inline void init_dblib() {
  static const bool once = [] {
    // One shared file, written under a private name and renamed, so parallel test processes
    // never read a half-written one and nothing piles up in the temp directory.
    const auto conf = std::filesystem::temp_directory_path() / "tds_test_server_freetds.conf";
    const auto tmp = conf.string() + "." + std::to_string(::getpid());
    FILE* f = std::fopen(tmp.c_str(), "w");
    std::fputs("[global]\n\ttds version = 7.4\n\tclient charset = UTF-8\n", f);
    std::fclose(f);
    std::filesystem::rename(tmp, conf);
    ::setenv("FREETDSCONF", conf.c_str(), 1);
    ::setenv("TDSVER", "7.4", 1);
    dbinit();
    dberrhandle(err_handler);
    dbmsghandle(msg_handler);
    dbsetlogintime(10);
    dbsettime(30);
    return true;
  }();
  (void)once;
}

/// A fixture file in a fresh temp directory built from SQL, served by an in-process server.
class ServedFixture {
 public:
  /// `tune` may change the server's options before it starts (a read log beside the fixture,
  /// o.db_path + ".reads", is removed with it).
  explicit ServedFixture(const std::string& sql, std::optional<std::uint64_t> fail_after_rows = std::nullopt,
                         const std::function<void(ServerOptions&)>& tune = nullptr) {
    init_dblib();
    dir_ = std::filesystem::temp_directory_path() /
           ("tds_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "fixture.db").string();
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      ADD_FAILURE() << "fixture SQL failed: " << (err ? err : "?");
      sqlite3_free(err);
    }
    sqlite3_close(db);
    ServerOptions o;
    o.db_path = path_;
    o.user = "recon";
    o.password = "S3cret!pw";
    o.fail_after_rows = fail_after_rows;
    if (tune) tune(o);
    server_ = std::make_unique<Server>(o);
    server_->start();
  }
  ~ServedFixture() {
    server_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::uint16_t port() const { return server_->port(); }
  const std::string& path() const { return path_; }

  /// A logged-in DB-Library connection (nullptr when the login failed).
  DBPROCESS* connect(const std::string& password = "S3cret!pw", int packet_size = 0) const {
    LOGINREC* login = dblogin();
    DBSETLUSER(login, "recon");
    DBSETLPWD(login, password.c_str());
    DBSETLAPP(login, "test_tds_server");
    DBSETLVERSION(login, DBVERSION_74);
    DBSETLCHARSET(login, "UTF-8");
    DBSETLDBNAME(login, "recon");
    if (packet_size) DBSETLPACKET(login, packet_size);
    const std::string server = "127.0.0.1:" + std::to_string(port());
    DBPROCESS* p = dbopen(login, server.c_str());
    dbloginfree(login);
    return p;
  }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Server> server_;
};

/// Closes a DBPROCESS at scope end.
struct Conn {
  DBPROCESS* p;
  explicit Conn(DBPROCESS* d) : p(d) {}
  ~Conn() {
    if (p) dbclose(p);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  operator DBPROCESS*() const { return p; }
};

/// Runs one statement; every row's columns as text (dbconvert to SYBCHAR, strings as sent), NULL
/// as nullopt. Returns false when dbsqlexec or dbresults failed.
inline bool query(DBPROCESS* p, const std::string& sql, std::vector<std::vector<std::optional<std::string>>>& rows) {
  rows.clear();
  dbcmd(p, sql.c_str());
  if (dbsqlexec(p) != kDbOk) return false;
  RETCODE rc;
  bool ok = true;
  while ((rc = dbresults(p)) != NO_MORE_RESULTS) {
    if (rc == kDbFail) {
      ok = false;
      break;
    }
    const int n = dbnumcols(p);
    while ((rc = dbnextrow(p)) != NO_MORE_ROWS) {
      if (rc == kDbFail) return false;
      std::vector<std::optional<std::string>> row;
      for (int c = 1; c <= n; ++c) {
        BYTE* d = dbdata(p, c);
        const DBINT len = dbdatlen(p, c);
        if (!d && len == 0) {
          row.emplace_back();
          continue;
        }
        const int type = dbcoltype(p, c);
        if (type == SYBCHAR || type == SYBVARCHAR || type == SYBTEXT || type == SYBNTEXT || type == SYBNVARCHAR) {
          row.emplace_back(std::string(reinterpret_cast<const char*>(d), std::size_t(len)));
        } else {
          std::vector<char> buf(std::size_t(len) * 2 + 256);
          // destlen -1: NUL-terminated (a positive length would be blank-padded).
          const DBINT n2 = dbconvert(p, type, d, len, SYBCHAR, reinterpret_cast<BYTE*>(buf.data()), -1);
          row.emplace_back(n2 < 0 ? std::string("<convert failed>") : std::string(buf.data()));
        }
      }
      rows.push_back(std::move(row));
    }
  }
  return ok;
}

}  // namespace tds_test::testing

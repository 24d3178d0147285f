#pragma once
// The TDS 7.4 test server (tests/support/tds) as the SQL Server connector tests start it: its
// binary, a child process serving a SQLite fixture on a free loopback port, the fixture, and the
// connector's side of a test (endpoint, range queries, rows as text).
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "recon/connector/connector.hpp"
#include "recon/core/canonical.hpp"

extern char** environ;

namespace recon::tds_test {

/// The login the test server is started with.
inline constexpr const char* kUser = "recon";
inline constexpr const char* kPassword = "S3cret-pw";

/// The server binary: the build's RECON_TDS_SERVER, else $RECON_TDS_SERVER, else the usual
/// place in the build tree next to this test binary; "" when it was not built.
inline std::string server_binary() {
  namespace fs = std::filesystem;
#ifdef RECON_TDS_SERVER
  if (fs::exists(RECON_TDS_SERVER)) return RECON_TDS_SERVER;
#endif
  if (const char* env = std::getenv("RECON_TDS_SERVER"); env && fs::exists(env)) return env;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  for (const char* rel : {"tests/support/tds_test_server", "tds_test_server"})
    if (!ec && fs::exists(self.parent_path() / rel)) return (self.parent_path() / rel).string();
  return {};
}

/// tds_test_server serving `db` on a free port, as its own process; killed on destruction.
class TdsServer {
 public:
  TdsServer(const std::string& binary, const std::string& db, std::vector<std::string> extra = {}) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    std::vector<std::string> args = {binary, "--db", db, "--port", "0", "--user", kUser, "--password", kPassword};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    const int rc = posix_spawn(&pid_, binary.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    if (rc != 0) throw std::runtime_error("cannot start " + binary);
    out_ = ::fdopen(out[0], "r");
    char line[256];
    while (out_ && std::fgets(line, sizeof line, out_)) {
      const std::string s = line;
      const auto at = s.find("listening on 127.0.0.1:");
      if (at != std::string::npos) {
        port_ = std::stoi(s.substr(at + 23));
        break;
      }
    }
    if (port_ == 0) throw std::runtime_error("tds_test_server did not say where it listens");
  }
  ~TdsServer() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    if (out_) std::fclose(out_);
  }
  TdsServer(const TdsServer&) = delete;
  TdsServer& operator=(const TdsServer&) = delete;
  int port() const { return port_; }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
  FILE* out_ = nullptr;
};

/// A SQLite fixture in the temp folder.
class Fixture {
 public:
  explicit Fixture(const std::string& tag)
      : path_(std::filesystem::temp_directory_path() / ("recon_tds_" + tag + "_" + std::to_string(::getpid()) + ".db")) {
    std::filesystem::remove(path_);
    if (sqlite3_open(path_.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("cannot create fixture");
  }
  ~Fixture() {
    sqlite3_close(db_);
    std::filesystem::remove(path_);
  }
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error("fixture SQL failed: " + msg + " in: " + sql);
    }
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
};

inline Endpoint endpoint(int port, const std::string& password = kPassword, const std::string& db = "recon_test") {
  Endpoint ep;
  ep.kind = EngineKind::SqlServer;
  ep.url = "sqlserver://" + std::string(kUser) + "@127.0.0.1:" + std::to_string(port) + "/" + db;
  ep.password = password;
  ep.password_env = "RECON_TEST_MSSQL_PASSWORD";
  ep.login_timeout_s = 5;
  return ep;
}

inline SelectColumn select(const TableInfo& info, const std::string& name) {
  const ColumnInfo* c = info.find(name);
  if (c == nullptr) throw std::runtime_error("no column " + name);
  SelectColumn s;
  s.native = *c;
  s.compare_as = c->type_class.value_or(TypeClass::Text);
  s.trim_padding = c->padded_char;
  s.single_float = c->single_float;
  return s;
}

inline RangeQuery whole(const TableInfo& info, const std::vector<std::string>& keys, const std::vector<std::string>& values) {
  RangeQuery q;
  q.table = info.ref;
  for (const auto& k : keys) q.keys.push_back(select(info, k));
  for (const auto& v : values) q.values.push_back(select(info, v));
  return q;
}

/// Row `r` of a batch as "key | v1 | v2 …" in display form.
inline std::string row_text(const RowBatch& b, std::size_t r) {
  std::string s;
  for (std::string_view part : {b.key(r), b.values(r)}) {
    std::size_t pos = 0;
    while (pos < part.size()) {
      if (!s.empty()) s += " | ";
      s += canon::to_display(canon::read_value(part, pos));
    }
  }
  return s;
}

inline std::string int_key(std::int64_t v) {
  std::string s;
  canon::put_integer(s, v);
  return s;
}

/// One line of the test server's --read-log (docs/tds-test-server.md, "Read log").
struct ReadLogLine {
  std::string reads;  ///< table, tablesample, histogram, catalog or none
  std::uint64_t rows_read = 0, rows_sent = 0;
  std::string object, statement;
};

/// Every line of a read log so far, in order.
inline std::vector<ReadLogLine> read_log(const std::string& path) {
  std::vector<ReadLogLine> out;
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return out;
  char buf[65536];
  while (std::fgets(buf, sizeof buf, f)) {
    std::vector<std::string> fields;
    std::string line(buf);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    std::size_t at = 0;
    for (std::size_t tab; (tab = line.find('\t', at)) != std::string::npos && fields.size() < 7; at = tab + 1)
      fields.push_back(line.substr(at, tab - at));
    fields.push_back(line.substr(at));
    if (fields.size() != 8) continue;
    out.push_back(ReadLogLine{fields[3], std::stoull(fields[4]), std::stoull(fields[5]), fields[6], fields[7]});
  }
  std::fclose(f);
  return out;
}

}  // namespace recon::tds_test

#pragma once
/// MySQL side of the end-to-end suite: a throwaway MariaDB server (Debian's mariadb-server) in a
/// temp dir on a private loopback port, like pg_virtualenv for PostgreSQL, and a small client to
/// set it up and compute truth on it.

#include <mysql.h>

#include <optional>
#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace e2e {

/// The login the tests create. The password reaches recon only through kMyPasswordEnv.
inline constexpr const char* kMyUser = "recon";
inline constexpr const char* kMyPassword = "My-Pw-4kz9q";
inline constexpr const char* kMyPasswordEnv = "E2E_MYSQL_PASSWORD";

/// True when mariadb-install-db and mariadbd are installed: MySQL tests skip otherwise.
bool have_mariadb();

/// A mariadbd child on a free loopback port over a fresh data directory (mariadb-install-db),
/// with the user kMyUser/kMyPassword allowed everything (GRANT OPTION included: the doctor tests
/// run the least-privilege statements as written). Starting takes a few seconds: share one
/// per suite (SetUpTestSuite). SIGTERM and reaped on destruction.
class MariaDbServer {
 public:
  MariaDbServer();
  ~MariaDbServer();
  MariaDbServer(const MariaDbServer&) = delete;
  MariaDbServer& operator=(const MariaDbServer&) = delete;
  int port() const { return port_; }
  /// mysql://recon@127.0.0.1:PORT/<database> (password in kMyPasswordEnv).
  std::string url(const std::string& database) const;
  /// The [source]/[target] section for `database` (`side` is "source" or "target").
  std::string side_toml(const std::string& side, const std::string& database) const;

 private:
  TempDir dir_;
  int pid_ = 0;
  int port_ = 0;
};

/// A client session as kMyUser (multi-statements on), to write fixtures and compute truth.
class MyDb {
 public:
  MyDb(const MariaDbServer& server, const std::string& database = "");
  ~MyDb();
  MyDb(const MyDb&) = delete;
  MyDb& operator=(const MyDb&) = delete;
  /// Runs one or more statements; throws std::runtime_error with the server's message.
  void exec(const std::string& sql);
  /// Rows of one query; NULL as nullopt.
  std::vector<std::vector<std::optional<std::string>>> query(const std::string& sql);
  std::int64_t count(const std::string& sql);

 private:
  MYSQL* conn_ = nullptr;
};

/// Environment for recon: the MariaDB password in kMyPasswordEnv.
EnvEdits my_env();

}  // namespace e2e

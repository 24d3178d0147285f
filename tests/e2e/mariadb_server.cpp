#include "mariadb_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "tds_fixture.hpp"

extern char** environ;

namespace e2e {
namespace {

constexpr const char* kInstallDb = "/usr/bin/mariadb-install-db";
constexpr const char* kServer = "/usr/sbin/mariadbd";

MYSQL* open_session(const std::string& host, int port, const std::string& user, const std::string& password,
                    const std::string& database, const std::string& socket, std::string& error) {
  MYSQL* c = mysql_init(nullptr);
  const unsigned timeout = 2;
  mysql_options(c, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(c, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (mysql_real_connect(c, socket.empty() ? host.c_str() : nullptr, user.c_str(), password.c_str(),
                         database.empty() ? nullptr : database.c_str(), static_cast<unsigned>(port),
                         socket.empty() ? nullptr : socket.c_str(), CLIENT_MULTI_STATEMENTS))
    return c;
  error = mysql_error(c);
  mysql_close(c);
  return nullptr;
}

/// Runs every statement of `sql`, dropping any rows; throws with the server's message.
void run_all(MYSQL* c, const std::string& sql) {
  if (mysql_real_query(c, sql.data(), sql.size()) != 0)
    throw std::runtime_error("mariadb: " + std::string(mysql_error(c)) + " in: " + sql.substr(0, 300));
  for (;;) {
    if (MYSQL_RES* r = mysql_store_result(c)) mysql_free_result(r);
    const int next = mysql_next_result(c);
    if (next > 0) throw std::runtime_error("mariadb: " + std::string(mysql_error(c)) + " in: " + sql.substr(0, 300));
    if (next < 0) return;
  }
}

}  // namespace

bool have_mariadb() { return fs::exists(kInstallDb) && fs::exists(kServer); }

MariaDbServer::MariaDbServer() : dir_("mariadb") {
  const fs::path data = dir_ / "data", sock = dir_ / "sock";
  std::vector<std::string> install = {"--no-defaults", "--auth-root-authentication-method=normal",
                                      "--datadir=" + data.string(), "--skip-test-db"};
  if (geteuid() == 0) install.push_back("--user=root");
  const ProcResult r = run_process(kInstallDb, install, {}, 120);
  if (r.exit_code != 0) throw std::runtime_error("mariadb-install-db failed: " + r.describe());
  port_ = unused_port();
  std::vector<std::string> args = {kServer, "--no-defaults", "--datadir=" + data.string(),
                                   "--socket=" + sock.string(), "--port=" + std::to_string(port_),
                                   "--bind-address=127.0.0.1", "--skip-log-bin", "--innodb-buffer-pool-size=32M",
                                   "--log-error=" + (dir_ / "error.log").string(),
                                   "--pid-file=" + (dir_ / "mariadbd.pid").string()};
  if (geteuid() == 0) args.push_back("--user=root");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, kServer, &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error(std::string("cannot start mariadbd: ") + std::strerror(rc));
  pid_ = pid;
  // Wait (bounded) until root can log in through the socket, then make the test login.
  std::string error;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (MYSQL* c = open_session("", 0, "root", "", "", sock.string(), error)) {
      run_all(c, "CREATE USER '" + std::string(kMyUser) + "'@'%' IDENTIFIED BY '" + kMyPassword +
                     "'; GRANT ALL ON *.* TO '" + kMyUser + "'@'%' WITH GRANT OPTION");
      mysql_close(c);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("mariadbd did not accept logins within 30 s: " + error + "\n" +
                           read_file(dir_ / "error.log"));
}

MariaDbServer::~MariaDbServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string MariaDbServer::url(const std::string& database) const {
  return "mysql://" + std::string(kMyUser) + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string MariaDbServer::side_toml(const std::string& side, const std::string& database) const {
  return "[" + side + "]\nkind = \"mysql\"\nurl = \"" + url(database) + "\"\npassword_env = \"" + kMyPasswordEnv +
         "\"\nlogin_timeout = 5\n";
}

MyDb::MyDb(const MariaDbServer& server, const std::string& database) {
  std::string error;
  conn_ = open_session("127.0.0.1", server.port(), kMyUser, kMyPassword, database, "", error);
  if (!conn_) throw std::runtime_error("cannot log in to mariadb: " + error);
  run_all(conn_, "SET time_zone = '+00:00'");
}

MyDb::~MyDb() {
  if (conn_) mysql_close(conn_);
}

void MyDb::exec(const std::string& sql) { run_all(conn_, sql); }

std::vector<std::vector<std::optional<std::string>>> MyDb::query(const std::string& sql) {
  if (mysql_real_query(conn_, sql.data(), sql.size()) != 0)
    throw std::runtime_error("mariadb: " + std::string(mysql_error(conn_)) + " in: " + sql.substr(0, 300));
  std::vector<std::vector<std::optional<std::string>>> rows;
  MYSQL_RES* res = mysql_store_result(conn_);
  if (!res) return rows;
  const unsigned n = mysql_num_fields(res);
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    const unsigned long* len = mysql_fetch_lengths(res);
    auto& out = rows.emplace_back();
    for (unsigned i = 0; i < n; ++i)
      out.push_back(row[i] ? std::optional<std::string>(std::string(row[i], len[i])) : std::nullopt);
  }
  mysql_free_result(res);
  return rows;
}

std::int64_t MyDb::count(const std::string& sql) {
  const auto rows = query(sql);
  if (rows.empty() || rows[0].empty() || !rows[0][0]) throw std::runtime_error("no count from: " + sql);
  return std::stoll(*rows[0][0]);
}

EnvEdits my_env() { return {{kMyPasswordEnv, kMyPassword}}; }

}  // namespace e2e

#include "tds_fixture.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace e2e {

std::string tds_server_binary() {
#ifdef RECON_TDS_SERVER
  if (fs::exists(RECON_TDS_SERVER)) return RECON_TDS_SERVER;
#endif
  if (const char* env = std::getenv("RECON_TDS_SERVER"); env && fs::exists(env)) return env;
  return {};
}

TdsServer::TdsServer(const fs::path& fixture, const std::vector<std::string>& extra) {
  const std::string binary = tds_server_binary();
  if (binary.empty()) throw std::runtime_error("tds_test_server was not built (target tds_test_server)");
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed: " + std::string(std::strerror(errno)));
  std::vector<std::string> args = {binary, "--db", fixture.string(), "--port", "0", "--user", kTdsUser,
                                   "--password", kTdsPassword};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, binary.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    throw std::runtime_error("cannot start " + binary + ": " + std::strerror(rc));
  }
  pid_ = pid;
  out_fd_ = out[0];

  // Wait (bounded) for the "listening on 127.0.0.1:PORT" line; stdout stays open afterwards so
  // the server never writes into a closed pipe.
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (port_ == 0 && std::chrono::steady_clock::now() < deadline) {
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[256];
    const ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<std::size_t>(n));
    const auto at = seen.find("listening on 127.0.0.1:");
    if (at != std::string::npos && seen.find('\n', at) != std::string::npos) port_ = std::stoi(seen.substr(at + 23));
  }
  if (port_ == 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    close(out_fd_);
    throw std::runtime_error("tds_test_server did not report its port (fixture " + fixture.string() +
                             "); it printed: " + seen);
  }
}

TdsServer::~TdsServer() {
  kill(pid_, SIGTERM);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  close(out_fd_);
}

int unused_port() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) throw std::runtime_error("socket failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    close(s);
    throw std::runtime_error("cannot bind a loopback port");
  }
  close(s);  // never listened on: connecting gets ECONNREFUSED
  return ntohs(a.sin_port);
}

void fixture_insert(SqliteDb& db, const std::string& table, const std::vector<FixtureValue>& values) {
  std::string sql = "INSERT INTO \"" + table + "\" VALUES (";
  for (std::size_t i = 0; i < values.size(); ++i) sql += (i ? ", " : "") + (values[i].real ? "?" : values[i].sql);
  sql += ")";
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    throw std::runtime_error("fixture: " + std::string(sqlite3_errmsg(db.handle())) + " in: " + sql.substr(0, 300));
  int param = 0;
  for (const auto& v : values)
    if (v.real) sqlite3_bind_double(st, ++param, *v.real);
  const int rc = sqlite3_step(st);
  const std::string msg = sqlite3_errmsg(db.handle());
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) throw std::runtime_error("fixture: " + msg + " in: " + sql.substr(0, 300));
}

std::string tds_source_toml(int port) {
  return "[source]\nkind = \"sqlserver\"\nurl = \"sqlserver://" + std::string(kTdsUser) + "@127.0.0.1:" +
         std::to_string(port) + "/" + kTdsDatabase + "\"\npassword_env = \"" + kTdsPasswordEnv +
         "\"\nlogin_timeout = 5\n";
}

std::string tds_job(int port, const PgDatabase& db, const std::string& tables, const std::string& check) {
  return tds_source_toml(port) + "\n[target]\nkind = \"postgres\"\nurl = " + toml_str(db.conninfo()) +
         "\n\n[check]\nthreads = 2\n" + check + "\n\n" + tables;
}

EnvEdits tds_env(const std::string& password) { return {{kTdsPasswordEnv, password}}; }

ProcResult run_check(const TempDir& dir, const std::string& out, const std::string& password) {
  return run_recon({"check", "--config", (dir / "job.toml").string(), "--out", (dir / out).string(), "--audit",
                    (dir / "audit.db").string(), "--no-progress"},
                   tds_env(password), 120);
}

std::string sql_str(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

}  // namespace e2e

#pragma once
// The TDS 7.4 test server (tests/support/tds) as the SQL Server connector tests start it: its
// binary, and a child process serving a SQLite fixture on a free loopback port.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

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

}  // namespace recon::tds_test

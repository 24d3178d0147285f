#pragma once
/// The TDS 7.4 test server: listens on loopback, one thread per connection, serves the SQLite
/// fixture's tables to real TDS clients (FreeTDS). A wire-faithful test peer, not SQL Server:
/// see docs/tds-test-server.md for what it accepts.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "catalog.hpp"
#include "read_log.hpp"

namespace tds_test {

struct ServerOptions {
  std::string db_path;
  std::uint16_t port = 0;  ///< 0: the kernel picks a free port
  std::string user, password;
  /// Close the socket abruptly after this many rows of any one result.
  std::optional<std::uint64_t> fail_after_rows;
  /// Append one line per SELECT to this file (read_log.hpp); "" for none.
  std::string read_log;
  /// sys.dm_db_stats_histogram exists, as from SQL Server 2016 SP1 CU2 on.
  bool stats_histogram = true;
};

class Server {
 public:
  /// Loads the fixture's catalog and binds 127.0.0.1:port. Throws std::runtime_error naming the
  /// file, table or column when the fixture is unusable, or when the port cannot be bound.
  explicit Server(ServerOptions opts);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const { return port_; }
  /// Starts accepting connections on a background thread.
  void start();
  /// Blocks until stop() (the command-line server runs until killed).
  void wait();
  /// Stops accepting, resets every open session and waits for their threads.
  void stop();

 private:
  void accept_loop();
  void serve(int fd, int spid);

  ServerOptions opts_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<ReadLog> read_log_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread acceptor_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable idle_;
  std::set<int> session_fds_;
  int sessions_ = 0;
};

}  // namespace tds_test

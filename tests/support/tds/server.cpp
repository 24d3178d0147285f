// The listener: loopback only, one detached thread per connection, counted so stop() can wait.
#include "server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "session.hpp"

namespace tds_test {

Server::Server(ServerOptions opts) : opts_(std::move(opts)) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(opts_.db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("cannot open fixture '" + opts_.db_path + "': " + msg);
  }
  try {
    catalog_ = std::make_unique<Catalog>(Catalog::load(db));
  } catch (const std::exception& e) {
    sqlite3_close(db);
    throw std::runtime_error("fixture '" + opts_.db_path + "': " + e.what());
  }
  sqlite3_close(db);
  if (!opts_.read_log.empty()) read_log_ = std::make_unique<ReadLog>(opts_.read_log);

  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(opts_.port);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0) {
    const std::string msg = std::strerror(errno);
    ::close(listen_fd_);
    throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(opts_.port) + ": " + msg);
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

Server::~Server() { stop(); }

void Server::start() { acceptor_ = std::thread([this] { accept_loop(); }); }

void Server::wait() {
  if (acceptor_.joinable()) acceptor_.join();
}

void Server::stop() {
  if (stopping_.exchange(true)) return;
  ::shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  ::close(listen_fd_);
  std::unique_lock lock(mu_);
  for (int fd : session_fds_) ::shutdown(fd, SHUT_RDWR);
  idle_.wait(lock, [this] { return sessions_ == 0; });
}

void Server::accept_loop() {
  int next_spid = 51;  // SQL Server's user sessions start above the system ones
  while (!stopping_) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // shut down
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    {
      std::lock_guard lock(mu_);
      if (stopping_) {
        ::close(fd);
        return;
      }
      session_fds_.insert(fd);
      ++sessions_;
    }
    const int spid = next_spid++;
    std::thread([this, fd, spid] { serve(fd, spid); }).detach();
  }
}

void Server::serve(int fd, int spid) {
  {
    Session s(fd, spid, opts_, *catalog_, read_log_.get());
    s.run();
    std::lock_guard lock(mu_);
    session_fds_.erase(fd);  // before the session closes it, so stop() never touches a reused fd
  }
  std::lock_guard lock(mu_);
  --sessions_;
  idle_.notify_all();
}

}  // namespace tds_test

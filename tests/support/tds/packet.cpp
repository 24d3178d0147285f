// Socket I/O and packet framing.
#include "packet.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tds_test {

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

void Connection::read_exact(std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    const ssize_t r = ::recv(fd_, p, n, 0);
    if (r == 0) throw ClientGone("client closed the connection");
    if (r < 0) {
      if (errno == EINTR) continue;
      throw ClientGone(std::string("recv: ") + std::strerror(errno));
    }
    p += r;
    n -= std::size_t(r);
  }
}

bool Connection::read_message(Message& m) {
  m.payload.clear();
  bool first = true;
  while (true) {
    std::uint8_t h[8];
    if (first) {
      // An orderly close between messages is the normal end of a session.
      const ssize_t r = ::recv(fd_, h, 1, 0);
      if (r == 0) return false;
      if (r < 0) throw ClientGone(std::string("recv: ") + std::strerror(errno));
      read_exact(h + 1, 7);
    } else {
      read_exact(h, 8);
    }
    const std::size_t len = std::size_t(h[2]) << 8 | h[3];
    if (len < 8) throw ProtocolError("packet length " + std::to_string(len) + " is shorter than its header");
    if (!first && h[0] != m.type) throw ProtocolError("packet type changed inside a message");
    m.type = h[0];
    m.status = h[1];
    const std::size_t at = m.payload.size();
    m.payload.resize(at + len - 8);
    read_exact(m.payload.data() + at, len - 8);
    first = false;
    if (m.status & kStatusEom) return true;
  }
}

bool Connection::readable_now() const {
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR));
}

void Connection::send_all(const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    const ssize_t r = ::send(fd_, p, n, MSG_NOSIGNAL);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw ClientGone(std::string("send: ") + std::strerror(errno));
    }
    p += r;
    n -= std::size_t(r);
  }
}

void Connection::abort() {
  // FIN, not RST: a reset would make the client's kernel drop rows already in flight, and the
  // point is that the client reads them and then finds the message cut off.
  ::shutdown(fd_, SHUT_RDWR);
  ::close(fd_);
  fd_ = -1;
}

void ResponseWriter::frame(const std::uint8_t* p, std::size_t n, bool eom) {
  const std::size_t len = n + 8;
  const std::uint8_t h[8] = {kTabularResult, std::uint8_t(eom ? kStatusEom : 0), std::uint8_t(len >> 8),
                             std::uint8_t(len), std::uint8_t(spid_ >> 8), std::uint8_t(spid_), packet_id_, 0};
  packet_id_ = std::uint8_t(packet_id_ + 1);
  wire_.insert(wire_.end(), h, h + 8);
  wire_.insert(wire_.end(), p, p + n);
}

void ResponseWriter::send_wire() {
  if (wire_.empty()) return;
  conn_.send_all(wire_.data(), wire_.size());
  wire_.clear();
}

void ResponseWriter::frame_full(std::size_t send_threshold) {
  const std::size_t body = packet_size_ - 8;
  std::size_t at = 0;
  // Keep at least one byte back: the message's last packet must carry EOM.
  while (payload_.size() - at > body) {
    frame(payload_.data() + at, body, false);
    at += body;
  }
  payload_.erase(payload_.begin(), payload_.begin() + std::ptrdiff_t(at));
  if (wire_.size() >= send_threshold) {
    send_wire();
    if (on_sent_) on_sent_();
  }
}

void ResponseWriter::end_message() {
  frame_full(SIZE_MAX);
  frame(payload_.data(), payload_.size(), true);
  payload_.clear();
  send_wire();
  packet_id_ = 1;
}

void ResponseWriter::flush_partial() {
  frame_full(SIZE_MAX);
  if (!payload_.empty()) frame(payload_.data(), payload_.size(), false);
  payload_.clear();
  send_wire();
}

}  // namespace tds_test

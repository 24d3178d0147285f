#pragma once
/// TDS packet framing (MS-TDS 2.2.3): an 8-byte big-endian header (type, status, length, SPID,
/// packet id, window) before each packet; a message is the packets up to the one with EOM set.

#include <cstdint>
#include <functional>
#include <stdexcept>

#include "wire.hpp"

namespace tds_test {

enum PacketType : std::uint8_t {
  kSqlBatch = 0x01,
  kRpc = 0x03,
  kTabularResult = 0x04,
  kAttention = 0x06,
  kTransactionManager = 0x0E,
  kLogin7 = 0x10,
  kPrelogin = 0x12,
};
constexpr std::uint8_t kStatusEom = 0x01;
constexpr std::uint8_t kStatusIgnore = 0x02;

/// The client closed the connection or the socket failed: the session ends quietly.
struct ClientGone : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Message {
  std::uint8_t type = 0;
  std::uint8_t status = 0;  ///< status of the last packet
  Bytes payload;
};

/// A connected socket (owned; closed on destruction).
class Connection {
 public:
  explicit Connection(int fd) : fd_(fd) {}
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Reads one whole message. False when the peer closed the connection between messages.
  bool read_message(Message& m);
  /// True when bytes are waiting to be read (never blocks).
  bool readable_now() const;
  /// Writes everything or throws ClientGone.
  void send_all(const std::uint8_t* p, std::size_t n);
  /// Closes the connection in the middle of a message: the "server gone mid-stream" case.
  void abort();
  int fd() const { return fd_; }

 private:
  void read_exact(std::uint8_t* p, std::size_t n);
  int fd_;
};

/// Builds one response message and sends it as packets of the negotiated size. Payload is
/// appended through out(); full packets go out as soon as there is more than one packet's worth,
/// batched into large writes, so a result streams without being held in memory.
class ResponseWriter {
 public:
  ResponseWriter(Connection& c, std::uint16_t spid) : conn_(c), spid_(spid) {}
  void set_packet_size(std::size_t n) { packet_size_ = n; }
  std::size_t packet_size() const { return packet_size_; }
  /// Called after every socket write of a message in progress (the session polls for ATTENTION).
  void on_sent(std::function<void()> f) { on_sent_ = std::move(f); }

  Out out() { return Out(payload_); }
  Bytes& payload() { return payload_; }
  /// Frames complete packets when the payload exceeds one; sends once enough is framed.
  void maybe_flush() {
    if (payload_.size() > packet_size_ - 8) frame_full(kSendThreshold);
  }
  /// Frames and sends the rest of the message, the last packet with EOM.
  void end_message();
  /// Sends what is buffered (the last packet without EOM) and leaves the message unfinished.
  void flush_partial();

 private:
  static constexpr std::size_t kSendThreshold = 64 * 1024;
  void frame(const std::uint8_t* p, std::size_t n, bool eom);
  void frame_full(std::size_t send_threshold);
  void send_wire();

  Connection& conn_;
  std::uint16_t spid_;
  std::size_t packet_size_ = 4096;
  std::uint8_t packet_id_ = 1;
  Bytes payload_, wire_;
  std::function<void()> on_sent_;
};

}  // namespace tds_test

#pragma once
/// Byte-level building blocks of the TDS test server: little-endian writers and a bounds-checked
/// reader, plus the text codecs the wire needs (UTF-8 <-> UTF-16LE, UTF-8 -> code page 1252).
///
/// TDS is little-endian except the packet header and the PRELOGIN option table, which are
/// big-endian; those call sites use the *_be helpers explicitly.

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tds_test {

using Bytes = std::vector<std::uint8_t>;

/// The peer broke the protocol (bad packet, truncated token): the session ends.
struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Appends to a byte buffer it does not own.
class Out {
 public:
  explicit Out(Bytes& b) : b_(b) {}
  void u8(std::uint8_t v) { b_.push_back(v); }
  void u16(std::uint16_t v) {
    const std::uint8_t t[2] = {std::uint8_t(v), std::uint8_t(v >> 8)};
    raw(t, 2);
  }
  void u32(std::uint32_t v) {
    const std::uint8_t t[4] = {std::uint8_t(v), std::uint8_t(v >> 8), std::uint8_t(v >> 16),
                               std::uint8_t(v >> 24)};
    raw(t, 4);
  }
  void u64(std::uint64_t v) {
    u32(std::uint32_t(v));
    u32(std::uint32_t(v >> 32));
  }
  void u16_be(std::uint16_t v) {
    u8(std::uint8_t(v >> 8));
    u8(std::uint8_t(v));
  }
  void u32_be(std::uint32_t v) {
    u16_be(std::uint16_t(v >> 16));
    u16_be(std::uint16_t(v));
  }
  /// The low `n` bytes of v, little-endian (DATE is 3 bytes, TIME 3 to 5).
  void uint_n(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) u8(std::uint8_t(v >> (8 * i)));
  }
  void raw(const void* p, std::size_t n) {
    const auto* c = static_cast<const std::uint8_t*>(p);
    b_.insert(b_.end(), c, c + n);
  }
  /// Overwrites a u16 written earlier at `at` (token lengths known only afterwards).
  void patch_u16(std::size_t at, std::uint16_t v) {
    b_[at] = std::uint8_t(v);
    b_[at + 1] = std::uint8_t(v >> 8);
  }
  std::size_t size() const { return b_.size(); }
  Bytes& bytes() { return b_; }

 private:
  Bytes& b_;
};

/// Reads a received message; every read is bounds-checked and throws ProtocolError past the end.
class In {
 public:
  In(const std::uint8_t* p, std::size_t n) : p_(p), n_(n) {}
  explicit In(const Bytes& b) : p_(b.data()), n_(b.size()) {}
  std::uint8_t u8() {
    need(1);
    return p_[pos_++];
  }
  std::uint16_t u16() {
    need(2);
    const std::uint16_t v = std::uint16_t(p_[pos_] | (p_[pos_ + 1] << 8));
    pos_ += 2;
    return v;
  }
  std::uint32_t u32() {
    const std::uint32_t lo = u16();
    return lo | (std::uint32_t(u16()) << 16);
  }
  std::uint16_t u16_be() {
    need(2);
    const std::uint16_t v = std::uint16_t((p_[pos_] << 8) | p_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  const std::uint8_t* take(std::size_t n) {
    need(n);
    const std::uint8_t* r = p_ + pos_;
    pos_ += n;
    return r;
  }
  void seek(std::size_t pos) {
    if (pos > n_) throw ProtocolError("offset past the end of the message");
    pos_ = pos;
  }
  std::size_t pos() const { return pos_; }
  std::size_t size() const { return n_; }
  const std::uint8_t* data() const { return p_; }

 private:
  void need(std::size_t n) const {
    if (n > n_ - pos_) throw ProtocolError("message truncated");
  }
  const std::uint8_t* p_;
  std::size_t n_;
  std::size_t pos_ = 0;
};

/// Appends UTF-16LE for UTF-8 text (invalid UTF-8 becomes U+FFFD); returns the code units written.
std::size_t append_utf16le(Bytes& out, std::string_view utf8);
/// UTF-16LE bytes (n bytes, n even) to UTF-8; unpaired surrogates become U+FFFD.
std::string utf16le_to_utf8(const std::uint8_t* p, std::size_t n);
/// Appends code page 1252 for UTF-8 text: '?' for characters 1252 cannot hold, as SQL Server
/// stores them in a varchar column with a Latin1 collation. Returns the bytes written.
std::size_t append_cp1252(Bytes& out, std::string_view utf8);

/// B_VARCHAR: one byte of UTF-16 code units, then the text (names in tokens).
void put_b_varchar(Out& o, std::string_view utf8);
/// US_VARCHAR: two bytes of UTF-16 code units, then the text (message texts).
void put_us_varchar(Out& o, std::string_view utf8);

/// ASCII case-insensitive equality and lowercase copy (SQL Server names are case-insensitive
/// under the default collation).
bool iequals(std::string_view a, std::string_view b);
std::string lower(std::string_view s);

}  // namespace tds_test

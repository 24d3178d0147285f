// PRELOGIN and LOGIN7 parsing.
#include "login.hpp"

namespace tds_test {
namespace {

constexpr std::uint8_t kOptVersion = 0, kOptEncryption = 1, kOptInstOpt = 2, kOptThreadId = 3, kOptMars = 4,
                       kOptTerminator = 0xFF;

/// A LOGIN7 string: UTF-16LE at (offset, characters) from the start of the payload.
std::string login_string(In& in, const Bytes& p, bool password = false) {
  const std::size_t off = in.u16(), chars = in.u16();
  if (chars == 0) return "";
  if (off + chars * 2 > p.size()) throw ProtocolError("LOGIN7 string outside the message");
  if (!password) return utf16le_to_utf8(p.data() + off, chars * 2);
  Bytes clear(p.begin() + std::ptrdiff_t(off), p.begin() + std::ptrdiff_t(off + chars * 2));
  for (std::uint8_t& b : clear) {
    b ^= 0xA5;
    b = std::uint8_t((b << 4) | (b >> 4));
  }
  return utf16le_to_utf8(clear.data(), clear.size());
}

}  // namespace

PreloginRequest parse_prelogin(const Bytes& payload) {
  PreloginRequest r;
  In in(payload);
  while (true) {
    const std::uint8_t token = in.u8();
    if (token == kOptTerminator) break;
    const std::size_t off = in.u16_be(), len = in.u16_be();
    if (off + len > payload.size()) throw ProtocolError("PRELOGIN option outside the message");
    if (token == kOptEncryption && len >= 1) r.encryption = payload[off];
    if (token == kOptMars && len >= 1) r.mars = payload[off] != 0;
  }
  return r;
}

Bytes prelogin_response(std::uint32_t thread_id) {
  struct Opt {
    std::uint8_t token;
    Bytes data;
  };
  const Opt opts[] = {
      {kOptVersion, {14, 0, 0x0D, 0x80, 0, 0}},  // 14.0.3456, sub-build 0
      {kOptEncryption, {2}},                     // ENCRYPT_NOT_SUP
      {kOptInstOpt, {0}},
      {kOptThreadId, {std::uint8_t(thread_id >> 24), std::uint8_t(thread_id >> 16), std::uint8_t(thread_id >> 8),
                      std::uint8_t(thread_id)}},
      {kOptMars, {0}},
  };
  Bytes b;
  Out o(b);
  std::size_t off = std::size(opts) * 5 + 1;
  for (const Opt& opt : opts) {
    o.u8(opt.token);
    o.u16_be(std::uint16_t(off));
    o.u16_be(std::uint16_t(opt.data.size()));
    off += opt.data.size();
  }
  o.u8(kOptTerminator);
  for (const Opt& opt : opts) o.raw(opt.data.data(), opt.data.size());
  return b;
}

Login7 parse_login7(const Bytes& p) {
  In in(p);
  Login7 l;
  in.u32();  // total length
  l.tds_version = in.u32();
  l.packet_size = in.u32();
  in.take(12);  // client program version, process id, connection id
  in.u8();      // OptionFlags1
  in.u8();      // OptionFlags2
  in.u8();      // TypeFlags
  const std::uint8_t flags3 = in.u8();
  in.take(8);  // client time zone, LCID
  l.host = login_string(in, p);
  l.user = login_string(in, p);
  l.password = login_string(in, p, true);
  l.app = login_string(in, p);
  l.server = login_string(in, p);
  in.take(4);  // extension offset/length (FeatureExt), used only to know one was sent
  l.library = login_string(in, p);
  l.language = login_string(in, p);
  l.database = login_string(in, p);
  l.wants_feature_ext = (flags3 & 0x10) != 0;
  return l;
}

}  // namespace tds_test

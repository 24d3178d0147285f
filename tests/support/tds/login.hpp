#pragma once
/// PRELOGIN and LOGIN7 (MS-TDS 2.2.6.4, 2.2.6.5): what the client asked for, and the PRELOGIN
/// answer. The server never encrypts: it answers ENCRYPT_NOT_SUP.

#include <cstdint>
#include <string>

#include "wire.hpp"

namespace tds_test {

struct PreloginRequest {
  std::uint8_t encryption = 2;  ///< 0 off, 1 on, 2 not supported, 3 required
  bool mars = false;
};
/// Parses the option table (big-endian offsets). Throws ProtocolError when malformed.
PreloginRequest parse_prelogin(const Bytes& payload);
/// VERSION 14.0.3456, ENCRYPTION = ENCRYPT_NOT_SUP, INSTOPT = "", THREADID, MARS = 0.
Bytes prelogin_response(std::uint32_t thread_id);

struct Login7 {
  std::uint32_t tds_version = 0;  ///< as sent, e.g. 0x74000004
  std::uint32_t packet_size = 0;
  std::string host, user, password, app, server, library, language, database;
  bool wants_feature_ext = false;
};
/// Parses LOGIN7 and de-obfuscates the password (XOR 0xA5, then swap nibbles). Throws ProtocolError.
Login7 parse_login7(const Bytes& payload);

}  // namespace tds_test

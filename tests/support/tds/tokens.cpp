// Response tokens: DONE, ERROR/INFO, ENVCHANGE, LOGINACK, FEATUREEXTACK.
#include "tokens.hpp"

namespace tds_test {
namespace {

constexpr std::uint8_t kTokenLoginAck = 0xAD, kTokenError = 0xAA, kTokenInfo = 0xAB, kTokenEnvChange = 0xE3,
                       kTokenDone = 0xFD, kTokenFeatureExtAck = 0xAE;

/// Writes token + u16 length placeholder; returns where the length goes.
std::size_t begin_sized(Out& o, std::uint8_t token) {
  o.u8(token);
  const std::size_t at = o.size();
  o.u16(0);
  return at;
}

void end_sized(Out& o, std::size_t at) { o.patch_u16(at, std::uint16_t(o.size() - at - 2)); }

}  // namespace

void put_done(Out& o, std::uint16_t status, std::uint16_t cur_cmd, std::uint64_t rows) {
  o.u8(kTokenDone);
  o.u16(status);
  o.u16(cur_cmd);
  o.u64(rows);
}

void put_message(Out& o, int number, int state, int severity, const std::string& text) {
  const std::size_t at = begin_sized(o, severity > 10 ? kTokenError : kTokenInfo);
  o.u32(std::uint32_t(number));
  o.u8(std::uint8_t(state));
  o.u8(std::uint8_t(severity));
  put_us_varchar(o, text);
  put_b_varchar(o, kServerName);
  put_b_varchar(o, "");  // procedure name
  o.u32(1);              // line number
  end_sized(o, at);
}

void put_envchange(Out& o, std::uint8_t type, const std::string& new_value, const std::string& old_value) {
  const std::size_t at = begin_sized(o, kTokenEnvChange);
  o.u8(type);
  put_b_varchar(o, new_value);
  put_b_varchar(o, old_value);
  end_sized(o, at);
}

void put_envchange_collation(Out& o, const Collation& c) {
  const std::size_t at = begin_sized(o, kTokenEnvChange);
  o.u8(7);
  o.u8(5);
  o.raw(c.wire.data(), 5);
  o.u8(0);
  end_sized(o, at);
}

void put_envchange_transaction(Out& o, std::uint8_t type, std::uint64_t descriptor) {
  const std::size_t at = begin_sized(o, kTokenEnvChange);
  o.u8(type);
  if (type != 8) o.u8(0);  // commit / rollback: no new transaction
  o.u8(8);
  o.u64(descriptor);
  if (type == 8) o.u8(0);  // begin: no old one
  end_sized(o, at);
}

void put_loginack(Out& o, std::uint32_t tds_version) {
  const std::size_t at = begin_sized(o, kTokenLoginAck);
  o.u8(1);                // interface: SQL_TSQL
  o.u32_be(tds_version);
  put_b_varchar(o, "Microsoft SQL Server");
  o.u8(14);               // 14.0.3456: SQL Server 2017
  o.u8(0);
  o.u16_be(3456);
  end_sized(o, at);
}

void put_featureextack_none(Out& o) {
  o.u8(kTokenFeatureExtAck);
  o.u8(0xFF);  // terminator
}

}  // namespace tds_test

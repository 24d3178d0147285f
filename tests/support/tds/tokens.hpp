#pragma once
/// Writers for the response tokens the server sends besides rows (MS-TDS 2.2.7).

#include <cstdint>
#include <string>

#include "types.hpp"
#include "wire.hpp"

namespace tds_test {

enum DoneStatus : std::uint16_t {
  kDoneFinal = 0x0000,
  kDoneMore = 0x0001,
  kDoneError = 0x0002,
  kDoneCount = 0x0010,
  kDoneAttn = 0x0020,
};
/// DONE CurCmd: the token of the statement a DONE ends.
constexpr std::uint16_t kCmdSelect = 0x00C1, kCmdInsert = 0x00C3, kCmdDelete = 0x00C4, kCmdUpdate = 0x00C5;

constexpr const char* kServerName = "TDS_TEST_SERVER";

void put_done(Out& o, std::uint16_t status, std::uint16_t cur_cmd, std::uint64_t rows);
/// ERROR (0xAA) when severity > 10, else INFO (0xAB): number, state, class, text, server, line 1.
void put_message(Out& o, int number, int state, int severity, const std::string& text);
/// ENVCHANGE with B_VARCHAR new and old values (database 1, language 2, packet size 4).
void put_envchange(Out& o, std::uint8_t type, const std::string& new_value, const std::string& old_value);
/// ENVCHANGE type 7: the SQL collation (5 bytes) as B_VARBYTE, old value empty.
void put_envchange_collation(Out& o, const Collation& c);
/// ENVCHANGE 8 (begin transaction: new value the 8-byte descriptor, old value empty), 9 (commit)
/// or 10 (rollback: new value empty, old value the descriptor), as B_VARBYTE values. FreeTDS keeps
/// the descriptor and sends it back in the ALL_HEADERS of later batches.
void put_envchange_transaction(Out& o, std::uint8_t type, std::uint64_t descriptor);
/// LOGINACK from "Microsoft SQL Server" 14.0.3456 (2017) for a TDS version as LOGINACK spells it
/// (0x74000004 = 7.4, 0x730B0003 = 7.3B).
void put_loginack(Out& o, std::uint32_t tds_version);
/// FEATUREEXTACK acknowledging no feature (the client asked; this server supports none).
void put_featureextack_none(Out& o);

}  // namespace tds_test

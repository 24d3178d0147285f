#pragma once
/// PostgreSQL type oids the connector understands and how each maps to a comparison class.
/// Private to the postgres connector.

#include <cstdint>
#include <optional>

#include "recon/core/canonical.hpp"

namespace recon::pg {

/// Built-in type oids (pg_type.dat); stable across server versions.
namespace oid {
inline constexpr std::uint32_t kBool = 16, kBytea = 17, kName = 19, kInt8 = 20, kInt2 = 21,
                               kInt4 = 23, kText = 25, kOid = 26, kJson = 114, kXml = 142,
                               kFloat4 = 700, kFloat8 = 701, kMoney = 790, kBpchar = 1042,
                               kVarchar = 1043, kDate = 1082, kTime = 1083, kTimestamp = 1114,
                               kTimestampTz = 1184, kInterval = 1186, kTimeTz = 1266, kBit = 1560,
                               kVarbit = 1562, kNumeric = 1700, kUuid = 2950, kJsonb = 3802;
}

/// How a value arrives in the binary COPY format. Chosen once per column, not per value.
enum class Wire : std::uint8_t {
  Int2, Int4, Int8, Oid, Numeric, Float4, Float8, Bool, Date, Time, Timestamp, TimestampTz,
  Uuid, Text, Bpchar, Bytea, Json, Jsonb,
  Bits,  ///< bit(n) / varbit: compared as their bit string ("00101"), like MySQL's bit(n)
  Unsupported,
};

/// Wire format of a (base) type oid. `text_like` marks a non-built-in type whose binary form is
/// its text (string-category types such as citext): those decode as Text.
Wire wire_for_oid(std::uint32_t type_oid, bool text_like);

/// Comparison class of a (base) type oid; nullopt when recon cannot compare it (interval, arrays,
/// money, timetz, inet, ...). xml is Text: its binary form is its text. `text_like` as above.
std::optional<TypeClass> class_for_oid(std::uint32_t type_oid, bool text_like);

}  // namespace recon::pg

// Type oid -> wire format / comparison class. See pg_types.hpp.
#include "pg_types.hpp"

namespace recon::pg {

Wire wire_for_oid(std::uint32_t type_oid, bool text_like) {
  switch (type_oid) {
    case oid::kInt2: return Wire::Int2;
    case oid::kInt4: return Wire::Int4;
    case oid::kInt8: return Wire::Int8;
    case oid::kOid: return Wire::Oid;
    case oid::kNumeric: return Wire::Numeric;
    case oid::kFloat4: return Wire::Float4;
    case oid::kFloat8: return Wire::Float8;
    case oid::kBool: return Wire::Bool;
    case oid::kDate: return Wire::Date;
    case oid::kTime: return Wire::Time;
    case oid::kTimestamp: return Wire::Timestamp;
    case oid::kTimestampTz: return Wire::TimestampTz;
    case oid::kUuid: return Wire::Uuid;
    case oid::kText:
    case oid::kVarchar:
    case oid::kName:
    // xml's binary form (xml_send) is its text in the client encoding, as stored: compared as text.
    case oid::kXml: return Wire::Text;
    case oid::kBpchar: return Wire::Bpchar;
    case oid::kBytea: return Wire::Bytea;
    case oid::kJson: return Wire::Json;
    case oid::kJsonb: return Wire::Jsonb;
    case oid::kBit:
    case oid::kVarbit: return Wire::Bits;
    // Built-in types with their own binary layout: never treat them as text even if the
    // catalog lists them in a string-like category.
    case oid::kMoney:
    case oid::kInterval:
    case oid::kTimeTz: return Wire::Unsupported;
    default: return text_like ? Wire::Text : Wire::Unsupported;
  }
}

std::optional<TypeClass> class_for_oid(std::uint32_t type_oid, bool text_like) {
  switch (wire_for_oid(type_oid, text_like)) {
    case Wire::Int2:
    case Wire::Int4:
    case Wire::Int8:
    case Wire::Oid: return TypeClass::Integer;
    case Wire::Numeric: return TypeClass::Decimal;
    case Wire::Float4:
    case Wire::Float8: return TypeClass::Float;
    case Wire::Bool: return TypeClass::Boolean;
    case Wire::Date: return TypeClass::Date;
    case Wire::Time: return TypeClass::Time;
    case Wire::Timestamp: return TypeClass::Timestamp;
    case Wire::TimestampTz: return TypeClass::TimestampTz;
    case Wire::Uuid: return TypeClass::Uuid;
    case Wire::Text:
    case Wire::Bpchar:
    case Wire::Bits: return TypeClass::Text;
    case Wire::Bytea: return TypeClass::Bytes;
    case Wire::Json:
    case Wire::Jsonb: return TypeClass::Json;
    case Wire::Unsupported: break;
  }
  return std::nullopt;
}

}  // namespace recon::pg

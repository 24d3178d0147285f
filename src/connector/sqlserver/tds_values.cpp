// DB-Library values -> canonical values. See tds_values.hpp.
#include "tds_values.hpp"

#include <sybfront.h>
#include <sybdb.h>

#include <cstring>

#include "recon/core/canonical.hpp"

namespace recon::tds {
namespace {

// TDS type codes sybdb.h does not name (they live in FreeTDS's private tds.h).
constexpr int kSybUnique = 36;
constexpr int kSybMsXml = 241;
constexpr int kXSybVarchar = 167, kXSybChar = 175, kXSybNVarchar = 231, kXSybNChar = 239;
constexpr int kXSybVarbinary = 165, kXSybBinary = 173;

/// Bytes FreeTDS's DBNUMERIC uses for a precision, sign byte included (its
/// tds_numeric_bytes_per_prec): the magnitude is big-endian in array[1 .. n-1].
constexpr unsigned char kNumericBytes[39] = {1,  2,  2,  3,  3,  4,  4,  4,  5,  5,  6,  6,  6,
                                             7,  7,  8,  8,  9,  9,  9,  10, 10, 11, 11, 11, 12,
                                             12, 13, 13, 14, 14, 14, 15, 15, 16, 16, 16, 17, 17};

template <class T>
T load(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

TypeClass native_class(Wire w) {
  switch (w) {
    case Wire::Int1: case Wire::Int2: case Wire::Int4: case Wire::Int8: return TypeClass::Integer;
    case Wire::Bit: return TypeClass::Boolean;
    case Wire::Real: case Wire::Float: return TypeClass::Float;
    case Wire::Money: case Wire::Money4: case Wire::Numeric: return TypeClass::Decimal;
    case Wire::DateTime: case Wire::DateTime4: case Wire::DateTime2: return TypeClass::Timestamp;
    case Wire::Date: return TypeClass::Date;
    case Wire::Time: return TypeClass::Time;
    case Wire::DateTimeOffset: return TypeClass::TimestampTz;
    case Wire::Guid: return TypeClass::Uuid;
    case Wire::Text: return TypeClass::Text;
    case Wire::Binary: return TypeClass::Bytes;
    case Wire::Unsupported: break;
  }
  return TypeClass::Invalid;
}

void put_text_like(const ColumnDecoder& col, std::string_view s, std::string& out) {
  canon::put_from_text(out, col.compare_as, col.trim_padding ? canon::without_padding(s) : s, col.rounding);
}

/// Writes the value in its own class; false when the bytes do not fit the type.
bool put_native(const ColumnDecoder& col, const unsigned char* p, std::size_t len, std::string& out,
                std::string& scratch) {
  switch (col.wire) {
    case Wire::Int1:
      if (len != 1) return false;
      canon::put_integer(out, p[0]);  // tinyint is unsigned
      return true;
    case Wire::Int2:
      if (len != 2) return false;
      canon::put_integer(out, load<std::int16_t>(p));
      return true;
    case Wire::Int4:
      if (len != 4) return false;
      canon::put_integer(out, load<std::int32_t>(p));
      return true;
    case Wire::Int8:
      if (len != 8) return false;
      canon::put_integer(out, load<std::int64_t>(p));
      return true;
    case Wire::Bit:
      if (len != 1) return false;
      canon::put_bool(out, p[0] != 0);
      return true;
    case Wire::Real:
      if (len != 4) return false;
      canon::put_float(out, load<float>(p), true);
      return true;
    case Wire::Float:
      if (len != 8) return false;
      canon::put_float(out, load<double>(p), col.single_float);
      return true;
    case Wire::Money: {
      if (len != 8) return false;
      const auto hi = load<std::int32_t>(p);
      const auto lo = load<std::uint32_t>(p + 4);
      put_money(out, static_cast<std::int64_t>((static_cast<std::uint64_t>(static_cast<std::uint32_t>(hi)) << 32) | lo));
      return true;
    }
    case Wire::Money4:
      if (len != 4) return false;
      put_money(out, load<std::int32_t>(p));
      return true;
    case Wire::Numeric: {
      bool negative = false;
      int scale = 0;
      if (!numeric_parts(p, len, negative, scratch, scale)) return false;
      canon::put_decimal_digits(out, negative, scratch, -scale);
      return true;
    }
    case Wire::DateTime:
      if (len != 8) return false;
      put_datetime(out, load<std::int32_t>(p), load<std::int32_t>(p + 4));
      return true;
    case Wire::DateTime4:
      if (len != 4) return false;
      put_smalldatetime(out, load<std::uint16_t>(p), load<std::uint16_t>(p + 2));
      return true;
    case Wire::Date:
    case Wire::Time:
    case Wire::DateTime2:
    case Wire::DateTimeOffset: {
      if (len != sizeof(DBDATETIMEALL)) return false;
      DBDATETIMEALL dt;
      std::memcpy(&dt, p, sizeof dt);
      const std::int32_t days = dt.date - kDays1900To1970;
      if (col.wire == Wire::Date) {
        canon::put_date(out, days);
        return true;
      }
      const std::int64_t us = hundred_ns_to_micros(dt.time, col.rounding);
      if (col.wire == Wire::Time) canon::put_time(out, us);
      // datetimeoffset travels as the UTC instant plus the writer's offset: the instant is the value.
      else if (col.wire == Wire::DateTimeOffset) canon::put_timestamptz(out, std::int64_t{days} * kMicrosPerDay + us);
      else canon::put_timestamp(out, std::int64_t{days} * kMicrosPerDay + us);
      return true;
    }
    case Wire::Guid: {
      if (len != 16) return false;
      unsigned char rfc[16];
      guid_to_rfc(p, rfc);
      canon::put_uuid(out, rfc);
      return true;
    }
    case Wire::Text:
      canon::put_text(out, std::string_view(reinterpret_cast<const char*>(p), len));
      return true;
    case Wire::Binary:
      canon::put_bytes(out, std::string_view(reinterpret_cast<const char*>(p), len));
      return true;
    case Wire::Unsupported: break;
  }
  return false;
}

}  // namespace

Wire wire_for_type(int coltype, int size) {
  switch (coltype) {
    case SYBINT1: return Wire::Int1;
    case SYBINT2: return Wire::Int2;
    case SYBINT4: return Wire::Int4;
    case SYBINT8: return Wire::Int8;
    case SYBINTN:
      return size == 1 ? Wire::Int1 : size == 2 ? Wire::Int2 : size == 4 ? Wire::Int4 : size == 8 ? Wire::Int8 : Wire::Unsupported;
    case SYBBIT: case SYBBITN: return Wire::Bit;
    case SYBREAL: return Wire::Real;
    case SYBFLT8: return Wire::Float;
    case SYBFLTN: return size == 4 ? Wire::Real : Wire::Float;
    case SYBMONEY: return Wire::Money;
    case SYBMONEY4: return Wire::Money4;
    case SYBMONEYN: return size == 4 ? Wire::Money4 : Wire::Money;
    case SYBDECIMAL: case SYBNUMERIC: return Wire::Numeric;
    case SYBDATETIME: return Wire::DateTime;
    case SYBDATETIME4: return Wire::DateTime4;
    case SYBDATETIMN: return size == 4 ? Wire::DateTime4 : Wire::DateTime;
    case SYBMSDATE: return Wire::Date;
    case SYBMSTIME: return Wire::Time;
    case SYBMSDATETIME2: return Wire::DateTime2;
    case SYBMSDATETIMEOFFSET: return Wire::DateTimeOffset;
    case kSybUnique: return Wire::Guid;
    case SYBCHAR: case SYBVARCHAR: case SYBTEXT: case SYBNTEXT: case SYBNVARCHAR:
    case kXSybVarchar: case kXSybChar: case kXSybNVarchar: case kXSybNChar: case kSybMsXml:
      return Wire::Text;
    case SYBBINARY: case SYBVARBINARY: case SYBIMAGE: case kXSybVarbinary: case kXSybBinary:
      return Wire::Binary;
    default: return Wire::Unsupported;
  }
}

const char* wire_name(Wire w) {
  switch (w) {
    case Wire::Int1: return "tinyint";
    case Wire::Int2: return "smallint";
    case Wire::Int4: return "int";
    case Wire::Int8: return "bigint";
    case Wire::Bit: return "bit";
    case Wire::Real: return "real";
    case Wire::Float: return "float";
    case Wire::Money: return "money";
    case Wire::Money4: return "smallmoney";
    case Wire::Numeric: return "decimal";
    case Wire::DateTime: return "datetime";
    case Wire::DateTime4: return "smalldatetime";
    case Wire::Date: return "date";
    case Wire::Time: return "time";
    case Wire::DateTime2: return "datetime2";
    case Wire::DateTimeOffset: return "datetimeoffset";
    case Wire::Guid: return "uniqueidentifier";
    case Wire::Text: return "text";
    case Wire::Binary: return "binary";
    case Wire::Unsupported: break;
  }
  return "unsupported";
}

void decode_value(const ColumnDecoder& col, const unsigned char* data, std::size_t len, std::string& out,
                  std::string& scratch) {
  if (col.wire == Wire::Text)  // text converts straight from its bytes (trim, JSON, other classes)
    return put_text_like(col, std::string_view(reinterpret_cast<const char*>(data), len), out);
  if (native_class(col.wire) == col.compare_as) {
    const std::size_t mark = out.size();
    if (put_native(col, data, len, out, scratch)) return;
    out.resize(mark);
  } else {
    std::string native;
    if (put_native(col, data, len, native, scratch)) {
      std::size_t pos = 0;
      return canon::put_converted(out, col.compare_as, canon::read_value(native, pos), col.rounding);
    }
  }
  canon::put_invalid(out, std::string(wire_name(col.wire)) + " value of " + std::to_string(len) +
                              " bytes: " + canon::format_hex(std::string_view(reinterpret_cast<const char*>(data), len)));
}

std::int64_t hundred_ns_to_micros(std::uint64_t units, TimeRounding r) {
  // Whole seconds stay exact; the fraction is rounded the way PostgreSQL rounds its input.
  constexpr std::uint64_t kPerSecond = 10'000'000;
  return static_cast<std::int64_t>(units / kPerSecond) * kMicrosPerSecond +
         canon::fraction_micros(units % kPerSecond, kPerSecond, r);
}

std::int64_t datetime_ticks_to_micros(std::int64_t ticks) {
  // ticks * 10/3 ms is never exactly half-way, so +1 then floor is round-to-nearest.
  return (ticks * 10 + 1) / 3 * 1000;
}

void guid_to_rfc(const unsigned char w[16], unsigned char rfc[16]) {
  static constexpr int kOrder[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  for (int i = 0; i < 16; ++i) rfc[i] = w[kOrder[i]];
}

std::string magnitude_digits(const unsigned char* be, std::size_t n) {
  unsigned __int128 v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | be[i];
  if (v == 0) return "0";
  char buf[48];
  std::size_t k = sizeof buf;
  while (v != 0) {
    buf[--k] = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  }
  return std::string(buf + k, sizeof buf - k);
}

bool numeric_parts(const unsigned char* data, std::size_t len, bool& negative, std::string& digits, int& scale) {
  if (len < 3) return false;
  const unsigned precision = data[0];
  scale = data[1];
  if (precision < 1 || precision > 38 || static_cast<unsigned>(scale) > precision) return false;
  const std::size_t n = kNumericBytes[precision];  // sign byte + magnitude
  if (len < 2 + n) return false;
  negative = data[2] != 0;
  digits = magnitude_digits(data + 3, n - 1);
  if (digits == "0") negative = false;
  return true;
}

void put_money(std::string& out, std::int64_t v) {
  const bool negative = v < 0;
  // Magnitude as unsigned so the most negative money does not overflow.
  std::uint64_t m = negative ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  unsigned char be[8];
  for (int i = 7; i >= 0; --i, m >>= 8) be[i] = static_cast<unsigned char>(m & 0xff);
  canon::put_decimal_digits(out, negative, magnitude_digits(be, 8), -4);
}

void put_datetime(std::string& out, std::int32_t days, std::int32_t ticks) {
  canon::put_timestamp(out, (std::int64_t{days} - kDays1900To1970) * kMicrosPerDay + datetime_ticks_to_micros(ticks));
}

void put_smalldatetime(std::string& out, std::uint16_t days, std::uint16_t minutes) {
  canon::put_timestamp(out, (std::int64_t{days} - kDays1900To1970) * kMicrosPerDay +
                                std::int64_t{minutes} * 60 * kMicrosPerSecond);
}

}  // namespace recon::tds

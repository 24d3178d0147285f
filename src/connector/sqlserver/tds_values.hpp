#pragma once
// Private to the SQL Server connector: DB-Library row values -> canonical values.
// Pure functions over the bytes dbdata() hands out, so every conversion is unit-tested without
// a server. Layouts are FreeTDS's (sybdb.h): DBNUMERIC {precision, scale, array[33]} with
// array[0] = 1 for negative and a big-endian magnitude after it; DBMONEY {mnyhigh, mnylow};
// DBDATETIME {dtdays since 1900, dttime in 1/300 s}; DBDATETIME4 {days, minutes};
// DBDATETIMEALL {time in 100 ns, date in days since 1900-01-01, offset in minutes, ...}.

#include <cstddef>
#include <cstdint>
#include <string>

#include "../column_decoder.hpp"
#include "recon/connector/connector.hpp"

namespace recon::tds {

/// How a result column's bytes are laid out, from dbcoltype().
enum class Wire : std::uint8_t {
  Int1, Int2, Int4, Int8, Bit, Real, Float, Money, Money4, Numeric,
  DateTime, DateTime4, Date, Time, DateTime2, DateTimeOffset, Guid, Text, Binary, Unsupported,
};

/// `coltype` is dbcoltype(); `size` is dbcollen(), used for the nullable "N" types whose width
/// says which fixed type they carry (INTN 1/2/4/8, FLTN 4/8, MONEYN 4/8, DATETIMN 4/8).
Wire wire_for_type(int coltype, int size);
/// "int", "datetime2", ... for messages.
const char* wire_name(Wire w);

/// Everything needed to decode one column, fixed once per result set.
using ColumnDecoder = ColumnDecoderFor<Wire>;

inline ColumnDecoder make_decoder(const SelectColumn& column, Wire wire) { return ColumnDecoder::of(column, wire); }

/// Appends the canonical encoding of one non-NULL value (`len` bytes at `data`, as dbdata() and
/// dbdatlen() give them) converted to `col.compare_as`. A value whose size does not fit its type
/// becomes Invalid (a divergence naming it), never an exception. `scratch` is reused.
void decode_value(const ColumnDecoder& col, const unsigned char* data, std::size_t len, std::string& out,
                  std::string& scratch);

// ---- the conversions, exposed for tests ---------------------------------------------------------

/// Days from 1900-01-01 (SQL Server's day zero) to 1970-01-01.
inline constexpr std::int32_t kDays1900To1970 = 25567;

/// 100 ns units -> µs under `r` (half-even: PostgreSQL's input rounding; docs/canonical-values.md).
std::int64_t hundred_ns_to_micros(std::uint64_t units, TimeRounding r);
/// A datetime's 1/300 s ticks -> the millisecond value SQL Server shows (.000/.003/.007), in µs.
std::int64_t datetime_ticks_to_micros(std::int64_t ticks);
/// A uniqueidentifier's 16 bytes as sent (first three groups little-endian) -> RFC 4122 order.
void guid_to_rfc(const unsigned char wire[16], unsigned char rfc[16]);
/// Decimal digits of an unsigned big-endian magnitude of up to 16 bytes ("0" for zero).
std::string magnitude_digits(const unsigned char* be, std::size_t n);
/// DBNUMERIC bytes -> sign and magnitude digits; scale and precision come from the struct.
/// False when the struct is malformed (precision outside 1..38, scale > precision).
bool numeric_parts(const unsigned char* data, std::size_t len, bool& negative, std::string& digits, int& scale);
/// Canonical encodings of the composite types, written straight to `out`.
void put_money(std::string& out, std::int64_t ten_thousandths);
void put_datetime(std::string& out, std::int32_t days_since_1900, std::int32_t ticks);
void put_smalldatetime(std::string& out, std::uint16_t days_since_1900, std::uint16_t minutes);

}  // namespace recon::tds

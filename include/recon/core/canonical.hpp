#pragma once
/// Canonical values: the one encoding every engine's value is turned into before comparison.
///
/// Contract (docs/canonical-values.md is the prose version):
///  - A value is encoded as  [tag:1][length:4 little-endian][payload:length].
///  - Two values are equal exactly when their encodings are byte-equal. The encoding is injective
///    (a value has one encoding) and self-delimiting (length-prefixed), so a row's encoding is the
///    plain concatenation of its column encodings and no two different rows share one.
///  - NULL has its own tag and empty payload; it is different from every value including ''.
///  - A value that cannot be converted to the column's comparison class (e.g. 'abc' in a column
///    compared as integer) is encoded as Invalid carrying the raw text. Invalid never equals a
///    valid value; it is a divergence, never an exception.

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

namespace recon {

/// The comparison class of a column pair. Values of both sides are converted to this class.
enum class TypeClass : std::uint8_t {
  Null = 0,         ///< tag only: the SQL NULL of any class
  Integer = 1,      ///< payload int64 LE
  Decimal = 2,      ///< payload canonical decimal text: "-12.5", "0", "100" (no exponent, no
                    ///< leading zeros, no trailing fractional zeros, no "-0")
  Float = 3,        ///< payload IEEE double LE; -0 -> +0, every NaN -> one quiet NaN
  Boolean = 4,      ///< payload one byte 0/1
  Date = 5,         ///< payload int32 LE days since 1970-01-01
  Time = 6,         ///< payload int64 LE microseconds since midnight
  Timestamp = 7,    ///< payload int64 LE microseconds since 1970-01-01 00:00 (no zone)
  TimestampTz = 8,  ///< payload int64 LE microseconds since the Unix epoch, UTC instant
  Uuid = 9,         ///< payload 16 bytes, RFC 4122 byte order
  Text = 10,        ///< payload UTF-8 bytes
  Bytes = 11,       ///< payload raw bytes
  Json = 12,        ///< payload canonical JSON text (sorted keys, no whitespace, exact numbers)
  Invalid = 0x7F,   ///< payload: the raw text that could not be converted
};

/// Name used in messages and docs ("integer", "decimal", ...).
std::string_view type_class_name(TypeClass c);
/// Parses a name produced by type_class_name.
std::optional<TypeClass> type_class_from_name(std::string_view name);

/// Microsecond constants shared by the time conversions.
inline constexpr std::int64_t kMicrosPerSecond = 1'000'000;
inline constexpr std::int64_t kMicrosPerDay = 86'400LL * kMicrosPerSecond;
/// PostgreSQL's epoch (2000-01-01) relative to the Unix epoch, in days.
inline constexpr std::int32_t kPostgresEpochDays = 10957;

/// How a finer time value is brought to microseconds (or a coarser column precision).
/// HalfEven is PostgreSQL's own input behaviour and the default (docs/cli.md, Equality):
/// PostgreSQL reads the fraction of a second as a double and rounds it to µs with rint(), ties to
/// even — so exact halves go to even (…0000005 → 0, …0000015 → 2) and every other value follows
/// the double (…0001255 is 125.4999… µs → 125). recon reproduces that bit for bit
/// (canon::fraction_micros). Truncate drops the extra digits, for migrations that truncate.
enum class TimeRounding : std::uint8_t { HalfEven, Truncate };

namespace canon {

// ---- writers: append one encoded value to `out` ----------------------------------------------
void put_null(std::string& out);
void put_integer(std::string& out, std::int64_t v);
/// `text` is any decimal literal ("001.50", "-0", "1e3", "+.5"); it is normalised.
/// Returns false (and writes nothing) when `text` is not a decimal number.
bool put_decimal(std::string& out, std::string_view text);
/// Decimal from the parts of an exact number (PostgreSQL's base-10000 numeric is decoded to this).
void put_decimal_digits(std::string& out, bool negative, std::string_view digits, int exponent10);
/// Decimal from base-10000 groups (4 decimal digits each): value = ±Σ groups[i]·10000^(weight−i).
/// This is PostgreSQL numeric's own layout; writing it directly avoids any temporary text.
void put_decimal_groups(std::string& out, bool negative, int weight, const std::uint16_t* groups, std::size_t n);
/// `single` rounds to IEEE single precision first (a float4/real column on either side).
void put_float(std::string& out, double v, bool single = false);
void put_bool(std::string& out, bool v);
void put_date(std::string& out, std::int32_t days_since_1970);
void put_time(std::string& out, std::int64_t micros_since_midnight);
void put_timestamp(std::string& out, std::int64_t micros_since_1970);
void put_timestamptz(std::string& out, std::int64_t micros_since_1970_utc);
void put_uuid(std::string& out, const unsigned char bytes[16]);
void put_text(std::string& out, std::string_view utf8);
void put_bytes(std::string& out, std::string_view raw);
/// Canonicalises JSON text. Returns false (writes nothing) when `text` is not valid JSON.
bool put_json(std::string& out, std::string_view text);
void put_invalid(std::string& out, std::string_view raw);

/// Converts a textual value (SQLite TEXT storage, CSV, fallbacks) to `cls`.
/// Accepted spellings per class are documented in docs/canonical-values.md. Writes Invalid
/// carrying `text` when it does not parse, so a bad value is a divergence, not an error.
void put_from_text(std::string& out, TypeClass cls, std::string_view text,
                   TimeRounding rounding = TimeRounding::HalfEven);
/// A char(n) value without its padding: trailing spaces are not significant in char(n).
inline std::string_view without_padding(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}
/// Converts an integer (SQLite INTEGER storage) to `cls`: Integer, Decimal, Float, Boolean (0/1
/// only), Date/Timestamp/TimestampTz (Unix seconds). Anything else becomes Invalid.
void put_from_integer(std::string& out, TypeClass cls, std::int64_t v);
/// Converts a double (SQLite REAL storage) to `cls`. Decimal uses the shortest round-trip text.
void put_from_double(std::string& out, TypeClass cls, double v, bool single_float = false);

/// Re-encodes an already canonical value in another class (a connector decodes its native type,
/// then converts when the pair is compared in a different class: int -> decimal, uuid -> text, …).
/// Same class: copied unchanged. Impossible conversions write Invalid with the value's text.
struct ValueView;
void put_converted(std::string& out, TypeClass to, const ValueView& v,
                   TimeRounding rounding = TimeRounding::HalfEven);

// ---- readers ----------------------------------------------------------------------------------
/// One decoded value: a view into an encoded buffer.
struct ValueView {
  TypeClass tag = TypeClass::Null;
  std::string_view payload;
  bool is_null() const { return tag == TypeClass::Null; }
  std::int64_t as_int64() const;  ///< Integer, Time, Timestamp, TimestampTz payloads
  std::int32_t as_int32() const;  ///< Date payload
  double as_double() const;       ///< Float payload
};

/// Reads the value at `pos` of `buf` and advances `pos`. Precondition: `buf` holds a complete
/// encoding at `pos` (produced by the writers above).
ValueView read_value(std::string_view buf, std::size_t& pos);
/// The encodings concatenated in `buf` (a row's values), each as its own string, in order.
std::vector<std::string> split_values(std::string_view buf);

/// Total order used to sort and merge keys: by class, then by value (integers and decimals
/// numerically, text/bytes/uuid by bytes, times chronologically). NULL sorts first.
/// The engines are asked for the same order (COLLATE "C" / BINARY).
int compare_values(const ValueView& a, const ValueView& b);
/// compare_values over two concatenated key encodings, column by column.
int compare_keys_general(std::string_view a, std::string_view b);
/// compare_keys_general, with the common key — one integer column — compared in line: the merge
/// and the order check call this for every row.
inline int compare_keys(std::string_view a, std::string_view b) {
  constexpr std::size_t kOneInteger = 5 + sizeof(std::int64_t);
  if (a.size() == kOneInteger && b.size() == kOneInteger && a[0] == static_cast<char>(TypeClass::Integer) &&
      b[0] == static_cast<char>(TypeClass::Integer)) {
    std::int64_t x, y;
    std::memcpy(&x, a.data() + 5, sizeof x);
    std::memcpy(&y, b.data() + 5, sizeof y);
    return (x > y) - (x < y);
  }
  return compare_keys_general(a, b);
}

/// Human/JSON rendering of one value: numbers and booleans as JSON literals, everything else as a
/// JSON string in the ISO/hex form documented in docs/canonical-values.md; NULL as null.
std::string to_json(const ValueView& v);
/// Plain text rendering (for terminal reports): like to_json without JSON quoting; NULL -> "NULL".
std::string to_display(const ValueView& v);
/// Key encoding -> JSON array text, e.g. [42,"abc"].
std::string key_to_json(std::string_view key);

// ---- calendar helpers shared by connectors and renderers --------------------------------------
std::int32_t days_from_civil(int y, unsigned m, unsigned d);
void civil_from_days(std::int32_t z, int& y, unsigned& m, unsigned& d);
/// "YYYY-MM-DD", "HH:MM:SS[.ffffff]", "YYYY-MM-DD HH:MM:SS[.ffffff]" (fraction trimmed of zeros).
std::string format_date(std::int32_t days);
std::string format_time(std::int64_t micros);
std::string format_timestamp(std::int64_t micros);
/// Lowercase hex of raw bytes ("0a0b"), a 16-byte uuid as "6f9619ff-8b86-d011-b42d-00c04fc964ff",
/// and the shortest text that reads back as the same double.
std::string format_hex(std::string_view raw);
std::string format_uuid(std::string_view bytes16);
std::string format_double(double v);
/// µs of the fraction of a second numerator/denominator (< 1), rounded as PostgreSQL's input rounds
/// (HalfEven) or truncated; the result is in [0, 1'000'000]. Exact for denominator ≤ 10^15.
std::int64_t fraction_micros(std::uint64_t numerator, std::uint64_t denominator, TimeRounding rounding);
/// Splits µs since 1970 into a day number and a non-negative time of day (floor division).
void split_micros(std::int64_t micros, std::int32_t& days, std::int64_t& time_of_day);
/// Big-endian readers for wire formats.
std::uint16_t read_be16(const char* p);
std::uint32_t read_be32(const char* p);
std::uint64_t read_be64(const char* p);

}  // namespace canon
}  // namespace recon

// Value encoders: one SQLite value to the bytes SQL Server 2017 sends for its type.
#include "values.hpp"

#include <cstring>

#include "scalars.hpp"

namespace tds_test {
namespace {

constexpr std::int64_t kDay1900 = 693595;  // days_from_civil(1900, 1, 1)
constexpr std::uint64_t kPlpNull = ~std::uint64_t(0);

std::string_view text_of(sqlite3_stmt* st, int idx) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, idx));
  return p ? std::string_view(p, std::size_t(sqlite3_column_bytes(st, idx))) : std::string_view();
}

std::string_view blob_of(sqlite3_stmt* st, int idx) {
  const void* p = sqlite3_column_blob(st, idx);
  return p ? std::string_view(static_cast<const char*>(p), std::size_t(sqlite3_column_bytes(st, idx)))
           : std::string_view();
}

std::string describe(const ResultColumn& c) {
  return "column '" + c.name + "' (" + c.type.spelled() + ")";
}

bool fail(std::string& error, std::string msg) {
  error = std::move(msg);
  return false;
}

/// Rounds nanoseconds to 10^-scale second units, half up.
std::int64_t scaled_units(std::int64_t nanos, int scale) {
  std::int64_t div = 1;
  for (int k = scale; k < 9; ++k) div *= 10;
  return (nanos + div / 2) / div;
}

std::int64_t units_per_day(int scale) {
  std::int64_t u = 86'400;
  for (int k = 0; k < scale; ++k) u *= 10;
  return u;
}

/// Time units and date of a (possibly UTC-shifted) temporal at `scale`, carrying into the next day
/// when rounding reaches midnight.
void time_and_date(const Temporal& t, int scale, std::int64_t& units, std::int64_t& days) {
  units = scaled_units(t.nanos, scale);
  days = t.days;
  if (units >= units_per_day(scale)) units -= units_per_day(scale), ++days;
}

/// Writes a length-prefixed (u16) or PLP value whose bytes `fill` appends; patches the length.
template <class Fill>
void put_var(Out& o, bool plp, Fill fill) {
  Bytes& b = o.bytes();
  const std::size_t at = b.size();
  if (plp) {
    o.u64(0);
    o.u32(0);
  } else {
    o.u16(0);
  }
  const std::size_t start = b.size();
  fill(b);
  const std::size_t n = b.size() - start;
  if (plp) {
    for (int i = 0; i < 8; ++i) b[at + std::size_t(i)] = std::uint8_t(std::uint64_t(n) >> (8 * i));
    if (n == 0) {
      b.resize(at + 8);  // no data chunk, only the terminator
    } else {
      for (int i = 0; i < 4; ++i) b[at + 8 + std::size_t(i)] = std::uint8_t(std::uint32_t(n) >> (8 * i));
    }
    o.u32(0);  // PLP terminator
  } else {
    o.patch_u16(at, std::uint16_t(n));
  }
}

/// text/ntext/image: a 16-byte text pointer and 8-byte timestamp, then a 4-byte length and the data.
template <class Fill>
void put_textptr(Out& o, Fill fill) {
  static constexpr std::uint8_t kTextPtr[16] = {0x74, 0x64, 0x73, 0x5f, 0x74, 0x65, 0x73, 0x74,
                                                0x5f, 0x73, 0x65, 0x72, 0x76, 0x65, 0x72, 0x00};
  o.u8(16);
  o.raw(kTextPtr, 16);
  o.u64(0);  // timestamp
  Bytes& b = o.bytes();
  const std::size_t at = b.size();
  o.u32(0);
  fill(b);
  const std::uint32_t n = std::uint32_t(b.size() - at - 4);
  for (int i = 0; i < 4; ++i) b[at + std::size_t(i)] = std::uint8_t(n >> (8 * i));
}

bool put_int(Out& o, const ResultColumn& c, sqlite3_stmt* st, int idx, std::string& error) {
  std::int64_t v = sqlite3_column_int64(st, idx);
  const bool fixed = is_fixed_length(c);
  int bytes = 0;
  std::int64_t lo = 0, hi = 0;
  switch (c.type.kind) {
    case Kind::TinyInt: bytes = 1, lo = 0, hi = 255; break;
    case Kind::SmallInt: bytes = 2, lo = -32768, hi = 32767; break;
    case Kind::Int: bytes = 4, lo = INT32_MIN, hi = INT32_MAX; break;
    default: bytes = 8, lo = INT64_MIN, hi = INT64_MAX; break;
  }
  const int type = sqlite3_column_type(st, idx);
  bool ok = type == SQLITE_INTEGER || (type == SQLITE_FLOAT && double(v) == sqlite3_column_double(st, idx));
  if (type == SQLITE_TEXT) {  // "12" in a TEXT-affinity column: exact digits only
    auto d = parse_decimal(text_of(st, idx), 19, 0);
    const std::string_view s = text_of(st, idx);
    ok = d && s.find_first_of(".eE") == std::string_view::npos;
    if (ok) v = d->negative ? -std::int64_t(d->magnitude - 1) - 1 : std::int64_t(d->magnitude);
  }
  if (!ok)
    return fail(error, "Conversion failed when converting the value '" + std::string(text_of(st, idx)) +
                           "' to data type " + c.type.data_type() + " (" + describe(c) + ").");
  if (v < lo || v > hi)
    return fail(error, "Arithmetic overflow error for data type " + c.type.data_type() +
                           ", value = " + std::to_string(v) + " (" + describe(c) + ").");
  if (!fixed) o.u8(std::uint8_t(bytes));
  o.uint_n(std::uint64_t(v), bytes);
  return true;
}

bool put_decimal(Out& o, const ResultColumn& c, sqlite3_stmt* st, int idx, std::string& error) {
  const std::string_view s = text_of(st, idx);
  const SqlType& t = c.type;
  auto d = parse_decimal(s, t.precision, t.scale);
  if (!d)
    return fail(error, "Arithmetic overflow error converting '" + std::string(s) + "' to data type " +
                           t.spelled() + " (" + describe(c) + ").");
  if (t.kind == Kind::Money || t.kind == Kind::SmallMoney) {
    const bool small = t.kind == Kind::SmallMoney;
    using u128 = unsigned __int128;
    const u128 max = small ? u128(2147483647u) : u128(INT64_MAX);
    if (d->magnitude > max + (d->negative ? 1 : 0))
      return fail(error, "Arithmetic overflow error converting expression to data type " + t.data_type() +
                             " (" + describe(c) + ", value '" + std::string(s) + "').");
    const std::int64_t v = d->negative ? -std::int64_t(d->magnitude - 1) - 1 : std::int64_t(d->magnitude);
    if (!is_fixed_length(c)) o.u8(small ? 4 : 8);
    if (small) {
      o.u32(std::uint32_t(std::int32_t(v)));
    } else {
      o.u32(std::uint32_t(std::uint64_t(v) >> 32));  // high half first
      o.u32(std::uint32_t(std::uint64_t(v)));
    }
    return true;
  }
  const int n = decimal_bytes(t.precision);
  o.u8(std::uint8_t(1 + n));
  o.u8(d->negative ? 0 : 1);
  for (int i = 0; i < n; ++i) o.u8(std::uint8_t(d->magnitude >> (8 * i)));
  return true;
}

bool put_temporal(Out& o, const ResultColumn& c, sqlite3_stmt* st, int idx, std::string& error) {
  const std::string_view s = text_of(st, idx);
  const SqlType& t = c.type;
  auto v = parse_temporal(s);
  const bool needs_date = t.kind != Kind::Time;
  if (!v || (needs_date && !v->has_date) || (t.kind == Kind::Time && v->has_date && !v->has_time) ||
      (v->has_offset && t.kind != Kind::DateTimeOffset && v->offset_minutes != 0))
    return fail(error, "Conversion failed when converting date and/or time from character string '" +
                           std::string(s) + "' (" + describe(c) + ").");
  if (!v->has_date) v->days = 0;
  std::int64_t units = 0, days = 0;
  switch (t.kind) {
    case Kind::Date:
      o.u8(3);
      o.uint_n(std::uint64_t(v->days), 3);
      return true;
    case Kind::Time: {
      const int tb = time_bytes(t.scale);
      time_and_date(*v, t.scale, units, days);
      o.u8(std::uint8_t(tb));
      o.uint_n(std::uint64_t(units), tb);
      return true;
    }
    case Kind::DateTime2: {
      const int tb = time_bytes(t.scale);
      time_and_date(*v, t.scale, units, days);
      if (days > days_from_civil(9999, 12, 31))
        return fail(error, "datetime2 value out of range: '" + std::string(s) + "' (" + describe(c) + ").");
      o.u8(std::uint8_t(tb + 3));
      o.uint_n(std::uint64_t(units), tb);
      o.uint_n(std::uint64_t(days), 3);
      return true;
    }
    case Kind::DateTimeOffset: {
      const int tb = time_bytes(t.scale);
      const int offset = v->offset_minutes;
      to_utc(*v);  // the wire carries the UTC instant and the offset beside it
      time_and_date(*v, t.scale, units, days);
      o.u8(std::uint8_t(tb + 5));
      o.uint_n(std::uint64_t(units), tb);
      o.uint_n(std::uint64_t(days), 3);
      o.u16(std::uint16_t(std::int16_t(offset)));
      return true;
    }
    case Kind::DateTime: {
      // 1/300 s ticks, rounded half up: .001 -> .000, .002 -> .003, .005 -> .007, .999 -> next second.
      std::int64_t ticks = (v->nanos * 3 + 5'000'000) / 10'000'000;
      days = v->days - kDay1900;
      if (ticks >= 300LL * 86400) ticks -= 300LL * 86400, ++days;
      if (days < days_from_civil(1753, 1, 1) - kDay1900 || days > days_from_civil(9999, 12, 31) - kDay1900)
        return fail(error, "datetime value out of range: '" + std::string(s) + "' (" + describe(c) + ").");
      if (!is_fixed_length(c)) o.u8(8);
      o.u32(std::uint32_t(std::int32_t(days)));
      o.u32(std::uint32_t(ticks));
      return true;
    }
    case Kind::SmallDateTime: {
      // Minutes; 29.999 s and up round to the next minute.
      std::int64_t minutes = v->nanos / 60'000'000'000;
      if (v->nanos % 60'000'000'000 >= 29'999'000'000) ++minutes;
      days = v->days - kDay1900;
      if (minutes >= 1440) minutes -= 1440, ++days;
      if (days < 0 || days > 65535)
        return fail(error, "smalldatetime value out of range: '" + std::string(s) + "' (" + describe(c) + ").");
      if (!is_fixed_length(c)) o.u8(4);
      o.u16(std::uint16_t(days));
      o.u16(std::uint16_t(minutes));
      return true;
    }
    default:
      return false;
  }
}

bool put_string(Out& o, const ResultColumn& c, sqlite3_stmt* st, int idx, std::string& error) {
  const SqlType& t = c.type;
  const std::string_view s = text_of(st, idx);
  const bool unicode = t.is_unicode() || t.kind == Kind::Xml;
  const bool pad = t.kind == Kind::Char || t.kind == Kind::NChar;
  const std::size_t limit = t.is_max() || t.kind == Kind::Text || t.kind == Kind::NText || t.kind == Kind::Xml
                                ? SIZE_MAX
                                : std::size_t(t.length) * (unicode ? 2 : 1);
  bool too_long = false;
  auto fill = [&](Bytes& b) {
    const std::size_t start = b.size();
    if (unicode) append_utf16le(b, s);
    else append_cp1252(b, s);
    const std::size_t n = b.size() - start;
    if (n > limit) too_long = true;
    if (pad && n < limit) {  // char(n)/nchar(n) are stored blank-padded
      for (std::size_t k = n; k < limit; k += unicode ? 2 : 1) {
        b.push_back(' ');
        if (unicode) b.push_back(0);
      }
    }
  };
  if (t.kind == Kind::Text || t.kind == Kind::NText) put_textptr(o, fill);
  else put_var(o, t.is_plp(), fill);
  if (too_long)
    return fail(error, "String or binary data would be truncated: " + describe(c) + " holds a value of " +
                           std::to_string(s.size()) + " UTF-8 bytes, longer than its declared length.");
  return true;
}

bool put_binary(Out& o, const ResultColumn& c, sqlite3_stmt* st, int idx, std::string& error) {
  const SqlType& t = c.type;
  const std::string_view s = blob_of(st, idx);
  const std::size_t limit = t.is_max() || t.kind == Kind::Image ? SIZE_MAX : std::size_t(t.length);
  if (s.size() > limit)
    return fail(error, "String or binary data would be truncated: " + describe(c) + " holds " +
                           std::to_string(s.size()) + " bytes.");
  auto fill = [&](Bytes& b) {
    b.insert(b.end(), s.begin(), s.end());
    if (t.kind == Kind::Binary) b.resize(b.size() + (limit - s.size()), 0);  // binary(n) is zero-padded
  };
  if (t.kind == Kind::Image) put_textptr(o, fill);
  else put_var(o, t.is_plp(), fill);
  return true;
}

}  // namespace

bool put_null(Out& o, const ResultColumn& c) {
  if (is_fixed_length(c)) return false;
  const SqlType& t = c.type;
  switch (t.kind) {
    case Kind::Char: case Kind::VarChar: case Kind::NChar: case Kind::NVarChar:
    case Kind::Binary: case Kind::VarBinary: case Kind::Xml:
      if (t.is_plp()) o.u64(kPlpNull);
      else o.u16(0xFFFF);
      return true;
    default:
      o.u8(0);  // length 0 (and text pointer length 0 for text/ntext/image)
      return true;
  }
}

bool put_value(Out& o, const ResultColumn& c, sqlite3_stmt* st, int idx, std::string& error) {
  switch (c.type.kind) {
    case Kind::TinyInt: case Kind::SmallInt: case Kind::Int: case Kind::BigInt:
      return put_int(o, c, st, idx, error);
    case Kind::Bit:
      if (!is_fixed_length(c)) o.u8(1);
      o.u8(sqlite3_column_int64(st, idx) != 0 ? 1 : 0);
      return true;
    case Kind::Float: {
      const double d = sqlite3_column_double(st, idx);
      std::uint64_t bits;
      std::memcpy(&bits, &d, 8);
      if (!is_fixed_length(c)) o.u8(8);
      o.u64(bits);
      return true;
    }
    case Kind::Real: {
      const float f = float(sqlite3_column_double(st, idx));
      std::uint32_t bits;
      std::memcpy(&bits, &f, 4);
      if (!is_fixed_length(c)) o.u8(4);
      o.u32(bits);
      return true;
    }
    case Kind::Decimal: case Kind::Numeric: case Kind::Money: case Kind::SmallMoney:
      return put_decimal(o, c, st, idx, error);
    case Kind::Date: case Kind::Time: case Kind::DateTime: case Kind::SmallDateTime:
    case Kind::DateTime2: case Kind::DateTimeOffset:
      return put_temporal(o, c, st, idx, error);
    case Kind::Guid: {
      auto g = parse_guid(text_of(st, idx));
      if (!g && sqlite3_column_type(st, idx) == SQLITE_BLOB && sqlite3_column_bytes(st, idx) == 16) {
        g.emplace();
        std::memcpy(g->data(), sqlite3_column_blob(st, idx), 16);
      }
      if (!g)
        return fail(error, "Conversion failed when converting from a character string to uniqueidentifier: '" +
                               std::string(text_of(st, idx)) + "' (" + describe(c) + ").");
      const auto w = guid_wire_bytes(*g);
      o.u8(16);
      o.raw(w.data(), 16);
      return true;
    }
    case Kind::Char: case Kind::VarChar: case Kind::NChar: case Kind::NVarChar:
    case Kind::Text: case Kind::NText: case Kind::Xml:
      return put_string(o, c, st, idx, error);
    case Kind::Binary: case Kind::VarBinary: case Kind::Image:
      return put_binary(o, c, st, idx, error);
  }
  return false;
}

}  // namespace tds_test

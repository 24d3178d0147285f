// Binary COPY decoding: the hot loop of a PostgreSQL read. See pg_decode.hpp.
#include "pg_decode.hpp"

#include <bit>
#include <cstring>
#include <limits>

#include "recon/core/canonical.hpp"
#include "recon/core/errors.hpp"

namespace recon::pg {
namespace {

// Inline big-endian readers: these run once per field, a call into core per field would show.
inline std::uint16_t be16(const char* p) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return std::endian::native == std::endian::little ? static_cast<std::uint16_t>(__builtin_bswap16(v)) : v;
}
inline std::uint32_t be32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return std::endian::native == std::endian::little ? __builtin_bswap32(v) : v;
}
inline std::uint64_t be64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return std::endian::native == std::endian::little ? __builtin_bswap64(v) : v;
}

/// The end of `count` binary COPY fields ([int32 length][bytes], length −1 for NULL) starting at
/// `p`, or nullptr when they do not all lie before `end`. Offsets, not pointers, carry the
/// untrusted lengths: a huge length cannot overflow anything, it just runs past `end`. Every value
/// of every raw row goes through here, hence one comparison per field.
inline const char* skip_fields(const char* p, const char* end, std::size_t count) {
  const auto size = static_cast<std::size_t>(end - p);
  std::size_t at = 0;
  for (std::size_t f = 0; f < count; ++f) {
    if (at + 4 > size) return nullptr;  // at ≤ size + 2^31 here, so this cannot wrap
    const auto flen = static_cast<std::int32_t>(be32(p + at));
    at += 4 + (flen > 0 ? static_cast<std::size_t>(flen) : 0);
  }
  return at <= size ? p + at : nullptr;
}

constexpr char kSignature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0'};
constexpr std::int64_t kPgEpochMicros = std::int64_t{kPostgresEpochDays} * kMicrosPerDay;

// numeric's sign word (src/backend/utils/adt/numeric.c).
constexpr std::uint16_t kNumericPos = 0x0000, kNumericNeg = 0x4000, kNumericNaN = 0xC000,
                        kNumericPInf = 0xD000, kNumericNInf = 0xF000;

/// Base-10000 digits of a numeric as decimal characters (4 per digit) in `digits`; value is
/// digits * 10^exp10. Returns false when the buffer is malformed; `special` is set for NaN/±Inf.
bool numeric_parts(const char* p, std::size_t len, bool& negative, std::string& digits, int& exp10,
                   const char*& special) {
  special = nullptr;
  if (len < 8) return false;
  const auto ndigits = static_cast<std::int16_t>(be16(p));
  const auto weight = static_cast<std::int16_t>(be16(p + 2));
  const std::uint16_t sign = be16(p + 4);
  if (sign == kNumericNaN) { special = "NaN"; return true; }
  if (sign == kNumericPInf) { special = "Infinity"; return true; }
  if (sign == kNumericNInf) { special = "-Infinity"; return true; }
  if ((sign != kNumericPos && sign != kNumericNeg) || ndigits < 0 ||
      len != 8 + 2 * static_cast<std::size_t>(ndigits))
    return false;
  negative = sign == kNumericNeg;
  digits.resize(4 * static_cast<std::size_t>(ndigits));
  char* d = digits.data();
  for (int i = 0; i < ndigits; ++i) {
    unsigned v = be16(p + 8 + 2 * i);
    if (v > 9999) return false;
    d[3] = static_cast<char>('0' + v % 10); v /= 10;
    d[2] = static_cast<char>('0' + v % 10); v /= 10;
    d[1] = static_cast<char>('0' + v % 10); v /= 10;
    d[0] = static_cast<char>('0' + v);
    d += 4;
  }
  exp10 = 4 * (weight - ndigits + 1);
  return true;
}

void put_numeric(const ColumnDecoder& col, const char* p, std::size_t len, std::string& out,
                 std::string& scratch) {
  if (col.compare_as == TypeClass::Decimal && len >= 8) {
    // Fast path: base-10000 groups straight into the canonical text, no temporaries.
    const auto ndigits = static_cast<std::int16_t>(be16(p));
    const std::uint16_t sign = be16(p + 4);
    constexpr std::size_t kMaxGroups = 64;
    if ((sign == kNumericPos || sign == kNumericNeg) && ndigits >= 0 &&
        static_cast<std::size_t>(ndigits) <= kMaxGroups && len == 8 + 2 * static_cast<std::size_t>(ndigits)) {
      std::uint16_t groups[kMaxGroups];
      bool valid = true;
      for (int i = 0; i < ndigits; ++i) {
        groups[i] = be16(p + 8 + 2 * i);
        valid &= groups[i] <= 9999;
      }
      if (valid)
        return canon::put_decimal_groups(out, sign == kNumericNeg, static_cast<std::int16_t>(be16(p + 2)), groups,
                                         static_cast<std::size_t>(ndigits));
    }
  }
  if (col.compare_as == TypeClass::Decimal) {
    bool negative = false;
    int exp10 = 0;
    const char* special = nullptr;
    if (!numeric_parts(p, len, negative, scratch, exp10, special))
      return canon::put_invalid(out, "malformed numeric");
    if (special) return canon::put_invalid(out, special);
    if (scratch.empty()) return canon::put_decimal_digits(out, false, "0", 0);
    return canon::put_decimal_digits(out, negative, scratch, exp10);
  }
  // Another class (integer/float/text on the other side): go through the exact text.
  if (!numeric_to_text(p, len, scratch) && col.compare_as != TypeClass::Float)
    return canon::put_invalid(out, scratch);
  canon::put_from_text(out, col.compare_as, scratch, col.rounding);
}

void put_int(const ColumnDecoder& col, std::int64_t v, std::string& out) {
  if (col.compare_as == TypeClass::Integer) return canon::put_integer(out, v);
  canon::put_from_integer(out, col.compare_as, v);
}

void put_double(const ColumnDecoder& col, double v, std::string& out) {
  if (col.compare_as == TypeClass::Float) return canon::put_float(out, v, col.single_float);
  canon::put_from_double(out, col.compare_as, v, col.single_float);
}

void put_text_like(const ColumnDecoder& col, std::string_view s, std::string& out) {
  canon::put_from_text(out, col.compare_as, col.trim_padding ? canon::without_padding(s) : s, col.rounding);
}

void put_date_value(const ColumnDecoder& col, std::int32_t pg_days, std::string& out) {
  if (pg_days == std::numeric_limits<std::int32_t>::min()) return canon::put_invalid(out, "-infinity");
  if (pg_days == std::numeric_limits<std::int32_t>::max()) return canon::put_invalid(out, "infinity");
  const std::int32_t days = pg_days + kPostgresEpochDays;
  switch (col.compare_as) {
    case TypeClass::Date: return canon::put_date(out, days);
    case TypeClass::Timestamp: return canon::put_timestamp(out, std::int64_t{days} * kMicrosPerDay);
    case TypeClass::TimestampTz: return canon::put_timestamptz(out, std::int64_t{days} * kMicrosPerDay);
    case TypeClass::Text: return canon::put_text(out, canon::format_date(days));
    default: return canon::put_from_text(out, col.compare_as, canon::format_date(days), col.rounding);
  }
}

void put_timestamp_value(const ColumnDecoder& col, std::int64_t pg_micros, std::string& out) {
  if (pg_micros == std::numeric_limits<std::int64_t>::min()) return canon::put_invalid(out, "-infinity");
  if (pg_micros == std::numeric_limits<std::int64_t>::max()) return canon::put_invalid(out, "infinity");
  const std::int64_t us = pg_micros + kPgEpochMicros;
  switch (col.compare_as) {
    case TypeClass::Timestamp: return canon::put_timestamp(out, us);
    // timestamptz travels as a UTC instant, timestamp as a wall clock: comparing one as the
    // other reads the wall clock as UTC, the only choice that does not depend on a session zone.
    case TypeClass::TimestampTz: return canon::put_timestamptz(out, us);
    case TypeClass::Date: {
      const std::int64_t day = us >= 0 ? us / kMicrosPerDay : -((-us + kMicrosPerDay - 1) / kMicrosPerDay);
      if (us - day * kMicrosPerDay == 0) return canon::put_date(out, static_cast<std::int32_t>(day));
      return canon::put_invalid(out, canon::format_timestamp(us));
    }
    case TypeClass::Text: return canon::put_text(out, canon::format_timestamp(us));
    default: return canon::put_from_text(out, col.compare_as, canon::format_timestamp(us), col.rounding);
  }
}

void format_uuid(const unsigned char* b, std::string& s) {
  static constexpr char kHex[] = "0123456789abcdef";
  s.clear();
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[b[i] >> 4]);
    s.push_back(kHex[b[i] & 15]);
  }
}

}  // namespace

ColumnDecoder make_decoder(const SelectColumn& column) {
  const bool text_like = column.native.type_class == TypeClass::Text;
  return ColumnDecoder::of(column, wire_for_oid(column.native.type_oid, text_like));
}

void decode_value(const ColumnDecoder& col, const char* p, std::size_t len, std::string& out,
                  std::string& scratch) {
  switch (col.wire) {
    case Wire::Int2:
      if (len != 2) break;
      return put_int(col, static_cast<std::int16_t>(be16(p)), out);
    case Wire::Int4:
      if (len != 4) break;
      return put_int(col, static_cast<std::int32_t>(be32(p)), out);
    case Wire::Int8:
      if (len != 8) break;
      return put_int(col, static_cast<std::int64_t>(be64(p)), out);
    case Wire::Oid:
      if (len != 4) break;
      return put_int(col, be32(p), out);
    case Wire::Numeric: return put_numeric(col, p, len, out, scratch);
    case Wire::Float4:
      if (len != 4) break;
      return put_double(col, std::bit_cast<float>(be32(p)), out);
    case Wire::Float8:
      if (len != 8) break;
      return put_double(col, std::bit_cast<double>(be64(p)), out);
    case Wire::Bool:
      if (len != 1) break;
      if (col.compare_as == TypeClass::Boolean) return canon::put_bool(out, *p != 0);
      return canon::put_from_integer(out, col.compare_as, *p != 0 ? 1 : 0);
    case Wire::Date:
      if (len != 4) break;
      return put_date_value(col, static_cast<std::int32_t>(be32(p)), out);
    case Wire::Time: {
      if (len != 8) break;
      const auto us = static_cast<std::int64_t>(be64(p));
      if (col.compare_as == TypeClass::Time) return canon::put_time(out, us);
      if (col.compare_as == TypeClass::Text) return canon::put_text(out, canon::format_time(us));
      return canon::put_from_text(out, col.compare_as, canon::format_time(us), col.rounding);
    }
    case Wire::Timestamp:
    case Wire::TimestampTz:
      if (len != 8) break;
      return put_timestamp_value(col, static_cast<std::int64_t>(be64(p)), out);
    case Wire::Uuid: {
      if (len != 16) break;
      const auto* b = reinterpret_cast<const unsigned char*>(p);
      if (col.compare_as == TypeClass::Uuid) return canon::put_uuid(out, b);
      format_uuid(b, scratch);
      if (col.compare_as == TypeClass::Text) return canon::put_text(out, scratch);
      return canon::put_from_text(out, col.compare_as, scratch, col.rounding);
    }
    case Wire::Text:
    case Wire::Bpchar: return put_text_like(col, std::string_view(p, len), out);
    case Wire::Bytea:
      if (col.compare_as == TypeClass::Bytes) return canon::put_bytes(out, std::string_view(p, len));
      return canon::put_from_text(out, col.compare_as, std::string_view(p, len), col.rounding);
    case Wire::Jsonb:
      // jsonb's binary form is a version byte (1) followed by the text.
      if (len < 1 || *p != 1) break;
      ++p;
      --len;
      [[fallthrough]];
    case Wire::Json: {
      const std::string_view s(p, len);
      if (col.compare_as == TypeClass::Json) {
        if (!canon::put_json(out, s)) canon::put_invalid(out, s);
        return;
      }
      if (col.compare_as == TypeClass::Text) return canon::put_text(out, s);
      return canon::put_from_text(out, col.compare_as, s, col.rounding);
    }
    case Wire::Bits: {
      // int32 bit count, then the bits, most significant first, the last byte zero-padded.
      if (len < 4) break;
      const auto bits = static_cast<std::size_t>(be32(p));
      if (len != 4 + (bits + 7) / 8) break;
      scratch.assign(bits, '0');
      for (std::size_t i = 0; i < bits; ++i)
        if (static_cast<unsigned char>(p[4 + i / 8]) & (0x80u >> (i % 8))) scratch[i] = '1';
      if (col.compare_as == TypeClass::Text) return canon::put_text(out, scratch);
      return canon::put_from_text(out, col.compare_as, scratch, col.rounding);
    }
    case Wire::Unsupported: break;
  }
  // A length that does not fit the type or a type recon does not decode: keep the raw bytes as
  // an Invalid value so it shows up as a divergence naming the value, not as a crash.
  canon::put_invalid(out, std::string_view(p, len));
}

bool numeric_to_text(const char* p, std::size_t len, std::string& text) {
  bool negative = false;
  int exp10 = 0;
  const char* special = nullptr;
  std::string digits;
  if (!numeric_parts(p, len, negative, digits, exp10, special)) {
    text = "malformed numeric";
    return false;
  }
  if (special) {
    text = special;
    return false;
  }
  const std::size_t first = digits.find_first_not_of('0');
  text.clear();
  if (first == std::string::npos) {
    text = "0";
    return true;
  }
  digits.erase(0, first);
  if (negative) text.push_back('-');
  if (exp10 >= 0) {
    text += digits;
    text.append(static_cast<std::size_t>(exp10), '0');
    return true;
  }
  const std::size_t frac = static_cast<std::size_t>(-exp10);
  if (digits.size() > frac) {
    text.append(digits, 0, digits.size() - frac);
    text.push_back('.');
    text.append(digits, digits.size() - frac);
  } else {
    text += "0.";
    text.append(frac - digits.size(), '0');
    text += digits;
  }
  // Fraction digits past the value's last non-zero digit only pad to the base-10000 boundary.
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return true;
}

void CopyDecoder::canonicalize_raw(const std::vector<ColumnDecoder>& values, std::string_view raw, std::string& out) {
  std::string scratch;
  const char* p = raw.data();
  const char* const end = p + raw.size();
  for (const ColumnDecoder& col : values) {
    if (end - p < 4) throw CopyFormatError("a kept row of raw values is truncated");
    const auto flen = static_cast<std::int32_t>(be32(p));
    p += 4;
    if (flen < 0) {
      canon::put_null(out);
      continue;
    }
    const std::size_t mark = out.size();
    decode_value(col, p, static_cast<std::size_t>(flen), out, scratch);
    col.finish(out, mark);
    p += flen;
  }
}

CopyDecoder::CopyDecoder(std::string table, std::vector<ColumnDecoder> keys,
                         std::vector<ColumnDecoder> values, bool raw_values)
    : table_(std::move(table)), cols_(std::move(keys)), nkeys_(cols_.size()), raw_values_(raw_values) {
  cols_.insert(cols_.end(), std::make_move_iterator(values.begin()), std::make_move_iterator(values.end()));
}

void CopyDecoder::feed(const char* data, std::size_t len, RowBatch& out) {
  if (pending_.empty()) {
    const std::size_t used = parse(data, data + len, out);
    if (used < len) pending_.assign(data + used, len - used);
    return;
  }
  pending_.append(data, len);
  const std::size_t used = parse(pending_.data(), pending_.data() + pending_.size(), out);
  pending_.erase(0, used);
}

void CopyDecoder::finish() const {
  if (!trailer_seen_ || !pending_.empty())
    throw CopyFormatError("the binary COPY stream of " + table_ + " ended early (" +
                          std::to_string(pending_.size()) + " bytes of an incomplete row)");
}

std::size_t CopyDecoder::parse(const char* p, const char* end, RowBatch& out) {
  const char* const start = p;
  if (!header_done_) {
    if (end - p < 19) return 0;
    if (std::memcmp(p, kSignature, sizeof kSignature) != 0)
      throw CopyFormatError("the COPY stream of " + table_ + " is not in PostgreSQL's binary format");
    const std::uint32_t ext = be32(p + 15);
    if (static_cast<std::size_t>(end - p) < 19 + std::size_t{ext}) return 0;
    p += 19 + ext;
    header_done_ = true;
  }
  const std::size_t ncols = cols_.size();
  while (!trailer_seen_ && end - p >= 2) {
    const auto nfields = static_cast<std::int16_t>(be16(p));
    if (nfields == -1) {
      trailer_seen_ = true;
      p += 2;
      break;
    }
    if (static_cast<std::size_t>(nfields) != ncols)
      throw CopyFormatError("the COPY stream of " + table_ + " has rows of " + std::to_string(nfields) +
                            " fields, expected " + std::to_string(ncols));
    const char* q = p + 2;
    out.begin_row();
    std::string& arena = out.arena();
    bool complete = true;
    for (std::size_t i = 0; i < ncols; ++i) {
      if (i == nkeys_) {
        out.end_key();
        if (raw_values_) {
          // The value fields, as they are: find the tuple's end, copy once.
          const char* const values_end = skip_fields(q, end, ncols - i);
          complete = values_end != nullptr;
          if (complete) {
            arena.append(q, static_cast<std::size_t>(values_end - q));
            q = values_end;
          }
          break;
        }
      }
      if (end - q < 4) { complete = false; break; }
      const auto flen = static_cast<std::int32_t>(be32(q));
      q += 4;
      if (flen < 0) {
        if (i < nkeys_) {
          out.abandon_row();
          throw InputError("key column " + cols_[i].name + " of " + table_ +
                           " has NULL values; choose a NOT NULL key (the [[tables]] key setting)");
        }
        canon::put_null(arena);
        continue;
      }
      if (end - q < flen) { complete = false; break; }
      const std::size_t mark = arena.size();
      decode_value(cols_[i], q, static_cast<std::size_t>(flen), arena, scratch_);
      cols_[i].finish(arena, mark);
      q += flen;
    }
    if (!complete) {
      // The rest of this tuple is in the next CopyData message: drop what was decoded and
      // decode the tuple again once it is whole.
      out.abandon_row();
      break;
    }
    if (nkeys_ == ncols) out.end_key();
    out.end_row();
    ++rows_;
    p = q;
  }
  if (trailer_seen_ && p != end)
    throw CopyFormatError("the COPY stream of " + table_ + " has data after its end marker");
  return static_cast<std::size_t>(p - start);
}

}  // namespace recon::pg

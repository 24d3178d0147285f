// Canonical values <-> SQLite values.
#include "sqlite_values.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

#include "../column_decoder.hpp"

namespace recon::sqlite {
namespace {

int bind_text(sqlite3_stmt* stmt, int index, const std::string& s) {
  return sqlite3_bind_text64(stmt, index, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}


int bind_decimal(sqlite3_stmt* stmt, int index, std::string_view text) {
  if (text.find('.') == std::string_view::npos) {
    std::int64_t i;
    auto r = std::from_chars(text.data(), text.data() + text.size(), i);
    if (r.ec == std::errc() && r.ptr == text.data() + text.size())
      return sqlite3_bind_int64(stmt, index, i);
  }
  double d = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), d);
  if (r.ec == std::errc() && std::isfinite(d)) return sqlite3_bind_double(stmt, index, d);
  return sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

}  // namespace

int bind_canonical(sqlite3_stmt* stmt, int index, const canon::ValueView& v) {
  const auto& p = v.payload;
  switch (v.tag) {
    case TypeClass::Null: return sqlite3_bind_null(stmt, index);
    case TypeClass::Integer: return sqlite3_bind_int64(stmt, index, v.as_int64());
    case TypeClass::Boolean: return sqlite3_bind_int64(stmt, index, p.empty() ? 0 : p[0] != 0);
    case TypeClass::Float: return sqlite3_bind_double(stmt, index, v.as_double());
    case TypeClass::Decimal: return bind_decimal(stmt, index, p);
    case TypeClass::Date: return bind_text(stmt, index, canon::format_date(v.as_int32()));
    case TypeClass::Time: return bind_text(stmt, index, canon::format_time(v.as_int64()));
    case TypeClass::Timestamp: return bind_text(stmt, index, canon::format_timestamp(v.as_int64()));
    case TypeClass::TimestampTz:
      return bind_text(stmt, index, canon::format_timestamp(v.as_int64()) + "+00:00");
    case TypeClass::Uuid: return bind_text(stmt, index, canon::format_uuid(p));
    case TypeClass::Bytes:
      return sqlite3_bind_blob64(stmt, index, p.data(), p.size(), SQLITE_TRANSIENT);
    case TypeClass::Text:
    case TypeClass::Json:
    case TypeClass::Invalid:
      return sqlite3_bind_text64(stmt, index, p.data(), p.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  return sqlite3_bind_null(stmt, index);
}

namespace {

void append_stored(std::string& out, sqlite3_stmt* stmt, int col, const SelectColumn& sc) {
  const TypeClass cls = sc.compare_as;
  switch (sqlite3_column_type(stmt, col)) {
    case SQLITE_NULL: canon::put_null(out); return;
    case SQLITE_INTEGER:
      // A float4 on either side rounds to single precision, an integer stored in it too
      // (16777217 is 16777216 in a REAL/FLOAT4 pair, docs/canonical-values.md).
      if (cls == TypeClass::Float && (sc.single_float || sc.native.single_float))
        canon::put_float(out, static_cast<double>(sqlite3_column_int64(stmt, col)), true);
      else
        canon::put_from_integer(out, cls, sqlite3_column_int64(stmt, col));
      return;
    case SQLITE_FLOAT:
      canon::put_from_double(out, cls, sqlite3_column_double(stmt, col),
                             sc.single_float || sc.native.single_float);
      return;
    case SQLITE_TEXT: {
      // column_text before column_bytes: the byte count is of the UTF-8 form just produced.
      const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt, col));
      std::string_view text(data ? data : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, col)));
      if (sc.trim_padding || sc.native.padded_char) text = canon::without_padding(text);
      canon::put_from_text(out, cls, text, sc.time_rounding);
      return;
    }
    default: {  // SQLITE_BLOB
      const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, col));
      const std::string_view raw(data ? data : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, col)));
      if (cls == TypeClass::Uuid && raw.size() == 16) {
        unsigned char b[16];
        std::memcpy(b, raw.data(), 16);
        canon::put_uuid(out, b);
      } else {
        canon::put_bytes(out, raw);
      }
      return;
    }
  }
}

}  // namespace

void append_column(std::string& out, sqlite3_stmt* stmt, int col, const SelectColumn& sc) {
  const std::size_t mark = out.size();
  append_stored(out, stmt, col, sc);
  datetime_ticks::finish(out, mark, sc.tick_digits);  // the decoders' finish step (column_decoder.hpp)
}

}  // namespace recon::sqlite

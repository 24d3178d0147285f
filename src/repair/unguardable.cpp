// Which observed values can guard a repair statement. See guarded_sql.hpp and docs/repair.md.
#include "recon/repair/guarded_sql.hpp"

namespace recon::repair {

namespace {

bool is_time(TypeClass c) {
  return c == TypeClass::Time || c == TypeClass::Timestamp || c == TypeClass::TimestampTz;
}

}  // namespace

std::optional<std::string> unguardable(Dialect dialect, const SelectColumn& column, const canon::ValueView& v) {
  if (v.is_null()) return std::nullopt;
  const ColumnInfo& native = column.native;
  const TypeClass cls = column.compare_as;
  if (cls == TypeClass::Float || column.single_float) return "float";
  if (cls == TypeClass::Json) return "json";
  if (v.tag == TypeClass::Invalid) return "not a " + std::string(type_class_name(cls)) + " value";
  const bool same_class = native.dynamic || native.type_class == cls ||
                          (native.type_class == TypeClass::Integer && cls == TypeClass::Decimal);
  if (!same_class) return "observed as " + std::string(type_class_name(cls));
  if (column.trim_padding && !native.padded_char) return "trailing spaces trimmed when observed";
  // xml on either engine: no = operator, so a guard would fail the file.
  if (!native.keyable) return native.type_name + " cannot be compared with = in its engine";
  // A datetime tick's exact value (.003333) was observed as the millisecond it shows (.003).
  if (column.tick_digits >= 0 && is_time(cls)) return "a datetime tick's exact value observed as its millisecond";
  switch (dialect) {
    case Dialect::Postgres: return std::nullopt;
    case Dialect::SqlServer:
      // The old LOB types and xml have no = operator (Msg 402 / 305): a guard would fail the file.
      if (native.type_name == "text" || native.type_name == "ntext" || native.type_name == "image" ||
          native.type_name == "xml")
        return native.type_name + " cannot be compared in SQL Server";
      // datetime keeps 1/300 s and (7) types 100 ns: their observed microseconds were rounded.
      if (is_time(cls) && (native.type_name == "datetime" || native.precision > 6))
        return native.type_name + " rounded to microseconds when observed";
      return std::nullopt;
    case Dialect::Mysql:
      // A bit(n) is observed as its bit string; the column holds bits, not that text.
      if (native.type_name.rfind("bit", 0) == 0) return native.type_name + " observed as its bit string";
      // MySQL stores a zero date that recon observes as not a date: caught above as Invalid.
      return std::nullopt;
    case Dialect::Sqlite:
      // SQLite keeps CHAR(n) values as written, padding included: the trimmed observation is not it.
      if (column.trim_padding || native.padded_char) return "trailing spaces trimmed when observed";
      // SQLite keeps dates, times and uuids as text in whatever spelling was written.
      if (cls == TypeClass::Integer || cls == TypeClass::Decimal || cls == TypeClass::Text ||
          cls == TypeClass::Bytes || cls == TypeClass::Boolean)
        return std::nullopt;
      return std::string(type_class_name(cls)) + " stored as text";
  }
  return "unknown engine";
}

}  // namespace recon::repair

// MySQL catalog types -> comparison classes. See my_types.hpp.
#include "my_types.hpp"

namespace recon::my {
namespace {

bool one_of(const std::string& t, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (t == n) return true;
  return false;
}

int value_or(const std::optional<std::int64_t>& v, int fallback) { return v ? static_cast<int>(*v) : fallback; }

}  // namespace

bool is_bit(const ColumnInfo& c) { return c.type_name.rfind("bit(", 0) == 0 || c.type_name == "bit"; }

ColumnInfo classify_column(const CatalogColumn& c) {
  ColumnInfo col;
  col.name = c.name;
  col.nullable = c.nullable;
  col.type_name = c.column_type;
  const std::string& t = c.data_type;
  const bool is_unsigned = c.column_type.find("unsigned") != std::string::npos;
  if (t == "tinyint" && c.column_type.rfind("tinyint(1)", 0) == 0) {
    col.type_class = TypeClass::Boolean;  // MySQL's BOOLEAN is tinyint(1)
  } else if (t == "bigint" && is_unsigned) {
    col.type_class = TypeClass::Decimal;  // up to 18446744073709551615: past int64
    col.precision = 20;
    col.scale = 0;
  } else if (one_of(t, {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "year"})) {
    col.type_class = TypeClass::Integer;
  } else if (t == "decimal" || t == "numeric") {
    col.type_class = TypeClass::Decimal;
    col.precision = value_or(c.numeric_precision, 10);
    col.scale = value_or(c.numeric_scale, 0);
  } else if (t == "double" || t == "real") {
    col.type_class = TypeClass::Float;
  } else if (t == "float") {
    col.type_class = TypeClass::Float;
    col.single_float = true;
  } else if (t == "date") {
    col.type_class = TypeClass::Date;
  } else if (t == "datetime" || t == "timestamp" || t == "time") {
    col.type_class = t == "time" ? TypeClass::Time : t == "datetime" ? TypeClass::Timestamp : TypeClass::TimestampTz;
    col.precision = value_or(c.datetime_precision, 0);
  } else if (t == "char") {
    col.type_class = TypeClass::Text;
    col.padded_char = true;
  } else if (one_of(t, {"varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set"})) {
    col.type_class = c.json_check ? TypeClass::Json : TypeClass::Text;
  } else if (t == "json") {
    col.type_class = TypeClass::Json;
  } else if (t == "bit") {
    col.type_class = TypeClass::Text;
    col.precision = value_or(c.numeric_precision, 1);
  } else if (one_of(t, {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"})) {
    col.type_class = TypeClass::Bytes;
  } else if (t == "uuid") {  // MariaDB 10.7+
    col.type_class = TypeClass::Uuid;
  }
  // Anything else (geometry and the other spatial types, inet4/inet6, vector) stays unsupported:
  // type_class nullopt, named at configuration time.
  return col;
}

}  // namespace recon::my

// SQL Server catalog types -> comparison classes (issue 3's type matrix). See sqlserver_types.hpp.
#include "sqlserver_types.hpp"

#include <algorithm>
#include <cctype>

namespace recon::tds {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

int value_or(const std::optional<std::int64_t>& v, int fallback) {
  return v ? static_cast<int>(*v) : fallback;
}

std::string length_suffix(const std::optional<std::int64_t>& len) {
  if (!len) return "";
  return *len < 0 ? "(max)" : "(" + std::to_string(*len) + ")";
}

std::string bracketed(const std::string& name) {
  std::string out = "[";
  for (char ch : name) out += ch == ']' ? std::string("]]") : std::string(1, ch);
  return out + "]";
}

}  // namespace

std::string refused_type(const std::string& data_type, const std::string& column) {
  const std::string c = bracketed(column);
  const std::string t = lower(data_type);
  // hierarchyid's text is its path (/1/3/); sql_variant converts its base type's value to text.
  if (t == "hierarchyid" || t == "sql_variant") return "CAST(" + c + " AS nvarchar(4000)) AS " + c;
  // Spatial values compare as their OGC well-known binary (PostGIS: ST_AsBinary).
  if (t == "geography" || t == "geometry") return c + ".STAsBinary() AS " + c;
  return "";
}

ColumnInfo classify_column(const CatalogColumn& c) {
  ColumnInfo col;
  col.name = c.name;
  col.nullable = c.nullable;
  const std::string t = lower(c.data_type);
  col.type_name = t;
  if (t == "int" || t == "bigint" || t == "smallint" || t == "tinyint") {
    col.type_class = TypeClass::Integer;
  } else if (t == "bit") {
    col.type_class = TypeClass::Boolean;
  } else if (t == "decimal" || t == "numeric") {
    col.type_class = TypeClass::Decimal;
    col.precision = value_or(c.numeric_precision, 18);
    col.scale = value_or(c.numeric_scale, 0);
    col.type_name = t + "(" + std::to_string(col.precision) + "," + std::to_string(col.scale) + ")";
  } else if (t == "money" || t == "smallmoney") {
    col.type_class = TypeClass::Decimal;
    col.precision = t == "money" ? 19 : 10;
    col.scale = 4;
  } else if (t == "float") {
    col.type_class = TypeClass::Float;
  } else if (t == "real") {
    col.type_class = TypeClass::Float;
    col.single_float = true;
  } else if (t == "date") {
    col.type_class = TypeClass::Date;
  } else if (t == "time" || t == "datetime2" || t == "datetimeoffset") {
    col.type_class = t == "time" ? TypeClass::Time : t == "datetime2" ? TypeClass::Timestamp : TypeClass::TimestampTz;
    col.precision = value_or(c.datetime_precision, 7);
    col.type_name = t + "(" + std::to_string(col.precision) + ")";
  } else if (t == "datetime") {
    col.type_class = TypeClass::Timestamp;
    col.precision = 3;
    col.datetime_ticks = true;
  } else if (t == "smalldatetime") {
    col.type_class = TypeClass::Timestamp;
    col.precision = 0;
  } else if (t == "uniqueidentifier") {
    col.type_class = TypeClass::Uuid;
  } else if (t == "char" || t == "nchar") {
    col.type_class = TypeClass::Text;
    col.padded_char = true;
    col.type_name = t + length_suffix(c.char_max_length);
  } else if (t == "varchar" || t == "nvarchar") {
    col.type_class = TypeClass::Text;
    col.type_name = t + length_suffix(c.char_max_length);
  } else if (t == "text" || t == "ntext" || t == "xml") {
    col.type_class = TypeClass::Text;
    col.keyable = t != "xml";  // xml has no = or ordering (Msg 305)
  } else if (t == "timestamp" || t == "rowversion") {
    // rowversion: 8 bytes the server sets on every write, sent as binary(8) (UserType 80).
    // INFORMATION_SCHEMA still calls it timestamp, which is not the SQL standard's timestamp.
    col.type_class = TypeClass::Bytes;
    col.type_name = "rowversion";
  } else if (t == "binary" || t == "varbinary") {
    col.type_class = TypeClass::Bytes;
    col.type_name = t + length_suffix(c.char_max_length);
  } else if (t == "image") {
    col.type_class = TypeClass::Bytes;
  }
  // Anything else (sql_variant, hierarchyid, geography, geometry, CLR types) stays unsupported:
  // type_class nullopt, named at configuration time with the expression a view can compare.
  if (!col.type_class) col.compare_through = refused_type(t, c.name);
  if (col.type_class == TypeClass::Text && !c.collation.empty()) col.type_name += " COLLATE " + c.collation;
  return col;
}

bool is_case_insensitive(std::string_view s) {
  const auto at = s.find("COLLATE ");
  if (at != std::string_view::npos) s = s.substr(at + 8);
  for (std::size_t i = 0; i + 3 <= s.size(); ++i)
    if ((s[i] == '_') && (s[i + 1] == 'C' || s[i + 1] == 'c') && (s[i + 2] == 'I' || s[i + 2] == 'i') &&
        (i + 3 == s.size() || s[i + 3] == '_'))
      return true;
  return false;
}

}  // namespace recon::tds

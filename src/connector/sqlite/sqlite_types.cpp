// Declared SQLite column types -> comparison classes.
#include "sqlite_types.hpp"

#include <cctype>
#include <charconv>
#include <string>

namespace recon::sqlite {
namespace {

std::string upper_trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out;
  out.reserve(s.size());
  bool space = false;  // collapse runs of blanks so "TIMESTAMP  WITH TIME ZONE" still matches
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) { space = true; continue; }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

/// Splits "NUMERIC(15, 2) UNSIGNED" into base "NUMERIC UNSIGNED" and the numbers in parentheses.
void split_params(const std::string& t, std::string& base, int& p1, int& p2) {
  p1 = p2 = -1;
  const auto open = t.find('(');
  const auto close = open == std::string::npos ? std::string::npos : t.find(')', open);
  if (close == std::string::npos) { base = t; return; }
  base = t.substr(0, open);
  while (!base.empty() && base.back() == ' ') base.pop_back();
  base += t.substr(close + 1);
  int* slot[2] = {&p1, &p2};
  int n = 0;
  std::string_view args(t.data() + open + 1, close - open - 1);
  while (!args.empty() && n < 2) {
    while (!args.empty() && (args.front() == ' ' || args.front() == ',')) args.remove_prefix(1);
    int v = 0;
    auto r = std::from_chars(args.data(), args.data() + args.size(), v);
    if (r.ec != std::errc()) break;
    *slot[n++] = v;
    args.remove_prefix(static_cast<std::size_t>(r.ptr - args.data()));
  }
}

bool has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }
bool starts(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

}  // namespace

void classify_declared_type(std::string_view declared, ColumnInfo& col) {
  col.dynamic = true;
  col.padded_char = false;
  col.single_float = false;
  col.precision = col.scale = -1;
  const std::string t = upper_trimmed(declared);
  std::string base;
  int p1, p2;
  split_params(t, base, p1, p2);

  // An undeclared type (CREATE TABLE t(a, b), CREATE TABLE AS SELECT) mostly holds text and
  // numbers; Text renders those naturally, whereas Bytes would show text as hex. Chosen: Text.
  if (base.empty()) { col.type_class = TypeClass::Text; return; }

  // ---- conventional names first: SQLite would give most of these NUMERIC affinity ----
  if (base == "TIMESTAMPTZ" || base == "DATETIMEOFFSET" || has(base, "WITH TIME ZONE")) {
    if (starts(base, "TIME ") || base == "TIMETZ") { col.type_class = std::nullopt; return; }
    col.type_class = TypeClass::TimestampTz;
    col.precision = p1;
    return;
  }
  if (base == "TIMETZ") { col.type_class = std::nullopt; return; }  // as on PostgreSQL: no instant
  if (starts(base, "TIMESTAMP") || starts(base, "DATETIME") || base == "SMALLDATETIME") {
    col.type_class = TypeClass::Timestamp;
    col.precision = p1;
    return;
  }
  if (base == "DATE") { col.type_class = TypeClass::Date; return; }
  if (base == "TIME" || base == "TIME WITHOUT TIME ZONE") {
    col.type_class = TypeClass::Time;
    col.precision = p1;
    return;
  }
  if (starts(base, "BOOL") || base == "BIT") { col.type_class = TypeClass::Boolean; return; }
  if (base == "UUID" || base == "GUID" || base == "UNIQUEIDENTIFIER") {
    col.type_class = TypeClass::Uuid;
    return;
  }
  if (base == "JSON" || base == "JSONB") { col.type_class = TypeClass::Json; return; }
  if (starts(base, "DECIMAL") || starts(base, "NUMERIC") || base == "NUMBER" || base == "MONEY") {
    col.type_class = TypeClass::Decimal;
    col.precision = p1;
    col.scale = p1 >= 0 ? (p2 >= 0 ? p2 : 0) : -1;
    return;
  }
  if (base == "INTERVAL") { col.type_class = std::nullopt; return; }  // would be INT affinity
  if (base == "CHAR" || base == "NCHAR" || base == "CHARACTER" || base == "NATIONAL CHARACTER" ||
      base == "NATIONAL CHAR") {
    col.type_class = TypeClass::Text;
    col.padded_char = true;  // CHAR(n) pads with blanks: trailing spaces are not significant
    col.precision = p1;
    return;
  }
  if (base == "BINARY" || base == "VARBINARY" || base == "BYTEA" || base == "IMAGE") {
    col.type_class = TypeClass::Bytes;
    return;
  }
  if (base == "FLOAT4") {
    col.type_class = TypeClass::Float;
    col.single_float = true;
    return;
  }
  if (base == "STRING" || base == "VARCHAR2" || base == "NVARCHAR2") {  // NUMERIC affinity, yet text
    col.type_class = TypeClass::Text;
    return;
  }

  // ---- SQLite's affinity rules, in its order ----
  if (has(base, "INT")) { col.type_class = TypeClass::Integer; return; }
  if (has(base, "CHAR") || has(base, "CLOB") || has(base, "TEXT")) {
    col.type_class = TypeClass::Text;
    return;
  }
  if (has(base, "BLOB")) { col.type_class = TypeClass::Bytes; return; }
  if (has(base, "REAL") || has(base, "FLOA") || has(base, "DOUB")) {
    // SQLite's REAL is an 8-byte double whatever the name says.
    col.type_class = TypeClass::Float;
    return;
  }
  // NUMERIC affinity: SQLite stores numeric-looking text as INTEGER/REAL; Decimal reads both.
  col.type_class = TypeClass::Decimal;
  col.precision = p1;
  col.scale = p1 >= 0 ? (p2 >= 0 ? p2 : 0) : -1;
}

}  // namespace recon::sqlite

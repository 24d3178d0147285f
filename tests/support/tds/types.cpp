// Declared-type parsing, collations and COLMETADATA TYPE_INFO (MS-TDS 2.2.5.4, 2.2.5.5, 2.2.7.4).
#include "types.hpp"

#include <cctype>
#include <charconv>
#include <vector>

namespace tds_test {
namespace {

// TDS data type tokens.
constexpr std::uint8_t INT1TYPE = 0x30, BITTYPE = 0x32, INT2TYPE = 0x34, INT4TYPE = 0x38,
                       DATETIM4TYPE = 0x3A, FLT4TYPE = 0x3B, MONEYTYPE = 0x3C, DATETIMETYPE = 0x3D,
                       FLT8TYPE = 0x3E, MONEY4TYPE = 0x7A, INT8TYPE = 0x7F;
constexpr std::uint8_t GUIDTYPE = 0x24, INTNTYPE = 0x26, DATENTYPE = 0x28, TIMENTYPE = 0x29,
                       DATETIME2NTYPE = 0x2A, DATETIMEOFFSETNTYPE = 0x2B, BITNTYPE = 0x68,
                       DECIMALNTYPE = 0x6A, NUMERICNTYPE = 0x6C, FLTNTYPE = 0x6D,
                       MONEYNTYPE = 0x6E, DATETIMNTYPE = 0x6F;
constexpr std::uint8_t IMAGETYPE = 0x22, TEXTTYPE = 0x23, NTEXTTYPE = 0x63,
                       BIGVARBINTYPE = 0xA5, BIGVARCHRTYPE = 0xA7, BIGBINARYTYPE = 0xAD,
                       BIGCHARTYPE = 0xAF, NVARCHARTYPE = 0xE7, NCHARTYPE = 0xEF, XMLTYPE = 0xF1;

std::string trim_lower(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return lower(s.substr(a, b - a));
}

/// "(18,2)" / "(max)" / "(7)" after the base name: the numbers, or {-1} for max.
std::optional<std::vector<int>> parse_args(std::string_view s) {
  std::vector<int> out;
  if (s.empty()) return out;
  if (s.front() != '(' || s.back() != ')') return std::nullopt;
  s = s.substr(1, s.size() - 2);
  while (true) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    std::size_t end = s.find(',');
    std::string_view part = s.substr(0, end);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (part == "max") {
      out.push_back(-1);
    } else {
      int v = 0;
      auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
      if (ec != std::errc() || p != part.data() + part.size()) return std::nullopt;
      out.push_back(v);
    }
    if (end == std::string_view::npos) break;
    s.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace

std::optional<Collation> find_collation(std::string_view name) {
  const std::string n = lower(name);
  Collation c;
  c.name = std::string(name);
  std::uint32_t flags = 0;  // bits 20..27 of the 4-byte field, version in 28..31
  std::uint8_t sort_id = 0;
  std::string_view rest;
  if (n.rfind("sql_latin1_general_cp1_", 0) == 0) {
    rest = std::string_view(n).substr(23);
    // SQL collations are identified by their sort id; the flags mirror the name.
    if (rest == "cs_as") sort_id = 51;
    else if (rest == "ci_as") sort_id = 52;
    else if (rest == "ci_ai") sort_id = 54;
    else return std::nullopt;
  } else if (n.rfind("latin1_general_", 0) == 0) {
    rest = std::string_view(n).substr(15);
    if (rest.rfind("100_", 0) == 0) flags |= 1u << 28, rest.remove_prefix(4);
    else if (rest.rfind("140_", 0) == 0) flags |= 2u << 28, rest.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  if (rest == "bin") {
    flags |= 1u << 24;
  } else if (rest == "bin2") {
    flags |= 1u << 25;
  } else {
    // CI/CS then AI/AS, optionally KS and WS; kana and width are ignored unless named.
    bool ci, ai, ks = false, ws = false;
    if (rest.rfind("ci_", 0) == 0) ci = true;
    else if (rest.rfind("cs_", 0) == 0) ci = false;
    else return std::nullopt;
    rest.remove_prefix(3);
    if (rest.rfind("ai", 0) == 0) ai = true;
    else if (rest.rfind("as", 0) == 0) ai = false;
    else return std::nullopt;
    rest.remove_prefix(2);
    if (rest.rfind("_ks", 0) == 0) ks = true, rest.remove_prefix(3);
    if (rest.rfind("_ws", 0) == 0) ws = true, rest.remove_prefix(3);
    if (!rest.empty()) return std::nullopt;
    if (ci) flags |= 1u << 20;
    if (ai) flags |= 1u << 21;
    if (!ws) flags |= 1u << 22;
    if (!ks) flags |= 1u << 23;
    c.case_insensitive = ci;
  }
  const std::uint32_t v = 0x0409u | flags;  // LCID 1033 (English, United States)
  c.wire = {std::uint8_t(v), std::uint8_t(v >> 8), std::uint8_t(v >> 16), std::uint8_t(v >> 24), sort_id};
  return c;
}

const Collation& default_collation() {
  static const Collation c = *find_collation("SQL_Latin1_General_CP1_CI_AS");
  return c;
}

bool SqlType::is_string() const {
  switch (kind) {
    case Kind::Char: case Kind::VarChar: case Kind::NChar: case Kind::NVarChar:
    case Kind::Text: case Kind::NText:
      return true;
    default:
      return false;
  }
}

bool SqlType::is_unicode() const {
  return kind == Kind::NChar || kind == Kind::NVarChar || kind == Kind::NText;
}

std::string SqlType::data_type() const {
  if (!catalog_only.empty()) return catalog_only;
  if (user_type == kUserTypeRowVersion) return "timestamp";
  switch (kind) {
    case Kind::TinyInt: return "tinyint";
    case Kind::SmallInt: return "smallint";
    case Kind::Int: return "int";
    case Kind::BigInt: return "bigint";
    case Kind::Bit: return "bit";
    case Kind::Decimal: return "decimal";
    case Kind::Numeric: return "numeric";
    case Kind::Money: return "money";
    case Kind::SmallMoney: return "smallmoney";
    case Kind::Float: return "float";
    case Kind::Real: return "real";
    case Kind::Date: return "date";
    case Kind::Time: return "time";
    case Kind::DateTime: return "datetime";
    case Kind::SmallDateTime: return "smalldatetime";
    case Kind::DateTime2: return "datetime2";
    case Kind::DateTimeOffset: return "datetimeoffset";
    case Kind::Guid: return "uniqueidentifier";
    case Kind::Char: return "char";
    case Kind::VarChar: return "varchar";
    case Kind::NChar: return "nchar";
    case Kind::NVarChar: return "nvarchar";
    case Kind::Text: return "text";
    case Kind::NText: return "ntext";
    case Kind::Binary: return "binary";
    case Kind::VarBinary: return "varbinary";
    case Kind::Image: return "image";
    case Kind::Xml: return "xml";
  }
  return "?";
}

std::string SqlType::spelled() const {
  const std::string base = data_type();
  if (!catalog_only.empty() || user_type == kUserTypeRowVersion) return base;
  switch (kind) {
    case Kind::Decimal: case Kind::Numeric:
      return base + "(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    case Kind::Time: case Kind::DateTime2: case Kind::DateTimeOffset:
      return base + "(" + std::to_string(scale) + ")";
    case Kind::Char: case Kind::VarChar: case Kind::NChar: case Kind::NVarChar:
    case Kind::Binary: case Kind::VarBinary:
      return base + "(" + (is_max() ? std::string("max") : std::to_string(length)) + ")";
    default:
      return base;
  }
}

std::optional<SqlType> parse_sql_type(std::string_view declared) {
  std::string s = trim_lower(declared);
  // The affinity suffix: "decimal(18,2) text" is decimal(18,2) stored as TEXT by SQLite.
  if (s.size() > 5 && s.compare(s.size() - 5, 5, " text") == 0) s = trim_lower(s.substr(0, s.size() - 5));
  const std::size_t paren = s.find('(');
  std::string base = trim_lower(s.substr(0, paren));
  auto args = parse_args(paren == std::string::npos ? std::string_view() : std::string_view(s).substr(paren));
  if (!args) return std::nullopt;
  const std::vector<int>& a = *args;
  SqlType t;
  auto no_args = [&] { return a.empty(); };
  if (base == "tinyint" && no_args()) t.kind = Kind::TinyInt;
  else if (base == "smallint" && no_args()) t.kind = Kind::SmallInt;
  else if (base == "int" && no_args()) t.kind = Kind::Int;
  else if (base == "bigint" && no_args()) t.kind = Kind::BigInt;
  else if (base == "bit" && no_args()) t.kind = Kind::Bit;
  else if (base == "decimal" || base == "numeric" || base == "dec") {
    t.kind = base == "numeric" ? Kind::Numeric : Kind::Decimal;
    t.precision = a.size() >= 1 ? a[0] : 18;
    t.scale = a.size() >= 2 ? a[1] : 0;
    if (a.size() > 2 || t.precision < 1 || t.precision > 38 || t.scale < 0 || t.scale > t.precision)
      return std::nullopt;
  } else if (base == "money" && no_args()) t.kind = Kind::Money, t.precision = 19, t.scale = 4;
  else if (base == "smallmoney" && no_args()) t.kind = Kind::SmallMoney, t.precision = 10, t.scale = 4;
  else if (base == "float") {
    // float(1..24) is real, float(25..53) and plain float are float(53).
    if (a.size() > 1 || (a.size() == 1 && (a[0] < 1 || a[0] > 53))) return std::nullopt;
    t.kind = (a.size() == 1 && a[0] <= 24) ? Kind::Real : Kind::Float;
    t.precision = t.kind == Kind::Real ? 24 : 53;
  } else if (base == "real" && no_args()) t.kind = Kind::Real, t.precision = 24;
  else if (base == "date" && no_args()) t.kind = Kind::Date;
  else if (base == "time" || base == "datetime2" || base == "datetimeoffset") {
    t.kind = base == "time" ? Kind::Time : base == "datetime2" ? Kind::DateTime2 : Kind::DateTimeOffset;
    t.scale = a.empty() ? 7 : a[0];
    if (a.size() > 1 || t.scale < 0 || t.scale > 7) return std::nullopt;
  } else if (base == "datetime" && no_args()) t.kind = Kind::DateTime, t.scale = 3;
  else if (base == "smalldatetime" && no_args()) t.kind = Kind::SmallDateTime;
  else if (base == "uniqueidentifier" && no_args()) t.kind = Kind::Guid;
  else if (base == "char" || base == "varchar" || base == "nchar" || base == "nvarchar" ||
           base == "binary" || base == "varbinary") {
    t.kind = base == "char" ? Kind::Char : base == "varchar" ? Kind::VarChar
           : base == "nchar" ? Kind::NChar : base == "nvarchar" ? Kind::NVarChar
           : base == "binary" ? Kind::Binary : Kind::VarBinary;
    t.length = a.empty() ? 1 : a[0];
    const bool fixed = t.kind == Kind::Char || t.kind == Kind::NChar || t.kind == Kind::Binary;
    const int limit = t.is_unicode() ? 4000 : 8000;
    if (a.size() > 1 || t.length == 0 || t.length < -1 || t.length > limit || (fixed && t.length == -1))
      return std::nullopt;
  } else if (base == "text" && no_args()) t.kind = Kind::Text;
  else if (base == "ntext" && no_args()) t.kind = Kind::NText;
  else if (base == "image" && no_args()) t.kind = Kind::Image;
  else if (base == "xml" && no_args()) t.kind = Kind::Xml;
  else if (base == "sysname" && no_args()) t.kind = Kind::NVarChar, t.length = 128;
  else if ((base == "rowversion" || base == "timestamp") && no_args())
    t.kind = Kind::Binary, t.length = 8, t.user_type = kUserTypeRowVersion;
  else if ((base == "sql_variant" || base == "hierarchyid" || base == "geography" || base == "geometry") && no_args())
    t.kind = Kind::VarBinary, t.length = -1, t.catalog_only = base;
  else return std::nullopt;
  return t;
}

int time_bytes(int scale) { return scale <= 2 ? 3 : scale <= 4 ? 4 : 5; }

int decimal_bytes(int precision) {
  return precision <= 9 ? 4 : precision <= 19 ? 8 : precision <= 28 ? 12 : 16;
}

bool is_fixed_length(const ResultColumn& c) {
  if (c.nullable) return false;
  switch (c.type.kind) {
    case Kind::TinyInt: case Kind::SmallInt: case Kind::Int: case Kind::BigInt: case Kind::Bit:
    case Kind::Money: case Kind::SmallMoney: case Kind::Float: case Kind::Real:
    case Kind::DateTime: case Kind::SmallDateTime:
      return true;
    default:
      return false;
  }
}

void put_column_metadata(Out& o, const ResultColumn& c) {
  const SqlType& t = c.type;
  o.u32(t.user_type);  // UserType
  std::uint16_t flags = c.nullable ? 0x0001 : 0;
  if (t.is_string() && !c.collation.case_insensitive) flags |= 0x0002;
  flags |= c.computed ? 0x0020 : 0x0008;  // fComputed, or usUpdateable = unknown
  o.u16(flags);
  const bool fixed = is_fixed_length(c);
  auto with_len = [&](std::uint8_t nullable_type, std::uint8_t fixed_type, std::uint8_t len) {
    if (fixed) {
      o.u8(fixed_type);
    } else {
      o.u8(nullable_type);
      o.u8(len);
    }
  };
  auto collation = [&] { o.raw(c.collation.wire.data(), 5); };
  auto table_name = [&] {
    o.u8(2);  // NumParts
    put_us_varchar(o, c.table_schema);
    put_us_varchar(o, c.table_name);
  };
  switch (t.kind) {
    case Kind::TinyInt: with_len(INTNTYPE, INT1TYPE, 1); break;
    case Kind::SmallInt: with_len(INTNTYPE, INT2TYPE, 2); break;
    case Kind::Int: with_len(INTNTYPE, INT4TYPE, 4); break;
    case Kind::BigInt: with_len(INTNTYPE, INT8TYPE, 8); break;
    case Kind::Bit: with_len(BITNTYPE, BITTYPE, 1); break;
    case Kind::Money: with_len(MONEYNTYPE, MONEYTYPE, 8); break;
    case Kind::SmallMoney: with_len(MONEYNTYPE, MONEY4TYPE, 4); break;
    case Kind::Float: with_len(FLTNTYPE, FLT8TYPE, 8); break;
    case Kind::Real: with_len(FLTNTYPE, FLT4TYPE, 4); break;
    case Kind::DateTime: with_len(DATETIMNTYPE, DATETIMETYPE, 8); break;
    case Kind::SmallDateTime: with_len(DATETIMNTYPE, DATETIM4TYPE, 4); break;
    case Kind::Decimal: case Kind::Numeric:
      o.u8(t.kind == Kind::Decimal ? DECIMALNTYPE : NUMERICNTYPE);
      o.u8(std::uint8_t(1 + decimal_bytes(t.precision)));
      o.u8(std::uint8_t(t.precision));
      o.u8(std::uint8_t(t.scale));
      break;
    case Kind::Date: o.u8(DATENTYPE); break;
    case Kind::Time: o.u8(TIMENTYPE); o.u8(std::uint8_t(t.scale)); break;
    case Kind::DateTime2: o.u8(DATETIME2NTYPE); o.u8(std::uint8_t(t.scale)); break;
    case Kind::DateTimeOffset: o.u8(DATETIMEOFFSETNTYPE); o.u8(std::uint8_t(t.scale)); break;
    case Kind::Guid: o.u8(GUIDTYPE); o.u8(16); break;
    case Kind::Char: case Kind::VarChar:
      o.u8(t.kind == Kind::Char ? BIGCHARTYPE : BIGVARCHRTYPE);
      o.u16(t.is_max() ? 0xFFFF : std::uint16_t(t.length));
      collation();
      break;
    case Kind::NChar: case Kind::NVarChar:
      o.u8(t.kind == Kind::NChar ? NCHARTYPE : NVARCHARTYPE);
      o.u16(t.is_max() ? 0xFFFF : std::uint16_t(t.length * 2));
      collation();
      break;
    case Kind::Binary: case Kind::VarBinary:
      o.u8(t.kind == Kind::Binary ? BIGBINARYTYPE : BIGVARBINTYPE);
      o.u16(t.is_max() ? 0xFFFF : std::uint16_t(t.length));
      break;
    case Kind::Text: o.u8(TEXTTYPE); o.u32(0x7FFFFFFF); collation(); table_name(); break;
    case Kind::NText: o.u8(NTEXTTYPE); o.u32(0x7FFFFFFE); collation(); table_name(); break;
    case Kind::Image: o.u8(IMAGETYPE); o.u32(0x7FFFFFFF); table_name(); break;
    case Kind::Xml: o.u8(XMLTYPE); o.u8(0); break;  // no schema collection
  }
  put_b_varchar(o, c.name);
}

}  // namespace tds_test

// The type matrix's data. Each PostgreSQL literal is what a correct migration of the SQL Server
// value holds — written out by hand (sub-microsecond rounding done here, half to even, per
// docs/cli.md, Equality), never computed by PostgreSQL's own rounding of the same text.
#include "sqlserver_matrix.hpp"

#include <cmath>
#include <cstdio>

namespace e2e::matrix {
namespace {

/// The same text on both sides.
Cell S(const std::string& both) { return {{sql_str(both), {}}, sql_str(both)}; }
/// Text written differently on each side (same logical value).
Cell P(const std::string& ss, const std::string& pg) { return {{sql_str(ss), {}}, sql_str(pg)}; }
/// Raw SQL on each side (numbers, X'..' blobs, booleans).
Cell L(const std::string& ss, const std::string& pg) { return {{ss, {}}, pg}; }
Cell I(long long v) { return L(std::to_string(v), std::to_string(v)); }
Cell N() { return {}; }

std::string g17(double d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}
/// float / float8: the double bound exactly on SQLite, its round-trip text on PostgreSQL.
Cell F(double d) { return {{"", d}, sql_str(g17(d))}; }
/// real / float4: the float widened exactly on SQLite, its round-trip text on PostgreSQL.
Cell R(float f) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(f));
  return {{"", static_cast<double>(f)}, sql_str(buf)};
}

std::string hex_of(const std::string& bytes) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) out += {d[c >> 4], d[c & 15]};
  return out;
}
/// Bytes: X'..' in the fixture, '\x..'::bytea on PostgreSQL (pg_bytes when SQL Server pads).
Cell B(const std::string& bytes, const std::string* pg_bytes = nullptr) {
  return L("X'" + hex_of(bytes) + "'", "'\\x" + hex_of(pg_bytes ? *pg_bytes : bytes) + "'::bytea");
}
std::string bytes(std::initializer_list<int> v) {
  std::string s;
  for (int b : v) s.push_back(static_cast<char>(b));
  return s;
}
std::string pattern(std::size_t n, int mul, int add) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * mul + add) % 256);
  return s;
}
std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

Table ints() {
  return {"ints",
          {{"c_tiny", "tinyint", "smallint"},
           {"c_small", "smallint", "smallint"},
           {"c_int", "int", "integer"},
           {"c_big", "bigint", "bigint"},
           {"c_int_w", "int", "bigint"},
           {"c_small_w", "smallint", "integer"},
           {"c_bit", "bit", "boolean"}},
          {{I(0), I(0), I(0), I(0), I(0), I(0), L("0", "false")},
           {I(1), I(1), I(1), I(1), I(1), I(1), L("1", "true")},
           {I(255), I(32767), I(2147483647), I(9223372036854775807LL), I(2147483647), I(32767), L("1", "true")},
           {I(0), I(-32768), I(-2147483648LL), L("-9223372036854775808", "-9223372036854775808"), I(-2147483648LL),
            I(-32768), L("0", "false")},
           {N(), N(), N(), N(), N(), N(), N()},
           {I(42), I(-42), I(123456789), I(-1234567890123LL), I(-7), I(7), L("1", "true")},
           {I(200), I(1000), I(-1), I(4294967296LL), I(65536), I(-1), L("0", "false")},
           {I(17), I(17), I(17), I(17), I(17), I(17), N()}},
          {}};
}

Table decimals() {
  return {"decimals",
          {{"c_dec", "decimal(18,2) text", "numeric(18,2)"},
           {"c_num", "numeric(38,10) text", "numeric(38,10)"},
           {"c_scale", "decimal(10,2) text", "numeric(12,4)"},  // different declared scales
           {"c_free", "decimal(20,6) text", "numeric"},
           {"c_money", "money text", "numeric(19,4)"},
           {"c_smoney", "smallmoney text", "numeric(19,4)"}},
          {{P("1.50", "1.5"), P("0.0000000000", "0"), P("1.50", "1.5000"), P("1.500000", "1.5"), P("1.5000", "1.5"),
            P("1.5", "1.50")},
           {P("0.00", "0"), S("1234567890123456789012345678.0123456789"), P("-0.01", "-0.0100"), S("-0.000001"),
            S("922337203685477.5807"), S("214748.3647")},
           {S("-9999999999999999.99"), S("-1234567890123456789012345678.0123456789"), P("99999999.99", "99999999.9900"),
            P("12345678901234.000000", "12345678901234"), S("-922337203685477.5808"), S("-214748.3648")},
           {N(), N(), N(), N(), N(), N()},
           {P("100.00", "1e2"), P("0.1000000000", "0.1"), P("0.00", "0"), P("0.000000", "-0"), S("0.0001"),
            S("-0.0001")},
           {S("12.34"), P("3.1415926535", "3.14159265350"), P("7.00", "7"), P("2.500000", "2.5"), P("19.9900", "19.99"),
            P("5.0000", "5")}},
          {}};
}

Table floats() {
  return {"floats",
          {{"c_float", "float", "double precision"}, {"c_real", "real", "real"}, {"c_float2", "float", "float8"}},
          {{F(0), R(0), F(1)},
           {F(0.1), R(0.1f), F(-2.5)},
           {F(-0.0), R(-0.0f), F(9007199254740992.0)},
           {N(), N(), N()},
           {F(1.7976931348623157e308), R(3.4028235e38f), F(-9007199254740991.0)},
           {F(4.9406564584124654e-324), R(1.4e-45f), F(1e-300)},
           {F(2.2250738585072014e-308), R(1.17549435e-38f), F(123456.789)},
           // 16777217 is not a float: SQL Server's real and PostgreSQL's float4 both hold 16777216.
           {F(3.141592653589793), {{"", 16777217.0}, "'16777217'"}, F(1e15 + 0.25)},
           {F(-1e-300), R(-1e-30f), F(0.30000000000000004)},
           {F(1.0 / 3.0), R(1.0f / 3.0f), F(2.0 / 3.0)}},
          {}};
}

Table temporal() {
  return {
      "temporal",
      {{"c_date", "date text", "date"},
       {"c_time7", "time(7) text", "time"},
       {"c_time0", "time(0) text", "time(0)"},
       {"c_dt", "datetime text", "timestamp(3)"},
       {"c_sdt", "smalldatetime text", "timestamp(0)"},
       {"c_dt2", "datetime2(7) text", "timestamp(6)"},
       {"c_dt2_3", "datetime2(3) text", "timestamp(3)"},
       {"c_dto", "datetimeoffset(7) text", "timestamptz"}},
      {{S("2024-01-15"), P("00:00:00.0000000", "00:00:00"), S("00:00:00"), S("2024-01-01 10:00:00.003"),
        P("2024-01-01 10:00", "2024-01-01 10:00:00"), P("2024-01-01 00:00:00.0000005", "2024-01-01 00:00:00"),
        S("2024-01-01 12:00:00.123"), P("2024-03-10 12:00:00.0000000 +02:00", "2024-03-10 10:00:00+00")},
       {S("1969-12-31"), P("12:34:56.1234565", "12:34:56.123456"), S("23:59:59"), S("2024-01-01 10:00:00.007"),
        P("1900-01-01 00:00", "1900-01-01 00:00:00"), P("2024-01-01 00:00:00.0000015", "2024-01-01 00:00:00.000002"),
        S("1999-12-31 23:59:59.999"), P("2024-01-01 00:30:00.0000000 +05:30", "2023-12-31 19:00:00+00")},
       {S("0001-01-01"), P("23:59:59.9999994", "23:59:59.999999"), S("12:00:00"), S("2024-02-29 23:59:59.997"),
        P("2079-06-06 23:59", "2079-06-06 23:59:00"), P("2023-12-31 23:59:59.9999995", "2024-01-01 00:00:00"),
        S("0001-01-01 00:00:00.000"), P("2024-06-30 23:59:59.1234565 -14:00", "2024-07-01 13:59:59.123456+00")},
       {N(), N(), N(), N(), N(), N(), N(), N()},
       {S("9999-12-31"), P("23:59:59.9999995", "24:00:00"), S("00:00:01"), P("1753-01-01 00:00:00.000", "1753-01-01 00:00:00"),
        P("2000-02-29 12:30", "2000-02-29 12:30:00"), P("1969-12-31 23:59:59.9999995", "1970-01-01 00:00:00"),
        S("9999-12-31 23:59:59.999"), P("2024-01-01 00:00:00.0000001 -03:00", "2024-01-01 03:00:00+00")},
       {S("2000-02-29"), P("10:00:00.0000025", "10:00:00.000002"), S("00:00:00"), S("9999-12-31 23:59:59.997"),
        P("2024-01-01 10:00:29.998", "2024-01-01 10:00:00"), P("1969-12-31 23:59:59.9999985", "1969-12-31 23:59:59.999998"),
        S("1900-01-01 00:00:00.001"), P("2024-12-31 23:00:00.5000000 -01:00", "2025-01-01 00:00:00.5+00")},
       // datetime .002 is stored as the 1/300 s tick SQL Server shows as .003; smalldatetime
       // rounds 29.999 s up to the next minute.
       {S("1970-01-01"), P("10:00:00.0000035", "10:00:00.000004"), S("13:14:15"),
        P("2024-01-01 10:00:00.002", "2024-01-01 10:00:00.003"), P("2024-01-01 10:00:29.999", "2024-01-01 10:01:00"),
        P("2024-05-05 05:05:05.1234567", "2024-05-05 05:05:05.123457"), P("2024-05-05 05:05:05.120", "2024-05-05 05:05:05.12"),
        P("2024-05-05 05:05:05.1234567 +00:00", "2024-05-05 05:05:05.123457+00")},
       {S("2024-12-31"), P("10:00:00.1234567", "10:00:00.123457"), S("23:00:00"),
        P("2024-01-01 10:00:00.010", "2024-01-01 10:00:00.01"), P("2024-06-15 08:00", "2024-06-15 08:00:00"),
        P("2262-04-11 23:47:16.8547758", "2262-04-11 23:47:16.854776"), S("2262-04-11 23:47:16.854"),
        P("1900-01-01 00:00:00.0000000 +14:00", "1899-12-31 10:00:00+00")}},
      {}};
}

Table guids() {
  // Any case, braces or no hyphens on PostgreSQL; byte-order probes in c_guid2 (a GUID whose one
  // non-zero byte sits in each of SQL Server's byte groups).
  return {"guids",
          {{"c_guid", "uniqueidentifier text", "uuid"}, {"c_guid2", "uniqueidentifier text", "uuid"}},
          {{P("6F9619FF-8B86-D011-B42D-00C04FC964FF", "6f9619ff-8b86-d011-b42d-00c04fc964ff"),
            S("ff000000-0000-0000-0000-000000000000")},
           {P("01020304-0506-0708-090a-0b0c0d0e0f10", "{01020304-0506-0708-090A-0B0C0D0E0F10}"),
            P("00000000-FF00-0000-0000-000000000000", "00000000-ff00-0000-0000-000000000000")},
           {S("00000000-0000-0000-0000-000000000000"), S("00000000-0000-00ff-0000-000000000000")},
           {P("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "ffffffff-ffff-ffff-ffff-ffffffffffff"),
            S("00000000-0000-0000-ff00-000000000000")},
           {N(), N()},
           {P("00000000-0000-0000-0000-0000000000ff", "000000000000000000000000000000ff"),
            P("00000000-0000-0000-0000-FF0000000000", "00000000-0000-0000-0000-ff0000000000")},
           {P("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"),
            P("12345678-9ABC-DEF0-1234-56789ABCDEF0", "123456789abcdef0123456789abcdef0")}},
          {}};
}

Table texts() {
  const std::string long_nv = repeat("😀 αβγ ção ", 1200);  // 26 400 bytes as UTF-16
  const std::string long_latin = repeat("ção-", 2500);      // 10 000 bytes as code page 1252
  return {"texts",
          {{"c_char", "char(10)", "char(10)"},
           {"c_nchar", "nchar(8)", "text"},
           {"c_varchar", "varchar(60)", "varchar(60)"},
           {"c_nvarchar", "nvarchar(100)", "text"},
           {"c_nvmax", "nvarchar(max)", "text"},
           {"c_vmax", "varchar(max)", "varchar"},
           {"c_text", "text", "text"},
           {"c_ntext", "ntext", "text"},
           {"c_xml", "xml", "text"}},  // xml against xml: sqlserver_types_test.cpp
          {{S("abc"), S("ção"), S("Ação é útil"), S("日本語テキスト"), S(long_nv), S(long_latin), S("plain text"),
            S("ntext ☃"), S("<r><a x=\"1\" />t &amp; u</r>")},
           {S(""), S(""), S(""), S(""), S(""), S(""), S(""), S(""), S("")},
           {N(), N(), N(), N(), N(), N(), N(), N(), N()},
           {S("ABC def"), S("Ñandú"), S("trailing  "), S("emoji 😀👍🏽 and 🇧🇷"), S("Cafe\u0301 vs Caf\u00e9"),
            S("it's \"quoted\" \\ back"), S("Latin-1 ÿ þ ß"), S("Ελληνικά"), S("<doc lang=\"pt\">ação</doc>")},
           {S("x"), S("n"), S("€ œ Ž ‰ —"), S("Привет мир, مرحبا, שלום"), S(repeat("🇧🇷", 3000)), S("a"),
            S("tab\there\nnewline\r\n"), S("Ω≈ç√"), S("<a><b>1</b><b>2</b></a>")},
           {S(" lead"), S("MiXeD"), S("line1\nline2"), S("한국어 हिन्दी ไทย"), S("x"), S(std::string(9000, 'z')),
            S("'quotes'"), S("𝄞 music"), S("<x>ç</x>")},
           {S("Case"), S("case"), S("naïve façade"), S("Straße ÄÖÜ"), S("short"), S("short"), S("t"), S("nt"),
            S("<c />")},
           {S("zz"), S("Ab"), S("ab"), S("AB"), S(""), S(""), S(""), S(""), S("<d />")}},
          {}};
}

Table binaries() {
  const std::string pad1 = bytes({1, 2, 0, 0}), pad2 = bytes({0, 0, 0, 0});
  return {"binaries",
          {{"c_vbin", "varbinary(50)", "bytea"},
           {"c_bin", "binary(4)", "bytea"},  // binary(n) is zero-padded: the migrated bytea holds n bytes
           {"c_vbmax", "varbinary(max)", "bytea"},
           {"c_image", "image", "bytea"}},
          {{B(bytes({0, 255, 16})), B(bytes({1, 2, 3, 4})), B(pattern(10000, 7, 3)), B(bytes({0xde, 0xad, 0xbe, 0xef}))},
           {B(""), B(bytes({1, 2}), &pad1), B(""), B(bytes({0}))},
           {N(), N(), N(), N()},
           {B(bytes({0})), B(pad2), B(pattern(9000, 13, 1)), B(pattern(300, 1, 0))},
           {B(bytes({0, 0})), B(bytes({255, 255, 255, 255})), B(bytes({255})), B("")},
           {B(bytes({0x7f, 0x80})), B(bytes({0, 0, 0}), &pad2), B(std::string(8001, '\0')), B(bytes({1, 2}))}},
          {}};
}

Table jsons() {
  return {"jsons",
          {{"c_json", "nvarchar(max)", "jsonb"}, {"c_jsonv", "varchar(400)", "jsonb"}},
          {{P(R"({"b": 1, "a": [1, 2.0]})", R"({"a":[1,2.0],"b":1})"), P(R"({"k":"v"})", R"({ "k" : "v" })")},
           {P(R"({"s":"\u00e9", "n": null, "t": true})", R"({"t":true,"n":null,"s":"é"})"), P("[1, 2, 3]", "[1,2,3]")},
           {P("[]", "[ ]"), P("{}", "{ }")},
           {N(), N()},
           {P(R"(  {"nested": {"z": [1, {"y": "x"}], "a": 1e2}}  )", R"({"nested":{"a":100,"z":[1,{"y":"x"}]}})"),
            S("true")},
           {S(R"("just a string")"), P("123.4500", "123.45")},
           {P(R"({"emoji":"😀","quote":"a\"b"})", R"({"quote":"a\"b","emoji":"\ud83d\ude00"})"),
            P(R"({"dup":1,"dup":2})", R"({"dup":2})")}},
          {"c_json", "c_jsonv"}};
}

}  // namespace

const std::vector<Table>& tables() {
  static const std::vector<Table> all = {ints(), decimals(), floats(), temporal(), guids(), texts(), binaries(), jsons()};
  return all;
}

std::size_t value_pairs() {
  std::size_t n = 0;
  for (const auto& t : tables()) n += t.rows.size() * t.columns.size();
  return n;
}

void build_fixture(SqliteDb& fixture) {
  fixture.exec("BEGIN");
  for (const auto& t : tables()) {
    std::string ddl = "CREATE TABLE \"dbo." + t.name + "\" (id int PRIMARY KEY";
    for (const auto& c : t.columns) ddl += ", " + c.name + " \"" + c.sqlserver + "\"";
    fixture.exec(ddl + ")");
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      std::vector<FixtureValue> values{{std::to_string(i + 1), {}}};
      for (const auto& cell : t.rows[i]) values.push_back(cell.ss);
      fixture_insert(fixture, "dbo." + t.name, values);
    }
  }
  fixture.exec("COMMIT");
}

void build_postgres(PgDatabase& db, const std::string& schema) {
  std::string sql = "CREATE SCHEMA " + schema + ";\n";
  for (const auto& t : tables()) {
    sql += "CREATE TABLE " + schema + "." + t.name + " (id int PRIMARY KEY";
    for (const auto& c : t.columns) sql += ", " + c.name + " " + c.postgres;
    sql += ");\n";
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      sql += "INSERT INTO " + schema + "." + t.name + " VALUES (" + std::to_string(i + 1);
      for (const auto& cell : t.rows[i]) sql += ", " + cell.pg;
      sql += ");\n";
    }
  }
  db.exec(sql);
}

std::string tables_toml(const std::string& schema, int chunk_rows) {
  std::string out;
  for (const auto& t : tables()) {
    out += "[[tables]]\nsource = \"dbo." + t.name + "\"\ntarget = \"" + schema + "." + t.name +
           "\"\nkey = [\"id\"]\nchunk_rows = " + std::to_string(chunk_rows) + "\n";
    if (!t.json_columns.empty()) {
      out += "json_columns = [";
      for (std::size_t i = 0; i < t.json_columns.size(); ++i) out += (i ? ", \"" : "\"") + t.json_columns[i] + "\"";
      out += "]\n";
    }
    out += "\n";
  }
  return out;
}

std::vector<Plant> plants() {
  // One ulp up from the matrix's 0.1, 1/3f and 123456.789.
  char next_double[40], next_float[40], next_double2[40];
  std::snprintf(next_double, sizeof next_double, "'%.17g'", std::nextafter(0.1, 1.0));
  std::snprintf(next_float, sizeof next_float, "'%.9g'", static_cast<double>(std::nextafter(1.0f / 3.0f, 1.0f)));
  std::snprintf(next_double2, sizeof next_double2, "'%.17g'", std::nextafter(123456.789, 1e9));
  return {
      {"ints", 2, "c_int", "c_int + 1"},
      {"ints", 3, "c_big", "c_big - 1"},
      {"ints", 6, "c_bit", "NOT c_bit"},
      {"ints", 7, "c_tiny", "c_tiny + 1"},
      {"ints", 8, "c_small_w", "c_small_w - 1"},
      {"decimals", 1, "c_dec", "c_dec + 0.01"},
      {"decimals", 2, "c_money", "c_money - 0.0001"},
      {"decimals", 3, "c_num", "c_num + 0.0000000001"},
      {"decimals", 5, "c_smoney", "c_smoney + 0.0001"},
      {"decimals", 6, "c_scale", "c_scale + 0.0001"},  // the wider PostgreSQL scale holds 7.0001
      {"floats", 2, "c_float", next_double},
      {"floats", 10, "c_real", next_float},
      {"floats", 7, "c_float2", next_double2},
      {"temporal", 1, "c_dt", "'2024-01-01 10:00:00.007'"},  // one 1/300 s tick
      {"temporal", 2, "c_time7", "c_time7 + interval '1 microsecond'"},
      {"temporal", 3, "c_date", "c_date + 1"},
      {"temporal", 5, "c_sdt", "c_sdt + interval '1 minute'"},
      {"temporal", 6, "c_dt2", "c_dt2 + interval '1 microsecond'"},
      {"temporal", 7, "c_dto", "c_dto + interval '1 microsecond'"},
      {"temporal", 8, "c_dt2_3", "c_dt2_3 + interval '1 millisecond'"},
      {"temporal", 4, "c_time0", "'00:00:00'"},  // NULL in SQL Server
      {"guids", 1, "c_guid", "'6f9619ff-8b86-d011-b42d-00c04fc964fe'"},
      {"guids", 4, "c_guid2", "'00000000-0000-0000-ff01-000000000000'"},
      {"texts", 1, "c_nvmax", "left(c_nvmax, -1) || 'Ç'"},
      {"texts", 2, "c_varchar", "NULL"},  // '' in SQL Server
      {"texts", 3, "c_text", "''"},       // NULL in SQL Server
      {"texts", 4, "c_char", "'ABC Def'"},
      {"texts", 5, "c_varchar", "c_varchar || ' '"},  // a trailing space
      {"texts", 6, "c_xml", "'<x>Ç</x>'"},
      {"texts", 7, "c_nvarchar", "'Straße ÄöÜ'"},
      {"texts", 8, "c_nchar", "'AB'"},
      {"binaries", 1, "c_vbin", "'\\x00ff11'::bytea"},
      {"binaries", 2, "c_image", "NULL"},  // 0x00 in SQL Server
      {"binaries", 4, "c_vbmax", "set_byte(c_vbmax, 4500, (get_byte(c_vbmax, 4500) + 1) % 256)"},
      {"binaries", 5, "c_bin", "'\\xfffffffe'::bytea"},
      {"binaries", 6, "c_vbin", "'\\x7f8000'::bytea"},
      {"jsons", 1, "c_json", "'{\"a\":[1,2.0],\"b\":2}'"},
      {"jsons", 6, "c_jsonv", "'123.46'"},
      {"jsons", 3, "c_json", "'[null]'"},
  };
}

void apply(PgDatabase& db, const std::string& schema, const Plant& p) {
  db.exec("UPDATE " + schema + "." + p.table + " SET " + p.column + " = " + p.set + " WHERE id = " +
          std::to_string(p.id));
}

}  // namespace e2e::matrix

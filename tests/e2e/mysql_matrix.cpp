#include "mysql_matrix.hpp"

namespace e2e::mymatrix {
namespace {

Value same(const std::string& v) { return {v, v}; }
const Value kNull = same("NULL");

std::vector<Table> make_tables() {
  std::vector<Table> t;
  t.push_back(Table{
      "ints",
      {{"c_tiny", "tinyint", "smallint"},
       {"c_small", "smallint", "smallint"},
       {"c_med", "mediumint", "integer"},
       {"c_int", "int", "integer"},
       {"c_big", "bigint", "bigint"},
       {"c_ubig", "bigint unsigned", "numeric(20)"},
       {"c_uint", "int unsigned", "bigint"},
       {"c_bool", "tinyint(1)", "boolean"},
       {"c_year", "year", "smallint"}},
      {{same("-128"), same("-32768"), same("-8388608"), same("-2147483648"), same("-9223372036854775808"),
        same("18446744073709551615"), same("4294967295"), {"1", "true"}, same("1901")},
       {same("127"), same("32767"), same("8388607"), same("2147483647"), same("9223372036854775807"), same("0"),
        same("0"), {"0", "false"}, same("2155")},
       {same("0"), same("1"), same("2"), same("3"), same("4"), same("9223372036854775808"), same("5"),
        {"TRUE", "true"}, same("2024")},
       {kNull, kNull, kNull, kNull, kNull, kNull, kNull, kNull, kNull}}});
  t.push_back(Table{
      "nums",
      {{"c_dec", "decimal(18,4)", "numeric(18,4)"},
       {"c_dec2", "decimal(10,2)", "numeric(12,4)"},
       {"c_dbl", "double", "float8"},
       {"c_flt", "float", "float4"}},
      {{same("12345678901234.5678"), same("99999999.99"), same("0.1"), same("0.1")},
       {same("-0.0001"), {"-1.5", "-1.5000"}, same("1.7976931348623157e308"), same("16777217")},
       {same("0"), same("0.01"), same("2.2250738585072014e-308"), same("3.4e38")},
       {{"1.5", "1.50"}, {"100", "100.00"}, same("0.30000000000000004"), same("-1.5")},
       {kNull, kNull, kNull, kNull}}});
  t.push_back(Table{
      "times",
      {{"c_date", "date", "date"},
       {"c_dt", "datetime(6)", "timestamp(6)"},
       {"c_dt0", "datetime", "timestamp(0)"},
       {"c_ts", "timestamp(6) NULL", "timestamptz"},
       {"c_time", "time(6)", "time"}},
      {{same("'1000-01-01'"), same("'1000-01-01 00:00:00'"), same("'2024-01-01 00:00:00'"),
        {"'1970-01-01 00:00:01'", "'1970-01-01 00:00:01+00'"}, same("'00:00:00'")},
       {same("'9999-12-31'"), same("'9999-12-31 23:59:59.999999'"), same("'1999-12-31 23:59:59'"),
        {"'2038-01-19 03:14:07.999999'", "'2038-01-19 03:14:07.999999+00'"}, same("'23:59:59.999999'")},
       {same("'1970-01-01'"), same("'2024-02-29 12:34:56.123456'"), same("'1970-01-01 00:00:00'"),
        // The same instant written with another offset on PostgreSQL.
        {"'2024-06-01 12:00:00.5'", "'2024-06-01 14:00:00.5+02'"}, same("'12:00:00.000001'")},
       {same("'2024-02-29'"), same("'1969-12-31 23:59:59.5'"), same("'2000-02-29 08:30:00'"),
        {"'2000-01-01 00:00:00'", "'1999-12-31 19:00:00-05'"}, same("'08:30:00'")},
       {kNull, kNull, kNull, kNull, kNull}}});
  t.push_back(Table{
      "texts",
      {{"c_vc", "varchar(50)", "text"},
       {"c_char", "char(5)", "char(5)"},
       {"c_text", "text", "text"},
       {"c_enum", "enum('small','medium','large')", "text"},
       {"c_set", "set('a','b','c')", "text"},
       {"c_json", "json", "jsonb"},
       {"c_bin", "varbinary(20)", "bytea"},
       {"c_blob", "blob", "bytea"},
       {"c_binf", "binary(4)", "bytea"},
       {"c_bit", "bit(5)", "bit(5)"},
       {"c_bit_t", "bit(4)", "text"}},
      {{same("'plain'"), same("'ab'"), same("'O''Brien'"), same("'small'"), same("'a,b'"),
        {"'{\"b\": 1, \"a\": [1, 2.0]}'", "'{\"a\":[1,2],\"b\":1}'"}, {"X'00FF10'", "'\\x00ff10'"},
        {"X'0A0D00'", "'\\x0a0d00'"}, {"X'0102'", "'\\x01020000'"}, {"b'10101'", "B'10101'"}, {"b'1010'", "'1010'"}},
       {same("'ação é ü'"), same("'abcde'"), {"'a\\\\b'", "'a\\b'"}, same("'large'"), same("'c'"),
        {"'[]'", "'[]'"}, {"X''", "'\\x'"}, {"X'41'", "'\\x41'"}, {"X'FFFFFFFF'", "'\\xffffffff'"},
        {"b'0'", "B'00000'"}, {"b'0'", "'0000'"}},
       {same("''"), same("''"), {"'line\\nbreak'", "E'line\\nbreak'"}, same("'medium'"), same("''"),
        {"'{\"s\": \"\\\\u00e9\"}'", "'{\"s\":\"é\"}'"}, {"X'00'", "'\\x00'"}, {"X''", "'\\x'"},
        {"X''", "'\\x00000000'"}, {"b'11111'", "B'11111'"}, {"b'1111'", "'1111'"}},
       {same("'😀 日本'"), same("'x'"), same("'  lead'"), same("'small'"), same("'a,b,c'"),
        {"'\"x\"'", "'\"x\"'"}, {"X'7F80'", "'\\x7f80'"}, {"X'FF'", "'\\xff'"}, {"X'00000001'", "'\\x00000001'"},
        {"b'1'", "B'00001'"}, {"b'1'", "'0001'"}},
       {kNull, kNull, kNull, kNull, kNull, kNull, kNull, kNull, kNull, kNull, kNull}}});
  return t;
}

std::string insert(const Table& t, const std::string& ns, bool mysql) {
  std::string sql = "INSERT INTO " + ns + "." + t.name + " VALUES ";
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    sql += (r ? ", (" : "(") + std::to_string(r + 1);
    for (const Value& v : t.rows[r]) sql += ", " + (mysql ? v.mysql : v.pg);
    sql += ")";
  }
  return sql;
}

}  // namespace

const std::vector<Table>& tables() {
  static const std::vector<Table> t = make_tables();
  return t;
}

std::size_t value_pairs() {
  std::size_t n = 0;
  for (const auto& t : tables()) n += t.rows.size() * t.columns.size();
  return n;
}

void build_mysql(MyDb& root, const std::string& database) {
  // The column collation a migration from SQL Server or a default MySQL 8 install would give:
  // case- and accent-insensitive.
  root.exec("DROP DATABASE IF EXISTS " + database + "; CREATE DATABASE " + database +
            " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
  for (const auto& t : tables()) {
    std::string ddl = "CREATE TABLE " + database + "." + t.name + " (id int PRIMARY KEY";
    for (const auto& c : t.columns) ddl += ", " + c.name + " " + c.mysql_type;
    root.exec(ddl + ")");
    root.exec(insert(t, database, true));
  }
}

void build_postgres(PgDatabase& db, const std::string& schema) {
  db.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  for (const auto& t : tables()) {
    std::string ddl = "CREATE TABLE " + schema + "." + t.name + " (id int PRIMARY KEY";
    for (const auto& c : t.columns) ddl += ", " + c.name + " " + c.pg_type;
    db.exec(ddl + ")");
    db.exec(insert(t, schema, false));
  }
}

const std::vector<Plant>& plants() {
  static const std::vector<Plant> p = {
      {"ints", 1, "c_int", "c_int + 1", "c_int + 1"},
      {"ints", 2, "c_bool", "NOT c_bool", "NOT c_bool"},
      {"ints", 3, "c_ubig", "c_ubig + 1", "c_ubig + 1"},
      {"nums", 1, "c_flt", "0.1000001", "0.1000001"},
      {"nums", 2, "c_dec", "c_dec + 0.0001", "c_dec + 0.0001"},
      {"nums", 4, "c_dbl", "0.3", "0.3"},
      {"times", 2, "c_date", "c_date - 1", "c_date - INTERVAL 1 DAY"},
      {"times", 3, "c_dt", "c_dt + interval '1 microsecond'", "c_dt + INTERVAL 1 MICROSECOND"},
      {"times", 4, "c_ts", "c_ts + interval '1 microsecond'", "c_ts + INTERVAL 1 MICROSECOND"},
      {"texts", 1, "c_vc", "'Plain'", "'Plain'"},
      {"texts", 2, "c_vc", "'acao é ü'", "'acao é ü'"},
      {"texts", 3, "c_json", "'{\"s\":\"e\"}'", "'{\"s\":\"e\"}'"},
      {"texts", 4, "c_bit", "B'00011'", "b'00011'"},
      {"texts", 5, "c_bit_t", "'0001'", "b'0001'"},
  };
  return p;
}

void plant_postgres(PgDatabase& db, const std::string& schema, const Plant& p) {
  db.exec("UPDATE " + schema + "." + p.table + " SET " + p.column + " = " + p.pg + " WHERE id = " + std::to_string(p.id));
}

void plant_mysql(MyDb& db, const std::string& database, const Plant& p) {
  db.exec("UPDATE " + database + "." + p.table + " SET " + p.column + " = " + p.mysql +
          " WHERE id = " + std::to_string(p.id));
}

std::string tables_toml(const std::string& source_ns, const std::string& target_ns, int chunk_rows) {
  std::string out;
  for (const auto& t : tables())
    out += "[[tables]]\nname = \"" + t.name + "\"\nsource = \"" + source_ns + "." + t.name + "\"\ntarget = \"" +
           target_ns + "." + t.name + "\"\nkey = [\"id\"]\nchunk_rows = " + std::to_string(chunk_rows) + "\n\n";
  return out;
}

}  // namespace e2e::mymatrix

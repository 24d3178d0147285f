// sql_literal / quote_ident / quote_table: every class in every dialect, and the awkward inputs.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <limits>
#include <string>

#include "recon/connector/connector.hpp"

namespace recon {
namespace {

/// Owns one encoded value and hands out its view.
struct Val {
  std::string buf;
  canon::ValueView view() const {
    std::size_t pos = 0;
    return canon::read_value(buf, pos);
  }
};

Val null_v() { Val v; canon::put_null(v.buf); return v; }
Val int_v(std::int64_t i) { Val v; canon::put_integer(v.buf, i); return v; }
Val dec_v(const char* t) { Val v; EXPECT_TRUE(canon::put_decimal(v.buf, t)); return v; }
Val flt_v(double d) { Val v; canon::put_float(v.buf, d); return v; }
Val bool_v(bool b) { Val v; canon::put_bool(v.buf, b); return v; }
Val date_v(int y, unsigned m, unsigned d) { Val v; canon::put_date(v.buf, canon::days_from_civil(y, m, d)); return v; }
Val time_v(std::int64_t us) { Val v; canon::put_time(v.buf, us); return v; }
std::int64_t ts(int y, unsigned m, unsigned d, std::int64_t us_of_day) {
  return std::int64_t{canon::days_from_civil(y, m, d)} * kMicrosPerDay + us_of_day;
}
Val ts_v(std::int64_t us) { Val v; canon::put_timestamp(v.buf, us); return v; }
Val tstz_v(std::int64_t us) { Val v; canon::put_timestamptz(v.buf, us); return v; }
Val uuid_v() {
  const unsigned char b[16] = {0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
                               0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00};
  Val v; canon::put_uuid(v.buf, b); return v;
}
Val text_v(std::string_view t) { Val v; canon::put_text(v.buf, t); return v; }
Val bytes_v(std::string_view t) { Val v; canon::put_bytes(v.buf, t); return v; }
Val json_v(const char* t) { Val v; EXPECT_TRUE(canon::put_json(v.buf, t)); return v; }
Val invalid_v(const char* t) { Val v; canon::put_invalid(v.buf, t); return v; }

ColumnInfo col(const char* type_name, TypeClass cls) {
  ColumnInfo c;
  c.name = "c";
  c.type_name = type_name;
  c.type_class = cls;
  return c;
}

std::string pg(const Val& v, const ColumnInfo& c) { return sql_literal(Dialect::Postgres, c, v.view()); }
std::string lite(const Val& v) { return sql_literal(Dialect::Sqlite, ColumnInfo{}, v.view()); }
std::string mss(const Val& v) { return sql_literal(Dialect::SqlServer, ColumnInfo{}, v.view()); }

constexpr std::int64_t kUs = kMicrosPerSecond;

TEST(SqlLiteralPostgres, NullAndNumbers) {
  EXPECT_EQ(pg(null_v(), col("integer", TypeClass::Integer)), "NULL");
  EXPECT_EQ(pg(null_v(), col("text", TypeClass::Text)), "NULL");
  EXPECT_EQ(pg(int_v(42), col("integer", TypeClass::Integer)), "42");
  EXPECT_EQ(pg(int_v(-7), col("bigint", TypeClass::Integer)), "-7");
  EXPECT_EQ(pg(int_v(std::numeric_limits<std::int64_t>::min()), col("bigint", TypeClass::Integer)),
            "'-9223372036854775808'::bigint");
  EXPECT_EQ(pg(dec_v("1.50"), col("numeric(18,2)", TypeClass::Decimal)), "1.5");
  EXPECT_EQ(pg(dec_v("-0012.340"), col("numeric", TypeClass::Decimal)), "-12.34");
  EXPECT_EQ(pg(dec_v("100"), col("numeric", TypeClass::Decimal)), "100");
  EXPECT_EQ(pg(dec_v("12345678901234567890.123456789"), col("numeric", TypeClass::Decimal)),
            "12345678901234567890.123456789");
  EXPECT_EQ(pg(flt_v(0.1), col("double precision", TypeClass::Float)), "0.1");
  EXPECT_EQ(pg(flt_v(-2.5e-300), col("double precision", TypeClass::Float)), "-2.5e-300");
  EXPECT_EQ(pg(flt_v(NAN), col("double precision", TypeClass::Float)), "'NaN'::float8");
  EXPECT_EQ(pg(flt_v(INFINITY), col("real", TypeClass::Float)), "'Infinity'::float8");
  EXPECT_EQ(pg(flt_v(-INFINITY), col("real", TypeClass::Float)), "'-Infinity'::float8");
  EXPECT_EQ(pg(bool_v(true), col("boolean", TypeClass::Boolean)), "true");
  EXPECT_EQ(pg(bool_v(false), col("boolean", TypeClass::Boolean)), "false");
}

TEST(SqlLiteralPostgres, DatesAndTimes) {
  EXPECT_EQ(pg(date_v(2024, 1, 5), col("date", TypeClass::Date)), "'2024-01-05'::date");
  EXPECT_EQ(pg(date_v(1969, 12, 31), col("date", TypeClass::Date)), "'1969-12-31'::date");
  EXPECT_EQ(pg(date_v(0, 3, 1), col("date", TypeClass::Date)), "'0001-03-01 BC'::date");
  EXPECT_EQ(pg(date_v(-43, 3, 15), col("date", TypeClass::Date)), "'0044-03-15 BC'::date");
  EXPECT_EQ(pg(time_v(10 * 3600 * kUs + kUs / 2), col("time without time zone", TypeClass::Time)),
            "'10:00:00.5'::time");
  EXPECT_EQ(pg(time_v(0), col("time", TypeClass::Time)), "'00:00:00'::time");
  EXPECT_EQ(pg(time_v(kMicrosPerDay), col("time", TypeClass::Time)), "'24:00:00'::time");
  EXPECT_EQ(pg(ts_v(ts(2024, 1, 5, 10 * 3600 * kUs + 123456)), col("timestamp without time zone", TypeClass::Timestamp)),
            "'2024-01-05 10:00:00.123456'::timestamp");
  // Before 1970 with a fraction: the time of day stays positive (floor division).
  EXPECT_EQ(pg(ts_v(-1), col("timestamp", TypeClass::Timestamp)), "'1969-12-31 23:59:59.999999'::timestamp");
  EXPECT_EQ(pg(ts_v(ts(1900, 2, 28, 13 * 3600 * kUs + 250000)), col("timestamp(3) without time zone", TypeClass::Timestamp)),
            "'1900-02-28 13:00:00.25'::timestamp");
  EXPECT_EQ(pg(tstz_v(ts(2024, 1, 5, 10 * 3600 * kUs)), col("timestamp with time zone", TypeClass::TimestampTz)),
            "'2024-01-05 10:00:00+00'::timestamptz");
  EXPECT_EQ(pg(tstz_v(ts(-43, 3, 15, 12 * 3600 * kUs + 1)), col("timestamptz", TypeClass::TimestampTz)),
            "'0044-03-15 12:00:00.000001+00 BC'::timestamptz");
}

TEST(SqlLiteralPostgres, TextQuoting) {
  const auto text = col("text", TypeClass::Text);
  EXPECT_EQ(pg(text_v(""), text), "''");
  EXPECT_EQ(pg(text_v("O'Brien"), text), "'O''Brien'");
  EXPECT_EQ(pg(text_v("''"), text), "''''''");
  EXPECT_EQ(pg(text_v("C:\\dir\\n"), text), "'C:\\dir\\n'");  // backslashes are literal
  EXPECT_EQ(pg(text_v("line1\nline2\r\n"), text), "'line1\nline2\r\n'");
  EXPECT_EQ(pg(text_v("consórcio ✓ 日本"), text), "'consórcio ✓ 日本'");
  EXPECT_EQ(pg(text_v("trailing  "), col("character(10)", TypeClass::Text)), "'trailing  '");
  EXPECT_EQ(pg(text_v("x"), col("character varying(20)", TypeClass::Text)), "'x'");
}

TEST(SqlLiteralPostgres, BinaryUuidJson) {
  EXPECT_EQ(pg(bytes_v(std::string("\x0a\x0b\x00\xff", 4)), col("bytea", TypeClass::Bytes)),
            "'\\x0a0b00ff'::bytea");
  EXPECT_EQ(pg(bytes_v(""), col("bytea", TypeClass::Bytes)), "'\\x'::bytea");
  EXPECT_EQ(pg(uuid_v(), col("uuid", TypeClass::Uuid)), "'123e4567-e89b-12d3-a456-426614174000'::uuid");
  EXPECT_EQ(pg(json_v(R"({"b": "it's \"q\"", "a": 1})"), col("jsonb", TypeClass::Json)),
            R"('{"a":1,"b":"it''s \"q\""}'::jsonb)");
  EXPECT_EQ(pg(json_v("[1, 2]"), col("json", TypeClass::Json)), "'[1,2]'::json");
}

TEST(SqlLiteralPostgres, MismatchedColumnSpellsTextForTheColumnType) {
  // A text column compared as JSON: the value is assigned as text.
  EXPECT_EQ(pg(json_v(R"({"a":1})"), col("text", TypeClass::Text)), R"('{"a":1}')");
  // Text into a jsonb column: cast to the column's base type.
  EXPECT_EQ(pg(text_v(R"({"a":1})"), col("jsonb", TypeClass::Json)), R"('{"a":1}'::jsonb)");
  // Typmods are dropped so a bound is never rounded.
  EXPECT_EQ(pg(int_v(5), col("numeric(10,0)", TypeClass::Decimal)), "'5'::numeric");
  EXPECT_EQ(pg(date_v(2024, 2, 29), col("timestamp(0) without time zone", TypeClass::Timestamp)),
            "'2024-02-29'::timestamp without time zone");
  // User types (enums, domains, citext): untyped, PostgreSQL resolves it from the column.
  EXPECT_EQ(pg(int_v(3), col("mood", TypeClass::Text)), "'3'");
  EXPECT_EQ(pg(text_v("Ab"), col("citext", TypeClass::Integer)), "'Ab'");
}

TEST(SqlLiteralPostgres, InvalidIsTheRawText) {
  EXPECT_EQ(pg(invalid_v("abc'd"), col("integer", TypeClass::Integer)), "'abc''d'");
  EXPECT_EQ(pg(invalid_v("infinity"), col("date", TypeClass::Date)), "'infinity'");
}

TEST(SqlLiteralSqlite, EveryClass) {
  EXPECT_EQ(lite(null_v()), "NULL");
  EXPECT_EQ(lite(int_v(-42)), "-42");
  EXPECT_EQ(lite(dec_v("1234.50")), "'1234.5'");  // canonical text: reads back exactly
  EXPECT_EQ(lite(flt_v(2.5)), "2.5");
  EXPECT_EQ(lite(flt_v(3.0)), "3.0");  // stays REAL
  EXPECT_EQ(lite(flt_v(1e300)), "1e+300");
  EXPECT_EQ(lite(flt_v(INFINITY)), "9e999");
  EXPECT_EQ(lite(flt_v(-INFINITY)), "-9e999");
  EXPECT_EQ(lite(flt_v(NAN)), "'NaN'");
  EXPECT_EQ(lite(bool_v(true)), "1");
  EXPECT_EQ(lite(bool_v(false)), "0");
  EXPECT_EQ(lite(date_v(2024, 1, 5)), "'2024-01-05'");
  EXPECT_EQ(lite(time_v(10 * 3600 * kUs + kUs / 2)), "'10:00:00.5'");
  EXPECT_EQ(lite(ts_v(ts(1969, 12, 31, 23 * 3600 * kUs + 500))), "'1969-12-31 23:00:00.0005'");
  EXPECT_EQ(lite(tstz_v(ts(2024, 1, 5, 0))), "'2024-01-05 00:00:00+00:00'");
  EXPECT_EQ(lite(uuid_v()), "'123e4567-e89b-12d3-a456-426614174000'");
  EXPECT_EQ(lite(bytes_v("\x0a\x0b")), "X'0a0b'");
  EXPECT_EQ(lite(text_v("it's\n\\")), "'it''s\n\\'");
  EXPECT_EQ(lite(text_v(std::string("a\0b", 3))), "CAST(X'610062' AS TEXT)");
  EXPECT_EQ(lite(json_v(R"({"k":"v'"})")), R"('{"k":"v''"}')");
  EXPECT_EQ(lite(invalid_v("12,5")), "'12,5'");
}

TEST(SqlLiteralSqlServer, EveryClass) {
  EXPECT_EQ(mss(null_v()), "NULL");
  EXPECT_EQ(mss(int_v(42)), "42");
  EXPECT_EQ(mss(int_v(std::numeric_limits<std::int64_t>::min())), "CAST('-9223372036854775808' AS bigint)");
  EXPECT_EQ(mss(dec_v("-1.5")), "-1.5");
  EXPECT_EQ(mss(flt_v(0.1)), "0.1E0");
  EXPECT_EQ(mss(flt_v(1e300)), "1e+300");
  EXPECT_EQ(mss(bool_v(true)), "1");
  EXPECT_EQ(mss(date_v(2024, 1, 5)), "CAST('2024-01-05' AS date)");
  EXPECT_EQ(mss(time_v(kUs / 2)), "CAST('00:00:00.5' AS time(7))");
  EXPECT_EQ(mss(ts_v(ts(2024, 1, 5, 10 * 3600 * kUs + 123456))), "CAST('2024-01-05T10:00:00.123456' AS datetime2(7))");
  EXPECT_EQ(mss(tstz_v(ts(2024, 1, 5, 0))), "CAST('2024-01-05T00:00:00+00:00' AS datetimeoffset(7))");
  EXPECT_EQ(mss(uuid_v()), "CAST('123e4567-e89b-12d3-a456-426614174000' AS uniqueidentifier)");
  EXPECT_EQ(mss(bytes_v("\x0a\xff")), "0x0aff");
  EXPECT_EQ(mss(bytes_v("")), "0x");
  EXPECT_EQ(mss(text_v("São Paulo's")), "N'São Paulo''s'");
  EXPECT_EQ(mss(invalid_v("x")), "N'x'");
  EXPECT_EQ(mss(flt_v(NAN)).substr(0, 4), "NULL");
}

TEST(QuoteIdent, Dialects) {
  EXPECT_EQ(quote_ident(Dialect::Postgres, "id"), "\"id\"");
  EXPECT_EQ(quote_ident(Dialect::Postgres, "a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(quote_ident(Dialect::Sqlite, "Order Items"), "\"Order Items\"");
  EXPECT_EQ(quote_ident(Dialect::SqlServer, "a]b"), "[a]]b]");
  EXPECT_EQ(quote_ident(Dialect::SqlServer, "ID_Simulacao"), "[ID_Simulacao]");
  EXPECT_EQ(quote_table(Dialect::Postgres, TableRef{"public", "simulacoes"}), "\"public\".\"simulacoes\"");
  EXPECT_EQ(quote_table(Dialect::Sqlite, TableRef{"", "clientes"}), "\"clientes\"");
  EXPECT_EQ(quote_table(Dialect::SqlServer, TableRef{"dbo", "Simulacoes"}), "[dbo].[Simulacoes]");
  EXPECT_EQ(quote_table(Dialect::Postgres, TableRef{"odd.schema", "t\"x"}), "\"odd.schema\".\"t\"\"x\"");
}

}  // namespace
}  // namespace recon

// ---- the literals as real engines read them --------------------------------------------------
namespace recon {
namespace {

/// Each literal, cast to text by PostgreSQL itself, must give PostgreSQL's own spelling of the value.
TEST(SqlLiteralPostgresServer, LiteralsParseToTheIntendedValues) {
  if (!std::getenv("PGHOST")) GTEST_SKIP() << "PGHOST unset: run under pg_virtualenv";
  PGconn* conn = PQconnectdb("");
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PQclear(PQexec(conn, "SET TIME ZONE 'UTC'"));
  struct Case {
    Val v;
    ColumnInfo c;
    const char* expect;
  };
  const Case cases[] = {
      {int_v(std::numeric_limits<std::int64_t>::min()), col("bigint", TypeClass::Integer), "-9223372036854775808"},
      {dec_v("-12345678901234567890.0001"), col("numeric", TypeClass::Decimal), "-12345678901234567890.0001"},
      {flt_v(0.1), col("double precision", TypeClass::Float), "0.1"},
      {flt_v(NAN), col("double precision", TypeClass::Float), "NaN"},
      {flt_v(-INFINITY), col("double precision", TypeClass::Float), "-Infinity"},
      {date_v(-43, 3, 15), col("date", TypeClass::Date), "0044-03-15 BC"},
      {ts_v(-1), col("timestamp", TypeClass::Timestamp), "1969-12-31 23:59:59.999999"},
      {tstz_v(ts(-43, 3, 15, 12 * 3600 * kUs + 1)), col("timestamptz", TypeClass::TimestampTz),
       "0044-03-15 12:00:00.000001+00 BC"},
      {time_v(kMicrosPerDay), col("time", TypeClass::Time), "24:00:00"},
      {uuid_v(), col("uuid", TypeClass::Uuid), "123e4567-e89b-12d3-a456-426614174000"},
      {bytes_v(std::string("\x00\x27\x5c", 3)), col("bytea", TypeClass::Bytes), "\\x00275c"},
      {text_v("it's \\n\nnew ✓"), col("text", TypeClass::Text), "it's \\n\nnew ✓"},
      {json_v(R"({"q":"it's \"x\""})"), col("jsonb", TypeClass::Json), R"({"q": "it's \"x\""})"},
      {text_v(R"({"a":1})"), col("jsonb", TypeClass::Json), R"({"a": 1})"},
      {int_v(5), col("numeric(10,0)", TypeClass::Decimal), "5"},
  };
  for (const auto& c : cases) {
    const std::string lit = pg(c.v, c.c);
    const std::string q = "SELECT (" + lit + ")::text";
    PGresult* r = PQexec(conn, q.c_str());
    ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << q << ": " << PQerrorMessage(conn);
    EXPECT_EQ(std::string(PQgetvalue(r, 0, 0)), c.expect) << q;
    PQclear(r);
  }
  PQfinish(conn);
}

/// SQLite stores each literal in a column of the matching declared type and reads it back as the
/// value (storage class and text) the SQLite connector turns into the same canonical value.
TEST(SqlLiteralSqliteEngine, LiteralsStoreTheIntendedValues) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  struct Case {
    Val v;
    const char* decl;
    const char* expect;  // typeof|text
  };
  const Case cases[] = {
      {dec_v("1234.50"), "NUMERIC", "real|1234.5"},
      // NUMERIC affinity keeps only 15 digits whatever the literal (SQLite's own limit); a decimal
      // declared TEXT keeps every digit because the literal is the canonical text.
      {dec_v("12345678901234567890.12345"), "NUMERIC", "real|1.23456789012346e+19"},
      {dec_v("12345678901234567890.12345"), "TEXT", "text|12345678901234567890.12345"},
      {flt_v(3.0), "REAL", "real|3.0"},
      {flt_v(INFINITY), "REAL", "real|Inf"},
      {flt_v(NAN), "REAL", "text|NaN"},
      {bool_v(true), "BOOLEAN", "integer|1"},
      {bytes_v("\x0a\x0b"), "BLOB", "blob|\n\x0b"},
      {text_v(std::string("a\0b", 3)), "TEXT", "text|a"},  // sqlite3_column_text stops at NUL
      {text_v("it's"), "TEXT", "text|it's"},
      {tstz_v(ts(2024, 1, 5, 0)), "TIMESTAMP", "text|2024-01-05 00:00:00+00:00"},
  };
  for (const auto& c : cases) {
    const std::string ddl = std::string("DROP TABLE IF EXISTS t; CREATE TABLE t (c ") + c.decl + ");";
    ASSERT_EQ(sqlite3_exec(db, ddl.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    const std::string ins = "INSERT INTO t VALUES (" + lite(c.v) + ")";
    ASSERT_EQ(sqlite3_exec(db, ins.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << ins << sqlite3_errmsg(db);
    sqlite3_stmt* s = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT typeof(c), c, length(CAST(c AS BLOB)) FROM t", -1, &s, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
    std::string got = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    got += "|";
    got += reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
    EXPECT_EQ(got, c.expect) << ins;
    if (c.v.view().tag == TypeClass::Text) {
      EXPECT_EQ(sqlite3_column_int(s, 2), static_cast<int>(c.v.view().payload.size()));
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
}

TEST(AtOrAfter, KeepsLaterRowsAndRowsWithoutATime) {
  ColumnInfo c = col("timestamptz", TypeClass::TimestampTz);
  c.name = "updated_at";
  const Val v = tstz_v(0);
  EXPECT_EQ(at_or_after_sql(Dialect::Postgres, c, v.view()),
            "(\"updated_at\" >= " + sql_literal(Dialect::Postgres, c, v.view()) + " OR \"updated_at\" IS NULL)");
  EXPECT_EQ(at_or_after_sql(Dialect::SqlServer, c, v.view()),
            "([updated_at] >= " + sql_literal(Dialect::SqlServer, c, v.view()) + " OR [updated_at] IS NULL)");
  // SQLite: a time stored as a number (or NULL) is kept, only text is compared.
  EXPECT_EQ(at_or_after_sql(Dialect::Sqlite, c, v.view()),
            "(typeof(\"updated_at\") <> 'text' OR \"updated_at\" >= " + sql_literal(Dialect::Sqlite, c, v.view()) + ")");
}

}  // namespace
}  // namespace recon

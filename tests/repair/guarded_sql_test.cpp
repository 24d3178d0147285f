// repair::GuardedSql and repair::unguardable: the guarded (compare-and-set) statements of every
// category in every dialect, their undo, row locks, file lines — and, on real PostgreSQL and
// SQLite, that a guard holds while the row is as recon saw it and stops the statement once it is not.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "recon/core/canonical.hpp"
#include "recon/repair/guarded_sql.hpp"

namespace recon::repair {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr Dialect kDialects[] = {Dialect::Postgres, Dialect::Sqlite, Dialect::SqlServer};
const char* dialect_name(Dialect d) {
  return d == Dialect::Postgres ? "postgres" : d == Dialect::Sqlite ? "sqlite" : "sqlserver";
}

// ---- canonical values ----------------------------------------------------------------------------

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
Val date_v() { Val v; canon::put_date(v.buf, canon::days_from_civil(2024, 1, 5)); return v; }
Val time_v() { Val v; canon::put_time(v.buf, 10 * 3600 * kMicrosPerSecond + 123000); return v; }
/// 2024-01-05 10:00:00.123 — exact in every engine, datetime2(3) included.
std::int64_t ts_us() { return std::int64_t{canon::days_from_civil(2024, 1, 5)} * kMicrosPerDay + 36000LL * kMicrosPerSecond + 123000; }
Val ts_v() { Val v; canon::put_timestamp(v.buf, ts_us()); return v; }
Val tstz_v() { Val v; canon::put_timestamptz(v.buf, ts_us()); return v; }
const unsigned char kUuid[16] = {0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
                                 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00};
Val uuid_v() { Val v; canon::put_uuid(v.buf, kUuid); return v; }
Val text_v(std::string_view t) { Val v; canon::put_text(v.buf, t); return v; }
Val bytes_v(std::string_view t) { Val v; canon::put_bytes(v.buf, t); return v; }
Val json_v(const char* t) { Val v; EXPECT_TRUE(canon::put_json(v.buf, t)); return v; }
Val invalid_v(const char* t) { Val v; canon::put_invalid(v.buf, t); return v; }

ColumnInfo col(const char* name, const char* type, TypeClass cls, int precision = -1) {
  ColumnInfo c;
  c.name = name;
  c.type_name = type;
  c.type_class = cls;
  c.precision = precision;
  return c;
}

/// The read plan of a column compared as its own class.
SelectColumn sel(ColumnInfo native, std::optional<TypeClass> compare_as = std::nullopt) {
  SelectColumn s;
  s.compare_as = compare_as.value_or(native.type_class.value_or(TypeClass::Text));
  s.single_float = native.single_float;
  s.trim_padding = native.padded_char;
  s.native = std::move(native);
  return s;
}

std::optional<std::string> why(Dialect d, const SelectColumn& c, const Val& v) { return unguardable(d, c, v.view()); }

// ---- unguardable -----------------------------------------------------------------------------

TEST(Unguardable, NullIsAlwaysGuardable) {
  ColumnInfo real = col("r", "real", TypeClass::Float);
  real.single_float = true;
  const SelectColumn columns[] = {
      sel(col("f", "double precision", TypeClass::Float)), sel(real),
      sel(col("j", "jsonb", TypeClass::Json)), sel(col("u", "uuid", TypeClass::Uuid), TypeClass::Text),
      sel(col("d", "datetime", TypeClass::Timestamp, 3)), sel(col("t", "TIMESTAMP", TypeClass::Timestamp))};
  for (Dialect d : kDialects)
    for (const auto& c : columns) EXPECT_EQ(why(d, c, null_v()), std::nullopt) << dialect_name(d) << " " << c.native.name;
}

TEST(Unguardable, FloatsJsonAndInvalidValuesAreNot) {
  ColumnInfo real = col("r", "real", TypeClass::Float);
  real.single_float = true;
  SelectColumn dec_as_single = sel(col("n", "numeric", TypeClass::Decimal));
  dec_as_single.single_float = true;  // the other side is real
  for (Dialect d : kDialects) {
    SCOPED_TRACE(dialect_name(d));
    EXPECT_EQ(why(d, sel(col("f", "double precision", TypeClass::Float)), flt_v(0.5)), "float");
    EXPECT_EQ(why(d, sel(real), flt_v(0.5)), "float");
    EXPECT_EQ(why(d, dec_as_single, flt_v(0.5)), "float");
    EXPECT_EQ(why(d, sel(col("j", "jsonb", TypeClass::Json)), json_v("{}")), "json");
    EXPECT_EQ(why(d, sel(col("t", "text", TypeClass::Text), TypeClass::Json), json_v("[1]")), "json");
    EXPECT_EQ(why(d, sel(col("i", "integer", TypeClass::Integer)), invalid_v("abc")), "not a integer value");
    EXPECT_EQ(why(d, sel(col("d", "date", TypeClass::Date)), invalid_v("infinity")), "not a date value");
  }
}

TEST(Unguardable, ValuesObservedThroughAConversionAreNot) {
  for (Dialect d : {Dialect::Postgres, Dialect::SqlServer}) {
    SCOPED_TRACE(dialect_name(d));
    // A uuid column compared as text: the observed text is the uuid's rendering, not the column.
    EXPECT_EQ(why(d, sel(col("u", "uuid", TypeClass::Uuid), TypeClass::Text), text_v("123e4567-e89b-12d3-a456-426614174000")),
              "observed as text");
    EXPECT_EQ(why(d, sel(col("n", "numeric", TypeClass::Decimal), TypeClass::Integer), int_v(5)), "observed as integer");
    EXPECT_EQ(why(d, sel(col("d", "date", TypeClass::Date), TypeClass::Timestamp), ts_v()), "observed as timestamp");
    // Integer compared as decimal is exact: the integer is the decimal.
    EXPECT_EQ(why(d, sel(col("i", "integer", TypeClass::Integer), TypeClass::Decimal), dec_v("5")), std::nullopt);
    // Padding trimmed when observed: a varchar target (char(n) source) is not guardable ...
    SelectColumn trimmed = sel(col("v", "character varying(10)", TypeClass::Text));
    trimmed.trim_padding = true;
    EXPECT_EQ(why(d, trimmed, text_v("ab")), "trailing spaces trimmed when observed");
    // ... a char(n) target is (the engine itself ignores its padding).
    ColumnInfo bpchar = col("c", "character(10)", TypeClass::Text);
    bpchar.padded_char = true;
    EXPECT_EQ(why(d, sel(bpchar), text_v("ab")), std::nullopt);
  }
  // SQLite columns are dynamic: a value of any class may be stored, no conversion is assumed.
  ColumnInfo dyn = col("u", "UUID", TypeClass::Uuid);
  dyn.dynamic = true;
  EXPECT_EQ(why(Dialect::Sqlite, sel(dyn, TypeClass::Text), text_v("x")), std::nullopt);
  ColumnInfo dyn_int = col("i", "INTEGER", TypeClass::Integer);
  dyn_int.dynamic = true;
  EXPECT_EQ(why(Dialect::Sqlite, sel(dyn_int, TypeClass::Decimal), dec_v("5")), std::nullopt);
}

TEST(Unguardable, PostgresGuardsEveryExactClass) {
  const std::pair<ColumnInfo, Val> cases[] = {
      {col("i", "integer", TypeClass::Integer), int_v(1)},
      {col("n", "numeric(12,2)", TypeClass::Decimal), dec_v("1.5")},
      {col("b", "boolean", TypeClass::Boolean), bool_v(true)},
      {col("d", "date", TypeClass::Date), date_v()},
      {col("t", "time without time zone", TypeClass::Time, 6), time_v()},
      {col("ts", "timestamp without time zone", TypeClass::Timestamp, 6), ts_v()},
      {col("tz", "timestamp with time zone", TypeClass::TimestampTz, 6), tstz_v()},
      {col("u", "uuid", TypeClass::Uuid), uuid_v()},
      {col("x", "text", TypeClass::Text), text_v("x")},
      {col("y", "bytea", TypeClass::Bytes), bytes_v("\x01")},
  };
  for (const auto& [c, v] : cases) EXPECT_EQ(why(Dialect::Postgres, sel(c), v), std::nullopt) << c.type_name;
}

TEST(Unguardable, SqlServerRoundedTimesAreNot) {
  const auto ss = [](const ColumnInfo& c, const Val& v) { return why(Dialect::SqlServer, sel(c), v); };
  EXPECT_EQ(ss(col("d", "datetime", TypeClass::Timestamp, 3), ts_v()), "datetime rounded to microseconds when observed");
  EXPECT_EQ(ss(col("d", "datetime2(7)", TypeClass::Timestamp, 7), ts_v()),
            "datetime2(7) rounded to microseconds when observed");
  EXPECT_EQ(ss(col("t", "time(7)", TypeClass::Time, 7), time_v()), "time(7) rounded to microseconds when observed");
  EXPECT_EQ(ss(col("o", "datetimeoffset(7)", TypeClass::TimestampTz, 7), tstz_v()),
            "datetimeoffset(7) rounded to microseconds when observed");
  EXPECT_EQ(ss(col("d", "datetime2(3)", TypeClass::Timestamp, 3), ts_v()), std::nullopt);
  EXPECT_EQ(ss(col("d", "datetime2(6)", TypeClass::Timestamp, 6), ts_v()), std::nullopt);
  EXPECT_EQ(ss(col("o", "datetimeoffset(3)", TypeClass::TimestampTz, 3), tstz_v()), std::nullopt);
  EXPECT_EQ(ss(col("s", "smalldatetime", TypeClass::Timestamp, 0), ts_v()), std::nullopt);
  EXPECT_EQ(ss(col("d", "date", TypeClass::Date), date_v()), std::nullopt);
  EXPECT_EQ(ss(col("u", "uniqueidentifier", TypeClass::Uuid), uuid_v()), std::nullopt);
  EXPECT_EQ(ss(col("m", "money", TypeClass::Decimal, 19), dec_v("1.5")), std::nullopt);
  EXPECT_EQ(ss(col("b", "bit", TypeClass::Boolean), bool_v(false)), std::nullopt);
  EXPECT_EQ(ss(col("n", "nvarchar(20)", TypeClass::Text), text_v("x")), std::nullopt);
}

TEST(Unguardable, SqliteDatesAndUuidsAreNot) {
  const auto lite = [](const char* type, TypeClass cls, const Val& v) {
    ColumnInfo c = col("c", type, cls);
    c.dynamic = true;
    return why(Dialect::Sqlite, sel(c), v);
  };
  EXPECT_EQ(lite("DATE", TypeClass::Date, date_v()), "date stored as text");
  EXPECT_EQ(lite("TIME", TypeClass::Time, time_v()), "time stored as text");
  EXPECT_EQ(lite("TIMESTAMP", TypeClass::Timestamp, ts_v()), "timestamp stored as text");
  EXPECT_EQ(lite("TIMESTAMPTZ", TypeClass::TimestampTz, tstz_v()), "timestamptz stored as text");
  EXPECT_EQ(lite("UUID", TypeClass::Uuid, uuid_v()), "uuid stored as text");
  EXPECT_EQ(lite("INTEGER", TypeClass::Integer, int_v(1)), std::nullopt);
  EXPECT_EQ(lite("TEXT", TypeClass::Text, text_v("x")), std::nullopt);
  EXPECT_EQ(lite("NUMERIC(10,2)", TypeClass::Decimal, dec_v("1.5")), std::nullopt);
  EXPECT_EQ(lite("BLOB", TypeClass::Bytes, bytes_v("\x01")), std::nullopt);
  EXPECT_EQ(lite("BOOLEAN", TypeClass::Boolean, bool_v(true)), std::nullopt);
}

// ---- a table: contas(id integer key; nome text, saldo numeric(12,2), taxa float, criado timestamp) ----

/// The TableContext a run would hand the writer, built by hand (no read plans unless a test sets
/// them: GuardedSql then compares each column as its own class).
struct Table {
  TableJob job;
  TableContext ctx;
  explicit Table(Dialect d) {
    job.name = "contas";
    job.target = d == Dialect::Postgres ? TableRef{"public", "contas"}
                 : d == Dialect::Sqlite ? TableRef{"", "contas"}
                                        : TableRef{"dbo", "contas"};
    job.key = {"id"};
    ctx.job = &job;
    ctx.name = "contas";
    ctx.target_dialect = d;
    switch (d) {
      case Dialect::Postgres:
        ctx.target_keys = {col("id", "integer", TypeClass::Integer)};
        ctx.target_values = {col("nome", "text", TypeClass::Text), col("saldo", "numeric(12,2)", TypeClass::Decimal),
                             col("taxa", "double precision", TypeClass::Float),
                             col("criado", "timestamp without time zone", TypeClass::Timestamp, 6)};
        break;
      case Dialect::Sqlite:
        ctx.target_keys = {col("id", "INTEGER", TypeClass::Integer)};
        ctx.target_values = {col("nome", "TEXT", TypeClass::Text), col("saldo", "NUMERIC(12,2)", TypeClass::Decimal),
                             col("taxa", "REAL", TypeClass::Float), col("criado", "TIMESTAMP", TypeClass::Timestamp)};
        for (auto* cols : {&ctx.target_keys, &ctx.target_values})
          for (auto& c : *cols) c.dynamic = true;
        break;
      case Dialect::SqlServer:
        ctx.target_keys = {col("id", "int", TypeClass::Integer)};
        ctx.target_values = {col("nome", "nvarchar(50)", TypeClass::Text),
                             col("saldo", "decimal(12,2)", TypeClass::Decimal), col("taxa", "float", TypeClass::Float),
                             col("criado", "datetime2(3)", TypeClass::Timestamp, 3)};
        break;
    }
    ctx.source_keys = ctx.target_keys;
    ctx.source_values = ctx.target_values;
  }
  Table(const Table&) = delete;
};

std::string key(std::int64_t id) {
  std::string k;
  canon::put_integer(k, id);
  return k;
}

/// nome, saldo, taxa, criado (nullptr nome = NULL)
std::string values(const char* nome, const char* saldo, double taxa) {
  std::string v;
  if (nome) canon::put_text(v, nome);
  else canon::put_null(v);
  EXPECT_TRUE(canon::put_decimal(v, saldo));
  canon::put_float(v, taxa);
  canon::put_timestamp(v, ts_us());
  return v;
}

Divergence missing_in_target(std::string k, std::string source) {
  Divergence d;
  d.key = std::move(k);
  d.category = Category::MissingInTarget;
  d.source_values = std::move(source);
  return d;
}
Divergence missing_in_source(std::string k, std::string target) {
  Divergence d;
  d.key = std::move(k);
  d.category = Category::MissingInSource;
  d.target_values = std::move(target);
  return d;
}
Divergence changed(std::string k, std::string source, std::string target, std::vector<std::uint32_t> columns) {
  Divergence d;
  d.key = std::move(k);
  d.category = Category::Changed;
  d.source_values = std::move(source);
  d.target_values = std::move(target);
  d.columns = std::move(columns);
  return d;
}
Divergence with(Divergence d, Status status, Action action, std::vector<std::uint32_t> fix_columns = {},
                const char* rule = "a-rule") {
  d.finding.status = status;
  d.finding.action = action;
  d.finding.fix_columns = std::move(fix_columns);
  d.finding.rule = rule;
  return d;
}

GuardedStatement statement(const GuardedSql& g, const Divergence& d) {
  auto made = g.statement_for(d);
  if (const auto* left = std::get_if<LeftOut>(&made)) {
    ADD_FAILURE() << "left out: " << left_out_name(*left);
    return {};
  }
  return std::get<GuardedStatement>(made);
}
std::optional<LeftOut> left_out(const GuardedSql& g, const Divergence& d) {
  auto made = g.statement_for(d);
  if (const auto* left = std::get_if<LeftOut>(&made)) return *left;
  return std::nullopt;
}

// ---- statement_for: every category in every dialect ------------------------------------------------

struct Expected {
  Dialect dialect;
  const char* del;
  std::vector<std::string> del_unguarded;
  const char* upd;
  const char* ins;
};

TEST(GuardedSql, EveryCategoryInEveryDialect) {
  const std::vector<Expected> expected = {
      {Dialect::Postgres,
       R"(DELETE FROM "public"."contas" WHERE "id" = 7 AND "nome"::text COLLATE "C" = 'Ana' AND "saldo" = 10.5 AND "criado" = '2024-01-05 10:00:00.123'::timestamp)",
       {R"("taxa" (float))"},
       R"(UPDATE "public"."contas" SET "nome" = 'O''Bia', "saldo" = 11, "taxa" = 0.25 WHERE "id" = 7 AND "nome"::text COLLATE "C" = 'Ana' AND "saldo" = 10.5 AND "criado" = '2024-01-05 10:00:00.123'::timestamp)",
       R"(INSERT INTO "public"."contas" ("id", "nome", "saldo", "taxa", "criado") SELECT 7, 'O''Bia', 11, 0.25, '2024-01-05 10:00:00.123'::timestamp WHERE NOT EXISTS (SELECT 1 FROM "public"."contas" WHERE "id" = 7) ON CONFLICT DO NOTHING)"},
      {Dialect::Sqlite,
       R"(DELETE FROM "contas" WHERE "id" = 7 AND "nome" = 'Ana' COLLATE BINARY AND "saldo" = '10.5')",
       {R"("taxa" (float))", R"("criado" (timestamp stored as text))"},
       R"(UPDATE "contas" SET "nome" = 'O''Bia', "saldo" = '11', "taxa" = 0.25 WHERE "id" = 7 AND "nome" = 'Ana' COLLATE BINARY AND "saldo" = '10.5')",
       R"(INSERT INTO "contas" ("id", "nome", "saldo", "taxa", "criado") SELECT 7, 'O''Bia', '11', 0.25, '2024-01-05 10:00:00.123' WHERE NOT EXISTS (SELECT 1 FROM "contas" WHERE "id" = 7))"},
      {Dialect::SqlServer,
       R"(DELETE FROM [dbo].[contas] WHERE [id] = 7 AND [nome] = N'Ana' COLLATE Latin1_General_100_BIN2 AND [saldo] = 10.5 AND [criado] = CAST('2024-01-05T10:00:00.123' AS datetime2(7)))",
       {R"([taxa] (float))"},
       R"(UPDATE [dbo].[contas] SET [nome] = N'O''Bia', [saldo] = 11, [taxa] = 0.25E0 WHERE [id] = 7 AND [nome] = N'Ana' COLLATE Latin1_General_100_BIN2 AND [saldo] = 10.5 AND [criado] = CAST('2024-01-05T10:00:00.123' AS datetime2(7)))",
       R"(INSERT INTO [dbo].[contas] ([id], [nome], [saldo], [taxa], [criado]) SELECT 7, N'O''Bia', 11, 0.25E0, CAST('2024-01-05T10:00:00.123' AS datetime2(7)) WHERE NOT EXISTS (SELECT 1 FROM [dbo].[contas] WITH (UPDLOCK, HOLDLOCK) WHERE [id] = 7))"},
  };
  for (const auto& e : expected) {
    SCOPED_TRACE(dialect_name(e.dialect));
    Table t(e.dialect);
    const GuardedSql g(t.ctx);
    EXPECT_EQ(g.dialect(), e.dialect);

    const GuardedStatement del = statement(g, missing_in_source(key(7), values("Ana", "10.50", 0.5)));
    EXPECT_EQ(del.kind, StatementKind::Delete);
    EXPECT_EQ(del.key, key(7));
    EXPECT_EQ(del.sql, e.del);
    EXPECT_EQ(del.unguarded, e.del_unguarded);
    EXPECT_THAT(del.set_columns, IsEmpty());
    EXPECT_FALSE(del.partly_fixed);

    // No rules configured (rule ""), no fix_columns: every differing column is set. The guard
    // holds every compared column as observed on the target, the unchanged `criado` included.
    const GuardedStatement upd =
        statement(g, changed(key(7), values("O'Bia", "11", 0.25), values("Ana", "10.5", 0.5), {0, 1, 2}));
    EXPECT_EQ(upd.kind, StatementKind::Update);
    EXPECT_EQ(upd.sql, e.upd);
    EXPECT_EQ(upd.unguarded, e.del_unguarded);
    EXPECT_THAT(upd.set_columns, ElementsAre(0u, 1u, 2u));
    EXPECT_FALSE(upd.partly_fixed);

    // An INSERT has no observed row to hold: it is guarded by the key's absence.
    const GuardedStatement ins = statement(g, missing_in_target(key(7), values("O'Bia", "11.0", 0.25)));
    EXPECT_EQ(ins.kind, StatementKind::Insert);
    EXPECT_EQ(ins.sql, e.ins);
    EXPECT_THAT(ins.unguarded, IsEmpty());
    EXPECT_THAT(ins.set_columns, IsEmpty());
  }
}

TEST(GuardedSql, NullsAreGuardedAsIsNullAndWrittenAsNull) {
  for (Dialect d : kDialects) {
    SCOPED_TRACE(dialect_name(d));
    Table t(d);
    const GuardedSql g(t.ctx);
    std::string target;
    for (int i = 0; i < 4; ++i) canon::put_null(target);
    const GuardedStatement del = statement(g, missing_in_source(key(1), target));
    const std::string q = d == Dialect::SqlServer ? "[" : "\"";
    const std::string e = d == Dialect::SqlServer ? "]" : "\"";
    EXPECT_THAT(del.sql, ::testing::EndsWith(" AND " + q + "nome" + e + " IS NULL AND " + q + "saldo" + e +
                                             " IS NULL AND " + q + "taxa" + e + " IS NULL AND " + q + "criado" + e +
                                             " IS NULL"));
    EXPECT_THAT(del.unguarded, IsEmpty());  // NULL compares exactly whatever the column's class
    const GuardedStatement upd = statement(g, changed(key(1), values(nullptr, "1", 1), values("x", "1", 1), {0}));
    EXPECT_THAT(upd.sql, ::testing::HasSubstr(" SET " + q + "nome" + e + " = NULL WHERE "));
  }
}

TEST(GuardedSql, CompositeKeysAndKeyColumnsThatAreAlsoCompared) {
  for (Dialect d : kDialects) {
    SCOPED_TRACE(dialect_name(d));
    Table t(d);
    const bool pg = d == Dialect::Postgres, mss = d == Dialect::SqlServer;
    // key (filial, id); `id` and `filial` are compared columns too (a job listing them in columns)
    t.job.key = {"filial", "id"};
    t.ctx.target_keys.insert(t.ctx.target_keys.begin(), col("filial", pg ? "text" : mss ? "nvarchar(10)" : "TEXT", TypeClass::Text));
    t.ctx.target_values = {t.ctx.target_keys[1], t.ctx.target_values[0], t.ctx.target_keys[0]};  // id, nome, filial
    const GuardedSql g(t.ctx);
    std::string k;
    canon::put_text(k, "SP");
    canon::put_integer(k, 7);
    auto row = [](std::int64_t id, const char* nome, const char* filial) {
      std::string v;
      canon::put_integer(v, id);
      canon::put_text(v, nome);
      canon::put_text(v, filial);
      return v;
    };
    const std::string table = pg ? R"("public"."contas")" : mss ? "[dbo].[contas]" : R"("contas")";
    const std::string where = pg ? R"("filial" = 'SP' AND "id" = 7)" : mss ? "[filial] = N'SP' AND [id] = 7"
                                                                           : R"("filial" = 'SP' AND "id" = 7)";
    const std::string nome_guard = pg ? R"( AND "nome"::text COLLATE "C" = 'Ana')"
                                   : mss ? " AND [nome] = N'Ana' COLLATE Latin1_General_100_BIN2"
                                         : R"( AND "nome" = 'Ana' COLLATE BINARY)";
    // The key columns are in the WHERE once, never again in the guard.
    EXPECT_EQ(statement(g, missing_in_source(k, row(7, "Ana", "SP"))).sql,
              "DELETE FROM " + table + " WHERE " + where + nome_guard);
    // Every column listed as differing, key columns included: they are never SET (the key is the row).
    const GuardedStatement upd = statement(g, changed(k, row(7, "Bia", "SP"), row(7, "Ana", "SP"), {0, 1, 2}));
    const std::string nome_set = pg || !mss ? R"("nome" = 'Bia')" : "[nome] = N'Bia'";
    EXPECT_EQ(upd.sql, "UPDATE " + table + " SET " + nome_set + " WHERE " + where + nome_guard);
    EXPECT_THAT(upd.set_columns, ElementsAre(1u));
    // A changed row whose only fix columns are key columns has nothing to set.
    EXPECT_EQ(left_out(g, with(changed(k, row(7, "Bia", "SP"), row(7, "Ana", "SP"), {0, 2}), Status::Open, Action::Fix,
                               {0, 2})),
              LeftOut::NothingToFix);
    // INSERT: key columns first, each column once.
    const std::string ins = statement(g, missing_in_target(k, row(7, "Bia", "SP"))).sql;
    if (pg)
      EXPECT_EQ(ins, R"(INSERT INTO "public"."contas" ("filial", "id", "nome") SELECT 'SP', 7, 'Bia' WHERE NOT EXISTS (SELECT 1 FROM "public"."contas" WHERE "filial" = 'SP' AND "id" = 7) ON CONFLICT DO NOTHING)");
    else if (mss)
      EXPECT_EQ(ins, "INSERT INTO [dbo].[contas] ([filial], [id], [nome]) SELECT N'SP', 7, N'Bia' WHERE NOT EXISTS "
                     "(SELECT 1 FROM [dbo].[contas] WITH (UPDLOCK, HOLDLOCK) WHERE [filial] = N'SP' AND [id] = 7)");
    else
      EXPECT_EQ(ins, R"(INSERT INTO "contas" ("filial", "id", "nome") SELECT 'SP', 7, 'Bia' WHERE NOT EXISTS (SELECT 1 FROM "contas" WHERE "filial" = 'SP' AND "id" = 7))");
  }
}

TEST(GuardedSql, OnlyOpenFindingsTheRulesFixGetAStatement) {
  for (Dialect d : kDialects) {
    SCOPED_TRACE(dialect_name(d));
    Table t(d);
    const GuardedSql g(t.ctx);
    const Divergence rows[] = {missing_in_target(key(1), values("a", "1", 1)),
                               missing_in_source(key(2), values("b", "2", 2)),
                               changed(key(3), values("c", "3", 3), values("C", "3", 3), {0})};
    for (const Divergence& base : rows) {
      SCOPED_TRACE(category_name(base.category));
      EXPECT_EQ(left_out(g, with(base, Status::Tolerated, Action::Tolerate, {0})), LeftOut::Tolerated);
      EXPECT_EQ(left_out(g, with(base, Status::InFlight, Action::Fix, {0})), LeftOut::InFlight);
      EXPECT_EQ(left_out(g, with(base, Status::Converged, Action::Fix, {0})), LeftOut::Converged);
      EXPECT_EQ(left_out(g, with(base, Status::Suspended, Action::Fix, {0})), LeftOut::Suspended);
      // Escalated: a person's decision, also when a column's rule says fix.
      EXPECT_EQ(left_out(g, with(base, Status::Open, Action::Escalate, {0})), LeftOut::Escalated);
      EXPECT_EQ(left_out(g, with(base, Status::Open, Action::Fix, {0})), std::nullopt);
    }
    // Missing rows follow the row's action.
    EXPECT_EQ(left_out(g, with(rows[0], Status::Open, Action::Report)), LeftOut::ReportOnly);
    EXPECT_EQ(left_out(g, with(rows[1], Status::Open, Action::Report)), LeftOut::ReportOnly);
    EXPECT_EQ(left_out(g, with(rows[0], Status::Open, Action::Tolerate)), LeftOut::Tolerated);
    // Changed rows follow their fix columns: none -> why by the row's action.
    EXPECT_EQ(left_out(g, with(rows[2], Status::Open, Action::Report, {})), LeftOut::ReportOnly);
    EXPECT_EQ(left_out(g, with(rows[2], Status::Open, Action::Fix, {})), LeftOut::NothingToFix);
    EXPECT_EQ(left_out(g, with(rows[2], Status::Open, Action::Fix, {}, "unmatched")), LeftOut::NothingToFix);
  }
  EXPECT_STREQ(left_out_name(LeftOut::ReportOnly), "report-only");
  EXPECT_STREQ(left_out_name(LeftOut::NothingToFix), "with no column to fix");
  EXPECT_STREQ(left_out_name(LeftOut::Converged), "converged");
  EXPECT_STREQ(statement_kind_name(StatementKind::Insert), "insert");
}

TEST(GuardedSql, PartlyFixedRowsSetOnlyTheirFixColumnsButGuardEveryColumn) {
  Table t(Dialect::Postgres);
  const GuardedSql g(t.ctx);
  // nome and saldo differ; only saldo's rule says fix
  const GuardedStatement s = statement(
      g, with(changed(key(5), values("Eva", "5", 1), values("Eve", "5.5", 1), {0, 1}), Status::Open, Action::Fix, {1}));
  EXPECT_EQ(s.sql, R"(UPDATE "public"."contas" SET "saldo" = 5 WHERE "id" = 5 AND "nome"::text COLLATE "C" = 'Eve' AND "saldo" = 5.5 AND "criado" = '2024-01-05 10:00:00.123'::timestamp)");
  EXPECT_THAT(s.set_columns, ElementsAre(1u));
  EXPECT_TRUE(s.partly_fixed);
  // Every differing column fixed: not partly.
  EXPECT_FALSE(statement(g, with(changed(key(5), values("Eva", "5", 1), values("Eve", "5.5", 1), {0, 1}), Status::Open,
                                 Action::Fix, {0, 1}))
                   .partly_fixed);
  // The engine did not say which columns differ: every column is set, and it is not "partly".
  const GuardedStatement all = statement(g, changed(key(5), values("Eva", "5", 2), values("Eve", "5.5", 1), {}));
  EXPECT_THAT(all.set_columns, ElementsAre(0u, 1u, 2u, 3u));
  EXPECT_FALSE(all.partly_fixed);
}

TEST(GuardedSql, ReadPlansDecideWhatIsGuarded) {
  // With read plans, the target's SelectColumn says how each value was observed.
  Table t(Dialect::Postgres);
  t.ctx.target_values = {col("u", "uuid", TypeClass::Uuid), col("n", "integer", TypeClass::Integer)};
  t.ctx.select_values_target = {sel(t.ctx.target_values[0], TypeClass::Text),
                                sel(t.ctx.target_values[1], TypeClass::Decimal)};
  const GuardedSql g(t.ctx);
  std::string target;
  canon::put_text(target, "123e4567-e89b-12d3-a456-426614174000");
  canon::put_decimal(target, "5");
  const GuardedStatement s = statement(g, missing_in_source(key(1), target));
  // uuid observed as text: left out; integer observed as decimal: exact.
  EXPECT_EQ(s.sql, R"(DELETE FROM "public"."contas" WHERE "id" = 1 AND "n" = '5'::integer)");
  EXPECT_THAT(s.unguarded, ElementsAre(R"("u" (observed as text))"));
}

// ---- undo_for ----------------------------------------------------------------------------------

/// The target row before the repair, every column in its own type, one not compared (obs).
PreImage pre_image(Dialect d, const Table& t) {
  PreImage p;
  p.columns = {t.ctx.target_keys[0]};
  for (const auto& c : t.ctx.target_values) p.columns.push_back(c);
  p.columns.push_back(col("obs", d == Dialect::SqlServer ? "nvarchar(max)" : d == Dialect::Sqlite ? "TEXT" : "text",
                          TypeClass::Text));
  canon::put_integer(p.values, 7);
  p.values += values("Ana", "10.5", 0.5);
  canon::put_text(p.values, "nota");
  return p;
}

TEST(GuardedSql, UndoOfAnUpdateSetsThePreImageBackWhereTheWrittenValuesStillAre) {
  Table t(Dialect::Postgres);
  const GuardedSql g(t.ctx);
  const Divergence d = with(changed(key(7), values("Bia", "11", 0.25), values("Ana", "10.5", 0.5), {0, 1, 2}),
                            Status::Open, Action::Fix, {0, 2});
  const GuardedStatement applied = statement(g, d);
  ASSERT_THAT(applied.set_columns, ElementsAre(0u, 2u));
  const PreImage pre = pre_image(Dialect::Postgres, t);
  const GuardedStatement undo = g.undo_for(applied, d.source_values, &pre);
  EXPECT_EQ(undo.kind, StatementKind::Update);
  EXPECT_EQ(undo.key, key(7));
  // Guarded by what the UPDATE wrote, on the columns it wrote (taxa is a float: unguarded).
  EXPECT_EQ(undo.sql, R"(UPDATE "public"."contas" SET "nome" = 'Ana', "taxa" = 0.5 WHERE "id" = 7 AND "nome"::text COLLATE "C" = 'Bia')");
  EXPECT_THAT(undo.set_columns, ElementsAre(0u, 2u));
  EXPECT_THAT(undo.unguarded, ElementsAre(R"("taxa" (float))"));
}

TEST(GuardedSql, UndoOfADeleteInsertsTheWholePreImage) {
  for (Dialect d : kDialects) {
    SCOPED_TRACE(dialect_name(d));
    Table t(d);
    const GuardedSql g(t.ctx);
    const Divergence div = missing_in_source(key(7), values("Ana", "10.5", 0.5));
    const GuardedStatement applied = statement(g, div);
    const PreImage pre = pre_image(d, t);
    const GuardedStatement undo = g.undo_for(applied, div.source_values, &pre);
    EXPECT_EQ(undo.kind, StatementKind::Insert);
    EXPECT_THAT(undo.unguarded, IsEmpty());
    switch (d) {
      case Dialect::Postgres:
        EXPECT_EQ(undo.sql, R"(INSERT INTO "public"."contas" ("id", "nome", "saldo", "taxa", "criado", "obs") SELECT 7, 'Ana', 10.5, 0.5, '2024-01-05 10:00:00.123'::timestamp, 'nota' WHERE NOT EXISTS (SELECT 1 FROM "public"."contas" WHERE "id" = 7) ON CONFLICT DO NOTHING)");
        break;
      case Dialect::Sqlite:
        EXPECT_EQ(undo.sql, R"(INSERT INTO "contas" ("id", "nome", "saldo", "taxa", "criado", "obs") SELECT 7, 'Ana', '10.5', 0.5, '2024-01-05 10:00:00.123', 'nota' WHERE NOT EXISTS (SELECT 1 FROM "contas" WHERE "id" = 7))");
        break;
      case Dialect::SqlServer:
        EXPECT_EQ(undo.sql, "INSERT INTO [dbo].[contas] ([id], [nome], [saldo], [taxa], [criado], [obs]) SELECT 7, N'Ana', "
                            "10.5, 0.5E0, CAST('2024-01-05T10:00:00.123' AS datetime2(7)), N'nota' WHERE NOT EXISTS "
                            "(SELECT 1 FROM [dbo].[contas] WITH (UPDLOCK, HOLDLOCK) WHERE [id] = 7)");
        break;
    }
  }
}

TEST(GuardedSql, UndoOfAnInsertDeletesTheRowWhileItHoldsTheInsertedValues) {
  Table t(Dialect::Sqlite);
  const GuardedSql g(t.ctx);
  const Divergence d = missing_in_target(key(7), values("Bia", "11", 0.25));
  const GuardedStatement applied = statement(g, d);
  const GuardedStatement undo = g.undo_for(applied, d.source_values, nullptr);
  EXPECT_EQ(undo.kind, StatementKind::Delete);
  EXPECT_EQ(undo.key, key(7));
  EXPECT_EQ(undo.sql, R"(DELETE FROM "contas" WHERE "id" = 7 AND "nome" = 'Bia' COLLATE BINARY AND "saldo" = '11')");
  EXPECT_THAT(undo.unguarded, ElementsAre(R"("taxa" (float))", R"("criado" (timestamp stored as text))"));
}

// ---- lock_rows, file_line, scripts -----------------------------------------------------------------

TEST(GuardedSql, LockRows) {
  const std::vector<std::string> keys = {key(1), key(2), key(3)};
  {
    Table t(Dialect::Postgres);
    const GuardedSql g(t.ctx);
    EXPECT_THAT(g.lock_rows(keys), ElementsAre(R"(SELECT 1 FROM "public"."contas" WHERE "id" IN (1, 2, 3) FOR UPDATE)"));
    EXPECT_THAT(g.lock_rows(keys, 2), ElementsAre(R"(SELECT 1 FROM "public"."contas" WHERE "id" IN (1, 2) FOR UPDATE)",
                                                  R"(SELECT 1 FROM "public"."contas" WHERE "id" IN (3) FOR UPDATE)"));
    EXPECT_THAT(g.lock_rows(keys, 3), ::testing::SizeIs(1));
    EXPECT_THAT(g.lock_rows({}), IsEmpty());
  }
  {
    Table t(Dialect::SqlServer);
    const GuardedSql g(t.ctx);
    EXPECT_THAT(g.lock_rows(keys, 2), ElementsAre("SELECT 1 FROM [dbo].[contas] WITH (UPDLOCK, HOLDLOCK) WHERE [id] IN (1, 2)",
                                                  "SELECT 1 FROM [dbo].[contas] WITH (UPDLOCK, HOLDLOCK) WHERE [id] IN (3)"));
  }
  {
    Table t(Dialect::Sqlite);  // the write transaction already holds the database's write lock
    EXPECT_THAT(GuardedSql(t.ctx).lock_rows(keys), IsEmpty());
  }
  // Composite keys: an OR of key equalities.
  for (Dialect d : {Dialect::Postgres, Dialect::SqlServer}) {
    Table t(d);
    t.ctx.target_keys.push_back(col("filial", d == Dialect::Postgres ? "text" : "nvarchar(10)", TypeClass::Text));
    const GuardedSql g(t.ctx);
    std::vector<std::string> composite(3);
    const char* filiais[] = {"SP", "R'J", "MG"};
    for (int i = 0; i < 3; ++i) {
      canon::put_integer(composite[i], i + 1);
      canon::put_text(composite[i], filiais[i]);
    }
    if (d == Dialect::Postgres)
      EXPECT_THAT(g.lock_rows(composite, 2),
                  ElementsAre(R"(SELECT 1 FROM "public"."contas" WHERE ("id" = 1 AND "filial" = 'SP') OR ("id" = 2 AND "filial" = 'R''J') FOR UPDATE)",
                              R"(SELECT 1 FROM "public"."contas" WHERE ("id" = 3 AND "filial" = 'MG') FOR UPDATE)"));
    else
      EXPECT_THAT(g.lock_rows(composite),
                  ElementsAre("SELECT 1 FROM [dbo].[contas] WITH (UPDLOCK, HOLDLOCK) WHERE ([id] = 1 AND [filial] = N'SP') "
                              "OR ([id] = 2 AND [filial] = N'R''J') OR ([id] = 3 AND [filial] = N'MG')"));
  }
}

TEST(GuardedSql, FileLineMarksUnguardedColumns) {
  GuardedStatement s;
  s.sql = "DELETE FROM t WHERE k = 1";
  EXPECT_EQ(s.file_line(), "DELETE FROM t WHERE k = 1;\n");
  s.unguarded = {R"("taxa" (float))", R"("extra" (json))"};
  EXPECT_EQ(s.file_line(), R"(DELETE FROM t WHERE k = 1; -- unguarded: "taxa" (float), "extra" (json))"
                           "\n");
  // As statement_for makes it:
  Table t(Dialect::Postgres);
  const GuardedStatement del = statement(GuardedSql(t.ctx), missing_in_source(key(7), values("Ana", "10.5", 0.5)));
  EXPECT_THAT(del.file_line(), ::testing::EndsWith("::timestamp; -- unguarded: \"taxa\" (float)\n"));
}

TEST(GuardedSql, ScriptsAndSessions) {
  Table pg(Dialect::Postgres), lite(Dialect::Sqlite), mss(Dialect::SqlServer);
  EXPECT_EQ(GuardedSql(pg.ctx).script_begin(), "BEGIN;\nSET LOCAL standard_conforming_strings = on;\n");
  EXPECT_EQ(GuardedSql(pg.ctx).script_end(), "COMMIT;\n");
  EXPECT_THAT(GuardedSql(pg.ctx).session_setup(), ElementsAre("SET LOCAL standard_conforming_strings = on"));
  EXPECT_EQ(GuardedSql(lite.ctx).script_begin(), "BEGIN;\n");
  EXPECT_EQ(GuardedSql(lite.ctx).script_end(), "COMMIT;\n");
  EXPECT_THAT(GuardedSql(lite.ctx).session_setup(), IsEmpty());
  EXPECT_EQ(GuardedSql(mss.ctx).script_begin(), "SET XACT_ABORT ON;\nBEGIN TRANSACTION;\n");
  EXPECT_EQ(GuardedSql(mss.ctx).script_end(), "COMMIT TRANSACTION;\n");
  EXPECT_THAT(GuardedSql(mss.ctx).session_setup(), ElementsAre("SET XACT_ABORT ON"));
  EXPECT_EQ(GuardedSql(mss.ctx).table_sql(), "[dbo].[contas]");
}

// ---- on real engines: a guard holds while the row is as recon saw it, and only then ---------------

/// One table of every guardable class and two unguardable ones (float, json / dates, uuids).
struct LiveTable {
  TableJob job;
  TableContext ctx;
  std::string observed;   ///< the row with id 1 as the target holds it (canonical, compared columns)
  std::string repaired;   ///< what the source says it should be
  LiveTable(const LiveTable&) = delete;
  explicit LiveTable(Dialect d, TableRef ref) {
    job.name = ref.name;
    job.target = std::move(ref);
    job.key = {"id"};
    ctx.job = &job;
    ctx.name = job.name;
    ctx.target_dialect = d;
  }
  GuardedStatement make(const Divergence& div) const { return statement(GuardedSql(ctx), div); }
};

const unsigned char kOtherUuid[16] = {0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8,
                                      0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11};

class PgConn {
 public:
  PgConn() : c_(PQconnectdb("")) {}
  ~PgConn() { PQfinish(c_); }
  bool ok() const { return PQstatus(c_) == CONNECTION_OK; }
  std::string error() const { return PQerrorMessage(c_); }
  /// Runs one statement; returns the rows it touched (-1 on error, with a test failure).
  int exec(const std::string& sql) {
    PGresult* r = PQexec(c_, sql.c_str());
    const auto st = PQresultStatus(r);
    int n = -1;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) n = *PQcmdTuples(r) ? std::atoi(PQcmdTuples(r)) : 0;
    else ADD_FAILURE() << PQerrorMessage(c_) << "\n" << sql;
    PQclear(r);
    return n;
  }
  std::string one(const std::string& sql) {
    PGresult* r = PQexec(c_, sql.c_str());
    std::string out = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "<error>";
    if (out == "<error>") ADD_FAILURE() << PQerrorMessage(c_) << "\n" << sql;
    PQclear(r);
    return out;
  }

 private:
  PGconn* c_;
};

TEST(GuardedSqlPostgres, GuardsHoldOnlyWhileTheRowIsAsObserved) {
  if (!std::getenv("PGHOST")) GTEST_SKIP() << "PGHOST unset: run under pg_virtualenv";
  PgConn pg;
  ASSERT_TRUE(pg.ok()) << pg.error();
  LiveTable t(Dialect::Postgres, TableRef{"public", "h3_guarded_sql"});
  t.ctx.target_keys = {col("id", "integer", TypeClass::Integer)};
  t.ctx.target_values = {col("t", "text", TypeClass::Text),
                         col("n", "numeric(12,2)", TypeClass::Decimal),
                         col("ts", "timestamp without time zone", TypeClass::Timestamp, 6),
                         col("b", "boolean", TypeClass::Boolean),
                         col("by", "bytea", TypeClass::Bytes),
                         col("u", "uuid", TypeClass::Uuid),
                         col("f", "double precision", TypeClass::Float),
                         col("j", "jsonb", TypeClass::Json)};
  const std::int64_t ts = std::int64_t{canon::days_from_civil(2024, 1, 5)} * kMicrosPerDay + 36000LL * kMicrosPerSecond + 123456;
  canon::put_text(t.observed, "O'Brien \\ é");
  canon::put_decimal(t.observed, "12.34");
  canon::put_timestamp(t.observed, ts);
  canon::put_bool(t.observed, true);
  canon::put_bytes(t.observed, std::string("\x00\xff", 2));
  canon::put_uuid(t.observed, kUuid);
  canon::put_float(t.observed, 0.5);
  canon::put_json(t.observed, R"({"a": [1, 2]})");
  canon::put_text(t.repaired, "Novo");
  canon::put_decimal(t.repaired, "1");
  canon::put_timestamp(t.repaired, ts + kMicrosPerDay);
  canon::put_bool(t.repaired, false);
  canon::put_bytes(t.repaired, "\x01");
  canon::put_uuid(t.repaired, kOtherUuid);
  canon::put_float(t.repaired, 1.5);
  canon::put_json(t.repaired, R"({"b": null})");

  const std::vector<std::uint32_t> all = {0, 1, 2, 3, 4, 5, 6, 7};
  const GuardedStatement upd = t.make(changed(key(1), t.repaired, t.observed, all));
  const GuardedStatement del = t.make(missing_in_source(key(1), t.observed));
  const GuardedStatement ins_new = t.make(missing_in_target(key(2), t.repaired));
  const GuardedStatement ins_existing = t.make(missing_in_target(key(1), t.repaired));
  EXPECT_THAT(upd.unguarded, ElementsAre(R"("f" (float))", R"("j" (json))"));
  EXPECT_THAT(del.unguarded, ElementsAre(R"("f" (float))", R"("j" (json))"));

  auto reset = [&] {
    pg.exec("DROP TABLE IF EXISTS public.h3_guarded_sql");
    pg.exec("CREATE TABLE public.h3_guarded_sql (id integer PRIMARY KEY, t text, n numeric(12,2), ts timestamp, "
            "b boolean, by bytea, u uuid, f float8, j jsonb)");
    pg.exec("INSERT INTO public.h3_guarded_sql VALUES (1, 'O''Brien \\ é', 12.34, '2024-01-05 10:00:00.123456', true, "
            "'\\x00ff', '123e4567-e89b-12d3-a456-426614174000', 0.5, '{\"a\": [1, 2]}')");
  };
  auto change = [&](const std::string& set) { EXPECT_EQ(pg.exec("UPDATE public.h3_guarded_sql SET " + set), 1) << set; };

  // Observed values equal to the table's content: each statement touches its one row.
  reset();
  EXPECT_EQ(pg.exec(upd.sql), 1) << upd.sql;
  EXPECT_EQ(pg.one("SELECT concat_ws('|', t, n, ts, b, by, u, f, j) FROM public.h3_guarded_sql WHERE id = 1"),
            "Novo|1.00|2024-01-06 10:00:00.123456|f|\\x01|a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11|1.5|{\"b\": null}");
  reset();
  EXPECT_EQ(pg.exec(del.sql), 1) << del.sql;
  EXPECT_EQ(pg.one("SELECT count(*) FROM public.h3_guarded_sql"), "0");
  reset();
  EXPECT_EQ(pg.exec(ins_new.sql), 1) << ins_new.sql;
  EXPECT_EQ(pg.one("SELECT concat_ws('|', t, n, b, f, j) FROM public.h3_guarded_sql WHERE id = 2"),
            "Novo|1.00|f|1.5|{\"b\": null}");
  // An INSERT of a key that exists touches nothing (and does not fail).
  EXPECT_EQ(pg.exec(ins_existing.sql), 0) << ins_existing.sql;
  EXPECT_EQ(pg.one("SELECT t FROM public.h3_guarded_sql WHERE id = 1"), "O'Brien \\ é");

  // A guarded column changed behind recon's back: UPDATE and DELETE touch nothing.
  const std::vector<std::string> guarded_changes = {
      "t = 'O''BRIEN \\ é'",   // letter case only
      "t = t || ' '",          // a trailing space only
      "t = NULL",
      "n = 12.35",
      "ts = ts + interval '1 microsecond'",
      "b = false",
      "by = '\\x00fe'",
      "u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"};
  for (const auto& set : guarded_changes) {
    SCOPED_TRACE(set);
    reset();
    change(set);
    EXPECT_EQ(pg.exec(upd.sql), 0);
    EXPECT_EQ(pg.exec(del.sql), 0);
    EXPECT_EQ(pg.one("SELECT count(*) FROM public.h3_guarded_sql WHERE t IS DISTINCT FROM 'Novo'"), "1");
  }
  // numeric 12.340 is 12.34: a change of spelling only is no change.
  reset();
  change("n = 12.340");
  EXPECT_EQ(pg.exec(del.sql), 1);

  // Unguarded columns (marked in the file): a change to only them is NOT seen.
  for (const std::string set : {"f = 0.75", "j = '{\"a\": [2]}'"}) {
    SCOPED_TRACE(set);
    reset();
    change(set);
    EXPECT_EQ(pg.exec(upd.sql), 1);
    reset();
    change(set);
    EXPECT_EQ(pg.exec(del.sql), 1);
  }
  pg.exec("DROP TABLE public.h3_guarded_sql");
}

// Known gap (see the report of this change): on a column with a nondeterministic collation,
// "col"::text keeps the column's collation, so a change of letter case only still satisfies the
// guard. Enable once the text guard is "col"::text COLLATE "C" = '…'.
TEST(GuardedSqlPostgres, TextGuardIsBytewiseUnderANondeterministicCollation) {
  if (!std::getenv("PGHOST")) GTEST_SKIP() << "PGHOST unset: run under pg_virtualenv";
  PgConn pg;
  ASSERT_TRUE(pg.ok()) << pg.error();
  LiveTable t(Dialect::Postgres, TableRef{"public", "h3_guarded_ci"});
  t.ctx.target_keys = {col("id", "integer", TypeClass::Integer)};
  t.ctx.target_values = {col("t", "text", TypeClass::Text)};
  canon::put_text(t.observed, "Caio");
  pg.exec("DROP TABLE IF EXISTS public.h3_guarded_ci");
  pg.exec("DROP COLLATION IF EXISTS h3_ci");
  pg.exec("CREATE COLLATION h3_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");
  pg.exec("CREATE TABLE public.h3_guarded_ci (id integer PRIMARY KEY, t text COLLATE h3_ci)");
  pg.exec("INSERT INTO public.h3_guarded_ci VALUES (1, 'CAIO')");  // changed behind recon's back
  EXPECT_EQ(pg.exec(t.make(missing_in_source(key(1), t.observed)).sql), 0);
  pg.exec("DROP TABLE public.h3_guarded_ci");
  pg.exec("DROP COLLATION h3_ci");
}

TEST(GuardedSqlSqlite, GuardsHoldOnlyWhileTheRowIsAsObserved) {
  LiveTable t(Dialect::Sqlite, TableRef{"", "g"});
  auto dyn = [](const char* name, const char* type, TypeClass cls) {
    ColumnInfo c = col(name, type, cls);
    c.dynamic = true;
    return c;
  };
  t.ctx.target_keys = {dyn("id", "INTEGER", TypeClass::Integer)};
  t.ctx.target_values = {dyn("t", "TEXT", TypeClass::Text),         dyn("n", "NUMERIC", TypeClass::Decimal),
                         dyn("i", "INTEGER", TypeClass::Integer),   dyn("b", "BOOLEAN", TypeClass::Boolean),
                         dyn("by", "BLOB", TypeClass::Bytes),       dyn("f", "REAL", TypeClass::Float),
                         dyn("ts", "TIMESTAMP", TypeClass::Timestamp), dyn("u", "UUID", TypeClass::Uuid)};
  canon::put_text(t.observed, "O'Brien");
  canon::put_decimal(t.observed, "12.34");
  canon::put_integer(t.observed, 42);
  canon::put_bool(t.observed, true);
  canon::put_bytes(t.observed, std::string("\x00\xff", 2));
  canon::put_float(t.observed, 0.5);
  canon::put_timestamp(t.observed, ts_us());
  canon::put_uuid(t.observed, kUuid);
  canon::put_text(t.repaired, "Novo");
  canon::put_decimal(t.repaired, "1.5");
  canon::put_integer(t.repaired, 7);
  canon::put_bool(t.repaired, false);
  canon::put_bytes(t.repaired, "\x01");
  canon::put_float(t.repaired, 1.5);
  canon::put_timestamp(t.repaired, ts_us() + kMicrosPerDay);
  canon::put_uuid(t.repaired, kOtherUuid);

  const GuardedStatement upd = t.make(changed(key(1), t.repaired, t.observed, {0, 1, 2, 3, 4, 5, 6, 7}));
  const GuardedStatement del = t.make(missing_in_source(key(1), t.observed));
  const GuardedStatement ins_new = t.make(missing_in_target(key(2), t.repaired));
  const GuardedStatement ins_existing = t.make(missing_in_target(key(1), t.repaired));
  EXPECT_THAT(del.unguarded,
              ElementsAre(R"("f" (float))", R"("ts" (timestamp stored as text))", R"("u" (uuid stored as text))"));

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> owner(db, &sqlite3_close);
  auto exec = [&](const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "") << "\n" << sql;
    sqlite3_free(err);
    return rc == SQLITE_OK ? sqlite3_changes(db) : -1;
  };
  auto one = [&](const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    std::string out = "<error>";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      out = sqlite3_column_text(s, 0) ? reinterpret_cast<const char*>(sqlite3_column_text(s, 0)) : "<null>";
    sqlite3_finalize(s);
    return out;
  };
  auto reset = [&] {
    exec("DROP TABLE IF EXISTS g");
    // t is NOCASE: the guard must still compare bytes
    exec("CREATE TABLE g (id INTEGER PRIMARY KEY, t TEXT COLLATE NOCASE, n NUMERIC, i INTEGER, b BOOLEAN, by BLOB, "
         "f REAL, ts TIMESTAMP, u UUID)");
    exec("INSERT INTO g VALUES (1, 'O''Brien', 12.34, 42, 1, X'00ff', 0.5, '2024-01-05 10:00:00.123', "
         "'123e4567-e89b-12d3-a456-426614174000')");
  };
  auto change = [&](const std::string& set) { EXPECT_EQ(exec("UPDATE g SET " + set), 1) << set; };

  reset();
  EXPECT_EQ(exec(upd.sql), 1) << upd.sql;
  EXPECT_EQ(one("SELECT t || '|' || n || '|' || i || '|' || b || '|' || hex(by) || '|' || f || '|' || ts || '|' || u "
                "FROM g WHERE id = 1"),
            "Novo|1.5|7|0|01|1.5|2024-01-06 10:00:00.123|a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  reset();
  EXPECT_EQ(exec(del.sql), 1) << del.sql;
  reset();
  EXPECT_EQ(exec(ins_new.sql), 1) << ins_new.sql;
  EXPECT_EQ(one("SELECT t FROM g WHERE id = 2"), "Novo");
  EXPECT_EQ(exec(ins_existing.sql), 0) << ins_existing.sql;
  EXPECT_EQ(one("SELECT t FROM g WHERE id = 1"), "O'Brien");

  const std::vector<std::string> guarded_changes = {"t = 'O''BRIEN'", "t = 'O''Brien '", "t = NULL", "n = 12.35",
                                                    "i = 43",         "b = 0",            "by = X'00fe'"};
  for (const auto& set : guarded_changes) {
    SCOPED_TRACE(set);
    reset();
    change(set);
    EXPECT_EQ(exec(upd.sql), 0);
    EXPECT_EQ(exec(del.sql), 0);
    EXPECT_EQ(one("SELECT count(*) FROM g"), "1");
  }
  // Unguarded (float; dates and uuids, which SQLite keeps as text in any spelling): not seen.
  for (const std::string set : {"f = 0.75", "ts = '2024-01-05 11:00:00'", "u = upper(u)"}) {
    SCOPED_TRACE(set);
    reset();
    change(set);
    EXPECT_EQ(exec(upd.sql), 1);
    reset();
    change(set);
    EXPECT_EQ(exec(del.sql), 1);
  }
}

}  // namespace
}  // namespace recon::repair

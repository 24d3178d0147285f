// SQLite connector: opening, describe(), declared-type classes, unique keys, input errors.
#include <gtest/gtest.h>

#include <fstream>

#include "sqlite_test_support.hpp"

namespace recon {
namespace {

using sqlite_test::TempDb;

const ColumnInfo& col(const TableInfo& t, const std::string& name) {
  for (const auto& c : t.columns)
    if (c.name == name) return c;
  throw std::runtime_error("no column " + name);
}

TEST(SqliteOpen, MissingFileIsALoginErrorNamingThePathAndTheSetting) {
  Endpoint ep;
  ep.kind = EngineKind::Sqlite;
  ep.url = "/nonexistent/dir/recon_missing.db";
  try {
    make_sqlite_connector(ep, Side::Source);
    FAIL() << "expected ConnectorError";
  } catch (const ConnectorError& e) {
    EXPECT_TRUE(e.login());
    EXPECT_TRUE(e.poisoned());
    EXPECT_EQ(e.side(), Side::Source);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/recon_missing.db"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("[source].url"), std::string::npos);
  }
}

TEST(SqliteOpen, MissingFileViaUriIsALoginError) {
  Endpoint ep;
  ep.kind = EngineKind::Sqlite;
  ep.url = "file:/nonexistent/dir/recon_missing.db?mode=ro";
  EXPECT_THROW(make_sqlite_connector(ep, Side::Target), ConnectorError);
}

TEST(SqliteOpen, AFileThatIsNotADatabaseIsALoginError) {
  const auto path = std::filesystem::temp_directory_path() / "recon_sqlite_not_a_db.db";
  { std::ofstream(path) << "this is a text file, not a SQLite database, padded to be long enough....\n"; }
  Endpoint ep;
  ep.kind = EngineKind::Sqlite;
  ep.url = path.string();
  try {
    make_sqlite_connector(ep, Side::Target);
    FAIL() << "expected ConnectorError";
  } catch (const ConnectorError& e) {
    EXPECT_TRUE(e.login());
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos);
  }
  std::filesystem::remove(path);
}

TEST(SqliteOpen, ConnectionIsReadOnlyAndEndpointNamesTheFile) {
  TempDb db("ro");
  db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY)");
  auto c = db.open();
  EXPECT_EQ(c->endpoint(), "sqlite " + db.path().string());
  // The file URI form works too.
  Endpoint ep;
  ep.kind = EngineKind::Sqlite;
  ep.url = "file:" + db.path().string();
  EXPECT_NO_THROW(make_sqlite_connector(ep, Side::Source));
}

TEST(SqliteDescribe, MissingTableIsAnInputErrorNamingIt) {
  TempDb db("missing_table");
  db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY)");
  auto c = db.open(Side::Target);
  try {
    c->describe(TableRef{"", "nope"});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("target"), std::string::npos);
  }
  EXPECT_THROW(c->describe(TableRef{"other", "t"}), InputError);  // schema not attached
  EXPECT_NO_THROW(c->describe(TableRef{"main", "t"}));
}

TEST(SqliteDescribe, DeclaredTypesMapToClasses) {
  TempDb db("types");
  db.exec(R"(CREATE TABLE t(
      i INTEGER, bi BIGINT, ti tinyint,
      d DECIMAL(15,2), n NUMERIC(10), nn NUMERIC, money_ MONEY,
      r REAL, f FLOAT, dp DOUBLE PRECISION, f4 FLOAT4,
      b BOOLEAN, bo BOOL,
      dt DATE, tm TIME, tm3 TIME(3), dtt DATETIME, ts TIMESTAMP, ts6 TIMESTAMP(6),
      tsz TIMESTAMPTZ, tswtz "TIMESTAMP WITH TIME ZONE", tswo TIMESTAMP WITHOUT TIME ZONE,
      u UUID, g GUID, ui UNIQUEIDENTIFIER,
      c CHAR(10), nc NCHAR(4), vc VARCHAR(20), nvc NVARCHAR(20), cvar CHARACTER VARYING(5),
      tx TEXT, cl CLOB,
      bl BLOB, bin BINARY(16), vb VARBINARY(8),
      none_,
      j JSON, jb JSONB,
      weird FOOBAR, st STRING, iv INTERVAL, ttz TIME WITH TIME ZONE
  ))");
  auto info = db.open()->describe(TableRef{"", "t"});
  const std::vector<std::pair<std::string, std::optional<TypeClass>>> expect = {
      {"i", TypeClass::Integer},      {"bi", TypeClass::Integer},   {"ti", TypeClass::Integer},
      {"d", TypeClass::Decimal},      {"n", TypeClass::Decimal},    {"nn", TypeClass::Decimal},
      {"money_", TypeClass::Decimal}, {"r", TypeClass::Float},      {"f", TypeClass::Float},
      {"dp", TypeClass::Float},       {"f4", TypeClass::Float},     {"b", TypeClass::Boolean},
      {"bo", TypeClass::Boolean},     {"dt", TypeClass::Date},      {"tm", TypeClass::Time},
      {"tm3", TypeClass::Time},       {"dtt", TypeClass::Timestamp}, {"ts", TypeClass::Timestamp},
      {"ts6", TypeClass::Timestamp},  {"tsz", TypeClass::TimestampTz},
      {"tswtz", TypeClass::TimestampTz}, {"tswo", TypeClass::Timestamp},
      {"u", TypeClass::Uuid},         {"g", TypeClass::Uuid},       {"ui", TypeClass::Uuid},
      {"c", TypeClass::Text},         {"nc", TypeClass::Text},      {"vc", TypeClass::Text},
      {"nvc", TypeClass::Text},       {"cvar", TypeClass::Text},    {"tx", TypeClass::Text},
      {"cl", TypeClass::Text},        {"bl", TypeClass::Bytes},     {"bin", TypeClass::Bytes},
      {"vb", TypeClass::Bytes},       {"none_", TypeClass::Text},   {"j", TypeClass::Json},
      {"jb", TypeClass::Json},        {"weird", TypeClass::Decimal}, {"st", TypeClass::Text},
      {"iv", std::nullopt},           {"ttz", std::nullopt},
  };
  ASSERT_EQ(info.columns.size(), expect.size());
  for (const auto& [name, cls] : expect) {
    SCOPED_TRACE(name);
    EXPECT_EQ(col(info, name).type_class, cls);
    EXPECT_TRUE(col(info, name).dynamic);
  }
  EXPECT_EQ(col(info, "d").precision, 15);
  EXPECT_EQ(col(info, "d").scale, 2);
  EXPECT_EQ(col(info, "n").precision, 10);
  EXPECT_EQ(col(info, "n").scale, 0);
  EXPECT_EQ(col(info, "nn").precision, -1);
  EXPECT_EQ(col(info, "ts6").precision, 6);
  EXPECT_EQ(col(info, "d").type_name, "DECIMAL(15,2)");
  EXPECT_TRUE(col(info, "c").padded_char);
  EXPECT_TRUE(col(info, "nc").padded_char);
  EXPECT_FALSE(col(info, "vc").padded_char);
  EXPECT_FALSE(col(info, "cvar").padded_char);
  EXPECT_TRUE(col(info, "f4").single_float);
  EXPECT_FALSE(col(info, "r").single_float);  // SQLite's REAL is a double
}

TEST(SqliteDescribe, UniqueKeysPrimaryKeyFirstThenPlainUniqueIndexes) {
  TempDb db("unique");
  db.exec(R"(
    CREATE TABLE t(a TEXT NOT NULL, b INTEGER, c TEXT, d TEXT, e INT, f INT,
                   PRIMARY KEY (b, a), UNIQUE (c));
    CREATE UNIQUE INDEX t_de ON t(d, e);
    CREATE UNIQUE INDEX t_partial ON t(f) WHERE f > 0;
    CREATE UNIQUE INDEX t_expr ON t(lower(c));
    CREATE INDEX t_plain ON t(e);
  )");
  auto info = db.open()->describe(TableRef{"", "t"});
  ASSERT_GE(info.unique_keys.size(), 1u);
  EXPECT_EQ(info.unique_keys[0], (std::vector<std::string>{"b", "a"}));  // pk order, not column order
  std::vector<std::vector<std::string>> rest(info.unique_keys.begin() + 1, info.unique_keys.end());
  std::sort(rest.begin(), rest.end());
  EXPECT_EQ(rest, (std::vector<std::vector<std::string>>{{"c"}, {"d", "e"}}));
  EXPECT_FALSE(col(info, "a").nullable);
  EXPECT_TRUE(col(info, "c").nullable);
}

TEST(SqliteDescribe, RowidAliasIsTheKeyAndNotNullable) {
  TempDb db("rowid");
  db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, x TEXT); CREATE TABLE n(x TEXT)");
  auto c = db.open();
  auto info = c->describe(TableRef{"", "t"});
  ASSERT_EQ(info.unique_keys.size(), 1u);
  EXPECT_EQ(info.unique_keys[0], std::vector<std::string>{"id"});
  EXPECT_FALSE(col(info, "id").nullable);
  EXPECT_TRUE(c->describe(TableRef{"", "n"}).unique_keys.empty());
}

TEST(SqliteDescribe, GeneratedColumnsAreListedAndQuotedNamesWork) {
  TempDb db("generated");
  db.exec(R"(CREATE TABLE "odd ""name"""(id INTEGER PRIMARY KEY, "a b" TEXT,
              g TEXT GENERATED ALWAYS AS (upper("a b")) VIRTUAL))");
  auto info = db.open()->describe(TableRef{"", "odd \"name\""});
  ASSERT_EQ(info.columns.size(), 3u);
  EXPECT_EQ(info.columns[1].name, "a b");
  EXPECT_EQ(info.columns[2].name, "g");
}

}  // namespace
}  // namespace recon

// SQL text and connection strings of the postgres connector (no server needed).
#include <gtest/gtest.h>

#include "../../src/connector/postgres/pg_connection.hpp"
#include "../../src/connector/postgres/pg_query.hpp"
#include "../../src/connector/postgres/pg_types.hpp"

namespace recon::pg {
namespace {

SelectColumn column(const std::string& name, std::uint32_t type_oid, TypeClass cls) {
  SelectColumn c;
  c.native.name = name;
  c.native.type_oid = type_oid;
  c.native.type_class = cls;
  c.native.type_name = cls == TypeClass::Text ? "text" : "integer";
  c.compare_as = cls;
  return c;
}

std::string key_enc(const std::string& text, std::int64_t n) {
  std::string k;
  canon::put_text(k, text);
  canon::put_integer(k, n);
  return k;
}

TEST(PostgresQuery, RangeWithCompositeTextKeyUsesRowComparisonAndCCollation) {
  RangeQuery q;
  q.table = TableRef{"public", "Orders"};
  q.keys = {column("region", oid::kText, TypeClass::Text), column("id", oid::kInt4, TypeClass::Integer)};
  q.values = {column("amount", oid::kInt4, TypeClass::Integer)};
  q.lower = key_enc("a'b", 5);
  q.upper = key_enc("z", 0);
  q.where = "amount > 0 OR amount IS NULL";
  EXPECT_EQ(range_select(q),
            "SELECT \"region\", \"id\", \"amount\" FROM \"public\".\"Orders\""
            " WHERE (\"region\" COLLATE \"C\", \"id\") >= ('a''b', 5)"
            " AND (\"region\" COLLATE \"C\", \"id\") < ('z', 0)"
            " AND (amount > 0 OR amount IS NULL)"
            " ORDER BY \"region\" COLLATE \"C\", \"id\"");
}

TEST(PostgresQuery, OpenRangeSingleKey) {
  RangeQuery q;
  q.table = TableRef{"", "t"};
  q.keys = {column("id", oid::kInt8, TypeClass::Integer)};
  EXPECT_EQ(copy_binary(range_select(q)),
            "COPY (SELECT \"id\" FROM \"t\" ORDER BY \"id\") TO STDOUT (FORMAT binary)");
  std::string upper;
  canon::put_integer(upper, 100);
  q.upper = upper;
  EXPECT_EQ(range_where(q), " WHERE \"id\" < 100");
}

TEST(PostgresQuery, SpansAreOneOrOfKeyRanges) {
  RangeQuery q;
  q.table = TableRef{"", "t"};
  q.keys = {column("id", oid::kInt8, TypeClass::Integer)};
  auto key = [](std::int64_t n) {
    std::string k;
    canon::put_integer(k, n);
    return k;
  };
  q.spans = {KeySpan{std::nullopt, key(10)}, KeySpan{key(20), key(30)}, KeySpan{key(90), std::nullopt}};
  q.where = "x > 0";
  EXPECT_EQ(range_where(q), " WHERE ((\"id\" < 10) OR (\"id\" >= 20 AND \"id\" < 30) OR (\"id\" >= 90))"
                            " AND (x > 0)");
}

TEST(PostgresQuery, KeyDigestsAreOneIndexRangePerBucket) {
  RangeQuery q;
  q.table = TableRef{"s", "t"};
  q.keys = {column("id", oid::kInt4, TypeClass::Integer)};
  q.where = "x > 0";
  EXPECT_EQ(key_digest_select(q, KeyBuckets{-10, 25, 10}),
            "SELECT d.n, d.h FROM generate_series(0::int8, 3::int8) AS b(i) CROSS JOIN LATERAL (SELECT count(*) AS n, "
            "coalesce(bit_xor(hashint8extended(\"id\"::int8, 0)), 0) AS h FROM \"s\".\"t\" WHERE \"id\" >= -10::int8 + "
            "b.i * 10::int8 AND \"id\" < least(-10::int8 + (b.i + 1) * 10::int8, 25::int8) AND (x > 0)) AS d ORDER BY b.i");
}

TEST(PostgresQuery, OtherTextLikeTypesCompareAsText) {
  SelectColumn c = column("email", 91234, TypeClass::Text);  // e.g. citext
  EXPECT_EQ(key_expr(c), "(\"email\"::text) COLLATE \"C\"");
  EXPECT_EQ(key_expr(column("u", oid::kUuid, TypeClass::Uuid)), "\"u\"");
}

TEST(PostgresQuery, KeysSelectChunk) {
  RangeQuery q;
  q.table = TableRef{"s", "t"};
  q.keys = {column("region", oid::kText, TypeClass::Text), column("id", oid::kInt4, TypeClass::Integer)};
  const std::vector<std::string> keys{key_enc("a", 1), key_enc("b", 2), key_enc("c", 3)};
  EXPECT_EQ(keys_select(q, keys, 1, 3),
            "SELECT \"region\", \"id\" FROM \"s\".\"t\" WHERE (\"region\", \"id\") IN (('b', 2), ('c', 3))"
            " ORDER BY \"region\" COLLATE \"C\", \"id\"");
}

TEST(PostgresQuery, SampleSelect) {
  RangeQuery q;
  q.table = TableRef{"s", "t"};
  q.keys = {column("id", oid::kInt4, TypeClass::Integer)};
  q.where = "x = 1";
  EXPECT_EQ(keys_only_select(q, "SYSTEM", 0.5),
            "SELECT \"id\" FROM \"s\".\"t\" TABLESAMPLE SYSTEM (0.500000) REPEATABLE (0) WHERE (x = 1)");
  EXPECT_EQ(keys_only_select(q, "", 0), "SELECT \"id\" FROM \"s\".\"t\" WHERE (x = 1)");
  // Thinned on the server by a hash of the whole key (a composite key as one ROW).
  EXPECT_EQ(keys_only_select(q, "SYSTEM", 0.5, 9),
            "SELECT \"id\" FROM \"s\".\"t\" TABLESAMPLE SYSTEM (0.500000) REPEATABLE (0) WHERE (x = 1) AND "
            "hashtext((\"id\")::text) % 9 = 0");
  q.where.clear();
  q.keys.push_back(column("region", oid::kText, TypeClass::Text));
  EXPECT_EQ(keys_only_select(q, "SYSTEM", 1, 4),
            "SELECT \"id\", \"region\" FROM \"s\".\"t\" TABLESAMPLE SYSTEM (1.000000) REPEATABLE (0) WHERE "
            "hashtext((ROW(\"id\", \"region\"))::text) % 4 = 0");
}

TEST(PostgresConninfo, UriWithPasswordFromEnvironment) {
  Endpoint ep;
  ep.kind = EngineKind::Postgres;
  ep.url = "postgresql://recon:inurl@db.example:6543/src?sslmode=disable";
  ep.password = "it's \\ secret";
  ep.login_timeout_s = 7;
  const std::string ci = build_conninfo(ep, Side::Source);
  EXPECT_NE(ci.find("host='db.example'"), std::string::npos) << ci;
  EXPECT_NE(ci.find("port='6543'"), std::string::npos) << ci;
  EXPECT_NE(ci.find("dbname='src'"), std::string::npos) << ci;
  EXPECT_NE(ci.find("sslmode='disable'"), std::string::npos) << ci;
  EXPECT_NE(ci.find("password='it\\'s \\\\ secret'"), std::string::npos) << ci;
  EXPECT_EQ(ci.find("inurl"), std::string::npos) << ci;
  EXPECT_NE(ci.find("connect_timeout=7"), std::string::npos) << ci;
  EXPECT_NE(ci.find("client_encoding='UTF8'"), std::string::npos) << ci;
  EXPECT_NE(ci.find("fallback_application_name='recon'"), std::string::npos) << ci;
  // The rebuilt string parses back to the same password.
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(ci.c_str(), &err);
  ASSERT_NE(opts, nullptr);
  for (auto* o = opts; o->keyword; ++o)
    if (std::string(o->keyword) == "password") {
      EXPECT_STREQ(o->val, "it's \\ secret");
    }
  PQconninfoFree(opts);
}

TEST(PostgresConninfo, KeyValueKeepsUserTimeoutAndMalformedUrlIsInputError) {
  Endpoint ep;
  ep.url = "host=/tmp dbname='my db' connect_timeout=3";
  const std::string ci = build_conninfo(ep, Side::Target);
  EXPECT_NE(ci.find("dbname='my db'"), std::string::npos);
  EXPECT_NE(ci.find("connect_timeout='3'"), std::string::npos);
  EXPECT_EQ(ci.find("connect_timeout=15"), std::string::npos);
  ep.url = "postgresql://u:pw@h/db?nosuchoption=1";
  try {
    build_conninfo(ep, Side::Target);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find("pw"), std::string::npos) << e.what();
  }
}

TEST(PostgresConninfo, OneLine) {
  EXPECT_EQ(one_line("FATAL:  password authentication failed\nDETAIL: x\n"),
            "FATAL: password authentication failed; DETAIL: x");
}

}  // namespace
}  // namespace recon::pg

namespace recon {
namespace {

TEST(PostgresFactory, MalformedPostgresUrlIsInputError) {
  Endpoint ep;
  ep.kind = EngineKind::Postgres;
  ep.url = "postgresql://u:pw@h:notaport/db?bogus=1";
  EXPECT_THROW(open_connector(ep, Side::Source), InputError);
}

}  // namespace
}  // namespace recon

// The postgres connector against a real server. Skipped unless PGHOST is set; run with
//   pg_virtualenv build-h1/test_connector --gtest_filter='Postgres*'
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <set>

#include <pqxx/pqxx>

#include "recon/connector/connector.hpp"
#include "recon/connector/postgres.hpp"
#include "recon/core/canonical.hpp"

namespace recon {
namespace {

// One schema per test process: ctest runs tests in parallel, each in its own process.
const std::string kSchema = "recon_pg_it_" + std::to_string(::getpid());

class PostgresIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::getenv("PGHOST") == nullptr) return;
    pqxx::connection admin;
    pqxx::work tx(admin);
    tx.exec(std::string("DROP SCHEMA IF EXISTS ") + kSchema + " CASCADE");
    tx.exec(std::string("CREATE SCHEMA ") + kSchema);
    tx.exec(std::string("SET search_path = ") + kSchema);
    tx.exec("CREATE DOMAIN posint AS int4 CHECK (VALUE > 0)");
    tx.exec("CREATE DOMAIN money2 AS numeric(12,2)");
    tx.exec(R"(CREATE TABLE all_types (
        id int4 PRIMARY KEY, i2 int2, i8 int8, o oid, n numeric(20,9), nf numeric, f4 real,
        f8 double precision, b bool, d date, t time(3), ts timestamp, tstz timestamptz, u uuid,
        tx text NOT NULL DEFAULT '', vc varchar(10), ch char(5), nm name, by bytea, js json,
        jb jsonb, dom posint, m2 money2, iv interval, arr int[], mo money, tz timetz))");
    tx.exec(R"(INSERT INTO all_types VALUES
        (1, -32768, 9223372036854775807, 4000000000, 12345678901.123456789, 'NaN', 0.1, '-0',
         true, '1999-12-31', '23:59:59.999', '1970-01-01 00:00:00.000001',
         '2024-06-01 12:00:00+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
         E'A\u00e7\u00e3o "quoted" \\ back', 'abc', 'ab', 'name1', '\x00ff',
         '{"b":1, "a":2}', '{"x":[1,2.50]}', 5, 1.50, '1 day', '{1,2}', 1, '10:00+02'),
        (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '',
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (3, 0, 0, 0, 0, -0.001, 0, 1e300, false, 'infinity', '00:00', '-infinity',
         '1960-01-01 00:00:00.5+00', '00000000-0000-0000-0000-000000000000', '', '', '',
         '', '', '[]', 'null', 1, 0, NULL, NULL, NULL, NULL))");
    tx.exec(R"(CREATE TABLE comp (region text, id int4, code text, note text,
                                  PRIMARY KEY (region, id)))");
    tx.exec("CREATE UNIQUE INDEX comp_code ON comp (code)");
    tx.exec("CREATE UNIQUE INDEX comp_partial ON comp (note) WHERE note IS NOT NULL");
    tx.exec("CREATE UNIQUE INDEX comp_expr ON comp (lower(note))");
    tx.exec(R"(INSERT INTO comp SELECT r, i, r || i, NULL
               FROM unnest(ARRAY['a','B','b','Z','ab','e',E'\u00c9',E'\u00e9','A']) r,
                    generate_series(1, 3) i)");
    tx.exec("CREATE TABLE ukey (u uuid PRIMARY KEY, v int)");
    tx.exec(R"(INSERT INTO ukey SELECT md5(g::text)::uuid, g FROM generate_series(1, 500) g)");
    tx.exec("CREATE TABLE big (id int8 PRIMARY KEY, v text)");
    tx.exec("INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 200000) g");
    // Rows far wider than the connector's 64 KiB receive buffer arrive in pieces.
    tx.exec("CREATE TABLE wide (id int4 PRIMARY KEY, v text, b bytea)");
    tx.exec(R"(INSERT INTO wide SELECT g, repeat(chr(65 + g), 70000 * g), decode(repeat('ab', 50000), 'hex')
               FROM generate_series(1, 3) g)");
    tx.exec("CREATE TABLE nullkey (k int UNIQUE, v int)");
    tx.exec("INSERT INTO nullkey VALUES (1, 1), (NULL, 2)");
    tx.commit();
  }

  void SetUp() override {
    if (std::getenv("PGHOST") == nullptr) GTEST_SKIP() << "PGHOST not set: no PostgreSQL to test against";
    endpoint_.kind = EngineKind::Postgres;
    endpoint_.url = "";  // PGHOST/PGPORT/PGUSER/PGDATABASE/PGPASSWORD from pg_virtualenv
    conn_ = make_postgres_connector(endpoint_, Side::Target);
  }

  static TableRef ref(const std::string& name) { return TableRef{kSchema, name}; }

  /// A query comparing every listed column in its own class.
  RangeQuery query(const std::string& table, const std::vector<std::string>& keys,
                   const std::vector<std::string>& values) {
    const TableInfo info = conn_->describe(ref(table));
    RangeQuery q;
    q.table = ref(table);
    auto pick = [&info](const std::string& name) {
      const ColumnInfo* c = info.find(name);
      EXPECT_NE(c, nullptr) << name;
      SelectColumn s;
      s.native = *c;
      s.compare_as = c->type_class.value_or(TypeClass::Text);
      s.trim_padding = c->padded_char;
      s.single_float = c->single_float;
      return s;
    };
    for (const auto& k : keys) q.keys.push_back(pick(k));
    for (const auto& v : values) q.values.push_back(pick(v));
    return q;
  }

  Endpoint endpoint_;
  std::unique_ptr<Connector> conn_;
};

std::string text_int_key(const std::string& s, std::int64_t i) {
  std::string k;
  canon::put_text(k, s);
  canon::put_integer(k, i);
  return k;
}

std::vector<std::string> display_keys(const RowBatch& b) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < b.size(); ++i) out.push_back(canon::key_to_json(b.key(i)));
  return out;
}

TEST_F(PostgresIntegration, EndpointHasNoPassword) {
  Endpoint ep;
  ep.kind = EngineKind::Postgres;
  ep.url = "postgresql://u:topsecret@127.0.0.1:1/db";
  try {
    make_postgres_connector(ep, Side::Source);
    FAIL() << "connected to port 1?";
  } catch (const ConnectorError& e) {
    EXPECT_FALSE(e.login());  // unreachable is a runtime failure (exit 3), not bad input
    EXPECT_TRUE(e.poisoned());
    EXPECT_EQ(e.side(), Side::Source);
    const std::string msg = e.what();
    EXPECT_EQ(msg.find("topsecret"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_NE(msg.find("source"), std::string::npos) << msg;
  }
  EXPECT_EQ(conn_->endpoint().rfind("postgres ", 0), 0u);
}

TEST_F(PostgresIntegration, WrongPasswordIsLoginError) {
  Endpoint ep = endpoint_;
  ep.password = "definitely-wrong-password";
  ep.password_env = "RECON_TARGET_PASSWORD";
  try {
    make_postgres_connector(ep, Side::Target);
    GTEST_SKIP() << "this server trusts the connection; wrong passwords cannot be tested";
  } catch (const ConnectorError& e) {
    EXPECT_TRUE(e.login());
    const std::string msg = e.what();
    EXPECT_EQ(msg.find("definitely-wrong"), std::string::npos) << msg;
    EXPECT_NE(msg.find("RECON_TARGET_PASSWORD"), std::string::npos) << msg;
  }
}

TEST_F(PostgresIntegration, UnknownDatabaseIsLoginError) {
  Endpoint ep = endpoint_;
  ep.url = "dbname=recon_no_such_db";
  try {
    make_postgres_connector(ep, Side::Target);
    FAIL();
  } catch (const ConnectorError& e) {
    EXPECT_TRUE(e.login());
  }
}

TEST_F(PostgresIntegration, DescribeAllTypes) {
  const TableInfo info = conn_->describe(ref("all_types"));
  EXPECT_EQ(info.ref.schema, kSchema);
  EXPECT_EQ(info.ref.name, "all_types");
  ASSERT_EQ(info.columns.size(), 27u);
  auto cls = [&info](const std::string& n) { return info.find(n)->type_class; };
  EXPECT_EQ(cls("id"), TypeClass::Integer);
  EXPECT_EQ(cls("i2"), TypeClass::Integer);
  EXPECT_EQ(cls("o"), TypeClass::Integer);
  EXPECT_EQ(cls("n"), TypeClass::Decimal);
  EXPECT_EQ(info.find("n")->precision, 20);
  EXPECT_EQ(info.find("n")->scale, 9);
  EXPECT_EQ(info.find("nf")->precision, -1);
  EXPECT_EQ(cls("f4"), TypeClass::Float);
  EXPECT_TRUE(info.find("f4")->single_float);
  EXPECT_FALSE(info.find("f8")->single_float);
  EXPECT_EQ(cls("b"), TypeClass::Boolean);
  EXPECT_EQ(cls("d"), TypeClass::Date);
  EXPECT_EQ(cls("t"), TypeClass::Time);
  EXPECT_EQ(info.find("t")->precision, 3);
  EXPECT_EQ(cls("ts"), TypeClass::Timestamp);
  EXPECT_EQ(info.find("ts")->precision, 6);
  EXPECT_EQ(cls("tstz"), TypeClass::TimestampTz);
  EXPECT_EQ(cls("u"), TypeClass::Uuid);
  EXPECT_EQ(cls("tx"), TypeClass::Text);
  EXPECT_FALSE(info.find("tx")->nullable);
  EXPECT_TRUE(info.find("vc")->nullable);
  EXPECT_EQ(info.find("vc")->type_name, "character varying(10)");
  EXPECT_EQ(cls("ch"), TypeClass::Text);
  EXPECT_TRUE(info.find("ch")->padded_char);
  EXPECT_EQ(cls("nm"), TypeClass::Text);
  EXPECT_EQ(cls("by"), TypeClass::Bytes);
  EXPECT_EQ(cls("js"), TypeClass::Json);
  EXPECT_EQ(cls("jb"), TypeClass::Json);
  EXPECT_EQ(cls("dom"), TypeClass::Integer);
  EXPECT_EQ(info.find("dom")->type_name, std::string(kSchema) + ".posint");  // not on search_path
  EXPECT_EQ(cls("m2"), TypeClass::Decimal);
  EXPECT_EQ(info.find("m2")->scale, 2);
  for (const char* unsupported : {"iv", "arr", "mo", "tz"})
    EXPECT_EQ(cls(unsupported), std::nullopt) << unsupported;
  ASSERT_EQ(info.unique_keys.size(), 1u);
  EXPECT_EQ(info.unique_keys[0], std::vector<std::string>{"id"});
}

TEST_F(PostgresIntegration, DescribeKeysAndSearchPath) {
  const TableInfo info = conn_->describe(ref("comp"));
  ASSERT_EQ(info.unique_keys.size(), 2u);  // partial and expression indexes do not count
  EXPECT_EQ(info.unique_keys[0], (std::vector<std::string>{"region", "id"}));
  EXPECT_EQ(info.unique_keys[1], std::vector<std::string>{"code"});
  // An unqualified name resolves through search_path: not found in the default one.
  try {
    conn_->describe(TableRef{"", "comp"});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("search_path"), std::string::npos) << e.what();
  }
  EXPECT_EQ(conn_->describe(TableRef{"pg_catalog", "pg_class"}).ref.name, "pg_class");
  EXPECT_EQ(conn_->describe(TableRef{"", "pg_class"}).ref.schema, "pg_catalog");
}

TEST_F(PostgresIntegration, UnknownTableIsInputError) {
  try {
    conn_->describe(ref("no_such_table"));
    FAIL();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("target table " + kSchema + ".no_such_table"), std::string::npos) << msg;
    EXPECT_NE(msg.find("does not exist"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[[tables]]"), std::string::npos) << msg;
  }
}

TEST_F(PostgresIntegration, ReadEveryTypeIncludingNullsAndSpecialValues) {
  const std::vector<std::string> cols{"i2", "i8", "o", "n", "nf", "f4", "f8", "b", "d", "t", "ts",
                                      "tstz", "u", "tx", "vc", "ch", "nm", "by", "js", "jb", "dom", "m2"};
  RangeQuery q = query("all_types", {"id"}, cols);
  RowBatch b;
  conn_->read_range(q, b);
  ASSERT_EQ(b.size(), 3u);

  std::string e;
  canon::put_integer(e, -32768);
  canon::put_integer(e, INT64_MAX);
  canon::put_integer(e, 4000000000LL);
  canon::put_decimal(e, "12345678901.123456789");
  canon::put_invalid(e, "NaN");
  canon::put_float(e, 0.1f);
  canon::put_float(e, 0.0);
  canon::put_bool(e, true);
  canon::put_date(e, canon::days_from_civil(1999, 12, 31));
  canon::put_time(e, 86399999000LL);
  canon::put_timestamp(e, 1);
  canon::put_timestamptz(e, std::int64_t{canon::days_from_civil(2024, 6, 1)} * kMicrosPerDay + 36000LL * kMicrosPerSecond);
  const unsigned char u[16] = {0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8,
                               0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11};
  canon::put_uuid(e, u);
  canon::put_text(e, "A\xc3\xa7\xc3\xa3o \"quoted\" \\ back");
  canon::put_text(e, "abc");
  canon::put_text(e, "ab");  // char(5): padding not significant
  canon::put_text(e, "name1");
  canon::put_bytes(e, std::string("\0\xff", 2));
  canon::put_json(e, "{\"a\":2,\"b\":1}");
  canon::put_json(e, "{\"x\":[1,2.5]}");
  canon::put_integer(e, 5);
  canon::put_decimal(e, "1.5");
  EXPECT_EQ(canon::key_to_json(b.values(0)), canon::key_to_json(e));
  EXPECT_EQ(b.values(0), e);
  EXPECT_EQ(b.row(0).digest, row_digest(e));

  std::string nulls;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (cols[i] == "tx") canon::put_text(nulls, "");
    else canon::put_null(nulls);
  }
  EXPECT_EQ(b.values(1), nulls);

  std::size_t pos = 0;
  const std::string_view r3 = b.values(2);
  std::vector<canon::ValueView> v;
  while (pos < r3.size()) v.push_back(canon::read_value(r3, pos));
  ASSERT_EQ(v.size(), cols.size());
  EXPECT_EQ(v[3].payload, "0");          // n = 0
  EXPECT_EQ(v[4].payload, "-0.001");     // nf
  EXPECT_EQ(v[6].as_double(), 1e300);    // f8
  EXPECT_EQ(v[8].tag, TypeClass::Invalid);  // date 'infinity'
  EXPECT_EQ(v[8].payload, "infinity");
  EXPECT_EQ(v[10].tag, TypeClass::Invalid);  // timestamp '-infinity'
  EXPECT_EQ(v[11].as_int64(), std::int64_t{canon::days_from_civil(1960, 1, 1)} * kMicrosPerDay + 500000);
  EXPECT_EQ(v[15].payload, "");          // char(5) of '' is all padding
  EXPECT_EQ(v[19].payload, "null");      // jsonb 'null'
}

TEST_F(PostgresIntegration, TextKeysInCOrderWithInclusiveLowerExclusiveUpper) {
  RangeQuery q = query("comp", {"region", "id"}, {"code"});
  RowBatch all;
  conn_->read_range(q, all);
  ASSERT_EQ(all.size(), 27u);
  EXPECT_EQ(all.sort_by_key(), -1);
  const auto keys = display_keys(all);
  // Bytewise: upper case before lower case, accented letters (UTF-8 0xC3 …) last.
  EXPECT_EQ(keys.front(), "[\"A\",1]");
  EXPECT_EQ(keys[3], "[\"B\",1]");
  EXPECT_EQ(keys[6], "[\"Z\",1]");
  EXPECT_EQ(keys[9], "[\"a\",1]");
  EXPECT_EQ(keys[12], "[\"ab\",1]");
  EXPECT_EQ(keys.back(), "[\"\xc3\xa9\",3]");
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(canon::compare_keys(all.key(i - 1), all.key(i)), 0);

  q.lower = text_int_key("B", 2);  // inclusive
  q.upper = text_int_key("ab", 2);  // exclusive
  RowBatch part;
  conn_->read_range(q, part);
  EXPECT_EQ(display_keys(part),
            (std::vector<std::string>{"[\"B\",2]", "[\"B\",3]", "[\"Z\",1]", "[\"Z\",2]", "[\"Z\",3]",
                                      "[\"a\",1]", "[\"a\",2]", "[\"a\",3]", "[\"ab\",1]"}));

  q.lower = text_int_key("e", 3);
  q.upper.reset();
  q.where = "id <> 2";
  RowBatch tail;
  conn_->read_range(q, tail);
  EXPECT_EQ(display_keys(tail),
            (std::vector<std::string>{"[\"e\",3]", "[\"\xc3\x89\",1]", "[\"\xc3\x89\",3]",
                                      "[\"\xc3\xa9\",1]", "[\"\xc3\xa9\",3]"}));
}

TEST_F(PostgresIntegration, SpansReadSeveralRangesInKeyOrderWithOneStatement) {
  RangeQuery q = query("comp", {"region", "id"}, {"code"});
  q.spans = {KeySpan{std::nullopt, text_int_key("A", 3)},          // open below
             KeySpan{text_int_key("B", 2), text_int_key("B", 3)},  // one row
             KeySpan{text_int_key("a", 3), text_int_key("ab", 2)},
             KeySpan{text_int_key("\xc3\xa9", 3), std::nullopt}};  // open above
  q.lower = text_int_key("zzz", 0);  // ignored when there are spans
  q.where = "id <> 2";
  RowBatch b;
  conn_->read_range(q, b);
  EXPECT_EQ(display_keys(b), (std::vector<std::string>{"[\"A\",1]", "[\"a\",3]", "[\"ab\",1]",
                                                       "[\"\xc3\xa9\",3]"}));
}

TEST_F(PostgresIntegration, UuidKeysAndBounds) {
  RangeQuery q = query("ukey", {"u"}, {"v"});
  RowBatch all;
  conn_->read_range(q, all);
  ASSERT_EQ(all.size(), 500u);
  for (std::size_t i = 1; i < all.size(); ++i) ASSERT_LT(canon::compare_keys(all.key(i - 1), all.key(i)), 0);
  q.lower = std::string(all.key(100));
  q.upper = std::string(all.key(200));
  RowBatch part;
  conn_->read_range(q, part);
  ASSERT_EQ(part.size(), 100u);
  EXPECT_EQ(part.key(0), all.key(100));
  EXPECT_EQ(part.key(99), all.key(199));
}

TEST_F(PostgresIntegration, SampleKeysOnALargeTableIsFastAndEven) {
  RangeQuery q = query("big", {"id"}, {});
  for (int analysed = 0; analysed < 2; ++analysed) {
    if (analysed) {
      pqxx::connection admin;
      pqxx::nontransaction(admin).exec(std::string("ANALYZE ") + kSchema + ".big");
    }
    for (std::size_t n : {1000u, 20000u}) {
      const auto t0 = std::chrono::steady_clock::now();
      const KeySample s = conn_->sample_keys(q, n);
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      EXPECT_LT(secs, 5.0);
      EXPECT_NEAR(static_cast<double>(s.estimated_rows), 200000.0, 20000.0);
      EXPECT_GE(s.keys.size(), n / 4) << "n=" << n << " analysed=" << analysed;
      EXPECT_LE(s.keys.size(), n * 4) << "n=" << n << " analysed=" << analysed;
      // Roughly even: every tenth of the key space gets a share of the sample.
      std::vector<std::size_t> deciles(10);
      for (const auto& k : s.keys) {
        std::size_t pos = 0;
        const auto id = canon::read_value(k, pos).as_int64();
        ASSERT_GE(id, 1);
        ASSERT_LE(id, 200000);
        ++deciles[static_cast<std::size_t>((id - 1) / 20000)];
      }
      for (std::size_t d : deciles) EXPECT_GE(d, s.keys.size() / 40) << "n=" << n;
    }
  }
  // Small tables: every key.
  RangeQuery small = query("comp", {"region", "id"}, {});
  const KeySample s = conn_->sample_keys(small, 100);
  EXPECT_EQ(s.keys.size(), 27u);
  EXPECT_EQ(s.estimated_rows, 27);
  small.where = "id = 1";
  EXPECT_EQ(conn_->sample_keys(small, 100).keys.size(), 9u);
}

TEST_F(PostgresIntegration, NullKeyIsInputError) {
  RangeQuery q = query("nullkey", {"k"}, {"v"});
  try {
    conn_->sample_keys(q, 10);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("key column k"), std::string::npos) << e.what();
  }
  // The connection is still usable after the aborted COPY.
  q.lower = std::string();
  canon::put_integer(*q.lower, 0);
  RowBatch b;
  conn_->read_range(q, b);
  EXPECT_EQ(b.size(), 1u);
}

TEST_F(PostgresIntegration, RowsWiderThanTheReceiveBufferArriveWhole) {
  for (bool raw : {false, true}) {
    RangeQuery q = query("wide", {"id"}, {"v", "b"});
    q.raw_values = raw;
    RowBatch b;
    conn_->read_range(q, b);
    ASSERT_EQ(b.size(), 3u) << "raw " << raw;
    std::string buf;
    for (std::size_t i = 0; i < 3; ++i) {
      const std::string_view values = b.canonical_values(i, buf);
      std::size_t pos = 0;
      const canon::ValueView v = canon::read_value(values, pos);
      EXPECT_EQ(v.payload, std::string(70000 * (i + 1), static_cast<char>('A' + i + 1))) << "raw " << raw;
      EXPECT_EQ(canon::read_value(values, pos).payload.size(), 50000u) << "raw " << raw;
    }
  }
}

TEST_F(PostgresIntegration, KeyDigestsCountAndHashEachBucketOnTheServer) {
  ASSERT_EQ(conn_->key_digest_family(), "postgresql-hashint8extended-0") << "PostgreSQL 14 or later";
  RangeQuery q = query("big", {"id"}, {});
  // Buckets [0,100) [100,200) … [900,950): the last one cut by the upper bound.
  const std::vector<KeyBucketDigest> d = conn_->key_digests(q, KeyBuckets{0, 950, 100});
  ASSERT_EQ(d.size(), 10u);
  EXPECT_EQ(d[0].rows, 99) << "id 0 does not exist";
  EXPECT_EQ(d[1].rows, 100);
  EXPECT_EQ(d[9].rows, 50);
  pqxx::connection admin;
  pqxx::nontransaction tx(admin);
  const auto expected = tx.exec1(std::string("SELECT bit_xor(hashint8extended(id, 0)) FROM ") + kSchema +
                                 ".big WHERE id >= 100 AND id < 200")[0]
                            .as<std::int64_t>();
  EXPECT_EQ(d[1].digest, static_cast<std::uint64_t>(expected));
  // The same keys in another table (int4 there) give the same digests; one key less changes one.
  tx.exec(std::string("CREATE TABLE ") + kSchema + ".big4 AS SELECT id::int4 AS id FROM " + kSchema +
          ".big WHERE id < 1000 AND id <> 555");
  const std::vector<KeyBucketDigest> d4 = conn_->key_digests(query("big4", {"id"}, {}), KeyBuckets{0, 950, 100});
  for (std::size_t i = 0; i < d.size(); ++i) EXPECT_EQ(d4[i] == d[i], i != 5) << i;
  EXPECT_EQ(d4[5].rows, 99);
  // The job's filter applies; an empty bucket is 0 rows, digest 0.
  q.where = "id % 2 = 0";
  const std::vector<KeyBucketDigest> even = conn_->key_digests(q, KeyBuckets{100, 301, 100});
  ASSERT_EQ(even.size(), 3u);
  EXPECT_EQ(even[0].rows, 50);
  EXPECT_EQ(even[2].rows, 1);
  EXPECT_EQ(conn_->key_digests(q, KeyBuckets{300001, 300002, 1}).front(), KeyBucketDigest{});
}

TEST_F(PostgresIntegration, FetchKeysInChunks) {
  RangeQuery q = query("big", {"id"}, {"v"});
  std::vector<std::string> keys;
  for (std::int64_t id = 1; id <= 2500; ++id) {
    std::string k;
    canon::put_integer(k, id * 97 % 250000);  // some beyond 200000: missing
    keys.push_back(k);
  }
  RowBatch b;
  conn_->fetch_keys(q, keys, b);
  std::size_t expected = 0;
  for (std::int64_t id = 1; id <= 2500; ++id) {
    const auto k = id * 97 % 250000;
    if (k >= 1 && k <= 200000) ++expected;
  }
  EXPECT_EQ(b.size(), expected);
  std::size_t pos = 0;
  EXPECT_EQ(canon::read_value(b.values(0), pos).tag, TypeClass::Text);

  RangeQuery c = query("comp", {"region", "id"}, {"code"});
  RowBatch cb;
  conn_->fetch_keys(c, {text_int_key("\xc3\x89", 2), text_int_key("zz", 1), text_int_key("a", 3)}, cb);
  EXPECT_EQ(display_keys(cb), (std::vector<std::string>{"[\"a\",3]", "[\"\xc3\x89\",2]"}));
}

TEST_F(PostgresIntegration, SqlErrorIsNotPoisonedAndKillIsPoisoned) {
  RangeQuery q = query("comp", {"region", "id"}, {"code"});
  q.where = "no_such_column = 1";
  try {
    RowBatch b;
    conn_->read_range(q, b);
    FAIL();
  } catch (const ConnectorError& e) {
    EXPECT_FALSE(e.poisoned());
    EXPECT_FALSE(e.login());
    EXPECT_NE(std::string(e.what()).find("no_such_column"), std::string::npos) << e.what();
  }
  q.where.clear();
  RowBatch ok;
  conn_->read_range(q, ok);
  EXPECT_EQ(ok.size(), 27u);

  {
    pqxx::connection admin;
    pqxx::nontransaction(admin).exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'recon'");
  }
  try {
    RowBatch b;
    conn_->read_range(q, b);
    FAIL();
  } catch (const ConnectorError& e) {
    EXPECT_TRUE(e.poisoned()) << e.what();
  }
}

}  // namespace
}  // namespace recon

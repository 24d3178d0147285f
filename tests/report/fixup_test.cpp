// FixupWriter: file content per category, ordering, empty tables, temp-file hygiene.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "recon/report/fixup.hpp"
#include "report_test_support.hpp"

namespace recon {
namespace {

using namespace testing_support;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> files_in(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(FixupWriter, EveryCategoryPostgres) {
  TempDir dir;
  FakeTable t;
  FixupWriter w(dir.path, "run-1");
  w.begin_table(t.ctx);
  w.divergences(t.ctx, {missing_in_target(1, "Ana O'Neil", "10.50"), changed(2, "Bia", "7", "Bia", "7.01", {1})});
  w.divergences(t.ctx, {missing_in_source(3, "Caio", "0"), changed(4, "Davi\nSegunda", "-1", "Davi", "-1", {0}),
                        missing_in_target(5, nullptr, "2")});
  TableResult r = table_result("clientes", 10, 5, 2, 1, 2);
  w.end_table(t.ctx, r);

  EXPECT_EQ(r.fixup_sql, "fixup/clientes.sql");
  EXPECT_EQ(files_in(dir.path / "fixup"), std::vector<std::string>{"clientes.sql"});
  const std::string sql = slurp(dir.path / "fixup" / "clientes.sql");
  EXPECT_THAT(sql, HasSubstr("-- run:        run-1\n"));
  EXPECT_THAT(sql, HasSubstr("-- source:     dbo.clientes @ sqlserver sqlserver://recon@db1:1433/erp\n"));
  EXPECT_THAT(sql, HasSubstr("-- target:     public.clientes @ postgres postgresql://recon:***@127.0.0.1:5432/tgt\n"));
  EXPECT_THAT(sql, Not(HasSubstr("hunter2")));
  EXPECT_THAT(sql, HasSubstr("-- generated:  20"));
  EXPECT_THAT(sql, HasSubstr("missing_in_target 2, missing_in_source 1, changed 2"));
  EXPECT_THAT(sql, HasSubstr("-- statements: 1 DELETE, 2 UPDATE, 2 INSERT\n"));
  EXPECT_THAT(sql, HasSubstr("-- Guarded: each statement touches its row only while the row still holds what recon "
                             "saw;\n-- a statement that touches 0 rows is a conflict (the row changed since). "
                             "recon apply --run run-1 runs this"));
  EXPECT_THAT(sql, Not(HasSubstr("-- unguarded columns:")));  // text and numeric guard exactly
  EXPECT_THAT(sql, Not(HasSubstr("not fixed here")));
  EXPECT_THAT(r.fixup_sha256, ::testing::MatchesRegex("[0-9a-f]{64}"));

  // DELETE and UPDATE hold the row as recon saw it on the target (compare-and-set): the key plus
  // every compared column, text compared as text; INSERT only where the key is still absent.
  const std::string body =
      "BEGIN;\nSET LOCAL standard_conforming_strings = on;\n"
      "\n-- 1 rows missing in source\n"
      "DELETE FROM \"public\".\"clientes\" WHERE \"id\" = 3 AND \"nome\"::text COLLATE \"C\" = 'Caio' AND \"saldo\" = 0;\n"
      "\n-- 2 rows changed\n"
      "UPDATE \"public\".\"clientes\" SET \"saldo\" = 7 WHERE \"id\" = 2 AND \"nome\"::text COLLATE \"C\" = 'Bia' "
      "AND \"saldo\" = 7.01;\n"
      "UPDATE \"public\".\"clientes\" SET \"nome\" = 'Davi\nSegunda' WHERE \"id\" = 4 AND \"nome\"::text COLLATE \"C\" = 'Davi' "
      "AND \"saldo\" = -1;\n"
      "\n-- 2 rows missing in target\n"
      "INSERT INTO \"public\".\"clientes\" (\"id\", \"nome\", \"saldo\") SELECT 1, 'Ana O''Neil', 10.5 "
      "WHERE NOT EXISTS (SELECT 1 FROM \"public\".\"clientes\" WHERE \"id\" = 1) ON CONFLICT DO NOTHING;\n"
      "INSERT INTO \"public\".\"clientes\" (\"id\", \"nome\", \"saldo\") SELECT 5, NULL, 2 "
      "WHERE NOT EXISTS (SELECT 1 FROM \"public\".\"clientes\" WHERE \"id\" = 5) ON CONFLICT DO NOTHING;\n"
      "COMMIT;\n";
  ASSERT_NE(sql.find(body), std::string::npos) << sql;
  EXPECT_EQ(sql.substr(sql.size() - body.size()), body);
}

TEST(FixupWriter, EmptyTableStillGetsAFile) {
  TempDir dir;
  FakeTable t(Dialect::Sqlite);
  FixupWriter w(dir.path, "run-2");
  w.begin_table(t.ctx);
  TableResult r = table_result("clientes", 10, 10, 0, 0, 0);
  w.end_table(t.ctx, r);
  const std::string sql = slurp(dir.path / "fixup" / "clientes.sql");
  EXPECT_THAT(sql, HasSubstr("BEGIN;\n-- no divergences\nCOMMIT;\n"));
  EXPECT_EQ(files_in(dir.path / "fixup"), std::vector<std::string>{"clientes.sql"});
}

TEST(FixupWriter, SqlServerAndCompositeKeys) {
  TempDir dir;
  FakeTable t(Dialect::SqlServer);
  t.job.target = TableRef{"dbo", "Clientes"};
  t.ctx.target_keys.push_back(column("filial", "varchar(10)", TypeClass::Text));
  t.ctx.target_values = {column("nome", "nvarchar(50)", TypeClass::Text),
                         column("saldo", "decimal(12,2)", TypeClass::Decimal)};
  Divergence d = missing_in_source(9, "x", "1");
  canon::put_text(d.key, "SP");
  Divergence ins = missing_in_target(10, "O'y", "2.5");
  canon::put_text(ins.key, "RJ");
  Divergence upd = changed(11, "z", "3", "z", "3.5", {1});
  canon::put_text(upd.key, "MG");
  FixupWriter w(dir.path, "run-3");
  w.begin_table(t.ctx);
  w.divergences(t.ctx, {d, upd, ins});
  TableResult r = table_result("clientes", 3, 0, 1, 1, 1);
  w.end_table(t.ctx, r);
  const std::string sql = slurp(dir.path / "fixup" / "clientes.sql");
  EXPECT_THAT(sql, HasSubstr("SET XACT_ABORT ON;\nBEGIN TRANSACTION;\n"));
  // Text is guarded bytewise (a _BIN2 collation), whatever the column's collation.
  EXPECT_THAT(sql, HasSubstr("DELETE FROM [dbo].[Clientes] WHERE [id] = 9 AND [filial] = N'SP' "
                             "AND [nome] = N'x' COLLATE Latin1_General_100_BIN2 AND [saldo] = 1;\n"));
  EXPECT_THAT(sql, HasSubstr("UPDATE [dbo].[Clientes] SET [saldo] = 3 WHERE [id] = 11 AND [filial] = N'MG' "
                             "AND [nome] = N'z' COLLATE Latin1_General_100_BIN2 AND [saldo] = 3.5;\n"));
  // The NOT EXISTS takes a key-range lock (UPDLOCK, HOLDLOCK) so no other INSERT slips in between.
  EXPECT_THAT(sql, HasSubstr("INSERT INTO [dbo].[Clientes] ([id], [filial], [nome], [saldo]) SELECT 10, N'RJ', "
                             "N'O''y', 2.5 WHERE NOT EXISTS (SELECT 1 FROM [dbo].[Clientes] WITH (UPDLOCK, HOLDLOCK) "
                             "WHERE [id] = 10 AND [filial] = N'RJ');\n"));
  EXPECT_THAT(sql, Not(HasSubstr("ON CONFLICT")));
  EXPECT_THAT(sql, HasSubstr("COMMIT TRANSACTION;\n"));
}

TEST(FixupWriter, UnguardedColumnsAreMarkedAndCounted) {
  TempDir dir;
  FakeTable t;
  t.ctx.target_values.push_back(column("taxa", "double precision", TypeClass::Float));
  t.ctx.target_values.push_back(column("extra", "jsonb", TypeClass::Json));
  auto values = [](const char* nome, const char* saldo, double taxa, const char* extra) {
    std::string v = row(nome, saldo);
    canon::put_float(v, taxa);
    EXPECT_TRUE(canon::put_json(v, extra));
    return v;
  };
  Divergence upd = changed(1, "a", "1", "a", "2", {1});
  upd.source_values = values("a", "1", 0.5, "{}");
  upd.target_values = values("a", "2", 0.5, "{}");
  Divergence del = missing_in_source(2, "b", "1");
  del.target_values = values("b", "1", 0.25, R"({"k": [1]})");
  Divergence nulls = missing_in_source(3, "c", "1");  // NULL floats and JSON guard as IS NULL
  nulls.target_values = row("c", "1");
  canon::put_null(nulls.target_values);
  canon::put_null(nulls.target_values);
  Divergence ins = missing_in_target(4, "d", "1");
  ins.source_values = values("d", "1", 1.5, "[]");
  FixupWriter w(dir.path, "run-u");
  w.begin_table(t.ctx);
  w.divergences(t.ctx, {upd, del, nulls, ins});
  TableResult r = table_result("clientes", 4, 0, 1, 2, 1);
  w.end_table(t.ctx, r);
  const std::string sql = slurp(dir.path / "fixup" / "clientes.sql");
  // Two statements leave columns out of their guard; the INSERT has no column guard to leave.
  EXPECT_THAT(sql, HasSubstr("-- unguarded columns: 2 statements leave columns out of their guard (marked "
                             "\"-- unguarded\"): a change to only those columns since the check is not seen\n"));
  EXPECT_THAT(sql, HasSubstr("UPDATE \"public\".\"clientes\" SET \"saldo\" = 1 WHERE \"id\" = 1 AND \"nome\"::text COLLATE \"C\" = 'a' "
                             "AND \"saldo\" = 2; -- unguarded: \"taxa\" (float), \"extra\" (json)\n"));
  EXPECT_THAT(sql, HasSubstr("DELETE FROM \"public\".\"clientes\" WHERE \"id\" = 2 AND \"nome\"::text COLLATE \"C\" = 'b' "
                             "AND \"saldo\" = 1; -- unguarded: \"taxa\" (float), \"extra\" (json)\n"));
  EXPECT_THAT(sql, HasSubstr("DELETE FROM \"public\".\"clientes\" WHERE \"id\" = 3 AND \"nome\"::text COLLATE \"C\" = 'c' "
                             "AND \"saldo\" = 1 AND \"taxa\" IS NULL AND \"extra\" IS NULL;\n"));
  EXPECT_THAT(sql, HasSubstr("SELECT 4, 'd', 1, 1.5, '[]'::jsonb WHERE NOT EXISTS"));
}

TEST(FixupWriter, WarnsWhenPartialOrDetailsWereCapped) {
  TempDir dir;
  FakeTable t;
  FixupWriter w(dir.path, "run-4");
  w.begin_table(t.ctx);
  w.divergences(t.ctx, {missing_in_target(1, "a", "1")});
  TableResult r = table_result("clientes", 100, 90, 10, 0, 0);
  r.partial = true;
  r.error = "connection to target lost";
  w.end_table(t.ctx, r);
  const std::string sql = slurp(dir.path / "fixup" / "clientes.sql");
  EXPECT_THAT(sql, HasSubstr("-- WARNING: the comparison of this table is partial (connection to target lost)"));
  EXPECT_THAT(sql, HasSubstr("-- WARNING: 9 divergences were counted but not detailed"));
}

TEST(FixupWriter, InterleavedTablesAndUnsafeNames) {
  TempDir dir;
  FakeTable a, b;
  b.ctx.name = "../evil/name";
  FixupWriter w(dir.path, "run-5");
  w.begin_table(a.ctx);
  w.begin_table(b.ctx);
  w.divergences(b.ctx, {missing_in_source(1, "b", "1")});
  w.divergences(a.ctx, {missing_in_source(2, "a", "1")});
  TableResult ra = table_result("clientes", 1, 0, 0, 1, 0), rb = ra;
  w.end_table(b.ctx, rb);
  w.end_table(a.ctx, ra);
  const std::string evil = FixupWriter::file_name_for("../evil/name");
  EXPECT_THAT(evil, ::testing::MatchesRegex("_\\.\\._evil_name-[0-9a-f]{8}"));
  EXPECT_EQ(rb.fixup_sql, "fixup/" + evil + ".sql");
  EXPECT_EQ(FixupWriter::file_name_for("simulacoes"), "simulacoes");
  EXPECT_THAT(slurp(dir.path / "fixup" / "clientes.sql"), HasSubstr("WHERE \"id\" = 2 AND \"nome\"::text COLLATE \"C\" = 'a'"));
  EXPECT_THAT(slurp(dir.path / "fixup" / "clientes.sql"), Not(HasSubstr("WHERE \"id\" = 1 ")));
  EXPECT_THAT(slurp(dir.path / "fixup" / (evil + ".sql")), HasSubstr("WHERE \"id\" = 1 AND \"nome\"::text COLLATE \"C\" = 'b'"));
}

TEST(FixupWriter, FileNamesAreUniqueAndStable) {
  // A portable lower-case name is kept; any other name is sanitised and gets its own hash.
  EXPECT_EQ(FixupWriter::file_name_for("a_b"), "a_b");
  EXPECT_EQ(FixupWriter::file_name_for("v1.orders-2024"), "v1.orders-2024");
  const std::string space = FixupWriter::file_name_for("a b"), slash = FixupWriter::file_name_for("a/b");
  EXPECT_THAT(space, ::testing::MatchesRegex("a_b-[0-9a-f]{8}"));
  EXPECT_THAT(slash, ::testing::MatchesRegex("a_b-[0-9a-f]{8}"));
  EXPECT_NE(space, slash);
  EXPECT_EQ(FixupWriter::file_name_for("a b"), space);  // the same in every run
  // Names differing only in case: distinct even once lower-cased (case-insensitive file systems).
  std::vector<std::string> folded;
  for (const char* name : {"orders", "Orders", "ORDERS", "ordErs"}) {
    std::string f = FixupWriter::file_name_for(name);
    std::transform(f.begin(), f.end(), f.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    EXPECT_EQ(std::count(folded.begin(), folded.end(), f), 0) << name;
    folded.push_back(f);
  }
  EXPECT_THAT(FixupWriter::file_name_for("Orders"), ::testing::MatchesRegex("Orders-[0-9a-f]{8}"));
  // A plain name never looks like a suffixed one; non-ASCII is kept but hashed; long names are cut.
  EXPECT_THAT(FixupWriter::file_name_for("a_b-0123abcd"), ::testing::MatchesRegex("a_b-0123abcd-[0-9a-f]{8}"));
  EXPECT_THAT(FixupWriter::file_name_for("simulação"), ::testing::MatchesRegex("simula.*o-[0-9a-f]{8}"));
  EXPECT_THAT(FixupWriter::file_name_for(".hidden"), ::testing::MatchesRegex("_\\.hidden-[0-9a-f]{8}"));
  EXPECT_EQ(FixupWriter::file_name_for(std::string(300, 'x')).size(), 200u + 9u);
  EXPECT_LE(FixupWriter::file_name_for(std::string(150, 'x') + std::string(100, '\xC3')).size(), 209u);
}

TEST(FixupWriter, TablesWhoseNamesSanitiseAlikeEachGetTheirOwnFile) {
  TempDir dir;
  const std::vector<std::string> names = {"a b", "a_b", "a/b", "A_B"};
  std::vector<FakeTable> tables(names.size());
  std::vector<TableResult> results;
  FixupWriter w(dir.path, "run-names");
  for (std::size_t i = 0; i < names.size(); ++i) {  // table i has the one row with id i + 1
    tables[i].ctx.name = names[i];
    w.begin_table(tables[i].ctx);
    w.divergences(tables[i].ctx, {missing_in_source(static_cast<std::int64_t>(i) + 1, "x", "1")});
    results.push_back(table_result("clientes", 1, 0, 0, 1, 0));
    w.end_table(tables[i].ctx, results.back());
  }
  EXPECT_EQ(results[1].fixup_sql, "fixup/a_b.sql");
  std::vector<std::string> files;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& fixup = results[i].fixup_sql;
    files.push_back(fixup.substr(std::string("fixup/").size()));
    const std::string sql = slurp(dir.path / fixup);
    EXPECT_THAT(sql, HasSubstr("-- recon fix-up SQL for table " + names[i] + ":")) << fixup;
    for (std::size_t other = 0; other < names.size(); ++other) {
      const std::string stmt = "WHERE \"id\" = " + std::to_string(other + 1) + " AND ";
      if (other == i) EXPECT_THAT(sql, HasSubstr(stmt)) << fixup;
      else EXPECT_THAT(sql, Not(HasSubstr(stmt))) << fixup;
    }
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files_in(dir.path / "fixup"), files);  // four files, no temp files left
}

TEST(FixupWriter, AbandonedTableLeavesNothing) {
  TempDir dir;
  FakeTable t;
  {
    FixupWriter w(dir.path, "run-6");
    w.begin_table(t.ctx);
    w.divergences(t.ctx, {missing_in_source(1, "b", "1")});
  }  // destroyed without end_table: a failed run
  EXPECT_TRUE(files_in(dir.path / "fixup").empty());
}

}  // namespace
}  // namespace recon

// ---- the file runs and makes the target equal to the source ----------------------------------
//
// Each target is also changed behind recon's back before the file runs (a guarded column of a row
// the file updates or deletes, or a row the file inserts appears): that row keeps what was written
// since the check, and every other row is still fixed.
namespace recon {
namespace {

using namespace testing_support;

/// A change made to the target after the check, and the rows expected after the file runs.
struct BehindTheBack {
  const char* what;
  const char* sql;  ///< "" = no change
  std::vector<std::string> expected;
};

std::string fixup_for(const TempDir& dir, FakeTable& t, const char* run_id,
                      const std::vector<Divergence>& divergences) {
  FixupWriter w(dir.path, run_id);
  w.begin_table(t.ctx);
  w.divergences(t.ctx, divergences);
  TableResult r = table_result("clientes", 4, 0, 1, 1, 2);
  w.end_table(t.ctx, r);
  return slurp(dir.path / "fixup" / "clientes.sql");
}

TEST(FixupWriter, AppliedToSqliteTargetMakesItEqualToSource) {
  TempDir dir;
  FakeTable t(Dialect::Sqlite);
  t.job.target = TableRef{"", "clientes"};
  t.ctx.target_values[1].type_name = "TEXT";
  const std::string sql =
      fixup_for(dir, t, "run-7",
                {missing_in_target(1, "Ana O'Neil\n\\", "10.50"), changed(2, "Bia", "7", "Bia", "7.01", {1}),
                 missing_in_source(3, "Caio", "0"), changed(4, "Davi", "-1", "Davi", "-1", {})});
  const std::vector<BehindTheBack> cases = {
      {"nothing changed", "", {"1|Ana O'Neil\n\\|10.5", "2|Bia|7", "4|Davi|-1"}},
      // row 2's UPDATE sets saldo only, but its guard holds nome too
      {"the updated row's other column", "UPDATE clientes SET nome = 'Bianca' WHERE id = 2",
       {"1|Ana O'Neil\n\\|10.5", "2|Bianca|7.01", "4|Davi|-1"}},
      {"the updated column itself", "UPDATE clientes SET saldo = '8' WHERE id = 2",
       {"1|Ana O'Neil\n\\|10.5", "2|Bia|8", "4|Davi|-1"}},
      // letter case only: the guard compares text bytewise (COLLATE BINARY), also on a NOCASE column
      {"the deleted row, letter case only", "UPDATE clientes SET nome = 'CAIO' WHERE id = 3",
       {"1|Ana O'Neil\n\\|10.5", "2|Bia|7", "3|CAIO|0", "4|Davi|-1"}},
      {"the deleted row set to NULL", "UPDATE clientes SET nome = NULL WHERE id = 3",
       {"1|Ana O'Neil\n\\|10.5", "2|Bia|7", "3|<null>|0", "4|Davi|-1"}},
      {"the inserted row already there", "INSERT INTO clientes VALUES (1, 'Outra', '1')",
       {"1|Outra|1", "2|Bia|7", "4|Davi|-1"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE clientes (id INTEGER PRIMARY KEY, nome TEXT COLLATE NOCASE, saldo TEXT);"
                           "INSERT INTO clientes VALUES (2, 'Bia', '7.01'), (3, 'Caio', '0'), (4, 'Davi', '-1');",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, c.sql, nullptr, nullptr, nullptr), SQLITE_OK);
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << "\n" << sql;
    sqlite3_free(err);

    sqlite3_stmt* s = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT id, coalesce(nome, '<null>'), saldo FROM clientes ORDER BY id", -1, &s,
                                 nullptr),
              SQLITE_OK);
    std::vector<std::string> rows;
    while (sqlite3_step(s) == SQLITE_ROW)
      rows.push_back(std::to_string(sqlite3_column_int64(s, 0)) + "|" +
                     reinterpret_cast<const char*>(sqlite3_column_text(s, 1)) + "|" +
                     reinterpret_cast<const char*>(sqlite3_column_text(s, 2)));
    sqlite3_finalize(s);
    sqlite3_close(db);
    EXPECT_EQ(rows, c.expected);
  }
}

TEST(FixupWriter, AppliedToPostgresTargetMakesItEqualToSource) {
  if (!std::getenv("PGHOST")) GTEST_SKIP() << "PGHOST unset: run under pg_virtualenv";
  PGconn* conn = PQconnectdb("");
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  auto run = [&](const std::string& sql) {
    PGresult* r = PQexec(conn, sql.c_str());
    const auto st = PQresultStatus(r);
    EXPECT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) << PQerrorMessage(conn) << "\n" << sql;
    std::vector<std::string> rows;
    for (int i = 0; i < PQntuples(r); ++i) {
      std::string row;
      for (int c = 0; c < PQnfields(r); ++c) row += (c ? "|" : "") + std::string(PQgetvalue(r, i, c));
      rows.push_back(row);
    }
    PQclear(r);
    return rows;
  };
  TempDir dir;
  FakeTable t(Dialect::Postgres);
  t.job.target = TableRef{"public", "h3_fixup_clientes"};
  const std::string sql =
      fixup_for(dir, t, "run-8",
                {missing_in_target(1, "Ana O'Neil\n\\", "10.50"), changed(2, "Bia", "7", "Bia", "7.01", {1}),
                 missing_in_source(3, "Caio", "0"), changed(4, nullptr, "-1", "Davi", "-1", {0})});
  const std::vector<BehindTheBack> cases = {
      {"nothing changed", "", {"1|Ana O'Neil\n\\|10.50", "2|Bia|7.00", "4|<null>|-1.00"}},
      // row 2's UPDATE sets saldo only, but its guard holds nome too
      {"the updated row's other column", "UPDATE public.h3_fixup_clientes SET nome = 'Bianca' WHERE id = 2",
       {"1|Ana O'Neil\n\\|10.50", "2|Bianca|7.01", "4|<null>|-1.00"}},
      {"the updated column itself", "UPDATE public.h3_fixup_clientes SET saldo = 8 WHERE id = 2",
       {"1|Ana O'Neil\n\\|10.50", "2|Bia|8.00", "4|<null>|-1.00"}},
      {"the updated row set to NULL", "UPDATE public.h3_fixup_clientes SET saldo = NULL WHERE id = 4",
       {"1|Ana O'Neil\n\\|10.50", "2|Bia|7.00", "4|Davi|<null>"}},
      {"the deleted row, trailing space only", "UPDATE public.h3_fixup_clientes SET nome = 'Caio ' WHERE id = 3",
       {"1|Ana O'Neil\n\\|10.50", "2|Bia|7.00", "3|Caio |0.00", "4|<null>|-1.00"}},
      {"the inserted row already there", "INSERT INTO public.h3_fixup_clientes VALUES (1, 'Outra', 1)",
       {"1|Outra|1.00", "2|Bia|7.00", "4|<null>|-1.00"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    run("DROP TABLE IF EXISTS public.h3_fixup_clientes;"
        "CREATE TABLE public.h3_fixup_clientes (id integer PRIMARY KEY, nome text, saldo numeric(12,2));"
        "INSERT INTO public.h3_fixup_clientes VALUES (2, 'Bia', 7.01), (3, 'Caio', 0), (4, 'Davi', -1);");
    if (*c.sql) run(c.sql);
    run(sql);
    EXPECT_EQ(run("SELECT id, coalesce(nome, '<null>'), coalesce(saldo::text, '<null>') "
                  "FROM public.h3_fixup_clientes ORDER BY id"),
              c.expected);
  }
  run("DROP TABLE public.h3_fixup_clientes");
  PQfinish(conn);
}

}  // namespace
}  // namespace recon

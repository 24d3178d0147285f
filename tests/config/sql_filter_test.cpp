// Job-file row filters (include/recon/config/sql_filter.hpp): one boolean expression or refused,
// with the refusal naming the problem, its position and what to write instead; and the job file
// refusing a bad filter before any connection is made.
#include <gtest/gtest.h>

#include <string>

#include "recon/config/job.hpp"
#include "recon/config/sql_filter.hpp"
#include "recon/core/errors.hpp"

namespace recon {
namespace {

constexpr const char* kAttack = "true); DROP TABLE rp_canary; SELECT (true";

bool refused(const std::string& filter) { return !validate_sql_filter(filter).empty(); }

TEST(SqlFilter, OneConditionIsAccepted) {
  for (const char* ok : {
           "status = 'A' AND id > 10",
           "id <= 60",
           "a IS NOT NULL",
           "((a = 1) OR (b = 2)) AND NOT (c IN (1, 2, (3)))",      // nested parentheses
           "id IN (SELECT id FROM other WHERE flag)",             // a subquery is still one expression
           "note = 'a;b' OR note = 'x -- y' OR note = '/* z */'",  // separators and comments in literals
           "note = ')' OR note = '(' OR note = '(()'",             // parentheses in literals
           "note = 'it''s' AND v = ''''",                         // '' is a quote inside a literal
           "\"odd;name--\" = 1 AND \"a\"\"b(\" = 2",               // quoted identifiers with "" escapes
           "v = N'ação;' AND b = X'0A' AND c = B'01'",            // prefixed literals
           "[Order Date] >= '2024-01-01' AND [a]]b] = 1",         // SQL Server brackets, ]] escape
           "tags[1] = 'x'",                                       // a PostgreSQL subscript
           "amount > $100 AND col$x = 1 AND p = $1",              // T-SQL money, PostgreSQL identifier '$'
           "path = 'C:\\\\'",                                     // an even run of backslashes
           "a - -1 > 0 AND b / 2 < 3 AND c * 4 = 5",              // operators that look like comments
           "multi\nline\tfilter = 1",
           "nome = 'ção ☃'",
       })
    EXPECT_EQ(validate_sql_filter(ok), "") << ok;
}

TEST(SqlFilter, TheInjectionIsRefused) {
  const std::string m = validate_sql_filter(kAttack);
  EXPECT_EQ(m,
            "has a ')' that closes nothing at character 5 (near \"); DROP TABLE rp…\"): a filter must be one "
            "boolean expression; write one condition, e.g. status = 'A' AND id > 10");
  // Balancing the parentheses does not help.
  EXPECT_NE(validate_sql_filter("true; DROP TABLE rp_canary").find("statement separator ';' at character 5"),
            std::string::npos);
  EXPECT_TRUE(refused("(true); DROP TABLE rp_canary; SELECT (true)"));
  EXPECT_TRUE(refused("true) OR (1 = 1"));
}

TEST(SqlFilter, EachRuleSaysWhatAndWhere) {
  struct Case {
    const char* filter;
    const char* expect;
  };
  for (const Case& c : {
           Case{"id = 1;", "has a statement separator ';' at character 7"},
           Case{"id = 1 -- and more", "has a comment '--' at character 8"},
           Case{"id = 1 /* x */", "has a comment '/*' at character 8"},
           Case{"id = 1 /*", "has a comment '/*' at character 8"},
           Case{"(id = 1", "has a '(' that is never closed at character 1"},
           Case{"((id = 1)", "has a '(' that is never closed at character 1"},
           Case{"id = 1)", "has a ')' that closes nothing at character 7"},
           Case{"(a) AND b)", "has a ')' that closes nothing at character 10"},
           Case{"v = 'abc", "has a string literal that is never closed at character 5"},
           Case{"v = 'it''s", "has a string literal that is never closed at character 5"},
           Case{"\"col = 1", "has a quoted identifier that is never closed at character 1"},
           Case{"\"a\"\" = 1", "has a quoted identifier that is never closed at character 1"},
           Case{"[col = 1", "has a [bracketed] identifier that is never closed at character 1"},
           Case{"v = $$x$$", "has a dollar-quoted string"},
           Case{"v = $t$x$t$", "has a dollar-quoted string"},
           Case{"v = 'a\\'", "has a backslash right before a quote at character 7"},
           Case{"ção = 1;", "has a statement separator ';' at character 8"},  // characters, not bytes
       }) {
    const std::string m = validate_sql_filter(c.filter);
    EXPECT_NE(m.find(c.expect), std::string::npos) << c.filter << " -> " << m;
    EXPECT_NE(m.find("write one condition, e.g. status = 'A' AND id > 10"), std::string::npos) << m;
  }
  EXPECT_NE(validate_sql_filter("v = 'abc").find("close it with '"), std::string::npos);
  EXPECT_NE(validate_sql_filter(std::string("id = 1\0; x", 10)).find("NUL character at character 7"),
            std::string::npos);
}

TEST(SqlFilter, BlankIsRefused) {
  for (const char* blank : {"", " ", "\t\n  "}) {
    const std::string m = validate_sql_filter(blank);
    EXPECT_EQ(m.rfind("is empty: remove the key for no filter", 0), 0u) << m;
  }
}

// Whatever one engine reads as a quote, another may read as SQL: each must see one expression.
TEST(SqlFilter, NothingHidesFromAnotherEngine) {
  // PostgreSQL reads '[' as a subscript (MySQL as nothing special), so a separator inside
  // brackets is SQL there.
  const std::string bracket = validate_sql_filter("[a;b] = 1");
  EXPECT_NE(bracket.find("statement separator ';' at character 3 (near \";b] = 1\") (as PostgreSQL and MySQL read it)"),
            std::string::npos)
      << bracket;
  EXPECT_TRUE(refused("x = 1 OR [ -- ] = 1"));
  // SQLite ends a bracket at the first ']' (no ]] escape).
  EXPECT_NE(validate_sql_filter("[x]];DROP TABLE t;--] = 1").find("(as PostgreSQL and SQLite and MySQL read it)"),
            std::string::npos);
  // SQLite reads `…` as an identifier: the quote inside must not open a literal elsewhere either.
  EXPECT_TRUE(refused("`'` ; DROP TABLE t; -- ' = 1"));
  EXPECT_TRUE(refused("`a;b` = 1"));
  // PostgreSQL reads $$…$$ as a literal, the others as SQL (and vice versa for the quote inside).
  EXPECT_TRUE(refused("$$ ' $$ ; DROP TABLE t; -- '"));
  EXPECT_TRUE(refused("x = 1$$ ; $$"));  // after a number, '$$' opens a dollar quote
  // MySQL: '#' starts a comment, "…" is a string whose \" is an escaped quote, `…` an identifier.
  EXPECT_NE(validate_sql_filter("id = 1 # and more").find("comment '#' at character 8 (near \"# and more\") (as MySQL reads it)"),
            std::string::npos);
  EXPECT_TRUE(refused("v = \"a\\\" OR 1 = 1 -- \""));
  EXPECT_TRUE(refused("`a;b` = 1"));
  // E'…' (and standard_conforming_strings = off) read \' as a quote that does not end the literal.
  EXPECT_TRUE(refused("v = E'\\' ' ; DROP TABLE t; --'"));
  EXPECT_TRUE(refused("v = '\\''; DROP TABLE t; --'"));
  EXPECT_EQ(validate_sql_filter("v = E'a\\\\'"), "");
}

// ---- the job file ------------------------------------------------------------------------------

std::string job_with(const std::string& table_lines) {
  return "[source]\nkind = \"postgres\"\nurl = \"postgresql://recon@127.0.0.1:5432/src\"\n\n"
         "[target]\nkind = \"sqlite\"\nurl = \"target.db\"\n\n"
         "[[tables]]\nsource = \"public.t\"\n" +
         table_lines;
}

std::string job_error(const std::string& table_lines) {
  try {
    parse_job_text(job_with(table_lines), "job.toml", "/jobs");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(SqlFilterInJob, TheAttackIsRefusedNamingFileLineEntryAndKey) {
  const std::string m = job_error(std::string("source_where = \"") + kAttack + "\"\n");
  EXPECT_EQ(m.rfind("job.toml:11: [[tables]] #1: source_where has a ')' that closes nothing at character 5", 0), 0u)
      << m;
  EXPECT_NE(m.find("write one condition, e.g. status = 'A' AND id > 10"), std::string::npos) << m;
}

TEST(SqlFilterInJob, EveryFilterKeyIsChecked) {
  for (const char* key : {"where", "source_where", "target_where"}) {
    const std::string m = job_error(std::string(key) + " = \"id = 1; SELECT 1\"\n");
    EXPECT_NE(m.find(std::string("[[tables]] #1: ") + key + " has a statement separator ';' at character 7"),
              std::string::npos)
        << m;
  }
  EXPECT_NE(job_error("where = \"  \"\n").find("where is empty"), std::string::npos);
}

TEST(SqlFilterInJob, ValidFiltersAreKeptAsWritten) {
  const RunOptions o = parse_job_text(
      job_with("where = \"note = 'a;b'\"\ntarget_where = \"[x] = N'y'\"\n"), "job.toml", "/jobs");
  ASSERT_EQ(o.tables.size(), 1u);
  EXPECT_EQ(o.tables[0].source_where, "note = 'a;b'");
  EXPECT_EQ(o.tables[0].target_where, "[x] = N'y'");
}

}  // namespace
}  // namespace recon

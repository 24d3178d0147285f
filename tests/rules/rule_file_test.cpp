#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <filesystem>
#include <fstream>

#include "recon/core/errors.hpp"
#include "recon/rules/rules.hpp"

using namespace recon;
using namespace recon::rules;
using ::testing::HasSubstr;

namespace {

RuleSet parse(const std::string& text, const std::string& origin = "r.toml") {
  RuleSet set;
  parse_rules_text(text, origin, set);
  return set;
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

/// A complete rule with `extra` lines added to it.
std::string rule(const std::string& name, const std::string& extra) {
  return "[[rule]]\nname = \"" + name + "\"\noutcome.category = \"cat_" + name + "\"\n" + extra + "\n";
}

}  // namespace

TEST(RuleFile, ParsesEveryKey) {
  const RuleSet set = parse(R"([unmatched]
severity = "P1"
action = "escalate"

[[rule]]
name = "resultado-drift"
description = "simulation engine rounds differently on Aurora"
match.table = "simulacoes"
match.column = ["resultado", "valor_*"]
match.category = "changed"
match.type = ["decimal", "float"]
match.when = "abs(source - target) < 1"
interpret.abs_tolerance = 0.01
interpret.rel_tolerance = "1e-6"
interpret.ulps = 4
outcome.category = "precision_drift"
outcome.severity = "P4"
outcome.action = "tolerate"
)");
  EXPECT_EQ(set.files, std::vector<std::string>{"r.toml"});
  EXPECT_TRUE(set.unmatched_set);
  EXPECT_EQ(set.unmatched_severity, 1);
  EXPECT_EQ(set.unmatched_action, Action::Escalate);
  ASSERT_EQ(set.rules.size(), 1u);
  const Rule& r = set.rules[0];
  EXPECT_EQ(r.name, "resultado-drift");
  EXPECT_EQ(r.description, "simulation engine rounds differently on Aurora");
  EXPECT_EQ(r.origin, "r.toml:5");
  EXPECT_EQ(r.match.tables, std::vector<std::string>{"simulacoes"});
  EXPECT_EQ(r.match.columns, (std::vector<std::string>{"resultado", "valor_*"}));
  EXPECT_EQ(r.match.categories, std::vector<Category>{Category::Changed});
  EXPECT_EQ(r.match.types, (std::vector<TypeClass>{TypeClass::Decimal, TypeClass::Float}));
  ASSERT_TRUE(r.match.when);
  EXPECT_EQ(r.match.when->text(), "abs(source - target) < 1");
  EXPECT_EQ(r.interpret.abs_tolerance, "0.01");   // a TOML float becomes canonical decimal text
  EXPECT_EQ(r.interpret.rel_tolerance, "0.000001");
  EXPECT_EQ(r.interpret.ulps, 4);
  EXPECT_EQ(r.outcome.category, "precision_drift");
  EXPECT_EQ(r.outcome.severity, 4);
  EXPECT_EQ(r.outcome.action, Action::Tolerate);
}

TEST(RuleFile, ParsesTimeAndTextInterpretationsAndDefaults) {
  const RuleSet set = parse(rule("t", R"(interpret.time_tolerance = "1ms"
interpret.truncate_to = "ms"
interpret.round_to = "10ms")") + rule("x", R"(match.type = "text"
interpret.trim_trailing = true
interpret.case_insensitive = true
interpret.unicode_nfc = true
interpret.null_equals_empty = true
interpret.json = true
outcome.severity = 1)") + rule("i", "interpret.ignore = true\nmatch.category = [\"changed\", \"changed\"]"));
  ASSERT_EQ(set.rules.size(), 3u);
  const Interpretation& t = set.rules[0].interpret;
  EXPECT_EQ(t.time_tolerance_us, 1000);
  EXPECT_EQ(t.truncate_us, 1000);
  EXPECT_EQ(t.round_us, 10000);
  const Interpretation& x = set.rules[1].interpret;
  EXPECT_TRUE(x.trim_trailing && x.case_insensitive && x.unicode_nfc && x.null_equals_empty && x.json);
  EXPECT_EQ(set.rules[1].outcome.severity, 1);
  EXPECT_TRUE(set.rules[2].interpret.ignore);
  EXPECT_EQ(set.rules[2].match.categories.size(), 1u);  // duplicates collapse
  // Defaults: P3 report; [unmatched] absent = P2 fix.
  EXPECT_EQ(set.rules[0].outcome.severity, 3);
  EXPECT_EQ(set.rules[0].outcome.action, Action::Report);
  EXPECT_FALSE(set.unmatched_set);
  EXPECT_EQ(set.unmatched_severity, 2);
  EXPECT_EQ(set.unmatched_action, Action::Fix);
  EXPECT_EQ(set.rules[0].origin, "r.toml:1");
}

TEST(RuleFile, TolerancesAcceptIntegersStringsAndInlineTables) {
  const RuleSet set = parse(R"([[rule]]
name = "a"
interpret = { abs_tolerance = 1, rel_tolerance = "0.0100" }
outcome = { category = "drift", severity = "p2", action = "fix" }
[[rule]]
name = "b"
outcome.category = "drift"
[rule.match]
type = "float"
[rule.interpret]
abs_tolerance = 1e-3
)");
  EXPECT_EQ(set.rules[0].interpret.abs_tolerance, "1");
  EXPECT_EQ(set.rules[0].interpret.rel_tolerance, "0.01");
  EXPECT_EQ(set.rules[0].outcome.severity, 2);
  EXPECT_EQ(set.rules[1].interpret.abs_tolerance, "0.001");
  EXPECT_EQ(set.rules[1].match.types, std::vector<TypeClass>{TypeClass::Float});
}

TEST(RuleFile, FirstUnmatchedTableWinsAcrossFiles) {
  RuleSet set;
  parse_rules_text("[unmatched]\nseverity = 3\naction = \"report\"\n", "a.toml", set);
  parse_rules_text("[unmatched]\nseverity = 1\n", "b.toml", set);
  EXPECT_EQ(set.files, (std::vector<std::string>{"a.toml", "b.toml"}));
  EXPECT_EQ(set.unmatched_severity, 3);
  EXPECT_EQ(set.unmatched_action, Action::Report);
}

TEST(RuleFile, EmptyFileIsConfiguredButHasNoRules) {
  const RuleSet set = parse("# nothing yet\n");
  EXPECT_FALSE(set.empty());
  EXPECT_TRUE(set.rules.empty());
  EXPECT_TRUE(RuleSet{}.empty());
}

TEST(RuleFileErrors, MalformedTomlNamesLineAndColumn) {
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\nx"), HasSubstr("r.toml:2:"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\nx"), HasSubstr("malformed TOML"));
}

TEST(RuleFileErrors, UnknownKeysSuggestTheClosest) {
  const std::string e = error_of(rule("resultado-drift", "interpret.abs_tolerence = \"0.01\""));
  EXPECT_THAT(e, HasSubstr("r.toml:4:"));
  EXPECT_THAT(e, HasSubstr("rule 'resultado-drift'"));
  EXPECT_THAT(e, HasSubstr("interpret.abs_tolerence"));
  EXPECT_THAT(e, HasSubstr("did you mean 'abs_tolerance'?"));
  EXPECT_THAT(error_of(rule("a", "match.colum = \"x\"")), HasSubstr("did you mean 'column'?"));
  EXPECT_THAT(error_of(rule("a", "outcome.severty = \"P1\"")), HasSubstr("did you mean 'severity'?"));
  EXPECT_THAT(error_of(rule("a", "descripton = \"x\"")), HasSubstr("did you mean 'description'?"));
  // A misspelt outcome key is reported as such, not as a missing outcome.category.
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\noutcome.categroy = \"x\"\n"), HasSubstr("did you mean 'category'?"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\noutcom.category = \"x\"\n"), HasSubstr("did you mean 'outcome'?"));
  EXPECT_THAT(error_of("[[rules]]\nname = \"a\"\n"), HasSubstr("r.toml:1: unknown top-level key 'rules' — did you mean 'rule'?"));
  EXPECT_THAT(error_of("[unmatched]\nseverity = 1\nactoin = \"fix\"\n"), HasSubstr("r.toml:3: [unmatched]: unknown key 'actoin'"));
  EXPECT_THAT(error_of("[rule]\nname = \"a\"\n"), HasSubstr("[[rule]] (double brackets)"));
}

TEST(RuleFileErrors, NameAndCategoryAreRequired) {
  EXPECT_THAT(error_of("\n[[rule]]\noutcome.category = \"x\"\n"), HasSubstr("r.toml:2: [[rule]] #1 has no name"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\n"), HasSubstr("r.toml:1: rule 'a' has no outcome.category"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\noutcome.severity = \"P1\"\n"), HasSubstr("has no outcome.category"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\noutcome.category = \"\"\n"), HasSubstr("has no outcome.category"));
}

TEST(RuleFileErrors, DuplicateNamesSayWhereTheFirstIs) {
  const std::string e = error_of(rule("a", "match.table = \"x\"") + rule("a", "match.table = \"y\""));
  EXPECT_THAT(e, HasSubstr("r.toml:5: rule name 'a' is already used by the rule at r.toml:1"));
  RuleSet set;
  parse_rules_text(rule("a", "match.table = \"x\""), "one.toml", set);
  try {
    parse_rules_text(rule("a", "match.table = \"y\""), "two.toml", set);
    FAIL() << "no error";
  } catch (const InputError& err) {
    EXPECT_THAT(err.what(), HasSubstr("two.toml:1: rule name 'a' is already used by the rule at one.toml:1"));
  }
}

TEST(RuleFileErrors, BadGlobs) {
  const std::string e = error_of(rule("a", "match.column = [\"ok\", \"valor_[ab\"]"));
  EXPECT_THAT(e, HasSubstr("r.toml:4: rule 'a': match.column 'valor_[ab' is not a valid glob: unclosed '['"));
  EXPECT_THAT(error_of(rule("a", "match.table = \"\"")), HasSubstr("empty pattern"));
}

TEST(RuleFileErrors, UnknownNamesSuggestTheClosest) {
  EXPECT_THAT(error_of(rule("a", "match.category = \"chnaged\"")),
              HasSubstr("match.category 'chnaged' is not a category — did you mean 'changed'?"));
  EXPECT_THAT(error_of(rule("a", "match.type = \"decmial\"")),
              HasSubstr("match.type 'decmial' is not a comparison class — did you mean 'decimal'?"));
  EXPECT_THAT(error_of(rule("a", "match.type = \"numeric\"")), HasSubstr("did you mean 'decimal'?"));
  EXPECT_THAT(error_of(rule("a", "match.type = \"invalid\"")), HasSubstr("is not a comparison class"));
  EXPECT_THAT(error_of(rule("a", "outcome.action = \"tolerat\"")),
              HasSubstr("r.toml:4: rule 'a': outcome.action 'tolerat' is not an action — did you mean 'tolerate'?"));
  EXPECT_THAT(error_of(rule("a", "outcome.severity = \"P5\"")), HasSubstr("'P5' is not a severity; use \"P1\""));
  EXPECT_THAT(error_of(rule("a", "outcome.severity = 0")), HasSubstr("0 is not a severity"));
  EXPECT_THAT(error_of(rule("a", "outcome.severity = \"critcal\"")), HasSubstr("is not a severity"));
}

TEST(RuleFileErrors, BadValues) {
  EXPECT_THAT(error_of(rule("a", "interpret.abs_tolerance = \"a cent\"")),
              HasSubstr("r.toml:4: rule 'a': interpret.abs_tolerance 'a cent' is not a number"));
  EXPECT_THAT(error_of(rule("a", "interpret.abs_tolerance = true")), HasSubstr("must be a number"));
  EXPECT_THAT(error_of(rule("a", "interpret.rel_tolerance = -0.5")), HasSubstr("is negative"));
  EXPECT_THAT(error_of(rule("a", "interpret.ulps = 1.5")), HasSubstr("interpret.ulps must be an integer"));
  EXPECT_THAT(error_of(rule("a", "interpret.time_tolerance = \"1 jiffy\"")),
              HasSubstr("interpret.time_tolerance '1 jiffy' is not a duration; write e.g. \"1ms\""));
  EXPECT_THAT(error_of(rule("a", "interpret.truncate_to = \"fortnight\"")), HasSubstr("is not a precision"));
  EXPECT_THAT(error_of(rule("a", "interpret.round_to = \"0ms\"")), HasSubstr("must be longer than 0"));
  EXPECT_THAT(error_of(rule("a", "interpret.json = \"yes\"")), HasSubstr("interpret.json must be true or false"));
  EXPECT_THAT(error_of(rule("a", "match.column = 3")), HasSubstr("must be a string or an array of strings"));
  EXPECT_THAT(error_of(rule("a", "match = 3")), HasSubstr("match must be a table"));
  EXPECT_THAT(error_of(rule("a", "match.when = \"source >\"")), HasSubstr("r.toml:4"));
}

TEST(RuleFileErrors, InterpretationThatFitsNoneOfTheTypes) {
  const std::string e = error_of(rule("a", "match.type = \"decimal\"\ninterpret.trim_trailing = true"));
  EXPECT_THAT(e, HasSubstr("r.toml:1: rule 'a' can never match: interpret.trim_trailing applies to none of its types (decimal)"));
  EXPECT_THAT(e, HasSubstr("it applies to text"));
  EXPECT_THAT(error_of(rule("a", "match.type = [\"text\", \"date\"]\ninterpret.ulps = 2")), HasSubstr("interpret.ulps"));
  // Without match.type every class counts, and a field fitting one listed type is fine.
  EXPECT_EQ(error_of(rule("a", "interpret.ulps = 2") + rule("b", "match.type = [\"text\", \"decimal\"]\n"
                                                                  "interpret.trim_trailing = true\n"
                                                                  "interpret.abs_tolerance = 1")),
            "(no error)");
}

TEST(RuleFileErrors, MissingRowsHaveNoColumns) {
  for (const std::string extra : {"match.column = \"email\"", "match.type = \"text\"", "match.when = \"true\"",
                                  "interpret.ignore = true"}) {
    const std::string e = error_of(rule("m", "match.category = \"missing_in_target\"\n" + extra));
    EXPECT_THAT(e, HasSubstr("r.toml:1: rule 'm' can never match: it is about missing_in_target rows")) << extra;
    EXPECT_THAT(e, HasSubstr("no column pair")) << extra;
  }
  EXPECT_THAT(error_of(rule("m", "match.category = [\"changed\", \"missing_in_source\"]\nmatch.column = \"x\"")),
              HasSubstr("missing_in_source"));
  EXPECT_EQ(error_of(rule("m", "match.category = \"missing_in_target\"\nmatch.table = \"clientes\"")), "(no error)");
}

TEST(RuleFileErrors, ShadowedRules) {
  const std::string e = error_of(rule("all", "") + rule("later", "match.table = \"simulacoes\"\nmatch.column = \"resultado\""));
  EXPECT_THAT(e, HasSubstr("r.toml:5: rule 'later' can never match: rule 'all' (r.toml:1) comes first"));
  // A "*" entry covers anything; literal lists cover their subsets (case-insensitively).
  EXPECT_THAT(error_of(rule("a", "match.table = [\"x\", \"*\"]\nmatch.type = [\"text\", \"json\"]") +
                       rule("b", "match.table = \"y\"\nmatch.type = \"text\"")),
              HasSubstr("rule 'b' can never match: rule 'a'"));
  EXPECT_THAT(error_of(rule("a", "match.column = [\"A\", \"b\"]") + rule("b", "match.column = \"a\"")),
              HasSubstr("can never match"));
  // Across files loaded together.
  RuleSet set;
  parse_rules_text(rule("missing", "match.category = \"missing_in_target\""), "one.toml", set);
  try {
    parse_rules_text(rule("again", "match.category = \"missing_in_target\"\nmatch.table = \"clientes\""), "two.toml", set);
    FAIL() << "no error";
  } catch (const InputError& err) {
    EXPECT_THAT(err.what(), HasSubstr("two.toml:1: rule 'again' can never match: rule 'missing' (one.toml:1)"));
  }
}

TEST(RuleFileErrors, NotShadowedWhenTheEarlierRuleIsNarrower) {
  const std::string ok = "(no error)";
  // An earlier rule with a condition, an interpretation, or narrower lists leaves room.
  EXPECT_EQ(error_of(rule("a", "match.when = \"source is null\"") + rule("b", "")), ok);
  EXPECT_EQ(error_of(rule("a", "interpret.ignore = true") + rule("b", "")), ok);
  EXPECT_EQ(error_of(rule("a", "match.table = \"x\"") + rule("b", "")), ok);
  EXPECT_EQ(error_of(rule("a", "match.column = \"x*\"") + rule("b", "match.column = \"xy\"")), ok);  // globs are literal here
  EXPECT_EQ(error_of(rule("a", "match.type = \"text\"") + rule("b", "match.type = [\"text\", \"json\"]")), ok);
  EXPECT_EQ(error_of(rule("a", "") + rule("b", "match.category = [\"changed\", \"missing_in_target\"]")), ok);
  EXPECT_EQ(error_of(rule("a", "match.category = \"missing_in_source\"") + rule("b", "match.category = \"missing_in_target\"")), ok);
}

TEST(RuleFileErrors, UnreadableFiles) {
  try {
    load_rule_files({"/nonexistent/rules.toml"});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/rules.toml: cannot read the rules file"));
  }
  EXPECT_THROW(load_rule_files({std::filesystem::temp_directory_path()}), InputError);
}

TEST(RuleFile, LoadsFilesInOrder) {
  const auto dir = std::filesystem::temp_directory_path() / "recon_rule_file_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a.toml") << rule("a", "match.table = \"x\"");
  std::ofstream(dir / "b.toml") << "# b\n" << rule("b", "match.table = \"y\"");
  const RuleSet set = load_rule_files({dir / "a.toml", dir / "b.toml"});
  ASSERT_EQ(set.rules.size(), 2u);
  EXPECT_EQ(set.rules[1].origin, (dir / "b.toml").string() + ":2");
  EXPECT_EQ(set.files.size(), 2u);
  EXPECT_TRUE(load_rule_files({}).empty());
  std::filesystem::remove_all(dir);
}

TEST(Glob, MatchesCaseInsensitively) {
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("valor_*", "VALOR_credito"));
  EXPECT_TRUE(glob_match("simula?oes", "simulacoes"));
  EXPECT_FALSE(glob_match("simula?oes", "simulaoes"));
  EXPECT_TRUE(glob_match("*.simulacoes", "public.simulacoes"));
  EXPECT_FALSE(glob_match("simulacoes", "public.simulacoes"));
  EXPECT_TRUE(glob_match("[a-c]*", "Bravo"));
  EXPECT_FALSE(glob_match("[!a-c]*", "bravo"));
  EXPECT_TRUE(glob_match("[^a-c]*", "delta"));
  EXPECT_TRUE(glob_match("[]x]", "]"));
  EXPECT_TRUE(glob_match("a\\*", "a*"));
  EXPECT_FALSE(glob_match("a\\*", "ab"));
  EXPECT_TRUE(glob_match("*a*b*c*", "xxaxxbxxcxx"));
  EXPECT_FALSE(glob_match("*a*b*c*", "xxaxxcxxbxx"));
  EXPECT_TRUE(glob_match("a**", "a"));
  EXPECT_FALSE(glob_match("a?", "a"));
}

TEST(Glob, ExplainsBadPatterns) {
  EXPECT_EQ(glob_error("valor_*"), "");
  EXPECT_EQ(glob_error("[]]"), "");
  EXPECT_THAT(glob_error("valor_[ab"), HasSubstr("unclosed '['"));
  EXPECT_THAT(glob_error("[!]"), HasSubstr("unclosed '['"));
  EXPECT_THAT(glob_error("a\\"), HasSubstr("lone '\\'"));
  EXPECT_THAT(glob_error("[z-a]"), HasSubstr("reversed"));
  EXPECT_THAT(glob_error(""), HasSubstr("empty"));
}

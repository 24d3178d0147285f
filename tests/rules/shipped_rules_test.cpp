// The rule files shipped in rules/: they load, validate, and default.toml never tolerates.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <algorithm>
#include <filesystem>

#include "recon/core/errors.hpp"
#include "recon/rules/rules.hpp"

using namespace recon;
using namespace recon::rules;
using ::testing::HasSubstr;

namespace {
std::vector<std::filesystem::path> example_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(RECON_SOURCE_DIR) / "rules/examples"))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}
const std::filesystem::path kDefault = std::filesystem::path(RECON_SOURCE_DIR) / "rules/default.toml";
}  // namespace

TEST(ShippedRules, DefaultClassifiesButNeverTolerates) {
  const RuleSet set = load_rule_files({kDefault});
  ASSERT_GE(set.rules.size(), 9u);
  EXPECT_NE(set.unmatched_action, Action::Tolerate);
  for (const Rule& r : set.rules) {
    EXPECT_NE(r.outcome.action, Action::Tolerate) << r.name;  // docs/cli.md, Equality
    EXPECT_FALSE(r.interpret.ignore) << r.name;
    EXPECT_FALSE(r.description.empty()) << r.name;
  }
  for (const char* name : {"trailing_space", "letter_case", "unicode_normalisation", "null_vs_empty",
                           "sub_millisecond_drift", "rounding_drift", "missing_in_target", "missing_in_source"})
    EXPECT_TRUE(std::any_of(set.rules.begin(), set.rules.end(), [&](const Rule& r) { return r.name == name; })) << name;
  EXPECT_EQ(set.rules.back().name, "changed");  // the catch-all comes last
}

TEST(ShippedRules, DefaultNamesTheKindOfDifferenceAndStillFixesIt) {
  const RuleSet set = load_rule_files({kDefault});
  const std::vector<RuleColumn> columns = {{"nome", TypeClass::Text}, {"valor", TypeClass::Decimal}};
  const TableRules tr(RuleSet{}, set, {"clientes"}, columns);
  auto row = [](const std::string& nome, const std::string& valor) {
    std::string out;
    canon::put_text(out, nome);
    canon::put_decimal(out, valor);
    return out;
  };
  Divergence d;
  d.columns = {0, 1};
  d.source_values = row("Ana", "10.00");
  d.target_values = row("Ana ", "10.01");
  tr.evaluate(d);
  EXPECT_EQ(d.finding.status, Status::Open);
  EXPECT_EQ(d.finding.action, Action::Fix);
  EXPECT_EQ(d.finding.fix_columns, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_THAT(d.finding.explanation, HasSubstr("nome: trailing_space by 'trailing_space'"));
  EXPECT_THAT(d.finding.explanation, HasSubstr("valor: rounding_drift by 'rounding_drift'"));
  Divergence m;
  m.category = Category::MissingInTarget;
  m.source_values = row("Ana", "1");
  tr.evaluate(m);
  EXPECT_EQ(m.finding.category, "missing_in_target");
  EXPECT_EQ(m.finding.rule, "missing_in_target");
  EXPECT_EQ(m.finding.action, Action::Fix);
}

TEST(ShippedRules, ExamplesLoadAloneAndTogetherBeforeTheDefaults) {
  const auto files = example_files();
  ASSERT_EQ(files.size(), 4u);  // clientes, grupos, produtos, simulacoes
  for (const auto& f : files) {
    const RuleSet set = load_rule_files({f});
    EXPECT_FALSE(set.rules.empty()) << f;
    for (const Rule& r : set.rules) EXPECT_FALSE(r.match.tables.empty()) << r.name;
  }
  auto all = files;
  all.push_back(kDefault);
  EXPECT_NO_THROW(load_rule_files(all));
  // After the defaults they are pre-empted by the catch-all, and recon says so.
  auto wrong = files;
  wrong.insert(wrong.begin(), kDefault);
  try {
    load_rule_files(wrong);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("can never match"));
  }
}

TEST(ShippedRules, ClientesExampleToleratesEmailCaseAndEscalatesALostCustomer) {
  const RuleSet own = load_rule_files({std::filesystem::path(RECON_SOURCE_DIR) / "rules/examples/clientes.toml"});
  const RuleSet defaults = load_rule_files({kDefault});
  const std::vector<RuleColumn> columns = {{"email", TypeClass::Text}, {"cpf", TypeClass::Text}};
  const TableRules tr(own, defaults, {"clientes", "public.clientes"}, columns);
  auto row = [](const std::string& email, const std::string& cpf) {
    std::string out;
    canon::put_text(out, email);
    canon::put_text(out, cpf);
    return out;
  };
  Divergence d;
  d.columns = {0};
  d.source_values = row("Ana@Example.com", "1");
  d.target_values = row("ana@example.com", "1");
  tr.evaluate(d);
  EXPECT_EQ(d.finding.status, Status::Tolerated);
  EXPECT_EQ(d.finding.category, "email_case");
  Divergence m;
  m.category = Category::MissingInTarget;
  m.source_values = d.source_values;
  tr.evaluate(m);
  EXPECT_EQ(m.finding.category, "lost_customer");
  EXPECT_EQ(m.finding.action, Action::Escalate);
  Divergence s;
  s.category = Category::MissingInSource;
  s.target_values = d.source_values;
  tr.evaluate(s);
  EXPECT_EQ(s.finding.rule, "missing_in_source");  // not in the example: the default decides
}

#include <gtest/gtest.h>

#include "recon/engine/columns.hpp"

using namespace recon;

namespace {
ColumnInfo col(const std::string& name, std::optional<TypeClass> cls, const std::string& type = "t", bool dynamic = false) {
  ColumnInfo c;
  c.name = name;
  c.type_class = cls;
  c.type_name = type;
  c.dynamic = dynamic;
  return c;
}

TableInfo table(const std::string& name, std::vector<ColumnInfo> cols, std::vector<std::vector<std::string>> keys) {
  TableInfo t;
  t.ref = TableRef::parse(name);
  t.columns = std::move(cols);
  t.unique_keys = std::move(keys);
  return t;
}

TableJob job_for(const std::string& name) {
  TableJob j;
  j.name = name;
  j.line = 12;
  return j;
}
}  // namespace

TEST(CompareClass, TargetDecidesAndNumbersWiden) {
  EXPECT_EQ(compare_class(col("a", TypeClass::Integer), col("a", TypeClass::Decimal), false), TypeClass::Decimal);
  EXPECT_EQ(compare_class(col("a", TypeClass::Decimal), col("a", TypeClass::Integer), false), TypeClass::Decimal);
  EXPECT_EQ(compare_class(col("a", TypeClass::Decimal), col("a", TypeClass::Float), false), TypeClass::Float);
  EXPECT_EQ(compare_class(col("a", TypeClass::Text), col("a", TypeClass::Uuid), false), TypeClass::Uuid);
  EXPECT_EQ(compare_class(col("a", TypeClass::Text), col("a", TypeClass::Json), false), TypeClass::Json);
  EXPECT_FALSE(compare_class(col("a", TypeClass::Timestamp), col("a", TypeClass::TimestampTz), false));
  EXPECT_FALSE(compare_class(col("a", TypeClass::Bytes), col("a", TypeClass::Text), false));
  EXPECT_FALSE(compare_class(col("a", std::nullopt), col("a", TypeClass::Text), false));
}

TEST(CompareClass, DynamicSideTakesTheStrictSidesClass) {
  EXPECT_EQ(compare_class(col("a", TypeClass::Text, "TEXT", true), col("a", TypeClass::Timestamp), false), TypeClass::Timestamp);
  EXPECT_EQ(compare_class(col("a", TypeClass::Timestamp), col("a", TypeClass::Text, "TEXT", true), false), TypeClass::Timestamp);
  EXPECT_EQ(compare_class(col("a", TypeClass::Text, "TEXT", true), col("a", TypeClass::Decimal, "NUMERIC", true), false),
            TypeClass::Decimal);
  EXPECT_EQ(compare_class(col("a", TypeClass::Text), col("a", TypeClass::Text), true), TypeClass::Json);
  EXPECT_FALSE(compare_class(col("a", TypeClass::Integer), col("a", TypeClass::Text), true));
}

TEST(ResolveTable, PairsByMapExactAndCaseInsensitiveNames) {
  TableInfo src = table("dbo.Simulacoes", {col("ID_Simulacao", TypeClass::Integer), col("Valor", TypeClass::Decimal),
                                           col("Legacy", TypeClass::Text), col("nota", TypeClass::Text)},
                        {{"ID_Simulacao"}});
  TableInfo tgt = table("public.simulacoes", {col("id_simulacao", TypeClass::Integer), col("valor", TypeClass::Decimal),
                                              col("observacao", TypeClass::Text), col("novo", TypeClass::Text)},
                        {{"id_simulacao"}});
  TableJob job = job_for("simulacoes");
  job.key = {"id_simulacao"};
  job.column_map["nota"] = "observacao";
  std::vector<std::string> errors;
  TableContext ctx = resolve_table(job, src, tgt, RunOptions{}, errors);
  ASSERT_TRUE(errors.empty()) << errors.front();
  ASSERT_EQ(ctx.source_keys.size(), 1u);
  EXPECT_EQ(ctx.source_keys[0].name, "ID_Simulacao");
  ASSERT_EQ(ctx.target_values.size(), 2u);
  EXPECT_EQ(ctx.source_values[0].name, "Valor");
  EXPECT_EQ(ctx.source_values[1].name, "nota");
  EXPECT_EQ(ctx.target_values[1].name, "observacao");
  ASSERT_EQ(ctx.notes.size(), 2u);  // "novo" only in the target, "Legacy" only in the source
}

TEST(ResolveTable, EveryProblemIsNamed) {
  TableInfo src = table("s.t", {col("id", TypeClass::Integer), col("v", TypeClass::Timestamp), col("w", std::nullopt, "interval")}, {});
  TableInfo tgt = table("t.t", {col("id", TypeClass::Integer), col("v", TypeClass::TimestampTz), col("w", TypeClass::Text)}, {{"id"}});
  TableJob job = job_for("t");
  job.key = {"id"};
  job.ignore_columns = {"nope"};
  std::vector<std::string> errors;
  resolve_table(job, src, tgt, RunOptions{}, errors);
  auto has = [&](const std::string& needle) {
    for (const auto& e : errors)
      if (e.find(needle) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("column 'nope' is not in target table t.t"));
  EXPECT_TRUE(has("not the primary key or a unique index of source table s.t"));
  EXPECT_TRUE(has("column 'v': source type t and target type t cannot be compared"));
  EXPECT_TRUE(has("column 'w' has type interval on the source side"));
  for (const auto& e : errors) EXPECT_EQ(e.rfind("table t (job line 12): ", 0), 0u) << e;
}

TEST(ResolveTable, KeyDefaultsToTheTargetsPrimaryKeyAndTrustKeySkipsTheCheck) {
  TableInfo src = table("s", {col("a", TypeClass::Integer), col("b", TypeClass::Text)}, {});
  TableInfo tgt = table("t", {col("a", TypeClass::Integer), col("b", TypeClass::Text)}, {{"a"}});
  TableJob job = job_for("t");
  job.trust_key = true;
  std::vector<std::string> errors;
  TableContext ctx = resolve_table(job, src, tgt, RunOptions{}, errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(ctx.target_keys.size(), 1u);
  EXPECT_EQ(ctx.target_keys[0].name, "a");
}

TEST(ResolveTable, CharPaddingIsIgnoredWhenEitherSideIsChar) {
  ColumnInfo padded = col("c", TypeClass::Text, "character(10)");
  padded.padded_char = true;
  TableInfo src = table("s", {col("id", TypeClass::Integer), col("c", TypeClass::Text, "varchar")}, {{"id"}});
  TableInfo tgt = table("t", {col("id", TypeClass::Integer), padded}, {{"id"}});
  TableJob job = job_for("t");
  std::vector<std::string> errors;
  TableContext ctx = resolve_table(job, src, tgt, RunOptions{}, errors);
  ASSERT_TRUE(errors.empty());
  EXPECT_TRUE(ctx.select_values_source[0].trim_padding);
  EXPECT_TRUE(ctx.select_values_target[0].trim_padding);
}

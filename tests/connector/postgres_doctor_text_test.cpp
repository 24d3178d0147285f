// EXPLAIN reading, the key index and the least-privilege statements of doctor on PostgreSQL
// (no server needed; postgres_doctor_test.cpp runs them against one).
#include <gtest/gtest.h>

#include "../../src/connector/postgres/pg_doctor_text.hpp"
#include "../../src/connector/postgres/pg_types.hpp"
#include "recon/core/errors.hpp"

namespace recon::pg {
namespace {

SelectColumn key(const std::string& name, std::uint32_t type_oid, TypeClass cls) {
  SelectColumn c;
  c.native.name = name;
  c.native.type_oid = type_oid;
  c.native.type_class = cls;
  c.compare_as = cls;
  return c;
}

// The shape PostgreSQL 15 prints for EXPLAIN (FORMAT JSON) (abridged to the fields read).
constexpr const char* kIndexPlan = R"([{"Plan": {"Node Type": "Index Scan", "Parallel Aware": false,
  "Scan Direction": "Forward", "Index Name": "t_pkey", "Relation Name": "t", "Schema": "public",
  "Alias": "t", "Startup Cost": 0.29, "Total Cost": 318.29, "Plan Rows": 10000, "Plan Width": 37}}])";
constexpr const char* kSortPlan = R"([{"Plan": {"Node Type": "Sort", "Plan Rows": 10000,
  "Sort Key": ["((k)::text) COLLATE \"C\""], "Plans": [{"Node Type": "Seq Scan",
  "Parent Relationship": "Outer", "Relation Name": "t", "Schema": "public", "Plan Rows": 10000}]}}])";
constexpr const char* kMergeAppend = R"([{"Plan": {"Node Type": "Merge Append", "Plans": [
  {"Node Type": "Index Only Scan", "Index Name": "p1_pkey", "Relation Name": "p1", "Schema": "s"},
  {"Node Type": "Index Only Scan", "Index Name": "p2_pkey", "Relation Name": "p2", "Schema": "s"}]}}])";

TEST(PostgresDoctorText, AnIndexScanIsKeyOrderNamingTheIndex) {
  const RangeReadFacts f = range_read_from_explain(kIndexPlan);
  ASSERT_TRUE(f.uses_key_index.has_value());
  EXPECT_TRUE(*f.uses_key_index);
  EXPECT_EQ(f.index, "t_pkey");
  EXPECT_EQ(f.plan, "Index Scan using t_pkey on public.t");
}

TEST(PostgresDoctorText, ASortOverASeqScanIsNotKeyOrder) {
  const RangeReadFacts f = range_read_from_explain(kSortPlan);
  EXPECT_FALSE(*f.uses_key_index);
  EXPECT_EQ(f.index, "");
  EXPECT_EQ(f.plan, "Sort (((k)::text) COLLATE \"C\") > Seq Scan on public.t");
}

TEST(PostgresDoctorText, AMergeAppendOfIndexScansIsKeyOrderNamingEveryIndex) {
  const RangeReadFacts f = range_read_from_explain(kMergeAppend);
  EXPECT_TRUE(*f.uses_key_index);
  EXPECT_EQ(f.index, "p1_pkey, p2_pkey");
}

TEST(PostgresDoctorText, TextThatIsNotAPlanIsAnInputError) {
  EXPECT_THROW(range_read_from_explain("QUERY PLAN"), InputError);
  EXPECT_THROW(range_read_from_explain("[{}]"), InputError);
}

TEST(PostgresDoctorText, TheKeyIndexOrdersTextKeysByBytes) {
  RangeQuery q;
  q.table = TableRef{"sales", "Orders"};
  q.keys = {key("region", oid::kText, TypeClass::Text), key("id", oid::kInt8, TypeClass::Integer)};
  EXPECT_EQ(key_index_statement(q), R"(CREATE INDEX ON "sales"."Orders" ("region" COLLATE "C", "id"))");
  q.keys = {key("code", 16400, TypeClass::Text)};  // citext: indexed as its text
  EXPECT_EQ(key_index_statement(q), R"(CREATE INDEX ON "sales"."Orders" (("code"::text) COLLATE "C"))");
}

TEST(PostgresDoctorText, LeastPrivilegeReadsOnlyAndTheApplyRoleAddsOnlyTheThreeWrites) {
  const std::vector<TableRef> tables = {TableRef{"public", "a"}, TableRef{"Sales", "b"}, TableRef{"public", "c"}};
  const auto read = least_privilege_statements("shop", tables, "recon_reader", false);
  const std::vector<std::string> expected = {
      read[0],  // the comment
      R"(CREATE ROLE "recon_reader" LOGIN;)",
      R"(ALTER ROLE "recon_reader" SET default_transaction_read_only = on;)",
      R"(GRANT CONNECT ON DATABASE "shop" TO "recon_reader";)",
      R"(GRANT USAGE ON SCHEMA "Sales" TO "recon_reader";)",
      R"(GRANT USAGE ON SCHEMA "public" TO "recon_reader";)",
      R"(GRANT SELECT ON TABLE "public"."a" TO "recon_reader";)",
      R"(GRANT SELECT ON TABLE "Sales"."b" TO "recon_reader";)",
      R"(GRANT SELECT ON TABLE "public"."c" TO "recon_reader";)"};
  EXPECT_EQ(read, expected);
  EXPECT_EQ(read[0].rfind("--", 0), 0u);
  // recon apply's role (doctor names it <role>_apply): the same reads, then the three writes.
  const auto apply = least_privilege_statements("shop", tables, "recon_reader_apply", true);
  ASSERT_EQ(apply.size(), read.size() + 2);  // no read-only default, three GRANTs of writes
  EXPECT_EQ(apply[1], R"(CREATE ROLE "recon_reader_apply" LOGIN;)");
  EXPECT_EQ(apply[read.size() - 2], R"(GRANT SELECT ON TABLE "public"."c" TO "recon_reader_apply";)");
  EXPECT_EQ(apply[read.size() - 1], R"(GRANT INSERT, UPDATE, DELETE ON TABLE "public"."a" TO "recon_reader_apply";)");
  EXPECT_EQ(apply.back(), R"(GRANT INSERT, UPDATE, DELETE ON TABLE "public"."c" TO "recon_reader_apply";)");
}

}  // namespace
}  // namespace recon::pg

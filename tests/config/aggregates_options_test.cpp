// [[aggregates]] entries: parsed into TableJobs whose rows are groups (docs/aggregates.md).
#include <gtest/gtest.h>

#include "recon/config/job.hpp"
#include "recon/core/errors.hpp"

using namespace recon;

namespace {

const char* kHead = R"([source]
kind = "postgres"
url  = "postgresql://recon@127.0.0.1:5432/ops"

[target]
kind = "postgres"
url  = "postgresql://recon@127.0.0.1:5432/dw"
)";

RunOptions parse(const std::string& entries) { return parse_job_text(kHead + entries, "job.toml", "/jobs"); }

std::string message_of(const std::string& entries) {
  try {
    parse(entries);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(AggregatesOptions, QueriesGroupByMeasuresAndTolerance) {
  const RunOptions o = parse(R"(
[[aggregates]]
name = "energy_unit_day"
source_query = """
  SELECT unit_id, day, sum(kwh) AS kwh, count(*) AS readings FROM ops_energy GROUP BY 1, 2 ;
"""
target_query = "SELECT unit_id, day, kwh, readings FROM fact_by_unit_day"
source_rows = "SELECT unit_id, day, device_id, kwh FROM ops_energy;"
group_by = ["unit_id", "day"]
measures = { readings = "count", kwh = "sum" }
tolerance = { kwh = 0.01, readings = { rel = "1e-3" } }
)");
  ASSERT_EQ(o.tables.size(), 1u);
  const TableJob& t = o.tables[0];
  ASSERT_TRUE(t.aggregate);
  EXPECT_EQ(t.name, "energy_unit_day");
  EXPECT_EQ(t.source.query, "SELECT unit_id, day, sum(kwh) AS kwh, count(*) AS readings FROM ops_energy GROUP BY 1, 2");
  EXPECT_EQ(t.target.query, "SELECT unit_id, day, kwh, readings FROM fact_by_unit_day");
  EXPECT_EQ(t.aggregate->source_rows, "SELECT unit_id, day, device_id, kwh FROM ops_energy");
  EXPECT_TRUE(t.aggregate->target_rows.empty());
  EXPECT_EQ(t.key, (std::vector<std::string>{"unit_id", "day"}));
  EXPECT_TRUE(t.trust_key);
  // The job file's order, not toml++'s sorted one.
  EXPECT_EQ(t.columns, (std::vector<std::string>{"readings", "kwh"}));
  EXPECT_TRUE(t.aggregate->is_count("readings"));
  EXPECT_FALSE(t.aggregate->is_count("kwh"));
  EXPECT_EQ(t.aggregate->tolerance.at("kwh").abs, "0.01");
  EXPECT_FALSE(t.aggregate->tolerance.at("kwh").rel);
  EXPECT_EQ(t.aggregate->tolerance.at("readings").rel, "0.001");
}

TEST(AggregatesOptions, ATableSideIsGroupedByTheMeasures) {
  const RunOptions o = parse(R"(
[[tables]]
source = "public.users"
key = ["user_id"]

[[aggregates]]
name = "fact"
source_query = "SELECT unit_id, sum(kwh) AS kwh, count(*) AS readings FROM energy GROUP BY unit_id"
target_table = "dw.fact_energy_by_unit"
group_by = "unit_id"
measures = { kwh = "sum", readings = "count" }
)");
  ASSERT_EQ(o.tables.size(), 2u);
  EXPECT_FALSE(o.tables[0].aggregate);
  const TableJob& t = o.tables[1];
  EXPECT_EQ(t.target.query,
            "SELECT unit_id, sum(kwh) AS kwh, count(*) AS readings FROM dw.fact_energy_by_unit GROUP BY unit_id");
  EXPECT_EQ(t.target.display(), "dw.fact_energy_by_unit");
  EXPECT_EQ(t.source.display(), "fact source query");
}

TEST(AggregatesOptions, TheRowCountIsAMeasureOfItsOwnUnlessTurnedOff) {
  const std::string entry = R"(
[[aggregates]]
name = "fact"
source_table = "energy"
target_table = "dw.fact_energy_by_unit"
group_by = "unit_id"
measures = { kwh = "sum" }
)";
  const TableJob counted = parse(entry).tables.at(0);
  EXPECT_TRUE(counted.aggregate->row_count);
  EXPECT_EQ(counted.columns, (std::vector<std::string>{"kwh", "row_count"}));
  EXPECT_TRUE(counted.aggregate->is_count("row_count"));
  EXPECT_EQ(counted.source.query, "SELECT unit_id, sum(kwh) AS kwh, count(*) AS row_count FROM energy GROUP BY unit_id");
  const TableJob off = parse(entry + "row_count = false\n").tables.at(0);
  EXPECT_FALSE(off.aggregate->row_count);
  EXPECT_EQ(off.columns, (std::vector<std::string>{"kwh"}));
  EXPECT_EQ(off.target.query, "SELECT unit_id, sum(kwh) AS kwh FROM dw.fact_energy_by_unit GROUP BY unit_id");
  // A listed "count" measure is the row count already: nothing is added.
  const TableJob listed = parse(R"(
[[aggregates]]
name = "fact"
source_table = "energy"
target_table = "fact"
group_by = "unit_id"
measures = { kwh = "sum", readings = "count" }
)").tables.at(0);
  EXPECT_EQ(listed.columns, (std::vector<std::string>{"kwh", "readings"}));
}

TEST(AggregatesOptions, MistakesNameTheEntryAndWhatToDo) {
  EXPECT_NE(message_of("[[aggregates]]\nname = \"a\"\nsource_query = \"SELECT 1 AS g\"\ntarget_query = \"SELECT 1 AS g\"\n")
                .find("group_by is missing"),
            std::string::npos);
  EXPECT_NE(message_of("[[aggregates]]\nname = \"a\"\nsource_query = \"SELECT 1 AS g\"\ngroup_by = \"g\"\n")
                .find("target_query is missing"),
            std::string::npos);
  EXPECT_NE(message_of("[[aggregates]]\nname = \"a\"\nsource_query = \"q\"\ntarget_table = \"t\"\ngroup_by = \"g\"\n")
                .find("measures is missing"),
            std::string::npos);
  const std::string kind = message_of("[[aggregates]]\nname = \"a\"\nsource_query = \"q\"\ntarget_query = \"q\"\n"
                                      "group_by = \"g\"\nmeasures = { kwh = \"total\" }\n");
  EXPECT_NE(kind.find("job.toml:13"), std::string::npos) << kind;
  EXPECT_NE(kind.find("measures.kwh must be one of sum, count"), std::string::npos) << kind;
  EXPECT_NE(message_of("[[aggregates]]\nname = \"a\"\nsource_query = \"q\"\ntarget_query = \"q\"\ngroup_by = \"g\"\n"
                       "measures = { kwh = \"sum\" }\ntolerance = { kwhh = 0.1 }\n")
                .find("names 'kwhh', which is not one of the measures (kwh, row_count)"),
            std::string::npos);
  EXPECT_NE(message_of("[[aggregates]]\nname = \"a\"\nsource_query = \"q\"\ntarget_query = \"q\"\ngroup_by = \"g\"\n"
                       "tolerance = { kwh = -1 }\n")
                .find("negative"),
            std::string::npos);
  EXPECT_NE(message_of("[[aggregates]]\nname = \"a\"\nsource_query = \"q\"\ntarget_query = \"q\"\ngroup_by = \"g\"\n"
                       "sorce_rows = \"q\"\n")
                .find("did you mean 'source_rows'"),
            std::string::npos);
  EXPECT_NE(message_of("[[tables]]\nsource = \"a\"\nkey = [\"id\"]\n[[aggregates]]\nname = \"a\"\nsource_query = \"q\"\n"
                       "target_query = \"q\"\ngroup_by = \"g\"\n")
                .find("both named 'a'"),
            std::string::npos);
}

}  // namespace

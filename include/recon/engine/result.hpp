#pragma once
/// What a run finds. A divergence is data: the engine produces these, writers consume them.

#include <cstdint>
#include <string>
#include <vector>

#include "recon/config/job.hpp"
#include "recon/connector/connector.hpp"
#include "recon/core/rows.hpp"

namespace recon {

enum class Category : std::uint8_t { MissingInTarget, MissingInSource, Changed };
/// "missing_in_target" | "missing_in_source" | "changed"
inline const char* category_name(Category c) {
  switch (c) {
    case Category::MissingInTarget: return "missing_in_target";
    case Category::MissingInSource: return "missing_in_source";
    case Category::Changed: break;
  }
  return "changed";
}

/// One row that differs.
struct Divergence {
  std::string key;            ///< canonical key encoding (canon::key_to_json renders it)
  Category category = Category::Changed;
  std::vector<std::uint32_t> columns;  ///< indexes into TableContext::values that differ (Changed)
  std::string source_values;  ///< canonical encodings of every compared column; empty if absent
  std::string target_values;  ///< same for the target; empty if absent
  Digest source_digest, target_digest;  ///< zero when the side is absent
};

/// Everything a writer needs to know about the table being compared, fixed before data moves.
struct TableContext {
  const TableJob* job = nullptr;
  std::string name;                          ///< report name
  std::vector<ColumnInfo> source_keys, target_keys;      ///< key columns, in key order
  std::vector<ColumnInfo> source_values, target_values;  ///< compared columns, pairwise
  std::vector<SelectColumn> select_keys_source, select_keys_target;
  std::vector<SelectColumn> select_values_source, select_values_target;
  Dialect target_dialect = Dialect::Postgres;
  std::string source_endpoint, target_endpoint;  ///< password-free
  std::vector<std::string> notes;  ///< e.g. columns present on one side only (not compared)
  std::int64_t chunk_rows = 50000;
  double slo = 0.9999;
};

/// Counts for one table (CONTRACT.md summary.json fields).
struct TableResult {
  std::string name;
  std::string source, target;  ///< as written in the job
  std::int64_t rows_source = 0, rows_target = 0, rows_compared = 0;
  std::int64_t matched = 0, missing_in_target = 0, missing_in_source = 0, changed = 0;
  std::int64_t ranges_total = 0, ranges_done = 0, ranges_failed = 0;
  double slo = 0.9999;
  bool partial = false;        ///< some ranges could not be compared (runtime failure)
  std::string error;           ///< the failure, password-free, when partial
  std::string fixup_sql;       ///< relative path in the output folder, e.g. "fixup/simulacoes.sql"
  std::vector<std::string> columns;  ///< compared target columns
  std::vector<std::string> notes;    ///< things a person should know (e.g. case-colliding keys)
  double seconds = 0;
  double consistency_index() const {
    return rows_compared == 0 ? 1.0 : static_cast<double>(matched) / static_cast<double>(rows_compared);
  }
};

/// The whole run.
struct RunResult {
  std::string run_id;
  std::string started_at, finished_at;  ///< ISO-8601 UTC, "2026-11-23T10:15:00Z"
  double started_epoch = 0, finished_epoch = 0;
  std::string mode = "full";
  std::uint64_t seed = 0;
  double sample_rate = 1.0;
  double slo = 0.9999;
  std::string status;   ///< consistent | divergent | error
  std::vector<TableResult> tables;
  std::string error;    ///< run-level failure, password-free
  /// Σ matched ÷ Σ rows_compared over the tables (1.0 when nothing was compared).
  double consistency_index() const {
    std::int64_t matched = 0, compared = 0;
    for (const auto& t : tables) {
      matched += t.matched;
      compared += t.rows_compared;
    }
    return compared == 0 ? 1.0 : static_cast<double>(matched) / static_cast<double>(compared);
  }
};

/// Consumes results as they are produced, in key order per table. Implementations: the audit
/// trail, the fix-up SQL writer. Called from one thread only (the run's writer), never concurrently.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void begin_table(const TableContext& table) = 0;
  virtual void divergences(const TableContext& table, const std::vector<Divergence>& batch) = 0;
  virtual void end_table(const TableContext& table, TableResult& result) = 0;
};

}  // namespace recon

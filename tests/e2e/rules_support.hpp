#pragma once
/// Shared pieces of the rules / recheck / explain end-to-end suites: the planted table (every kind
/// of difference the rules engine interprets), its truth computed on PostgreSQL, the rule files,
/// and checks of the rules-era summary.json fields.
///
/// As in the rest of the suite, expected numbers come from SQL on the engine, never from recon.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace e2e {

// ---- the planted table ---------------------------------------------------------------------

/// src.<t> and tgt.<t> (id int PK, amount numeric(12,3), name text, ts timestamp(6), status text,
/// updated_at timestamp), 2000 rows, then planted in the target on disjoint key sets: trailing
/// spaces on name, ts + 0.5 ms, amount + 0.001, amount + 0.02, status changed, rows deleted
/// (missing in target), rows added (missing in source), and rows with both a trailing space and
/// amount + 0.5 (one tolerable column, one that is not). Also creates view <t>_diff (see below).
void create_planted(PgDatabase& db, const std::string& t);

/// What the rules of planted_rules() must make of the planted table, counted on the engine from
/// view <t>_diff (one row per key on both sides, a flag per differing column and per tolerance).
struct PlantTruth {
  std::int64_t trailing = 0;        ///< only name differs, and only by trailing spaces
  std::int64_t ts_drift = 0;        ///< only ts differs, by at most 1 ms
  std::int64_t small_drift = 0;     ///< only amount differs, by at most 0.01
  std::int64_t big_drift = 0;       ///< only amount differs, by more than 0.01
  std::int64_t status = 0;          ///< status differs
  std::int64_t combo = 0;           ///< name differs by trailing spaces and amount by more than 0.01
  std::int64_t changed_rows = 0;    ///< keys on both sides with any differing column
  std::int64_t missing_in_target = 0, missing_in_source = 0, rows_compared = 0;
  std::int64_t tolerated() const { return trailing + ts_drift + small_drift; }
  std::int64_t open_changed() const { return changed_rows - tolerated(); }
  /// Every changed row is one of the planted kinds (no plant overlaps another by accident).
  bool kinds_cover_changed() const {
    return trailing + ts_drift + small_drift + big_drift + status + combo == changed_rows;
  }
};
PlantTruth planted_truth(PgDatabase& db, const std::string& t);

/// The rules of issue #4's checklist: trailing_space (trim_trailing), ts_drift (time_tolerance
/// 1ms), precision_drift (abs_tolerance 0.01 on decimal amount), all P4 tolerate; then, unless
/// `status_action` is empty, status_change (column status, P1, that action). No [unmatched]:
/// unmatched differences are P2 fix.
std::string planted_rules(const std::string& status_action);

/// One [[tables]] entry for src.<t> → tgt.<t> keyed on id, plus `extra` lines.
std::string table_toml(const std::string& t, const std::string& extra = "");

// ---- running recon ---------------------------------------------------------------------------

struct CheckRun {
  ProcResult proc;
  json summary;        ///< null when recon wrote none
  fs::path out;        ///< the output folder
  const json& table(const std::string& name) const { return table_entry(summary, name); }
};

/// `recon check --config job --out dir/<tag> --audit audit --no-progress extra…`.
CheckRun run_check(const fs::path& job, const fs::path& out, const fs::path& audit,
                   const std::vector<std::string>& extra = {}, int timeout_s = 120);

/// Applies a SQL file to `db` with psql (ON_ERROR_STOP).
ProcResult apply_sql(const PgDatabase& db, const fs::path& file);

// ---- summary.json and audit checks ----------------------------------------------------------

std::int64_t num(const json& table, const char* field);

/// rows_compared = matched + missing_in_target + missing_in_source + changed + in_flight +
/// suspended, and consistency_index = matched ÷ (rows_compared − in_flight − suspended).
void expect_invariants(const json& table);

/// Expects categories[name] = {count, "P<severity>", action}.
void expect_category(const json& table, const std::string& name, std::int64_t count, int severity,
                     const std::string& action);

/// divergences.status → count, for one run and table of an audit DB.
std::map<std::string, std::int64_t> audit_statuses(const fs::path& audit, const std::string& run_id,
                                                   const std::string& table);

}  // namespace e2e

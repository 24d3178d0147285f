#pragma once
/// Shared pieces of the `recon apply` end-to-end suites (apply_test.cpp on PostgreSQL,
/// apply_sqlite_test.cpp on SQLite): running `recon apply`, reading what it recorded in the audit
/// DB, and the engine-side truths an apply is judged by — two tables (or a table and its snapshot)
/// compared row for row with EXCEPT both ways, on the engine, never through recon.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace e2e {

// ---- running recon apply ---------------------------------------------------------------------

struct ApplyRun {
  ProcResult proc;
  json out;  ///< stdout parsed as JSON (with --json); null when it does not parse
  /// The "tables" entry of `name` in `out`; throws when absent.
  const json& table(const std::string& name) const;
  /// Key (as compact JSON text, e.g. "[42]") → {statement, rows, outcome, now_equal} of table `name`.
  std::map<std::string, json> keys(const std::string& name) const;
};

/// `recon apply --run RUN --audit AUDIT --no-progress [--json] extra…`.
ApplyRun run_apply(const fs::path& audit, const std::vector<std::string>& extra = {}, const std::string& run = "latest",
                   bool as_json = true, int timeout_s = 120, std::atomic<int>* started = nullptr);

/// `recon check --config JOB --out OUT --audit AUDIT --no-progress`.
ProcResult run_check_cmd(const fs::path& job, const fs::path& out, const fs::path& audit);

/// run_id of summary.json in `out`.
std::string run_id_of(const fs::path& out);

// ---- files -----------------------------------------------------------------------------------

/// SHA-256 hex of a file, computed by coreutils' sha256sum (independent of recon's own code).
std::string sha256_of(const fs::path& file);

/// Undo scripts (`fixup/*.undo-*.sql`) in an output folder, sorted.
std::vector<fs::path> undo_files(const fs::path& out_dir);

// ---- the audit DB ----------------------------------------------------------------------------

/// One row of `applies` as column → text ("<NULL>" for NULL).
using Row = std::map<std::string, std::string>;
/// Every `applies` row of the audit DB for `table` (all applies), oldest first.
std::vector<Row> applies_rows(const fs::path& audit, const std::string& table);
/// apply_keys.outcome → count for one apply and table.
std::map<std::string, std::int64_t> key_outcomes(const fs::path& audit, const std::string& apply_id,
                                                 const std::string& table);
std::int64_t audit_count(const fs::path& audit, const std::string& sql);

// ---- PostgreSQL truths -----------------------------------------------------------------------

/// Rows of (a EXCEPT b) plus rows of (b EXCEPT a), over `cols` ("*": every column; both tables
/// must then have the same columns in the same order). 0 means the two hold the same rows.
std::int64_t pg_diff(PgDatabase& db, const std::string& a, const std::string& b, const std::string& cols = "*");
/// DROP TABLE IF EXISTS snap; CREATE TABLE snap AS SELECT * FROM table.
void pg_snapshot(PgDatabase& db, const std::string& table, const std::string& snap);

// ---- SQLite truths ---------------------------------------------------------------------------

/// Rows of (a EXCEPT b) plus rows of (b EXCEPT a) between `ta` of file `a` and `tb` of file `b`.
std::int64_t sqlite_diff(const fs::path& a, const std::string& ta, const fs::path& b, const std::string& tb,
                         const std::string& cols = "*");

}  // namespace e2e

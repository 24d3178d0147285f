#pragma once
/// The audit trail: every run, its per-table results and its divergences, in a SQLite file.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "recon/audit/apply_record.hpp"
#include "recon/audit/chain.hpp"
#include "recon/audit/doctor_record.hpp"
#include "recon/audit/history.hpp"
#include "recon/audit/prune.hpp"
#include "recon/config/job.hpp"
#include "recon/model/result.hpp"
#include "recon/model/trend.hpp"
#include "recon/privacy/table_privacy.hpp"
#include "recon/sqlite/handle.hpp"

namespace recon {

/// What is known about a run when it starts.
struct AuditRunInfo {
  std::string run_id;
  std::string started_at;  ///< ISO-8601 UTC
  std::string host, user;
  std::string job_file, job_hash;
  std::string mode = "full";
  std::optional<std::uint64_t> seed;  ///< sample mode only
  double sample_rate = 1.0;
  std::string source_endpoint, target_endpoint;  ///< password-free (redacted again on write)
  std::string recon_version;
  std::string rules_hash;  ///< rule_files_hash of the job
  std::string job_sha256;  ///< SHA-256 of the job file's bytes
  std::string rule_files_json;  ///< rule_files_json of the job: each rule file and its SHA-256
  std::string out_dir;     ///< the output folder

  /// From the parsed job and the run being started; host and user come from the OS, endpoints are
  /// "<kind> <url>" with secrets redacted.
  static AuditRunInfo from(const RunOptions& options, const RunResult& run, const std::string& recon_version);
};

/// A row of `runs`, as the recheck, explain and check --resume commands need it.
struct StoredRun {
  std::string run_id, started_at, finished_at, job_file, job_hash, mode, status;
  double started_epoch = 0;  ///< parsed from started_at (seconds since 1970, UTC); 0 when unreadable
  double consistency_index = 0;
  std::string rules_hash, out_dir, seed, error;
  double sample_rate = 1.0;
  /// Ended under recon's own control and wrote its outputs: consistent, divergent, error or
  /// interrupted ("latest" is the newest such run). Running, abandoned and failed runs are not.
  bool finished() const {
    return status == "consistent" || status == "divergent" || status == "error" || status == "interrupted";
  }
  /// Stopped before its end (interrupted, abandoned, failed, error): --resume can continue it.
  bool resumable() const {
    return status == "interrupted" || status == "abandoned" || status == "failed" || status == "error";
  }
};

/// One range of a run's plan as recorded, and whether it was compared (its divergences recorded).
struct StoredRange {
  RangeRecord range;
  bool done = false;
};

/// A row of `divergences` recorded by schema version 2, decoded back to the engine's terms.
struct StoredDivergence {
  std::int64_t id = 0;
  std::string run_id, table_name, key_json;
  std::string key;                      ///< canonical key encoding (Divergence::key)
  Category category = Category::Changed;  ///< the raw category, as found by the run
  std::vector<std::uint32_t> columns;   ///< differing compared-column indexes (changed)
  std::string source_values, target_values;  ///< canonical encodings; empty when the side is absent
  Finding finding;                      ///< the latest: after the run's rules and every recheck
  std::int64_t range_index = -1;        ///< the range of the plan that found it (-1: not recorded)

  /// What the newest recheck of it saw (rechecks.source_canon / target_canon), when one was
  /// recorded: the row as recon last saw it. A side is absent when its *_present is false.
  bool rechecked = false;
  bool latest_source_present = false, latest_target_present = false;
  std::string latest_source_values, latest_target_values;

  /// The divergence as the engine knows it: key, raw category, columns, values and finding.
  Divergence to_divergence() const {
    Divergence d;
    d.key = key;
    d.category = category;
    d.columns = columns;
    d.source_values = source_values;
    d.target_values = target_values;
    d.finding = finding;
    d.range_index = range_index;
    return d;
  }
};

/// SQLite audit database (schema: sql/audit/schema.sql, version kSchemaVersion), WAL mode.
///
/// Contract:
///  - open() creates the file and schema, or checks an existing one: an older file is migrated in
///    place (sql/audit/migrate_v*_v*.sql, then the chain's step to version 7) in the same write
///    transaction as the check, and runs whose heartbeat stopped are marked abandoned; a newer
///    schema version, a file that is not SQLite, or a SQLite file that is not a recon audit trail
///    is an InputError naming the file and what to do. Other SQLite failures are std::runtime_error.
///  - begin_run() records the run as "running"; the ResultSink methods record divergences (one
///    transaction per batch, prepared statement) and table results; finish_run() records the end
///    status and the final table results (so tables that never reached end_table are there too).
///  - Divergence JSON (unchanged since version 1): key_json = canon::key_to_json; values as
///    {target column: canon::to_json}, for changed rows only the differing columns, for missing
///    rows every compared column; the absent side is NULL.
///  - Version 2 also stores each divergence's canonical encodings (key_canon, source_canon,
///    target_canon: exactly Divergence::key/source_values/target_values, NULL for an absent side),
///    its differing column indexes and its Finding, so a later `recon recheck` / `recon explain`
///    works from the audit alone. Table results gain the rules' counts and categories.
///  - The readers (find_run … run_tables) and record_recheck need open() only, not begin_run().
///    Divergences of a run recorded by a version 1 recon have no canonical encodings: the readers
///    throw InputError naming the run and saying to run `recon check` again.
///  - Version 7: append-only and hash-chained (docs/audit.md). Every table this class writes is a
///    view over an append-only log (audit/chain.hpp): an UPDATE, INSERT OR REPLACE or DELETE through
///    it appends a record, and every record is chained. The SQL here is written against the views
///    as it was against the tables; a rowid read through a view is the row's as it would have been
///    in a table (an UPDATE keeps it, INSERT OR REPLACE gives a new one).
///  - Nothing stored contains a password: endpoints, errors and notes go through redact_secrets.
///  - Single writer: only the run's writer thread calls it. Other processes may share the file
///    (busy timeout), e.g. two scheduled jobs, or a recheck while tonight's check runs.
class AuditDb : public ResultSink {
 public:
  static constexpr int kSchemaVersion = 8;

  AuditDb() = default;
  ~AuditDb() override;
  AuditDb(const AuditDb&) = delete;
  AuditDb& operator=(const AuditDb&) = delete;

  void open(const std::filesystem::path& path);
  /// The job's PII key (RunOptions::pii_key): keys sealed by a table with sensitive key columns
  /// are opened with it when read. Without it, reading such a key is an InputError saying to set it.
  void set_pii_key(std::shared_ptr<const privacy::TokenKey> key) { pii_key_ = std::move(key); }
  bool is_open() const { return db_ != nullptr; }
  void close();
  const std::filesystem::path& path() const { return path_; }

  void begin_run(const AuditRunInfo& info);
  /// Continues a recorded run (check --resume): it is "running" again with a fresh heartbeat, and
  /// what its ranges not marked done had recorded (divergences of a range cut short, table results)
  /// is removed, so those ranges are compared and recorded once. The sink methods then add to it.
  void resume_run(const std::string& run_id);
  void begin_table(const TableContext& table) override;
  void divergences(const TableContext& table, const std::vector<Divergence>& batch) override;
  void end_table(const TableContext& table, TableResult& result) override;
  void ranges_planned(const TableContext& table, const std::vector<RangeRecord>& ranges) override;
  void range_done(const TableContext& table, const RangeRecord& range) override;
  /// Already recorded: nothing to do.
  void recorded_divergences(const TableContext&, const std::vector<Divergence>&) override {}
  /// Records the end: the run's status (consistent | divergent | error | interrupted), its index
  /// (NULL when not every table was wholly compared) and the final table results.
  void finish_run(const RunResult& run);
  /// Records a run that failed before comparing anything: status "failed", the reason, and the
  /// tables it names (partial, with the reason).
  void fail_run(const RunResult& run);

  /// Marks the runs still "running" whose heartbeat is older than `stale_after_s` (or absent) as
  /// "abandoned": their process was killed or their machine lost. open() does this with 60 s.
  /// Returns how many were marked.
  int mark_abandoned(double stale_after_s);
  /// Sets the running run's heartbeat_at to now, on a connection of its own (any thread). A run
  /// keeps one beating every 15 s while it runs (AuditHeartbeat).
  static void beat(const std::filesystem::path& path, const std::string& run_id);

  /// The plan recorded for a table of a run, in range order, with what was done; empty when the
  /// table was never planned.
  std::vector<StoredRange> stored_ranges(const std::string& run_id, const std::string& table);
  /// The divergences a run recorded for a table's ranges marked done, in id order.
  std::vector<Divergence> done_range_divergences(const std::string& run_id, const std::string& table);
  /// The newest run started after `run` that has not finished (running, abandoned, failed):
  /// "latest" skipped it, and a command says so.
  std::optional<StoredRun> newer_unfinished(const StoredRun& run);

  // ---- reading back: `recon recheck --run ID`, `recon explain --run ID` -------------------------

  /// The run with this id; "latest" means the most recent finished run in the file (by
  /// started_at, then insertion order; StoredRun::finished), or with `any` the most recent run
  /// whatever its status (check --resume latest). A skipped newer run: newer_unfinished. nullopt
  /// when unknown.
  std::optional<StoredRun> find_run(const std::string& run_id, bool any = false);
  /// Divergences of a run whose status is open, in_flight or suspended (what a recheck looks at),
  /// optionally only of one table; in id order. Empty for an unknown run. Throws InputError for a
  /// run recorded by a version 1 recon.
  std::vector<StoredDivergence> open_divergences(const std::string& run_id, const std::string& table = "");
  /// Every recorded divergence of a run's table, whatever its status, with its latest finding; in
  /// id order (the order the run recorded them). Throws InputError for a version 1 run.
  std::vector<StoredDivergence> table_divergences(const std::string& run_id, const std::string& table);
  /// One divergence (any status) by table and key JSON as canon::key_to_json renders it. The match
  /// ignores whitespace outside JSON strings, and a bare scalar means a one-column key ("42" is
  /// "[42]"). nullopt when absent; InputError when the run was recorded by a version 1 recon.
  std::optional<StoredDivergence> find_divergence(const std::string& run_id, const std::string& table,
                                                  const std::string& key_json);
  /// Records one recheck outcome, in one transaction: inserts a `rechecks` row (now's status,
  /// finding and canonical values; a side `now.category` says is absent is NULL) and updates the
  /// divergence row's status and finding fields (category, severity, action, rule, explanation,
  /// fix columns, recheck_attempts, converged_after_s) to now.finding's, so the caller counts
  /// attempts on from the stored finding. The row's raw category and values as first found stay.
  /// Throws std::invalid_argument for an unknown divergence id.
  /// `privacy` is the table's: sensitive columns of now's values are kept as tokens.
  void record_recheck(std::int64_t divergence_id, const std::string& recheck_id, const std::string& checked_at,
                      const Divergence& now, const privacy::TablePrivacy& privacy);
  /// Table names of a run in the order recorded (table results, then tables that only have
  /// divergences, e.g. a run that died mid-table). Empty for an unknown run.
  std::vector<std::string> run_tables(const std::string& run_id);

  // ---- history (audit_history.cpp): what `recon runs`, `show` and `history` print ----
  /// The newest `last` runs, newest first, with their tables; only runs that compared `table`
  /// when it is not empty.
  std::vector<RunRecord> list_runs(std::size_t last, const std::string& table = "");
  /// One run (`latest`: the newest finished) with its divergences by status and its applies;
  /// nullopt when there is no such run.
  std::optional<RunDetail> run_detail(const std::string& run_id);
  /// `key_json` (a JSON array in key order) of `table` in every run that compared the table,
  /// oldest first.
  std::vector<KeySighting> key_history(const std::string& table, const std::string& key_json);
  /// The `rechecks` rows of one divergence, oldest first (sql/audit/history_rechecks.sql).
  std::vector<RecheckSighting> divergence_rechecks(std::int64_t divergence_id);
  /// Each of `tables`' index in its newest `last` recorded runs up to and including `run_id`
  /// (ordered by started_at, then insertion, as "latest" is), oldest first, so `run_id`'s point is
  /// the last when it recorded the table. Runs still running, other than `run_id`, are left out; a
  /// partial table's point has no index. One TableTrend per name, in the order given (no points
  /// for a table no run recorded, or an unknown run).
  std::vector<TableTrend> table_trends(const std::string& run_id, const std::vector<std::string>& tables,
                                       std::size_t last = kTrendRuns);

  /// The chain's newest entry (seq, link hash): summary.json's "audit_chain" and the metrics
  /// recon_audit_chain_records / recon_audit_chain_head_info, so a copy kept elsewhere anchors it.
  audit::ChainHead chain_head();

  // ---- retention (audit_prune.cpp) --------------------------------------------------------------

  /// Removes the runs started before `cutoff` (ISO-8601 UTC) with every record of them (tables,
  /// ranges, divergences, rechecks, applies: every version in the logs) and their chain entries in
  /// one transaction (sql/audit/prune_*.sql), records the prune in `prunes` (when, `keep` as
  /// given, what, by whom), then appends a 'checkpoint' chain mark after it whose bridges_json
  /// names each gap left in the chain, so `recon audit verify` still passes. Kept whatever their age:
  /// a running run, a run an incremental watermark points at, and the newest finished run.
  /// `dry_run`: counts only, changes nothing.
  PruneResult prune(const std::string& cutoff, const std::string& keep, bool dry_run);
  /// Gives the freed pages back to the file system (VACUUM, outside any transaction). Returns the
  /// file's size in bytes before and after.
  std::pair<std::int64_t, std::int64_t> vacuum();

  // ---- sampled and incremental runs (audit_estimates.cpp) -------------------------------------

  /// Records how a sampled table's clusters were planned, for the running run.
  void record_cluster_plan(const std::string& table, const ClusterPlanInfo& plan);
  /// The cluster plan a run recorded for a table (--resume of a sampled run); nullopt when none.
  std::optional<ClusterPlanInfo> cluster_plan(const std::string& run_id, const std::string& table);
  /// The watermark and scrub position of a table checked incrementally; nullopt before its first
  /// successful incremental run.
  std::optional<IncrementalState> incremental_state(const std::string& identity);

  // ---- recon doctor (audit_doctor.cpp) ---------------------------------------------------------

  /// Appends one doctor_runs row (host, OS user and recon version from this process); endpoints
  /// and the report go through redact_secrets. Creates no `runs` row.
  void record_doctor_run(const DoctorRunRecord& run);
  /// The newest `last` doctor runs, newest first.
  std::vector<StoredDoctorRun> list_doctor_runs(std::size_t last);

  // ---- recon apply ----------------------------------------------------------------------------

  /// The fix-up file a run recorded for a table (relative to its out_dir) and its SHA-256 hex;
  /// empty strings when the run recorded none (a version 3 run, or a table never compared).
  std::pair<std::string, std::string> recorded_fixup(const std::string& run_id, const std::string& table);
  /// A recheck rewrote the table's fix-up file: its new SHA-256 becomes the recorded one (what
  /// `recon apply` checks the file against). The run's counts in table_results stay as the run
  /// found them; the rechecks table keeps what changed.
  void record_refreshed_fixup(const std::string& run_id, const std::string& table, const std::string& sha256);
  /// Divergence ids of a run's table that a committed apply repaired (re-read equal): a later
  /// apply skips them.
  std::vector<std::int64_t> repaired_divergences(const std::string& run_id, const std::string& table);
  /// Records one table of an apply and its keys, in one transaction.
  void record_apply(const ApplyRecord& apply, const std::vector<ApplyKeyRecord>& keys);
  /// The newest apply_keys row of a divergence, with its apply; nullopt when never applied.
  std::optional<StoredApplyKey> latest_apply(std::int64_t divergence_id);

  /// JSON object text {"col": value, ...} for the given compared-column indexes of a value
  /// encoding (all columns when `only` is null). Exposed for tests and incident tooling.
  static std::string values_json(const std::vector<ColumnInfo>& columns, std::string_view values,
                                 const std::vector<std::uint32_t>* only);
  /// {"precision_drift":{"count":3,"severity":"P4","action":"tolerate"}} ("{}" when none): the
  /// categories_json column, same shape as summary.json's "categories".
  static std::string categories_json(const TableResult& result);

 private:
  void exec(const char* sql);
  /// Divergence rows of `sql` (kDivergenceColumns …, ?1 = run_id, ?2 = table when not empty).
  std::vector<StoredDivergence> read_divergences(const std::string& sql, const std::string& run_id,
                                                 const std::string& table);
  /// Runs `body` inside BEGIN IMMEDIATE … COMMIT; rolls back and rethrows when it throws.
  void in_write_transaction(const std::function<void()>& body);
  [[noreturn]] void fail(const std::string& what) const;
  void write_table_result(const TableResult& result);
  std::vector<RunRecord> run_records(std::size_t last, const std::string& table, const std::string& run_id);
  void require_run(const char* method) const;
  void require_open(const char* method) const;
  /// InputError when the run's divergences were recorded by a version 1 recon.
  void refuse_v1_run(const std::string& run_id, const char* what);
  /// Applies the migrations from `version` to kSchemaVersion, in the open transaction; 0 is a new
  /// file that schema.sql has just made version 6 (then the chain makes it 7, doctor_runs 8).
  void migrate_from(std::int64_t version);
  void set_run_end(const std::string& status, const std::string& finished_at, std::optional<double> index,
                   const std::string& error);
  void record_run_interval(const IndexInterval& interval);
  /// Inserts the `prunes` row of a prune; returns its id.
  std::int64_t record_prune(const std::string& cutoff, const std::string& keep, const PruneResult& result);
  void save_incremental_state(const std::string& table, const IncrementalState& state);

  sqlite::Db db_;
  bool pruning_ = false;  ///< recon_audit_pruning() on db_: set by prune() inside its transaction only
  sqlite::Stmt insert_divergence_;
  sqlite::Stmt upsert_table_;
  std::filesystem::path path_;
  std::shared_ptr<const privacy::TokenKey> pii_key_;
  std::string run_id_;
  std::string mode_;  ///< the running run's mode (table_results.mode)
};

}  // namespace recon

#pragma once
/// RunOptions: the one job description, parsed once (job file, then environment, then flags) and
/// passed down by const reference.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "recon/config/dms_csv_options.hpp"
#include "recon/config/engine_kind.hpp"
#include "recon/core/canonical.hpp"
#include "recon/core/defaults.hpp"
#include "recon/privacy/masks.hpp"

namespace recon {

/// "schema.table" as the engine spells it; schema may be empty (SQLite "main", PG search_path).
struct TableRef {
  std::string schema;
  std::string name;
  /// When not empty, this side is not a table but a query (an [[aggregates]] entry's), read as
  /// `(query) AS recon_q`; `name` then only names it in messages and reports.
  std::string query = {};
  /// Parses "schema.name" / "name" / "\"odd.schema\".\"name\"".
  static TableRef parse(const std::string& text);
  std::string display() const { return schema.empty() ? name : schema + "." + name; }
};

/// One side of a job.
struct Endpoint {
  EngineKind kind = EngineKind::Postgres;  ///< parsed from `kind`; only what this build reads
  std::string url;           ///< as written (may contain a password: never log it, use redact_secrets)
  std::string password_env;  ///< name of the variable holding the password, if any
  std::string password;      ///< resolved from password_env at parse time; never printed
  std::string encrypt = "request";  ///< sqlserver: off | request | require
  int login_timeout_s = 15;
  /// Every statement's limits ([check].lock_timeout / statement_timeout, copied to both sides): a
  /// wait for a lock, or a statement, that lasts longer fails that step, which is retried. 0: none.
  std::int64_t lock_timeout_ms = 30'000;
  std::int64_t statement_timeout_ms = 1'800'000;
  int line = 0;              ///< line of the [source]/[target] table in the job file
  DmsCsvOptions dms_csv;     ///< kind = "dms_csv" only: how the files were written
};

/// A sensitive column of a table (`pii = { cpf = "cpf" }`): its target name and how it is shown.
struct PiiColumn {
  std::string column;
  privacy::MaskKind mask = privacy::MaskKind::Redact;
};

/// How far an aggregate's measure may differ between the sides and still be the same number: a
/// difference within either bound is recorded (group_within_tolerance) but does not count.
struct MeasureTolerance {
  std::optional<std::string> abs;  ///< |source − target| ≤ abs (decimal text)
  std::optional<std::string> rel;  ///< |source − target| ≤ rel × max(|source|, |target|)
};

/// The part of an [[aggregates]] entry a [[tables]] entry has not (docs/aggregates.md). The entry
/// is run as a table whose rows are groups: its key is group_by, its compared columns the measures.
struct AggregateJob {
  /// Measure name -> what it is ("sum", "count", "min", "max", "avg"); in order of the job file.
  std::vector<std::pair<std::string, std::string>> measures;
  std::map<std::string, MeasureTolerance> tolerance;  ///< by measure name
  /// The groups' un-aggregated rows (`recon drill`): a query per side whose result has the
  /// group_by columns; empty: that side cannot be drilled into.
  std::string source_rows, target_rows;
  /// `row_count` (default true): the group's row count is compared as a measure of its own. When
  /// no measure is a "count", the entry gains the measure `row_count` = "count" (a `<side>_table`
  /// selects `count(*) AS row_count`; a `<side>_query` must select it).
  bool row_count = true;
  static constexpr const char* kRowCountMeasure = "row_count";
  /// Whether measure `m` counts rows (a difference is group_count_differs).
  bool is_count(const std::string& m) const {
    for (const auto& [name, what] : measures)
      if (name == m) return what == "count";
    return false;
  }
};

/// One [[tables]] entry, resolved: names are as written, column names are target names.
struct TableJob {
  std::string name;                  ///< report name; default: target table name without schema
  TableRef source, target;
  std::vector<std::string> key;      ///< target column names
  std::vector<std::string> columns;  ///< target column names; empty = every column on both sides
  std::vector<std::string> ignore_columns;  ///< target column names
  std::map<std::string, std::string> column_map;  ///< source column -> target column
  std::string source_where, target_where;  ///< optional filters, pasted as written (job author's SQL)
  bool trust_key = false;   ///< key has no unique constraint but the author vouches for it
  std::optional<std::int64_t> chunk_rows;  ///< per-table override of [check].chunk_rows
  std::optional<double> slo;               ///< per-table override of [check].slo
  std::vector<std::string> json_columns;   ///< target columns compared as JSON even if typed text
  TimeRounding time_rounding = TimeRounding::HalfEven;
  std::vector<std::filesystem::path> rules;  ///< this table's own rule files, tried before [check].rules
  /// CDC lag (docs/rules.md, "In-flight rows and rechecks"): the column holding each side's last
  /// update time (native names; either may be empty) and the window within which a divergent row is
  /// in flight rather than divergent.
  std::string updated_at_source, updated_at_target;
  std::optional<std::int64_t> lag_us;
  /// How a timestamp without time zone in updated_at is read: minutes east of UTC, or the recon
  /// host's local zone when updated_at_local.
  int updated_at_offset_min = 0;
  bool updated_at_local = false;
  std::optional<bool> recheck;  ///< recheck this table's divergences; default: lag set or [check.recheck].all_tables
  /// Sensitive columns (docs/privacy.md): masked wherever a person reads them, tokens in the audit.
  std::vector<PiiColumn> pii;
  /// Set for an [[aggregates]] entry (source and target are then queries; key = group_by).
  std::optional<AggregateJob> aggregate;
  int line = 0;             ///< line of this [[tables]] entry in the job file
};

/// [check.recheck]: after the main pass, divergent and in-flight keys are fetched again from both
/// sides, `attempts` times, the first after `delay`, each next one `backoff` times later.
struct RecheckOptions {
  int attempts = 3;
  std::int64_t delay_us = 5'000'000;
  double backoff = 2.0;
  std::size_t max_keys = 10'000;  ///< per table; divergences beyond are final as found (noted)
  bool all_tables = false;        ///< recheck tables without `lag` too
};

/// full: every range; sample: random clusters, the index with its interval (docs/sampling.md);
/// incremental: rows changed since the table's watermark, a key-set pass and a scrub slice
/// (docs/incremental.md).
enum class Mode { Full, Sample, Incremental };
/// "full" | "sample" | "incremental" — as summary.json, the audit and the metrics label spell it.
inline const char* mode_name(Mode m) {
  switch (m) {
    case Mode::Sample: return "sample";
    case Mode::Incremental: return "incremental";
    case Mode::Full: break;
  }
  return "full";
}

/// [check.incremental]: what an incremental run adds to the rows changed since the watermark.
struct IncrementalOptions {
  /// Keys only, both sides, whole table: finds rows inserted or deleted without a time change.
  bool keyset = true;
  /// Each run compares 1/scrub_cycle of the key space fully (0: no scrub), so every row is fully
  /// compared at least once a cycle of that many successful runs.
  int scrub_cycle = 7;
};

struct RunOptions {
  std::filesystem::path job_file;  ///< absolute; empty for the demo's in-memory job
  std::string job_hash;            ///< XXH3-64 hex of the job file's bytes
  std::string job_sha256;          ///< SHA-256 hex of the same bytes (the audit records it)
  Endpoint source, target;
  int threads = kDefaultThreads;
  std::int64_t chunk_rows = kDefaultChunkRows;
  double slo = kDefaultSlo;
  std::vector<std::filesystem::path> rules;  ///< resolved against the job file's folder
  std::vector<TableJob> tables;
  Mode mode = Mode::Full;
  double sample_rate = 0.1;
  std::optional<std::uint64_t> seed;  ///< sample mode; drawn and recorded when not given
  /// Sample mode: target rows per cluster, the key range that is read or skipped as one.
  std::int64_t sample_cluster_rows = kDefaultSampleClusterRows;
  IncrementalOptions incremental;
  std::filesystem::path out_dir;      ///< empty: reports/<run_id>/ beside the current directory
  std::filesystem::path audit_db;     ///< resolved: flag, [check].audit, or recon-audit.db beside the job
  /// A stable path the run's metrics.prom is also written to, atomically ([check].metrics_file,
  /// --metrics-file): node_exporter's textfile collector reads one file, not reports/<run_id>/.
  std::filesystem::path metrics_file;  ///< empty: none
  /// CloudWatch Embedded Metric Format JSON lines, appended per run ([check].emf, --emf).
  std::filesystem::path emf_file;      ///< empty: none
  /// When stderr is not a terminal (cron, systemd, a pod): a progress line every this often
  /// ([check].heartbeat, --heartbeat; 0: none). A terminal gets the live line instead.
  std::int64_t heartbeat_us = 10'000'000;
  bool log_json = false;               ///< heartbeat lines as JSON objects ([check].log_format = "json")
  /// Write fixup/<table>.sql ([check].fixup, --no-fixup): the files hold real row values, personal
  /// data included; without them `recon apply` still builds its statements from the audit DB.
  bool write_fixup = true;
  /// The environment variable holding the secret behind tokens and sealed keys ([check].pii_key_env).
  std::string pii_key_env = "RECON_PII_KEY";
  /// Its value, read when a table declares pii columns (a job with pii and no key is refused).
  std::shared_ptr<const privacy::TokenKey> pii_key;
  int retries = 3;                    ///< tries per range after a poisoned connection
  bool progress = true;               ///< progress line on stderr (only drawn when it is a terminal)
  bool quiet = false;                 ///< no terminal summary
  std::size_t max_divergences_per_table = 1'000'000;  ///< details beyond this are counted only
  RecheckOptions recheck;
  /// --resume: the run to continue ("latest": the newest run that stopped before its end).
  std::optional<std::string> resume;
  /// --keys FILE: only these keys of the one table (as written, one per line, with their line
  /// numbers for messages); empty: every key.
  std::vector<std::pair<std::size_t, std::string>> keys;
  std::filesystem::path keys_file;
  /// --where or --keys narrowed the run to some rows of one table (an incident's scope).
  bool scoped = false;
  std::string scope_where;  ///< --where as given (already ANDed into the table's filters)
};

/// Flags given on the command line for `check` (each overrides file and environment).
struct CheckFlags {
  std::filesystem::path config;
  std::optional<std::string> tables;  ///< comma list of table names (report names, or target/source)
  std::optional<std::string> mode;
  std::optional<double> sample_rate;
  std::optional<std::uint64_t> seed;
  std::optional<int> threads;
  std::optional<std::int64_t> chunk_rows;
  std::optional<std::filesystem::path> out;
  std::optional<std::filesystem::path> audit;
  std::optional<std::filesystem::path> metrics_file;  ///< --metrics-file FILE
  std::optional<std::filesystem::path> emf;           ///< --emf FILE
  std::optional<std::string> where;                   ///< --where EXPR (one table, both sides)
  std::optional<std::filesystem::path> keys_file;     ///< --keys FILE (one table)
  std::optional<std::string> heartbeat;               ///< --heartbeat DURATION
  std::optional<std::string> log_format;              ///< --log-format text|json
  std::optional<int> recheck_attempts;  ///< --recheck-attempts (0: no rechecks)
  std::optional<std::string> recheck_delay;  ///< --recheck-delay "5s"
  std::optional<std::string> resume;         ///< --resume RUN|latest
  std::optional<int> scrub_cycle;            ///< --scrub-cycle N (0: no scrub)
  bool no_keyset = false;                    ///< --no-keyset
  bool no_fixup = false;                     ///< --no-fixup
  bool no_progress = false;
  bool quiet = false;
};

/// Whether a table's divergences are rechecked after the main pass.
inline bool recheck_enabled(const RunOptions& o, const TableJob& t) {
  return o.recheck.attempts > 0 && t.recheck.value_or(t.lag_us.has_value() || o.recheck.all_tables);
}

/// XXH3-64 hex over every rule file the job names ([check].rules, then each table's, each file
/// once, in that order): its path and its bytes. A resumed run refuses to continue when it changed.
/// Throws InputError naming a file that cannot be read.
std::string rule_files_hash(const RunOptions& opts);

/// Every rule file the job names (as rule_files_hash lists them), each with the SHA-256 of its
/// content: [{"file": "rules/default.toml", "sha256": "…"}, …], compact JSON text. What a run
/// records, so each finding can be traced to the exact rules that decided it. Throws InputError
/// naming a file that cannot be read.
std::string rule_files_json(const RunOptions& opts);

/// Reads and validates the job file, applies RECON_* environment variables, then flags.
/// Throws InputError naming file:line and what to do. Does not touch any database.
RunOptions load_run_options(const CheckFlags& flags);
/// Same, from TOML text (tests, demo). `origin` names the text in messages; relative paths resolve
/// against `base_dir`.
RunOptions parse_job_text(const std::string& text, const std::string& origin,
                          const std::filesystem::path& base_dir);
/// Applies environment (RECON_THREADS, RECON_CHUNK_ROWS, RECON_SLO, RECON_MODE, RECON_SAMPLE_RATE,
/// RECON_OUT, RECON_AUDIT) then flags to `opts`, validating each.
void apply_overrides(RunOptions& opts, const CheckFlags& flags);

}  // namespace recon

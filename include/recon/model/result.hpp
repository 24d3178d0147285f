#pragma once
/// What a run finds. A divergence is data: the engine produces these; rules read them, rechecks
/// decide them, and the writers (audit trail, fix-up SQL, reports) consume them.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "recon/config/job.hpp"
#include "recon/core/defaults.hpp"
#include "recon/core/rows.hpp"
#include "recon/model/columns.hpp"
#include "recon/model/estimates.hpp"
#include "recon/privacy/table_privacy.hpp"

namespace recon {
namespace rules { class TableRules; }

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

/// What a rule says to do with a divergence (docs/rules.md). Ordered by strength: when the columns
/// of one changed row get different actions, the row takes the strongest that is not Tolerate.
enum class Action : std::uint8_t { Tolerate = 0, Report = 1, Fix = 2, Escalate = 3 };
/// "tolerate" | "report" | "fix" | "escalate"
inline const char* action_name(Action a) {
  switch (a) {
    case Action::Tolerate: return "tolerate";
    case Action::Report: return "report";
    case Action::Fix: return "fix";
    case Action::Escalate: break;
  }
  return "escalate";
}
/// The Action action_name() spells `name`; nullopt for any other text.
inline std::optional<Action> parse_action(std::string_view name) {
  for (Action a : {Action::Tolerate, Action::Report, Action::Fix, Action::Escalate})
    if (name == action_name(a)) return a;
  return std::nullopt;
}

/// Where a divergence stands after rules and rechecks.
///  - Open: a real divergence, counted in its contract category (missing_in_* / changed).
///  - Tolerated: a rule with action tolerate explains it; counted as matched, still recorded.
///  - InFlight: an updated_at on either side is within the table's lag window (CDC still applying).
///  - Converged: a recheck found both sides equal; counted as matched.
///  - Suspended: the row changed on every recheck attempt; neither matched nor a divergence.
enum class Status : std::uint8_t { Open, Tolerated, InFlight, Converged, Suspended };
/// "open" | "tolerated" | "in_flight" | "converged" | "suspended"
inline const char* status_name(Status s) {
  switch (s) {
    case Status::Open: return "open";
    case Status::Tolerated: return "tolerated";
    case Status::InFlight: return "in_flight";
    case Status::Converged: return "converged";
    case Status::Suspended: break;
  }
  return "suspended";
}

/// The rules' reading of one divergence (filled by rules::TableRules::evaluate, then by rechecks).
struct Finding {
  std::string category;  ///< the matching rule's category (e.g. "precision_drift"); the raw
                         ///< category name ("changed", …) when no rule matched
  int severity = kDefaultSeverity;  ///< 1..4 = P1..P4
  Action action = Action::Fix;      ///< with no rules configured every divergence is fixed
  std::string rule;                 ///< name of the deciding rule; "" when no rules are configured,
                                    ///< "unmatched" when rules are configured but none matched
  std::string explanation;          ///< one line a person can read, e.g.
                                    ///< "resultado: rule numeric-drift (|Δ| 0.001 ≤ 0.01)"
  /// Changed rows: the columns the fix-up UPDATE sets (those whose rule says fix). Missing rows:
  /// ignored (the whole row is inserted/deleted when action is Fix).
  std::vector<std::uint32_t> fix_columns;
  Status status = Status::Open;
  int recheck_attempts = 0;         ///< rechecks done on this key
  double converged_after_s = 0;     ///< Converged: seconds from the first observation to equality
};

/// One row that differs.
struct Divergence {
  std::string key;            ///< canonical key encoding (canon::key_to_json renders it)
  Category category = Category::Changed;
  std::vector<std::uint32_t> columns;  ///< indexes into TableContext::values that differ (Changed)
  std::string source_values;  ///< canonical encodings of every compared column; empty if absent
  std::string target_values;  ///< same for the target; empty if absent
  Digest source_digest, target_digest;  ///< zero when the side is absent
  Finding finding;            ///< rules' category, severity, action; status after rechecks
  std::int64_t range_index = -1;  ///< the key range of the table's plan that found it (-1: none)
  /// Read back from the audit, where its sensitive (pii) values are tokens, and no longer as
  /// recorded on the engines: its values are unknown, so no repair statement can be built for it.
  bool values_withheld = false;
};

/// Raw counts of compared key ranges, before rules and rechecks.
struct RangeCounts {
  std::int64_t rows_source = 0, rows_target = 0, rows_compared = 0;
  std::int64_t matched = 0, missing_in_target = 0, missing_in_source = 0, changed = 0;
  RangeCounts& operator+=(const RangeCounts& o) {
    rows_source += o.rows_source;
    rows_target += o.rows_target;
    rows_compared += o.rows_compared;
    matched += o.matched;
    missing_in_target += o.missing_in_target;
    missing_in_source += o.missing_in_source;
    changed += o.changed;
    return *this;
  }
};

/// One key range of a table's plan, as the audit trail keeps it so an interrupted run can resume:
/// its bounds (canonical key encodings, lower inclusive, upper exclusive, absent = open) and, once
/// it is compared, its raw counts.
struct RangeRecord {
  std::int64_t index = 0;  ///< position in the table's (possibly sampled) plan
  std::optional<std::string> lower, upper;
  RangeCounts counts;
};

/// Everything a writer needs to know about the table being compared, fixed before data moves.
struct TableContext {
  const TableJob* job = nullptr;
  std::string name;                          ///< report name
  std::vector<ColumnInfo> source_keys, target_keys;      ///< key columns, in key order
  std::vector<ColumnInfo> source_values, target_values;  ///< compared columns, pairwise
  std::vector<SelectColumn> select_keys_source, select_keys_target;
  std::vector<SelectColumn> select_values_source, select_values_target;
  Dialect target_dialect = Dialect::Postgres;  ///< the target connector's (fix-up SQL)
  /// Range reads may keep values in wire form and compare them as bytes: both connectors share a
  /// wire form and every compared column pair is sent alike (engine/columns.hpp, same_wire_values).
  bool compare_wire_bytes = false;
  std::string source_endpoint, target_endpoint;  ///< password-free
  const rules::TableRules* rules = nullptr;  ///< the table's compiled rules; null = no rules
  /// The update-time columns of a CDC table (TableJob::updated_at_*), read by rechecks only.
  std::optional<SelectColumn> updated_at_source, updated_at_target;
  std::vector<std::string> notes;  ///< e.g. columns present on one side only (not compared)
  std::int64_t chunk_rows = kDefaultChunkRows;
  double slo = kDefaultSlo;
  /// The table's sensitive columns (TableJob::pii) resolved to its key and compared columns:
  /// every key or value a person reads is privacy->shown_*, every one the audit keeps
  /// privacy->token_* (docs/privacy.md). Never null once prepared (no pii: nothing sensitive).
  std::shared_ptr<const privacy::TablePrivacy> privacy = std::make_shared<const privacy::TablePrivacy>();
};

/// Counts for one table (the summary.json fields of docs/cli.md).
struct TableResult {
  std::string name;
  /// "table" ([[tables]]) or "aggregate" ([[aggregates]]: the rows are groups); summary.json's kind.
  std::string kind = "table";
  std::string source, target;  ///< as written in the job
  std::int64_t rows_source = 0, rows_target = 0, rows_compared = 0;
  /// Contract meaning, after rules and rechecks: matched includes tolerated and converged rows;
  /// missing_in_* and changed count only Open divergences. Invariant:
  /// rows_compared = matched + missing_in_target + missing_in_source + changed + in_flight + suspended.
  std::int64_t matched = 0, missing_in_target = 0, missing_in_source = 0, changed = 0;
  std::int64_t tolerated = 0, in_flight = 0, converged = 0, suspended = 0;
  std::int64_t escalated = 0;  ///< Open divergences whose action is escalate: force exit 1
  struct CategoryCount {
    std::int64_t count = 0;
    int severity = kDefaultSeverity;
    Action action = Action::Fix;
    /// Canonical key encodings of the category's first kFirstKeysShown divergences, in the order
    /// the run found them (key order within each range, ranges in plan order).
    /// A table with sensitive key columns (TablePrivacy::key_sensitive) shows them masked, so the
    /// first key's `recon explain` command names it by its token (audit form) instead; empty
    /// otherwise.
    std::vector<std::string> first_keys;
    std::string explain_key;
    /// The key a `recon explain` command for this category names (empty: none).
    std::string_view key_to_explain() const {
      if (!explain_key.empty()) return explain_key;
      return first_keys.empty() ? std::string_view() : std::string_view(first_keys.front());
    }
  };
  /// Open and Tolerated divergences by their finding category.
  std::map<std::string, CategoryCount> categories;
  /// Open and tolerated changed rows per compared column (target name) whose value differs; a row
  /// counts once in every column that differs. Columns without a difference are absent.
  std::map<std::string, std::int64_t> columns_changed;
  /// Divergences still open (missing on either side or changed): what a repair or a person has to
  /// act on, whatever the index says.
  std::int64_t open_findings() const { return missing_in_target + missing_in_source + changed; }
  std::int64_t ranges_total = 0, ranges_done = 0, ranges_failed = 0;
  std::int64_t ranges_resumed = 0;  ///< of ranges_done: compared by an earlier attempt (--resume)
  double slo = kDefaultSlo;
  bool partial = false;        ///< some ranges could not be compared (runtime failure)
  std::string error;           ///< the failure, password-free, when partial
  std::string fixup_sql;       ///< relative path in the output folder, e.g. "fixup/simulacoes.sql"
  std::string fixup_sha256;    ///< SHA-256 hex of that file as written ("" when none)
  std::vector<std::string> columns;  ///< compared target columns
  std::vector<std::string> notes;    ///< things a person should know (e.g. case-colliding keys)
  double seconds = 0;
  /// Sample mode: the index as an estimate with its interval; nullopt for a table not sampled.
  std::optional<IndexInterval> sample;
  std::optional<ClusterPlanInfo> clusters;  ///< sample mode: the plan the clusters came from
  /// Incremental mode: which parts ran and what they read; nullopt in the other modes.
  std::optional<IncrementalParts> incremental;
  std::int64_t divergences_unrecorded = 0;  ///< beyond [check].max_divergences: counted, no details
  /// matched ÷ (rows_compared − in_flight − suspended); 1.0 when that is 0. In-flight and
  /// suspended rows are neither matched nor divergent, so they leave the denominator; without
  /// lag/recheck configured both are 0 and this is the contract's matched ÷ rows_compared.
  std::int64_t index_denominator() const { return rows_compared - in_flight - suspended; }
  double consistency_index() const {
    const std::int64_t d = index_denominator();
    return d <= 0 ? 1.0 : static_cast<double>(matched) / static_cast<double>(d);
  }
  /// The index as reported (summary.json, metrics, audit, terminal): none for a partial table,
  /// whose uncompared rows could hide anything — never a false all-clear.
  std::optional<double> reported_index() const {
    return partial ? std::nullopt : std::optional<double>(consistency_index());
  }
  /// The index the SLO is decided on: a sampled table's lower bound (docs/sampling.md), else the
  /// index itself.
  double slo_index() const { return sample ? sample->lower : consistency_index(); }
  /// Below its SLO, or an escalated divergence: exit 1.
  bool failing() const { return slo_index() < slo || escalated > 0; }
};

/// A `recon recheck` of the run whose outcomes its outputs were refreshed with.
struct RecheckRecord {
  std::string recheck_id, finished_at;  ///< finished_at: ISO-8601 UTC
  std::int64_t rechecked = 0;           ///< divergences looked at again
  std::int64_t converged = 0;           ///< of those, equal on both sides now
  std::int64_t still_open = 0;          ///< of those, still missing or changed
};

/// The whole run.
/// The audit's hash chain head after a run's (or recheck's) records: summary.json's "audit_chain"
/// and the metrics recon_audit_chain_records / recon_audit_chain_head_info (docs/audit.md). A copy
/// kept elsewhere anchors the chain: `recon audit verify` prints the same head.
struct AuditChainAnchor {
  std::int64_t seq = 0;  ///< records on the chain up to the head (its seq)
  std::string sha256;    ///< the head's link hash
};

struct RunResult {
  std::string run_id;
  std::string started_at, finished_at;  ///< ISO-8601 UTC, "2026-11-23T10:15:00Z"
  double started_epoch = 0, finished_epoch = 0;
  std::string mode = "full";
  std::uint64_t seed = 0;
  double sample_rate = 1.0;
  double slo = kDefaultSlo;
  std::string status;   ///< consistent | divergent | error | interrupted (docs/cli.md)
  /// Absolute paths of the run's job file ("" for none) and audit DB: the commands a report
  /// suggests (recon explain --run …) name them.
  std::string job_file, audit_db;
  std::vector<TableResult> tables;
  std::string error;    ///< run-level failure, password-free
  /// Σ matched ÷ Σ (rows_compared − in_flight − suspended) over the tables (1.0 when 0).
  double consistency_index() const {
    std::int64_t matched = 0, compared = 0;
    for (const auto& t : tables) {
      matched += t.matched;
      compared += t.index_denominator();
    }
    return compared == 0 ? 1.0 : static_cast<double>(matched) / static_cast<double>(compared);
  }
  /// The run's index as reported: none when a table is partial or the run failed.
  std::optional<double> reported_index() const {
    if (!error.empty()) return std::nullopt;
    for (const auto& t : tables)
      if (t.partial) return std::nullopt;
    return consistency_index();
  }
  bool resumed = false;  ///< continued an interrupted, abandoned or failed run (--resume)
  /// Sample mode: the run's index over all tables as an estimate with its interval.
  std::optional<IndexInterval> sample;
  /// The rechecks already counted in the tables' counts, oldest first; empty for a run as it ended.
  std::vector<RecheckRecord> rechecks;
  /// The audit chain's head once the run's records are in the audit; none when not known.
  std::optional<AuditChainAnchor> audit_chain;
};

/// Consumes results as they are produced, in key order per table. Implementations: the audit
/// trail, the fix-up SQL writer. Called from one thread only (the run's writer), never concurrently.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void begin_table(const TableContext& table) = 0;
  virtual void divergences(const TableContext& table, const std::vector<Divergence>& batch) = 0;
  virtual void end_table(const TableContext& table, TableResult& result) = 0;
  /// The table's plan, before any range is compared (default: not kept).
  virtual void ranges_planned(const TableContext&, const std::vector<RangeRecord>&) {}
  /// A range whose divergences have all been handed to divergences() (default: not kept).
  virtual void range_done(const TableContext&, const RangeRecord&) {}
  /// Divergences of ranges compared by an earlier attempt of the run (--resume), read back from
  /// the audit trail: a sink that keeps them already ignores them; the others take them as new.
  virtual void recorded_divergences(const TableContext& table, const std::vector<Divergence>& batch) {
    divergences(table, batch);
  }
};

}  // namespace recon

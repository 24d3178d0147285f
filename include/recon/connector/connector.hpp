#pragma once
/// The one interface every engine sits behind. The engine never knows which engine it talks to.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "recon/config/job.hpp"
#include "recon/connector/doctor_facts.hpp"
#include "recon/core/canonical.hpp"
#include "recon/core/errors.hpp"
#include "recon/core/rows.hpp"
#include "recon/model/columns.hpp"

namespace recon {

/// One key range of a RangeQuery that reads several (RangeQuery::spans).
struct KeySpan {
  std::optional<std::string> lower;  ///< inclusive, canonical key encoding; absent = open
  std::optional<std::string> upper;  ///< exclusive
};

/// A key range: rows with lower <= key < upper (bounds are canonical key encodings; absent = open).
struct RangeQuery {
  TableRef table;
  std::vector<SelectColumn> keys;    ///< key columns, in key order
  std::vector<SelectColumn> values;  ///< compared columns, in report order
  std::optional<std::string> lower;  ///< inclusive
  std::optional<std::string> upper;  ///< exclusive
  /// When not empty, the rows read are those in any of these key ranges (each lower inclusive,
  /// upper exclusive, absent = open), which are disjoint and in key order; `lower`/`upper` are then
  /// ignored. Lets the engine read many small ranges (a sample's clusters) with one statement, whose
  /// fixed cost would otherwise outweigh reading the rows. Rows still come in key order.
  std::vector<KeySpan> spans;
  std::string where;                 ///< the job author's filter for this side, or empty
  /// read_range may hand values in the engine's wire form (RowBatch::set_raw). The engine asks
  /// only when both sides are the same engine with identical column types and conversions, so
  /// equal wire bytes mean equal values; a connector without a raw form ignores it.
  bool raw_values = false;
};

/// The key ranges `q` reads: its spans, or its one range [lower, upper) when it has none.
std::vector<KeySpan> spans_of(const RangeQuery& q);

/// Statistics the planner uses.
struct KeySample {
  std::int64_t estimated_rows = 0;  ///< whole table (after `where`), best estimate
  std::vector<std::string> keys;    ///< canonical key encodings of sampled rows, any order
};

/// Integer key buckets for Connector::key_digests: bucket i holds the keys in
/// [lower + i·width, min(lower + (i+1)·width, upper)).
struct KeyBuckets {
  std::int64_t lower = 0;  ///< inclusive
  std::int64_t upper = 0;  ///< exclusive; > lower
  std::int64_t width = 1;  ///< > 0
  std::int64_t count() const { return (upper - lower + width - 1) / width; }
};

/// One bucket's rows and the XOR of their keys' 64-bit hashes (0 for an empty bucket).
struct KeyBucketDigest {
  std::int64_t rows = 0;
  std::uint64_t digest = 0;
  bool operator==(const KeyBucketDigest&) const = default;
};

/// A write transaction on one engine, on a connection of its own that is not read-only (the read
/// connections stay read-only). Only `recon apply` writes; see Connector::begin_write.
///
/// Contract:
///  - Opened inside a transaction that holds the write locks the engine gives a writer at once
///    (SQLite: BEGIN IMMEDIATE; PostgreSQL and SQL Server: row locks as statements take them).
///  - execute() runs the statements in order in that transaction, sending them as few round trips
///    as the engine allows (PostgreSQL: one pipeline per call; SQL Server: one batch per call;
///    SQLite: in process), and returns one count per statement, in order: rows inserted, updated
///    or deleted, or rows returned by a statement that returns rows (they are discarded).
///  - A statement that fails throws ConnectorError naming the statement's position (1-based in
///    this call) and the engine's message, password-free; the transaction is then dead: the caller
///    calls rollback(). A lost connection throws ConnectorError with poisoned = true: the server
///    rolls the transaction back by itself.
///  - commit() makes everything durable or throws ConnectorError (when the connection died during
///    COMMIT the outcome is unknown: the caller re-reads to find out). rollback() never throws.
///  - The destructor rolls back when neither commit() nor rollback() ran.
///  - cancel() may be called from any thread (an interrupt): the statement in progress fails soon.
/// A statement in two equivalent spellings: `text`, complete with its literals (what a person
/// reviews and a script runs), and, where its builder offers one, `shape` — the same statement
/// with $1, $2 … placeholders, the same for every statement of its kind — with `params`, the
/// placeholders' values as the engine's input text (nullopt: NULL).
struct ShapedStatement {
  std::string text;
  std::string shape;  ///< "" when there is none
  std::vector<std::optional<std::string>> params;
};

class WriteTransaction {
 public:
  virtual ~WriteTransaction() = default;
  virtual std::vector<std::int64_t> execute(const std::vector<std::string>& statements) = 0;
  /// Capability: runs each distinct shape as a prepared statement (parsed and planned once), and
  /// every statement of that shape as an execution of it with its params; a statement without a
  /// shape runs as text. Same results and errors as execute(). Default: runs every `text`.
  virtual std::vector<std::int64_t> execute_shaped(const std::vector<ShapedStatement>& statements) {
    std::vector<std::string> texts;
    texts.reserve(statements.size());
    for (const auto& s : statements) texts.push_back(s.text);
    return execute(texts);
  }
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  virtual void cancel() noexcept {}
};

class Connector {
 public:
  virtual ~Connector() = default;

  /// Password-free description for logs and reports ("postgres postgresql://u@h:5432/db").
  virtual std::string endpoint() const = 0;

  // ---- capabilities: what the engine may rely on, so it never asks which engine this is ----

  /// How this engine spells SQL (quoting, literals, casts). Fix-up SQL for a target is written in
  /// the target's dialect.
  virtual Dialect dialect() const = 0;

  /// The wire form read_range can hand values in when RangeQuery::raw_values asks for it, or ""
  /// when it has none. Two sides with the same non-empty wire form send byte-equal values for
  /// equal values of columns with the same non-zero ColumnInfo::type_oid, so the engine may
  /// compare those bytes without converting them. Default: none.
  virtual std::string wire_format() const { return ""; }

  /// Notes a person should know about what this connector has read since the last call, once
  /// each (e.g. keys that a case-insensitive collation treats as one). The engine takes them
  /// before and after planning a table and reports the second batch with that table.
  /// Default: none.
  virtual std::vector<std::string> take_notes() { return {}; }

  /// Makes a read in progress on another thread fail soon with a ConnectorError (an interrupted
  /// run abandons its ranges in flight). Safe to call from any thread, also when nothing runs;
  /// the connection is replaced afterwards. Default: nothing to cancel (reads end by themselves).
  virtual void cancel() noexcept {}

  /// Whether describe/read_range/fetch_keys accept a query side (TableRef::query, an
  /// [[aggregates]] entry's), read as `(query) AS recon_q`. Default: no (the job is refused).
  virtual bool reads_queries() const { return false; }

  /// Whether begin_write works for this engine (recon apply refuses a target that cannot be
  /// written, before it connects). Default: no.
  virtual bool can_write() const { return false; }

  /// Opens a new connection to this connector's endpoint with the same login, without the
  /// read-only session setting, with the endpoint's lock and statement timeouts, and begins a
  /// transaction on it (WriteTransaction). Throws ConnectorError (login = true) when it cannot
  /// connect. Default: InputError saying the engine cannot be written to.
  virtual std::unique_ptr<WriteTransaction> begin_write();

  /// Columns, types and unique keys. Throws InputError when the table does not exist (message
  /// names the table and the side), ConnectorError on connection trouble. A query side
  /// (TableRef::query, an aggregate's) is described by its result columns, every one nullable and
  /// no unique key (only when reads_queries()).
  virtual TableInfo describe(const TableRef& table) = 0;

  /// Capability: whether `table` can only be described after the other side's table (its data
  /// carries no types: dms_csv files). The engine then describes the other side first and calls
  /// describe_from with that description. Default: no.
  virtual bool needs_other_description(const TableRef& /*table*/) const { return false; }
  /// Only when needs_other_description(table): describes `table` with the columns, types and
  /// unique keys of `other`, the paired table of the other side. Default: describe(table).
  virtual TableInfo describe_from(const TableRef& table, const TableInfo& /*other*/) { return describe(table); }

  /// About `target_samples` keys drawn evenly from the table (TABLESAMPLE on PostgreSQL, an index
  /// walk on SQLite, the statistics histogram or TABLESAMPLE on SQL Server) plus a row estimate.
  /// The keys are quantiles of the key distribution, not necessarily keys of rows (histogram
  /// bounds may be interpolated). A connector that reads every key reports a NULL key as an
  /// InputError naming the table and column; one that samples leaves that to the range reads.
  virtual KeySample sample_keys(const RangeQuery& whole_table, std::size_t target_samples) = 0;

  /// Capability: the name of the key digest key_digests computes, "" when it has none. Two
  /// connectors naming the same digest give equal results for equal sets of keys, so the key-set
  /// pass of an incremental run may compare digests instead of every key. Default: none.
  virtual std::string key_digest_family() const { return ""; }

  /// Only when key_digest_family() is not "": for a table keyed by one integer column (`table`
  /// gives the key and the job's filter; its bounds are ignored), each bucket's row count and the
  /// XOR of a 64-bit hash of each row's key, one entry per bucket in key order, computed on the
  /// server so that no key crosses the network. Default: throws std::logic_error.
  virtual std::vector<KeyBucketDigest> key_digests(const RangeQuery& table, const KeyBuckets& buckets);

  /// Appends every row with lower <= key < upper to `out`, in key order (binary/"C" collation),
  /// converted to canonical form. Streams: memory is the batch, not more.
  virtual void read_range(const RangeQuery& range, RowBatch& out) = 0;

  /// Appends the rows whose keys are in `keys` (canonical key encodings). Used by rechecks and
  /// incident lookups; missing keys are simply absent from `out`.
  virtual void fetch_keys(const RangeQuery& table, const std::vector<std::string>& keys,
                          RowBatch& out) = 0;

  // ---- diagnostics for `recon doctor` (docs/doctor.md): read-only, each a few catalog queries ----

  /// Version, protocol, TLS, login, database and the server's UTC clock. Throws ConnectorError
  /// when the connection is lost. Default: the endpoint only, no clock.
  virtual ServerFacts server_facts();
  /// The login's all-powerful role and the catalog access planning needs. Default: nothing known.
  virtual LoginFacts login_facts();
  /// Rights, statistics, estimate, key collations, colliding keys and how `first_range` would be
  /// read, for a table `info` describes (keys and values of `first_range` are the columns a run
  /// reads). Never reads the table's rows beyond what counting case-colliding keys needs.
  /// Default: can_select only (describe worked), nothing else known.
  virtual TableFacts table_facts(const RangeQuery& first_range, const TableInfo& info);
  /// The statements that create a least-privilege role named `role` for this engine: read-only
  /// on `tables`, plus the catalog access planning needs. With `writes`, the role is `recon
  /// apply`'s: it may also INSERT, UPDATE and DELETE on `tables` (and read them, which guarded
  /// writes need), nothing else; doctor asks for it separately, named `<reader>_apply`. Each
  /// statement is complete SQL in this engine's dialect; comments start with "--". Default: none
  /// (files).
  virtual std::vector<std::string> least_privilege_sql(const std::vector<TableRef>& tables,
                                                       const std::string& role, bool writes) const;
  /// The section of docs/canonical-values.md ("Self-test: <name>") whose literals this connector
  /// reads, "" when it has no self-test (files). Default: "".
  virtual std::string self_test_name() const { return ""; }
  /// Runs one `SELECT <probe 1>, <probe 2>, …` (no table) and returns each value's canonical
  /// encoding, in probe order, read through the same decoding as read_range for a column of the
  /// probe's type compared in that type's own class (as against the same engine). Throws
  /// ConnectorError when the engine refuses the statement (the message names the engine's error).
  /// Default: throws std::logic_error (only called when self_test_name() is not "").
  virtual std::vector<std::string> read_literals(const std::vector<LiteralProbe>& probes);
};

/// Opens a connector for one side. Throws ConnectorError(login=true) when it cannot connect
/// (message without password), InputError for a malformed url.
std::unique_ptr<Connector> open_connector(const Endpoint& endpoint, Side side);

/// Renders a canonical value as a SQL literal of the given dialect, for range bounds and fix-up SQL.
/// `column` is the column the literal is compared with / assigned to (its type picks casts).
std::string sql_literal(Dialect dialect, const ColumnInfo& column, const canon::ValueView& v);
/// A filter keeping the rows whose `column` (an update time) is at or after `v`, or whose time is
/// unknown — rows that cannot be shown unchanged (incremental runs). Most dialects: `(col >= v OR
/// col IS NULL)`; SQLite keeps whatever was stored, and a number compares below any text, so
/// there only text is compared with the literal and anything else is kept.
std::string at_or_after_sql(Dialect dialect, const ColumnInfo& column, const canon::ValueView& v);
/// A value as PostgreSQL's input text, for a statement parameter (nullopt: NULL): what
/// sql_literal spells inside its quotes.
std::optional<std::string> pg_param_text(const canon::ValueView& v);
/// The type a PostgreSQL parameter assigned to `column` is cast to where the statement gives it
/// none (an INSERT … SELECT list): the column's built-in base type without typmod, "text" for
/// text types; "" for types that cannot be named without their schema (domains, enums).
std::string pg_param_type(const ColumnInfo& column);
/// Quotes an identifier for the dialect ("a""b" / [a]]b] / `a``b`).
std::string quote_ident(Dialect dialect, const std::string& ident);
/// The table as a FROM item; a query side (TableRef::query) as `(query) AS recon_q`.
std::string quote_table(Dialect dialect, const TableRef& table);
/// The ORDER BY list that reads `keys` in binary (canonical) key order: each key column as the
/// engine's `key_expr` spells it for bytewise comparison, comma-separated: "k1" COLLATE "C", "k2".
std::string order_by_list(const std::vector<SelectColumn>& keys, std::string (*key_expr)(const SelectColumn&));
/// "k1", "k2", "v1", … — the quoted native names of the key columns, then the value columns.
std::string column_list(Dialect dialect, const std::vector<SelectColumn>& keys,
                        const std::vector<SelectColumn>& values);

}  // namespace recon

#pragma once
/// The audit trail's hash chain (docs/audit.md, "The chain"): the SQL functions every connection to
/// the audit needs, the tables that are chained, and the chain's head.
///
/// Every record recon writes to the audit is appended (never changed) to a chained table, and an
/// AFTER INSERT trigger appends an entry to `chain`: the record's content hash and a link hash over
/// the previous entry's. The triggers call the application-defined functions below, so a
/// connection without them (a plain `sqlite3` shell) can read the audit but not write to it.

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace recon::audit {

/// The previous hash of the first chain entry: 64 zeros.
inline constexpr std::string_view kChainGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// The newest chain entry: how many records the chain holds up to it and its link hash. seq 0 and
/// an empty sha256 before the first entry.
struct ChainHead {
  std::int64_t seq = 0;
  std::string sha256;
};

/// Registers on `db` the functions the audit's triggers and `recon audit verify` call:
///  - recon_record_sha256(tbl, v1, …): lower-case hex SHA-256 (OpenSSL EVP) of the arguments in an
///    unambiguous serialisation: per argument a type byte (0 NULL, 1 INTEGER, 2 REAL, 3 TEXT,
///    4 BLOB), an 8-byte big-endian length, then the bytes — integers as 8-byte big-endian two's
///    complement, reals as their IEEE-754 bits big-endian, text as UTF-8. Deterministic.
///  - recon_chain_link(prev_sha256, content_sha256): the same hash over its two arguments.
///  - recon_audit_pruning(): 1 while `*pruning` is true, else 0 (always 0 when `pruning` is null).
///    The guards refuse a DELETE unless it is 1: only AuditDb::prune sets its flag, inside its
///    transaction. `pruning` must outlive the connection.
/// Every connection recon opens to an audit file must call this first (AuditDb::open, the
/// heartbeat's, tests that write to the audit). Returns SQLite's code.
int register_audit_functions(sqlite3* db, const bool* pruning = nullptr);

/// recon_record_sha256's serialisation of one value, appended to `out` (exposed for tests).
void append_chain_value(std::string& out, sqlite3_value* value);

/// A table whose records are kept as an append-only log under a view of the same name.
struct LoggedTable {
  std::string name;                   ///< the view, e.g. "divergences"
  std::vector<std::string> identity;  ///< the columns that name one row of the view
  std::string log() const { return name + "_log"; }
};
/// runs, table_results, divergences, ranges, applies, cluster_plans, watermarks.
const std::vector<LoggedTable>& logged_tables();
/// The tables that are only ever inserted into: rechecks, apply_keys, prunes, chain_marks and
/// (version 8) doctor_runs.
const std::vector<std::string>& insert_only_tables();
/// Every table whose records are chained: each logged table's log, then the insert-only ones.
std::vector<std::string> chained_tables();

/// One column as PRAGMA table_info describes it.
struct ColumnDef {
  std::string name, type;
  bool not_null = false;
  std::string default_sql;  ///< the DEFAULT expression's text; empty for none
  int pk = 0;               ///< position in the primary key, 0 when not part of it
};
/// PRAGMA table_info(table) of `db`, in table order; empty for an unknown table.
std::vector<ColumnDef> table_columns(sqlite3* db, const std::string& table);
/// "recon_record_sha256('t', <prefix>"c1", <prefix>"c2", …)" over every column, in table order.
std::string record_hash_sql(const std::string& table, const std::vector<ColumnDef>& columns,
                            const std::string& prefix);
/// `"name"` with embedded quotes doubled.
std::string quote_ident(const std::string& name);

}  // namespace recon::audit

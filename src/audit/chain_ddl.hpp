#pragma once
// Private to the audit module: the v6 -> v7 step that turns the audit into append-only, chained
// tables (audit_chain.cpp), and what the writer and the verifier read of the chain.
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>

#include "recon/audit/chain.hpp"

namespace recon::audit {

/// Runs one SQL script on the audit connection; throws (naming the file) when it fails.
using ExecSql = std::function<void(const std::string& sql)>;

/// Brings a version 6 audit (schema.sql's tables, possibly with rows) to version 7, inside the
/// caller's transaction: sql/audit/migrate_v6_v7.sql, then the DDL generated here from each table's
/// columns. `from_version` is the version the file had when opened (0: a new file), for the start
/// mark's note. Needs register_audit_functions on `db`.
void migrate_to_chain(sqlite3* db, const ExecSql& exec, std::int64_t from_version, const std::string& recon_version);

/// Chains a table a later version created as insert-only (its AFTER INSERT chain trigger and the
/// guards that refuse UPDATE and DELETE), inside the caller's transaction. The table must have an
/// INTEGER PRIMARY KEY (the chain names records by rowid) and no rows yet.
void chain_insert_only(sqlite3* db, const ExecSql& exec, const std::string& table);

/// The CREATE VIEW statement of `t` as the migration wrote it, from its log's columns (what
/// sqlite_master.sql holds for the view unless someone replaced it); "" when the log is missing.
std::string expected_view_sql(sqlite3* db, const LoggedTable& t);

/// The newest chain entry of `db` (seq 0 and "" when the chain is empty or absent).
ChainHead read_chain_head(sqlite3* db);

}  // namespace recon::audit

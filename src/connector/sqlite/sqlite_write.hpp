#pragma once
/// The SQLite WriteTransaction (recon apply). Private to the SQLite connector; reached through
/// Connector::begin_write.

#include <memory>

#include "recon/connector/connector.hpp"

namespace recon::sqlite {

/// Opens `endpoint.url` (a file path or a "file:" URI) a second time, read-write but never
/// creating it, with busy timeout = lock_timeout and a progress handler that interrupts a
/// statement running past statement_timeout (or after cancel()), and runs BEGIN IMMEDIATE: the
/// transaction holds the database's write lock from the start, while readers keep reading the
/// last committed state (WAL and rollback journal alike).
///
/// Throws ConnectorError(login = true) when the file is missing, is not a database, or can only
/// be opened read-only (naming the path, password-free); ConnectorError(poisoned = false) naming
/// lock_timeout when another writer holds the lock past the busy timeout.
///
/// The transaction (see WriteTransaction for the contract): execute() prepares and steps each
/// statement in turn (a text holding two statements is refused), counting rows for a statement
/// that returns rows and sqlite3_changes for INSERT/UPDATE/DELETE (0 for other statements). A
/// failing statement throws ConnectorError(poisoned = false) "… statement N of the batch failed:
/// <sqlite3_errmsg>"; the transaction then takes no more statements and commit() refuses.
/// cancel() (any thread) interrupts the statement in progress, and execute() runs no statement
/// after it. commit() runs COMMIT (SQLITE_BUSY past lock_timeout is an error and the transaction
/// stays open for rollback()); rollback() runs ROLLBACK.
std::unique_ptr<WriteTransaction> begin_write(const Endpoint& endpoint, Side side);

}  // namespace recon::sqlite

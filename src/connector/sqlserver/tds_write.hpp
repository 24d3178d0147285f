#pragma once
// Private to the SQL Server connector: the WriteTransaction of recon apply, reached through
// Connector::begin_write.

#include <memory>

#include "recon/connector/connector.hpp"

namespace recon::tds {

/// Logs in to `endpoint` again on a new DBPROCESS — same login, no read-only intent, the
/// endpoint's statement timeout (dbsettime) and SET LOCK_TIMEOUT — then runs SET XACT_ABORT ON
/// and BEGIN TRANSACTION, so a failing statement rolls the whole transaction back on the server.
///
/// Throws what tds::Session throws for a refused or unreachable login (ConnectorError, login =
/// true for bad credentials), ConnectorError when the transaction cannot begin.
///
/// The transaction (see WriteTransaction for the contract): execute() sends its statements as ONE
/// batch (each followed by ";\n") and reads one result per statement: the rows of a row-returning
/// statement are read and counted, otherwise DBCOUNT (rows inserted, updated or deleted; 0 for a
/// statement without a count). A failing statement throws ConnectorError "… statement N of the
/// batch failed: <server message> (SQL Server error n)" — poisoned only when the connection is
/// gone — and the transaction then takes no more statements and commit() refuses: call
/// rollback(). commit() sends COMMIT TRANSACTION; rollback() sends ROLLBACK TRANSACTION and
/// swallows any error (XACT_ABORT may have rolled back already); the destructor rolls back when
/// neither ran. cancel() (any thread) raises a flag checked between results and rows and, while a
/// batch is in flight, shuts the socket down (DB-Library itself may not be called from another
/// thread): the statement fails at once, poisoned, and the server rolls the transaction back.
std::unique_ptr<WriteTransaction> begin_write(const Endpoint& endpoint, Side side);

}  // namespace recon::tds

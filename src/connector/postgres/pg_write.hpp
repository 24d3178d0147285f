#pragma once
/// The PostgreSQL WriteTransaction (recon apply). Private to the postgres connector; reached
/// through Connector::begin_write.

#include <memory>
#include <string>

#include "recon/connector/connector.hpp"

namespace recon::pg {

/// Opens a new session for `endpoint` with its login (pg::connect with Access::Write: not
/// read-only, with the endpoint's statement_timeout and lock_timeout) and runs BEGIN on it.
/// `display` is the endpoint as messages show it ("postgres postgresql://u@h/db", password-free).
///
/// Throws ConnectorError as pg::connect does when the login fails (login = true for a refused
/// password or an unknown user or database), and ConnectorError when BEGIN fails.
///
/// The transaction (see WriteTransaction for the contract): execute() sends each call's
/// statements as one pipeline (pg_pipeline.hpp); a failing statement throws ConnectorError
/// "… statement N of the batch failed: <message> (SQLSTATE xxxxx)", poisoned only when the
/// connection is gone (lost, terminated, server shutting down) — then the session is closed and
/// the server rolls back by itself. commit() runs COMMIT and fails when the server answers
/// ROLLBACK (a statement had failed). cancel() sends PQcancel from any thread.
std::unique_ptr<WriteTransaction> begin_write(const Endpoint& endpoint, Side side, const std::string& display);

}  // namespace recon::pg

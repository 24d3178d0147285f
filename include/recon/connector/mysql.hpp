#pragma once
/// The MySQL connector (Aurora MySQL, MySQL 8, MariaDB) through MariaDB Connector/C.

#include <memory>

#include "recon/connector/connector.hpp"

namespace recon {

/// Connects at once. `endpoint.url` is "mysql://user[:password]@host[:port]/database" (port 3306
/// when absent); a password from `endpoint.password` (password_env) wins over one in the url, and
/// neither is ever printed. Each read is one statement in its own read-only consistent-snapshot
/// transaction, streamed (mysql_use_result): memory is the batch, not the result. Text keys are
/// ranged and ordered byte-wise (CAST(col AS BINARY)) whatever their collation.
/// Throws InputError for a malformed url, ConnectorError(login=true) for a refused login or
/// unknown database (exit 2) and ConnectorError(poisoned=true) when the server cannot be reached.
std::unique_ptr<Connector> make_mysql_connector(const Endpoint& endpoint, Side side);

}  // namespace recon

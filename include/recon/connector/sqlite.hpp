#pragma once
/// The SQLite connector (C API). Opened read-only: a check never writes to a compared database;
/// only `recon apply` does, through begin_write, on a read-write connection of its own.

#include <memory>

#include "recon/connector/connector.hpp"

namespace recon {

/// Opens `endpoint.url` (an absolute file path or a "file:" URI) read-only for `side`. The
/// connection is opened without SQLite's mutex: use one connector per thread, as the engine does.
/// Throws ConnectorError(login=true) naming the path when the file is missing or not a database.
std::unique_ptr<Connector> make_sqlite_connector(const Endpoint& endpoint, Side side);

}  // namespace recon

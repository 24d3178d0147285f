#pragma once
/// The PostgreSQL connector (libpqxx for the catalog, libpq binary COPY for the data).

#include <memory>

#include "recon/connector/connector.hpp"

namespace recon {

/// Connects at once. `endpoint.url` is a libpq URI or key=value string; a non-empty
/// `endpoint.password` is added to it (PGPASSWORD and ~/.pgpass work as in libpq otherwise).
/// Throws ConnectorError(login=true, password-free message) when it cannot connect, InputError
/// when the url does not parse.
std::unique_ptr<Connector> make_postgres_connector(const Endpoint& endpoint, Side side);

}  // namespace recon

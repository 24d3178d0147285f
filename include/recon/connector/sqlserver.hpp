#pragma once
/// The SQL Server connector (FreeTDS DB-Library, TDS 7.4).

#include <memory>

#include "recon/connector/connector.hpp"

namespace recon {

/// Connects at once. `endpoint.url` is "sqlserver://user@host[:port]/database" (port 1433 when
/// absent); the password comes from `endpoint.password` (password_env), never from the url.
/// `endpoint.encrypt` is off | request | require, `endpoint.login_timeout_s` bounds the login.
/// Throws InputError for a malformed url (message without password), ConnectorError(login=true)
/// for a refused login or unknown database (bad input, exit 2) and ConnectorError(login=false,
/// poisoned=true) when the server cannot be reached (runtime failure, exit 3).
/// Under a case-insensitive key collation, take_notes() reports the keys read that differ from
/// another key only in letter case: SQL Server treats them as one key, recon keeps them apart.
std::unique_ptr<Connector> make_sqlserver_connector(const Endpoint& endpoint, Side side);

}  // namespace recon

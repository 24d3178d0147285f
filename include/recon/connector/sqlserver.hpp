#pragma once
/// The SQL Server connector (FreeTDS DB-Library, TDS 7.4).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "recon/connector/connector.hpp"

namespace recon {

/// Connects at once. `endpoint.url` is "sqlserver://user@host[:port]/database" (port 1433 when
/// absent); the password comes from `endpoint.password` (password_env), never from the url.
/// `endpoint.encrypt` is off | request | require, `endpoint.login_timeout_s` bounds the login.
/// Throws InputError for a malformed url (message without password), ConnectorError(login=true)
/// for a refused login or unknown database (bad input, exit 2) and ConnectorError(login=false,
/// poisoned=true) when the server cannot be reached (runtime failure, exit 3).
std::unique_ptr<Connector> make_sqlserver_connector(const Endpoint& endpoint, Side side);

/// Text keys under a case-insensitive collation (e.g. SQL_Latin1_General_CP1_CI_AS) that differ
/// only in letter case: SQL Server treats them as the same key in joins and lookups, while recon
/// (binary collation) keeps them apart. Counted, never thrown: the report decides what to say.
struct CaseCollisions {
  std::uint64_t keys = 0;                ///< keys that collided with an earlier key of the same read
  std::vector<std::string> examples;     ///< up to 10 colliding keys, as key_to_json text
};

/// The case collisions one SQL Server connector has seen so far (sample_keys covers the whole
/// table; read_range covers each range on its own). nullptr when `c` is not a SQL Server
/// connector. Call from the thread that uses `c`.
const CaseCollisions* sqlserver_case_collisions(const Connector& c);

}  // namespace recon

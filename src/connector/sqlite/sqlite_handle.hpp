#pragma once
// Private to the SQLite connector: which errors poison a connection, and identifier quoting. The
// owning handles are the shared ones (recon/sqlite/handle.hpp).

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "recon/core/errors.hpp"
#include "recon/sqlite/handle.hpp"

namespace recon::sqlite {

/// True for result codes after which the connection should not be trusted (locks held past the
/// busy timeout, I/O errors, a damaged or vanished file): the engine reopens and retries.
inline bool is_poisoning(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY: case SQLITE_LOCKED: case SQLITE_IOERR: case SQLITE_CORRUPT:
    case SQLITE_NOTADB: case SQLITE_CANTOPEN: case SQLITE_FULL: case SQLITE_NOMEM:
    case SQLITE_PROTOCOL: case SQLITE_SCHEMA: case SQLITE_INTERRUPT:
      return true;
    default:
      return false;
  }
}

/// Identifier quoting for SQLite ("a""b"). Local so this module does not depend on the factory's.
inline std::string ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace recon::sqlite

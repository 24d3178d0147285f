// open_connector: picks the connector for an endpoint's kind.
#include <string>

#include "recon/connector/connector.hpp"
#include "recon/connector/postgres.hpp"
#include "recon/connector/sqlite.hpp"
#include "recon/connector/sqlserver.hpp"

namespace recon {

std::unique_ptr<Connector> open_connector(const Endpoint& endpoint, Side side) {
  if (endpoint.kind == "postgres") return make_postgres_connector(endpoint, side);
  if (endpoint.kind == "sqlite") return make_sqlite_connector(endpoint, side);
  if (endpoint.kind == "sqlserver") return make_sqlserver_connector(endpoint, side);
  const std::string where = std::string("[") + side_name(side) + "]" +
                            (endpoint.line > 0 ? " (line " + std::to_string(endpoint.line) + ")" : "");
  if (endpoint.kind == "csv")
    throw InputError(where + " kind = \"" + endpoint.kind +
                     "\" is not supported yet by this build; use postgres or sqlite");
  throw InputError(where + " kind = \"" + endpoint.kind +
                   "\" is not a known engine; valid kinds: postgres, sqlserver, sqlite, csv");
}

}  // namespace recon

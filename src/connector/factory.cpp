// open_connector: one line per engine kind. A new connector is a folder beside postgres/, sqlite/
// and sqlserver/, its kind in recon/config/engine_kind.hpp, and one case here.
#include "recon/connector/connector.hpp"
#include "recon/connector/dms_csv.hpp"
#include "recon/connector/mysql.hpp"
#include "recon/connector/postgres.hpp"
#include "recon/connector/sqlite.hpp"
#include "recon/connector/sqlserver.hpp"

namespace recon {

std::unique_ptr<Connector> open_connector(const Endpoint& endpoint, Side side) {
  switch (endpoint.kind) {  // no default: the compiler names a kind left out
    case EngineKind::Postgres: return make_postgres_connector(endpoint, side);
    case EngineKind::Sqlite: return make_sqlite_connector(endpoint, side);
    case EngineKind::SqlServer: return make_sqlserver_connector(endpoint, side);
    case EngineKind::Mysql: return make_mysql_connector(endpoint, side);
    case EngineKind::DmsCsv: return make_dms_csv_connector(endpoint, side);
  }
  throw InputError(std::string("[") + side_name(side) + "] kind is not one this build reads");
}

}  // namespace recon

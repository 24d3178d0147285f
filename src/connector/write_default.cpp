// The default of the write capability: an engine whose connector does not write says so.
#include "recon/connector/connector.hpp"

namespace recon {

std::unique_ptr<WriteTransaction> Connector::begin_write() {
  throw InputError(endpoint() + " cannot be written to by this build of recon (recon apply needs a "
                   "PostgreSQL, SQLite or SQL Server target); apply the fix-up file by hand instead");
}

}  // namespace recon

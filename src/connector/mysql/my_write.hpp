#pragma once
// Private to the MySQL connector: the write transaction of `recon apply`.

#include <memory>

#include "recon/connector/connector.hpp"

namespace recon::my {

/// A new session with the endpoint's login, not read-only, in START TRANSACTION READ WRITE
/// (InnoDB takes row locks as statements take them). Statements run one round trip each (the
/// session has no multi-statements). See WriteTransaction for the contract.
std::unique_ptr<WriteTransaction> begin_write(const Endpoint& endpoint, Side side);

}  // namespace recon::my

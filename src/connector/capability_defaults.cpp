// The defaults of the optional capabilities: an engine whose connector lacks one says so.
#include <stdexcept>

#include "recon/connector/connector.hpp"

namespace recon {

std::unique_ptr<WriteTransaction> Connector::begin_write() {
  throw InputError(endpoint() + " cannot be written to by this build of recon (recon apply needs a "
                   "PostgreSQL, SQLite or SQL Server target); apply the fix-up file by hand instead");
}

std::vector<KeyBucketDigest> Connector::key_digests(const RangeQuery&, const KeyBuckets&) {
  // The engine asks only connectors that name a key digest family: reaching this is a bug.
  throw std::logic_error(endpoint() + " computes no key digests (key_digest_family is empty)");
}

}  // namespace recon

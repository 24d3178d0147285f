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

ServerFacts Connector::server_facts() {
  ServerFacts f;
  f.database = endpoint();
  return f;
}

LoginFacts Connector::login_facts() { return {}; }

TableFacts Connector::table_facts(const RangeQuery&, const TableInfo&) {
  TableFacts f;
  f.can_select = true;  // describe worked, which is all a connector without diagnostics can say
  return f;
}

std::vector<std::string> Connector::least_privilege_sql(const std::vector<TableRef>&, const std::string&,
                                                        bool) const {
  return {};
}

std::vector<std::string> Connector::read_literals(const std::vector<LiteralProbe>&) {
  // doctor asks only connectors that name a self-test: reaching this is a bug.
  throw std::logic_error(endpoint() + " has no type self-test (self_test_name is empty)");
}

}  // namespace recon

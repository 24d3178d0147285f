#pragma once
/// One libpqxx connection whose libpq handle stays reachable, so the connector can stream binary
/// COPY with libpq while libpqxx runs the metadata queries. Private to the postgres connector.

#include <libpq-fe.h>

#include <memory>
#include <string>

#include <pqxx/connection_base>
#include <pqxx/connection>

#include "recon/config/job.hpp"
#include "recon/core/errors.hpp"

namespace recon::pg {

/// What a session may do: the read connections are read-only by construction; only the session
/// of a WriteTransaction (recon apply) is opened to write.
enum class Access { Read, Write };

/// The key=value connection string recon connects with: every option the user's url (libpq URI
/// or key=value string) sets, plus `password` when the endpoint resolved one (it wins over a
/// password in the url), client_encoding=UTF8 (binary text arrives in the client encoding and the
/// canonical text is UTF-8), fallback_application_name=recon and connect_timeout from
/// login_timeout_s unless the url sets them. `options` gains, after any the url gives: for
/// Access::Read default_transaction_read_only=on (every statement of the session runs read-only;
/// Access::Write adds nothing, so the role's and the url's own defaults stay in force), and for
/// both the endpoint's statement_timeout and lock_timeout (0 = none). PGPASSWORD/.pgpass keep
/// working. Throws InputError (password-free) when the url does not parse.
std::string build_conninfo(const Endpoint& endpoint, Side side, Access access = Access::Read);

/// Quotes a conninfo value: 'it''s' style is not libpq's; libpq wants \' and \\ inside '…'.
std::string quote_conninfo_value(const std::string& value);

/// libpqxx 6.4 keeps its PGconn* private; its connection-policy hooks are the public way to see
/// it. This policy connects like connect_direct and remembers the handle it hands back.
class RecordingPolicy : public pqxx::connect_direct {
 public:
  explicit RecordingPolicy(const std::string& options) : pqxx::connect_direct(options) {}
  handle do_startconnect(handle orig) override;
  handle do_completeconnect(handle orig) override;
  handle do_dropconnect(handle orig) noexcept override;
  handle do_disconnect(handle orig) noexcept override;
  handle raw() const noexcept { return conn_; }

 private:
  handle conn_ = nullptr;
};

/// basic_connection_base<RecordingPolicy> with the policy reachable: same construction order as
/// libpqxx's own template (options, then policy, then init()), plus raw().
class Connection : public pqxx::connection_base {
 public:
  /// Connects immediately; throws pqxx::broken_connection when libpq cannot.
  explicit Connection(const std::string& conninfo);
  ~Connection() noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// The live libpq handle, or nullptr when closed.
  PGconn* raw() const noexcept { return policy_.raw(); }
  /// True when libpq reports the connection unusable.
  bool broken() const noexcept { return raw() == nullptr || PQstatus(raw()) != CONNECTION_OK; }

 private:
  std::string options_;    // must be initialised before policy_ (it keeps a reference)
  RecordingPolicy policy_;
};

/// Opens a connection for `endpoint` (read-only unless `access` is Write). Failure (wrong password,
/// unknown database or user) -> ConnectorError(side, one-line password-free message, poisoned,
/// login=true); an unreachable server is the same with login=false.
std::unique_ptr<Connection> connect(const Endpoint& endpoint, Side side, Access access = Access::Read);

/// The url as shown in messages and reports: password-free, and saying where an empty url's
/// connection comes from.
std::string display_url(const std::string& url);

/// The SQLSTATE of a failed result ("" when there is none).
std::string sqlstate_of(const PGresult* result);

/// SQLSTATEs after which the same statement may well succeed on a fresh connection: lock and
/// statement timeouts, serialization failures and deadlocks, server shutdown and connection
/// exceptions (class 08).
bool is_transient_sqlstate(const std::string& sqlstate);

/// libpq's multi-line messages on one line ("FATAL:  x\nDETAIL: y\n" -> "FATAL: x; DETAIL: y").
std::string one_line(const std::string& message);

}  // namespace recon::pg

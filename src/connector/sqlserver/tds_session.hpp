#pragma once
// Private to the SQL Server connector: one DB-Library connection (DBPROCESS) with its own
// message capture, and the error classification the engine relies on.
//
// DB-Library's error and message handlers are process-wide; each connection registers its own
// capture with dbsetuserdata() so the handlers write into the right one. During dbopen() the
// connection has no user data yet, so the login's capture is reached through a thread_local
// pointer set for the duration of the call (dbopen runs on the calling thread).

#include <sybfront.h>
#include <sybdb.h>

#include <string>

#include "recon/config/job.hpp"
#include "recon/core/errors.hpp"
#include "tds_url.hpp"

namespace recon::tds {

/// What the handlers saw since the last clear().
struct Capture {
  int server_msgno = 0;       ///< last server error (severity > 10), e.g. 18456, 208
  std::string server_text;    ///< its text
  int dberr = 0;              ///< last DB-Library error, e.g. SYBECONN
  std::string dberr_text;
  int oserr = 0;
  std::string os_text;
  void clear() { *this = Capture{}; }
  /// "Login failed for user 'x'. (SQL Server error 18456)" or the DB-Library error.
  std::string describe() const;
};

class Session {
 public:
  /// Read sessions declare read-only application intent (DBSETLREADONLY); the one session of a
  /// write transaction (recon apply) does not.
  enum class Intent { Read, Write };

  /// Logs in (TDS 7.4, UTF-8 client charset, app "recon", login timeout and encryption from
  /// `ep`), then sets the session options, the statement timeout (dbsettime) and SET LOCK_TIMEOUT
  /// from `ep`. Throws InputError for a bad url, ConnectorError(login=true) for a refused login or
  /// database, ConnectorError(poisoned, login=false) when the server cannot be reached.
  Session(const Endpoint& ep, Side side, Intent intent = Intent::Read);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// "sqlserver sqlserver://user@host:port/db"
  const std::string& endpoint() const { return endpoint_; }
  Side side() const { return side_; }
  DBPROCESS* raw() const { return proc_; }
  bool dead() const { return proc_ == nullptr || dbdead(proc_); }
  const Capture& capture() const { return capture_; }
  /// Forgets what the handlers saw (before a batch sent with raw DB-Library calls).
  void clear_capture() { capture_.clear(); }

  /// Sends one batch and waits for its first result. Throws a ConnectorError (poisoned when the
  /// connection died) whose message says `what` and the server's reason.
  void execute(const std::string& sql, const std::string& what);
  /// Advances to the next result set: false when there is none left.
  bool next_result(const std::string& what);
  /// Advances to the next row of the current result set: false at its end.
  bool next_row(const std::string& what);
  /// Runs a batch and discards whatever it returns (SET statements).
  void run(const std::string& sql, const std::string& what);
  /// Drops pending results after an error so the connection can serve the next statement.
  void cancel() noexcept;

  /// The error to throw for the last failure while doing `what`: poisoned when the connection
  /// is dead. Cancels pending results of a live connection.
  ConnectorError failure(const std::string& what);

 private:
  Side side_;
  std::string endpoint_;
  DBPROCESS* proc_ = nullptr;
  Capture capture_;
};

/// The server name to give dbopen(): a section of recon's own freetds.conf (host, port,
/// tds version 7.4, encryption) — DB-Library has no per-login encryption setting
/// (DBSETLENCRYPT is not implemented by FreeTDS), freetds.conf's `encryption` is the way.
/// Falls back to "host:port" when the file cannot be written and `encrypt` is "request"
/// (FreeTDS's own default); otherwise throws ConnectorError(login=true).
std::string freetds_server_name(const SqlServerUrl& url, const std::string& encrypt, Side side);

}  // namespace recon::tds

// The SQL Server write transaction: its own DB-Library session, one batch per execute(). See
// tds_write.hpp.
#include "tds_write.hpp"

#include <sys/socket.h>

#include <atomic>
#include <mutex>

#include "tds_session.hpp"

namespace recon::tds {
namespace {

/// A statement as the batch carries it: without the ';' and blanks it may already end with.
std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.back() == ';' || s.back() == ' ' || s.back() == '\n' || s.back() == '\r' ||
                        s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

class TdsWriteTransaction final : public WriteTransaction {
 public:
  TdsWriteTransaction(const Endpoint& endpoint, Side side)
      : session_(std::make_unique<Session>(endpoint, side, Session::Intent::Write)),
        where_(std::string("SQL Server ") + side_name(side) + " database (" + session_->endpoint().substr(10) + ")") {
    // One batch: XACT_ABORT first, so no statement of the transaction runs without it.
    session_->run("SET XACT_ABORT ON;\nBEGIN TRANSACTION", "beginning the write transaction");
    fd_ = dbiordesc(session_->raw());
  }

  ~TdsWriteTransaction() override {
    rollback();
    const std::lock_guard<std::mutex> lock(fd_mu_);
    fd_ = -1;  // before dbclose releases the socket: cancel() must never shut down a reused fd
  }

  std::vector<std::int64_t> execute(const std::vector<std::string>& statements) override {
    require_open("run statements");
    std::vector<std::int64_t> counts;
    if (statements.empty()) return counts;
    std::string batch;
    for (const std::string& s : statements) batch.append(trimmed(s)).append(";\n");
    const std::size_t n = statements.size();
    InFlight guard(*this);
    if (cancelled_) throw cancelled("running statements");
    DBPROCESS* p = session_->raw();
    session_->clear_capture();
    pending_ = true;
    if (dbcmd(p, batch.c_str()) == FAIL || dbsqlexec(p) == FAIL) throw statement_failed(1, n);
    counts.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const RETCODE rc = dbresults(p);
      if (rc == FAIL || (rc == NO_MORE_RESULTS && session_->capture().server_msgno != 0))
        throw statement_failed(i + 1, n);
      if (rc == NO_MORE_RESULTS) throw mismatch("answered only " + std::to_string(i) + " of the", n);
      counts.push_back(count_rows(i + 1, n));
    }
    if (const RETCODE rc = dbresults(p); rc != NO_MORE_RESULTS) {
      if (rc == FAIL) throw statement_failed(n, n);
      throw mismatch("answered more results than", n);
    }
    pending_ = false;
    return counts;
  }

  void commit() override {
    require_open("commit");
    InFlight guard(*this);
    if (cancelled_) throw cancelled("committing");
    session_->clear_capture();
    pending_ = true;
    DBPROCESS* p = session_->raw();
    bool ok = dbcmd(p, "COMMIT TRANSACTION") != FAIL && dbsqlexec(p) != FAIL;
    for (RETCODE rc; ok && (rc = dbresults(p)) != NO_MORE_RESULTS;)
      ok = rc != FAIL && drain_rows();
    if (ok && session_->capture().server_msgno == 0) {
      pending_ = false;
      ended_ = true;
      return;
    }
    const std::string why = reason();
    if (session_->dead())
      throw ConnectorError(session_->side(),
                           redact_secrets(where_ + ": the connection was lost during COMMIT (" + why +
                                          "); whether the changes were written is unknown: read the target again "
                                          "to find out before applying again"),
                           true);
    drop_pending();
    throw ConnectorError(session_->side(),
                         redact_secrets(where_ + ": COMMIT TRANSACTION failed: " + why + hint() +
                                        "; roll the transaction back, nothing of it is written"),
                         false);
  }

  void rollback() noexcept override {
    if (ended_) return;
    ended_ = true;
    try {
      if (session_->dead()) return;  // the server rolled back when the connection went
      drop_pending();
      DBPROCESS* p = session_->raw();
      // Errors are of no interest: XACT_ABORT may have ended the transaction already (3903).
      if (dbcmd(p, "ROLLBACK TRANSACTION") == FAIL || dbsqlexec(p) == FAIL) return drop_pending();
      for (RETCODE rc; (rc = dbresults(p)) != NO_MORE_RESULTS && rc != FAIL;) drain_rows();
      drop_pending();
    } catch (...) {
    }
  }

  void cancel() noexcept override {
    cancelled_ = true;
    const std::lock_guard<std::mutex> lock(fd_mu_);
    if (fd_ >= 0 && in_flight_) ::shutdown(fd_, SHUT_RDWR);  // the blocked read returns at once
  }

 private:
  /// Marks a batch in flight for cancel(), for the guard's lifetime.
  struct InFlight {
    explicit InFlight(TdsWriteTransaction& t) : t_(t) { t_.in_flight_ = true; }
    ~InFlight() { t_.in_flight_ = false; }
    TdsWriteTransaction& t_;
  };

  /// Reads the rows of the current result, if any: their count, else DBCOUNT.
  std::int64_t count_rows(std::size_t k, std::size_t n) {
    DBPROCESS* p = session_->raw();
    std::int64_t rows = 0;
    for (;;) {
      const STATUS rc = dbnextrow(p);
      if (rc == NO_MORE_ROWS) break;
      if (rc == FAIL || rc == BUF_FULL) throw statement_failed(k, n);
      if (rc == REG_ROW) ++rows;
      if (cancelled_) throw cancelled("reading the rows of statement " + std::to_string(k));
    }
    const DBINT count = DBCOUNT(p);
    return count >= 0 ? count : rows;
  }

  bool drain_rows() {
    for (STATUS rc; (rc = dbnextrow(session_->raw())) != NO_MORE_ROWS;)
      if (rc == FAIL || rc == BUF_FULL) return false;
    return true;
  }

  /// Drops the rest of a batch's results so the session can take the next one.
  void drop_pending() noexcept {
    if (pending_ && !session_->dead()) dbcancel(session_->raw());
    pending_ = false;
  }

  std::string reason() const {
    const std::string why = session_->capture().describe();
    if (!why.empty()) return why;
    // DB-Library reports nothing when the server closes the socket cleanly.
    return session_->dead() ? "the server closed the connection" : "no reason given by the server";
  }

  std::string hint() const {
    const Capture& c = session_->capture();
    if (c.server_msgno == 1222)
      return " - another session holds a lock this statement waits for; raise [check].lock_timeout or find the "
             "blocking session (sys.dm_exec_requests.blocking_session_id), then run recon apply again";
    if (c.server_msgno == 1205) return " - chosen as a deadlock victim; run recon apply again";
    if (c.dberr == SYBETIME) return " - the statement ran longer than [check].statement_timeout";
    return "";
  }

  ConnectorError statement_failed(std::size_t k, std::size_t n) {
    failed_ = true;
    if (cancelled_) return cancelled("running statement " + std::to_string(k) + " of the batch");
    const std::string why = reason();
    const bool gone = session_->dead();
    drop_pending();
    std::string msg = where_ + ": statement " + std::to_string(k) + " of the batch of " + std::to_string(n) +
                      " failed: " + (gone ? "connection lost (" + why + ")" : why);
    msg += gone ? " - the server rolls the transaction back, nothing of it was written"
                : hint() + " - the transaction is rolled back (XACT_ABORT ON); nothing of it is written";
    return ConnectorError(session_->side(), redact_secrets(msg), gone);
  }

  ConnectorError mismatch(const std::string& answered, std::size_t n) {
    failed_ = true;
    drop_pending();
    return ConnectorError(session_->side(),
                          where_ + ": the server " + answered + " the " + std::to_string(n) +
                              " statements of the batch: give each statement its own element (one statement, no "
                              "GO); roll the transaction back",
                          false);
  }

  ConnectorError cancelled(const std::string& what) {
    failed_ = true;
    return ConnectorError(session_->side(), where_ + ": cancelled while " + what + " (recon apply is stopping)", true);
  }

  void require_open(const char* what) const {
    if (ended_ || failed_)
      throw ConnectorError(session_->side(),
                           where_ + ": cannot " + what + ": the write transaction has " +
                               (ended_ ? "already ended (committed or rolled back); begin a new one"
                                       : "failed; roll it back and begin a new one"),
                           false);
  }

  std::unique_ptr<Session> session_;
  std::string where_;  ///< "SQL Server target database (sqlserver://u@h:1433/db)", password-free
  std::mutex fd_mu_;
  int fd_ = -1;  ///< the session's socket, for cancel(); -1 once it is being closed
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> in_flight_{false};
  bool pending_ = false;  ///< a batch was sent and not all of its results were read
  bool ended_ = false;    ///< committed or rolled back
  bool failed_ = false;   ///< a statement failed: only rollback() is left
};

}  // namespace

std::unique_ptr<WriteTransaction> begin_write(const Endpoint& endpoint, Side side) {
  return std::make_unique<TdsWriteTransaction>(endpoint, side);
}

}  // namespace recon::tds

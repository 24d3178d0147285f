// The PostgreSQL write transaction: its own session, one pipeline per execute(). See pg_write.hpp.
#include "pg_write.hpp"

#include <map>

#include "pg_connection.hpp"
#include "pg_pipeline.hpp"

namespace recon::pg {
namespace {

/// SQLSTATEs with which the server ends the session: the connection is gone after them.
bool ends_session(const std::string& s) {
  return s == "57P01" || s == "57P02" || s == "57P03" || s.rfind("08", 0) == 0;
}

/// What a person can do about a failed statement, by SQLSTATE ("" when the message says it all).
std::string hint_for(const std::string& s) {
  if (s == "55P03")
    return " - another session holds a lock this statement waits for; raise [check].lock_timeout or find "
           "the blocking session in pg_locks, then run recon apply again";
  if (s == "57014")
    return " - the statement ran longer than [check].statement_timeout, or recon apply was interrupted";
  if (s == "25006")
    return " - this login's sessions are read-only (default_transaction_read_only set for the role or "
           "database or in the url's options, or a standby server); apply with a login and server that may write";
  if (is_transient_sqlstate(s)) return " - a conflict with another session; run recon apply again";
  return "";
}

class PgWriteTransaction final : public WriteTransaction {
 public:
  PgWriteTransaction(const Endpoint& endpoint, Side side, const std::string& display)
      : side_(side), where_(std::string(side_name(side)) + " " + display),
        conn_(connect(endpoint, side, Access::Write)), cancel_(PQgetCancel(conn_->raw()), &PQfreeCancel) {
    const Outcome begin = run_command("BEGIN");
    if (!begin.ok)
      throw ConnectorError(side_, redact_secrets(where_ + ": cannot begin the write transaction: " + begin.error),
                           conn_->broken());
  }

  ~PgWriteTransaction() override { rollback(); }

  std::vector<std::int64_t> execute(const std::vector<std::string>& statements) override {
    require_open("run statements");
    std::vector<PipelineItem> items(statements.size());
    for (std::size_t i = 0; i < statements.size(); ++i) items[i].sql = &statements[i];
    return run(items, statements.size());
  }

  std::vector<std::int64_t> execute_shaped(const std::vector<ShapedStatement>& statements) override {
    require_open("run statements");
    std::vector<PipelineItem> items;
    items.reserve(statements.size() + 8);
    for (const ShapedStatement& st : statements) {
      if (st.shape.empty()) {
        items.push_back(PipelineItem{PipelineItem::Kind::Text, &st.text, {}, nullptr, 0});
        continue;
      }
      auto [it, fresh] = prepared_.try_emplace(st.shape, "recon_apply_" + std::to_string(prepared_.size() + 1));
      if (fresh)  // parsed and planned once per shape, in this same pipeline
        items.push_back(PipelineItem{PipelineItem::Kind::Prepare, &it->first, it->second, nullptr,
                                     static_cast<int>(st.params.size())});
      items.push_back(PipelineItem{PipelineItem::Kind::Execute, nullptr, it->second, &st.params, 0});
    }
    return run(items, statements.size());
  }

  void commit() override {
    require_open("commit");
    const Outcome outcome = run_command("COMMIT");
    if (outcome.ok && outcome.status == "COMMIT") {
      ended_ = true;
      return;
    }
    if (conn_->broken()) {
      close();
      throw ConnectorError(side_, redact_secrets(where_ + ": the connection was lost during COMMIT (" + outcome.error +
                                                 "); whether the changes were written is unknown: read the "
                                                 "target again to find out before applying again"),
                           true);
    }
    // Either way the server has ended the transaction without writing anything.
    ended_ = true;
    if (outcome.ok)  // COMMIT of a failed transaction answers ROLLBACK
      throw ConnectorError(side_, where_ + ": COMMIT rolled the transaction back because a statement of it had "
                                           "failed; nothing was written",
                           false);
    throw ConnectorError(side_, redact_secrets(where_ + ": COMMIT failed, nothing was written: " + outcome.error +
                                               hint_for(outcome.sqlstate)),
                         false);
  }

  void rollback() noexcept override {
    if (ended_) return;
    ended_ = true;
    if (conn_ && !conn_->broken() && PQpipelineStatus(conn_->raw()) == PQ_PIPELINE_OFF)
      PQclear(PQexec(conn_->raw(), "ROLLBACK"));
    else
      close();  // a session that cannot run ROLLBACK is closed: the server rolls back
  }

  void cancel() noexcept override {
    char err[256];
    if (cancel_) PQcancel(cancel_.get(), err, sizeof err);
  }

 private:
  /// One pipeline of `items` (`statements` of them counted): their counts, or the failure thrown.
  std::vector<std::int64_t> run(const std::vector<PipelineItem>& items, std::size_t statements) {
    std::vector<std::int64_t> counts;
    counts.reserve(statements);
    const std::optional<PipelineFailure> failure = run_pipeline(conn_->raw(), items, counts);
    if (!failure) return counts;
    const bool gone = failure->connection_lost || conn_->broken() || ends_session(failure->sqlstate);
    if (gone) close();  // the server rolls the transaction back by itself
    throw statement_failure(*failure, statements, gone);
  }

  struct Outcome {
    bool ok = false;
    std::string status;    ///< PQcmdStatus when ok ("COMMIT", "ROLLBACK", …)
    std::string error;     ///< one line, when not ok
    std::string sqlstate;  ///< when not ok
  };

  /// Runs a command without parameters or rows (BEGIN, COMMIT) and says how it went.
  Outcome run_command(const char* sql) {
    Outcome out;
    PGresult* r = PQexec(conn_->raw(), sql);
    if (PQresultStatus(r) == PGRES_COMMAND_OK) {
      out.ok = true;
      out.status = PQcmdStatus(r);
    } else {
      out.error = one_line(r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn_->raw()));
      if (out.error.empty()) out.error = "the connection to the server was lost";
      out.sqlstate = sqlstate_of(r);
    }
    PQclear(r);
    return out;
  }

  ConnectorError statement_failure(const PipelineFailure& f, std::size_t batch, bool gone) const {
    std::string msg = where_ + ": ";
    if (f.statement < batch)
      msg += "statement " + std::to_string(f.statement + 1) + " of the batch failed: " + f.message;
    else
      msg += "the batch of " + std::to_string(batch) + " statements failed after its last statement: " + f.message;
    if (!f.sqlstate.empty()) msg += " (SQLSTATE " + f.sqlstate + ")";
    if (gone)
      msg += " - the connection to the server is gone; the server rolls the transaction back, nothing of it "
             "was written";
    else
      msg += hint_for(f.sqlstate);
    return ConnectorError(side_, redact_secrets(msg), gone);
  }

  /// Throws when the transaction can take no more work.
  void require_open(const char* what) const {
    if (ended_ || !conn_)
      throw ConnectorError(side_, where_ + ": cannot " + what + ": the write transaction has already ended "
                                           "(committed, rolled back or its connection lost); begin a new one",
                           false);
  }

  /// Closes the session (the server rolls back whatever was open) and ends the transaction.
  void close() noexcept {
    ended_ = true;
    conn_.reset();
  }

  Side side_;
  std::string where_;  ///< "target postgres postgresql://u@h/db", password-free
  std::unique_ptr<Connection> conn_;
  std::map<std::string, std::string> prepared_;  ///< shape -> prepared statement name on this connection
  /// Made once, in the owning thread: PQcancel on it is safe from any thread, also after close().
  std::unique_ptr<PGcancel, void (*)(PGcancel*)> cancel_;
  bool ended_ = false;  ///< committed, rolled back or closed
};

}  // namespace

std::unique_ptr<WriteTransaction> begin_write(const Endpoint& endpoint, Side side, const std::string& display) {
  return std::make_unique<PgWriteTransaction>(endpoint, side, display);
}

}  // namespace recon::pg

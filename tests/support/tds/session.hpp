#pragma once
/// One client connection: PRELOGIN, LOGIN7, then SQL batches until the client leaves.

#include <sqlite3.h>

#include <deque>

#include "catalog.hpp"
#include "packet.hpp"
#include "server.hpp"
#include "sql.hpp"

namespace tds_test {

/// Binds `v` to the `?` numbered `at` (from 1) of `st`.
void bind_value(sqlite3_stmt* st, int at, const Bound& v);

class Session {
 public:
  /// `log`, when not null, gets a line for every SELECT (read_log.hpp).
  Session(int fd, int spid, const ServerOptions& opts, const Catalog& catalog, ReadLog* log);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Serves the connection to its end; never throws.
  void run();

 private:
  bool handshake();
  void batch(const Message& m);
  /// Runs one SELECT; false when the batch must stop (attention).
  bool select(const Statement& st, bool last);
  void use(const Statement& st, bool last);
  void set(const Statement& st, bool last);
  /// Runs one INSERT / UPDATE / DELETE: DONE(COUNT) with the rows it changed (session_dml.cpp).
  void dml(const Statement& st, bool last);
  /// BEGIN / COMMIT / ROLLBACK TRANSACTION on the backing SQLite connection (session_dml.cpp).
  void transaction(const Statement& st, bool last);
  /// ERROR, then DONE(error), ending the batch. A run-time error inside a transaction rolls it
  /// back when XACT_ABORT is ON (as SQL Server does), and always for a lock timeout, which
  /// SQLite cannot continue a transaction after; ENVCHANGE(rollback) tells the client.
  void statement_failed(const SqlError& e);
  /// Rolls the SQLite transaction back and writes ENVCHANGE(rollback).
  void rollback_transaction(Out& o);
  /// The SQL Server error for a failed SQLite call on `table` (constraints 2627 / 515 / 547,
  /// locks 1222, a read-only fixture 3906), flagged run-time.
  SqlError sqlite_failure(const Table* table) const;
  void error_done(int number, int severity, const std::string& text);
  void check_attention();
  bool next_message(Message& m);

  Connection conn_;
  ResponseWriter w_;
  const ServerOptions& opts_;
  const Catalog& catalog_;
  ReadLog* read_log_;
  std::uint64_t rows_read_ = 0;  ///< counted by tds_read / tds_sample (sqlite_ext.hpp)
  SessionInfo info_;
  sqlite3* db_ = nullptr;
  bool information_schema_ready_ = false;
  bool nocount_ = false;
  bool xact_abort_ = false;
  std::uint64_t transaction_id_ = 0;  ///< descriptor of the open transaction (ENVCHANGE 8)
  std::uint64_t transactions_ = 0;    ///< transactions begun on this connection
  bool attention_ = false;
  std::deque<Message> pending_;
};

}  // namespace tds_test

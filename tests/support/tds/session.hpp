#pragma once
/// One client connection: PRELOGIN, LOGIN7, then SQL batches until the client leaves.

#include <sqlite3.h>

#include <deque>

#include "catalog.hpp"
#include "packet.hpp"
#include "server.hpp"
#include "sql.hpp"

namespace tds_test {

class Session {
 public:
  Session(int fd, int spid, const ServerOptions& opts, const Catalog& catalog);
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
  void error_done(int number, int severity, const std::string& text);
  void check_attention();
  bool next_message(Message& m);

  Connection conn_;
  ResponseWriter w_;
  const ServerOptions& opts_;
  const Catalog& catalog_;
  SessionInfo info_;
  sqlite3* db_ = nullptr;
  bool information_schema_ready_ = false;
  bool nocount_ = false;
  bool attention_ = false;
  std::deque<Message> pending_;
};

}  // namespace tds_test

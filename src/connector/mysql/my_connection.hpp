#pragma once
// Private to the MySQL connector: one MariaDB Connector/C session, its errors turned into
// ConnectorError, its result sets streamed (mysql_use_result) or, for small catalog answers, read
// whole.

#include <mysql.h>

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "my_url.hpp"
#include "recon/config/job.hpp"
#include "recon/core/errors.hpp"

namespace recon::my {

/// What a session may do: read sessions are read-only (SET SESSION TRANSACTION READ ONLY); only
/// the session of a WriteTransaction (recon apply) may write.
enum class Access { Read, Write };

/// A row of a streamed result: the fields as the text protocol sends them (nullptr = NULL) and
/// their byte lengths (binary values may hold NUL).
struct RowView {
  MYSQL_ROW fields;
  const unsigned long* lengths;
  unsigned count;
  bool is_null(unsigned i) const { return fields[i] == nullptr; }
  std::string_view text(unsigned i) const { return {fields[i] ? fields[i] : "", fields[i] ? lengths[i] : 0}; }
};

using Rows = std::vector<std::vector<std::optional<std::string>>>;

class Connection {
 public:
  /// Connects at once and sets the session up: utf8mb4, time_zone '+00:00' (TIMESTAMP values
  /// arrive in UTC), the endpoint's lock and statement timeouts, and for Access::Read a read-only
  /// session. No multi-statements: a job filter cannot smuggle in a second statement.
  /// A refused login or unknown database -> ConnectorError(login=true); an unreachable server ->
  /// ConnectorError(poisoned=true, login=false). Messages are password-free.
  Connection(const Endpoint& endpoint, Side side, Access access = Access::Read);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// "mysql mysql://user@host:port/db"
  const std::string& endpoint() const { return display_; }
  Side side() const { return side_; }
  /// MariaDB (not MySQL): JSON columns are longtext with a json_valid() check.
  bool mariadb() const { return mariadb_; }
  /// True once a statement failed with the connection gone, or after cancel(): replace it.
  bool broken() const { return broken_ || cancelled_; }
  /// The negotiated protocol, "MySQL protocol 10" (mysql_get_proto_info).
  std::string protocol() const;
  /// Whether the session is encrypted: the client library names a TLS cipher.
  bool tls() const;

  /// Runs a statement: its affected-row count, or for a statement that returns rows (SELECT …
  /// FOR UPDATE) how many it returned (they are read and dropped).
  std::int64_t execute(const std::string& sql, const std::string& what);
  /// Runs a catalog query and returns its rows whole (small answers only).
  Rows query(const std::string& sql, const std::string& what);
  /// Runs `sql` and hands each row to `on_row` as it arrives (mysql_use_result: memory is one
  /// row, not the result). An exception from on_row ends the read; the rest of the result is
  /// drained so the session stays usable.
  void stream(const std::string& sql, const std::string& what, const std::function<void(const RowView&)>& on_row);

  /// Makes a statement in progress on another thread fail soon: the socket is shut down
  /// (mariadb_cancel); the connection is broken afterwards and must be replaced.
  void cancel() noexcept;

  /// The error of the last failed call: retried (poisoned) when the connection is gone or the
  /// failure is a lock wait timeout, deadlock or statement time limit.
  ConnectorError failure(const std::string& what) const;

 private:
  Side side_;
  std::string display_;
  MYSQL* conn_ = nullptr;
  bool mariadb_ = false;
  bool broken_ = false;
  std::atomic<bool> cancelled_{false};
};

/// Spells `text` as a MySQL string literal that reads the same under every sql_mode:
/// _utf8mb4'…' (' doubled) when it holds no backslash and no NUL, else
/// CONVERT(X'…' USING utf8mb4), since a backslash means two things depending on
/// NO_BACKSLASH_ESCAPES.
std::string string_literal(std::string_view text);

}  // namespace recon::my

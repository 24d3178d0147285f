// One MariaDB Connector/C session. See my_connection.hpp.
#include "my_connection.hpp"

#include <errmsg.h>
#include <mysqld_error.h>

#include "recon/core/canonical.hpp"

namespace recon::my {
namespace {

/// Errors after which the server is gone or the session unusable: a fresh connection may do.
bool connection_gone(unsigned e) {
  return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
         e == CR_UNKNOWN_HOST || e == CR_SERVER_LOST_EXTENDED || e == ER_SERVER_SHUTDOWN;
}

/// Errors that end this statement only; the same statement may succeed when tried again.
bool transient(unsigned e) {
  return e == ER_LOCK_WAIT_TIMEOUT || e == ER_LOCK_DEADLOCK || e == ER_QUERY_INTERRUPTED ||
         e == ER_STATEMENT_TIMEOUT || e == 3024 /* MySQL: max_execution_time exceeded */;
}

/// A refused login or an unknown database or user: the job's fault (exit 2).
bool login_refused(unsigned e) {
  return e == ER_ACCESS_DENIED_ERROR || e == ER_DBACCESS_DENIED_ERROR || e == ER_BAD_DB_ERROR ||
         e == ER_ACCESS_DENIED_NO_PASSWORD_ERROR;
}

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

std::string string_literal(std::string_view text) {
  if (text.find('\\') != std::string_view::npos || text.find('\0') != std::string_view::npos)
    return "CONVERT(X'" + canon::format_hex(text) + "' USING utf8mb4)";
  std::string out = "_utf8mb4'";
  for (char c : text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

Connection::Connection(const Endpoint& endpoint, Side side, Access access) : side_(side) {
  const MysqlUrl url = parse_mysql_url(endpoint.url, side);
  display_ = "mysql " + url.display();
  conn_ = mysql_init(nullptr);
  if (!conn_) throw ConnectorError(side, display_ + ": out of memory starting a session", true);
  const unsigned timeout = static_cast<unsigned>(endpoint.login_timeout_s > 0 ? endpoint.login_timeout_s : 15);
  mysql_options(conn_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(conn_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  const std::string& password = endpoint.password.empty() ? url.password : endpoint.password;
  if (!mysql_real_connect(conn_, url.host.c_str(), url.user.c_str(), password.c_str(), url.database.c_str(),
                          static_cast<unsigned>(url.port), nullptr, 0)) {
    const unsigned e = mysql_errno(conn_);
    const std::string msg = "cannot connect to the " + std::string(side_name(side)) + " database (" + display_ +
                            "): " + redact_secrets(one_line(mysql_error(conn_)));
    mysql_close(conn_);
    conn_ = nullptr;
    if (login_refused(e))
      throw ConnectorError(side, msg + "; check the user, the password (password_env) and the database name", true, true);
    throw ConnectorError(side, msg, true);
  }
  mariadb_ = std::string_view(mysql_get_server_info(conn_)).find("MariaDB") != std::string_view::npos;
  const std::string what = "setting up the " + std::string(side_name(side)) + " session";
  execute("SET time_zone = '+00:00'", what);
  // Whole seconds: both limits are set in seconds on the server; 0 keeps the server's own.
  const auto secs = [](std::int64_t ms) { return std::to_string(ms <= 0 ? 0 : (ms + 999) / 1000); };
  if (endpoint.lock_timeout_ms > 0)
    execute("SET SESSION innodb_lock_wait_timeout = " + secs(endpoint.lock_timeout_ms) +
                ", SESSION lock_wait_timeout = " + secs(endpoint.lock_timeout_ms),
            what);
  if (endpoint.statement_timeout_ms > 0)
    execute(mariadb_ ? "SET SESSION max_statement_time = " + secs(endpoint.statement_timeout_ms)
                     : "SET SESSION max_execution_time = " + std::to_string(endpoint.statement_timeout_ms),
            what);
  if (access == Access::Read) execute("SET SESSION TRANSACTION READ ONLY", what);
}

std::string Connection::protocol() const {
  return "MySQL protocol " + std::to_string(conn_ ? mysql_get_proto_info(conn_) : 0);
}

bool Connection::tls() const { return conn_ && mysql_get_ssl_cipher(conn_) != nullptr; }

Connection::~Connection() {
  if (conn_) mysql_close(conn_);
}

ConnectorError Connection::failure(const std::string& what) const {
  const unsigned e = conn_ ? mysql_errno(conn_) : CR_SERVER_LOST;
  std::string msg = what + ": " + (conn_ ? one_line(mysql_error(conn_)) : "the connection is closed");
  if (e != 0) msg += " (MySQL error " + std::to_string(e) + ")";
  if (cancelled_) return ConnectorError(side_, what + ": cancelled", true);
  if (e == ER_LOCK_WAIT_TIMEOUT)
    msg += " - another session holds a lock this statement waits for; raise [check].lock_timeout or find the "
           "blocking session in performance_schema.data_locks / SHOW PROCESSLIST";
  else if (e == ER_STATEMENT_TIMEOUT || e == 3024)
    msg += " - the statement ran longer than [check].statement_timeout";
  return ConnectorError(side_, redact_secrets(msg), connection_gone(e) || transient(e) || broken_);
}

std::int64_t Connection::execute(const std::string& sql, const std::string& what) {
  if (!conn_ || broken_) throw ConnectorError(side_, what + ": the connection is closed; reconnect", true);
  if (mysql_real_query(conn_, sql.data(), sql.size()) != 0) {
    broken_ = connection_gone(mysql_errno(conn_));
    throw failure(what);
  }
  if (mysql_field_count(conn_) == 0) return static_cast<std::int64_t>(mysql_affected_rows(conn_));
  std::int64_t rows = 0;
  if (MYSQL_RES* res = mysql_use_result(conn_)) {
    while (mysql_fetch_row(res)) ++rows;
    mysql_free_result(res);
  }
  return rows;
}

Rows Connection::query(const std::string& sql, const std::string& what) {
  Rows rows;
  stream(sql, what, [&rows](const RowView& r) {
    auto& row = rows.emplace_back();
    for (unsigned i = 0; i < r.count; ++i)
      row.push_back(r.is_null(i) ? std::nullopt : std::optional<std::string>(std::string(r.text(i))));
  });
  return rows;
}

void Connection::stream(const std::string& sql, const std::string& what,
                        const std::function<void(const RowView&)>& on_row) {
  if (!conn_ || broken_) throw ConnectorError(side_, what + ": the connection is closed; reconnect", true);
  if (mysql_real_query(conn_, sql.data(), sql.size()) != 0) {
    broken_ = connection_gone(mysql_errno(conn_));
    throw failure(what);
  }
  MYSQL_RES* res = mysql_use_result(conn_);
  if (!res) {
    if (mysql_errno(conn_) == 0) return;  // a statement without rows
    broken_ = connection_gone(mysql_errno(conn_));
    throw failure(what);
  }
  const unsigned count = mysql_num_fields(res);
  try {
    while (MYSQL_ROW row = mysql_fetch_row(res)) on_row(RowView{row, mysql_fetch_lengths(res), count});
  } catch (...) {
    // Drain what the server still sends, so the session can run the next statement.
    while (mysql_fetch_row(res)) {
    }
    mysql_free_result(res);
    throw;
  }
  const unsigned e = mysql_errno(conn_);
  mysql_free_result(res);
  if (e != 0) {  // the result ended early: the server failed or went away mid-stream
    broken_ = connection_gone(e) || cancelled_;
    throw failure(what);
  }
}

void Connection::cancel() noexcept {
  cancelled_ = true;
  if (conn_) mariadb_cancel(conn_);
}

}  // namespace recon::my

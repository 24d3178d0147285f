// Connecting to PostgreSQL. See pg_connection.hpp.
#include "pg_connection.hpp"

#include <pqxx/except>

namespace recon::pg {

std::string quote_conninfo_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string build_conninfo(const Endpoint& endpoint, Side side, Access access) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(endpoint.url.c_str(), &err);
  if (opts == nullptr) {
    std::string why = err ? one_line(err) : "out of memory";
    if (err) PQfreemem(err);
    throw InputError(std::string("[") + side_name(side) + "] url " + redact_secrets(endpoint.url) +
                     " is not a valid PostgreSQL connection string (" + why +
                     "); write a libpq URI (postgresql://user@host:5432/db) or key=value pairs");
  }
  std::string out, options;
  bool has_timeout = false;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string key = o->keyword;
    if (key == "client_encoding") continue;  // we decode text as UTF-8, see below
    if (key == "password" && !endpoint.password.empty()) continue;
    if (key == "options") {  // the user's server options first; recon's own come after and win
      options = std::string(o->val) + " ";
      continue;
    }
    if (key == "connect_timeout") has_timeout = true;
    out += key + "=" + quote_conninfo_value(o->val) + " ";
  }
  // Read-only by construction (except a writer's session), and no statement waits for ever on a
  // lock or runs without end.
  if (access == Access::Read) options += "-c default_transaction_read_only=on ";
  options += "-c statement_timeout=" +
             std::to_string(endpoint.statement_timeout_ms) + " -c lock_timeout=" + std::to_string(endpoint.lock_timeout_ms);
  out += "options=" + quote_conninfo_value(options) + " ";
  PQconninfoFree(opts);
  if (!endpoint.password.empty()) out += "password=" + quote_conninfo_value(endpoint.password) + " ";
  if (!has_timeout && endpoint.login_timeout_s > 0)
    out += "connect_timeout=" + std::to_string(endpoint.login_timeout_s) + " ";
  out += "client_encoding='UTF8' fallback_application_name='recon'";
  return out;
}

RecordingPolicy::handle RecordingPolicy::do_startconnect(handle orig) {
  conn_ = pqxx::connect_direct::do_startconnect(orig);
  return conn_;
}
RecordingPolicy::handle RecordingPolicy::do_completeconnect(handle orig) {
  conn_ = pqxx::connect_direct::do_completeconnect(orig);
  return conn_;
}
RecordingPolicy::handle RecordingPolicy::do_dropconnect(handle orig) noexcept {
  conn_ = pqxx::connect_direct::do_dropconnect(orig);
  return conn_;
}
RecordingPolicy::handle RecordingPolicy::do_disconnect(handle orig) noexcept {
  conn_ = pqxx::connect_direct::do_disconnect(orig);
  return conn_;
}

Connection::Connection(const std::string& conninfo)
    : pqxx::connection_base(policy_), options_(conninfo), policy_(options_) {
  init();
  // A silent reconnect would hide a broken connection from the engine, which must see it to
  // retry the range on a fresh one (and libpqxx 7 drops reactivation anyway).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  inhibit_reactivation(true);
#pragma GCC diagnostic pop
}

Connection::~Connection() noexcept { close(); }

std::string one_line(const std::string& message) {
  std::string out;
  out.reserve(message.size());
  bool pending_sep = false;
  for (char c : message) {
    if (c == '\t') c = ' ';
    if (c == '\n' || c == '\r') {
      pending_sep = !out.empty();
      continue;
    }
    if (pending_sep) {
      out += "; ";
      pending_sep = false;
    }
    // libpq pads "FATAL:  x" with two spaces; one reads better on a single line.
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out.push_back(c);
  }
  return out;
}

std::unique_ptr<Connection> connect(const Endpoint& endpoint, Side side, Access access) {
  const std::string conninfo = build_conninfo(endpoint, side, access);
  try {
    auto conn = std::make_unique<Connection>(conninfo);
    if (conn->broken()) throw pqxx::broken_connection("connection is not usable after login");
    return conn;
  } catch (const std::exception& e) {
    const std::string where = side_name(side);
    const std::string why = redact_secrets(one_line(e.what()));
    std::string hint;
    // Credentials and names are bad input (exit 2); an unreachable server is a runtime failure
    // (exit 3) that a scheduler may retry.
    const bool bad_input = why.find("password") != std::string::npos ||
                           why.find("authentication") != std::string::npos ||
                           why.find("does not exist") != std::string::npos;
    if (why.find("password") != std::string::npos)
      hint = endpoint.password_env.empty()
                 ? "check the password (PGPASSWORD or ~/.pgpass, or set password_env in [" + where + "])"
                 : "check the password in $" + endpoint.password_env;
    else if (why.find("does not exist") != std::string::npos)
      hint = "check the user and database name in [" + where + "].url";
    else
      hint = "check the host and port in [" + where + "].url and that the server accepts connections";
    throw ConnectorError(side,
                         "cannot connect to the " + where + " database (postgres " + display_url(endpoint.url) +
                             "): " + why + " - " + hint,
                         /*poisoned=*/true, /*login=*/bad_input);
  }
}

std::string sqlstate_of(const PGresult* result) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return state ? state : "";
}

bool is_transient_sqlstate(const std::string& s) {
  return s == "55P03" || s == "57014" || s == "40001" || s == "40P01" || s == "57P01" || s == "57P02" ||
         s == "57P03" || s.rfind("08", 0) == 0;
}

std::string display_url(const std::string& url) {
  return url.empty() ? "from the PGHOST/PGPORT/PGDATABASE/PGUSER environment" : redact_secrets(url);
}

}  // namespace recon::pg

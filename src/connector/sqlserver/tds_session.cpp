// One DB-Library connection. See tds_session.hpp.
#include "tds_session.hpp"

#include <memory>
#include <mutex>

namespace recon::tds {
namespace {

/// The login in progress on this thread (see the header): dbopen() calls the handlers before
/// the connection can carry user data.
thread_local Capture* t_login_capture = nullptr;

Capture* capture_for(DBPROCESS* proc) {
  if (proc != nullptr)
    if (BYTE* data = dbgetuserdata(proc)) return reinterpret_cast<Capture*>(data);
  return t_login_capture;
}

/// Keeps the first error of a statement: later ones (SYBESMSG "check messages from the server",
/// SYBESEOF after SYBEREAD) only repeat it.
int error_handler(DBPROCESS* proc, int /*severity*/, int dberr, int oserr, char* dberrstr, char* oserrstr) {
  Capture* c = capture_for(proc);
  if (c != nullptr && dberr != SYBESMSG && c->dberr == 0) {
    c->dberr = dberr;
    c->dberr_text = dberrstr ? dberrstr : "";
    c->oserr = oserr;
    c->os_text = (oserr != 0 && oserrstr) ? oserrstr : "";
  }
  return INT_CANCEL;  // fail the call; the caller turns it into an exception
}

int message_handler(DBPROCESS* proc, DBINT msgno, int /*state*/, int severity, char* text, char* /*server*/,
                    char* /*procedure*/, int /*line*/) {
  if (severity <= 10) return 0;  // informational (5701 "changed database context", …)
  Capture* c = capture_for(proc);
  if (c != nullptr && c->server_msgno == 0) {
    c->server_msgno = msgno;
    c->server_text = text ? text : "";
  }
  return 0;
}

/// dbinit() and the handlers, once per process.
void ensure_init(Side side) {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    ok = dbinit() == SUCCEED;
    if (ok) {
      dberrhandle(error_handler);
      dbmsghandle(message_handler);
    }
  });
  if (!ok) throw ConnectorError(side, "FreeTDS DB-Library could not be initialised (dbinit failed)", true);
}

/// dbsetlogintime() is process-wide: a login sets it and opens under this lock, so two
/// endpoints with different timeouts never see each other's.
std::mutex& login_mutex() {
  static std::mutex m;
  return m;
}

bool is_login_refusal(int msgno) {
  switch (msgno) {
    case 18456:  // login failed
    case 18452:  // untrusted domain
    case 18486:  // account locked
    case 18487:  // password expired
    case 18488:  // password must be changed
    case 4060:   // cannot open database
    case 4064:   // cannot open user default database
    case 916:    // not a valid user in the database
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string Capture::describe() const {
  if (server_msgno != 0) return server_text + " (SQL Server error " + std::to_string(server_msgno) + ")";
  if (dberr != 0) {
    std::string s = dberr_text + " (DB-Library error " + std::to_string(dberr) + ")";
    if (!os_text.empty() && os_text != "Success") s += ": " + os_text;
    return s;
  }
  return {};
}

Session::Session(const Endpoint& ep, Side side, Intent intent) : side_(side) {
  const SqlServerUrl url = parse_sqlserver_url(ep.url, side);
  endpoint_ = "sqlserver " + url.display();
  const std::string where = side_name(side);
  if (ep.encrypt != "off" && ep.encrypt != "request" && ep.encrypt != "require")
    throw InputError("[" + where + "] encrypt = \"" + ep.encrypt + "\" is not valid; use off, request or require");
  ensure_init(side);
  const std::string server = freetds_server_name(url, ep.encrypt, side);

  const std::unique_ptr<LOGINREC, void (*)(LOGINREC*)> login(dblogin(), &dbloginfree);
  if (!login) throw ConnectorError(side, "FreeTDS could not allocate a login record", true);
  DBSETLUSER(login.get(), url.user.c_str());
  DBSETLPWD(login.get(), ep.password.c_str());
  DBSETLAPP(login.get(), "recon");
  DBSETLCHARSET(login.get(), "UTF-8");  // nvarchar/ntext/xml arrive as UTF-8, varchar converted from its code page
  DBSETLDBNAME(login.get(), url.database.c_str());
  dbsetlversion(login.get(), DBVERSION_74);  // typed date/time/datetime2/datetimeoffset (TDS >= 7.3)
  // ApplicationIntent=ReadOnly: an availability group routes the login to a readable secondary,
  // and a database set READ_ONLY accepts it; only recon apply's write session writes.
  if (intent == Intent::Read) DBSETLREADONLY(login.get(), TRUE);
  {
    const std::lock_guard<std::mutex> lock(login_mutex());
    t_login_capture = &capture_;
    dbsetlogintime(ep.login_timeout_s > 0 ? ep.login_timeout_s : 0);
    // Process-wide too: every recon connection has the job's one statement_timeout.
    dbsettime(static_cast<int>((ep.statement_timeout_ms + 999) / 1000));
    proc_ = dbopen(login.get(), server.c_str());
    t_login_capture = nullptr;
  }
  if (proc_ == nullptr) {
    const bool refused = is_login_refusal(capture_.server_msgno);
    std::string hint;
    if (capture_.server_msgno == 4060 || capture_.server_msgno == 4064 || capture_.server_msgno == 916)
      hint = "check the database name and the user's access to it in [" + where + "].url";
    else if (refused)
      hint = ep.password_env.empty() ? "check the user in [" + where + "].url and set password_env to the variable holding the password"
                                     : "check the user in [" + where + "].url and the password in $" + ep.password_env;
    else if (ep.encrypt == "require")
      hint = "check the host and port in [" + where + "].url, that SQL Server accepts TCP connections, and that it supports encryption (encrypt = \"require\")";
    else
      hint = "check the host and port in [" + where + "].url and that SQL Server accepts TCP connections";
    std::string why = capture_.describe();
    if (why.empty()) why = "the login did not complete";
    // FreeTDS names the server by its freetds.conf section; the user knows it as host:port.
    const std::string section = "(" + server + ")";
    if (const auto at = why.find(section); at != std::string::npos)
      why.replace(at, section.size(), "(" + url.host + ":" + std::to_string(url.port) + ")");
    // Credentials and names are bad input (exit 2); an unreachable server is a runtime failure
    // (exit 3) that a scheduler may retry.
    throw ConnectorError(side, "cannot connect to the " + where + " database (" + endpoint_ + "): " +
                                   redact_secrets(why) + " - " + hint,
                         /*poisoned=*/true, /*login=*/refused);
  }
  dbsetuserdata(proc_, reinterpret_cast<BYTE*>(&capture_));
  // DB-Library sessions start with the old defaults; recon wants what ODBC/SSMS sessions get, so
  // a job's where filter means the same as in the author's query window. TEXTSIZE: (max), text
  // and xml values arrive whole, not cut at 4 KB.
  for (const char* set : {"SET TEXTSIZE 2147483647", "SET QUOTED_IDENTIFIER ON", "SET ANSI_NULLS ON",
                          "SET ANSI_WARNINGS ON", "SET ARITHABORT ON", "SET CONCAT_NULL_YIELDS_NULL ON"})
    run(set, "preparing the session");
  // A read blocked by another session's lock fails after lock_timeout (error 1222) and is retried.
  run("SET LOCK_TIMEOUT " + std::to_string(ep.lock_timeout_ms > 0 ? ep.lock_timeout_ms : -1), "preparing the session");
}

Session::~Session() {
  if (proc_ != nullptr) dbclose(proc_);
}

void Session::execute(const std::string& sql, const std::string& what) {
  capture_.clear();
  if (dead())
    throw ConnectorError(side_, std::string("SQL Server ") + side_name(side_) + " connection is closed while " + what +
                                    "; reconnect", true);
  if (dbcmd(proc_, sql.c_str()) == FAIL || dbsqlexec(proc_) == FAIL) throw failure(what);
}

bool Session::next_result(const std::string& what) {
  const RETCODE rc = dbresults(proc_);
  if (rc == NO_MORE_RESULTS) {
    if (capture_.server_msgno != 0) throw failure(what);  // an error after the last row
    return false;
  }
  if (rc != SUCCEED) throw failure(what);
  return true;
}

bool Session::next_row(const std::string& what) {
  for (;;) {
    const STATUS rc = dbnextrow(proc_);
    if (rc == REG_ROW) return true;
    if (rc == NO_MORE_ROWS) return false;
    if (rc == FAIL || rc == BUF_FULL) throw failure(what);
    // compute rows (rc > 0) are not produced by recon's statements: skip
  }
}

void Session::run(const std::string& sql, const std::string& what) {
  execute(sql, what);
  while (next_result(what))
    while (next_row(what)) {
    }
}

void Session::cancel() noexcept {
  if (proc_ != nullptr && !dbdead(proc_)) dbcancel(proc_);
}

ConnectorError Session::failure(const std::string& what) {
  // A lock timeout (1222), a deadlock victim (1205) or a statement timeout (SYBETIME) ends this
  // statement only: the engine replaces the connection and tries again.
  const bool transient = capture_.server_msgno == 1222 || capture_.server_msgno == 1205 || capture_.dberr == SYBETIME;
  const bool poisoned = dead() || transient;
  std::string why = capture_.describe();
  if (why.empty()) why = "no reason given by the server";
  if (!poisoned) cancel();  // the capture stays: callers look at the server's error number
  std::string hint;
  if (capture_.server_msgno == 1222)
    hint = " - another session holds a lock this read waits for; raise [check].lock_timeout or find the blocking "
           "session (sys.dm_exec_requests.blocking_session_id)";
  else if (capture_.dberr == SYBETIME)
    hint = " - the statement ran longer than [check].statement_timeout";
  return ConnectorError(side_, std::string("SQL Server ") + side_name(side_) + " database (" + endpoint_.substr(10) +
                                   ") failed while " + what + ": " +
                                   (dead() ? "connection lost (" + why + ")" : why) + hint,
                        poisoned);
}

}  // namespace recon::tds

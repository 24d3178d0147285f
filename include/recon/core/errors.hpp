#pragma once
/// The errors that end a run (or, for connection errors, a try). Divergences are never errors.

#include <stdexcept>
#include <string>

namespace recon {

/// Bad input: usage, job/rules file, unknown table or column, incompatible types. Exit code 2.
/// The message names the file:line / table / column and says what to do.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Which side a runtime failure happened on.
enum class Side { Source, Target };
const char* side_name(Side s);

/// A failure talking to an engine. `poisoned` means the connection must not be reused: the engine
/// opens a fresh one and retries the range. A non-poisoned error (e.g. a query error) is not
/// retried. `login` marks failures that are the job's fault — wrong password, unknown database or
/// user, missing SQLite file — which are bad input (exit 2). An unreachable server is not `login`:
/// it is a runtime failure (exit 3) that a scheduler may retry later.
class ConnectorError : public std::runtime_error {
 public:
  ConnectorError(Side side, std::string message, bool poisoned, bool login = false)
      : std::runtime_error(std::move(message)), side_(side), poisoned_(poisoned), login_(login) {}
  Side side() const { return side_; }
  bool poisoned() const { return poisoned_; }
  bool login() const { return login_; }

 private:
  Side side_;
  bool poisoned_;
  bool login_;
};

/// Named exit codes (docs/cli.md).
enum ExitCode : int {
  kExitConsistent = 0,
  kExitDivergent = 1,
  kExitBadInput = 2,
  kExitRuntime = 3,
};

/// Removes passwords from a connection string or URL before it is logged or stored:
/// "postgresql://u:secret@h/db" -> "postgresql://u:***@h/db", "password=x" -> "password=***".
///
/// URLs: every "scheme://" in `text` starts one, which runs to the next whitespace or "://".
///  - The userinfo ends at the LAST '@' before the first '?' or '#' (an unencoded '@', ':' or '/'
///    in a password is still masked: "u:p@ss@h/db" -> "u:***@h/db"); an '@' in the query
///    ("?application_name=a@b") or fragment never counts.
///  - With no '@' before the '?' or '#', the '?' or '#' is taken to be inside a password only when
///    the authority (up to the first '/', '?', '#') reads as user:password — what follows its first
///    ':' is not a port — and then the userinfo ends at the last '@' before the next '/', '?' or
///    '#' after the first later '@' ("u:pa?ss@h/db" -> "u:***@h/db"; "h:5432/db?x=a@b" unchanged).
///  - The password is what follows the userinfo's first ':'; it becomes "***" (an empty one too).
///    A userinfo without ':' (a user name alone) is left as it is.
///  - The cost of the rule: a database path holding '@' after host:port ("h:5432/d@b") is masked
///    as if it were a password; a password of digits followed by '?' or '#' ("u:12?x@h"), or one
///    holding whitespace, is not recognised — such characters must be percent-encoded anyway.
/// Key=value strings: the value of password, pwd, passwd (any case; also e.g. sslpassword, PWD in
/// ODBC strings), bare up to whitespace, ';' or '&', or quoted '…' with \' escapes.
/// Idempotent: redacting redacted text changes nothing.
std::string redact_secrets(const std::string& text);

}  // namespace recon

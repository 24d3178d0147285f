#pragma once
/// SQL Server side of the end-to-end suite: the project's TDS 7.4 test server
/// (tests/support/tds, docs/tds-test-server.md) started on a free port over a SQLite fixture, and
/// job files whose source is that server. The real FreeTDS client inside `recon` talks to it.
///
/// The fixture format is the test server's: a table `dbo.t` is the SQLite table "dbo.t" whose
/// columns are declared with SQL Server type names (with the " text" suffix where the value must
/// stay exactly as written), optional "_tds_columns" rows override a column's collation.

#include <optional>
#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace e2e {

/// The login the test server accepts. The password reaches recon only through kTdsPasswordEnv.
inline constexpr const char* kTdsUser = "recon";
inline constexpr const char* kTdsPassword = "Tds-Pw-7hq2x";
inline constexpr const char* kTdsPasswordEnv = "E2E_TDS_PASSWORD";
inline constexpr const char* kTdsDatabase = "recon_e2e";

/// Path of the tds_test_server binary (RECON_TDS_SERVER from the build, else $RECON_TDS_SERVER),
/// or "" when it was not built: SQL Server tests skip then.
std::string tds_server_binary();

/// A tds_test_server child serving `fixture` on a free loopback port; killed (SIGTERM, then
/// reaped) on destruction. `extra` is appended to the command line (e.g. --fail-after-rows N).
class TdsServer {
 public:
  explicit TdsServer(const fs::path& fixture, const std::vector<std::string>& extra = {});
  ~TdsServer();
  TdsServer(const TdsServer&) = delete;
  TdsServer& operator=(const TdsServer&) = delete;
  int port() const { return port_; }

 private:
  int pid_ = 0;
  int port_ = 0;
  int out_fd_ = -1;
};

/// A loopback TCP port nobody listens on (bound, read, closed): for "unreachable" tests.
int unused_port();

/// One fixture value: SQL text pasted into the INSERT (a literal such as '1.50', X'00FF', NULL),
/// or a double bound exactly (SQLite's text-to-double parsing is not guaranteed correctly
/// rounded, so float/real values never travel as decimal text).
struct FixtureValue {
  std::string sql = "NULL";
  std::optional<double> real;
};

/// INSERT INTO "`table`" VALUES (...) with the values in column order.
void fixture_insert(SqliteDb& db, const std::string& table, const std::vector<FixtureValue>& values);

/// The [source] section for the test server on `port` (password through kTdsPasswordEnv).
std::string tds_source_toml(int port);

/// A job: SQL Server source on `port`, PostgreSQL target `db`. `tables` is [[tables]] TOML,
/// `check` extra [check] lines.
std::string tds_job(int port, const PgDatabase& db, const std::string& tables, const std::string& check = "");

/// Environment for recon: the test server's password in kTdsPasswordEnv (or `password`).
EnvEdits tds_env(const std::string& password = kTdsPassword);

/// `recon check` on dir/job.toml with dir/out and dir/audit.db, through tds_env(password).
ProcResult run_check(const TempDir& dir, const std::string& out = "out", const std::string& password = kTdsPassword);

/// A SQL string literal ('' doubled): the same spelling for SQLite and PostgreSQL.
std::string sql_str(const std::string& s);

}  // namespace e2e

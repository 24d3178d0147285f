#pragma once
/// Helpers for the end-to-end suite: run the real `recon` binary as a child process, make throwaway
/// PostgreSQL databases and SQLite files, write job files, read recon's outputs.
///
/// Expected numbers are always computed on the engines themselves (EXCEPT queries), never taken
/// from recon's output: these helpers only fetch both sides of the comparison.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <sqlite3.h>

namespace e2e {

namespace fs = std::filesystem;
using nlohmann::json;

// ---- child processes -------------------------------------------------------------------------

/// What a finished child left behind. exit_code is -1 when it died of a signal or timed out.
struct ProcResult {
  int exit_code = -1;
  std::string out, err;
  bool timed_out = false;
  /// For failure messages: exit code plus both streams.
  std::string describe() const;
};

/// Environment edits for a child: a value sets the variable, nullopt removes it.
using EnvEdits = std::map<std::string, std::optional<std::string>>;

/// Runs `program args…` with stdout/stderr captured through pipes (so neither is a terminal),
/// stdin from /dev/null, the parent's environment with `env` applied. Kills the child after
/// `timeout_s` seconds. When `started` is given, the child's pid is stored there as soon as it
/// runs (another thread may signal it), and 0 once it has ended.
ProcResult run_process(const std::string& program, const std::vector<std::string>& args,
                       const EnvEdits& env = {}, int timeout_s = 180, std::atomic<int>* started = nullptr);

/// run_process on the binary under test (RECON_BINARY).
ProcResult run_recon(const std::vector<std::string>& args, const EnvEdits& env = {}, int timeout_s = 180,
                     std::atomic<int>* started = nullptr);

// ---- files -----------------------------------------------------------------------------------

/// A fresh directory under the system temp folder, removed with everything in it on destruction
/// (kept when E2E_KEEP is set, for post-mortems).
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

void write_file(const fs::path& p, const std::string& text);
std::string read_file(const fs::path& p);
json read_json(const fs::path& p);
/// The summary.json entry of table `name`; fails the test (throws) when absent.
const json& table_entry(const json& summary, const std::string& name);

/// A TOML basic string literal for `s` (quotes and backslashes escaped).
std::string toml_str(const std::string& s);

// ---- PostgreSQL ------------------------------------------------------------------------------

/// True when the suite runs under pg_virtualenv (or another PGHOST-configured cluster).
bool have_pg();

/// One database created fresh for a test suite (dropped first if a previous run left it) and
/// dropped again on destruction. Connection parameters come from the PG* environment.
class PgDatabase {
 public:
  explicit PgDatabase(const std::string& name);
  ~PgDatabase();
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  const std::string& name() const { return name_; }
  /// key=value connection string without a password (libpq reads PGPASSWORD in the child).
  std::string conninfo() const;
  void exec(const std::string& sql);
  std::int64_t count(const std::string& sql);  ///< first column of the first row, as an integer
  pqxx::result query(const std::string& sql);

 private:
  std::string name_;
  std::unique_ptr<pqxx::connection> conn_;
};

/// Divergence counts as the engine sees them.
struct Truth {
  std::int64_t missing_in_target = 0, missing_in_source = 0, changed = 0;
  std::int64_t rows_source = 0, rows_target = 0, keys_union = 0;
  bool zero() const { return missing_in_target == 0 && missing_in_source == 0 && changed == 0; }
};

/// EXCEPT truth for two tables with the same columns; `keys` is the comma list of key columns.
Truth pg_truth(PgDatabase& db, const std::string& src, const std::string& tgt, const std::string& keys);

/// Job file text with both sides on one PostgreSQL database. `tables` is the [[tables]] TOML,
/// `check` extra [check] lines.
std::string pg_job(const PgDatabase& db, const std::string& tables, const std::string& check = "");

// ---- SQLite ----------------------------------------------------------------------------------

/// A read-write SQLite connection (created if missing), closed on destruction.
class SqliteDb {
 public:
  explicit SqliteDb(const fs::path& file);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  void exec(const std::string& sql);  ///< throws std::runtime_error with SQLite's message
  std::int64_t count(const std::string& sql);
  /// Every row of a query, each column as text ("<NULL>" for NULL).
  std::vector<std::vector<std::string>> rows(const std::string& sql);
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

/// EXCEPT truth for main.`table` of `source_file` against `target_file` (ATTACHed as tgt).
Truth sqlite_truth(const fs::path& source_file, const fs::path& target_file, const std::string& table,
                   const std::string& keys);

// ---- checks on recon's outputs ---------------------------------------------------------------

/// Asserts (gtest) that summary.json's entry `name` agrees with `truth`, including rows_compared,
/// matched and consistency_index.
void expect_counts(const json& summary, const std::string& name, const Truth& truth);

/// Exit code recon must return when every table has `truth` and the slo is below 1.
inline int expected_exit(const Truth& t) { return t.zero() ? 0 : 1; }

}  // namespace e2e

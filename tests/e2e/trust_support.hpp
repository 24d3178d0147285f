#pragma once
// Shared by the "runs you can trust" end-to-end tests (trust_test.cpp, trust_failures_test.cpp):
// job files with their own [source]/[target] sections, background runs, roles, table locks, and
// the checks on outputs those tests repeat.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <regex>
#include <thread>

#include "e2e_support.hpp"

namespace e2e::trust {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int kRunTimeout = 90;  ///< seconds any one recon run may take before it is killed

#define SKIP_WITHOUT_PG() \
  if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv"

// ---- job files and runs ----------------------------------------------------------------------

/// One [[tables]] entry; `extra` is appended as written (TOML lines).
inline std::string table_toml(const std::string& source, const std::string& target, const std::string& extra = "") {
  return "[[tables]]\nsource = " + toml_str(source) + "\ntarget = " + toml_str(target) + "\nkey = [\"id\"]\n" + extra;
}

/// The [source] or [target] section for a PostgreSQL url (optionally with password_env).
inline std::string endpoint_toml(const std::string& section, const std::string& url, const std::string& password_env = "") {
  std::string s = "[" + section + "]\nkind = \"postgres\"\nurl = " + toml_str(url) + "\n";
  if (!password_env.empty()) s += "password_env = " + toml_str(password_env) + "\n";
  return s + "\n";
}

/// A job whose sides have their own sections (pg_job puts both on one database, same login).
inline std::string two_sided_job(const std::string& source_section, const std::string& target_section,
                          const std::string& tables, const std::string& check = "") {
  return source_section + target_section + "[check]\nthreads = 2\n" + check + "\n" + tables;
}

/// A folder with job.toml, the output folder out/ and the audit DB audit.db.
class JobDir {
 public:
  explicit JobDir(const std::string& tag) : dir_(tag) {}
  fs::path job() const { return dir_ / "job.toml"; }
  fs::path out() const { return dir_ / "out"; }
  fs::path audit() const { return dir_ / "audit.db"; }
  fs::path summary() const { return out() / "summary.json"; }
  std::string metrics() const { return read_file(out() / "metrics.prom"); }

  void write_job(const std::string& text) const { write_file(job(), text); }
  std::vector<std::string> args(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> a{"check", "--config", job().string(), "--out", out().string(), "--audit",
                               audit().string(), "--no-progress"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  ProcResult check(const EnvEdits& env = {}, std::atomic<int>* started = nullptr) const {
    return run_recon(args(), env, kRunTimeout, started);
  }

 private:
  TempDir dir_;
};

/// recon running on a thread of its own while the test does things to the database.
class BackgroundRun {
 public:
  explicit BackgroundRun(std::function<ProcResult()> run)
      : thread_([this, run = std::move(run)] {
          result_ = run();
          finished_ = true;
        }) {}
  ~BackgroundRun() {
    if (thread_.joinable()) thread_.join();
  }
  bool finished() const { return finished_; }
  const ProcResult& join() {
    if (thread_.joinable()) thread_.join();
    return result_;
  }

 private:
  ProcResult result_;
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

/// Polls `ready` every `every` until it holds or `limit` passes. True when it held.
inline bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds limit,
                std::chrono::milliseconds every = 5ms) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(every);
  }
  return ready();
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Number of the 1-based line of `text` on which `part` first appears (0: absent).
inline int line_of(const std::string& text, const std::string& part) {
  const std::size_t at = text.find(part);
  if (at == std::string::npos) return 0;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

inline std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

/// True when metrics.prom has the sample `name{labels} value` (labels may be empty).
/// Every sample carries the run's mode label last (docs/cli.md, metrics.prom); these runs are full.
inline std::string with_mode(const std::string& labels) {
  return "{" + labels + (labels.empty() ? "" : ",") + "mode=\"full\"}";
}

inline bool has_sample(const std::string& metrics, const std::string& name, const std::string& labels,
                const std::string& value) {
  const std::string line = name + with_mode(labels) + " " + value + "\n";
  return metrics.rfind(line, 0) == 0 || contains(metrics, "\n" + line);
}

/// True when metrics.prom has any sample of `name` with exactly `labels`.
inline bool has_any_sample(const std::string& metrics, const std::string& name, const std::string& labels) {
  const std::string start = name + with_mode(labels) + " ";
  return metrics.rfind(start, 0) == 0 || contains(metrics, "\n" + start);
}

inline std::string table_label(const std::string& name) { return "table=\"" + name + "\""; }

// ---- PostgreSQL fixtures ---------------------------------------------------------------------

/// src.<t> and tgt.<t> (id bigint primary key, v text) with ids 1..rows on both sides, then
/// `plant` (SQL run on the target to make it diverge), then ANALYZE.
inline void make_table_pair(PgDatabase& db, const std::string& t, int rows, const std::string& plant = "") {
  db.exec("CREATE SCHEMA IF NOT EXISTS src; CREATE SCHEMA IF NOT EXISTS tgt;"
          "CREATE TABLE src." + t + " (id bigint PRIMARY KEY, v text);"
          "INSERT INTO src." + t + " SELECT i, md5(i::text) FROM generate_series(1, " + std::to_string(rows) + ") i;"
          "CREATE TABLE tgt." + t + " (LIKE src." + t + " INCLUDING ALL);"
          "INSERT INTO tgt." + t + " SELECT * FROM src." + t + ";" + plant +
          ";ANALYZE src." + t + "; ANALYZE tgt." + t + ";");
}

/// libpq key=value connection string for `db` as another user (password from password_env).
inline std::string conninfo_as(const PgDatabase& db, const std::string& user) {
  return std::regex_replace(db.conninfo(), std::regex("user=[^ ]*"), "user=" + user);
}

/// A login role for one test, dropped (after the test's databases) on destruction.
class PgRole {
 public:
  PgRole(const std::string& name, const std::string& password) : name_(name + "_" + std::to_string(getpid())) {
    admin("DROP ROLE IF EXISTS " + name_);
    admin("CREATE ROLE " + name_ + " LOGIN PASSWORD '" + password + "'");
  }
  ~PgRole() {
    try {
      admin("DROP ROLE IF EXISTS " + name_);
    } catch (const std::exception&) {
      // the throwaway cluster goes away with pg_virtualenv anyway
    }
  }
  PgRole(const PgRole&) = delete;
  PgRole& operator=(const PgRole&) = delete;
  const std::string& name() const { return name_; }

 private:
  static void admin(const std::string& sql) {
    pqxx::connection c;
    pqxx::nontransaction tx(c);
    tx.exec0(sql);
  }
  std::string name_;
};

/// Another session holding ACCESS EXCLUSIVE on a table until release() or destruction.
class TableLock {
 public:
  TableLock(const PgDatabase& db, const std::string& table)
      : conn_("dbname=" + db.name() + " application_name=e2e_lock_holder"), tx_(std::make_unique<pqxx::work>(conn_)) {
    tx_->exec0("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
  }
  void release() {
    if (tx_) tx_->abort();
    tx_.reset();
  }
  ~TableLock() { release(); }

 private:
  pqxx::connection conn_;
  std::unique_ptr<pqxx::work> tx_;
};

/// pg_terminate_backend on every recon backend matching `where` (SQL on pg_stat_activity);
/// returns how many were terminated.
inline int terminate_recon(PgDatabase& db, const std::string& where = "true") {
  return static_cast<int>(db.count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE application_name = 'recon' AND pid <> pg_backend_pid() AND (" + where + ")"));
}

/// A range read (the ordered binary COPYs of key ranges, not planning's key samples).
constexpr const char* kRangeRead = "state = 'active' AND query LIKE 'COPY (SELECT%ORDER BY%'";

inline bool recon_is_reading_ranges(PgDatabase& db) {
  return db.count(std::string("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'recon' AND ") +
                  kRangeRead) > 0;
}

// ---- checks on a run's record ----------------------------------------------------------------

/// summary.json: the run is "error" with no index; `table` is partial, its error holds
/// `error_part`, and it has no index. metrics.prom agrees (partial 1, no index, run_success 0).
inline void expect_partial_without_index(const JobDir& dir, const std::string& table, const std::string& error_part) {
  ASSERT_TRUE(fs::exists(dir.summary())) << "no summary.json";
  const json s = read_json(dir.summary());
  SCOPED_TRACE(s.dump(2));
  EXPECT_EQ(s.at("status"), "error");
  EXPECT_TRUE(s.at("consistency_index").is_null());
  const json& t = table_entry(s, table);
  EXPECT_TRUE(t.at("partial").get<bool>());
  EXPECT_TRUE(t.at("consistency_index").is_null());
  ASSERT_TRUE(t.contains("error"));
  EXPECT_TRUE(contains(t.at("error").get<std::string>(), error_part)) << "error should mention " << error_part;

  const std::string metrics = dir.metrics();
  SCOPED_TRACE(metrics);
  EXPECT_TRUE(has_sample(metrics, "recon_table_partial", table_label(table), "1"));
  EXPECT_FALSE(has_any_sample(metrics, "recon_consistency_index", table_label(table)));
  EXPECT_FALSE(has_any_sample(metrics, "recon_run_consistency_index", ""));
  EXPECT_TRUE(has_sample(metrics, "recon_run_success", "", "0"));
}

/// A run that failed before comparing: summary.json "error" with a run-level error and every
/// table partial without index; metrics say so; the audit DB holds one 'failed' run with its error.
inline void expect_failure_on_record(const JobDir& dir, const std::vector<std::string>& tables) {
  ASSERT_TRUE(fs::exists(dir.summary())) << "a failed run must still write summary.json";
  const json s = read_json(dir.summary());
  SCOPED_TRACE(s.dump(2));
  EXPECT_EQ(s.at("status"), "error");
  ASSERT_TRUE(s.contains("error"));
  EXPECT_FALSE(s.at("error").get<std::string>().empty());
  EXPECT_TRUE(s.at("consistency_index").is_null());
  ASSERT_EQ(s.at("tables").size(), tables.size());
  for (const std::string& name : tables) {
    const json& t = table_entry(s, name);
    EXPECT_TRUE(t.at("partial").get<bool>()) << name;
    EXPECT_TRUE(t.at("consistency_index").is_null()) << name;
  }

  ASSERT_TRUE(fs::exists(dir.out() / "metrics.prom"));
  const std::string metrics = dir.metrics();
  EXPECT_TRUE(has_sample(metrics, "recon_run_success", "", "0")) << metrics;
  EXPECT_TRUE(has_any_sample(metrics, "recon_last_run_timestamp_seconds", "")) << metrics;
  EXPECT_TRUE(has_sample(metrics, "recon_run_status", "status=\"error\"", "1")) << metrics;

  ASSERT_TRUE(fs::exists(dir.audit()));
  SqliteDb audit(dir.audit());
  const auto runs = audit.rows("SELECT run_id, status, coalesce(error, '') FROM runs");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0][0], s.at("run_id").get<std::string>());
  EXPECT_EQ(runs[0][1], "failed");
  EXPECT_FALSE(runs[0][2].empty()) << "the audit run should say why it failed";
}

}  // namespace e2e::trust

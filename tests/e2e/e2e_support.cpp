#include "e2e_support.hpp"

#include "recon/audit/chain.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

extern char** environ;

namespace e2e {

// ---- child processes -------------------------------------------------------------------------

std::string ProcResult::describe() const {
  std::ostringstream os;
  os << "exit code " << exit_code << (timed_out ? " (timed out)" : "") << "\n--- stdout ---\n"
     << out << "\n--- stderr ---\n" << err;
  return os.str();
}

namespace {

std::vector<std::string> child_environment(const EnvEdits& edits) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    if (edits.count(name) == 0) env.push_back(entry);
  }
  for (const auto& [name, value] : edits)
    if (value) env.push_back(name + "=" + *value);
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

ProcResult run_process(const std::string& program, const std::vector<std::string>& args, const EnvEdits& env,
                       int timeout_s, std::atomic<int>* started) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe2 failed: " + std::string(std::strerror(errno)));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);

  std::vector<std::string> argv_s{program};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<std::string> env_s = child_environment(env);
  std::vector<char*> argv = c_strings(argv_s), envp = c_strings(env_s);

  pid_t pid = 0;
  const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
  }

  if (started) *started = pid;
  // Drain both pipes together so a chatty child can never block on a full pipe.
  ProcResult res;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&res.out, &res.err};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      res.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    const int n = poll(fds, 2, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  res.exit_code = (!res.timed_out && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  if (started) *started = 0;
  return res;
}

ProcResult run_recon(const std::vector<std::string>& args, const EnvEdits& env, int timeout_s,
                     std::atomic<int>* started) {
  return run_process(RECON_BINARY, args, env, timeout_s, started);
}

// ---- files -----------------------------------------------------------------------------------

TempDir::TempDir(const std::string& tag) {
  std::string pattern = (fs::temp_directory_path() / ("recon-e2e-" + tag + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  if (std::getenv("E2E_KEEP")) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json read_json(const fs::path& p) { return json::parse(read_file(p)); }

const json& table_entry(const json& summary, const std::string& name) {
  for (const auto& t : summary.at("tables"))
    if (t.value("name", "") == name) return t;
  throw std::runtime_error("summary.json has no table named " + name + ": " + summary.dump());
}

std::string toml_str(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// ---- PostgreSQL ------------------------------------------------------------------------------

bool have_pg() { return std::getenv("PGHOST") != nullptr; }

PgDatabase::PgDatabase(const std::string& name) : name_(name + "_" + std::to_string(getpid())) {
  // The pid keeps suites that ctest runs in parallel processes off each other's databases.
  {
    pqxx::connection admin;  // PG* environment, maintenance database
    pqxx::nontransaction tx(admin);
    tx.exec0("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
    tx.exec0("CREATE DATABASE " + tx.quote_name(name_) + " TEMPLATE template0 ENCODING 'UTF8'");
  }
  conn_ = std::make_unique<pqxx::connection>("dbname=" + name_);
}

PgDatabase::~PgDatabase() {
  conn_.reset();
  if (std::getenv("E2E_KEEP")) return;
  try {
    pqxx::connection admin;
    pqxx::nontransaction tx(admin);
    tx.exec0("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The throwaway cluster goes away with pg_virtualenv anyway.
  }
}

std::string PgDatabase::conninfo() const {
  auto env = [](const char* n, const char* dflt) {
    const char* v = std::getenv(n);
    return std::string(v ? v : dflt);
  };
  return "host=" + env("PGHOST", "localhost") + " port=" + env("PGPORT", "5432") + " user=" +
         env("PGUSER", "postgres") + " dbname=" + name_;
}

void PgDatabase::exec(const std::string& sql) {
  pqxx::work tx(*conn_);
  tx.exec(sql);
  tx.commit();
}

pqxx::result PgDatabase::query(const std::string& sql) {
  pqxx::nontransaction tx(*conn_);
  return tx.exec(sql);
}

std::int64_t PgDatabase::count(const std::string& sql) { return query(sql)[0][0].as<std::int64_t>(); }

Truth pg_truth(PgDatabase& db, const std::string& src, const std::string& tgt, const std::string& keys) {
  Truth t;
  t.missing_in_target =
      db.count("SELECT count(*) FROM (SELECT " + keys + " FROM " + src + " EXCEPT SELECT " + keys + " FROM " + tgt + ") x");
  t.missing_in_source =
      db.count("SELECT count(*) FROM (SELECT " + keys + " FROM " + tgt + " EXCEPT SELECT " + keys + " FROM " + src + ") x");
  t.changed = db.count("SELECT count(*) FROM (SELECT * FROM " + src + " EXCEPT SELECT * FROM " + tgt + ") x") -
              t.missing_in_target;
  t.rows_source = db.count("SELECT count(*) FROM " + src);
  t.rows_target = db.count("SELECT count(*) FROM " + tgt);
  t.keys_union =
      db.count("SELECT count(*) FROM (SELECT " + keys + " FROM " + src + " UNION SELECT " + keys + " FROM " + tgt + ") x");
  return t;
}

std::string pg_job(const PgDatabase& db, const std::string& tables, const std::string& check) {
  const std::string url = toml_str(db.conninfo());
  return "[source]\nkind = \"postgres\"\nurl = " + url + "\n\n[target]\nkind = \"postgres\"\nurl = " + url +
         "\n\n[check]\nthreads = 2\n" + check + "\n" + tables;
}

// ---- SQLite ----------------------------------------------------------------------------------

SqliteDb::SqliteDb(const fs::path& file) {
  if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open " + file.string() + ": " + msg);
  }
  // An audit file's triggers call recon's SQL functions; other files never see them.
  recon::audit::register_audit_functions(db_);
}

SqliteDb::~SqliteDb() { sqlite3_close(db_); }

void SqliteDb::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("sqlite: " + msg + " in: " + sql.substr(0, 300));
  }
}

std::vector<std::vector<std::string>> SqliteDb::rows(const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    throw std::runtime_error("sqlite: " + std::string(sqlite3_errmsg(db_)) + " in: " + sql);
  std::vector<std::vector<std::string>> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      if (sqlite3_column_type(st, i) == SQLITE_NULL) {
        row.emplace_back("<NULL>");
      } else {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_blob(st, i));
        row.emplace_back(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
      }
    }
    out.push_back(std::move(row));
  }
  const std::string msg = sqlite3_errmsg(db_);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) throw std::runtime_error("sqlite: " + msg + " in: " + sql);
  return out;
}

std::int64_t SqliteDb::count(const std::string& sql) {
  const auto r = rows(sql);
  if (r.empty() || r[0].empty()) throw std::runtime_error("no rows from: " + sql);
  return std::stoll(r[0][0]);
}

Truth sqlite_truth(const fs::path& source_file, const fs::path& target_file, const std::string& table,
                   const std::string& keys) {
  SqliteDb db(source_file);
  db.exec("ATTACH DATABASE '" + target_file.string() + "' AS tgt");
  const std::string s = "main." + table, t = "tgt." + table;
  Truth tr;
  tr.missing_in_target = db.count("SELECT count(*) FROM (SELECT " + keys + " FROM " + s + " EXCEPT SELECT " + keys + " FROM " + t + ")");
  tr.missing_in_source = db.count("SELECT count(*) FROM (SELECT " + keys + " FROM " + t + " EXCEPT SELECT " + keys + " FROM " + s + ")");
  tr.changed = db.count("SELECT count(*) FROM (SELECT * FROM " + s + " EXCEPT SELECT * FROM " + t + ")") - tr.missing_in_target;
  tr.rows_source = db.count("SELECT count(*) FROM " + s);
  tr.rows_target = db.count("SELECT count(*) FROM " + t);
  tr.keys_union = db.count("SELECT count(*) FROM (SELECT " + keys + " FROM " + s + " UNION SELECT " + keys + " FROM " + t + ")");
  return tr;
}

// ---- checks on recon's outputs ---------------------------------------------------------------

void expect_counts(const json& summary, const std::string& name, const Truth& truth) {
  const json& t = table_entry(summary, name);
  SCOPED_TRACE("table " + name + ": " + t.dump());
  EXPECT_EQ(t.at("missing_in_target").get<std::int64_t>(), truth.missing_in_target);
  EXPECT_EQ(t.at("missing_in_source").get<std::int64_t>(), truth.missing_in_source);
  EXPECT_EQ(t.at("changed").get<std::int64_t>(), truth.changed);
  EXPECT_EQ(t.at("rows_source").get<std::int64_t>(), truth.rows_source);
  EXPECT_EQ(t.at("rows_target").get<std::int64_t>(), truth.rows_target);
  EXPECT_EQ(t.at("rows_compared").get<std::int64_t>(), truth.keys_union);
  const std::int64_t matched = truth.keys_union - truth.missing_in_target - truth.missing_in_source - truth.changed;
  EXPECT_EQ(t.at("matched").get<std::int64_t>(), matched);
  const double index = truth.keys_union == 0 ? 1.0 : static_cast<double>(matched) / static_cast<double>(truth.keys_union);
  EXPECT_NEAR(t.at("consistency_index").get<double>(), index, 1e-9);
}

}  // namespace e2e

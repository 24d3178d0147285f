// `recon doctor` against PostgreSQL 15 (run the suite under pg_virtualenv): the real binary, real
// roles and tables, and — for the clock — a second cluster whose clock libfaketime moves two
// minutes ahead. Each expectation is computed on the server (pg_stat_user_tables, pg_index,
// has_table_privilege, clock_timestamp()) or read from docs/canonical-values.md, never taken from
// doctor's own output.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glob.h>

#include <chrono>
#include <cmath>
#include <functional>

#include "../support/selftest_doc.hpp"
#include "e2e_support.hpp"

namespace e2e {
namespace {

const std::string kTag = std::to_string(::getpid());
const std::string kReader = "recon_doctor_reader_" + kTag;  // roles are cluster-wide: one per process
const std::string kWriter = "recon_doctor_writer_" + kTag;
const std::string kPassword = "doctor-e2e-pw";

/// One `recon doctor --json` run: its exit code and the JSON it printed.
struct DoctorRun {
  ProcResult proc;
  json out;
};

DoctorRun doctor(const fs::path& job, const EnvEdits& env = {}) {
  DoctorRun r;
  r.proc = run_recon({"doctor", "--config", job.string(), "--json"}, env);
  r.out = json::parse(r.proc.out, nullptr, /*allow_exceptions=*/false);
  return r;
}

/// The check `id` of `side` ("source", "target" or "" for the pair) and `table` ("" for a side's).
json find_check(const json& report, const std::string& id, const std::string& side, const std::string& table) {
  for (const json& c : report.at("checks")) {
    const std::string s = c["side"].is_null() ? "" : c["side"].get<std::string>();
    const std::string t = c["table"].is_null() ? "" : c["table"].get<std::string>();
    if (c["check"] == id && s == side && t == table) return c;
  }
  ADD_FAILURE() << "no check " << id << " side '" << side << "' table '" << table << "' in " << report.dump(1);
  return json::object();
}

/// A libpq key=value url for `db` logging in as `user`.
std::string url_as(const PgDatabase& db, const std::string& user) {
  std::string url = db.conninfo();
  const auto at = url.find(" user=");
  const auto end = url.find(' ', at + 1);
  return url.substr(0, at) + " user=" + user + url.substr(end);
}

std::string job_with_urls(const std::string& source_url, const std::string& target_url, const std::string& tables) {
  return "[source]\nkind = \"postgres\"\nurl = " + toml_str(source_url) + "\n\n[target]\nkind = \"postgres\"\nurl = " +
         toml_str(target_url) + "\n\n" + tables;
}

std::string table_toml(const std::string& t, const std::string& extra = "") {
  return "[[tables]]\nname = \"" + t + "\"\nsource = \"src." + t + "\"\ntarget = \"tgt." + t + "\"\nkey = [\"id\"]\n" +
         extra + "\n";
}

class DoctorPg : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg()) return;
    db_ = std::make_unique<PgDatabase>("recon_doctor_pg");
    db_->exec("CREATE SCHEMA src; CREATE SCHEMA tgt;");
    for (const std::string s : {"src", "tgt"}) {
      // clean: a primary key, rows in key order, analysed.
      db_->exec("CREATE TABLE " + s + ".clean (id int8 PRIMARY KEY, v text); INSERT INTO " + s +
                ".clean SELECT g, md5(g::text) FROM generate_series(1, 2000) g; ANALYZE " + s + ".clean");
      // nostats: never analysed, and autovacuum may not analyse it behind the test's back.
      db_->exec("CREATE TABLE " + s + ".nostats (id int8 PRIMARY KEY, v text) WITH (autovacuum_enabled = false); "
                "INSERT INTO " + s + ".nostats SELECT g, 'x' FROM generate_series(1, 500) g");
      // noindex: no index at all on the key (trust_key), analysed.
      db_->exec("CREATE TABLE " + s + ".noindex (id int8 NOT NULL, v text); INSERT INTO " + s +
                ".noindex SELECT g, md5(g::text) FROM generate_series(1, 5000) g ORDER BY random(); ANALYZE " + s +
                ".noindex");
    }
  }
  static void TearDownTestSuite() {
    if (!db_) return;
    for (const std::string& r : {kReader, kWriter})
      db_->exec("DO $$BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + r + "') THEN EXECUTE 'DROP OWNED BY " +
                r + "'; EXECUTE 'DROP ROLE " + r + "'; END IF; END$$");
    db_.reset();
  }
  void SetUp() override {
    if (!have_pg()) GTEST_SKIP() << "PGHOST is not set: run this suite under pg_virtualenv";
  }

  /// Doctor as pg_virtualenv's superuser on `tables`.
  static DoctorRun as_superuser(const TempDir& dir, const std::string& tables) {
    write_file(dir / "job.toml", job_with_urls(db_->conninfo(), db_->conninfo(), tables));
    return doctor(dir / "job.toml");
  }

  static inline std::unique_ptr<PgDatabase> db_;
};

TEST_F(DoctorPg, ATableWithoutStatisticsWarns) {
  // Truth: PostgreSQL has neither an analyse time nor column statistics for the table.
  ASSERT_EQ(db_->count("SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'nostats' AND "
                       "(last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL)"), 0);
  ASSERT_EQ(db_->count("SELECT count(*) FROM pg_stats WHERE tablename = 'nostats'"), 0);
  TempDir dir("doctor-nostats");
  const DoctorRun r = as_superuser(dir, table_toml("nostats") + table_toml("clean"));
  ASSERT_EQ(r.proc.exit_code, 1) << r.proc.describe();
  for (const std::string side : {"source", "target"}) {
    const json c = find_check(r.out, "table.statistics", side, "nostats");
    EXPECT_EQ(c["status"], "WARN") << c.dump();
    EXPECT_NE(c["fix"].get<std::string>().find("ANALYZE"), std::string::npos) << c.dump();
    EXPECT_EQ(find_check(r.out, "table.statistics", side, "clean")["status"], "OK");
  }
  // No estimate without statistics: the pair's estimate check has nothing to compare.
  EXPECT_EQ(find_check(r.out, "table.estimate", "", "nostats")["status"], "SKIP");
  const json est = find_check(r.out, "table.estimate", "", "clean");
  EXPECT_EQ(est["status"], "OK");
  EXPECT_EQ(est["detail"]["source"], db_->count("SELECT count(*) FROM src.clean"));
}

TEST_F(DoctorPg, AKeyWithoutAnIndexWarnsNamingTheIndexThatThenServesIt) {
  ASSERT_EQ(db_->count("SELECT count(*) FROM pg_index WHERE indrelid = 'src.noindex'::regclass"), 0);
  TempDir dir("doctor-noindex");
  const DoctorRun r = as_superuser(dir, table_toml("noindex", "trust_key = true"));
  ASSERT_EQ(r.proc.exit_code, 1) << r.proc.describe();
  const json c = find_check(r.out, "table.range_read", "source", "noindex");
  ASSERT_EQ(c["status"], "WARN") << c.dump();
  EXPECT_NE(c["summary"].get<std::string>().find("Sort"), std::string::npos) << c.dump();
  const std::string create = c["detail"]["create_index"].get<std::string>();
  EXPECT_NE(c["fix"].get<std::string>().find(create), std::string::npos) << c.dump();
  EXPECT_NE(create.find("\"src\".\"noindex\""), std::string::npos) << create;
  // The statement doctor names, run as written, is what the read needed.
  db_->exec(create + "; ANALYZE src.noindex");
  const DoctorRun again = as_superuser(dir, table_toml("noindex", "trust_key = true"));
  const json fixed = find_check(again.out, "table.range_read", "source", "noindex");
  EXPECT_EQ(fixed["status"], "OK") << fixed.dump();
  EXPECT_EQ(find_check(again.out, "table.range_read", "target", "noindex")["status"], "WARN");
}

TEST_F(DoctorPg, ATextKeyIndexUnderTheDatabaseCollationWarnsAndTheNamedCIndexServesIt) {
  db_->exec("CREATE TABLE src.textkey (id text PRIMARY KEY, v int); CREATE TABLE tgt.textkey (LIKE src.textkey "
            "INCLUDING ALL); INSERT INTO src.textkey SELECT md5(g::text), g FROM generate_series(1, 5000) g; "
            "INSERT INTO tgt.textkey SELECT * FROM src.textkey; ANALYZE src.textkey; ANALYZE tgt.textkey");
  // Truth: the primary key's index orders by the column's (default) collation, not by "C".
  ASSERT_EQ(db_->count("SELECT count(*) FROM pg_index i JOIN pg_collation c ON c.oid = i.indcollation[0] "
                       "WHERE i.indrelid = 'src.textkey'::regclass AND c.collname = 'default'"), 1);
  TempDir dir("doctor-textkey");
  const DoctorRun r = as_superuser(dir, table_toml("textkey"));
  const json c = find_check(r.out, "table.range_read", "source", "textkey");
  ASSERT_EQ(c["status"], "WARN") << c.dump();
  const std::string create = c["detail"]["create_index"].get<std::string>();
  EXPECT_EQ(create, "CREATE INDEX ON \"src\".\"textkey\" (\"id\" COLLATE \"C\")");
  EXPECT_NE(c["summary"].get<std::string>().find("textkey_pkey"), std::string::npos) << c.dump();
  db_->exec(create);
  const DoctorRun again = as_superuser(dir, table_toml("textkey"));
  const json fixed = find_check(again.out, "table.range_read", "source", "textkey");
  EXPECT_EQ(fixed["status"], "OK") << fixed.dump();
  EXPECT_EQ(fixed["detail"]["index"], "textkey_id_idx");
}

TEST_F(DoctorPg, TheSuperuserWarnsOnItsRoleAndItsWriteRights) {
  ASSERT_EQ(db_->count("SELECT count(*) FROM pg_roles WHERE rolname = current_user AND rolsuper"), 1);
  TempDir dir("doctor-super");
  const DoctorRun r = as_superuser(dir, table_toml("clean"));
  ASSERT_EQ(r.proc.exit_code, 1) << r.proc.describe();
  for (const std::string side : {"source", "target"}) {
    const json role = find_check(r.out, "login.role", side, "");
    EXPECT_EQ(role["status"], "WARN") << role.dump();
    EXPECT_EQ(role["detail"]["all_powerful_role"], "superuser");
    const json write = find_check(r.out, "table.write", side, "clean");
    EXPECT_EQ(write["status"], "WARN");
    EXPECT_EQ(write["detail"]["write_rights"], json({"INSERT", "UPDATE", "DELETE", "TRUNCATE", "ALTER"}));
  }
  // The statements that make a role without all that are printed.
  EXPECT_FALSE(r.out.at("least_privilege").at("source").empty());
}

TEST_F(DoctorPg, ARoleWithWriteRightsWarnsNamingThem) {
  db_->exec("CREATE ROLE " + kWriter + " LOGIN PASSWORD '" + kPassword + "'; GRANT CONNECT ON DATABASE " + db_->name() +
            " TO " + kWriter + "; GRANT USAGE ON SCHEMA src, tgt TO " + kWriter + "; GRANT SELECT, INSERT, UPDATE ON " +
            "src.clean, tgt.clean TO " + kWriter);
  // Truth: what PostgreSQL says the role may do on the table.
  ASSERT_EQ(db_->count("SELECT count(*) FROM (VALUES ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE')) p(r) "
                       "WHERE has_table_privilege('" + kWriter + "', 'src.clean', p.r)"), 2);
  TempDir dir("doctor-writer");
  write_file(dir / "job.toml", job_with_urls(url_as(*db_, kWriter), url_as(*db_, kWriter), table_toml("clean")));
  const DoctorRun r = doctor(dir / "job.toml", {{"PGPASSWORD", kPassword}});
  ASSERT_EQ(r.proc.exit_code, 1) << r.proc.describe();
  for (const std::string side : {"source", "target"}) {
    const json write = find_check(r.out, "table.write", side, "clean");
    EXPECT_EQ(write["status"], "WARN") << write.dump();
    EXPECT_EQ(write["detail"]["write_rights"], json({"INSERT", "UPDATE"}));
    const json role = find_check(r.out, "login.role", side, "");
    EXPECT_EQ(role["status"], "WARN") << role.dump();
    EXPECT_EQ(role["detail"]["all_powerful_role"], "");
  }
}

TEST_F(DoctorPg, ACleanLeastPrivilegeRoleIsAllOkAndExitsZero) {
  TempDir dir("doctor-clean");
  const std::string tables = table_toml("clean");
  write_file(dir / "job.toml", job_with_urls(db_->conninfo(), db_->conninfo(), tables));
  const ProcResult super =
      run_recon({"doctor", "--config", (dir / "job.toml").string(), "--json", "--role", kReader});
  const json lp = json::parse(super.out)["least_privilege"];
  // Doctor's own statements, run as written by the superuser. Both sides are one cluster here, so
  // the target's CREATE ROLE finds the source's role already made.
  for (const std::string side : {"source", "target"}) {
    ASSERT_FALSE(lp[side].empty()) << super.describe();
    for (const json& s : lp[side]) {
      const std::string sql = s.get<std::string>();
      if (sql.rfind("--", 0) == 0) continue;
      if (side == "target" && sql.rfind("CREATE ROLE", 0) == 0) continue;
      ASSERT_NO_THROW(db_->exec(sql)) << sql;
    }
  }
  db_->exec("ALTER ROLE " + kReader + " PASSWORD '" + kPassword + "'");
  write_file(dir / "job.toml", job_with_urls(url_as(*db_, kReader), url_as(*db_, kReader), tables));
  const DoctorRun r = doctor(dir / "job.toml", {{"PGPASSWORD", kPassword}});
  EXPECT_EQ(r.proc.exit_code, 0) << r.proc.describe();
  ASSERT_TRUE(r.out.is_object()) << r.proc.describe();
  for (const json& c : r.out.at("checks"))
    EXPECT_TRUE(c["status"] == "OK" || c["status"] == "SKIP") << c.dump();
  EXPECT_EQ(r.out.at("counts").at("warn"), 0);
  EXPECT_EQ(r.out.at("counts").at("fail"), 0);
  EXPECT_EQ(r.out.at("sides").at("source").at("login"), kReader);
  EXPECT_EQ(find_check(r.out, "table.range_read", "target", "clean")["detail"]["index"], "clean_pkey");
}

TEST_F(DoctorPg, TheSelfTestPassesAndItsCasesAreTheDocsRows) {
  const auto rows = selftest_doc::read(std::string(RECON_SOURCE_DIR) + "/docs/canonical-values.md", "postgres");
  TempDir dir("doctor-selftest");
  const DoctorRun r = as_superuser(dir, table_toml("clean"));
  ASSERT_TRUE(r.out.is_object()) << r.proc.describe();
  for (const std::string side : {"source", "target"}) {
    json st = r.out.at("self_test").at(side);
    EXPECT_EQ(st["name"], "postgres");
    EXPECT_EQ(st["failed"], 0) << st.dump(1);
    EXPECT_EQ(find_check(r.out, "self_test", side, "")["status"], "OK");
    ASSERT_EQ(st["cases"].size(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      json c = st["cases"][i];
      EXPECT_EQ(c["type"], rows[i].type);
      EXPECT_EQ(c["literal"], rows[i].literal);
      EXPECT_EQ(c["expected"], rows[i].canonical);
      EXPECT_EQ(c["got"], rows[i].canonical) << rows[i].literal;
      EXPECT_TRUE(c["ok"].get<bool>());
    }
  }
}

/// A throwaway PostgreSQL cluster in a temp dir on a private port and Unix socket, whose server
/// process runs under libfaketime with its clock moved `offset_s` seconds ahead. Started by the
/// constructor, stopped (immediate) by the destructor. Run as root, the cluster belongs to the
/// postgres user, as Debian's clusters do.
class SkewedCluster {
 public:
  SkewedCluster(const std::string& faketime_lib, int port, int offset_s) : dir_("doctor-skewed"), port_(port) {
    const std::string bin = pg_bindir();
    std::vector<std::string> as_owner;
    if (::geteuid() == 0) {
      const passwd* pw = ::getpwnam("postgres");
      if (!pw) throw std::runtime_error("running as root without a postgres user to own the cluster");
      ::chown(dir_.path().c_str(), pw->pw_uid, pw->pw_gid);
      as_owner = {"-u", "postgres", "--"};
      user_ = "postgres";
    } else {
      user_ = ::getpwuid(::geteuid())->pw_name;
    }
    const EnvEdits env = {{"LD_PRELOAD", faketime_lib},
                          {"FAKETIME", "+" + std::to_string(offset_s)},
                          {"FAKETIME_DONT_FAKE_MONOTONIC", "1"}};
    // By value: stop_ keeps a copy of it and runs it from the destructor.
    auto run = [as_owner, env](std::vector<std::string> args) {
      std::string program = args.front();
      if (!as_owner.empty()) {
        args.insert(args.begin(), as_owner.begin(), as_owner.end());
        program = "/usr/sbin/runuser";
      } else {
        args.erase(args.begin());
      }
      const ProcResult r = run_process(program, args, env, 120);
      if (r.exit_code != 0) throw std::runtime_error(program + " failed: " + r.describe());
    };
    run({bin + "/initdb", "-D", (dir_ / "data").string(), "-A", "trust", "-U", user_, "-E", "UTF8", "--locale=C", "--no-sync"});
    run({bin + "/pg_ctl", "-D", (dir_ / "data").string(), "-l", (dir_ / "log").string(), "-w", "-o",
         "-p " + std::to_string(port_) + " -k " + dir_.path().string() + " -c listen_addresses=''", "start"});
    stop_ = [run, bin, data = (dir_ / "data").string()] { run({bin + "/pg_ctl", "-D", data, "-m", "immediate", "stop"}); };
  }
  ~SkewedCluster() {
    try {
      if (stop_) stop_();
    } catch (...) {
    }
  }
  std::string conninfo() const {
    return "host=" + dir_.path().string() + " port=" + std::to_string(port_) + " user=" + user_ + " dbname=postgres";
  }
  /// The newest installed PostgreSQL's bin directory (Debian's layout).
  static std::string pg_bindir() {
    glob_t g{};
    std::string best;
    if (::glob("/usr/lib/postgresql/*/bin/initdb", 0, nullptr, &g) == 0)
      for (std::size_t i = 0; i < g.gl_pathc; ++i) best = fs::path(g.gl_pathv[i]).parent_path().string();
    ::globfree(&g);
    return best;
  }

 private:
  TempDir dir_;
  int port_;
  std::string user_;
  std::function<void()> stop_;
};

/// libfaketime's preload library, or "" when the faketime package is not installed.
std::string faketime_library() {
  glob_t g{};
  std::string found;
  if (::glob("/usr/lib/*/faketime/libfaketime.so.1", 0, nullptr, &g) == 0 && g.gl_pathc > 0) found = g.gl_pathv[0];
  ::globfree(&g);
  return found;
}

/// Server clock − this host's clock in ms, measured around one clock_timestamp() read.
double measured_skew_ms(const std::string& conninfo) {
  pqxx::connection c(conninfo);
  pqxx::nontransaction tx(c);
  const auto before = std::chrono::system_clock::now();
  const double server_s = tx.exec("SELECT extract(epoch FROM clock_timestamp())::float8")[0][0].as<double>();
  const auto after = std::chrono::system_clock::now();
  const double mid_s = std::chrono::duration<double>((before + (after - before) / 2).time_since_epoch()).count();
  return (server_s - mid_s) * 1000.0;
}

TEST_F(DoctorPg, AClockSkewBeyondATablesLagWarns) {
  const std::string lib = faketime_library();
  if (lib.empty()) GTEST_SKIP() << "libfaketime is not installed (Debian package faketime, scripts/install-deps.sh): "
                                   "no second cluster with a skewed clock to measure";
  if (SkewedCluster::pg_bindir().empty()) GTEST_SKIP() << "no /usr/lib/postgresql/*/bin/initdb to start a second cluster";
  constexpr int kOffsetS = 120;
  SkewedCluster skewed(lib, 5452, kOffsetS);
  // Truth: the skew as this test measures it, against the 30 s lag of the job's table.
  const double skew_ms = measured_skew_ms(skewed.conninfo());
  ASSERT_GT(skew_ms, 100'000) << "libfaketime did not move the second cluster's clock";
  const double source_skew_ms = measured_skew_ms(db_->conninfo());
  ASSERT_LT(std::abs(source_skew_ms), 1'000);
  {
    pqxx::connection c(skewed.conninfo());
    pqxx::work tx(c);
    tx.exec("CREATE SCHEMA tgt; CREATE TABLE tgt.lagged (id int8 PRIMARY KEY, updated_at timestamptz); "
            "INSERT INTO tgt.lagged SELECT g, now() FROM generate_series(1, 100) g");
    tx.commit();
  }
  db_->exec("CREATE TABLE src.lagged (id int8 PRIMARY KEY, updated_at timestamptz); "
            "INSERT INTO src.lagged SELECT g, now() FROM generate_series(1, 100) g");
  TempDir dir("doctor-clock");
  write_file(dir / "job.toml",
             job_with_urls(db_->conninfo(), skewed.conninfo(),
                           table_toml("lagged", "updated_at = \"updated_at\"\nlag = \"30s\"")));
  const DoctorRun r = doctor(dir / "job.toml");
  ASSERT_TRUE(r.out.is_object()) << r.proc.describe();
  EXPECT_EQ(r.proc.exit_code, 1) << r.proc.describe();
  ASSERT_TRUE(r.out.contains("sides")) << r.proc.describe();
  const json sides = r.out.at("sides");
  RecordProperty("measured_skew_ms", std::to_string(skew_ms));
  RecordProperty("doctor_skew_ms", sides.at("target").value("clock_skew_ms", json()).dump());
  const json target = find_check(r.out, "clock", "target", "");
  EXPECT_EQ(target["status"], "WARN") << target.dump();
  ASSERT_TRUE(sides.at("target").at("clock_skew_ms").is_number()) << sides.dump();
  EXPECT_NEAR(sides.at("target").at("clock_skew_ms").get<double>(), skew_ms, 2'000) << target.dump();
  const json source = find_check(r.out, "clock", "source", "");
  EXPECT_EQ(source["status"], "OK") << source.dump();
  ASSERT_TRUE(sides.at("source").at("clock_skew_ms").is_number()) << sides.dump();
  EXPECT_NEAR(sides.at("source").at("clock_skew_ms").get<double>(), source_skew_ms, 1'000);
}

}  // namespace
}  // namespace e2e

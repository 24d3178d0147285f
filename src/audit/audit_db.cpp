// SQLite audit trail: schema creation/checks, run rows, table results, divergences.
#include "recon/audit/audit_db.hpp"
#include "recon/model/estimates_json.hpp"

#include <pwd.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <system_error>

#include "chain_ddl.hpp"
#include "recon/audit/chain.hpp"
#include "recon/core/errors.hpp"
#include "recon/generated/sql_text.hpp"
#include "recon/core/os_identity.hpp"
#include "sqlite_util.hpp"

namespace recon {
namespace {

using audit::bind_blob;
using audit::bind_opt_text;
using audit::bind_text;

std::string endpoint_text(const Endpoint& e) { return redact_secrets(std::string(engine_kind_name(e.kind)) + " " + e.url); }

constexpr const char* kInsertDivergence =
    "INSERT INTO divergences (run_id, table_name, key_json, category, columns_json, source_values_json,"
    " target_values_json, source_digest, target_digest, columns_idx, key_canon, source_canon, target_canon,"
    " finding_category, severity, action, rule, explanation, fix_columns_idx, status, recheck_attempts,"
    " converged_after_s, range_index) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
    " ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)";
constexpr const char* kUpsertTable =
    "INSERT OR REPLACE INTO table_results (run_id, table_name, source, target, rows_source, rows_target,"
    " rows_compared, matched, missing_in_target, missing_in_source, changed, consistency_index, partial, error,"
    " tolerated, in_flight, converged, suspended, escalated, categories_json, notes_json, fixup_file, fixup_sha256,"
    " mode, index_lower, index_upper, sample_json, incremental_json)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23,"
    " ?24, ?25, ?26, ?27, ?28)";

/// JSON text that never throws on invalid UTF-8 (a name from a foreign catalog must not end a run).
std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

AuditRunInfo AuditRunInfo::from(const RunOptions& options, const RunResult& run, const std::string& recon_version) {
  AuditRunInfo info;
  info.run_id = run.run_id;
  info.started_at = run.started_at;
  info.host = host_name();
  info.user = user_name();
  info.job_file = options.job_file.string();
  info.job_hash = options.job_hash;
  info.job_sha256 = options.job_sha256;
  info.rule_files_json = recon::rule_files_json(options);
  info.mode = mode_name(options.mode);
  if (options.mode == Mode::Sample) {
    info.seed = options.seed ? *options.seed : run.seed;
    info.sample_rate = options.sample_rate;
  }
  info.source_endpoint = endpoint_text(options.source);
  info.target_endpoint = endpoint_text(options.target);
  info.recon_version = recon_version;
  return info;
}

AuditDb::~AuditDb() { close(); }

void AuditDb::close() {
  insert_divergence_ = sqlite::Stmt();
  upsert_table_ = sqlite::Stmt();
  db_.reset();
}

void AuditDb::fail(const std::string& what) const {
  throw std::runtime_error("audit database " + path_.string() + ": " + what + ": " +
                           db_.error() +
                           " (check the file, its folder's permissions and free space, or use --audit)");
}

void AuditDb::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    fail(msg);
  }
}

void AuditDb::in_write_transaction(const std::function<void()>& body) {
  exec("BEGIN IMMEDIATE");
  try {
    body();
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void AuditDb::open(const std::filesystem::path& path) {
  close();
  path_ = path;
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);  // failure shows up in open below
  }
  if (db_.open(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) != SQLITE_OK)
    fail("cannot open");
  sqlite3_busy_timeout(db_, 10'000);  // another scheduled run may be writing the same file
  if (audit::register_audit_functions(db_, &pruning_) != SQLITE_OK) fail("cannot register the audit's SQL functions");

  // The first statement that reads the file tells a non-database apart.
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    const std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    if (rc == SQLITE_NOTADB)
      throw InputError("audit database " + path.string() + " is not a SQLite file (" + msg +
                       "); point --audit (or [check].audit) at a recon audit file or a new path");
    fail(msg);
  }
  exec("PRAGMA synchronous=NORMAL");  // WAL + NORMAL is durable across process crashes

  // Check and create inside one write transaction so two processes cannot both create the schema.
  exec("BEGIN IMMEDIATE");
  try {
    auto scalar = [&](const char* sql) -> std::optional<std::int64_t> {
      const sqlite::Stmt s(db_, sql);
      if (!s.ok()) fail("cannot read schema");
      std::optional<std::int64_t> v;
      if (sqlite3_step(s) == SQLITE_ROW && !sqlite::column_null(s, 0)) v = sqlite3_column_int64(s, 0);
      return v;
    };
    const auto has_version = scalar("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_version'");
    if (has_version.value_or(0) == 0) {
      if (scalar("SELECT count(*) FROM sqlite_master").value_or(0) != 0)
        throw InputError("audit database " + path.string() +
                         " is a SQLite database but not a recon audit trail (no schema_version table); "
                         "point --audit at a recon audit file or a new path");
      exec(std::string(sql::audit_schema).c_str());
      migrate_from(0);  // schema.sql is version 6: a new file takes the same step to 7 as an old one
    } else {
      const std::int64_t v = scalar("SELECT max(version) FROM schema_version").value_or(0);
      if (v > kSchemaVersion)
        throw InputError("audit database " + path.string() + " has schema version " + std::to_string(v) +
                         ", newer than this recon understands (" + std::to_string(kSchemaVersion) +
                         "); upgrade recon or point --audit at another file");
      if (v < 1)
        throw InputError("audit database " + path.string() + " has unknown schema version " + std::to_string(v) +
                         "; point --audit at another file");
      migrate_from(v);  // in place, inside this transaction: a failure leaves the file as it was
    }
    mark_abandoned(60);
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    close();
    throw;
  }
  insert_divergence_ = sqlite::Stmt(db_, kInsertDivergence);
  upsert_table_ = sqlite::Stmt(db_, kUpsertTable);
  if (!insert_divergence_.ok() || !upsert_table_.ok()) fail("cannot prepare statements");
}

void AuditDb::migrate_from(std::int64_t version) {
  // steps[i] takes version i + 1 to i + 2. Version 0 is a new file: schema.sql made it version 6.
  const std::string_view steps[] = {sql::audit_migrate_v1_v2, sql::audit_migrate_v2_v3, sql::audit_migrate_v3_v4,
                                    sql::audit_migrate_v4_v5, sql::audit_migrate_v5_v6};
  for (std::int64_t v = version == 0 ? 6 : version; v < 6; ++v) exec(std::string(steps[v - 1]).c_str());
  const audit::ExecSql run = [this](const std::string& sql) { exec(sql.c_str()); };
  if (version < 7) audit::migrate_to_chain(db_, run, version, RECON_VERSION_STRING);
  if (version < 8) {
    exec(std::string(sql::audit_migrate_v7_v8).c_str());
    audit::chain_insert_only(db_, run, "doctor_runs");
  }
}

audit::ChainHead AuditDb::chain_head() {
  require_open("chain_head");
  return audit::read_chain_head(db_);
}

void AuditDb::require_open(const char* method) const {
  if (!db_) throw std::logic_error(std::string("AuditDb::") + method + " called before open()");
}

void AuditDb::require_run(const char* method) const {
  if (!db_ || run_id_.empty())
    throw std::logic_error(std::string("AuditDb::") + method + " called before open() and begin_run()");
}

void AuditDb::begin_run(const AuditRunInfo& info) {
  if (!db_) throw std::logic_error("AuditDb::begin_run called before open()");
  run_id_ = info.run_id;
  mode_ = info.mode;
  const sqlite::Stmt s(db_,
                       "INSERT INTO runs (run_id, started_at, host, user, job_file, job_hash, mode, seed,"
                       " sample_rate, status, source_endpoint, target_endpoint, recon_version, rules_hash, out_dir,"
                       " heartbeat_at, job_sha256, rule_files_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                       " 'running', ?10, ?11, ?12, ?13, ?14, ?2, ?15, ?16)");
  if (!s.ok()) fail("cannot prepare run insert");
  bind_text(s, 1, info.run_id);
  bind_text(s, 2, info.started_at);
  bind_opt_text(s, 3, info.host);
  bind_opt_text(s, 4, info.user);
  bind_opt_text(s, 5, info.job_file);
  bind_opt_text(s, 6, info.job_hash);
  bind_text(s, 7, info.mode);
  bind_opt_text(s, 8, info.seed ? std::to_string(*info.seed) : std::string());
  sqlite3_bind_double(s, 9, info.sample_rate);
  bind_opt_text(s, 10, redact_secrets(info.source_endpoint));
  bind_opt_text(s, 11, redact_secrets(info.target_endpoint));
  bind_opt_text(s, 12, info.recon_version);
  bind_opt_text(s, 13, info.rules_hash);
  bind_opt_text(s, 14, info.out_dir);
  bind_opt_text(s, 15, info.job_sha256);
  bind_opt_text(s, 16, info.rule_files_json);
  if (sqlite3_step(s) != SQLITE_DONE) fail("cannot record run " + info.run_id);
}

void AuditDb::begin_table(const TableContext&) { require_run("begin_table"); }

std::string AuditDb::values_json(const std::vector<ColumnInfo>& columns, std::string_view values,
                                 const std::vector<std::uint32_t>* only) {
  std::vector<canon::ValueView> vals;
  for (std::size_t pos = 0; pos < values.size();) vals.push_back(canon::read_value(values, pos));
  std::string out = "{";
  auto add = [&](std::size_t i) {
    if (i >= vals.size() || i >= columns.size()) return;
    if (out.size() > 1) out.push_back(',');
    out += dump(nlohmann::json(columns[i].name));
    out.push_back(':');
    out += canon::to_json(vals[i]);
  };
  if (only && !only->empty())
    for (std::uint32_t i : *only) add(i);
  else
    for (std::size_t i = 0; i < vals.size(); ++i) add(i);
  out.push_back('}');
  return out;
}

void AuditDb::divergences(const TableContext& ctx, const std::vector<Divergence>& batch) {
  require_run("divergences");
  if (batch.empty()) return;
  exec("BEGIN IMMEDIATE");
  try {
    sqlite3_stmt* s = insert_divergence_;
    // Sensitive columns are kept as tokens, and a sensitive key sealed (docs/privacy.md); digests
    // are those of what is kept, so no digest can be matched against guessed values.
    const privacy::TablePrivacy& privacy = *ctx.privacy;
    for (const Divergence& d : batch) {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
      bind_text(s, 1, run_id_);
      bind_text(s, 2, ctx.name);
      bind_text(s, 3, canon::key_to_json(privacy.token_key(d.key)));
      bind_text(s, 4, category_name(d.category));
      const bool has_source = d.category != Category::MissingInSource;
      const bool has_target = d.category != Category::MissingInTarget;
      const std::vector<std::uint32_t>* only = d.category == Category::Changed ? &d.columns : nullptr;
      if (d.category == Category::Changed) {
        nlohmann::json cols = nlohmann::json::array();
        for (std::uint32_t i : d.columns)
          if (i < ctx.target_values.size()) cols.push_back(ctx.target_values[i].name);
        bind_text(s, 5, dump(cols));
        bind_text(s, 10, audit::join_indexes(d.columns));
      }
      if (has_source) {
        const std::string kept = privacy.token_values(d.source_values);
        bind_text(s, 6, values_json(ctx.target_values, kept, only));
        bind_text(s, 8, privacy.values_sensitive() ? row_digest(kept).hex() : d.source_digest.hex());
        bind_blob(s, 12, kept);
      }
      if (has_target) {
        const std::string kept = privacy.token_values(d.target_values);
        bind_text(s, 7, values_json(ctx.target_values, kept, only));
        bind_text(s, 9, privacy.values_sensitive() ? row_digest(kept).hex() : d.target_digest.hex());
        bind_blob(s, 13, kept);
      }
      bind_blob(s, 11, privacy.seal_key(d.key));
      audit::bind_finding(s, 14, d);
      if (d.range_index >= 0) sqlite3_bind_int64(s, 23, d.range_index);
      if (sqlite3_step(s) != SQLITE_DONE) fail("cannot record divergences of table " + ctx.name);
    }
    sqlite3_reset(s);
    exec("COMMIT");
  } catch (...) {
    sqlite3_reset(insert_divergence_);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void AuditDb::write_table_result(const TableResult& t) {
  sqlite3_stmt* s = upsert_table_;
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  bind_text(s, 1, run_id_);
  bind_text(s, 2, t.name);
  bind_opt_text(s, 3, t.source);
  bind_opt_text(s, 4, t.target);
  const std::int64_t counts[] = {t.rows_source, t.rows_target, t.rows_compared, t.matched,
                                 t.missing_in_target, t.missing_in_source, t.changed};
  for (int i = 0; i < 7; ++i) sqlite3_bind_int64(s, 5 + i, counts[i]);
  if (const auto index = t.reported_index()) sqlite3_bind_double(s, 12, *index);
  sqlite3_bind_int(s, 13, t.partial ? 1 : 0);
  bind_opt_text(s, 14, redact_secrets(t.error));
  const std::int64_t rules_counts[] = {t.tolerated, t.in_flight, t.converged, t.suspended, t.escalated};
  for (int i = 0; i < 5; ++i) sqlite3_bind_int64(s, 15 + i, rules_counts[i]);
  bind_text(s, 20, categories_json(t));
  nlohmann::json notes = nlohmann::json::array();
  for (const std::string& n : t.notes) notes.push_back(redact_secrets(n));
  bind_text(s, 21, dump(notes));
  bind_opt_text(s, 22, t.fixup_sql);
  bind_opt_text(s, 23, t.fixup_sha256);
  bind_opt_text(s, 24, mode_);
  if (t.sample) {
    sqlite3_bind_double(s, 25, t.sample->lower);
    sqlite3_bind_double(s, 26, t.sample->upper);
    bind_text(s, 27, dump(interval_json(*t.sample)));
  }
  if (t.incremental) bind_text(s, 28, dump(incremental_json(*t.incremental)));
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) fail("cannot record result of table " + t.name);
}

std::string AuditDb::categories_json(const TableResult& t) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [name, c] : t.categories)
    j[name] = {{"count", c.count}, {"severity", "P" + std::to_string(c.severity)}, {"action", action_name(c.action)}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void AuditDb::end_table(const TableContext&, TableResult& result) {
  require_run("end_table");
  write_table_result(result);
}

void AuditDb::finish_run(const RunResult& run) {
  require_run("finish_run");
  in_write_transaction([&] {
    set_run_end(run.status.empty() ? std::string("error") : run.status, run.finished_at, run.reported_index(),
                run.error);
    if (run.sample) record_run_interval(*run.sample);
    for (const TableResult& t : run.tables) write_table_result(t);
    // A watermark moves only when the run ended without error and the table was wholly compared.
    if (run.status == "consistent" || run.status == "divergent")
      for (const TableResult& t : run.tables)
        if (!t.partial && t.incremental && t.incremental->next_state) save_incremental_state(t.name, *t.incremental->next_state);
  });
}

void AuditDb::set_run_end(const std::string& status, const std::string& finished_at, std::optional<double> index,
                          const std::string& error) {
  const sqlite::Stmt s(db_,
                       "UPDATE runs SET finished_at = ?2, status = ?3, consistency_index = ?4, error = ?5,"
                       " heartbeat_at = ?2 WHERE run_id = ?1");
  if (!s.ok()) fail("cannot prepare run update");
  bind_text(s, 1, run_id_);
  bind_opt_text(s, 2, finished_at);
  bind_text(s, 3, status);
  if (index) sqlite3_bind_double(s, 4, *index);
  bind_opt_text(s, 5, redact_secrets(error));
  if (sqlite3_step(s) != SQLITE_DONE) fail("cannot record the end of run " + run_id_);
}

}  // namespace recon

// `recon audit verify`: the chain walked entry by entry, then every chained record looked up on it.
#include "recon/audit/verify.hpp"

#include <sqlite3.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_set>
#include <utility>
#include <vector>

#include "chain_ddl.hpp"
#include "recon/audit/audit_db.hpp"
#include "recon/core/errors.hpp"
#include "sqlite_util.hpp"

namespace recon::audit {
namespace {

constexpr const char* kEdited = "content does not match its hash (edited)";
constexpr const char* kMissing = "record missing (deleted)";
constexpr const char* kLinkBroken =
    "link to the previous record broken (a record before it was deleted, inserted or reordered)";
constexpr const char* kNotOnChain = "not on the chain (inserted)";
constexpr const char* kViewChanged = "view redefined (it may hide or alter records; the records themselves verify)";
constexpr int kSchemaWithChain = 7;

/// One chained table: its record hash and the columns that say what a record is.
struct TableReader {
  Stmt by_rec;   ///< ?1 = rowid -> content hash, context
  Stmt all;      ///< every rowid, context
  std::unordered_set<std::int64_t> chained;  ///< rowids seen on the chain
};

/// "run_id, table_name, id" where the table has them (NULL otherwise), as context columns.
std::string context_sql(const std::vector<ColumnDef>& cols, const std::string& table) {
  auto has = [&](const char* name) {
    for (const ColumnDef& c : cols)
      if (c.name == name) return true;
    return false;
  };
  return std::string(has("run_id") ? "run_id" : "NULL") + ", " + (has("table_name") ? "table_name" : "NULL") + ", " +
         (table == "divergences_log" ? "id" : "NULL");
}

/// "run r1, table clientes, divergence 7" from the context columns starting at `first`.
std::string context_of(sqlite3_stmt* s, int first) {
  std::string out;
  auto add = [&](const std::string& label, int i) {
    if (column_null(s, i)) return;
    out += (out.empty() ? "" : ", ") + label + " " + column_text(s, i);
  };
  add("run", first);
  add("table", first + 1);
  add("divergence", first + 2);
  return out;
}

class Verifier {
 public:
  explicit Verifier(const std::filesystem::path& path) : path_(path) {}
  ChainVerification run();

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("audit database " + path_.string() + ": " + what + ": " + db_.error() +
                             " (check the file and its permissions)");
  }
  void open();
  void prepare_tables();
  void load_marks(ChainVerification& out);
  std::optional<ChainProblem> walk(ChainVerification& out);
  std::optional<ChainProblem> check_entry(sqlite3_stmt* entry, std::int64_t last_seq, const std::string& last_sha);
  std::optional<ChainProblem> find_unchained();
  std::optional<ChainProblem> check_views();

  std::filesystem::path path_;
  sqlite::Db db_;
  std::map<std::string, std::unique_ptr<TableReader>> tables_;
  /// checkpoint bridges: seq -> (after_seq, prev_sha256) accepted there
  std::multimap<std::int64_t, std::pair<std::int64_t, std::string>> bridges_;
};

void Verifier::open() {
  if (db_.open(path_.string(), SQLITE_OPEN_READONLY) != SQLITE_OK) fail("cannot open");
  sqlite3_busy_timeout(db_, 10'000);
  if (register_audit_functions(db_) != SQLITE_OK) fail("cannot register the audit's SQL functions");
  Stmt s(db_, "SELECT max(version) FROM schema_version");
  if (!s.ok())
    throw InputError("audit database " + path_.string() + " is not a recon audit trail (" + db_.error() +
                     "); point --audit at a recon audit file");
  const std::int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
  if (v < kSchemaWithChain)
    throw InputError("audit database " + path_.string() + " has schema version " + std::to_string(v) +
                     ", which has no hash chain yet; any recon command that opens it (e.g. recon runs --audit " +
                     path_.string() + ") migrates it in place and starts the chain there, then verify");
  if (v > AuditDb::kSchemaVersion)
    throw InputError("audit database " + path_.string() + " has schema version " + std::to_string(v) +
                     ", newer than this recon understands; verify it with a newer recon");
}

void Verifier::prepare_tables() {
  for (const std::string& t : chained_tables()) {
    const std::vector<ColumnDef> cols = table_columns(db_, t);
    if (cols.empty()) continue;  // a table dropped: its chain entries report the records missing
    auto r = std::make_unique<TableReader>();
    const std::string context = context_sql(cols, t);
    r->by_rec = Stmt(db_, "SELECT " + record_hash_sql(t, cols, "") + ", " + context + " FROM " + quote_ident(t) +
                              " WHERE rowid = ?1");
    r->all = Stmt(db_, "SELECT rowid, " + context + " FROM " + quote_ident(t) + " ORDER BY rowid");
    if (!r->by_rec.ok() || !r->all.ok()) fail("cannot read table " + t);
    tables_[t] = std::move(r);
  }
}

void Verifier::load_marks(ChainVerification& out) {
  Stmt s(db_, "SELECT kind, note, bridges_json FROM chain_marks ORDER BY id");
  if (!s.ok()) fail("cannot read chain_marks");
  while (sqlite3_step(s) == SQLITE_ROW) {
    const std::string kind = column_text(s, 0);
    if (kind == "start" && out.start_note.empty()) out.start_note = column_text(s, 1);
    if (kind != "checkpoint") continue;
    ++out.checkpoints;
    const nlohmann::json b = nlohmann::json::parse(column_text(s, 2), nullptr, false);
    if (!b.is_array()) continue;  // an edited mark is itself reported by the walk
    for (const auto& g : b)
      if (g.is_object() && g.value("seq", nlohmann::json()).is_number_integer())
        bridges_.emplace(g["seq"].get<std::int64_t>(),
                         std::make_pair(g.value("after_seq", std::int64_t{-1}), g.value("prev_sha256", std::string())));
  }
}

std::optional<ChainProblem> Verifier::check_entry(sqlite3_stmt* e, std::int64_t last_seq, const std::string& last_sha) {
  ChainProblem p{sqlite3_column_int64(e, 0), column_text(e, 1), sqlite3_column_int64(e, 2), "", ""};
  const std::string content = column_text(e, 3), prev = column_text(e, 4), sha = column_text(e, 5);
  const auto table = tables_.find(p.table);
  if (table == tables_.end()) return p.what = kMissing, p;
  TableReader& r = *table->second;
  r.chained.insert(p.rec);
  sqlite3_reset(r.by_rec);
  sqlite3_bind_int64(r.by_rec, 1, p.rec);
  const int rc = sqlite3_step(r.by_rec);
  if (rc == SQLITE_DONE) return p.what = kMissing, p;
  if (rc != SQLITE_ROW) fail("cannot read " + p.table + " rec " + std::to_string(p.rec));
  p.context = context_of(r.by_rec, 1);
  if (column_text(r.by_rec, 0) != content) return p.what = kEdited, p;
  bool linked = prev == last_sha;
  if (!linked && p.seq != last_seq + 1) {
    const auto [lo, hi] = bridges_.equal_range(p.seq);
    for (auto it = lo; it != hi && !linked; ++it) linked = it->second.first == last_seq && it->second.second == prev;
  }
  if (!linked || column_text(e, 6) != sha) return p.what = kLinkBroken, p;
  return std::nullopt;
}

std::optional<ChainProblem> Verifier::walk(ChainVerification& out) {
  Stmt s(db_, "SELECT seq, tbl, rec, content_sha256, prev_sha256, sha256, recon_chain_link(prev_sha256, content_sha256)"
              " FROM chain ORDER BY seq");
  if (!s.ok()) fail("cannot read the chain");
  std::int64_t last_seq = 0;
  std::string last_sha(kChainGenesis);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    ++out.records;
    if (auto p = check_entry(s, last_seq, last_sha)) return p;
    last_seq = sqlite3_column_int64(s, 0);
    last_sha = column_text(s, 5);
  }
  if (rc != SQLITE_DONE) fail("cannot read the chain");
  out.head = ChainHead{last_seq, last_seq == 0 ? std::string() : last_sha};
  return std::nullopt;
}

std::optional<ChainProblem> Verifier::find_unchained() {
  for (const std::string& t : chained_tables()) {
    const auto it = tables_.find(t);
    if (it == tables_.end()) continue;
    TableReader& r = *it->second;
    while (sqlite3_step(r.all) == SQLITE_ROW) {
      const std::int64_t rec = sqlite3_column_int64(r.all, 0);
      if (!r.chained.count(rec)) return ChainProblem{0, t, rec, context_of(r.all, 1), kNotOnChain};
    }
  }
  return std::nullopt;
}

/// The views recon and people read must be the ones the migration wrote: a replaced view could hide
/// records that still verify.
std::optional<ChainProblem> Verifier::check_views() {
  for (const LoggedTable& t : logged_tables()) {
    Stmt s(db_, "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?1");
    if (!s.ok()) fail("cannot read the schema");
    bind_text(s, 1, t.name);
    const std::string found = sqlite3_step(s) == SQLITE_ROW ? column_text(s, 0) : std::string();
    if (found != expected_view_sql(db_, t)) return ChainProblem{0, t.name, 0, "", kViewChanged};
  }
  return std::nullopt;
}

ChainVerification Verifier::run() {
  open();
  prepare_tables();
  ChainVerification out;
  // One read transaction: the marks, the chain and the tables as of one moment, even while a run
  // appends to the file.
  if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) fail("cannot start reading");
  load_marks(out);
  out.problem = walk(out);
  if (!out.problem) out.problem = find_unchained();
  if (!out.problem) out.problem = check_views();
  return out;
}

}  // namespace

std::string ChainProblem::describe() const {
  std::string out = seq > 0 ? "chain seq " + std::to_string(seq) + ": " : std::string();
  out += table + " rec " + std::to_string(rec);
  if (!context.empty()) out += " (" + context + ")";
  return out + ": " + what;
}

ChainVerification verify_audit_chain(const std::filesystem::path& path) { return Verifier(path).run(); }

}  // namespace recon::audit

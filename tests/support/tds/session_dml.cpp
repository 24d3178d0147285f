// Writes on a session: INSERT / UPDATE / DELETE run on the backing SQLite connection with their
// row counts in DONE(COUNT), BEGIN / COMMIT / ROLLBACK TRANSACTION map to SQLite's transaction,
// and a failing statement under XACT_ABORT ON rolls the transaction back, as SQL Server does.
#include <string>

#include "session.hpp"
#include "tokens.hpp"

namespace tds_test {
namespace {

struct StmtGuard {
  sqlite3_stmt* st = nullptr;
  ~StmtGuard() { sqlite3_finalize(st); }
};

std::uint16_t command_token(Statement::Kind k) {
  return k == Statement::Kind::Insert ? kCmdInsert : k == Statement::Kind::Update ? kCmdUpdate : kCmdDelete;
}

/// The column names of a SQLite constraint message ("UNIQUE constraint failed: dbo.T.a, dbo.T.b").
std::vector<std::string> constraint_columns(const std::string& msg) {
  std::vector<std::string> cols;
  std::size_t at = msg.find(": ");
  if (at == std::string::npos) return cols;
  for (at += 2; at < msg.size();) {
    std::size_t end = msg.find(", ", at);
    if (end == std::string::npos) end = msg.size();
    const std::string qualified = msg.substr(at, end - at);
    cols.push_back(qualified.substr(qualified.rfind('.') + 1));
    at = end + 2;
  }
  return cols;
}

/// The table's PRIMARY KEY or UNIQUE constraint on exactly `cols`, or nullptr.
const Constraint* constraint_on(const Table& t, const std::vector<std::string>& cols) {
  for (const Constraint& c : t.constraints) {
    if (c.columns.size() != cols.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < cols.size(); ++i) same = same && iequals(c.columns[i], cols[i]);
    if (same) return &c;
  }
  return nullptr;
}

/// BEGIN TRAN[SACTION] [name], COMMIT / ROLLBACK [TRAN[SACTION] | WORK] [name]: throws 102 / 156
/// for anything else.
void check_transaction_syntax(const Statement& st) {
  const auto& t = st.tokens;
  std::size_t i = 1;
  const bool tran = i < t.size() && t[i].kind == Token::Kind::Word &&
                    (iequals(t[i].text, "TRAN") || iequals(t[i].text, "TRANSACTION") ||
                     (st.kind != Statement::Kind::Begin && iequals(t[i].text, "WORK")));
  if (st.kind == Statement::Kind::Begin && !tran)
    throw SqlError(102, "Incorrect syntax near '" + (t.size() > 1 ? t[1].text : t[0].text) +
                            "': tds_test_server accepts BEGIN TRAN[SACTION] only (no BEGIN … END blocks).", 15);
  if (tran) ++i;
  if (i < t.size() && (t[i].kind == Token::Kind::Word || t[i].kind == Token::Kind::Quoted)) ++i;  // a name
  if (i != t.size()) throw SqlError(102, "Incorrect syntax near '" + t[i].text + "'.", 15);
}

}  // namespace

void bind_value(sqlite3_stmt* st, int at, const Bound& v) {
  switch (v.kind) {
    case Bound::Kind::Null: sqlite3_bind_null(st, at); break;
    case Bound::Kind::Integer: sqlite3_bind_int64(st, at, v.integer); break;
    case Bound::Kind::Real: sqlite3_bind_double(st, at, v.real); break;
    case Bound::Kind::Text: sqlite3_bind_text(st, at, v.bytes.data(), int(v.bytes.size()), SQLITE_TRANSIENT); break;
    case Bound::Kind::Blob: sqlite3_bind_blob(st, at, v.bytes.data(), int(v.bytes.size()), SQLITE_TRANSIENT); break;
  }
}

SqlError Session::sqlite_failure(const Table* table) const {
  const int code = sqlite3_extended_errcode(db_);
  const std::string msg = sqlite3_errmsg(db_);
  const std::string object = table ? table->schema + "." + table->name : "?";
  if ((code & 0xFF) == SQLITE_BUSY || (code & 0xFF) == SQLITE_LOCKED)
    return SqlError(1222, "Lock request time out period exceeded.", 16, true);
  if (code == SQLITE_READONLY || (code & 0xFF) == SQLITE_READONLY)
    return SqlError(3906, "Failed to update database \"" + info_.database + "\" because the database is read-only.",
                    16, true);
  if (code == SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLITE_CONSTRAINT_UNIQUE) {
    const Constraint* c = table ? constraint_on(*table, constraint_columns(msg)) : nullptr;
    const bool pk = c ? c->type == "PRIMARY KEY" : code == SQLITE_CONSTRAINT_PRIMARYKEY;
    return SqlError(2627, std::string("Violation of ") + (pk ? "PRIMARY KEY" : "UNIQUE KEY") + " constraint '" +
                              (c ? c->name : "?") + "'. Cannot insert duplicate key in object '" + object + "'.",
                    14, true);
  }
  if (code == SQLITE_CONSTRAINT_NOTNULL) {
    const auto cols = constraint_columns(msg);
    return SqlError(515, "Cannot insert the value NULL into column '" + (cols.empty() ? "?" : cols[0]) + "', table '" +
                             info_.database + "." + object + "'; column does not allow nulls. The statement fails.",
                    16, true);
  }
  if ((code & 0xFF) == SQLITE_CONSTRAINT)
    return SqlError(547, "The statement conflicted with a constraint (" + msg + "). The conflict occurred in database '" +
                             info_.database + "', table '" + object + "'.",
                    16, true);
  return SqlError(50000, "tds_test_server: SQLite failed (" + msg + ")", 16, true);
}

void Session::dml(const Statement& st, bool last) {
  const Dml d = translate_dml(st, catalog_, info_);
  StmtGuard g;
  if (sqlite3_prepare_v2(db_, d.sqlite_sql.c_str(), -1, &g.st, nullptr) != SQLITE_OK) {
    const int code = sqlite3_errcode(db_);
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) throw sqlite_failure(d.table);
    throw SqlError(50000, "tds_test_server could not run the translated statement (" + std::string(sqlite3_errmsg(db_)) +
                              "): " + d.sqlite_sql);
  }
  for (std::size_t i = 0; i < d.params.size(); ++i) bind_value(g.st, int(i) + 1, d.params[i]);
  if (sqlite3_step(g.st) != SQLITE_DONE) throw sqlite_failure(d.table);  // SQLite undid the statement
  const auto count = std::uint64_t(sqlite3_changes(db_));
  Out o = w_.out();
  put_done(o, std::uint16_t((nocount_ ? 0 : kDoneCount) | (last ? 0 : kDoneMore)), command_token(st.kind), count);
}

void Session::transaction(const Statement& st, bool last) {
  check_transaction_syntax(st);
  Out o = w_.out();
  switch (st.kind) {
    case Statement::Kind::Begin:
      if (info_.trancount == 0) {
        if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) throw sqlite_failure(nullptr);
        put_envchange_transaction(o, 8, transaction_id_ = (std::uint64_t(info_.spid) << 32) + ++transactions_);
      }
      ++info_.trancount;
      break;
    case Statement::Kind::Commit:
      if (info_.trancount == 0)
        throw SqlError(3902, "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.", 16, true);
      if (info_.trancount == 1) {
        // Waits (busy timeout) for readers of the file to finish; on a timeout the transaction is
        // still open and statement_failed decides its fate.
        if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) throw sqlite_failure(nullptr);
        put_envchange_transaction(o, 9, transaction_id_);
      }
      --info_.trancount;
      break;
    case Statement::Kind::Rollback:
      if (info_.trancount == 0)
        throw SqlError(3903, "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.", 16, true);
      rollback_transaction(o);
      break;
    default: break;
  }
  put_done(o, last ? kDoneFinal : kDoneMore, 0, 0);
}

void Session::rollback_transaction(Out& o) {
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  info_.trancount = 0;
  information_schema_ready_ = false;  // its temp tables may have been created inside the transaction
  put_envchange_transaction(o, 10, transaction_id_);
}

void Session::statement_failed(const SqlError& e) {
  Out o = w_.out();
  put_message(o, e.number, 1, e.severity, e.what());
  if (info_.trancount > 0) {
    // SQLite ends a transaction by itself after some errors; a lock timeout leaves it unusable.
    const bool ended = sqlite3_get_autocommit(db_) != 0;
    if (ended || (e.runtime && (xact_abort_ || e.number == 1222))) rollback_transaction(o);
  }
  put_done(o, kDoneError, 0, 0);
  w_.end_message();
}

}  // namespace tds_test

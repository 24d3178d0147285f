// The SQLite write transaction: its own read-write connection, BEGIN IMMEDIATE. See sqlite_write.hpp.
#include "sqlite_write.hpp"

#include <cctype>
#include <filesystem>

#include "sqlite_handle.hpp"

namespace recon::sqlite {
namespace {

/// True when `text` holds anything but whitespace and semicolons before `end` (a second
/// statement, or a comment, which the caller then prepares to tell apart).
bool has_more_text(const char* text, const char* end) {
  for (; text != nullptr && text < end; ++text)
    if (!std::isspace(static_cast<unsigned char>(*text)) && *text != ';') return true;
  return false;
}

class SqliteWriteTransaction final : public WriteTransaction {
 public:
  SqliteWriteTransaction(const Endpoint& ep, Side side)
      : side_(side), path_(redact_secrets(ep.url)),
        where_(std::string(side_name(side)) + " SQLite database '" + path_ + "'"),
        lock_timeout_ms_(ep.lock_timeout_ms), watch_(ep.statement_timeout_ms) {
    open(ep.url);
    watch_.install(db_.get());
    begin();
  }

  ~SqliteWriteTransaction() override { rollback(); }

  std::vector<std::int64_t> execute(const std::vector<std::string>& statements) override {
    require_open("run statements");
    std::vector<std::int64_t> counts;
    counts.reserve(statements.size());
    for (std::size_t i = 0; i < statements.size(); ++i) counts.push_back(run_one(statements[i], i + 1));
    return counts;
  }

  void commit() override {
    require_open("commit");
    watch_.start();
    const int rc = sqlite3_exec(db_.get(), "COMMIT", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) {
      ended_ = true;
      return;
    }
    // The transaction is still open (a busy COMMIT can be retried); the caller rolls it back.
    throw ConnectorError(side_, where_ + ": COMMIT failed, nothing was written: " + sqlite3_errmsg(db_.get()) +
                                    hint_for(rc),
                         false);
  }

  void rollback() noexcept override {
    if (ended_ || !db_.get()) return;
    ended_ = true;
    // Neither a deadline nor a cancel may stop the ROLLBACK.
    sqlite3_progress_handler(db_.get(), 0, nullptr, nullptr);
    sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }

  void cancel() noexcept override {
    watch_.cancel();
    sqlite3_interrupt(db_.get());
  }

 private:
  void open(const std::string& url) {
    const bool uri = url.rfind("file:", 0) == 0;
    std::error_code ec;
    if (url.empty() || (!uri && !std::filesystem::is_regular_file(url, ec)))
      throw ConnectorError(side_, where_ + " does not exist or is not a file; check [" + side_name(side_) +
                                      "].url in the job file",
                           true, true);
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(url.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                                   nullptr);
    db_ = Db(raw);  // owns the handle even when opening failed
    if (rc != SQLITE_OK)
      throw ConnectorError(side_, "cannot open " + where_ + " to write: " +
                                      (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)) + "; check [" +
                                      side_name(side_) + "].url in the job file",
                           true, true);
    sqlite3_extended_result_codes(db_.get(), 1);
    sqlite3_busy_timeout(db_.get(), busy_timeout_ms(lock_timeout_ms_));
    // SQLite opens a file it may not write read-only without a word; say so before any statement.
    if (sqlite3_db_readonly(db_.get(), "main") == 1)
      throw ConnectorError(side_, where_ + " can only be opened read-only (the file is not writable by this user, "
                                           "or the url says mode=ro); make it writable or apply the fix-up file by hand",
                           true, true);
  }

  void begin() {
    watch_.start();
    const int rc = sqlite3_exec(db_.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return;
    const int primary = rc & 0xff;
    const bool not_a_database = primary == SQLITE_NOTADB || primary == SQLITE_CANTOPEN;
    throw ConnectorError(side_, "cannot begin the write transaction on " + where_ + ": " + sqlite3_errmsg(db_.get()) +
                                    (not_a_database ? "; check [" + std::string(side_name(side_)) +
                                                          "].url points to a SQLite database file"
                                                    : hint_for(rc)),
                         false, not_a_database);
  }

  /// Prepares and steps one statement (`number` counts from 1) and returns its count.
  std::int64_t run_one(const std::string& sql, std::size_t number) {
    if (watch_.cancelled()) fail(number, "not run: recon apply was interrupted");
    watch_.start();
    const char* tail = nullptr;
    sqlite3_stmt* raw = nullptr;
    const int prepared = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, &tail);
    const Stmt st(raw);
    if (prepared != SQLITE_OK) fail(number, sqlite3_errmsg(db_.get()) + hint_for(prepared));
    if (second_statement(tail, sql.data() + sql.size()))
      fail(number, "the text holds more than one SQL statement; give each statement on its own");
    if (!st.ok()) return 0;  // only whitespace or a comment
    const bool returns_rows = sqlite3_column_count(st.get()) > 0;
    const sqlite3_int64 changes_before = sqlite3_total_changes64(db_.get());
    std::int64_t rows = 0;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) ++rows;
    if (rc != SQLITE_DONE) fail(number, sqlite3_errmsg(db_.get()) + hint_for(rc));
    if (returns_rows) return rows;
    // sqlite3_changes keeps the count of the last INSERT/UPDATE/DELETE: a statement that changed
    // nothing (DDL, or DML that matched no row) must not report an earlier statement's count.
    return sqlite3_total_changes64(db_.get()) == changes_before ? 0 : sqlite3_changes64(db_.get());
  }

  /// True when the text after the first statement holds another statement.
  bool second_statement(const char* tail, const char* end) {
    if (!has_more_text(tail, end)) return false;
    sqlite3_stmt* next = nullptr;
    const int rc = sqlite3_prepare_v2(db_.get(), tail, static_cast<int>(end - tail), &next, nullptr);
    const Stmt owned(next);
    return rc != SQLITE_OK || owned.ok();  // unparseable trailing text counts as a second statement
  }

  [[noreturn]] void fail(std::size_t number, const std::string& why) {
    failed_ = true;
    throw ConnectorError(side_, where_ + ": statement " + std::to_string(number) + " of the batch failed: " + why,
                         false);
  }

  /// What a person can do after result code `rc` ("" when the message says it all).
  std::string hint_for(int rc) const {
    switch (rc & 0xff) {
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return " - another connection holds a lock on the database (another writer; at COMMIT in "
               "rollback-journal mode also a reader) for longer than [check].lock_timeout" +
               (lock_timeout_ms_ > 0 ? " (" + std::to_string(lock_timeout_ms_) + " ms)" : std::string()) +
               "; run recon apply again when it is done, or raise lock_timeout";
      case SQLITE_INTERRUPT:
        return " - the statement ran longer than [check].statement_timeout, or recon apply was interrupted";
      case SQLITE_READONLY:
        return " - the database file or its folder is not writable by this user";
      default: return "";
    }
  }

  /// Throws when the transaction can take no more work.
  void require_open(const char* what) const {
    if (ended_)
      throw ConnectorError(side_, where_ + ": cannot " + what +
                                      ": the write transaction has already ended (committed or rolled back); begin a new one",
                           false);
    if (failed_)
      throw ConnectorError(side_, where_ + ": cannot " + what +
                                      ": a statement of this write transaction failed; roll it back",
                           false);
  }

  Side side_;
  std::string path_;   ///< as given, secrets redacted (a URI may carry parameters)
  std::string where_;  ///< "target SQLite database '/path'"
  std::int64_t lock_timeout_ms_;
  sqlite::StatementWatch watch_;  ///< statement_timeout and cancel()
  bool ended_ = false;   ///< committed or rolled back
  bool failed_ = false;  ///< a statement failed: only rollback() is left
  Db db_;
};

}  // namespace

std::unique_ptr<WriteTransaction> begin_write(const Endpoint& endpoint, Side side) {
  return std::make_unique<SqliteWriteTransaction>(endpoint, side);
}

}  // namespace recon::sqlite

#pragma once
/// The audit trail: every run, its per-table results and its divergences, in a SQLite file.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "recon/config/job.hpp"
#include "recon/engine/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace recon {

/// What is known about a run when it starts.
struct AuditRunInfo {
  std::string run_id;
  std::string started_at;  ///< ISO-8601 UTC
  std::string host, user;
  std::string job_file, job_hash;
  std::string mode = "full";
  std::optional<std::uint64_t> seed;  ///< sample mode only
  double sample_rate = 1.0;
  std::string source_endpoint, target_endpoint;  ///< password-free (redacted again on write)
  std::string recon_version;

  /// From the parsed job and the run being started; host and user come from the OS, endpoints are
  /// "<kind> <url>" with secrets redacted.
  static AuditRunInfo from(const RunOptions& options, const RunResult& run, const std::string& recon_version);
};

/// SQLite audit database (schema: sql/audit/schema.sql, version kSchemaVersion), WAL mode.
///
/// Contract:
///  - open() creates the file and schema, or checks an existing one: a newer schema version, a
///    file that is not SQLite, or a SQLite file that is not a recon audit trail is an InputError
///    naming the file and what to do. Other SQLite failures are std::runtime_error.
///  - begin_run() records the run as "running"; the ResultSink methods record divergences (one
///    transaction per batch, prepared statement) and table results; finish_run() records the end
///    status and the final table results (so tables that never reached end_table are there too).
///  - Divergence JSON: key_json = canon::key_to_json; values as {target column: canon::to_json},
///    for changed rows only the differing columns, for missing rows every compared column; the
///    absent side is NULL.
///  - Nothing stored contains a password: endpoints and errors go through redact_secrets.
///  - Single writer: only the run's writer thread calls it. Other processes may share the file
///    (busy timeout), e.g. two scheduled jobs.
class AuditDb : public ResultSink {
 public:
  static constexpr int kSchemaVersion = 1;

  AuditDb() = default;
  ~AuditDb() override;
  AuditDb(const AuditDb&) = delete;
  AuditDb& operator=(const AuditDb&) = delete;

  void open(const std::filesystem::path& path);
  bool is_open() const { return db_ != nullptr; }
  void close();

  void begin_run(const AuditRunInfo& info);
  void begin_table(const TableContext& table) override;
  void divergences(const TableContext& table, const std::vector<Divergence>& batch) override;
  void end_table(const TableContext& table, TableResult& result) override;
  void finish_run(const RunResult& run);

  /// JSON object text {"col": value, ...} for the given compared-column indexes of a value
  /// encoding (all columns when `only` is null). Exposed for tests and incident tooling.
  static std::string values_json(const std::vector<ColumnInfo>& columns, std::string_view values,
                                 const std::vector<std::uint32_t>* only);

 private:
  void exec(const char* sql);
  [[noreturn]] void fail(const std::string& what) const;
  void write_table_result(const TableResult& result);
  void require_run(const char* method) const;

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_divergence_ = nullptr;
  sqlite3_stmt* upsert_table_ = nullptr;
  std::filesystem::path path_;
  std::string run_id_;
};

}  // namespace recon

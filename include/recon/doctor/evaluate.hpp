#pragma once
/// The checks of docs/doctor.md's table, each computed from facts alone (no engine, no clock of
/// its own): the run (doctor.hpp) gathers the facts and calls these, the unit tests give facts
/// directly. Every WARN and FAIL carries the fix a person can act on.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "recon/config/job.hpp"
#include "recon/connector/doctor_facts.hpp"
#include "recon/doctor/report.hpp"
#include "recon/model/columns.hpp"
#include "recon/privacy/table_privacy.hpp"

namespace recon::doctor {

/// Statistics older than this are a WARN (table.statistics).
inline constexpr std::int64_t kStaleStatisticsSeconds = 30LL * 24 * 3600;
/// Estimates of the two sides further apart than this factor are a WARN (table.estimate).
inline constexpr double kEstimateFactor = 10.0;

// ---- a side ----------------------------------------------------------------------------------

/// `connect` OK: product, version, edition, protocol, TLS, login, database.
Check connect_ok(Side side, const ServerFacts& f);
/// `connect` FAIL with the message a run reports (already password-free).
Check connect_failed(Side side, const std::string& message);

/// One checked table's write rights on a side, for login.role.
struct TableWrites {
  std::string table;  ///< job name
  std::vector<std::string> rights;
};
/// `login.role`: WARN for an all-powerful role or any write right on a checked table.
Check login_role(Side side, const LoginFacts& f, const std::vector<TableWrites>& writes);
/// `login.catalog`: WARN naming each catalog right planning lacks and what it does without it.
Check login_catalog(Side side, const LoginFacts& f);

/// The smallest `lag` of the checked tables and the table it belongs to.
struct LagWindow {
  std::int64_t lag_us = 0;
  std::string table;
};
/// The smallest lag among `tables` (those with `lag` set), nullopt when none has one.
std::optional<LagWindow> smallest_lag(const std::vector<TableJob>& tables);
/// `clock`: skew = server UTC − the midpoint of recon's host clock read before and after the
/// server's read (µs since the epoch); the round trip is the time between those two host reads.
/// SKIP when the engine has no clock; WARN when |skew| − round trip/2 > the smallest lag (naming
/// its table); OK with the skew otherwise. `skew_ms` receives the skew when there is one.
Check clock_check(Side side, const ServerFacts& f, std::int64_t host_before_us, std::int64_t host_after_us,
                  const std::optional<LagWindow>& lag, std::optional<double>& skew_ms);
/// `self_test`: SKIP when the connector has none (`result` null), FAIL listing every failed
/// literal (type, literal, expected, got) or the reason it could not run, OK otherwise.
Check self_test_check(Side side, const SelfTestResult* result);

// ---- a table ---------------------------------------------------------------------------------

/// `table.select`: OK when describe and the facts say it can be read; FAIL with `error` (the
/// describe error: no such table, no right) or when can_select is false.
Check table_select(Side side, const std::string& table, const TableRef& ref, const std::string& error,
                   const TableFacts* facts);
/// `table.write`: WARN listing the rights beyond SELECT.
Check table_write(Side side, const std::string& table, const TableRef& ref, const TableFacts& f);
/// `table.statistics`: SKIP when the engine keeps none recon uses; WARN when absent or older than
/// kStaleStatisticsSeconds.
Check table_statistics(Side side, const std::string& table, const TableRef& ref, const TableFacts& f,
                       Dialect dialect);
/// The statement that refreshes a table's statistics in `dialect` (ANALYZE, ANALYZE TABLE,
/// UPDATE STATISTICS).
std::string refresh_statistics_sql(Dialect dialect, const TableRef& ref);
/// `table.estimate`: both sides' estimated rows; WARN when they differ more than kEstimateFactor×.
Check table_estimate(const std::string& table, const TableFacts& source, const TableFacts& target);
/// `table.collation`: key collations and range-bound strategy; WARN for a text key column under a
/// case-insensitive collation. SKIP when the engine reported no key columns.
Check table_collation(Side side, const std::string& table, const TableFacts& f);
/// `table.collisions`: WARN with the count and up to 3 examples, shown through `privacy` (masked
/// as reports mask keys). OK when no key column is case-insensitive or none collide.
Check table_collisions(Side side, const std::string& table, const TableFacts& f, const privacy::TablePrivacy& privacy);
/// The index that serves a range read of `ref` in key order, in `dialect`'s spelling:
/// CREATE INDEX "t_k1_k2_idx" ON "t" ("k1", "k2").
std::string create_index_sql(Dialect dialect, const TableRef& ref, const std::vector<std::string>& key_columns);
/// `table.range_read`: OK naming the index; WARN naming the index to create; SKIP when the engine
/// cannot say (files are sorted by recon).
Check table_range_read(Side side, const std::string& table, const TableRef& ref, const TableFacts& f, Dialect dialect,
                       const std::vector<std::string>& key_columns);

/// Whether `key` (any order) is one of `info`'s unique column sets.
bool key_is_unique(const TableInfo& info, const std::vector<std::string>& key);
/// `table.key`: FAIL per key error line of resolve_table; else OK when the key is unique on both
/// sides, WARN when only trust_key vouches for it.
Check table_key(const TableJob& job, const std::vector<std::string>& key_errors, bool unique_source, bool unique_target,
                const std::vector<std::string>& key);
/// Whether a resolve_table error line is about the key (table.key) rather than a column.
bool is_key_error(const std::string& line);

/// One compared pair for table.columns: target column, source column, comparison class.
struct ColumnPair {
  std::string target, source, compare_as;
  bool key = false;
};
/// `table.columns`: one FAIL per refused column (resolve_table's line), else one OK listing every
/// pair compactly: "id integer (key), nome text, saldo decimal (source valor)".
std::vector<Check> table_columns(const std::string& table, const std::vector<ColumnPair>& pairs,
                                 const std::vector<std::string>& column_errors);

/// A SKIP line: the check does not apply, or `why` an earlier check failed.
/// A check line with its fields; `fix` "" for OK and SKIP.
Check make_check(const std::string& id, std::optional<Side> side, const std::string& table, Status status,
                 std::string summary, std::string fix = "");
Check skipped(const std::string& id, std::optional<Side> side, const std::string& table, const std::string& why);

}  // namespace recon::doctor

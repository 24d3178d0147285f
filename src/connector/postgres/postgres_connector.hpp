#pragma once
/// PostgresConnector: the Connector for PostgreSQL. Private; the public entry point is
/// make_postgres_connector (recon/connector/postgres.hpp).

#include <memory>
#include <string>

#include "pg_connection.hpp"
#include "pg_decode.hpp"
#include "recon/connector/connector.hpp"

namespace recon::pg {

class PostgresConnector final : public Connector {
 public:
  PostgresConnector(const Endpoint& endpoint, Side side);

  std::string endpoint() const override { return endpoint_; }
  Dialect dialect() const override { return Dialect::Postgres; }
  /// Binary COPY: equal values of one type oid are equal bytes (raw_values keeps them so).
  std::string wire_format() const override { return "postgres-binary-copy"; }
  void cancel() noexcept override;
  bool can_write() const override { return true; }
  bool reads_queries() const override { return true; }
  /// A new session with the same login (pg_write.hpp), not read-only; this connector's own
  /// session stays read-only.
  std::unique_ptr<WriteTransaction> begin_write() override;
  TableInfo describe(const TableRef& table) override;
  KeySample sample_keys(const RangeQuery& whole_table, std::size_t target_samples) override;
  void read_range(const RangeQuery& range, RowBatch& out) override;
  void fetch_keys(const RangeQuery& table, const std::vector<std::string>& keys, RowBatch& out) override;
  /// kKeyDigestFamily on PostgreSQL 14 and later (bit_xor), else none.
  std::string key_digest_family() const override;
  std::vector<KeyBucketDigest> key_digests(const RangeQuery& table, const KeyBuckets& buckets) override;

  // recon doctor (pg_doctor.cpp, pg_selftest.cpp; docs/doctor.md, "PostgreSQL")
  ServerFacts server_facts() override;
  LoginFacts login_facts() override;
  TableFacts table_facts(const RangeQuery& first_range, const TableInfo& info) override;
  std::vector<std::string> least_privilege_sql(const std::vector<TableRef>& tables, const std::string& role,
                                               bool writes) const override;
  std::string self_test_name() const override { return "postgres"; }
  std::vector<std::string> read_literals(const std::vector<LiteralProbe>& probes) override;

 private:
  /// Rights, statistics and estimate of the table `table_oid` (sql/postgres/doctor_table.sql).
  void table_rights_and_statistics(std::int64_t table_oid, TableFacts& f);
  /// The key columns' collations and range bounds; counts nothing.
  void key_collations(std::int64_t table_oid, const RangeQuery& range, TableFacts& f);
  /// Keys another key equals under a case-insensitive key collation (PARTITION BY under the
  /// columns' own collations), over the rows `range` reads; up to 3 of them as examples.
  void count_collisions(const RangeQuery& range, TableFacts& f);
  /// EXPLAIN of the range read `range` (range_select), never ANALYZE; see docs/doctor.md.
  RangeReadFacts explain_range_read(const RangeQuery& range, std::int64_t table_oid);
  /// "; index i orders "k" by collation "x", …" for each index of table `oid` led by `key` under a
  /// collation other than "C"/"POSIX" (such an index cannot serve ORDER BY k COLLATE "C"); "" if none.
  std::string key_indexes_in_other_collations(std::int64_t oid, const SelectColumn& key);
  /// The table's oid, or -1 when it does not resolve (a query side, a dropped table).
  std::int64_t table_oid(const TableRef& table);
  /// Runs `sql` (a COPY … TO STDOUT (FORMAT binary)) and streams its tuples through `decoder`
  /// into `out`. On failure the connection is left idle (or is reported poisoned) and the half
  /// row is dropped; rows completed before the failure stay in `out`.
  void copy_into(const std::string& sql, CopyDecoder& decoder, RowBatch& out, const std::string& what);
  /// Ends a COPY that is still streaming (after a decode error) so the connection can be reused.
  void abandon_copy() noexcept;
  struct SizeEstimate {
    std::int64_t rows = 0;  ///< after the job's filter
    double total = 0;       ///< whole table, before the filter (what TABLESAMPLE applies to)
    std::int64_t pages = 0; ///< current heap pages
  };
  SizeEstimate estimate_rows(const RangeQuery& table);
  /// describe() of a query side: its result columns as the server describes the prepared query
  /// (pg_describe_query.cpp), domains followed down to their base types.
  TableInfo describe_query(const TableRef& query);
  /// "target table public.x" — for messages.
  std::string describe_target(const TableRef& table) const;
  CopyDecoder make_copy_decoder(const RangeQuery& q, bool with_values, bool raw_values = false) const;
  /// Maps libpqxx exceptions of a catalog query to ConnectorError (poisoned when the connection
  /// is gone, not for a plain SQL error).
  [[noreturn]] void rethrow_pqxx(const std::string& what) const;
  /// The error of a failed statement: poisoned (retried on a fresh connection) when the connection
  /// broke or the SQLSTATE is transient (lock or statement timeout, conflict, shutdown), with a
  /// hint that names the wait.
  ConnectorError query_failure(const std::string& what, const std::string& error, const std::string& sqlstate) const;

  Side side_;
  Endpoint login_;        ///< as configured (url, password, timeouts): begin_write logs in with it
  std::string endpoint_;
  std::unique_ptr<Connection> conn_;
  /// Made once, in the owning thread: PQcancel on it is safe from any thread (cancel()).
  std::unique_ptr<PGcancel, void (*)(PGcancel*)> cancel_;
  // Size of the previous range: ranges are planned to similar sizes, so it is the best guess
  // to reserve the next batch with.
  std::size_t last_rows_ = 0, last_bytes_ = 0;
  // Receives each COPY message; a row is usually a few hundred bytes, a wide one comes in pieces.
  static constexpr std::size_t kCopyBuffer = 64 * 1024;
  std::string copy_buffer_;
};

}  // namespace recon::pg

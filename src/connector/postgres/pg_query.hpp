#pragma once
/// SQL text of the data queries (the catalog queries live in sql/postgres/*.sql).
/// Private to the postgres connector; pure string building so it is unit-tested without a server.

#include <cstddef>
#include <string>
#include <vector>

#include "recon/connector/connector.hpp"

namespace recon::pg {

/// A key column as it appears in WHERE/ORDER BY: text-like columns compare bytewise
/// (COLLATE "C") so the server's order is the canonical order (canon::compare_keys).
std::string key_expr(const SelectColumn& key);

/// "k1", "k2", "v1" — every key then every value column, quoted.
std::string select_list(const std::vector<SelectColumn>& keys, const std::vector<SelectColumn>& values);

/// The SQL literal(s) of a canonical key encoding: "42" for one column, "('a', 42)" for several.
std::string key_literal(const std::vector<SelectColumn>& keys, const std::string& encoding);

/// `lower <= key < upper` plus the job's filter, as a WHERE clause (empty when unbounded and
/// unfiltered). Composite keys use row comparison so an index on (k1, k2) serves the range.
std::string range_where(const RangeQuery& range);

/// SELECT of one range, in key order.
std::string range_select(const RangeQuery& range);

/// SELECT of the rows whose keys are keys[begin, end): `(k1, k2) IN ((..), (..))`, in key order.
std::string keys_select(const RangeQuery& table, const std::vector<std::string>& keys,
                        std::size_t begin, std::size_t end);

/// The name of key_digest_select's digest (Connector::key_digest_family).
inline constexpr const char* kKeyDigestFamily = "postgresql-hashint8extended-0";

/// SELECT of `buckets`' row counts and key digests (count(*), bit_xor of hashint8extended(key, 0)),
/// one row per bucket in order, for a table with one integer key column; the job's filter applies.
/// Each bucket is one index range scan (generate_series … CROSS JOIN LATERAL), so the server reads
/// only the index entries of the range and sends two numbers per bucket. Needs PostgreSQL 14
/// (bit_xor).
std::string key_digest_select(const RangeQuery& table, const KeyBuckets& buckets);

/// SELECT of the key columns only: every row (`method` empty) or a TABLESAMPLE
/// (`method` "SYSTEM"/"BERNOULLI", `percent` in (0, 100]). With `keep_one_in` > 1 the server keeps
/// about one row in that many, chosen by a hash of the key: deterministic (the same table gives the
/// same keys) and spread over every sampled page.
std::string keys_only_select(const RangeQuery& table, const std::string& method, double percent,
                             std::size_t keep_one_in = 1);

/// COPY (select) TO STDOUT (FORMAT binary)
std::string copy_binary(const std::string& select);

}  // namespace recon::pg

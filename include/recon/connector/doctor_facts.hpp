#pragma once
/// What a connector reports about its server, its login and a table for `recon doctor`
/// (docs/doctor.md). Every call is read-only: nothing is written, created or locked beyond what a
/// plain SELECT takes. A fact the engine does not have stays empty/nullopt and doctor says "not
/// applicable" — it never guesses.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace recon {

/// The server and the session recon's login got.
struct ServerFacts {
  std::string product;   ///< "PostgreSQL", "Microsoft SQL Server", "MariaDB", "MySQL", "SQLite", "DMS CSV files"
  std::string version;   ///< the server's own version text (e.g. SELECT version(), @@VERSION first line)
  std::string edition;   ///< SQL Server's edition, Aurora's flavour…; "" when the engine has none
  std::string protocol;  ///< negotiated protocol: "TDS 7.4", "PostgreSQL protocol 3", "MySQL protocol 10", "file"
  std::optional<bool> tls;  ///< whether the connection is encrypted; nullopt for an in-process/file engine
  std::string login;     ///< the user the session runs as ("" for a file)
  std::string database;  ///< the database the session is in (a path for a file)
  /// The server's clock, UTC microseconds since the Unix epoch, read in the same round trip as
  /// nothing else; nullopt for an engine without a clock of its own (SQLite, files).
  std::optional<std::int64_t> utc_now_micros;
  /// Microseconds the clock read took (round trip): the uncertainty of the skew doctor computes.
  std::int64_t clock_round_trip_micros = 0;
};

/// The login's rights that are not about one table.
struct LoginFacts {
  /// The role that lets the login do anything ("superuser", "sysadmin", "SUPER"…), "" when none.
  std::string all_powerful_role;
  /// Catalog or statistics access planning needs and the login lacks, each with what its lack
  /// costs (e.g. "VIEW DATABASE STATE: sys.dm_db_stats_histogram is refused, planning falls back
  /// to TABLESAMPLE"). Empty: everything planning reads is readable.
  std::vector<std::string> catalog_missing;
};

/// One key column's ordering facts.
struct KeyColumnFacts {
  std::string column;     ///< native name
  std::string collation;  ///< the column's collation ("" for a type without one)
  bool case_insensitive = false;  ///< the collation treats 'a' and 'A' as equal
  /// How recon bounds a range on this column so that it follows canonical (byte) order, e.g.
  /// `COLLATE "C"`, `COLLATE Latin1_General_100_BIN2`, `CAST(k AS BINARY)`, "native order".
  std::string range_bound;
};

/// How the first range read of a table would run.
struct RangeReadFacts {
  /// Whether the read walks an index in key order (no sort, no whole-table scan); nullopt when
  /// the engine cannot say (files: recon sorts them itself).
  std::optional<bool> uses_key_index;
  std::string index;  ///< the index that serves it, or "" when none
  /// The plan in one line, as the engine states it (PostgreSQL: EXPLAIN's top nodes; SQL Server:
  /// the index found in the catalog), for the person reading doctor's output.
  std::string plan;
  /// When the read does not walk an index: the statement creating one that would serve it, in the
  /// engine's dialect, where the engine needs more than the key columns in key order (e.g. SQLite's
  /// `("k" COLLATE BINARY)` for a NOCASE key). "": doctor names the plain index on the key columns.
  std::string create_index;
  /// When no index the engine can build on the key columns serves the read (the engine orders
  /// them otherwise than recon bounds them, e.g. a case-insensitive collation): what to do
  /// instead, shown in place of an index to create. "" when an index would serve it.
  std::string instead;
};

/// One table's facts on one side. `first_range` of Connector::table_facts is the range a run
/// would read first (the whole table when planning has not split it).
struct TableFacts {
  bool can_select = false;
  /// Rights the login has on the table beyond reading it: "INSERT", "UPDATE", "DELETE",
  /// "TRUNCATE", "ALTER", … (recon check needs none of them).
  std::vector<std::string> write_rights;
  /// nullopt: the engine keeps no statistics recon uses (SQLite without ANALYZE is still "false").
  std::optional<bool> statistics_present;
  /// Age of the newest statistics in seconds, nullopt when unknown.
  std::optional<std::int64_t> statistics_age_seconds;
  std::optional<std::int64_t> estimated_rows;  ///< the engine's estimate, nullopt when it has none
  std::vector<KeyColumnFacts> key_columns;     ///< in key order
  /// Distinct keys that another key equals under a key column's case-insensitive collation
  /// (found among the keys read, see `collisions_scanned`); nullopt when not counted (no CI key).
  std::optional<std::int64_t> case_colliding_keys;
  std::vector<std::string> colliding_examples;  ///< up to 3 such keys as canonical key encodings
  std::int64_t collisions_scanned = 0;          ///< keys the count looked at
  RangeReadFacts range_read;
};

/// One literal of the type self-test: `expression` is a SQL expression of the engine's own
/// spelling whose result has the engine type `type` (docs/canonical-values.md, "Self-test").
struct LiteralProbe {
  std::string type;        ///< the engine's type name, as its catalog spells it ("decimal(38,10)")
  std::string expression;  ///< e.g. CAST('1.5' AS decimal(38,10))
};

}  // namespace recon

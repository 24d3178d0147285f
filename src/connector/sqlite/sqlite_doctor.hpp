#pragma once
// Private to the SQLite connector: what it tells `recon doctor` (docs/doctor.md, docs/sqlite.md).
// Read-only: catalog reads, EXPLAIN QUERY PLAN and, for a NOCASE key, one aggregate over the keys.

#include <sqlite3.h>

#include <string>
#include <vector>

#include "recon/connector/connector.hpp"

namespace recon::sqlite {

/// SQLite, its library version, "in process", no TLS, no login, the file as the database, no clock.
ServerFacts server_facts(const std::string& path);

/// The facts of one table on connection `db` (the connector's, read-only). Throws ConnectorError
/// (naming `path`, the side and the step) when a statement fails.
TableFacts table_facts(sqlite3* db, const RangeQuery& first_range, Side side, const std::string& path);

/// Whether EXPLAIN QUERY PLAN's detail lines read the rows in ORDER BY's order without a sort
/// ("USE TEMP B-TREE FOR ORDER BY" is the sort), and the index or key that serves the read.
RangeReadFacts range_read_from_plan(const std::vector<std::string>& plan_lines);

/// SELECT of the probes' expressions, each column read as append_column reads a column of the
/// probe's declared type compared in that type's class. Throws ConnectorError when SQLite
/// refuses the statement.
std::vector<std::string> read_literals(sqlite3* db, const std::vector<LiteralProbe>& probes, Side side,
                                       const std::string& path);

}  // namespace recon::sqlite

#pragma once
/// The text side of `recon doctor` on PostgreSQL: reading an EXPLAIN (FORMAT JSON) of a range
/// read, the index that would serve it, and the least-privilege statements. Pure string work,
/// unit-tested without a server. Private to the postgres connector.

#include <string>
#include <string_view>
#include <vector>

#include "recon/connector/connector.hpp"

namespace recon::pg {

/// How the plan in `explain_json` (the whole output of EXPLAIN (FORMAT JSON) of one SELECT) reads
/// the rows. uses_key_index is true when the plan walks an index (Index Scan, Index Only Scan) and
/// neither sorts (Sort, Incremental Sort) nor scans the heap on its own (Seq Scan, Bitmap Heap Scan,
/// …): the rows then come in the index's order, which the planner chose because it is the
/// ORDER BY's. `index` lists the indexes walked; `plan` is the plan's nodes in one line, outermost
/// first ("Sort (\"k\" COLLATE \"C\") > Seq Scan on public.t"). Throws InputError when the text
/// is not EXPLAIN's JSON.
RangeReadFacts range_read_from_explain(std::string_view explain_json);

/// The index whose order is the range read's ORDER BY: `CREATE INDEX ON "s"."t" ("k" COLLATE "C", "n")`.
/// Text keys carry COLLATE "C" because an index under another collation cannot return them in
/// byte order; a non-built-in text type (citext) is indexed as its text.
std::string key_index_statement(const RangeQuery& range);

/// The statements that create `role` able to do what recon check does on `tables` of `database`,
/// and nothing else: LOGIN (its sessions read-only by default), CONNECT on the database, USAGE on each table's schema, SELECT on each
/// table; with `writes` (recon apply's role, which doctor names `<role>_apply`), also INSERT,
/// UPDATE and DELETE on each table: what apply's guarded statements need. Tables
/// must carry their schema (resolved). A query side gets a comment instead of a GRANT (its
/// tables are not known here). Comments start with "--"; every other element is one complete
/// statement ending in ";" that runs as written (psql, libpq) on PostgreSQL 10 and later.
std::vector<std::string> least_privilege_statements(const std::string& database, const std::vector<TableRef>& tables,
                                                    const std::string& role, bool writes);

}  // namespace recon::pg

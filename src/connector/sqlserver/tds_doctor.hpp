#pragma once
// Private to the SQL Server connector: what `recon doctor` asks SQL Server (docs/doctor.md), each
// a few catalog statements from sql/sqlserver/doctor_*.sql. Read-only: nothing here writes,
// creates or locks beyond a plain SELECT; the one read of table rows is the key scan that counts
// case-colliding keys, for a key under a case-insensitive collation only.

#include <string>
#include <vector>

#include "recon/connector/connector.hpp"
#include "tds_reader.hpp"

namespace recon::tds {

/// Version, edition, protocol (from the negotiated TDS version), TLS, login, database and the
/// server's UTC clock with the round trip of the statement that read it.
ServerFacts server_facts(Reader& r);

/// sysadmin / db_owner membership, and VIEW DATABASE STATE.
LoginFacts login_facts(Reader& r);

/// Rights, statistics and their age, row estimate, key collations, case-colliding keys and the
/// index a range read uses. Colliding keys are counted by reading the key columns of `q` once,
/// without order, under q's filter — unless one of `info`'s PRIMARY KEY / UNIQUE constraints is on
/// exactly the key columns: under the case-insensitive collation it already refuses two keys
/// that differ only in case, so there are none and nothing is read.
TableFacts table_facts(Reader& r, const RangeQuery& q, const TableInfo& info);

/// GRANTs for a reader `role` on `tables` plus VIEW DATABASE STATE; with `writes`, a separate
/// `<role>_apply` user with INSERT, UPDATE, DELETE only. CREATE LOGIN / USER are comments with
/// placeholders: the password never appears.
std::vector<std::string> least_privilege_sql(const std::vector<TableRef>& tables, const std::string& role,
                                             bool writes);

}  // namespace recon::tds

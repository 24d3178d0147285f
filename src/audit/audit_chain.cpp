// Schema version 7: the audit's tables become append-only logs with views on top, every record is
// chained (chain_ddl.hpp, docs/audit.md "The chain").
//
/// Why the DDL is generated rather than written out in sql/audit/migrate_v6_v7.sql: each log table,
/// view, trigger and record hash lists every column of its table. Derived here from the table's own
/// column list (PRAGMA table_info) as the migration finds it, it can never drift from schema.sql or
/// from an older file's migrated schema; a column added by a later version is chained with no edit
/// here. The part that lists no columns (the chain and chain_marks tables) is in the SQL file.
#include <sqlite3.h>

#include <stdexcept>

#include "chain_ddl.hpp"
#include "recon/core/utc_time.hpp"
#include "recon/generated/sql_text.hpp"
#include "sqlite_util.hpp"

namespace recon::audit {
namespace {

/// `sep`-joined `prefix + quote(name)` of every column.
std::string column_list(const std::vector<ColumnDef>& cols, const std::string& prefix, const char* sep = ", ") {
  std::string out;
  for (const ColumnDef& c : cols) {
    if (!out.empty()) out += sep;
    out += prefix + quote_ident(c.name);
  }
  return out;
}

std::string sql_text_literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

/// BEFORE UPDATE always refused; BEFORE DELETE refused unless recon audit prune is running.
std::string guard_triggers(const std::string& table) {
  const std::string q = quote_ident(table);
  return "CREATE TRIGGER " + quote_ident(table + "_no_update") + " BEFORE UPDATE ON " + q +
         " BEGIN SELECT RAISE(ABORT, 'recon audit: " + table +
         " is append-only: records are added, never changed'); END;\n"
         "CREATE TRIGGER " + quote_ident(table + "_no_delete") + " BEFORE DELETE ON " + q +
         " WHEN NOT recon_audit_pruning() BEGIN SELECT RAISE(ABORT, 'recon audit: " + table +
         " is append-only: records are removed only by recon audit prune'); END;\n";
}

/// AFTER INSERT: appends the record's chain entry: its content hash, the previous entry's link hash
/// (64 zeros for the first) and the link over both. The content hash is computed in a subquery
/// whose LIMIT keeps SQLite from flattening it into the outer select, which would compute it twice
/// (once stored, once inside the link).
std::string chain_trigger(const std::string& table, const std::vector<ColumnDef>& cols) {
  return "CREATE TRIGGER " + quote_ident(table + "_chain") + " AFTER INSERT ON " + quote_ident(table) +
         " BEGIN INSERT INTO chain (tbl, rec, content_sha256, prev_sha256, sha256)"
         " SELECT " + sql_text_literal(table) + ", NEW.rowid, c, p, recon_chain_link(p, c) FROM (SELECT " +
         record_hash_sql(table, cols, "NEW.") + " AS c, coalesce((SELECT sha256 FROM chain ORDER BY seq DESC LIMIT 1), '" +
         std::string(kChainGenesis) + "') AS p LIMIT 1); END;\n";
}

/// CREATE INDEX statements of `table`'s explicit indexes (not those of PRIMARY KEY / UNIQUE), put
/// on `onto`.
std::string index_ddl(sqlite3* db, const std::string& table, const std::string& onto) {
  std::string out;
  Stmt list(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL ORDER BY name");
  bind_text(list, 1, table);
  while (sqlite3_step(list) == SQLITE_ROW) {
    const std::string index = column_text(list, 0);
    Stmt info(db, "SELECT name FROM pragma_index_info(?1) ORDER BY seqno");
    bind_text(info, 1, index);
    std::string cols;
    while (sqlite3_step(info) == SQLITE_ROW) cols += (cols.empty() ? "" : ", ") + quote_ident(column_text(info, 0));
    out += "CREATE INDEX " + quote_ident(index) + " ON " + quote_ident(onto) + " (" + cols + ");\n";
  }
  return out;
}

/// The column definition in a log table: type, NOT NULL and DEFAULT kept; no key constraint.
std::string column_ddl(const ColumnDef& c) {
  std::string out = quote_ident(c.name);
  if (!c.type.empty()) out += " " + c.type;
  if (c.not_null) out += " NOT NULL";
  if (!c.default_sql.empty()) out += " DEFAULT " + c.default_sql;
  return out;
}

/// NEW.<c> as the log stores it: a NOT NULL column's DEFAULT when the INSERT into the view left it
/// out (a view has no defaults of its own); the next id for a table keyed by one INTEGER PRIMARY KEY.
std::string new_value(const LoggedTable& t, const ColumnDef& c) {
  const std::string v = "NEW." + quote_ident(c.name);
  if (c.pk == 1 && t.identity.size() == 1 && t.identity[0] == c.name && c.type == "INTEGER")
    return "coalesce(" + v + ", (SELECT coalesce(max(" + quote_ident(c.name) + "), 0) + 1 FROM " + quote_ident(t.log()) + "))";
  if (c.not_null && !c.default_sql.empty()) return "coalesce(" + v + ", " + c.default_sql + ")";
  return v;
}

/// "NEW.k1 IS OLD.k1 AND …" over the identity.
std::string same_identity(const LoggedTable& t) {
  std::string out;
  for (const std::string& k : t.identity) out += (out.empty() ? "" : " AND ") + ("NEW." + quote_ident(k) + " IS OLD." + quote_ident(k));
  return out;
}

/// The log table: rec (the record's rowid), deleted (1: a tombstone), first_rec (the record that
/// inserted the row, which the view shows as its rowid; NULL: this one), then T's columns.
std::string log_table_ddl(const LoggedTable& t, const std::vector<ColumnDef>& cols) {
  std::string ddl = "CREATE TABLE " + quote_ident(t.log()) +
                    " (\n  rec INTEGER PRIMARY KEY,\n  deleted INTEGER NOT NULL DEFAULT 0,\n  first_rec INTEGER";
  for (const ColumnDef& c : cols) ddl += ",\n  " + column_ddl(c);
  return ddl + "\n);\n";
}

/// CREATE VIEW: per identity the latest record, unless it is a tombstone (no trailing ';').
std::string view_statement(const LoggedTable& t, const std::vector<ColumnDef>& cols) {
  const std::string log = quote_ident(t.log());
  std::string select, match;
  for (const ColumnDef& c : cols) select += ", l." + quote_ident(c.name) + " AS " + quote_ident(c.name);
  for (const std::string& k : t.identity) match += " AND m." + quote_ident(k) + " IS l." + quote_ident(k);
  return "CREATE VIEW " + quote_ident(t.name) + " AS SELECT coalesce(l.first_rec, l.rec) AS rowid" + select + " FROM " +
         log + " l WHERE l.deleted = 0 AND l.rec = (SELECT max(m.rec) FROM " + log + " m WHERE 1" + match + ")";
}

/// The log's identity index (max(rec) of one identity is one seek), the view of the latest records
/// and the INSTEAD OF triggers that turn the view's INSERT / UPDATE / DELETE into appended records.
std::string log_view_ddl(const LoggedTable& t, const std::vector<ColumnDef>& cols) {
  const std::string log = quote_ident(t.log()), view = quote_ident(t.name);
  std::string ddl, ident;
  for (const std::string& k : t.identity) ident += quote_ident(k) + ", ";
  ddl += "CREATE INDEX " + quote_ident(t.log() + "_identity") + " ON " + log + " (" + ident + "rec);\n";
  ddl += view_statement(t, cols) + ";\n";
  std::string values;
  for (const ColumnDef& c : cols) values += (values.empty() ? "" : ", ") + new_value(t, c);
  const std::string names = column_list(cols, "");
  ddl += "CREATE TRIGGER " + quote_ident(t.name + "_insert") + " INSTEAD OF INSERT ON " + view + " BEGIN INSERT INTO " +
         log + " (" + names + ") VALUES (" + values + "); END;\n";
  // An UPDATE keeps the row's rowid (first_rec), as it did on a table; one that changes the
  // identity first closes the old identity with a tombstone.
  ddl += "CREATE TRIGGER " + quote_ident(t.name + "_update") + " INSTEAD OF UPDATE ON " + view + " BEGIN INSERT INTO " +
         log + " (deleted, first_rec, " + names + ") SELECT 1, OLD.rowid, " + column_list(cols, "OLD.") + " WHERE NOT (" +
         same_identity(t) + "); INSERT INTO " + log + " (first_rec, " + names + ") VALUES (CASE WHEN " + same_identity(t) +
         " THEN OLD.rowid END, " + column_list(cols, "NEW.") + "); END;\n";
  ddl += "CREATE TRIGGER " + quote_ident(t.name + "_delete") + " INSTEAD OF DELETE ON " + view + " BEGIN INSERT INTO " +
         log + " (deleted, first_rec, " + names + ") VALUES (1, OLD.rowid, " + column_list(cols, "OLD.") + "); END;\n";
  return ddl;
}

/// T becomes T_log + view T; its rows are copied in rowid order through the chain trigger.
void convert_logged(sqlite3* db, const ExecSql& exec, const LoggedTable& t) {
  const std::vector<ColumnDef> cols = table_columns(db, t.name);
  if (cols.empty()) throw std::runtime_error("the migration to schema version 7 finds no table " + t.name);
  const std::string indexes = index_ddl(db, t.name, t.log());
  const std::string names = column_list(cols, "");
  exec(log_table_ddl(t, cols));
  exec(chain_trigger(t.log(), table_columns(db, t.log())) + guard_triggers(t.log()));
  exec("INSERT INTO " + quote_ident(t.log()) + " (" + names + ") SELECT " + names + " FROM " + quote_ident(t.name) +
       " ORDER BY rowid;\nDROP TABLE " + quote_ident(t.name) + ";\n" + indexes);
  exec(log_view_ddl(t, cols));
}

/// An insert-only table is rebuilt (so its rows are chained as they are copied), with a
/// `rec INTEGER PRIMARY KEY` first when it had no rowid alias: VACUUM renumbers a table's rowids
/// unless an INTEGER PRIMARY KEY holds them, and the chain names records by rowid.
void convert_insert_only(sqlite3* db, const ExecSql& exec, const std::string& table) {
  std::string create;
  {
    Stmt s(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1");
    bind_text(s, 1, table);
    if (sqlite3_step(s) != SQLITE_ROW) throw std::runtime_error("the migration to schema version 7 finds no table " + table);
    create = column_text(s, 0);
  }
  const std::vector<ColumnDef> cols = table_columns(db, table);
  bool has_alias = false;
  for (const ColumnDef& c : cols) has_alias |= c.pk == 1 && c.type == "INTEGER";
  const std::string names = column_list(cols, "");
  const std::string indexes = index_ddl(db, table, table);
  const std::string old = quote_ident(table + "_v6");
  exec("ALTER TABLE " + quote_ident(table) + " RENAME TO " + old + ";\n");
  if (!has_alias) create.insert(create.find('(') + 1, "\n  rec INTEGER PRIMARY KEY,");
  exec(create + ";\n");
  exec(chain_trigger(table, table_columns(db, table)) + guard_triggers(table));
  exec("INSERT INTO " + quote_ident(table) + " (" + names + ") SELECT " + names + " FROM " + old +
       " ORDER BY rowid;\nDROP TABLE " + old + ";\n" + indexes);
}

}  // namespace

std::string quote_ident(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

const std::vector<LoggedTable>& logged_tables() {
  static const std::vector<LoggedTable> tables{
      {"runs", {"run_id"}},
      {"table_results", {"run_id", "table_name"}},
      {"divergences", {"id"}},
      {"ranges", {"run_id", "table_name", "range_index"}},
      {"applies", {"apply_id", "table_name"}},
      {"cluster_plans", {"run_id", "table_name"}},
      {"watermarks", {"table_identity"}},
  };
  return tables;
}

const std::vector<std::string>& insert_only_tables() {
  static const std::vector<std::string> tables{"rechecks", "apply_keys", "prunes", "chain_marks", "doctor_runs"};
  return tables;
}

void chain_insert_only(sqlite3* db, const ExecSql& exec, const std::string& table) {
  exec(chain_trigger(table, table_columns(db, table)) + guard_triggers(table));
}

std::vector<std::string> chained_tables() {
  std::vector<std::string> out;
  for (const LoggedTable& t : logged_tables()) out.push_back(t.log());
  out.insert(out.end(), insert_only_tables().begin(), insert_only_tables().end());
  return out;
}

std::vector<ColumnDef> table_columns(sqlite3* db, const std::string& table) {
  Stmt s(db, "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1) ORDER BY cid");
  bind_text(s, 1, table);
  std::vector<ColumnDef> out;
  while (s.ok() && sqlite3_step(s) == SQLITE_ROW)
    out.push_back({column_text(s, 0), column_text(s, 1), sqlite3_column_int(s, 2) != 0, column_text(s, 3),
                   sqlite3_column_int(s, 4)});
  return out;
}

std::string record_hash_sql(const std::string& table, const std::vector<ColumnDef>& columns, const std::string& prefix) {
  return "recon_record_sha256(" + sql_text_literal(table) + ", " + column_list(columns, prefix) + ")";
}

void migrate_to_chain(sqlite3* db, const ExecSql& exec, std::int64_t from_version, const std::string& recon_version) {
  exec(std::string(sql::audit_migrate_v6_v7));
  exec(chain_trigger("chain_marks", table_columns(db, "chain_marks")) + guard_triggers("chain_marks"));
  const std::string note =
      from_version == 0
          ? "chain starts here: new audit trail, created by recon " + recon_version
          : "chain starts here: audit migrated in place from schema version " + std::to_string(from_version) +
                " by recon " + recon_version +
                "; records written before it were chained as found at the migration, not as they were written";
  exec("INSERT INTO chain_marks (kind, at, note) VALUES ('start', " + sql_text_literal(iso_utc_now()) + ", " +
       sql_text_literal(note) + ");\n");
  // The insert-only tables of version 6; chain_marks is new here, later tables are chained by
  // their own step (chain_insert_only).
  for (const char* t : {"rechecks", "apply_keys", "prunes"}) convert_insert_only(db, exec, t);
  for (const LoggedTable& t : logged_tables()) convert_logged(db, exec, t);
}

std::string expected_view_sql(sqlite3* db, const LoggedTable& t) {
  std::vector<ColumnDef> cols = table_columns(db, t.log());
  if (cols.size() < 3) return {};
  cols.erase(cols.begin(), cols.begin() + 3);  // rec, deleted, first_rec
  return view_statement(t, cols);
}

ChainHead read_chain_head(sqlite3* db) {
  ChainHead head;
  Stmt s(db, "SELECT seq, sha256 FROM chain ORDER BY seq DESC LIMIT 1");
  if (s.ok() && sqlite3_step(s) == SQLITE_ROW) {
    head.seq = sqlite3_column_int64(s, 0);
    head.sha256 = column_text(s, 1);
  }
  return head;
}

}  // namespace recon::audit

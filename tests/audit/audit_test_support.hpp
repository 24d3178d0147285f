#pragma once
// Shared by the audit tests: temp folders, raw queries on the file, a fake table and divergences.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "recon/audit/audit_db.hpp"
#include "recon/audit/chain.hpp"
#include "recon/generated/sql_text.hpp"

namespace recon::audit_test {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  explicit TempDir(const char* tag) {
    path = fs::temp_directory_path() / ("recon-h3-audit-" + std::to_string(::getpid()) + "-" + tag);
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

/// Runs SQL on the file with a separate connection (several statements allowed when `script`);
/// every row of the last statement as "a|b|c" (NULL as "~"). The connection has the audit's SQL
/// functions, as every connection that writes to a version 7 audit needs (audit/chain.hpp).
inline std::vector<std::string> query(const fs::path& file, const char* sql, bool script = false) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), SQLITE_OK);
  EXPECT_EQ(audit::register_audit_functions(db), SQLITE_OK);
  std::vector<std::string> rows;
  if (script) {
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
    return rows;
  }
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::string r;
    for (int i = 0; i < sqlite3_column_count(s); ++i) {
      if (i) r += "|";
      const auto* t = sqlite3_column_text(s, i);
      r += t ? reinterpret_cast<const char*>(t) : "~";
    }
    rows.push_back(r);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return rows;
}

inline std::vector<std::string> query(const fs::path& file, const std::string& sql, bool script = false) {
  return query(file, sql.c_str(), script);
}

/// A new file as a version 6 recon created it (sql/audit/schema.sql is still that version; 7 is a
/// step on top), to be made older by dropping what later versions added.
inline void write_v6_file(const fs::path& file) { query(file, std::string(sql::audit_schema), /*script=*/true); }

inline ColumnInfo column(const char* name, TypeClass cls) {
  ColumnInfo c;
  c.name = name;
  c.type_class = cls;
  return c;
}

/// Key (id integer, uf text = "SP"); values (nome text, saldo decimal 10.50).
inline Divergence divergence(Category cat, std::int64_t id, const char* src_nome, const char* tgt_nome,
                             std::vector<std::uint32_t> cols = {}) {
  Divergence d;
  canon::put_integer(d.key, id);
  canon::put_text(d.key, "SP");
  d.category = cat;
  d.columns = std::move(cols);
  if (src_nome) {
    canon::put_text(d.source_values, src_nome);
    canon::put_decimal(d.source_values, "10.50");
    d.source_digest = row_digest(d.source_values);
  }
  if (tgt_nome) {
    canon::put_text(d.target_values, tgt_nome);
    canon::put_decimal(d.target_values, "10.50");
    d.target_digest = row_digest(d.target_values);
  }
  d.finding.category = category_name(cat);
  d.finding.fix_columns = d.columns;
  return d;
}

/// clientes(id, uf) → (nome, saldo), as the engine would describe it.
struct FakeTable {
  TableJob job;
  TableContext ctx;
  explicit FakeTable(const char* name = "clientes") {
    ctx.job = &job;
    ctx.name = name;
    ctx.target_keys = {column("id", TypeClass::Integer), column("uf", TypeClass::Text)};
    ctx.target_values = {column("nome", TypeClass::Text), column("saldo", TypeClass::Decimal)};
  }
};

/// A run of the nightly job starting at `started_at`.
inline AuditRunInfo run_info(const std::string& id, const std::string& started_at) {
  AuditRunInfo info;
  info.run_id = id;
  info.started_at = started_at;
  info.job_file = "/jobs/nightly.toml";
  info.job_hash = "abcd";
  info.rules_hash = "r0";
  info.out_dir = "/out";
  return info;
}

}  // namespace recon::audit_test

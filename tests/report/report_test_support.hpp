#pragma once
// A small fake table and run shared by the report tests.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "recon/model/result.hpp"

namespace recon::testing_support {

inline ColumnInfo column(const char* name, const char* type, TypeClass cls) {
  ColumnInfo c;
  c.name = name;
  c.type_name = type;
  c.type_class = cls;
  return c;
}

/// clientes(id integer key, nome text, saldo numeric(12,2)), target in PostgreSQL.
struct FakeTable {
  TableJob job;
  TableContext ctx;
  FakeTable(Dialect dialect = Dialect::Postgres) {
    job.name = "clientes";
    job.source = TableRef{"dbo", "Clientes"};
    job.target = TableRef{"public", "clientes"};
    job.key = {"id"};
    ctx.job = &job;
    ctx.name = "clientes";
    ctx.source_keys = {column("ID", "int", TypeClass::Integer)};
    ctx.target_keys = {column("id", "integer", TypeClass::Integer)};
    ctx.source_values = {column("Nome", "nvarchar(50)", TypeClass::Text),
                         column("Saldo", "decimal(12,2)", TypeClass::Decimal)};
    ctx.target_values = {column("nome", "text", TypeClass::Text),
                         column("saldo", "numeric(12,2)", TypeClass::Decimal)};
    ctx.target_dialect = dialect;
    ctx.source_endpoint = "sqlserver sqlserver://recon@db1:1433/erp";
    ctx.target_endpoint = "postgres postgresql://recon:hunter2@127.0.0.1:5432/tgt";
  }
};

inline std::string key(std::int64_t id) {
  std::string k;
  canon::put_integer(k, id);
  return k;
}

inline std::string row(const char* nome, const char* saldo) {
  std::string v;
  if (nome) canon::put_text(v, nome);
  else canon::put_null(v);
  canon::put_decimal(v, saldo);
  return v;
}

inline Divergence missing_in_target(std::int64_t id, const char* nome, const char* saldo) {
  Divergence d;
  d.key = key(id);
  d.category = Category::MissingInTarget;
  d.source_values = row(nome, saldo);
  d.source_digest = row_digest(d.source_values);
  return d;
}

inline Divergence missing_in_source(std::int64_t id, const char* nome, const char* saldo) {
  Divergence d;
  d.key = key(id);
  d.category = Category::MissingInSource;
  d.target_values = row(nome, saldo);
  d.target_digest = row_digest(d.target_values);
  return d;
}

inline Divergence changed(std::int64_t id, const char* src_nome, const char* src_saldo, const char* tgt_nome,
                          const char* tgt_saldo, std::vector<std::uint32_t> columns) {
  Divergence d;
  d.key = key(id);
  d.category = Category::Changed;
  d.columns = std::move(columns);
  d.source_values = row(src_nome, src_saldo);
  d.target_values = row(tgt_nome, tgt_saldo);
  d.source_digest = row_digest(d.source_values);
  d.target_digest = row_digest(d.target_values);
  return d;
}

inline TableResult table_result(const char* name, std::int64_t compared, std::int64_t matched,
                                std::int64_t mit, std::int64_t mis, std::int64_t changed) {
  TableResult t;
  t.name = name;
  t.source = std::string("dbo.") + name;
  t.target = std::string("public.") + name;
  t.rows_compared = compared;
  t.matched = matched;
  t.missing_in_target = mit;
  t.missing_in_source = mis;
  t.changed = changed;
  t.rows_source = matched + changed + mit;
  t.rows_target = matched + changed + mis;
  t.ranges_total = t.ranges_done = 4;
  t.columns = {"nome", "saldo"};
  t.seconds = 1.5;
  t.fixup_sql = std::string("fixup/") + name + ".sql";
  return t;
}

inline RunResult fake_run() {
  RunResult r;
  r.run_id = "20261123T101500Z-3f9a";
  r.started_at = "2026-11-23T10:15:00Z";
  r.finished_at = "2026-11-23T10:15:42Z";
  r.started_epoch = 1795428900;
  r.finished_epoch = 1795428942;
  r.mode = "full";
  r.slo = 0.9999;
  r.status = "divergent";
  r.tables.push_back(table_result("clientes", 10000, 9997, 1, 1, 1));
  r.tables.push_back(table_result("produtos", 0, 0, 0, 0, 0));
  return r;
}

/// A fresh empty folder under the system temp dir, removed on destruction.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("recon-h3-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace recon::testing_support

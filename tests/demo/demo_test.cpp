// The demo dataset: its planted-divergence truth must equal what independent SQL over the two
// files finds (ATTACH + EXCEPT / IS NOT), never a copy of DemoTruth.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>

#define TOML_HEADER_ONLY 1  // parse the job text without linking the shared toml++ library
#include <toml++/toml.h>

#include "recon/core/canonical.hpp"
#include "recon/demo/demo.hpp"

namespace recon {
namespace {

namespace fs = std::filesystem;

/// A read-write connection to the source with the target attached as "t".
class Pair {
 public:
  Pair(const fs::path& source, const fs::path& target) {
    if (sqlite3_open_v2(source.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
      throw std::runtime_error("open");
    exec("ATTACH DATABASE '" + target.string() + "' AS t");
  }
  ~Pair() { sqlite3_close(db_); }
  void exec(const std::string& sql) {
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string(sqlite3_errmsg(db_)) + " in " + sql);
  }
  std::int64_t scalar(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string(sqlite3_errmsg(db_)) + " in " + sql);
    std::int64_t v = -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  }
  sqlite3* db() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

struct TableSpec {
  std::string name;
  std::vector<std::string> columns;     ///< non-key columns
  std::vector<std::string> normalised;  ///< same columns, spelled so equal values compare equal
  std::vector<TypeClass> classes;       ///< the declared types' comparison classes
};

const std::vector<TableSpec>& specs() {
  static const std::vector<TableSpec> s = {
      {"clientes", {"nome", "cpf", "email", "telefone"}, {"nome", "cpf", "email", "telefone"},
       {TypeClass::Text, TypeClass::Text, TypeClass::Text, TypeClass::Text}},
      {"produtos", {"nome", "descricao"}, {"nome", "descricao"}, {TypeClass::Text, TypeClass::Text}},
      {"grupos", {"id_produto", "situacao", "data_criacao"},
       {"id_produto", "situacao", "date(%.data_criacao)"},
       {TypeClass::Integer, TypeClass::Text, TypeClass::Date}},
      {"simulacoes",
       {"id_cliente", "data_simulacao", "parametros_entrada", "resultado", "valor_credito",
        "prazo_meses", "taxa_adm", "status"},
       {"id_cliente", "julianday(%.data_simulacao)",
        "json_extract(%.parametros_entrada, '$.prazo') || '|' || json_extract(%.parametros_entrada, "
        "'$.valor') || '|' || json_extract(%.parametros_entrada, '$.tipo') || '|' || "
        "(SELECT count(*) FROM json_each(%.parametros_entrada))",
        "CAST(%.resultado AS REAL)", "valor_credito", "prazo_meses", "taxa_adm", "status"},
       {TypeClass::Integer, TypeClass::Timestamp, TypeClass::Json, TypeClass::Decimal,
        TypeClass::Decimal, TypeClass::Integer, TypeClass::Decimal, TypeClass::Text}},
  };
  return s;
}

/// `expr` with % standing for the side's alias ("a" or "b"); a bare column name gets the alias.
std::string side_expr(const std::string& expr, const std::string& alias) {
  if (expr.find('%') == std::string::npos && expr.find('(') == std::string::npos) return alias + "." + expr;
  std::string out;
  for (char c : expr) out += c == '%' ? alias : std::string(1, c);
  return out;
}

/// Rows present on both sides where some column differs, per SQL (`IS NOT`, so NULL vs '' counts).
std::int64_t sql_changed(Pair& p, const TableSpec& t, bool normalise) {
  std::string cond;
  const auto& cols = normalise ? t.normalised : t.columns;
  for (const auto& c : cols)
    cond += (cond.empty() ? "" : " OR ") + side_expr(c, "a") + " IS NOT " + side_expr(c, "b");
  return p.scalar("SELECT count(*) FROM main." + t.name + " a JOIN t." + t.name + " b USING (id) WHERE " + cond);
}

/// The canonical encoding of result column `i` as the SQLite connector's contract converts it.
void encode(std::string& out, sqlite3_stmt* st, int i, TypeClass cls) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL: canon::put_null(out); break;
    case SQLITE_INTEGER: canon::put_from_integer(out, cls, sqlite3_column_int64(st, i)); break;
    case SQLITE_FLOAT: canon::put_from_double(out, cls, sqlite3_column_double(st, i)); break;
    default:
      canon::put_from_text(out, cls, std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(st, i)),
                                                      static_cast<std::size_t>(sqlite3_column_bytes(st, i))));
  }
}

/// Rows present on both sides whose canonical encodings differ (recon's notion of equality).
std::int64_t canonical_changed(Pair& p, const TableSpec& t) {
  std::string sel;
  for (const auto& c : t.columns) sel += ", a." + c;
  for (const auto& c : t.columns) sel += ", b." + c;
  const std::string sql = "SELECT a.id" + sel + " FROM main." + t.name + " a JOIN t." + t.name + " b USING (id)";
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(p.db(), sql.c_str(), -1, &st, nullptr) != SQLITE_OK) throw std::runtime_error(sql);
  const int n = static_cast<int>(t.columns.size());
  std::int64_t changed = 0;
  std::string a, b;
  while (sqlite3_step(st) == SQLITE_ROW) {
    a.clear();
    b.clear();
    for (int i = 0; i < n; ++i) {
      encode(a, st, 1 + i, t.classes[static_cast<std::size_t>(i)]);
      encode(b, st, 1 + n + i, t.classes[static_cast<std::size_t>(i)]);
    }
    if (a != b) ++changed;
  }
  sqlite3_finalize(st);
  return changed;
}

class DemoDataset : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("recon_demo_test_" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    DemoPlan plan;
    plan.simulacoes = 20000;
    truth_ = new DemoTruth(build_demo_databases(*dir_ / "source.db", *dir_ / "target.db", plan));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete truth_;
    delete dir_;
  }
  static fs::path* dir_;
  static DemoTruth* truth_;
};
fs::path* DemoDataset::dir_ = nullptr;
DemoTruth* DemoDataset::truth_ = nullptr;

TEST_F(DemoDataset, TruthEqualsWhatIndependentSqlFinds) {
  Pair p(*dir_ / "source.db", *dir_ / "target.db");
  ASSERT_EQ(truth_->planted.size(), 4u);
  for (const auto& t : specs()) {
    SCOPED_TRACE(t.name);
    const auto it = truth_->planted.find(t.name);
    ASSERT_NE(it, truth_->planted.end());
    const auto& [mit, mis, changed] = it->second;
    EXPECT_EQ(mit, p.scalar("SELECT count(*) FROM (SELECT id FROM main." + t.name + " EXCEPT SELECT id FROM t." + t.name + ")"));
    EXPECT_EQ(mis, p.scalar("SELECT count(*) FROM (SELECT id FROM t." + t.name + " EXCEPT SELECT id FROM main." + t.name + ")"));
    EXPECT_EQ(changed, sql_changed(p, t, /*normalise=*/true));
    EXPECT_EQ(changed, canonical_changed(p, t));
  }
}

TEST_F(DemoDataset, EveryCategoryIsPlantedInSeveralTablesAtARealisticRate) {
  std::int64_t planted = 0;
  int tables_with_all = 0;
  for (const auto& [name, c] : truth_->planted) {
    planted += c[0] + c[1] + c[2];
    if (c[0] > 0 && c[1] > 0 && c[2] > 0) ++tables_with_all;
  }
  EXPECT_GE(tables_with_all, 3);
  Pair p(*dir_ / "source.db", *dir_ / "target.db");
  std::int64_t rows = 0;
  for (const auto& t : specs()) rows += p.scalar("SELECT count(*) FROM main." + t.name);
  const double rate = static_cast<double>(planted) / static_cast<double>(rows);
  EXPECT_GE(rate, 0.001);
  EXPECT_LE(rate, 0.005);
  EXPECT_EQ(p.scalar("SELECT count(*) FROM main.produtos"), 50);
  EXPECT_NEAR(static_cast<double>(p.scalar("SELECT count(*) FROM main.clientes")), 20000, 100);
  EXPECT_NEAR(static_cast<double>(p.scalar("SELECT count(*) FROM main.grupos")), 2000, 20);
  EXPECT_NEAR(static_cast<double>(p.scalar("SELECT count(*) FROM main.simulacoes")), 20000, 100);
}

TEST_F(DemoDataset, SpellingOnlyDifferencesExistAndAreEqualAfterCanonicalisation) {
  Pair p(*dir_ / "source.db", *dir_ / "target.db");
  for (const char* name : {"grupos", "simulacoes"}) {
    SCOPED_TRACE(name);
    for (const auto& t : specs()) {
      if (t.name != name) continue;
      // Raw text comparison sees more "changes" than normalised SQL and canonical comparison do.
      EXPECT_GT(sql_changed(p, t, /*normalise=*/false), sql_changed(p, t, /*normalise=*/true));
    }
  }
  // Each kind of respelling is present in the target.
  EXPECT_GT(p.scalar("SELECT count(*) FROM t.simulacoes WHERE data_simulacao LIKE '____-__-__T%.000000'"), 0);
  EXPECT_GT(p.scalar("SELECT count(*) FROM t.simulacoes WHERE parametros_entrada LIKE '{ \"tipo\"%'"), 0);
  EXPECT_GT(p.scalar("SELECT count(*) FROM t.grupos WHERE data_criacao LIKE '% 00:00:00'"), 0);
  // A NULL vs '' email and a trailing-space nome are real changes.
  EXPECT_GT(p.scalar("SELECT count(*) FROM main.clientes a JOIN t.clientes b USING (id) "
                     "WHERE a.email IS NULL AND b.email = ''"), 0);
  EXPECT_GT(p.scalar("SELECT count(*) FROM main.clientes a JOIN t.clientes b USING (id) "
                     "WHERE b.nome = a.nome || ' '"), 0);
  EXPECT_EQ(static_cast<std::int64_t>(truth_->respelled.at("simulacoes")) > 0, true);
}

TEST_F(DemoDataset, ValuesLookReal) {
  Pair p(*dir_ / "source.db", *dir_ / "target.db");
  EXPECT_EQ(p.scalar("SELECT count(*) FROM clientes WHERE length(cpf) != 11 OR cpf GLOB '*[^0-9]*'"), 0);
  EXPECT_EQ(p.scalar("SELECT count(DISTINCT cpf) - count(*) FROM clientes"), 0);
  EXPECT_EQ(p.scalar("SELECT count(*) FROM grupos WHERE situacao NOT IN ('ATIVO','ENCERRADO','EM_FORMACAO')"), 0);
  EXPECT_EQ(p.scalar("SELECT count(*) FROM simulacoes WHERE json_valid(parametros_entrada) = 0"), 0);
  EXPECT_EQ(p.scalar("SELECT count(*) FROM simulacoes WHERE json_extract(parametros_entrada, '$.prazo') != prazo_meses"), 0);
  EXPECT_EQ(p.scalar("SELECT count(*) FROM simulacoes WHERE typeof(resultado) NOT IN ('real', 'integer')"), 0);
  EXPECT_GT(p.scalar("SELECT count(*) FROM clientes WHERE email IS NULL"), 0);
  EXPECT_GT(p.scalar("SELECT count(*) FROM clientes WHERE nome LIKE '%ã%' OR nome LIKE '%é%'"), 0);
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(Demo, SameSeedSameBytesOtherSeedOtherData) {
  const auto dir = fs::temp_directory_path() / ("recon_demo_seed_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  DemoPlan plan;
  plan.simulacoes = 3000;
  const auto a = build_demo_databases(dir / "a_src.db", dir / "a_tgt.db", plan);
  const auto b = build_demo_databases(dir / "b_src.db", dir / "b_tgt.db", plan);
  EXPECT_EQ(a.planted, b.planted);
  EXPECT_EQ(file_bytes(dir / "a_src.db"), file_bytes(dir / "b_src.db"));
  EXPECT_EQ(file_bytes(dir / "a_tgt.db"), file_bytes(dir / "b_tgt.db"));
  plan.seed = 7;
  build_demo_databases(dir / "b_src.db", dir / "b_tgt.db", plan);  // overwrites
  EXPECT_NE(file_bytes(dir / "a_src.db"), file_bytes(dir / "b_src.db"));
  EXPECT_THROW(build_demo_databases(dir / "a_src.db", dir / "a_src.db", plan), std::exception);
  fs::remove_all(dir);
}

TEST(Demo, JobTomlNamesBothFilesAndTheFourTables) {
  const fs::path src = "/tmp/odd \"dir\\/source.db", tgt = "/tmp/target.db";
  const std::string text = demo_job_toml(src, tgt);
  const toml::table job = toml::parse(text);
  EXPECT_EQ(job["source"]["kind"].value_or(std::string()), "sqlite");
  EXPECT_EQ(job["source"]["url"].value_or(std::string()), src.string());
  EXPECT_EQ(job["target"]["url"].value_or(std::string()), tgt.string());
  EXPECT_EQ(job["check"]["threads"].value_or(0), 2);
  EXPECT_EQ(job["check"]["chunk_rows"].value_or(0), 50000);
  EXPECT_DOUBLE_EQ(job["check"]["slo"].value_or(0.0), 0.9999);
  const auto* tables = job["tables"].as_array();
  ASSERT_NE(tables, nullptr);
  ASSERT_EQ(tables->size(), 4u);
  std::vector<std::string> names;
  for (const auto& t : *tables) {
    const auto& tt = *t.as_table();
    names.push_back(tt["target"].value_or(std::string()));
    EXPECT_EQ(tt["key"][0].value_or(std::string()), "id");
    if (names.back() == "simulacoes") {
      EXPECT_EQ(tt["json_columns"][0].value_or(std::string()), "parametros_entrada");
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"clientes", "produtos", "grupos", "simulacoes"}));
}

}  // namespace
}  // namespace recon

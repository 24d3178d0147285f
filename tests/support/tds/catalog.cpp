// Fixture schema loading and the INFORMATION_SCHEMA views.
#include "catalog.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <stdexcept>
#include <variant>

#include "catalog_sys.hpp"
#include "sqlite_ext.hpp"

namespace tds_test {
namespace {

/// A prepared statement that finalizes itself.
class Query {
 public:
  Query(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st_, nullptr) != SQLITE_OK)
      throw std::runtime_error("fixture query failed: " + std::string(sqlite3_errmsg(db)) + " (" + sql + ")");
  }
  ~Query() { sqlite3_finalize(st_); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  bool step() {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) throw std::runtime_error("fixture query failed: " + std::string(sqlite3_errmsg(db_)));
    return false;
  }
  std::string text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, i));
    return p ? p : "";
  }
  std::int64_t integer(int i) const { return sqlite3_column_int64(st_, i); }
  sqlite3_stmt* get() { return st_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

std::string quote(std::string_view name) {
  std::string r = "\"";
  for (char c : name) {
    if (c == '"') r += '"';
    r += c;
  }
  return r + "\"";
}

std::string key(std::string_view schema, std::string_view name) {
  return lower(schema) + "." + lower(name);
}

/// The INFORMATION_SCHEMA views this server offers, with SQL Server's column types.
const std::vector<std::pair<const char*, std::vector<ViewColumn>>>& information_schema() {
  static const std::vector<std::pair<const char*, std::vector<ViewColumn>>> v = {
      {"COLUMNS",
       {{"TABLE_CATALOG", "nvarchar(128)"}, {"TABLE_SCHEMA", "nvarchar(128)"}, {"TABLE_NAME", "nvarchar(128)"},
        {"COLUMN_NAME", "nvarchar(128)"}, {"ORDINAL_POSITION", "int"}, {"COLUMN_DEFAULT", "nvarchar(4000)"},
        {"IS_NULLABLE", "varchar(3)"}, {"DATA_TYPE", "nvarchar(128)"}, {"CHARACTER_MAXIMUM_LENGTH", "int"},
        {"CHARACTER_OCTET_LENGTH", "int"}, {"NUMERIC_PRECISION", "tinyint"},
        {"NUMERIC_PRECISION_RADIX", "smallint"}, {"NUMERIC_SCALE", "int"}, {"DATETIME_PRECISION", "smallint"},
        {"CHARACTER_SET_CATALOG", "nvarchar(128)"}, {"CHARACTER_SET_SCHEMA", "nvarchar(128)"},
        {"CHARACTER_SET_NAME", "nvarchar(128)"}, {"COLLATION_CATALOG", "nvarchar(128)"},
        {"COLLATION_SCHEMA", "nvarchar(128)"}, {"COLLATION_NAME", "nvarchar(128)"},
        {"DOMAIN_CATALOG", "nvarchar(128)"}, {"DOMAIN_SCHEMA", "nvarchar(128)"}, {"DOMAIN_NAME", "nvarchar(128)"}}},
      {"TABLES",
       {{"TABLE_CATALOG", "nvarchar(128)"}, {"TABLE_SCHEMA", "nvarchar(128)"}, {"TABLE_NAME", "nvarchar(128)"},
        {"TABLE_TYPE", "varchar(10)"}}},
      {"TABLE_CONSTRAINTS",
       {{"CONSTRAINT_CATALOG", "nvarchar(128)"}, {"CONSTRAINT_SCHEMA", "nvarchar(128)"},
        {"CONSTRAINT_NAME", "nvarchar(128)"}, {"TABLE_CATALOG", "nvarchar(128)"}, {"TABLE_SCHEMA", "nvarchar(128)"},
        {"TABLE_NAME", "nvarchar(128)"}, {"CONSTRAINT_TYPE", "varchar(11)"}, {"IS_DEFERRABLE", "varchar(2)"},
        {"INITIALLY_DEFERRED", "varchar(2)"}}},
      {"KEY_COLUMN_USAGE",
       {{"CONSTRAINT_CATALOG", "nvarchar(128)"}, {"CONSTRAINT_SCHEMA", "nvarchar(128)"},
        {"CONSTRAINT_NAME", "nvarchar(128)"}, {"TABLE_CATALOG", "nvarchar(128)"}, {"TABLE_SCHEMA", "nvarchar(128)"},
        {"TABLE_NAME", "nvarchar(128)"}, {"COLUMN_NAME", "nvarchar(128)"}, {"ORDINAL_POSITION", "int"}}},
  };
  return v;
}

/// One INFORMATION_SCHEMA.COLUMNS value that may be NULL.
using Cell = std::optional<std::int64_t>;

struct TypeFacts {
  Cell char_max, octet_max, precision, radix, scale, dt_precision;
};

TypeFacts facts(const SqlType& t) {
  TypeFacts f;
  if (!t.catalog_only.empty() || t.user_type == kUserTypeRowVersion) return f;  // SQL Server reports no length
  switch (t.kind) {
    case Kind::TinyInt: f.precision = 3, f.radix = 10, f.scale = 0; break;
    case Kind::SmallInt: f.precision = 5, f.radix = 10, f.scale = 0; break;
    case Kind::Int: f.precision = 10, f.radix = 10, f.scale = 0; break;
    case Kind::BigInt: f.precision = 19, f.radix = 10, f.scale = 0; break;
    case Kind::Decimal: case Kind::Numeric: case Kind::Money: case Kind::SmallMoney:
      f.precision = t.precision, f.radix = 10, f.scale = t.scale;
      break;
    case Kind::Float: case Kind::Real: f.precision = t.precision, f.radix = 2; break;
    case Kind::Date: case Kind::SmallDateTime: f.dt_precision = 0; break;
    case Kind::DateTime: f.dt_precision = 3; break;
    case Kind::Time: case Kind::DateTime2: case Kind::DateTimeOffset: f.dt_precision = t.scale; break;
    case Kind::Char: case Kind::VarChar: case Kind::Binary: case Kind::VarBinary:
      f.char_max = t.length, f.octet_max = t.length;
      break;
    case Kind::NChar: case Kind::NVarChar:
      f.char_max = t.length, f.octet_max = t.is_max() ? -1 : t.length * 2;
      break;
    case Kind::Text: case Kind::Image: f.char_max = 2147483647, f.octet_max = 2147483647; break;
    case Kind::NText: f.char_max = 1073741823, f.octet_max = 2147483646; break;
    case Kind::Xml: f.char_max = -1, f.octet_max = -1; break;
    default: break;
  }
  return f;
}

void exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "?";
    sqlite3_free(err);
    throw std::runtime_error("cannot build INFORMATION_SCHEMA: " + msg);
  }
}

/// Binds text or NULL (empty optional) / integers, then steps and resets.
void insert_row(sqlite3_stmt* st, const std::vector<std::variant<std::monostate, std::string, std::int64_t>>& vals) {
  for (std::size_t i = 0; i < vals.size(); ++i) {
    const int at = int(i) + 1;
    if (auto* s = std::get_if<std::string>(&vals[i])) sqlite3_bind_text(st, at, s->c_str(), -1, SQLITE_TRANSIENT);
    else if (auto* n = std::get_if<std::int64_t>(&vals[i])) sqlite3_bind_int64(st, at, *n);
    else sqlite3_bind_null(st, at);
  }
  sqlite3_step(st);
  sqlite3_reset(st);
}

}  // namespace

Table describe_view(const std::string& schema, const std::string& name, const std::vector<ViewColumn>& columns) {
  Table t;
  t.schema = schema;
  t.name = name;
  t.sqlite_name = schema + "." + name;
  t.view = true;
  for (const ViewColumn& v : columns) {
    ResultColumn c;
    c.name = v.name;
    c.type = *parse_sql_type(v.type);
    c.nullable = true;
    c.collation = default_collation();
    c.table_schema = t.schema;
    c.table_name = t.name;
    t.columns.push_back(std::move(c));
  }
  return t;
}

const ResultColumn* Table::find_column(std::string_view n) const {
  for (const ResultColumn& c : columns)
    if (iequals(c.name, n)) return &c;
  return nullptr;
}

void Catalog::add(Table t) {
  t.object_id = 1000 + std::int64_t(tables_.size());  // any fixed id: OBJECT_ID only has to find it again
  index_[key(t.schema, t.name)] = tables_.size();
  tables_.push_back(std::move(t));
}

const Table* Catalog::find_object(std::int64_t object_id) const {
  for (const Table& t : tables_)
    if (t.object_id == object_id) return &t;
  return nullptr;
}

const Table* Catalog::find(std::string_view schema, std::string_view name) const {
  auto it = index_.find(key(schema.empty() ? "dbo" : schema, name));
  return it == index_.end() ? nullptr : &tables_[it->second];
}

Catalog Catalog::load(sqlite3* db) {
  Catalog cat;
  register_collations(db);  // histograms order values as SQL Server orders their types
  const std::set<std::string> no_statistics = tables_without_statistics(db);
  const std::string loaded = utc_now_text(3);
  cat.access_ = Access::load(db);
  // Collation overrides, when the fixture has them.
  std::map<std::string, std::string> collations;  // "table\ncolumn" lowercased -> name
  {
    Query has(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_tds_columns'");
    has.step();
    if (has.integer(0) > 0) {
      Query q(db, "SELECT table_name, column_name, collation FROM _tds_columns");
      while (q.step()) collations[lower(q.text(0)) + "\n" + lower(q.text(1))] = q.text(2);
    }
  }
  Query tables(db,
               "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') "
               "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_tds\\_%' ESCAPE '\\' ORDER BY name");
  while (tables.step()) {
    Table t;
    t.sqlite_name = tables.text(0);
    t.view = tables.text(1) == "view";
    const std::size_t dot = t.sqlite_name.find('.');
    t.schema = dot == std::string::npos ? "dbo" : t.sqlite_name.substr(0, dot);
    t.name = dot == std::string::npos ? t.sqlite_name : t.sqlite_name.substr(dot + 1);
    std::vector<std::pair<std::int64_t, std::string>> pk;
    Query cols(db, "PRAGMA table_info(" + quote(t.sqlite_name) + ")");
    while (cols.step()) {
      ResultColumn c;
      c.name = cols.text(1);
      const std::string declared = cols.text(2);
      auto type = parse_sql_type(declared);
      if (!type)
        throw std::runtime_error("fixture table \"" + t.sqlite_name + "\" column \"" + c.name +
                                 "\" is declared '" + declared +
                                 "', which is not a SQL Server type; declare it with a SQL Server type name "
                                 "(see docs/tds-test-server.md)");
      c.type = *type;
      const bool is_pk = cols.integer(5) > 0;
      c.nullable = cols.integer(3) == 0 && !is_pk;  // SQL Server primary key columns are NOT NULL
      c.table_schema = t.schema;
      c.table_name = t.name;
      c.collation = default_collation();
      auto ov = collations.find(lower(t.sqlite_name) + "\n" + lower(c.name));
      if (ov == collations.end()) ov = collations.find(lower(t.name) + "\n" + lower(c.name));
      if (ov != collations.end()) {
        auto coll = find_collation(ov->second);
        if (!coll)
          throw std::runtime_error("_tds_columns gives column \"" + c.name + "\" of \"" + t.sqlite_name +
                                   "\" the collation '" + ov->second +
                                   "', which this server does not support (Latin1 collations only)");
        c.collation = *coll;
      }
      if (is_pk) pk.emplace_back(cols.integer(5), c.name);
      t.columns.push_back(std::move(c));
    }
    if (!pk.empty()) {
      std::sort(pk.begin(), pk.end());
      Constraint k{"PK_" + t.name, "PRIMARY KEY", {}};
      for (auto& [n, col] : pk) k.columns.push_back(col);
      t.constraints.push_back(std::move(k));
    }
    if (!t.view) {
      Query idx(db, "PRAGMA index_list(" + quote(t.sqlite_name) + ")");
      int n = 0;
      std::vector<std::string> names;
      while (idx.step())
        if (idx.integer(2) == 1 && idx.text(3) == "u") names.push_back(idx.text(1));
      std::reverse(names.begin(), names.end());  // index_list lists the newest first
      for (const std::string& ix : names) {
        Constraint u{"UQ_" + t.name + "_" + std::to_string(++n), "UNIQUE", {}};
        Query info(db, "PRAGMA index_info(" + quote(ix) + ")");
        while (info.step()) u.columns.push_back(info.text(2));
        t.constraints.push_back(std::move(u));
      }
      if (!no_statistics.count(lower(t.sqlite_name)) && !no_statistics.count(lower(t.name))) load_statistics(db, t);
      load_indexes(db, t);
      date_statistics(db, t, loaded);
    }
    cat.add(std::move(t));
  }
  // The INFORMATION_SCHEMA views, described like any table (their rows come later, per session).
  for (const auto& [name, cols] : information_schema()) {
    Table t = describe_view("INFORMATION_SCHEMA", name, cols);
    t.information_schema = true;
    cat.add(std::move(t));
  }
  for (Table& v : system_views()) cat.add(std::move(v));
  return cat;
}

void Catalog::install_information_schema(sqlite3* db, const std::string& database) const {
  for (const Table& t : tables_) {
    if (!t.information_schema) continue;
    std::string ddl = "CREATE TEMP TABLE IF NOT EXISTS " + quote(t.sqlite_name) + " (";
    for (std::size_t i = 0; i < t.columns.size(); ++i)
      ddl += (i ? ", " : "") + quote(t.columns[i].name) + " " + quote(t.columns[i].type.spelled());
    exec(db, ddl + ")");
    exec(db, "DELETE FROM temp." + quote(t.sqlite_name));
  }
  auto prep = [&](const char* view, int n) {
    std::string sql = "INSERT INTO temp.\"INFORMATION_SCHEMA." + std::string(view) + "\" VALUES (";
    for (int i = 0; i < n; ++i) sql += i ? ", ?" : "?";
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, (sql + ")").c_str(), -1, &st, nullptr);
    return st;
  };
  using V = std::vector<std::variant<std::monostate, std::string, std::int64_t>>;
  auto cell = [](const Cell& c) -> std::variant<std::monostate, std::string, std::int64_t> {
    if (c) return *c;
    return std::monostate{};
  };
  sqlite3_stmt* cols = prep("COLUMNS", 23);
  sqlite3_stmt* tabs = prep("TABLES", 4);
  sqlite3_stmt* cons = prep("TABLE_CONSTRAINTS", 9);
  sqlite3_stmt* keys = prep("KEY_COLUMN_USAGE", 8);
  exec(db, "SAVEPOINT tds_information_schema");  // also inside a transaction the client opened
  for (const Table& t : tables_) {
    if (t.information_schema || t.system_view) continue;
    insert_row(tabs, V{database, t.schema, t.name, std::string(t.view ? "VIEW" : "BASE TABLE")});
    std::int64_t pos = 0;
    for (const ResultColumn& c : t.columns) {
      const TypeFacts f = facts(c.type);
      const bool has_coll = c.type.is_string();
      insert_row(cols, V{database, t.schema, t.name, c.name, ++pos, std::monostate{},
                         std::string(c.nullable ? "YES" : "NO"), c.type.data_type(), cell(f.char_max),
                         cell(f.octet_max), cell(f.precision), cell(f.radix), cell(f.scale),
                         cell(f.dt_precision), std::monostate{}, std::monostate{},
                         has_coll ? V::value_type(std::string("iso_1")) : V::value_type(std::monostate{}),
                         std::monostate{}, std::monostate{},
                         has_coll ? V::value_type(c.collation.name) : V::value_type(std::monostate{}),
                         std::monostate{}, std::monostate{}, std::monostate{}});
    }
    for (const Constraint& k : t.constraints) {
      insert_row(cons, V{database, t.schema, k.name, database, t.schema, t.name, k.type, std::string("NO"),
                         std::string("NO")});
      std::int64_t ord = 0;
      for (const std::string& col : k.columns)
        insert_row(keys, V{database, t.schema, k.name, database, t.schema, t.name, col, ++ord});
    }
  }
  exec(db, "RELEASE tds_information_schema");
  for (sqlite3_stmt* st : {cols, tabs, cons, keys}) sqlite3_finalize(st);
}

}  // namespace tds_test

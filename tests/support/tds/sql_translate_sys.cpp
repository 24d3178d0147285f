// The statements recon plans with, in the T-SQL subset: sys.stats, sys.stats_columns and
// sys.dm_db_partition_stats in FROM, the table-valued function sys.dm_db_stats_histogram,
// OBJECT_ID and COLUMNPROPERTY (folded to constants while binding: their arguments are
// constants), and TABLESAMPLE SYSTEM on a fixture table (sqlite_ext.hpp's page model).
#include <cstdio>

#include "catalog_sys.hpp"
#include "sql_translate.hpp"

namespace tds_test::translation {
namespace {

std::string number_literal(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

bool Translator::histogram_call_at(std::size_t i) const {
  while (is_name(i) && op_at(i + 1, ".")) {  // db.sys. / db..
    i += 2;
    if (op_at(i, ".")) ++i;
  }
  return is_name(i) && iequals(t_[i].text, "dm_db_stats_histogram") && op_at(i + 1, "(");
}

void Translator::histogram_call(std::size_t& i) {
  while (!iequals(t_[i].text, "dm_db_stats_histogram")) ++i;  // past db.sys. (histogram_call_at)
  if (!info_.stats_histogram)  // before SQL Server 2016 SP1 CU2
    throw SqlError(208, "Invalid object name 'sys.dm_db_stats_histogram'.");
  const std::size_t close = close_of(i + 1, end_);
  const auto args = split_commas(i + 2, close);
  if (args.size() != 2)
    throw SqlError(174, "The dm_db_stats_histogram function requires 2 argument(s).", 15);
  const auto object_id = constant_int(args[0].first, args[0].second);
  const auto stats_id = constant_int(args[1].first, args[1].second);
  const Table* table = object_id ? cat_.find_object(*object_id) : nullptr;
  const Statistics* stats = nullptr;
  if (table && stats_id)
    for (const Statistics& s : table->statistics)
      if (s.stats_id == *stats_id) stats = &s;
  fn_table_ = std::make_unique<Table>(histogram_table(table, stats));
  fn_sql_ = histogram_sql(*fn_table_, table, stats);
  table_ = fn_table_.get();
  i = close + 1;
}

void Translator::tablesample(std::size_t& i) {
  const std::string table = table_ ? table_->schema + "." + table_->name : "";
  if (!table_ || table_->view) throw SqlError(494, "The TABLESAMPLE clause can only be used with local tables.");
  ++i;
  if (word_at(i, "SYSTEM")) ++i;
  if (!op_at(i, "(")) syntax(i);
  const std::size_t close = close_of(i, end_);
  const std::size_t n = i + 1;
  if (n >= close || t_[n].kind != K::Number) throw SqlError(482, "Non-constant or invalid expression is in the TABLESAMPLE or the REPEATABLE clause.");
  if (word_at(n + 1, "ROWS"))
    throw SqlError(50000, "tds_test_server: TABLESAMPLE (n ROWS) is not supported; sample n PERCENT");
  if (!word_at(n + 1, "PERCENT") || n + 2 != close) syntax(n + 1);
  Sample s;
  s.percent = std::stod(t_[n].text);
  if (s.percent < 0 || s.percent > 100)
    throw SqlError(476, "Invalid PERCENT tablesample size \"" + t_[n].text + "\" for table \"" + table +
                            "\". The PERCENT tablesample size must be between 0 and 100.");
  i = close + 1;
  if (word_at(i, "REPEATABLE")) {
    if (!op_at(i + 1, "(") || i + 3 >= end_ || !op_at(i + 3, ")")) syntax(i + 1);
    const Token& seed = t_[i + 2];
    if (seed.kind != K::Number || seed.text.find_first_of(".eE") != std::string::npos)
      throw SqlError(477, "Invalid ROWS value or REPEATABLE seed in the TABLESAMPLE clause for table \"" + table +
                              "\". The value or seed must be an integer.");
    s.seed = std::stoll(seed.text);
    if (s.seed <= 0)
      throw SqlError(479, "Invalid ROWS value or REPEATABLE seed \"" + seed.text + "\" in the TABLESAMPLE clause for table \"" +
                              table + "\". The value or seed must be greater than 0.");
    i += 4;
  }
  sample_ = s;
}

std::optional<std::int64_t> Translator::constant_int(std::size_t a, std::size_t b) const {
  if (b == a + 1 && t_[a].kind == K::Number && t_[a].text.find_first_of(".eE") == std::string::npos)
    return std::stoll(t_[a].text);
  if (b == a + 1 && is_word(t_[a], "NULL")) return std::nullopt;
  if (b > a + 2 && t_[a].kind == K::Word && op_at(a + 1, "(") && close_of(a + 1, b) == b - 1) {
    if (iequals(t_[a].text, "OBJECT_ID")) return object_id_call(a, b - 1);
    if (iequals(t_[a].text, "COLUMNPROPERTY")) return column_property_call(a, b - 1);
  }
  throw SqlError(50000, "tds_test_server: an object or statistics id must be a number, OBJECT_ID(N'…') or "
                        "COLUMNPROPERTY(…) here");
}

std::optional<std::int64_t> Translator::object_id_call(std::size_t i, std::size_t close) const {
  const auto args = split_commas(i + 2, close);
  if (args.size() > 2 || args[0].second != args[0].first + 1 || t_[args[0].first].kind != K::String)
    throw SqlError(50000, "tds_test_server: OBJECT_ID takes a constant name, OBJECT_ID(N'[schema].[table]')");
  const Table* t = table_named(t_[args[0].first].text);
  return t ? std::optional<std::int64_t>(t->object_id) : std::nullopt;
}

const Table* Translator::table_named(const std::string& name) const {
  // The name inside the string is lexed as T-SQL names are: [dbo].[t], dbo.t, "t", db..t.
  std::vector<std::string> parts;
  try {
    for (const Token& t : lex(name)) {
      if (t.kind == K::Op && t.text == ".") {
        if (parts.empty()) return nullptr;
        parts.emplace_back();
      } else if (t.kind == K::Word || t.kind == K::Quoted) {
        if (parts.empty()) parts.emplace_back();
        parts.back() = t.text;
      } else {
        return nullptr;
      }
    }
  } catch (const SqlError&) {
    return nullptr;
  }
  if (parts.empty() || parts.size() > 3) return nullptr;
  const std::string schema = parts.size() >= 2 ? parts[parts.size() - 2] : "";
  const Table* t = cat_.find(schema, parts.back());
  return t && !t->information_schema && !t->system_view ? t : nullptr;
}

std::optional<std::int64_t> Translator::column_property_call(std::size_t i, std::size_t close) const {
  const auto args = split_commas(i + 2, close);
  if (args.size() != 3 || args[1].second != args[1].first + 1 || t_[args[1].first].kind != K::String ||
      args[2].second != args[2].first + 1 || t_[args[2].first].kind != K::String)
    throw SqlError(50000, "tds_test_server: COLUMNPROPERTY takes constants, COLUMNPROPERTY(OBJECT_ID(N'…'), N'column', 'ColumnId')");
  const auto id = constant_int(args[0].first, args[0].second);
  const Table* t = id ? cat_.find_object(*id) : nullptr;
  if (!t || !iequals(t_[args[2].first].text, "ColumnId")) return std::nullopt;  // the one property served
  for (std::size_t c = 0; c < t->columns.size(); ++c)
    if (iequals(t->columns[c].name, t_[args[1].first].text)) return std::int64_t(c) + 1;
  return std::nullopt;
}

std::string Translator::from_sql() const {
  if (fn_table_) return fn_sql_ + " AS " + quote_ident(table_->sqlite_name);
  if (table_->system_view) return system_view_sql(*table_, cat_) + " AS " + quote_ident(table_->sqlite_name);
  return quote_ident(table_->sqlite_name);
}

std::string Translator::read_terms() const {
  if (sample_) return "tds_sample(rowid, " + number_literal(sample_->percent) + ", " + std::to_string(sample_->seed) + ")";
  if (info_.count_reads && table_ && !table_->view) return "tds_read(rowid)";
  return "";
}

Reads Translator::reads() const {
  if (!table_) return Reads::None;
  if (fn_table_) return Reads::Statistics;
  if (table_->system_view || table_->information_schema) return Reads::Catalog;
  return sample_ ? Reads::Sample : Reads::Table;
}

}  // namespace tds_test::translation

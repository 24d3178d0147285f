// Histograms of the server's statistics model. See statistics.hpp.
#include "statistics.hpp"

#include <cstdio>
#include <stdexcept>

#include "sql.hpp"

namespace tds_test {
namespace {

constexpr std::size_t kMaxSteps = 200;  // SQL Server's limit

struct Group {
  StoredValue value;
  std::int64_t rows = 0;
};

StoredValue stored(sqlite3_stmt* st, int i) {
  StoredValue v;
  v.type = sqlite3_column_type(st, i);
  switch (v.type) {
    case SQLITE_INTEGER: v.integer = sqlite3_column_int64(st, i); break;
    case SQLITE_FLOAT: v.real = sqlite3_column_double(st, i); break;
    case SQLITE_TEXT:
    case SQLITE_BLOB: {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(st, i));
      v.bytes.assign(p ? p : "", std::size_t(sqlite3_column_bytes(st, i)));
      break;
    }
    default: break;
  }
  return v;
}

/// The column's values grouped as SQL Server's comparison groups them, in its order (NULL first).
std::vector<Group> groups_of(sqlite3* db, const std::string& sqlite_table, const ResultColumn& column) {
  const std::string col = "\"" + column.name + "\"" + order_collation(column);
  std::string table = "\"";
  for (char c : sqlite_table) table += c == '"' ? std::string("\"\"") : std::string(1, c);
  table += "\"";
  const std::string sql = "SELECT " + col + ", count(*) FROM " + table + " GROUP BY " + col + " ORDER BY " + col;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    throw std::runtime_error("cannot compute the statistics of " + sqlite_table + ": " + sqlite3_errmsg(db));
  std::vector<Group> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) out.push_back(Group{stored(st, 0), sqlite3_column_int64(st, 1)});
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) throw std::runtime_error("cannot compute the statistics of " + sqlite_table);
  return out;
}

HistogramStep step(const Group& g, std::int64_t range_rows, std::int64_t distinct) {
  HistogramStep s;
  s.range_high_key = g.value;
  s.equal_rows = double(g.rows);
  s.range_rows = double(range_rows);
  s.distinct_range_rows = distinct;
  s.average_range_rows = distinct > 0 ? double(range_rows) / double(distinct) : 1;
  return s;
}

}  // namespace

std::string StoredValue::sql_literal() const {
  switch (type) {
    case SQLITE_INTEGER: return std::to_string(integer);
    case SQLITE_FLOAT: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", real);
      return buf;
    }
    case SQLITE_TEXT: {
      std::string out = "'";
      for (char c : bytes) out += c == '\'' ? std::string("''") : std::string(1, c);
      return out + "'";
    }
    case SQLITE_BLOB: {
      static const char* kHex = "0123456789ABCDEF";
      std::string out = "X'";
      for (unsigned char c : bytes) out += {kHex[c >> 4], kHex[c & 15]};
      return out + "'";
    }
    default: return "NULL";
  }
}

std::vector<HistogramStep> build_histogram(sqlite3* db, const std::string& sqlite_table, const ResultColumn& column) {
  std::vector<Group> groups = groups_of(db, sqlite_table, column);
  std::vector<HistogramStep> out;
  std::size_t first = 0;
  if (!groups.empty() && groups[0].value.type == SQLITE_NULL) {
    out.push_back(step(groups[0], 0, 0));  // SQL Server counts NULLs in a step of their own, first
    first = 1;
  }
  const std::size_t distinct = groups.size() - first;
  const std::size_t budget = kMaxSteps - out.size();
  if (distinct <= budget) {
    for (std::size_t i = first; i < groups.size(); ++i) out.push_back(step(groups[i], 0, 0));
    return out;
  }
  // The lowest value is the first step (as in SQL Server); the other budget-1 steps split the
  // remaining rows into parts of about equal size, the highest value closing the last.
  out.push_back(step(groups[first], 0, 0));
  std::int64_t rest = 0;
  for (std::size_t i = first + 1; i < groups.size(); ++i) rest += groups[i].rows;
  const std::size_t parts = budget - 1;
  std::int64_t cumulative = 0, range_rows = 0, range_distinct = 0;
  std::size_t made = 0;
  for (std::size_t i = first + 1; i < groups.size(); ++i) {
    cumulative += groups[i].rows;
    const bool last = i + 1 == groups.size();
    const bool due = static_cast<double>(cumulative) >= static_cast<double>(rest) * double(made + 1) / double(parts);
    // Leave at least one group for every step still to make, so exactly `parts` steps come out.
    const bool must = groups.size() - 1 - i <= parts - made - 1;
    if (last || ((due || must) && made + 1 < parts)) {
      out.push_back(step(groups[i], range_rows, range_distinct));
      ++made;
      range_rows = range_distinct = 0;
    } else {
      range_rows += groups[i].rows;
      ++range_distinct;
    }
  }
  return out;
}

}  // namespace tds_test

// The type self-test. See tds_selftest.hpp.
#include "tds_selftest.hpp"

#include <cctype>

#include "sqlserver_types.hpp"

namespace recon::tds {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<std::int64_t> number(const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(s);
}

}  // namespace

SelectColumn probe_column(const std::string& type) {
  CatalogColumn c;
  c.name = type;
  const std::size_t open = type.find('(');
  c.data_type = lower(type.substr(0, open));
  while (!c.data_type.empty() && c.data_type.back() == ' ') c.data_type.pop_back();
  if (open != std::string::npos) {
    const std::string args = lower(type.substr(open + 1, type.rfind(')') - open - 1));
    const std::size_t comma = args.find(',');
    const std::string first = args.substr(0, comma);
    const std::string t = c.data_type;
    if (t == "decimal" || t == "numeric") {
      c.numeric_precision = number(first);
      c.numeric_scale = comma == std::string::npos ? std::optional<std::int64_t>(0) : number(args.substr(comma + 1));
    } else if (t == "time" || t == "datetime2" || t == "datetimeoffset") {
      c.datetime_precision = number(first);
    } else {
      c.char_max_length = first == "max" ? std::optional<std::int64_t>(-1) : number(first);
    }
  }
  const ColumnInfo info = classify_column(c);
  if (!info.type_class)
    throw InputError("the self-test type " + type + " is not a SQL Server type recon reads");
  SelectColumn s;
  s.native = info;
  s.compare_as = *info.type_class;
  s.single_float = info.single_float;
  s.trim_padding = info.padded_char;
  return s;
}

std::vector<std::string> read_literals(Reader& r, const std::vector<LiteralProbe>& probes) {
  RangeQuery q;
  q.table = TableRef{"", "self-test literals"};
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < probes.size(); ++i) {
    q.values.push_back(probe_column(probes[i].type));
    sql += (i ? ", " : "") + probes[i].expression;
  }
  RowBatch batch;
  r.read_rows(sql, q, true, "reading the " + r.side() + " self-test literals", batch, nullptr, nullptr);
  if (batch.size() != 1)
    throw ConnectorError(r.session().side(), "the self-test SELECT returned " + std::to_string(batch.size()) +
                                                 " rows, expected 1", false);
  return canon::split_values(batch.values(0));
}

}  // namespace recon::tds

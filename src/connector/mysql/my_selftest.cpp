// The MySQL type self-test. See my_selftest.hpp.
#include "my_selftest.hpp"

#include <cctype>

#include "my_query.hpp"
#include "my_types.hpp"
#include "my_values.hpp"

namespace recon::my {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// The numbers inside the type's parentheses: "decimal(65,30)" -> {65, 30}.
std::vector<std::int64_t> type_arguments(const std::string& type) {
  std::vector<std::int64_t> out;
  const std::size_t open = type.find('(');
  if (open == std::string::npos) return out;
  std::int64_t n = -1;
  for (std::size_t i = open + 1; i < type.size() && type[i] != ')'; ++i) {
    if (std::isdigit(static_cast<unsigned char>(type[i]))) {
      n = (n < 0 ? 0 : n * 10) + (type[i] - '0');
    } else if (type[i] == ',') {
      out.push_back(n);
      n = -1;
    }
  }
  if (n >= 0) out.push_back(n);
  return out;
}

std::string column_name(std::size_t index) { return "recon_probe_" + std::to_string(index + 1); }

}  // namespace

SelectColumn probe_column(const LiteralProbe& probe, std::size_t index) {
  CatalogColumn cc;
  cc.name = column_name(index);
  cc.column_type = lower(probe.type);
  cc.data_type = cc.column_type.substr(0, cc.column_type.find_first_of("( "));
  const std::vector<std::int64_t> args = type_arguments(cc.column_type);
  if (cc.data_type == "datetime" || cc.data_type == "timestamp" || cc.data_type == "time") {
    cc.datetime_precision = args.empty() ? 0 : args[0];
  } else if (!args.empty()) {
    cc.numeric_precision = args[0];
    if (args.size() > 1) cc.numeric_scale = args[1];
  }
  SelectColumn col;
  col.native = classify_column(cc);
  col.compare_as = col.native.type_class.value_or(TypeClass::Text);
  col.single_float = col.native.single_float;
  col.trim_padding = col.native.padded_char;
  return col;
}

std::string literals_select(const std::vector<LiteralProbe>& probes) {
  std::string out = "SELECT ";
  for (std::size_t i = 0; i < probes.size(); ++i) {
    // read_expr spells the column as a range read selects it; the probe's expression takes the
    // column's place, so a float is read as (x + 0e0) and a bit as LPAD(BIN(x), n, '0').
    std::string expr = read_expr(probe_column(probes[i], i));
    const std::string name = quote_ident(Dialect::Mysql, column_name(i));
    expr.replace(expr.find(name), name.size(), "(" + probes[i].expression + ")");
    out += (i ? ", " : "") + expr;
  }
  return out;
}

std::vector<std::string> read_literals(Connection& c, const std::vector<LiteralProbe>& probes) {
  if (probes.empty()) return {};  // "SELECT" of nothing is not a statement
  std::vector<SelectColumn> columns;
  for (std::size_t i = 0; i < probes.size(); ++i) columns.push_back(probe_column(probes[i], i));
  std::vector<std::string> out;
  c.stream(literals_select(probes), "reading the self-test literals", [&](const RowView& row) {
    for (unsigned i = 0; i < row.count && i < columns.size(); ++i) {
      std::string value;
      append_value(value, columns[i], row, i);
      out.push_back(std::move(value));
    }
  });
  return out;
}

}  // namespace recon::my

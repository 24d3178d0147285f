// The type self-test of `recon doctor` on PostgreSQL: literals read through the range reads' own
// binary COPY decoding (docs/canonical-values.md, "Self-test: postgres").
#include "pg_query.hpp"
#include "postgres_connector.hpp"

namespace recon::pg {

std::vector<std::string> PostgresConnector::read_literals(const std::vector<LiteralProbe>& probes) {
  if (probes.empty()) return {};
  std::string select = "SELECT ";
  for (std::size_t i = 0; i < probes.size(); ++i)
    select += (i ? ", (" : "(") + probes[i].expression + ") AS c" + std::to_string(i + 1);
  // The server types each literal (describe, never run); each is then read as a column of that
  // type compared in its own class, as against another PostgreSQL column of the same type.
  TableRef query;
  query.name = "the type self-test";
  query.query = select;
  TableInfo info;
  try {
    info = describe_query(query);
  } catch (const InputError& e) {
    throw ConnectorError(side_, std::string("the type self-test's SELECT is refused: ") + e.what(), false);
  }
  RangeQuery q;
  q.table = query;
  for (const ColumnInfo& col : info.columns) {
    SelectColumn s;
    s.native = col;
    s.compare_as = col.type_class.value_or(TypeClass::Text);  // unsupported: its bytes arrive as invalid
    s.single_float = col.single_float;
    s.trim_padding = col.padded_char;
    q.values.push_back(std::move(s));
  }
  CopyDecoder decoder = make_copy_decoder(q, /*with_values=*/true);
  RowBatch batch;
  copy_into(copy_binary(select), decoder, batch, "reading the type self-test's literals");
  if (batch.size() != 1)
    throw ConnectorError(side_, "the type self-test's SELECT returned " + std::to_string(batch.size()) + " rows", false);
  return canon::split_values(batch.values(0));
}

}  // namespace recon::pg

#include "recon/engine/table_query.hpp"

namespace recon {

RangeQuery table_query(const TableContext& ctx, Side side) {
  const bool source = side == Side::Source;
  const TableJob& job = *ctx.job;
  RangeQuery q;
  q.table = source ? job.source : job.target;
  q.keys = source ? ctx.select_keys_source : ctx.select_keys_target;
  q.values = source ? ctx.select_values_source : ctx.select_values_target;
  q.where = source ? job.source_where : job.target_where;
  q.raw_values = ctx.compare_wire_bytes;
  return q;
}

RangeQuery key_fetch_query(const TableContext& ctx, Side side) {
  RangeQuery q = table_query(ctx, side);
  q.raw_values = false;
  if (const auto& at = side == Side::Source ? ctx.updated_at_source : ctx.updated_at_target) q.values.push_back(*at);
  return q;
}

}  // namespace recon

// One table of a doctor run: both sides described as a run describes them, paired by
// resolve_table, then each side's table_facts evaluated (docs/doctor.md).
#include <fmt/format.h>

#include "doctor_internal.hpp"
#include "recon/engine/columns.hpp"
#include "recon/engine/prepare.hpp"

namespace recon::doctor {

namespace {

constexpr Side kSides[] = {Side::Source, Side::Target};

const TableRef& ref_of(const TableJob& job, Side side) { return side == Side::Source ? job.source : job.target; }

/// One side's description, or the error a run would report for it.
struct Described {
  std::optional<TableInfo> info;
  std::string error;
};

Described describe_side(Connector& c, const TableRef& ref, const TableInfo* other) {
  Described d;
  try {
    d.info = other ? c.describe_from(ref, *other) : c.describe(ref);
  } catch (const InputError& e) {
    d.error = redact_secrets(e.what());
  } catch (const ConnectorError& e) {
    d.error = redact_secrets(e.what());
  }
  return d;
}

/// Both sides described the way a run does (engine/prepare.cpp): a side whose files carry no
/// types is described second, from the other's description.
std::map<Side, Described> describe_both(const TableJob& job, const SidePair& sides) {
  std::map<Side, Described> out;
  const bool source_after = sides.source && sides.source->needs_other_description(job.source);
  const Side first = source_after ? Side::Target : Side::Source;
  const Side second = source_after ? Side::Source : Side::Target;
  for (Side s : {first, second}) {
    Connector* c = sides.get(s);
    if (!c) continue;
    if (s == second && c->needs_other_description(ref_of(job, s))) {
      const auto other = out.find(first);
      if (other == out.end() || !other->second.info) {
        out[s].error = fmt::format("{} can only be described from the {} side's table, which could not be read",
                                   ref_of(job, s).display(), side_name(first));
        continue;
      }
      out[s] = describe_side(*c, ref_of(job, s), &*other->second.info);
    } else {
      out[s] = describe_side(*c, ref_of(job, s), nullptr);
    }
  }
  return out;
}

std::vector<ColumnPair> pairs_of(const TableContext& ctx) {
  std::vector<ColumnPair> out;
  for (std::size_t i = 0; i < ctx.select_keys_target.size(); ++i)
    out.push_back({ctx.select_keys_target[i].native.name, ctx.select_keys_source[i].native.name,
                   std::string(type_class_name(ctx.select_keys_target[i].compare_as)), true});
  for (std::size_t i = 0; i < ctx.select_values_target.size(); ++i)
    out.push_back({ctx.select_values_target[i].native.name, ctx.select_values_source[i].native.name,
                   std::string(type_class_name(ctx.select_values_target[i].compare_as)), false});
  return out;
}

/// The whole table as a run reads it first: its key and compared columns, the side's filter.
RangeQuery first_range(const TableJob& job, const TableContext& ctx, Side side) {
  RangeQuery q;
  q.table = ref_of(job, side);
  q.keys = side == Side::Source ? ctx.select_keys_source : ctx.select_keys_target;
  q.values = side == Side::Source ? ctx.select_values_source : ctx.select_values_target;
  q.where = side == Side::Source ? job.source_where : job.target_where;
  return q;
}

std::vector<std::string> key_names(const std::vector<ColumnInfo>& keys) {
  std::vector<std::string> out;
  for (const ColumnInfo& c : keys) out.push_back(c.name);
  return out;
}

/// The per-side checks once the table pairs: select, write, statistics, collation, collisions,
/// range_read, and the pair's estimate, in docs/doctor.md's order.
void check_facts(const TableJob& job, const TableContext& ctx, const std::map<Side, Described>& described,
                 const SidePair& sides, TableOutcome& out) {
  std::map<Side, TableFacts> facts;
  std::map<Side, std::string> errors;
  for (Side s : kSides) {
    try {
      facts[s] = sides.get(s)->table_facts(first_range(job, ctx, s), *described.at(s).info);
    } catch (const ConnectorError& e) {
      errors[s] = fmt::format("reading the catalog about {} failed: {}", ref_of(job, s).display(), redact_secrets(e.what()));
    }
  }
  auto each = [&](auto&& fn) {
    for (Side s : kSides) {
      if (errors.count(s)) continue;
      out.checks.push_back(fn(s, facts.at(s)));
    }
  };
  for (Side s : kSides) out.checks.push_back(table_select(s, job.name, ref_of(job, s), errors.count(s) ? errors[s] : "",
                                                          errors.count(s) ? nullptr : &facts[s]));
  each([&](Side s, const TableFacts& f) {
    out.write_rights[s] = f.write_rights;
    return table_write(s, job.name, ref_of(job, s), f);
  });
  out.checks.push_back(table_key(job, {}, key_is_unique(*described.at(Side::Source).info, key_names(ctx.source_keys)),
                                 key_is_unique(*described.at(Side::Target).info, key_names(ctx.target_keys)),
                                 key_names(ctx.target_keys)));
  for (Check& c : table_columns(job.name, pairs_of(ctx), {})) out.checks.push_back(std::move(c));
  each([&](Side s, const TableFacts& f) {
    return table_statistics(s, job.name, ref_of(job, s), f, sides.get(s)->dialect());
  });
  if (errors.empty()) out.checks.push_back(table_estimate(job.name, facts[Side::Source], facts[Side::Target]));
  each([&](Side s, const TableFacts& f) { return table_collation(s, job.name, f); });
  each([&](Side s, const TableFacts& f) { return table_collisions(s, job.name, f, *ctx.privacy); });
  each([&](Side s, const TableFacts& f) {
    return table_range_read(s, job.name, ref_of(job, s), f, sides.get(s)->dialect(),
                            key_names(s == Side::Source ? ctx.source_keys : ctx.target_keys));
  });
}

}  // namespace

TableOutcome check_table(const RunOptions& opts, const TableJob& job, const SidePair& sides) {
  TableOutcome out;
  if (job.aggregate) {
    out.checks.push_back(skipped("table.select", std::nullopt, job.name,
                                 "an [[aggregates]] entry: doctor checks the [[tables]] entries"));
    return out;
  }
  const std::map<Side, Described> described = describe_both(job, sides);
  bool both = true;
  std::vector<Check> selects;  // used only when a side failed: otherwise check_facts says it with the facts
  for (Side s : kSides) {
    const auto it = described.find(s);
    if (it == described.end()) {
      selects.push_back(skipped("table.select", s, job.name, fmt::format("the {} side is not connected", side_name(s))));
      both = false;
    } else {
      selects.push_back(table_select(s, job.name, ref_of(job, s), it->second.info ? "" : it->second.error, nullptr));
      both = both && it->second.info.has_value();
    }
  }
  if (!both) {
    for (Check& c : selects) out.checks.push_back(std::move(c));
    out.checks.push_back(skipped("table.columns", std::nullopt, job.name, "not checked: a side's table could not be described"));
    return out;
  }
  std::vector<std::string> errors;
  TableContext ctx = resolve_table(job, *described.at(Side::Source).info, *described.at(Side::Target).info, opts, errors);
  if (errors.empty()) attach_privacy(opts, *described.at(Side::Target).info, ctx, errors);
  if (errors.empty()) {
    check_facts(job, ctx, described, sides, out);
    return out;
  }
  std::vector<std::string> key_errors, column_errors;
  for (const std::string& e : errors) (is_key_error(e) ? key_errors : column_errors).push_back(e);
  for (Side s : kSides) out.checks.push_back(table_select(s, job.name, ref_of(job, s), "", nullptr));
  if (!key_errors.empty()) out.checks.push_back(table_key(job, key_errors, false, false, job.key));
  if (!column_errors.empty())
    for (Check& c : table_columns(job.name, {}, column_errors)) out.checks.push_back(std::move(c));
  out.checks.push_back(skipped("table.range_read", std::nullopt, job.name,
                               "not checked: a run refuses this table (table.key / table.columns)"));
  return out;
}

}  // namespace recon::doctor

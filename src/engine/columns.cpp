#include "recon/engine/columns.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace recon {
namespace {

bool iequal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string column_list(const TableInfo& t) {
  std::vector<std::string> names;
  for (const auto& c : t.columns) names.push_back(c.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

/// Finds the source column paired with target column `tname`: column_map, then exact, then a
/// unique case-insensitive match (SQL Server's ID_Simulacao against PostgreSQL's id_simulacao).
const ColumnInfo* source_for(const TableJob& job, const TableInfo& src, const std::string& tname) {
  for (const auto& [s, t] : job.column_map)
    if (t == tname) return src.find(s);
  if (const ColumnInfo* c = src.find(tname)) return c;
  const ColumnInfo* found = nullptr;
  for (const auto& c : src.columns) {
    if (!iequal(c.name, tname)) continue;
    if (found) return nullptr;  // ambiguous: the job must say which with column_map
    found = &c;
  }
  return found;
}

bool is_unique(const TableInfo& t, const std::vector<std::string>& cols) {
  const std::set<std::string> want(cols.begin(), cols.end());
  return std::any_of(t.unique_keys.begin(), t.unique_keys.end(), [&](const std::vector<std::string>& k) {
    return std::set<std::string>(k.begin(), k.end()) == want;
  });
}

SelectColumn select(const ColumnInfo& mine, const ColumnInfo& other, TypeClass cls, const TableJob& job) {
  SelectColumn s;
  s.native = mine;
  s.compare_as = cls;
  s.single_float = mine.single_float || other.single_float;
  // PostgreSQL's own char(n) -> text cast drops trailing spaces, so padding never counts when
  // either side is char(n).
  s.trim_padding = cls == TypeClass::Text && (mine.padded_char || other.padded_char);
  s.time_rounding = job.time_rounding;
  return s;
}

/// A compared value's SelectColumn: as select(), and a timestamp paired with a column of 1/300 s
/// ticks reads a tick's exact value as the millisecond the other side shows (values only: a key
/// must select the same rows on both sides, so it is compared as stored).
SelectColumn select_value(const ColumnInfo& mine, const ColumnInfo& other, TypeClass cls, const TableJob& job) {
  SelectColumn s = select(mine, other, cls, job);
  if (cls == TypeClass::Timestamp && other.datetime_ticks && !mine.datetime_ticks)
    s.tick_digits = mine.precision >= 0 ? mine.precision : 6;
  return s;
}

}  // namespace

std::optional<TypeClass> compare_class(const ColumnInfo& s, const ColumnInfo& t, bool as_json) {
  if (!s.type_class || !t.type_class) return std::nullopt;
  const TypeClass sc = *s.type_class, tc = *t.type_class;
  auto textual = [](const ColumnInfo& c) {
    return c.dynamic || c.type_class == TypeClass::Text || c.type_class == TypeClass::Json;
  };
  if (as_json) return textual(s) && textual(t) ? std::optional(TypeClass::Json) : std::nullopt;
  if (t.dynamic && !s.dynamic) return sc;
  if (s.dynamic) return tc;
  if (sc == tc) return tc;
  auto is = [&](TypeClass a, TypeClass b) { return (sc == a && tc == b) || (sc == b && tc == a); };
  if (is(TypeClass::Integer, TypeClass::Decimal)) return TypeClass::Decimal;
  if (is(TypeClass::Integer, TypeClass::Float) || is(TypeClass::Decimal, TypeClass::Float)) return TypeClass::Float;
  if (is(TypeClass::Text, TypeClass::Uuid)) return TypeClass::Uuid;
  if (is(TypeClass::Text, TypeClass::Json)) return tc;
  return std::nullopt;
}

namespace {

/// The column a CDC table's update time is read from: a date, timestamp or timestamptz (a SQLite
/// column is read as a timestamp).
template <typename Err>
std::optional<SelectColumn> update_time_column(const TableInfo& info, const std::string& name, const char* side, Err& err) {
  if (name.empty()) return std::nullopt;
  const ColumnInfo* c = info.find(name);
  if (!c) {
    err(fmt::format("updated_at column '{}' is not in {} table {} (columns: {})", name, side, info.ref.display(), column_list(info)));
    return std::nullopt;
  }
  SelectColumn sel;
  sel.native = *c;
  if (c->dynamic) {
    sel.compare_as = TypeClass::Timestamp;
  } else if (c->type_class == TypeClass::Timestamp || c->type_class == TypeClass::TimestampTz ||
             c->type_class == TypeClass::Date) {
    sel.compare_as = *c->type_class;
  } else {
    err(fmt::format("updated_at column '{}' of {} table {} has type {}; it must be a date, timestamp or timestamptz", name, side,
                    info.ref.display(), c->type_name));
    return std::nullopt;
  }
  return sel;
}

}  // namespace

TableContext resolve_table(const TableJob& job, const TableInfo& src, const TableInfo& tgt, const RunOptions& opts,
                           std::vector<std::string>& errors) {
  TableContext ctx;
  ctx.job = &job;
  ctx.name = job.name;
  ctx.chunk_rows = job.chunk_rows.value_or(opts.chunk_rows);
  ctx.slo = job.slo.value_or(opts.slo);
  const std::string where = fmt::format("table {} (job line {})", job.name, job.line);
  auto err = [&](std::string msg) { errors.push_back(where + ": " + std::move(msg)); };

  for (const auto& [s, t] : job.column_map) {
    if (!src.find(s)) err(fmt::format("column_map names source column '{}', which {} does not have (columns: {})", s, src.ref.display(), column_list(src)));
    if (!tgt.find(t)) err(fmt::format("column_map maps '{}' to target column '{}', which {} does not have (columns: {})", s, t, tgt.ref.display(), column_list(tgt)));
  }
  for (const auto* list : {&job.ignore_columns, &job.json_columns, &job.columns})
    for (const auto& c : *list)
      if (!tgt.find(c))
        err(fmt::format("column '{}' is not in target table {} (columns: {}){}", c, tgt.ref.display(), column_list(tgt),
                        job.aggregate && c == "row_count"
                            ? "; an aggregate query must select count(*) AS row_count, or the entry set row_count = false"
                            : ""));

  std::vector<std::string> key = job.key;
  if (key.empty()) {
    if (tgt.unique_keys.empty()) {
      err(fmt::format("no key given and target table {} has no primary key; set key = [\"…\"] in the [[tables]] entry", tgt.ref.display()));
      return ctx;
    }
    key = tgt.unique_keys.front();
  }
  auto pair_of = [&](const std::string& tname, const char* role) -> std::pair<const ColumnInfo*, const ColumnInfo*> {
    const ColumnInfo* t = tgt.find(tname);
    if (!t) {
      err(fmt::format("{} column '{}' is not in target table {} (columns: {})", role, tname, tgt.ref.display(), column_list(tgt)));
      return {nullptr, nullptr};
    }
    const ColumnInfo* s = source_for(job, src, tname);
    if (!s) {
      err(fmt::format("{} column '{}' has no counterpart in source table {} (columns: {}); map it with [tables.column_map] SourceName = \"{}\"",
                      role, tname, src.ref.display(), column_list(src), tname));
      return {nullptr, nullptr};
    }
    return {s, t};
  };
  auto add_pair = [&](const ColumnInfo& s, const ColumnInfo& t, bool is_key) {
    const bool as_json = std::find(job.json_columns.begin(), job.json_columns.end(), t.name) != job.json_columns.end();
    if (!s.type_class || !t.type_class) {
      const ColumnInfo& bad = !s.type_class ? s : t;
      const TableInfo& table = !s.type_class ? src : tgt;
      if (!bad.compare_through.empty())
        err(fmt::format("column '{}' of {} table {} has type {}, which recon cannot compare; compare it through a view that "
                        "selects {} in its place, or list it in ignore_columns to skip it knowingly",
                        bad.name, !s.type_class ? "source" : "target", table.ref.display(), bad.type_name, bad.compare_through));
      else
        err(fmt::format("column '{}' has type {} on the {} side, which recon cannot compare yet; list it in ignore_columns to skip it knowingly",
                        bad.name, bad.type_name, !s.type_class ? "source" : "target"));
      return;
    }
    if (is_key && (!s.keyable || !t.keyable)) {
      const ColumnInfo& bad = !s.keyable ? s : t;
      err(fmt::format("key column '{}' has type {} on the {} side, which its engine cannot order or compare for equality; "
                      "choose another key column (the [[tables]] key setting)",
                      bad.name, bad.type_name, !s.keyable ? "source" : "target"));
      return;
    }
    const auto cls = compare_class(s, t, as_json);
    if (!cls) {
      err(fmt::format("column '{}': source type {} and target type {} cannot be compared{}", t.name, s.type_name, t.type_name,
                      as_json ? " as JSON (json_columns needs text or json on both sides)" : "; fix the mapping or list it in ignore_columns"));
      return;
    }
    if (is_key) {
      ctx.source_keys.push_back(s);
      ctx.target_keys.push_back(t);
      ctx.select_keys_source.push_back(select(s, t, *cls, job));
      ctx.select_keys_target.push_back(select(t, s, *cls, job));
    } else {
      ctx.source_values.push_back(s);
      ctx.target_values.push_back(t);
      ctx.select_values_source.push_back(select_value(s, t, *cls, job));
      ctx.select_values_target.push_back(select_value(t, s, *cls, job));
    }
  };

  std::vector<std::string> source_key;
  const std::size_t errors_before_key = errors.size();
  for (const auto& k : key) {
    auto [s, t] = pair_of(k, "key");
    if (!s) continue;
    source_key.push_back(s->name);
    add_pair(*s, *t, true);
  }
  if (errors.size() == errors_before_key && !job.trust_key) {
    if (!is_unique(tgt, key))
      err(fmt::format("key ({}) is not the primary key or a unique index of target table {}; use its primary key, or set trust_key = true if the data is unique",
                      fmt::join(key, ", "), tgt.ref.display()));
    if (!is_unique(src, source_key))
      err(fmt::format("key ({}) is not the primary key or a unique index of source table {}; use its primary key, or set trust_key = true if the data is unique",
                      fmt::join(source_key, ", "), src.ref.display()));
  }

  auto skipped = [&](const std::string& c) {
    return std::find(key.begin(), key.end(), c) != key.end() ||
           std::find(job.ignore_columns.begin(), job.ignore_columns.end(), c) != job.ignore_columns.end();
  };
  std::vector<std::string> wanted = job.columns;
  if (wanted.empty()) {
    std::set<std::string> paired_sources;
    for (const auto& t : tgt.columns) {
      const ColumnInfo* s = source_for(job, src, t.name);
      if (s) paired_sources.insert(s->name);
      if (skipped(t.name)) continue;
      if (s) wanted.push_back(t.name);
      else ctx.notes.push_back(fmt::format("{}: target column '{}' has no source counterpart and is not compared", job.name, t.name));
    }
    for (const auto& s : src.columns)
      if (!paired_sources.count(s.name))
        ctx.notes.push_back(fmt::format("{}: source column '{}' has no target counterpart and is not compared", job.name, s.name));
  }
  for (const auto& c : wanted) {
    if (skipped(c) || !tgt.find(c)) continue;  // unknown names were reported above, once
    auto [s, t] = pair_of(c, "compared");
    if (s) add_pair(*s, *t, false);
  }
  ctx.updated_at_source = update_time_column(src, job.updated_at_source, "source", err);
  ctx.updated_at_target = update_time_column(tgt, job.updated_at_target, "target", err);
  return ctx;
}

bool same_wire_values(const TableContext& ctx, const Connector& source, const Connector& target) {
  const std::string wire = source.wire_format();
  if (wire.empty() || wire != target.wire_format()) return false;
  for (std::size_t i = 0; i < ctx.select_values_source.size(); ++i) {
    const SelectColumn& s = ctx.select_values_source[i];
    const SelectColumn& t = ctx.select_values_target[i];
    if (s.native.type_oid == 0 || s.native.type_oid != t.native.type_oid || s.compare_as != t.compare_as ||
        s.single_float != t.single_float || s.trim_padding != t.trim_padding || s.time_rounding != t.time_rounding ||
        s.tick_digits != t.tick_digits)
      return false;
  }
  return true;
}

}  // namespace recon

#include "recon/engine/lookup.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "recon/core/utc_time.hpp"
#include "recon/engine/compare.hpp"
#include "recon/engine/recheck.hpp"
#include "recon/engine/table_query.hpp"
#include "recon/engine/triage.hpp"

namespace recon {

namespace {

std::string key_columns(const TableContext& ctx) {
  std::string names;
  for (const auto& k : ctx.target_keys) names += (names.empty() ? "" : ", ") + k.name;
  return names;
}

/// One side's row of the key: its compared values and its update time (encoded, may be empty).
struct SideRow {
  std::string values, update_time;
};

std::optional<SideRow> fetch_one(Connector& c, const TableContext& ctx, Side side, const std::string& key) {
  RowBatch batch;
  c.fetch_keys(key_fetch_query(ctx, side), {key}, batch);
  if (batch.empty()) return std::nullopt;
  const std::string_view all = batch.values(0);
  std::size_t pos = 0;
  const std::size_t compared = (side == Side::Source ? ctx.select_values_source : ctx.select_values_target).size();
  for (std::size_t i = 0; i < compared; ++i) canon::read_value(all, pos);
  return SideRow{std::string(all.substr(0, pos)), std::string(all.substr(pos))};
}

/// Display text and age of one side's update time; in flight when within the table's lag.
void read_update_time(const TableContext& ctx, const SideRow& row, std::string& text, std::optional<double>& age_s,
                      bool& in_flight) {
  if (row.update_time.empty()) return;
  std::size_t pos = 0;
  text = canon::to_display(canon::read_value(row.update_time, pos));
  const double now = now_epoch();
  const auto at = update_time_us(row.update_time, *ctx.job, local_utc_offset_us(now));
  if (!at) return;
  const double now_us = now * 1e6;
  age_s = (now_us - static_cast<double>(*at)) / 1e6;
  if (ctx.job->lag_us && static_cast<double>(*at) >= now_us - static_cast<double>(*ctx.job->lag_us)) in_flight = true;
}

}  // namespace

std::string parse_key(const TableContext& ctx, const std::string& text) {
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    parsed = text;  // a bare value: SP, 2026-11-23, a uuid
  }
  if (!parsed.is_array()) parsed = nlohmann::json::array({parsed});
  if (parsed.size() != ctx.select_keys_target.size())
    throw InputError(fmt::format("table {}: key {} has {} value(s) but the key is ({}); write it as a JSON array, e.g. --key '[42]'",
                                 ctx.name, text, parsed.size(), key_columns(ctx)));
  std::string key;
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const auto& v = parsed[i];
    if (v.is_null())
      throw InputError(fmt::format("table {}: key column {} cannot be null", ctx.name, ctx.target_keys[i].name));
    const std::string value = v.is_string() ? v.get<std::string>() : v.dump();
    const std::size_t before = key.size();
    canon::put_from_text(key, ctx.select_keys_target[i].compare_as, value);
    std::size_t pos = before;
    if (canon::read_value(key, pos).tag == TypeClass::Invalid)
      throw InputError(fmt::format("table {}: '{}' is not a valid {} value for key column {}", ctx.name, value,
                                   type_class_name(ctx.select_keys_target[i].compare_as), ctx.target_keys[i].name));
  }
  return key;
}

KeyLookup lookup_key(const RunOptions& opts, const TableContext& ctx, ConnectionPool& pool, const std::string& key) {
  const auto fetch = [&](Side side) {
    return retry_on_lost_connection(opts, pool, 0, [&] { return fetch_one(pool.get(0, side), ctx, side, key); });
  };
  const auto s = fetch(Side::Source);
  const auto t = fetch(Side::Target);
  KeyLookup out;
  out.source_present = s.has_value();
  out.target_present = t.has_value();
  Divergence& d = out.divergence;
  d.key = key;
  d.category = !t ? Category::MissingInTarget : !s ? Category::MissingInSource : Category::Changed;
  bool recent = false;
  if (s) {
    d.source_values = s->values;
    d.source_digest = row_digest(d.source_values);
    read_update_time(ctx, *s, out.source_updated_at, out.source_age_s, recent);
  }
  if (t) {
    d.target_values = t->values;
    d.target_digest = row_digest(d.target_values);
    read_update_time(ctx, *t, out.target_updated_at, out.target_age_s, recent);
  }
  out.equal = s && t && s->values == t->values;
  if (s && t) d.columns = differing_columns(d.source_values, d.target_values);
  if (!out.equal && (s || t)) {
    apply_rules(ctx, d);
    // As a run decides: a recent row is in flight unless a rule tolerates it.
    if (recent && d.finding.status != Status::Tolerated) {
      d.finding.status = Status::InFlight;
      out.in_flight = true;
    }
  }
  return out;
}

}  // namespace recon

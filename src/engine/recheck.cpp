#include "recon/engine/recheck.hpp"

#include <chrono>
#include <cmath>
#include <ctime>
#include <future>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "recon/core/canonical.hpp"
#include "recon/core/interrupt.hpp"
#include "recon/core/utc_time.hpp"
#include "recon/engine/compare.hpp"
#include "recon/engine/table_query.hpp"

namespace recon {

namespace {

/// One side's rows of the open keys, by key: compared values, then the update time (if read).
struct SideRows {
  RowBatch batch;
  std::unordered_map<std::string_view, std::size_t> by_key;
  std::size_t compared = 0;  ///< number of compared columns at the front of each row's values

  /// {compared values, update time encoding}; nullopt when the key is absent on this side.
  std::optional<std::pair<std::string_view, std::string_view>> find(std::string_view key) const {
    auto it = by_key.find(key);
    if (it == by_key.end()) return std::nullopt;
    const std::string_view values = batch.values(it->second);
    std::size_t pos = 0;
    for (std::size_t c = 0; c < compared; ++c) canon::read_value(values, pos);
    return std::pair{values.substr(0, pos), values.substr(pos)};
  }
};

/// Fetches `keys` from one side on `worker`, reopening a poisoned connection up to opts.retries
/// times.
void fetch_side(const RunOptions& opts, ConnectionPool& pool, std::size_t worker, Side side, const RangeQuery& q,
                const std::vector<std::string>& keys, SideRows& rows) {
  retry_on_lost_connection(opts, pool, worker, [&] {
    rows.batch.clear();
    pool.get(worker, side).fetch_keys(q, keys, rows.batch);
  });
  rows.by_key.clear();
  for (std::size_t i = 0; i < rows.batch.size(); ++i) rows.by_key.emplace(rows.batch.key(i), i);
}

std::string seconds_text(double s) { return s < 10 ? fmt::format("{:.1f} s", s) : fmt::format("{:.0f} s", s); }

/// What one look found for one key.
struct Look {
  bool equal = false;   ///< present on both sides with equal values, or gone from both
  bool moved = false;   ///< either side differs from the previous look
  bool in_flight = false;
  Divergence now;       ///< the divergence as it stands (when !equal), rules applied
};

Look look_at(const TableContext& ctx, const Divergence& before, const SideRows& src, const SideRows& tgt,
             std::int64_t now_us, std::int64_t local_offset_us) {
  Look look;
  const auto s = src.find(before.key), t = tgt.find(before.key);
  const bool had_source = before.category != Category::MissingInSource;
  const bool had_target = before.category != Category::MissingInTarget;
  look.moved = s.has_value() != had_source || t.has_value() != had_target ||
               (s && s->first != before.source_values) || (t && t->first != before.target_values);
  if ((!s && !t) || (s && t && s->first == t->first)) {
    look.equal = true;
    return look;
  }
  const TableJob& job = *ctx.job;
  if (job.lag_us) {
    const std::int64_t since = now_us - *job.lag_us;
    for (const auto& side : {s, t})
      if (side)
        if (auto at = update_time_us(side->second, job, local_offset_us); at && *at >= since) look.in_flight = true;
  }
  Divergence& d = look.now;
  d.key = before.key;
  d.category = !t ? Category::MissingInTarget : !s ? Category::MissingInSource : Category::Changed;
  if (s) {
    d.source_values.assign(s->first);
    d.source_digest = row_digest(d.source_values);
  }
  if (t) {
    d.target_values.assign(t->first);
    d.target_digest = row_digest(d.target_values);
  }
  if (s && t) d.columns = differing_columns(d.source_values, d.target_values);
  apply_rules(ctx, d);
  return look;
}

}  // namespace

std::optional<std::int64_t> update_time_us(std::string_view encoded, const TableJob& job, std::int64_t local_offset_us) {
  if (encoded.empty()) return std::nullopt;
  std::size_t pos = 0;
  const canon::ValueView v = canon::read_value(encoded, pos);
  const std::int64_t offset = job.updated_at_local ? local_offset_us : job.updated_at_offset_min * 60 * kMicrosPerSecond;
  switch (v.tag) {
    case TypeClass::TimestampTz: return v.as_int64();
    case TypeClass::Timestamp: return v.as_int64() - offset;
    case TypeClass::Date: return static_cast<std::int64_t>(v.as_int32()) * kMicrosPerDay - offset;
    default: return std::nullopt;
  }
}

RecheckSettings recheck_settings_for(const RunOptions& opts, const TableJob& table) {
  RecheckSettings s;
  s.attempts = recheck_enabled(opts, table) ? opts.recheck.attempts : 0;
  s.delay_us = opts.recheck.delay_us;
  s.backoff = opts.recheck.backoff;
  s.in_flight_look = table.lag_us.has_value();
  return s;
}

RecheckReport recheck_divergences(const RunOptions& opts, const TableContext& ctx, ConnectionPool& pool,
                                  std::vector<HeldDivergence>& held, const RecheckSettings& settings) {
  RecheckReport report;
  const auto clock = settings.clock ? settings.clock : std::function<double()>(now_epoch);
  // A stop request (SIGINT/SIGTERM) cuts the wait short; the look after it is not taken.
  const auto sleep = settings.sleep ? settings.sleep : std::function<void(std::int64_t)>([](std::int64_t us) {
    sleep_unless_interrupted(std::chrono::microseconds(us));
  });
  const TableJob& job = *ctx.job;
  const RangeQuery qs = key_fetch_query(ctx, Side::Source);
  const RangeQuery qt = key_fetch_query(ctx, Side::Target);

  std::vector<bool> decided(held.size(), false);
  std::vector<bool> in_flight(held.size(), false);
  SideRows src, tgt;
  src.compared = ctx.select_values_source.size();
  tgt.compared = ctx.select_values_target.size();
  double delay_us = static_cast<double>(settings.delay_us);
  const int looks = settings.attempts + (settings.in_flight_look ? 1 : 0);
  int delayed_looks = 0;
  for (int look_no = 0; look_no < looks; ++look_no) {
    const bool delayed = !(settings.in_flight_look && look_no == 0);
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < held.size(); ++i)
      if (!decided[i]) keys.push_back(held[i].divergence.key);
    if (keys.empty()) break;
    if (delayed) {
      sleep(static_cast<std::int64_t>(delay_us));
      delay_us *= settings.backoff;
      ++delayed_looks;
    }
    if (interrupt_requested()) {
      report.error = "interrupted: the rest stays as last seen";
      break;
    }
    try {
      auto target = std::async(both_sides_launch(pool),
                               [&] { fetch_side(opts, pool, target_worker(pool), Side::Target, qt, keys, tgt); });
      fetch_side(opts, pool, 0, Side::Source, qs, keys, src);
      target.get();
    } catch (const std::exception& e) {
      report.error = redact_secrets(e.what());
      break;
    }
    ++report.looks;
    const double now = clock();
    const auto now_us = static_cast<std::int64_t>(std::llround(now * 1e6));
    const std::int64_t local_offset = local_utc_offset_us(now);
    for (std::size_t i = 0; i < held.size(); ++i) {
      if (decided[i]) continue;
      HeldDivergence& h = held[i];
      Look look = look_at(ctx, h.divergence, src, tgt, now_us, local_offset);
      const int attempts = h.divergence.finding.recheck_attempts + 1;
      if (look.equal) {
        Finding& f = h.divergence.finding;
        f.status = Status::Converged;
        f.recheck_attempts = attempts;
        f.converged_after_s = std::max(0.0, now - h.first_seen_epoch);
        f.explanation = fmt::format("converged after {} (look {}){}", seconds_text(f.converged_after_s), attempts,
                                    f.explanation.empty() ? "" : "; was: " + f.explanation);
        decided[i] = true;
        continue;
      }
      if (delayed && look.moved) ++h.changes;
      look.now.finding.recheck_attempts = attempts;
      h.divergence = std::move(look.now);
      in_flight[i] = look.in_flight;
      if (h.divergence.finding.status == Status::Tolerated) decided[i] = true;
    }
  }
  for (std::size_t i = 0; i < held.size(); ++i) {
    if (decided[i]) continue;
    Finding& f = held[i].divergence.finding;
    const std::string was = f.explanation.empty() ? "" : "; " + f.explanation;
    if (delayed_looks >= 2 && held[i].changes == delayed_looks) {
      f.status = Status::Suspended;
      f.explanation = fmt::format("suspended: the row changed on every one of {} rechecks{}", delayed_looks, was);
    } else if (in_flight[i]) {
      f.status = Status::InFlight;
      f.explanation = fmt::format("in flight: updated within the lag window of {}{}", seconds_text(static_cast<double>(*job.lag_us) / 1e6), was);
    }
  }
  return report;
}

}  // namespace recon

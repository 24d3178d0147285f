#pragma once
/// Rechecks: after the main pass, divergent keys are fetched again from both sides (by key), so a
/// row that CDC was still applying is recorded as converged, in flight or suspended instead of
/// divergent (docs/rules.md, "In-flight rows and rechecks").

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "recon/config/job.hpp"
#include "recon/model/result.hpp"
#include "recon/engine/triage.hpp"
#include "recon/engine/workers.hpp"

namespace recon {

struct RecheckSettings {
  /// Looks after a delay (0: none). A table with a lag window also gets a first look without delay,
  /// which decides which rows are in flight.
  int attempts = 0;
  std::int64_t delay_us = 5'000'000;  ///< before the first delayed look
  double backoff = 2.0;               ///< each next delay is this many times the previous
  bool in_flight_look = false;        ///< the table has a lag window: look once at once
  std::function<void(std::int64_t micros)> sleep;  ///< default: std::this_thread::sleep_for
  std::function<double()> clock;                   ///< epoch seconds; default: system clock
};

/// Epoch microseconds (UTC) of an update-time value as a range read or a key fetch returns it
/// (timestamptz; timestamp or date read in the table's updated_at zone, `local_offset_us` for
/// "local"), or nullopt (NULL, another class, absent).
std::optional<std::int64_t> update_time_us(std::string_view encoded, const TableJob& job, std::int64_t local_offset_us);

/// From the job and [check.recheck], for one table of a `check` run.
RecheckSettings recheck_settings_for(const RunOptions& opts, const TableJob& table);

struct RecheckReport {
  int looks = 0;          ///< fetches of the open keys done
  std::string error;      ///< password-free, when fetching failed beyond the retries
};

/// Decides every held divergence, in place (their findings and values are updated):
///  - both sides equal again (or both gone) on a look → Converged, with the seconds since first seen;
///  - a rule now tolerates the new values → Tolerated;
///  - changed on every one of ≥ 2 delayed looks → Suspended (like DMS: still moving, not failed);
///  - an updated_at on either side within the lag window on the last look → InFlight;
///  - otherwise Open, with the rules' finding for the last values seen.
/// Reads on worker 0 of `pool`, the target side on worker 1 at the same time when the pool has two.
/// Stops early when nothing is left open. A fetch that fails beyond opts.retries leaves the rest as
/// last seen and sets `error`; it never throws for connection trouble.
RecheckReport recheck_divergences(const RunOptions& opts, const TableContext& ctx, ConnectionPool& pool,
                                  std::vector<HeldDivergence>& held, const RecheckSettings& settings);

}  // namespace recon

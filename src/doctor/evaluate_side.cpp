// The checks of one side: connect, login.role, login.catalog, clock, self_test (docs/doctor.md).
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "recon/core/duration.hpp"
#include "recon/doctor/evaluate.hpp"

namespace recon::doctor {

Check make_check(const std::string& id, std::optional<Side> side, const std::string& table, Status status,
                 std::string summary, std::string fix) {
  Check c;
  c.id = id;
  c.side = side;
  c.table = table;
  c.status = status;
  c.summary = std::move(summary);
  c.fix = std::move(fix);
  return c;
}

Check skipped(const std::string& id, std::optional<Side> side, const std::string& table, const std::string& why) {
  return make_check(id, side, table, Status::Skip, why);
}

Check connect_ok(Side side, const ServerFacts& f) {
  std::string s = f.product.empty() ? std::string("connected") : f.product;
  if (!f.version.empty()) s += " " + f.version;
  if (!f.edition.empty()) s += " (" + f.edition + ")";
  if (!f.protocol.empty()) s += ", " + f.protocol;
  if (f.tls) s += *f.tls ? ", TLS on" : ", TLS off";
  if (!f.login.empty()) s += ", login " + f.login;
  if (!f.database.empty()) s += ", database " + f.database;
  Check c = make_check("connect", side, "", Status::Ok, s);
  c.detail = {{"product", f.product}, {"version", f.version}, {"edition", f.edition}, {"protocol", f.protocol},
              {"tls", f.tls ? nlohmann::ordered_json(*f.tls) : nlohmann::ordered_json()},
              {"login", f.login}, {"database", f.database}};
  return c;
}

Check connect_failed(Side side, const std::string& message) {
  Check c = make_check("connect", side, "", Status::Fail, message,
                 fmt::format("fix the [{}] url, login or network as the message says, then run recon doctor again",
                             side_name(side)));
  c.detail = {{"error", message}};
  return c;
}

Check login_role(Side side, const LoginFacts& f, const std::vector<TableWrites>& writes) {
  std::string written;
  nlohmann::ordered_json rights = nlohmann::ordered_json::object();
  for (const TableWrites& w : writes) {
    if (w.rights.empty()) continue;
    written += fmt::format("{}{} ({})", written.empty() ? "" : ", ", w.table, fmt::join(w.rights, ", "));
    rights[w.table] = w.rights;
  }
  Check c;
  if (!f.all_powerful_role.empty()) {
    c = make_check("login.role", side, "", Status::Warn,
             fmt::format("the login has the all-powerful role {}{}", f.all_powerful_role,
                         written.empty() ? "" : "; it can also write to " + written),
             "recon needs only SELECT: run it as a role with the least-privilege statements below");
  } else if (!written.empty()) {
    c = make_check("login.role", side, "", Status::Warn, "the login can write to " + written,
             "recon needs only SELECT: run it as a role with the least-privilege statements below");
  } else {
    c = make_check("login.role", side, "", Status::Ok, "no all-powerful role, no write right on a checked table");
  }
  c.detail = {{"all_powerful_role", f.all_powerful_role}, {"write_rights", rights}};
  return c;
}

Check login_catalog(Side side, const LoginFacts& f) {
  Check c = f.catalog_missing.empty()
                ? make_check("login.catalog", side, "", Status::Ok, "planning can read the statistics it uses")
                : make_check("login.catalog", side, "", Status::Warn,
                       fmt::format("planning lacks {}", fmt::join(f.catalog_missing, "; ")),
                       "grant the catalog rights named (see the least-privilege statements below)");
  c.detail = {{"catalog_missing", f.catalog_missing}};
  return c;
}

std::optional<LagWindow> smallest_lag(const std::vector<TableJob>& tables) {
  std::optional<LagWindow> out;
  for (const TableJob& t : tables)
    if (t.lag_us && (!out || *t.lag_us < out->lag_us)) out = LagWindow{*t.lag_us, t.name};
  return out;
}

Check clock_check(Side side, const ServerFacts& f, std::int64_t host_before_us, std::int64_t host_after_us,
                  const std::optional<LagWindow>& lag, std::optional<double>& skew_ms) {
  if (!f.utc_now_micros) return skipped("clock", side, "", "the engine has no clock of its own (recon's host clock is used)");
  // The server read its clock somewhere between the two host reads: the midpoint is off by at
  // most half the round trip, which is therefore taken off the skew before it is held against lag.
  const std::int64_t round_trip = std::max<std::int64_t>(0, host_after_us - host_before_us);
  const std::int64_t mid = host_before_us + round_trip / 2;
  const std::int64_t skew = *f.utc_now_micros - mid;
  skew_ms = static_cast<double>(skew) / 1000.0;
  const std::int64_t beyond = std::llabs(skew) - round_trip / 2;
  const std::string shown = fmt::format("{}{:.1f} ms (round trip {:.1f} ms)", skew >= 0 ? "+" : "", *skew_ms,
                                        static_cast<double>(round_trip) / 1000.0);
  Check c;
  if (lag && beyond > lag->lag_us) {
    c = make_check("clock", side, "", Status::Warn,
             fmt::format("the server's clock is {} off recon's host, more than table {}'s lag of {}", shown, lag->table,
                         format_duration_us(lag->lag_us)),
             fmt::format("synchronise both hosts' clocks (NTP/chrony), or raise {}'s lag above the skew", lag->table));
  } else {
    c = make_check("clock", side, "", Status::Ok,
             lag ? fmt::format("skew {}, within the smallest lag ({}, {})", shown, format_duration_us(lag->lag_us), lag->table)
                 : fmt::format("skew {}", shown));
  }
  c.detail = {{"server_utc_micros", *f.utc_now_micros}, {"skew_ms", *skew_ms},
              {"round_trip_ms", static_cast<double>(round_trip) / 1000.0},
              {"engine_round_trip_ms", static_cast<double>(f.clock_round_trip_micros) / 1000.0}};
  if (lag) {
    c.detail["lag_table"] = lag->table;
    c.detail["lag_ms"] = static_cast<double>(lag->lag_us) / 1000.0;
  }
  return c;
}

Check self_test_check(Side side, const SelfTestResult* r) {
  if (!r) return skipped("self_test", side, "", "this engine has no type self-test");
  Check c;
  if (!r->error.empty()) {
    c = make_check("self_test", side, "", Status::Fail, fmt::format("self-test {}: {}", r->name, r->error),
             "report it with this line and the engine's version");
  } else if (r->failed() > 0) {
    std::string first;
    for (const SelfTestCase& k : r->cases)
      if (!k.ok && first.empty()) first = fmt::format("{} {}: expected {}, got {}", k.type, k.literal, k.expected, k.got);
    c = make_check("self_test", side, "", Status::Fail,
             fmt::format("{} of {} literals read differently, first {}", r->failed(), r->cases.size(), first),
             "a recon bug or an engine setting that changes values: paste the self-test lines into a bug report");
  } else {
    c = make_check("self_test", side, "", Status::Ok, fmt::format("{} literals of {} read as documented", r->passed(), r->name));
  }
  c.detail = {{"name", r->name}, {"passed", r->passed()}, {"failed", r->failed()}};
  if (!r->error.empty()) c.detail["error"] = r->error;
  return c;
}

}  // namespace recon::doctor

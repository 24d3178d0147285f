// A doctor run: both sides connected and asked about themselves, every table checked, the type
// self-test read, the least-privilege statements gathered (docs/doctor.md).
#include "recon/doctor/doctor.hpp"

#include <chrono>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "doctor_internal.hpp"
#include "recon/core/utc_time.hpp"
#include "recon/doctor/self_test.hpp"

namespace recon::doctor {

namespace {

constexpr Side kSides[] = {Side::Source, Side::Target};

std::int64_t host_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const Endpoint& endpoint_of(const RunOptions& o, Side s) { return s == Side::Source ? o.source : o.target; }

/// One side's connection and the checks about the side itself, in report order.
struct SideRun {
  std::unique_ptr<Connector> connector;
  std::vector<Check> checks;  ///< connect, clock, self_test (login.* are added once tables are known)
  LoginFacts login;
  bool login_known = false;
};

/// The self-test sections of the build's docs, parsed once; a malformed table is every side's FAIL.
const std::map<std::string, std::vector<SelfTestRow>>& self_test_tables(std::string& error) {
  static std::string parse_error;
  static const auto tables = [] {
    try {
      return parse_self_tests(canonical_values_doc());
    } catch (const std::invalid_argument& e) {
      parse_error = e.what();
      return std::map<std::string, std::vector<SelfTestRow>>();
    }
  }();
  error = parse_error;
  return tables;
}

void run_self_test_on(Side side, Connector& c, Report& report, SideRun& run) {
  const std::string name = c.self_test_name();
  if (name.empty()) {
    run.checks.push_back(self_test_check(side, nullptr));
    return;
  }
  std::string parse_error;
  const auto& tables = self_test_tables(parse_error);
  SelfTestResult r;
  if (!parse_error.empty()) {
    r.name = name;
    r.error = parse_error;
  } else {
    const auto it = tables.find(name);
    r = run_self_test(c, name, it == tables.end() ? nullptr : &it->second);
  }
  run.checks.push_back(self_test_check(side, &r));
  report.self_test[side] = std::move(r);
}

/// Connects one side and asks it about itself. A failure is the side's `connect` FAIL.
SideRun open_side(const RunOptions& opts, Side side, Report& report) {
  SideRun run;
  SideReport& sr = report.sides[side];
  const Endpoint& ep = endpoint_of(opts, side);
  sr.endpoint = redact_secrets(std::string(engine_kind_name(ep.kind)) + " " + ep.url);
  try {
    run.connector = open_connector(ep, side);
    sr.endpoint = run.connector->endpoint();
    const std::int64_t before = host_now_us();
    sr.server = run.connector->server_facts();
    const std::int64_t after = host_now_us();
    sr.connected = true;
    run.checks.push_back(connect_ok(side, sr.server));
    run.checks.push_back(clock_check(side, sr.server, before, after, smallest_lag(opts.tables), sr.clock_skew_ms));
    run.login = run.connector->login_facts();
    run.login_known = true;
    run_self_test_on(side, *run.connector, report, run);
  } catch (const ConnectorError& e) {
    if (!sr.connected) {
      run.connector.reset();
      run.checks = {connect_failed(side, fmt::format("{}: {}", side_name(side), redact_secrets(e.what())))};
    } else {
      run.checks.push_back(connect_failed(side, fmt::format("{}: the connection was lost: {}", side_name(side),
                                                            redact_secrets(e.what()))));
    }
  } catch (const InputError& e) {  // a malformed url: the side cannot be reached as written
    run.connector.reset();
    run.checks = {connect_failed(side, fmt::format("{}: {}", side_name(side), redact_secrets(e.what())))};
  }
  return run;
}

void add_least_privilege(const RunOptions& opts, const Options& options, const std::map<Side, SideRun>& runs,
                         Report& report) {
  std::vector<TableRef> source, target;
  for (const TableJob& t : opts.tables) {
    if (t.aggregate) continue;
    source.push_back(t.source);
    target.push_back(t.target);
  }
  if (Connector* c = runs.at(Side::Source).connector.get())
    report.least_privilege_source = c->least_privilege_sql(source, options.role, false);
  if (Connector* c = runs.at(Side::Target).connector.get()) {
    report.least_privilege_target = c->least_privilege_sql(target, options.role, false);
    report.least_privilege_target_apply = c->least_privilege_sql(target, options.role + "_apply", true);
  }
}

}  // namespace

Report run_doctor(const RunOptions& opts, const Options& options, const std::string& job_as_given) {
  Report report;
  report.job = job_as_given;
  report.at = iso_utc_now();
  std::map<Side, SideRun> runs;
  for (Side s : kSides) runs[s] = open_side(opts, s, report);

  const SidePair pair{runs[Side::Source].connector.get(), runs[Side::Target].connector.get()};
  std::vector<Check> table_checks;
  std::map<Side, std::vector<TableWrites>> writes;
  for (const TableJob& job : opts.tables) {
    TableOutcome t = check_table(opts, job, pair);
    for (auto& [side, rights] : t.write_rights) writes[side].push_back({job.name, rights});
    for (Check& c : t.checks) table_checks.push_back(std::move(c));
  }
  for (Side s : kSides) {
    SideRun& run = runs[s];
    std::vector<Check>& cs = run.checks;
    if (run.login_known && report.sides[s].server.login.empty()) {
      // An engine without logins (a file): nothing to grant or to take away.
      const std::string why = "the engine has no logins (file permissions decide who reads it)";
      cs.insert(cs.begin() + 1, skipped("login.catalog", s, "", why));
      cs.insert(cs.begin() + 1, skipped("login.role", s, "", why));
    } else if (run.login_known) {
      // login.* right after connect, as docs/doctor.md lists them.
      cs.insert(cs.begin() + 1, login_catalog(s, run.login));
      cs.insert(cs.begin() + 1, login_role(s, run.login, writes[s]));
    }
    for (Check& c : cs) report.checks.push_back(std::move(c));
  }
  for (Check& c : table_checks) report.checks.push_back(std::move(c));
  add_least_privilege(opts, options, runs, report);
  return report;
}

}  // namespace recon::doctor

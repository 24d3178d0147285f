// The doctor report as one JSON object (docs/doctor.md, "--json").
#include "recon/doctor/render.hpp"

namespace recon::doctor {

namespace {

using json = nlohmann::ordered_json;

json side_json(const SideReport& s) {
  const ServerFacts& f = s.server;
  auto text = [&](const std::string& v) { return s.connected ? json(v) : json(); };
  return {{"endpoint", s.endpoint}, {"product", text(f.product)}, {"version", text(f.version)},
          {"edition", text(f.edition)}, {"protocol", text(f.protocol)}, {"tls", f.tls ? json(*f.tls) : json()},
          {"login", text(f.login)}, {"database", text(f.database)},
          {"clock_skew_ms", s.clock_skew_ms ? json(*s.clock_skew_ms) : json()}};
}

json check_json(const Check& c) {
  return {{"check", c.id}, {"side", c.side ? json(side_name(*c.side)) : json()},
          {"table", c.table.empty() ? json() : json(c.table)}, {"status", status_name(c.status)},
          {"summary", c.summary}, {"fix", c.fix}, {"detail", c.detail}};
}

json self_test_json(const SelfTestResult& r) {
  json cases = json::array();
  for (const SelfTestCase& c : r.cases)
    cases.push_back({{"type", c.type}, {"literal", c.literal}, {"expected", c.expected}, {"got", c.got}, {"ok", c.ok}});
  json out = {{"name", r.name}, {"passed", r.passed()}, {"failed", r.failed()}, {"cases", cases}};
  if (!r.error.empty()) out["error"] = r.error;
  return out;
}

}  // namespace

nlohmann::ordered_json render_json(const Report& report) {
  const Counts n = report.counts();
  json j;
  j["job"] = report.job;
  j["at"] = report.at;
  j["exit_code"] = report.exit_code();
  j["counts"] = {{"ok", n.ok}, {"warn", n.warn}, {"fail", n.fail}, {"skip", n.skip}};
  j["sides"] = json::object();
  for (const auto& [side, s] : report.sides) j["sides"][side_name(side)] = side_json(s);
  j["checks"] = json::array();
  for (const Check& c : report.checks) j["checks"].push_back(check_json(c));
  j["least_privilege"] = {{"source", report.least_privilege_source},
                          {"target", report.least_privilege_target},
                          {"target_apply", report.least_privilege_target_apply}};
  j["self_test"] = json::object();
  for (const auto& [side, r] : report.self_test) j["self_test"][side_name(side)] = self_test_json(r);
  return j;
}

}  // namespace recon::doctor

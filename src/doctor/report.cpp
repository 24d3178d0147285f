#include "recon/doctor/report.hpp"

#include <algorithm>

namespace recon::doctor {

const char* status_name(Status s) {
  switch (s) {
    case Status::Ok: return "OK";
    case Status::Warn: return "WARN";
    case Status::Fail: return "FAIL";
    case Status::Skip: break;
  }
  return "SKIP";
}

std::size_t SelfTestResult::passed() const {
  return static_cast<std::size_t>(std::count_if(cases.begin(), cases.end(), [](const SelfTestCase& c) { return c.ok; }));
}

std::size_t SelfTestResult::failed() const { return cases.size() - passed(); }

Counts Report::counts() const {
  Counts c;
  for (const Check& k : checks) {
    switch (k.status) {
      case Status::Ok: ++c.ok; break;
      case Status::Warn: ++c.warn; break;
      case Status::Fail: ++c.fail; break;
      case Status::Skip: ++c.skip; break;
    }
  }
  return c;
}

int Report::exit_code() const {
  bool cannot_connect = false, refused = false, anything = false;
  for (const Check& k : checks) {
    if (k.status == Status::Fail && k.id == "connect") cannot_connect = true;
    if (k.status == Status::Fail && (k.id == "table.key" || k.id == "table.columns")) refused = true;
    if (k.status == Status::Fail || k.status == Status::Warn) anything = true;
  }
  if (cannot_connect) return kExitRuntime;
  if (refused) return kExitBadInput;
  return anything ? kExitDivergent : kExitConsistent;
}

bool Report::wants_least_privilege() const {
  return std::any_of(checks.begin(), checks.end(), [](const Check& k) {
    return k.status != Status::Ok && k.status != Status::Skip &&
           (k.id == "login.role" || k.id == "table.write" || k.id == "table.select");
  });
}

}  // namespace recon::doctor

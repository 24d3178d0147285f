#pragma once
/// What `recon doctor` reports (docs/doctor.md): one line per check with a status and what to do,
/// both sides' connect facts, the type self-test's cases and the least-privilege statements. Pure
/// data: the run (doctor.hpp) fills it, the renderers (render.hpp) print it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recon/connector/doctor_facts.hpp"
#include "recon/core/errors.hpp"

namespace recon::doctor {

/// OK, WARN (a run works but may be slow, unsafe or wrong as the line says), FAIL (a run fails or
/// is wrong), SKIP (does not apply, or an earlier check failed).
enum class Status { Ok, Warn, Fail, Skip };
/// "OK" | "WARN" | "FAIL" | "SKIP"
const char* status_name(Status s);

/// One line of the report.
struct Check {
  std::string id;                 ///< "connect", "table.range_read", … (docs/doctor.md's table)
  std::optional<Side> side;       ///< nullopt: a check of the pair
  std::string table;              ///< the table's job name, "" for a side's check
  Status status = Status::Ok;
  std::string summary;            ///< what was found, one line (keys masked as reports mask them)
  std::string fix;                ///< what to do; "" for OK and SKIP
  nlohmann::ordered_json detail = nlohmann::ordered_json::object();  ///< the facts behind it
};

/// One literal of the type self-test and what it read as.
struct SelfTestCase {
  std::string type, literal, expected, got;
  bool ok = false;
};

/// One side's type self-test: the docs section it used and its cases.
struct SelfTestResult {
  std::string name;                 ///< docs/canonical-values.md "Self-test: <name>"
  std::vector<SelfTestCase> cases;  ///< in the table's order
  std::string error;                ///< why it could not run at all ("" when it ran)
  std::size_t passed() const;
  std::size_t failed() const;
};

/// One side as doctor found it.
struct SideReport {
  std::string endpoint;                 ///< password-free
  bool connected = false;
  ServerFacts server;                   ///< empty when not connected
  std::optional<double> clock_skew_ms;  ///< server UTC − recon's host, when the engine has a clock
};

struct Counts {
  std::int64_t ok = 0, warn = 0, fail = 0, skip = 0;
};

struct Report {
  std::string job;  ///< the job file as given
  std::string at;   ///< ISO-8601 UTC start
  std::map<Side, SideReport> sides;
  std::vector<Check> checks;
  /// Per side the statements of Connector::least_privilege_sql; target_apply: the target's
  /// statements for `recon apply`'s role.
  std::vector<std::string> least_privilege_source, least_privilege_target, least_privilege_target_apply;
  std::map<Side, SelfTestResult> self_test;  ///< only sides whose connector has a self-test

  Counts counts() const;
  /// docs/doctor.md "Exit codes": 3 when a side's connect FAILed; else 2 when a table.key or
  /// table.columns check FAILed; else 1 on any WARN or FAIL; else 0.
  int exit_code() const;
  /// Whether the least-privilege statements belong in the text output: login.role, table.write
  /// or table.select is not OK (JSON always has them).
  bool wants_least_privilege() const;
};

}  // namespace recon::doctor

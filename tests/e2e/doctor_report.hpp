#pragma once
/// Reading `recon doctor --json` reports in the end-to-end tests (docs/doctor.md, "--json").

#include <string>

#include "e2e_support.hpp"

namespace e2e {

/// The check `id` of `side` (nullptr for a pair check) on `table` ("" for a side's check).
inline const json* find_check(const json& report, const std::string& id, const char* side, const std::string& table = "") {
  for (const json& c : report.at("checks")) {
    const bool side_ok = side ? (c.at("side").is_string() && c.at("side") == side) : c.at("side").is_null();
    const bool table_ok = table.empty() ? c.at("table").is_null() : (c.at("table").is_string() && c.at("table") == table);
    if (c.at("check") == id && side_ok && table_ok) return &c;
  }
  return nullptr;
}

inline std::string status_of(const json& report, const std::string& id, const char* side, const std::string& table = "") {
  const json* c = find_check(report, id, side, table);
  return c ? c->at("status").get<std::string>() : "(no such check)";
}

/// Runs `recon doctor --json` on the job file `job` (audit DB beside it) and returns the report
/// ({} when nothing was printed); `result` gets the process's outcome.
inline json run_doctor_json(const fs::path& job, const EnvEdits& env = {}, ProcResult* result = nullptr) {
  const ProcResult r = run_recon({"doctor", "--config", job.string(), "--json", "--audit",
                                  (job.parent_path() / "audit.db").string()},
                                 env, 120);
  if (result) *result = r;
  return json::parse(r.out.empty() ? "{}" : r.out);
}

}  // namespace e2e

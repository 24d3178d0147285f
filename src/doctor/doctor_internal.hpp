#pragma once
// Private to the doctor module: the per-table part of a run (doctor_tables.cpp).
#include <map>
#include <vector>

#include "recon/config/job.hpp"
#include "recon/connector/connector.hpp"
#include "recon/doctor/evaluate.hpp"
#include "recon/doctor/report.hpp"

namespace recon::doctor {

/// The connectors of both sides; null for a side that could not be connected to.
struct SidePair {
  Connector* source = nullptr;
  Connector* target = nullptr;
  Connector* get(Side s) const { return s == Side::Source ? source : target; }
};

/// One table's checks in docs/doctor.md's order, and each side's write rights on it (login.role).
struct TableOutcome {
  std::vector<Check> checks;
  std::map<Side, std::vector<std::string>> write_rights;
};

/// Describes, pairs and asks both sides about one [[tables]] entry.
TableOutcome check_table(const RunOptions& opts, const TableJob& job, const SidePair& sides);

}  // namespace recon::doctor

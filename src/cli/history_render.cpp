#include "history_render.hpp"

#include <fmt/format.h>

#include "recon/core/errors.hpp"
#include "recon/report/terminal.hpp"

namespace recon {
namespace {

using json = nlohmann::ordered_json;

/// "99.9400 %" (floored, as the summary table shows an index), "-" when none (partial).
std::string percent(const std::optional<double>& v) { return v ? percent_floor(*v) : "-"; }

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json table_json(const RunTableRecord& t) {
  json j;
  j["name"] = t.name;
  j["consistency_index"] = optional_number(t.index);
  if (t.index_lower) j["index_lower"] = *t.index_lower;
  if (t.index_upper) j["index_upper"] = *t.index_upper;
  j["rows_compared"] = t.rows_compared;
  j["matched"] = t.matched;
  j["missing_in_target"] = t.missing_in_target;
  j["missing_in_source"] = t.missing_in_source;
  j["changed"] = t.changed;
  j["tolerated"] = t.tolerated;
  j["in_flight"] = t.in_flight;
  j["converged"] = t.converged;
  j["suspended"] = t.suspended;
  j["escalated"] = t.escalated;
  j["partial"] = t.partial;
  if (!t.error.empty()) j["error"] = t.error;
  j["categories"] = t.categories_json.empty() ? json::object() : json::parse(t.categories_json, nullptr, false);
  if (!t.fixup_file.empty()) j["fixup_sql"] = t.fixup_file;
  return j;
}

json run_json(const RunRecord& r) {
  json j;
  j["run_id"] = r.run_id;
  j["started_at"] = r.started_at;
  j["finished_at"] = r.finished_at.empty() ? json(nullptr) : json(r.finished_at);
  j["mode"] = r.mode;
  j["status"] = r.status;
  j["consistency_index"] = optional_number(r.index);
  if (r.index_lower) j["index_lower"] = *r.index_lower;
  if (r.index_upper) j["index_upper"] = *r.index_upper;
  if (!r.error.empty()) j["error"] = r.error;
  json tables = json::array();
  for (const RunTableRecord& t : r.tables) tables.push_back(table_json(t));
  j["tables"] = std::move(tables);
  return j;
}

std::string table_line(const RunTableRecord& t) {
  return fmt::format("  {}  {}  compared {}  missing in target {}  missing in source {}  changed {}{}{}\n", t.name,
                     percent(t.index), t.rows_compared, t.missing_in_target, t.missing_in_source, t.changed,
                     t.tolerated + t.in_flight + t.converged + t.suspended > 0
                         ? fmt::format("  (tolerated {}, in flight {}, converged {}, suspended {})", t.tolerated,
                                       t.in_flight, t.converged, t.suspended)
                         : "",
                     t.partial ? "  PARTIAL: " + t.error : "");
}

/// Why a run that compared the table recorded nothing for the key, as far as its mode can say.
std::string not_found_text(const KeySighting& k) {
  if (k.table_partial) return "not recorded: the table was partial (its range may not have been compared)";
  if (k.mode == "sample") return "not recorded: equal, or not in the clusters the sample read";
  if (k.mode == "incremental") return "not recorded: equal, or unchanged since the watermark";
  return "not found: equal on both sides";
}

}  // namespace

std::string runs_text(const std::vector<RunRecord>& runs) {
  if (runs.empty()) return "no runs recorded\n";
  std::string out;
  for (const RunRecord& r : runs) {
    out += fmt::format("{}  {}  {:<11}  {:<11}  {}\n", r.run_id, r.started_at, r.mode, r.status, percent(r.index));
    for (const RunTableRecord& t : r.tables) out += table_line(t);
  }
  return out;
}

json runs_json(const std::vector<RunRecord>& runs) {
  json a = json::array();
  for (const RunRecord& r : runs) a.push_back(run_json(r));
  return json{{"runs", std::move(a)}};
}

std::string run_detail_text(const RunDetail& d) {
  const RunRecord& r = d.run;
  std::string out = fmt::format("run {} ({}, {}), started {}{}; index {}\n", r.run_id, r.mode, r.status, r.started_at,
                                r.finished_at.empty() ? "" : ", finished " + r.finished_at, percent(r.index));
  if (!r.error.empty()) out += "error: " + r.error + "\n";
  for (const RunTableRecord& t : r.tables) {
    out += table_line(t);
    const json cats = t.categories_json.empty() ? json::object() : json::parse(t.categories_json, nullptr, false);
    if (cats.is_object())
      for (const auto& [name, c] : cats.items())
        out += fmt::format("    finding {}: {} {} {}\n", name, c.value("count", 0), c.value("severity", ""),
                           c.value("action", ""));
    for (const StatusCount& s : d.statuses)
      if (s.table == t.name)
        out += fmt::format("    recorded {}: {} (rechecked {}, repaired {})\n", s.status, s.count, s.rechecked,
                           s.repaired);
    if (!t.fixup_file.empty()) out += "    fix-up: " + t.fixup_file + "\n";
  }
  for (const ApplySummary& a : d.applies)
    out += fmt::format("  apply {} {}: {} at {} — {} statements, {} applied, {} conflicts, {} repaired, {} still different\n",
                       a.apply_id, a.table, a.status, a.started_at, a.statements, a.applied, a.conflicts, a.repaired,
                       a.still_divergent);
  return out;
}

json run_detail_json(const RunDetail& d) {
  json j = run_json(d.run);
  json statuses = json::array();
  for (const StatusCount& s : d.statuses)
    statuses.push_back({{"table", s.table}, {"status", s.status}, {"count", s.count}, {"rechecked", s.rechecked},
                        {"repaired", s.repaired}});
  j["recorded"] = std::move(statuses);
  json applies = json::array();
  for (const ApplySummary& a : d.applies)
    applies.push_back({{"apply_id", a.apply_id}, {"table", a.table}, {"started_at", a.started_at}, {"status", a.status},
                       {"statements", a.statements}, {"applied", a.applied}, {"conflicts", a.conflicts},
                       {"repaired", a.repaired}, {"still_divergent", a.still_divergent}});
  j["applies"] = std::move(applies);
  return j;
}

std::string key_history_text(const std::string& table, const std::string& key_json,
                             const std::vector<KeySighting>& sightings) {
  if (sightings.empty()) return fmt::format("no run recorded table {}\n", table);
  std::string out = fmt::format("table {} key {}: {} runs compared the table\n", table, key_json, sightings.size());
  for (const KeySighting& k : sightings) {
    out += fmt::format("  {}  {}  {:<11}  ", k.started_at, k.run_id, k.mode);
    if (!k.found) {
      out += not_found_text(k) + "\n";
      continue;
    }
    out += fmt::format("{} ({} P{} {}), {}", k.category, k.finding_category, k.severity, k.action, k.status);
    if (!k.columns_json.empty() && k.columns_json != "null") out += ", columns " + k.columns_json;
    if (!k.recheck.empty()) out += "; recheck: " + k.recheck;
    if (!k.repair.empty()) out += "; repair: " + k.repair;
    out += "\n";
  }
  return out;
}

json key_history_json(const std::string& table, const std::string& key_json, const std::vector<KeySighting>& sightings) {
  json runs = json::array();
  for (const KeySighting& k : sightings) {
    json e{{"run_id", k.run_id}, {"started_at", k.started_at}, {"mode", k.mode}, {"run_status", k.run_status},
           {"found", k.found}};
    if (k.found) {
      e["category"] = k.category;
      e["finding_category"] = k.finding_category;
      e["severity"] = "P" + std::to_string(k.severity);
      e["action"] = k.action;
      e["status"] = k.status;
      e["columns"] = k.columns_json.empty() ? json(nullptr) : json::parse(k.columns_json, nullptr, false);
      e["recheck"] = k.recheck.empty() ? json(nullptr) : json(k.recheck);
      e["repair"] = k.repair.empty() ? json(nullptr) : json(k.repair);
    } else {
      e["table_partial"] = k.table_partial;
    }
    runs.push_back(std::move(e));
  }
  return json{{"table", table}, {"key", json::parse(key_json)}, {"runs", std::move(runs)}};
}

std::string key_as_json_array(const std::string& written) {
  const json parsed = json::parse(written, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_array()) {
    for (const auto& v : parsed)
      if (v.is_array() || v.is_object())
        throw InputError(fmt::format("--key {}: a key is a JSON array of values in key order, e.g. '[42]' or '[\"SP\", 7]'", written));
    return written;  // as written: the audit DB compares it as JSON, numbers spelt as recorded
  }
  if (parsed.is_number() || parsed.is_string() || parsed.is_boolean()) return json::array({parsed}).dump();
  if (parsed.is_object())
    throw InputError(fmt::format("--key {}: a key is a JSON array of values in key order, e.g. '[42]' or '[\"SP\", 7]'", written));
  return json::array({written}).dump();  // a bare text key: SP
}

}  // namespace recon

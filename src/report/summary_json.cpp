// summary.json: the schema of docs/cli.md, built with nlohmann::json.
#include <nlohmann/json.hpp>

#include "recon/report/output_file.hpp"
#include "recon/core/errors.hpp"
#include "recon/report/summary.hpp"
#include "recon/report/explain_command.hpp"
#include "recon/core/canonical.hpp"
#include "recon/model/estimates_json.hpp"

namespace recon {
namespace {

/// {"precision_drift": {"count": 3, "severity": "P4", "action": "tolerate", "first_keys": [[7], …],
/// "explain": "recon explain …"}, …}; {} when none.
nlohmann::ordered_json categories(const RunResult& run, const TableResult& t) {
  auto j = nlohmann::ordered_json::object();
  for (const auto& [name, c] : t.categories) {
    auto keys = nlohmann::ordered_json::array();
    for (const std::string& k : c.first_keys) {
      const std::string text = canon::key_to_json(k);
      auto key = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
      keys.push_back(key.is_discarded() ? nlohmann::ordered_json(text) : std::move(key));
    }
    j[name] = {{"count", c.count}, {"severity", "P" + std::to_string(c.severity)}, {"action", action_name(c.action)},
               {"first_keys", std::move(keys)}};
    if (!c.first_keys.empty()) j[name]["explain"] = explain_command(run, t.name, c.key_to_explain());
    if (!c.explain_key.empty()) j[name]["explain_key"] = nlohmann::json::parse(canon::key_to_json(c.explain_key));
  }
  return j;
}

/// {"valor_credito": 5000, …} in the order the columns are compared; {} when nothing changed.
nlohmann::ordered_json columns_changed(const TableResult& t) {
  auto j = nlohmann::ordered_json::object();
  for (const std::string& column : t.columns)
    if (auto it = t.columns_changed.find(column); it != t.columns_changed.end()) j[column] = it->second;
  for (const auto& [column, count] : t.columns_changed)
    if (!j.contains(column)) j[column] = count;
  return j;
}

/// One entry of "tables", in the contract's field order.
nlohmann::ordered_json table_json(const RunResult& run, const TableResult& t) {
  nlohmann::ordered_json e;
  e["name"] = t.name;
  e["kind"] = t.kind;
  e["source"] = t.source;
  e["target"] = t.target;
  e["rows_source"] = t.rows_source;
  e["rows_target"] = t.rows_target;
  e["rows_compared"] = t.rows_compared;
  e["matched"] = t.matched;
  e["missing_in_target"] = t.missing_in_target;
  e["missing_in_source"] = t.missing_in_source;
  e["changed"] = t.changed;
  if (const auto index = t.reported_index()) e["consistency_index"] = *index;
  else e["consistency_index"] = nullptr;
  if (t.sample) {
    e["index_lower"] = t.sample->lower;
    e["index_upper"] = t.sample->upper;
    e["sample"] = interval_json(*t.sample);
    if (t.clusters) {
      e["sample"]["cluster_method"] = t.clusters->method;
      e["sample"]["mean_cluster_rows"] = t.clusters->mean_cluster_rows;
    }
  }
  if (t.incremental) e["incremental"] = incremental_json(*t.incremental);
  e["fixup_sql"] = t.fixup_sql;
  e["fixup_sha256"] = t.fixup_sha256;
  e["tolerated"] = t.tolerated;
  e["in_flight"] = t.in_flight;
  e["converged"] = t.converged;
  e["suspended"] = t.suspended;
  e["escalated"] = t.escalated;
  e["open_findings"] = t.open_findings();
  e["categories"] = categories(run, t);
  e["columns_changed"] = columns_changed(t);
  e["slo"] = t.slo;
  e["ranges_total"] = t.ranges_total;
  e["ranges_done"] = t.ranges_done;
  e["ranges_failed"] = t.ranges_failed;
  if (run.resumed) e["ranges_resumed"] = t.ranges_resumed;
  e["partial"] = t.partial;
  if (t.divergences_unrecorded > 0) e["divergences_unrecorded"] = t.divergences_unrecorded;
  if (t.partial) e["error"] = redact_secrets(t.error);
  e["columns"] = t.columns;
  if (!t.notes.empty()) e["notes"] = t.notes;
  e["seconds"] = t.seconds;
  return e;
}

}  // namespace

std::string render_summary_json(const RunResult& run) {
  // ordered_json keeps the contract's field order, which is what people read.
  nlohmann::ordered_json j;
  j["run_id"] = run.run_id;
  j["started_at"] = run.started_at;
  j["finished_at"] = run.finished_at;
  j["mode"] = run.mode;
  j["status"] = run.status;
  j["slo"] = run.slo;
  // null, never 1.0, when something was not compared: no false all-clear.
  if (const auto index = run.reported_index()) j["consistency_index"] = *index;
  else j["consistency_index"] = nullptr;
  j["seed"] = run.seed;
  j["sample_rate"] = run.sample_rate;
  // A sampled run's index is an estimate: its interval, and the confidence it holds at (null in
  // the other modes, whose index is counted, not estimated).
  j["index_lower"] = run.sample ? nlohmann::ordered_json(run.sample->lower) : nlohmann::ordered_json(nullptr);
  j["index_upper"] = run.sample ? nlohmann::ordered_json(run.sample->upper) : nlohmann::ordered_json(nullptr);
  j["confidence"] = run.sample ? nlohmann::ordered_json(run.sample->confidence) : nlohmann::ordered_json(nullptr);
  std::int64_t escalated = 0;
  for (const TableResult& t : run.tables) escalated += t.escalated;
  j["escalated"] = escalated;
  std::int64_t open = 0;
  for (const TableResult& t : run.tables) open += t.open_findings();
  j["open_findings"] = open;
  if (!run.error.empty()) j["error"] = redact_secrets(run.error);
  if (run.resumed) j["resumed"] = true;
  // The counts below include these rechecks' outcomes (`recon recheck` rewrote this file).
  if (!run.rechecks.empty()) {
    auto rechecks = nlohmann::ordered_json::array();
    for (const RecheckRecord& r : run.rechecks)
      rechecks.push_back({{"recheck_id", r.recheck_id}, {"finished_at", r.finished_at}, {"rechecked", r.rechecked},
                          {"converged", r.converged}, {"still_open", r.still_open}});
    j["rechecks"] = std::move(rechecks);
  }
  // The audit chain's head after this run's records: a copy of this file kept elsewhere anchors it.
  if (run.audit_chain) j["audit_chain"] = {{"seq", run.audit_chain->seq}, {"sha256", run.audit_chain->sha256}};
  auto tables = nlohmann::ordered_json::array();
  for (const TableResult& t : run.tables) tables.push_back(table_json(run, t));
  j["tables"] = std::move(tables);
  // Invalid UTF-8 in a name must not abort the run: replace it rather than throw.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void write_summary(const std::filesystem::path& out_dir, const RunResult& run) {
  report::write_file_atomically(out_dir / "summary.json", render_summary_json(run));
}

}  // namespace recon

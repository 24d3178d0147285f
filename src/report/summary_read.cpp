// summary.json read back into the RunResult it was rendered from: `recon recheck` refreshes a past
// run's outputs from it, and `recon report` renders a past run's report.html from it.
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "recon/core/canonical.hpp"
#include "recon/core/errors.hpp"
#include "recon/core/utc_time.hpp"
#include "recon/report/summary.hpp"

namespace recon {
namespace {

using Json = nlohmann::json;

/// A key as summary.json spells it ([42, "SP"]) back to a canonical key encoding whose
/// key_to_json is that text again: numbers without a fraction as integers, other numbers as
/// decimals, strings as text. Only for showing and suggesting the key, never for comparing.
std::string key_from_json(const Json& key) {
  std::string out;
  const Json items = key.is_array() ? key : Json::array({key});
  for (const Json& v : items) {
    if (v.is_null()) canon::put_null(out);
    else if (v.is_boolean()) canon::put_bool(out, v.get<bool>());
    else if (v.is_number_integer()) canon::put_integer(out, v.get<std::int64_t>());
    else if (v.is_number()) canon::put_decimal(out, v.dump());
    else if (v.is_string()) canon::put_text(out, v.get<std::string>());
    else canon::put_json(out, v.dump());
  }
  return out;
}

template <typename T>
T field(const Json& j, const char* name, T fallback = T{}) {
  const auto it = j.find(name);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<T>();
}

IndexInterval interval_from(const Json& j) {
  IndexInterval i;
  i.estimate = field<double>(j, "estimate", 1.0);
  i.lower = field<double>(j, "lower", 1.0);
  i.upper = field<double>(j, "upper", 1.0);
  i.confidence = field<double>(j, "confidence", 0.95);
  i.method = field<std::string>(j, "method");
  i.effective_rows = field<double>(j, "effective_rows");
  i.clusters_read = field<std::int64_t>(j, "clusters_read");
  i.clusters_total = field<std::int64_t>(j, "clusters_total");
  i.rows_read = field<std::int64_t>(j, "rows_read");
  return i;
}

IncrementalParts incremental_from(const Json& j) {
  IncrementalParts p;
  p.full = field<bool>(j, "full");
  p.full_reason = field<std::string>(j, "full_reason");
  p.watermark = field<std::string>(j, "watermark");
  p.since = field<std::string>(j, "since");
  if (const auto c = j.find("changed"); c != j.end()) {
    p.changed_rows_source = field<std::int64_t>(*c, "rows_source");
    p.changed_rows_target = field<std::int64_t>(*c, "rows_target");
    p.carried_keys = field<std::int64_t>(*c, "carried_keys");
    p.keys_compared = field<std::int64_t>(*c, "keys_compared");
  }
  if (const auto k = j.find("keyset"); k != j.end()) {
    p.keyset = true;
    p.keyset_rows_source = field<std::int64_t>(*k, "rows_source");
    p.keyset_rows_target = field<std::int64_t>(*k, "rows_target");
    p.keyset_method = field<std::string>(*k, "method");
    p.keyset_keys_read_source = field<std::int64_t>(*k, "keys_read_source");
    p.keyset_keys_read_target = field<std::int64_t>(*k, "keys_read_target");
    p.keyset_buckets = field<std::int64_t>(*k, "buckets");
    p.keyset_buckets_differing = field<std::int64_t>(*k, "buckets_differing");
  }
  if (const auto s = j.find("scrub"); s != j.end()) {
    p.scrub_slice = field<int>(*s, "slice", -1);
    p.scrub_cycle = field<int>(*s, "cycle");
    p.scrub_rows_source = field<std::int64_t>(*s, "rows_source");
    p.scrub_rows_target = field<std::int64_t>(*s, "rows_target");
  }
  return p;
}

std::map<std::string, TableResult::CategoryCount> categories_from(const Json& j) {
  std::map<std::string, TableResult::CategoryCount> out;
  for (const auto& [name, c] : j.items()) {
    TableResult::CategoryCount count;
    count.count = field<std::int64_t>(c, "count");
    const std::string severity = field<std::string>(c, "severity", "P3");
    if (severity.size() == 2 && severity[0] == 'P' && severity[1] >= '1' && severity[1] <= '4')
      count.severity = severity[1] - '0';
    count.action = parse_action(field<std::string>(c, "action", "fix")).value_or(Action::Fix);
    if (const auto keys = c.find("first_keys"); keys != c.end() && keys->is_array())
      for (const Json& k : *keys) count.first_keys.push_back(key_from_json(k));
    if (const auto key = c.find("explain_key"); key != c.end() && key->is_array())
      count.explain_key = key_from_json(*key);
    out[name] = std::move(count);
  }
  return out;
}

/// The counts, then what the table's mode added (interval, incremental parts), then the rest.
TableResult table_from(const Json& e) {
  TableResult t;
  t.name = field<std::string>(e, "name");
  t.kind = field<std::string>(e, "kind", "table");  // summaries before aggregates have no kind
  t.source = field<std::string>(e, "source");
  t.target = field<std::string>(e, "target");
  t.rows_source = field<std::int64_t>(e, "rows_source");
  t.rows_target = field<std::int64_t>(e, "rows_target");
  t.rows_compared = field<std::int64_t>(e, "rows_compared");
  t.matched = field<std::int64_t>(e, "matched");
  t.missing_in_target = field<std::int64_t>(e, "missing_in_target");
  t.missing_in_source = field<std::int64_t>(e, "missing_in_source");
  t.changed = field<std::int64_t>(e, "changed");
  if (const auto s = e.find("sample"); s != e.end()) {
    t.sample = interval_from(*s);
    if (s->contains("cluster_method"))
      t.clusters = ClusterPlanInfo{t.sample->clusters_total, field<std::string>(*s, "cluster_method"),
                                   field<double>(*s, "mean_cluster_rows")};
  }
  if (const auto inc = e.find("incremental"); inc != e.end()) t.incremental = incremental_from(*inc);
  t.fixup_sql = field<std::string>(e, "fixup_sql");
  t.fixup_sha256 = field<std::string>(e, "fixup_sha256");
  t.tolerated = field<std::int64_t>(e, "tolerated");
  t.in_flight = field<std::int64_t>(e, "in_flight");
  t.converged = field<std::int64_t>(e, "converged");
  t.suspended = field<std::int64_t>(e, "suspended");
  t.escalated = field<std::int64_t>(e, "escalated");
  if (const auto c = e.find("categories"); c != e.end()) t.categories = categories_from(*c);
  if (const auto c = e.find("columns_changed"); c != e.end())
    for (const auto& [column, count] : c->items()) t.columns_changed[column] = count.get<std::int64_t>();
  t.slo = field<double>(e, "slo", kDefaultSlo);
  t.ranges_total = field<std::int64_t>(e, "ranges_total");
  t.ranges_done = field<std::int64_t>(e, "ranges_done");
  t.ranges_failed = field<std::int64_t>(e, "ranges_failed");
  t.ranges_resumed = field<std::int64_t>(e, "ranges_resumed");
  t.partial = field<bool>(e, "partial");
  t.divergences_unrecorded = field<std::int64_t>(e, "divergences_unrecorded");
  t.error = field<std::string>(e, "error");
  t.columns = field<std::vector<std::string>>(e, "columns");
  t.notes = field<std::vector<std::string>>(e, "notes");
  t.seconds = field<double>(e, "seconds");
  return t;
}

RunResult run_from(const Json& j) {
  RunResult run;
  run.run_id = field<std::string>(j, "run_id");
  run.started_at = field<std::string>(j, "started_at");
  run.finished_at = field<std::string>(j, "finished_at");
  run.started_epoch = parse_iso_utc(run.started_at).value_or(0);
  run.finished_epoch = parse_iso_utc(run.finished_at).value_or(run.started_epoch);
  run.mode = field<std::string>(j, "mode", "full");
  run.status = field<std::string>(j, "status");
  run.slo = field<double>(j, "slo", kDefaultSlo);
  run.seed = field<std::uint64_t>(j, "seed");
  run.sample_rate = field<double>(j, "sample_rate", 1.0);
  if (!j.value("index_lower", Json()).is_null()) {
    IndexInterval i;
    i.estimate = field<double>(j, "consistency_index", 1.0);
    i.lower = field<double>(j, "index_lower", 1.0);
    i.upper = field<double>(j, "index_upper", 1.0);
    i.confidence = field<double>(j, "confidence", 0.95);
    i.method = "stratified";
    run.sample = i;
  }
  run.error = field<std::string>(j, "error");
  run.resumed = field<bool>(j, "resumed");
  for (const Json& r : j.value("rechecks", Json::array()))
    run.rechecks.push_back(RecheckRecord{field<std::string>(r, "recheck_id"), field<std::string>(r, "finished_at"),
                                         field<std::int64_t>(r, "rechecked"), field<std::int64_t>(r, "converged"),
                                         field<std::int64_t>(r, "still_open")});
  if (const Json chain = j.value("audit_chain", Json()); chain.is_object())
    run.audit_chain = AuditChainAnchor{field<std::int64_t>(chain, "seq"), field<std::string>(chain, "sha256")};
  for (const Json& e : j.value("tables", Json::array())) run.tables.push_back(table_from(e));
  return run;
}

}  // namespace

std::map<std::string, TableResult::CategoryCount> read_categories_json(const std::string& text) {
  const Json j = Json::parse(text.empty() ? "{}" : text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return {};
  try {
    return categories_from(j);
  } catch (const Json::exception&) {
    return {};
  }
}

std::optional<RunResult> read_run_summary(const std::filesystem::path& out_dir, const std::string& run_id,
                                          std::string& why_not) {
  const std::filesystem::path file = out_dir / "summary.json";
  std::ifstream in(file, std::ios::binary);
  if (out_dir.empty() || !in) {
    why_not = (out_dir.empty() ? std::string("the run's summary.json") : file.string()) + " is not there";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    RunResult run = read_summary_json(text.str(), file.string());
    if (run.run_id == run_id) return run;
    why_not = fmt::format("{} is run {}'s, not {}'s (the folder was written again)", file.string(), run.run_id, run_id);
  } catch (const InputError& e) {
    why_not = e.what();
  }
  return std::nullopt;
}

RunResult read_summary_json(const std::string& text, const std::string& where) {
  try {
    const Json j = Json::parse(text);
    if (!j.is_object() || !j.contains("run_id") || !j.contains("tables"))
      throw InputError(fmt::format("{}: not a recon summary.json (no run_id or tables)", where));
    return run_from(j);
  } catch (const Json::exception& e) {
    throw InputError(fmt::format("{}: not a readable summary.json ({}); run recon check again to write a new one",
                                 where, e.what()));
  }
}

}  // namespace recon

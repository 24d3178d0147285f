// metrics.prom: Prometheus text exposition for node_exporter's textfile collector.
#include <charconv>
#include <cmath>

#include "recon/report/output_file.hpp"
#include "recon/report/metrics.hpp"

namespace recon {
namespace {

/// Label values escape backslash, double quote and newline (exposition format spec).
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

/// Every sample carries the run's mode (full | sample | incremental), so a nightly sampled series
/// and a weekly full one of the same table are two series a dashboard can tell apart.
class Exposition {
 public:
  explicit Exposition(std::string mode) : mode_label_("mode=\"" + label(mode) + "\"") {}
  /// Starts a metric family; every family gets HELP and TYPE exactly once.
  void family(std::string_view name, std::string_view type, std::string_view help) {
    name_ = name;
    text_ += "# HELP " + name_ + " " + std::string(help) + "\n";
    text_ += "# TYPE " + name_ + " " + std::string(type) + "\n";
  }
  void sample(std::string_view labels, double v) { text_ += name_ + braces(labels) + " " + number(v) + "\n"; }
  void sample(std::string_view labels, std::int64_t v) {
    text_ += name_ + braces(labels) + " " + std::to_string(v) + "\n";
  }
  std::string take() { return std::move(text_); }

 private:
  std::string braces(std::string_view labels) const {
    return "{" + std::string(labels) + (labels.empty() ? "" : ",") + mode_label_ + "}";
  }
  std::string mode_label_, name_, text_;
};

std::string table_label(const TableResult& t) { return "table=\"" + label(t.name) + "\""; }

}  // namespace

std::string render_metrics(const RunResult& run) {
  Exposition m(run.mode);
  m.family("recon_consistency_index", "gauge",
           "Matched rows divided by compared rows less in-flight and suspended ones, in the last run "
           "(1 when nothing was compared); absent for a table not wholly compared (see recon_table_partial).");
  for (const auto& t : run.tables)
    if (const auto index = t.reported_index()) m.sample(table_label(t), *index);
  m.family("recon_consistency_index_lower", "gauge",
           "Sampled runs: lower bound of the interval of recon_consistency_index at the confidence of "
           "recon_index_confidence; the SLO is decided on it.");
  for (const auto& t : run.tables)
    if (t.sample) m.sample(table_label(t), t.sample->lower);
  m.family("recon_consistency_index_upper", "gauge", "Sampled runs: upper bound of the interval of recon_consistency_index.");
  for (const auto& t : run.tables)
    if (t.sample) m.sample(table_label(t), t.sample->upper);
  m.family("recon_index_confidence", "gauge", "Sampled runs: the confidence of the index interval (0.95).");
  for (const auto& t : run.tables)
    if (t.sample) m.sample(table_label(t), t.sample->confidence);
  m.family("recon_sample_rate", "gauge", "Share of the clusters of each table read in the last run (1 when not sampled).");
  m.sample({}, run.mode == "sample" ? run.sample_rate : 1.0);
  m.family("recon_table_slo", "gauge", "Consistency index the table must reach.");
  for (const auto& t : run.tables) m.sample(table_label(t), t.slo);
  // Gauges, not counters: each value is the last run's, and goes down as well as up.
  m.family("recon_rows_compared", "gauge", "Distinct keys seen on either side in the last run.");
  for (const auto& t : run.tables) m.sample(table_label(t), t.rows_compared);
  m.family("recon_rows_source", "gauge", "Rows read from the source in the last run.");
  for (const auto& t : run.tables) m.sample(table_label(t), t.rows_source);
  m.family("recon_rows_target", "gauge", "Rows read from the target in the last run.");
  for (const auto& t : run.tables) m.sample(table_label(t), t.rows_target);
  m.family("recon_divergences", "gauge", "Open divergent rows found in the last run, by category.");
  for (const auto& t : run.tables) {
    const std::string tl = table_label(t);
    m.sample(tl + ",category=\"missing_in_target\"", t.missing_in_target);
    m.sample(tl + ",category=\"missing_in_source\"", t.missing_in_source);
    m.sample(tl + ",category=\"changed\"", t.changed);
  }
  m.family("recon_open_findings", "gauge", "Open divergences of the last run (missing on either side or changed).");
  for (const auto& t : run.tables) m.sample(table_label(t), t.open_findings());
  m.family("recon_table_duration_seconds", "gauge", "Wall time spent on the table in the last run.");
  for (const auto& t : run.tables) m.sample(table_label(t), t.seconds);
  m.family("recon_table_partial", "gauge", "1 when some key ranges of the table could not be compared.");
  for (const auto& t : run.tables) m.sample(table_label(t), std::int64_t{t.partial ? 1 : 0});
  // The rules engine's reading (TableResult after rules and rechecks).
  struct RuleCount {
    const char* name;
    std::int64_t TableResult::*field;
    const char* help;
  };
  static constexpr RuleCount kRuleCounts[] = {
      {"recon_rows_tolerated", &TableResult::tolerated,
       "Divergent rows a rule tolerates (counted as matched) in the last run."},
      {"recon_rows_in_flight", &TableResult::in_flight,
       "Rows still being applied by CDC (within the lag window) in the last run."},
      {"recon_rows_converged", &TableResult::converged,
       "Rows that differed, then were equal on a recheck (counted as matched)."},
      {"recon_rows_suspended", &TableResult::suspended,
       "Rows that changed on every recheck attempt (neither matched nor divergent)."},
      {"recon_rows_escalated", &TableResult::escalated,
       "Open divergences whose rule says escalate (they force exit code 1)."}};
  for (const RuleCount& rc : kRuleCounts) {
    m.family(rc.name, "gauge", rc.help);
    for (const auto& t : run.tables) m.sample(table_label(t), t.*rc.field);
  }
  m.family("recon_findings", "gauge", "Open and tolerated divergences of the last run by their rule's category.");
  for (const auto& t : run.tables)
    for (const auto& [category, c] : t.categories)
      m.sample(table_label(t) + ",category=\"" + label(category) + "\",severity=\"P" + std::to_string(c.severity) +
                   "\",action=\"" + action_name(c.action) + "\"",
               c.count);
  m.family("recon_run_consistency_index", "gauge",
           "Sum of matched rows divided by sum of compared rows (less in-flight and suspended) over all tables; "
           "absent when a table was not wholly compared.");
  if (const auto index = run.reported_index()) m.sample({}, *index);
  if (run.sample) {
    m.family("recon_run_consistency_index_lower", "gauge", "Sampled runs: lower bound of the run's index interval.");
    m.sample({}, run.sample->lower);
    m.family("recon_run_consistency_index_upper", "gauge", "Sampled runs: upper bound of the run's index interval.");
    m.sample({}, run.sample->upper);
  }
  m.family("recon_run_duration_seconds", "gauge", "Wall time of the last run.");
  m.sample({}, std::max(0.0, run.finished_epoch - run.started_epoch));
  m.family("recon_last_run_timestamp_seconds", "gauge", "Unix time the last run finished.");
  m.sample({}, run.finished_epoch);
  // Every status is exported (0 or 1) so an alert can test for ==1 without absent() tricks.
  m.family("recon_run_status", "gauge", "1 for the status of the last run (consistent, divergent, error, interrupted).");
  for (const char* s : {"consistent", "divergent", "error", "interrupted"})
    m.sample(std::string("status=\"") + s + "\"", std::int64_t{run.status == s ? 1 : 0});
  m.family("recon_run_success", "gauge",
           "1 when the last run compared everything it was asked to (consistent or divergent), 0 when it failed or "
           "was interrupted.");
  m.sample({}, std::int64_t{run.status == "consistent" || run.status == "divergent" ? 1 : 0});
  if (run.audit_chain) {  // the head a copy kept elsewhere anchors (recon audit verify prints it)
    m.family("recon_audit_chain_records", "gauge", "Records on the audit's hash chain after the last run (its head's seq).");
    m.sample({}, run.audit_chain->seq);
    m.family("recon_audit_chain_head_info", "gauge", "The audit hash chain's head after the last run, as a label.");
    m.sample("sha256=\"" + label(run.audit_chain->sha256) + "\"", std::int64_t{1});
  }
  return m.take();
}

void write_metrics(const std::filesystem::path& out_dir, const RunResult& run) {
  report::write_file_atomically(out_dir / "metrics.prom", render_metrics(run));
}

}  // namespace recon

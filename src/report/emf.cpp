// CloudWatch Embedded Metric Format: one self-describing JSON log line per table and per run.
#include "recon/report/emf.hpp"
#include "recon/report/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include <nlohmann/json.hpp>

namespace recon {
namespace {

using json = nlohmann::ordered_json;

/// A log line whose members `metrics` (name → {value, unit}) CloudWatch extracts as metrics with
/// `dimensions` (the members holding their values are set by the caller).
class EmfLine {
 public:
  EmfLine(double end_epoch, std::vector<std::string> dimensions) : dimensions_(std::move(dimensions)) {
    line_["_aws"]["Timestamp"] = static_cast<std::int64_t>(std::llround(end_epoch * 1000));
  }
  void member(const std::string& name, json value) { line_[name] = std::move(value); }
  void metric(const std::string& name, double value, const char* unit) {
    if (!std::isfinite(value)) return;  // EMF values are numbers; nothing rather than a bad line
    metrics_.push_back({{"Name", name}, {"Unit", unit}});
    line_[name] = value;
  }
  std::string take() {
    line_["_aws"]["CloudWatchMetrics"] =
        json::array({{{"Namespace", kEmfNamespace}, {"Dimensions", json::array({dimensions_})}, {"Metrics", metrics_}}});
    return line_.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }

 private:
  json line_;
  json metrics_ = json::array();
  std::vector<std::string> dimensions_;
};

std::string table_line(const RunResult& run, const std::string& job, const TableResult& t) {
  EmfLine l(run.finished_epoch, {"Job", "Table", "Mode"});
  l.member("Job", job);
  l.member("Table", t.name);
  l.member("Mode", run.mode);
  l.member("RunId", run.run_id);
  if (const auto index = t.reported_index()) l.metric("ConsistencyIndex", *index, "None");
  if (t.sample) {
    l.metric("ConsistencyIndexLower", t.sample->lower, "None");
    l.metric("ConsistencyIndexUpper", t.sample->upper, "None");
  }
  l.metric("RowsCompared", static_cast<double>(t.rows_compared), "Count");
  l.metric("RowsSource", static_cast<double>(t.rows_source), "Count");
  l.metric("RowsTarget", static_cast<double>(t.rows_target), "Count");
  l.metric("MissingInTarget", static_cast<double>(t.missing_in_target), "Count");
  l.metric("MissingInSource", static_cast<double>(t.missing_in_source), "Count");
  l.metric("Changed", static_cast<double>(t.changed), "Count");
  l.metric("OpenFindings", static_cast<double>(t.open_findings()), "Count");
  l.metric("Escalated", static_cast<double>(t.escalated), "Count");
  l.metric("Partial", t.partial ? 1.0 : 0.0, "None");
  l.metric("DurationSeconds", t.seconds, "Seconds");
  return l.take();
}

std::string run_line(const RunResult& run, const std::string& job) {
  EmfLine l(run.finished_epoch, {"Job", "Mode"});
  l.member("Job", job);
  l.member("Mode", run.mode);
  l.member("RunId", run.run_id);
  l.member("Status", run.status);
  const bool success = run.status == "consistent" || run.status == "divergent";
  l.metric("RunSuccess", success ? 1.0 : 0.0, "None");
  l.metric("RunDurationSeconds", std::max(0.0, run.finished_epoch - run.started_epoch), "Seconds");
  if (const auto index = run.reported_index()) l.metric("ConsistencyIndex", *index, "None");
  if (run.sample) l.metric("ConsistencyIndexLower", run.sample->lower, "None");
  std::int64_t open = 0;
  for (const TableResult& t : run.tables) open += t.open_findings();
  l.metric("OpenFindings", static_cast<double>(open), "Count");
  return l.take();
}

}  // namespace

std::string render_emf(const RunResult& run, const std::string& job) {
  std::string out;
  for (const TableResult& t : run.tables) out += table_line(run, job, t);
  return out + run_line(run, job);
}

void append_emf(const std::filesystem::path& file, const RunResult& run) {
  const std::string job = run.job_file.empty() ? "recon" : std::filesystem::path(run.job_file).stem().string();
  const std::string text = render_emf(run, job);
  if (file.has_parent_path()) report::create_readable_folders(file.parent_path());
  // One write(2) with O_APPEND: lines of concurrent runs never interleave, and a reader never sees
  // part of a run.
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  // A new log is made readable (the CloudWatch agent runs as another user; it holds no row values)
  // despite recon's owner-only umask; an existing file keeps the mode its owner gave it.
  struct stat st {};
  if (fd >= 0 && ::fstat(fd, &st) == 0 && st.st_size == 0) ::fchmod(fd, 0644);
  const bool written = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (fd >= 0) ::close(fd);
  if (!written)
    throw std::runtime_error(file.string() + ": cannot append the run's EMF lines (" + std::strerror(errno) +
                             "); check the path and its permissions");
}

}  // namespace recon

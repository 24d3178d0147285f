// Environment, then flags, over the job file. Each value is validated like the file's.
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "recon/config/sql_filter.hpp"
#include "recon/core/duration.hpp"
#include "recon/config/job.hpp"
#include "recon/core/errors.hpp"

namespace recon {
namespace {

template <typename T>
T parse_env(const char* name, const char* text) {
  T v{};
  const std::string_view s(text);
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size())
    throw InputError(fmt::format("environment variable {}='{}' is not a valid number", name, text));
  return v;
}

void set_mode(RunOptions& o, const std::string& mode, const std::string& origin) {
  if (mode == "full") o.mode = Mode::Full;
  else if (mode == "sample") o.mode = Mode::Sample;
  else if (mode == "incremental") o.mode = Mode::Incremental;
  else throw InputError(fmt::format("{}: mode '{}' is not valid; use full, sample or incremental", origin, mode));
}

void set_heartbeat(RunOptions& o, const std::string& text, const std::string& origin) {
  const auto us = parse_duration_us(text);
  if (!us) throw InputError(fmt::format("{} '{}' is not a duration; write e.g. 10s, 1m, or 0 for none", origin, text));
  o.heartbeat_us = *us;
}

void set_log_format(RunOptions& o, const std::string& format, const std::string& origin) {
  if (format != "text" && format != "json")
    throw InputError(fmt::format("{}: log format '{}' is not valid; use text or json", origin, format));
  o.log_json = format == "json";
}

/// --where and --keys: an incident's rows of one table. Both compare exactly those rows now, so they
/// refuse what would make a partial comparison count as a whole one (an incremental run's watermark)
/// or mix scopes (--resume).
void apply_scope(const CheckFlags& f, RunOptions& o) {
  if (!f.where && !f.keys_file) return;
  const char* what = f.where && f.keys_file ? "--where and --keys" : f.where ? "--where" : "--keys";
  if (o.tables.size() != 1)
    throw InputError(fmt::format("{} narrow one table: choose it with --table T (the job has {} tables)", what, o.tables.size()));
  if (o.mode == Mode::Incremental)
    throw InputError(fmt::format("{}: an incremental run compares whole tables to move their watermark; use --mode full", what));
  if (f.keys_file && o.mode == Mode::Sample)
    throw InputError("--keys compares the keys given, every one: use --mode full");
  if (o.resume) throw InputError(fmt::format("{} and --resume: a resumed run compares what it started with", what));
  o.scoped = true;
  TableJob& t = o.tables.front();
  if (f.where) {
    if (const std::string problem = validate_sql_filter(*f.where); !problem.empty())
      throw InputError("--where " + problem);
    o.scope_where = *f.where;
    for (std::string* w : {&t.source_where, &t.target_where})
      *w = w->empty() ? *f.where : "(" + *w + ") AND (" + *f.where + ")";
  }
  if (f.keys_file) {
    std::ifstream in(*f.keys_file);
    if (!in) throw InputError(fmt::format("--keys {}: cannot read the file", f.keys_file->string()));
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
      const std::size_t first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos || line[first] == '#') continue;  // blank lines and comments
      const std::size_t last = line.find_last_not_of(" \t\r");
      o.keys.emplace_back(n, line.substr(first, last - first + 1));
    }
    if (o.keys.empty()) throw InputError(fmt::format("--keys {}: no key in the file (one per line)", f.keys_file->string()));
    o.keys_file = *f.keys_file;
  }
}

void check_ranges(const RunOptions& o) {
  if (o.threads < 1 || o.threads > 256) throw InputError(fmt::format("threads = {} must be between 1 and 256", o.threads));
  if (o.chunk_rows < 1) throw InputError("chunk_rows must be at least 1");
  if (o.sample_rate <= 0 || o.sample_rate > 1)
    throw InputError(fmt::format("sample rate {} must be in (0, 1], e.g. 0.05 for 5 %", o.sample_rate));
  if (o.incremental.scrub_cycle < 0 || o.incremental.scrub_cycle > 10'000)
    throw InputError(fmt::format("scrub cycle {} must be between 0 (no scrub) and 10000", o.incremental.scrub_cycle));
  if (o.slo < 0 || o.slo > 1) throw InputError(fmt::format("slo {} must be between 0 and 1", o.slo));
}

}  // namespace

void apply_overrides(RunOptions& o, const CheckFlags& f) {
  if (const char* v = std::getenv("RECON_THREADS")) o.threads = parse_env<int>("RECON_THREADS", v);
  if (const char* v = std::getenv("RECON_CHUNK_ROWS")) o.chunk_rows = parse_env<std::int64_t>("RECON_CHUNK_ROWS", v);
  if (const char* v = std::getenv("RECON_SLO")) o.slo = parse_env<double>("RECON_SLO", v);
  if (const char* v = std::getenv("RECON_MODE")) set_mode(o, v, "RECON_MODE");
  if (const char* v = std::getenv("RECON_SAMPLE_RATE")) o.sample_rate = parse_env<double>("RECON_SAMPLE_RATE", v);
  if (const char* v = std::getenv("RECON_SEED")) o.seed = parse_env<std::uint64_t>("RECON_SEED", v);
  if (const char* v = std::getenv("RECON_OUT")) o.out_dir = v;
  if (const char* v = std::getenv("RECON_AUDIT")) o.audit_db = v;
  if (const char* v = std::getenv("RECON_METRICS_FILE")) o.metrics_file = v;
  if (const char* v = std::getenv("RECON_EMF")) o.emf_file = v;
  if (const char* v = std::getenv("RECON_HEARTBEAT")) set_heartbeat(o, v, "RECON_HEARTBEAT");
  if (const char* v = std::getenv("RECON_LOG_FORMAT")) set_log_format(o, v, "RECON_LOG_FORMAT");
  if (const char* v = std::getenv("RECON_RECHECK_ATTEMPTS")) o.recheck.attempts = parse_env<int>("RECON_RECHECK_ATTEMPTS", v);

  if (f.threads) o.threads = *f.threads;
  if (f.chunk_rows) o.chunk_rows = *f.chunk_rows;
  if (f.mode) set_mode(o, *f.mode, "--mode");
  if (f.sample_rate) {
    o.sample_rate = *f.sample_rate;
    if (!f.mode) o.mode = Mode::Sample;  // --sample-rate alone means a sampled run
  }
  if (f.seed) o.seed = *f.seed;
  if (f.scrub_cycle) o.incremental.scrub_cycle = *f.scrub_cycle;
  if (f.no_keyset) o.incremental.keyset = false;
  if (f.no_fixup) o.write_fixup = false;
  if (f.out) o.out_dir = *f.out;
  if (f.audit) o.audit_db = *f.audit;
  if (f.metrics_file) o.metrics_file = *f.metrics_file;
  if (f.emf) o.emf_file = *f.emf;
  if (f.heartbeat) set_heartbeat(o, *f.heartbeat, "--heartbeat");
  if (f.log_format) set_log_format(o, *f.log_format, "--log-format");
  if (f.recheck_attempts) o.recheck.attempts = *f.recheck_attempts;
  if (f.recheck_delay) {
    const auto us = parse_duration_us(*f.recheck_delay);
    if (!us) throw InputError(fmt::format("--recheck-delay '{}' is not a duration; write e.g. 500ms, 5s, 1m", *f.recheck_delay));
    o.recheck.delay_us = *us;
  }
  if (o.recheck.attempts < 0 || o.recheck.attempts > 20)
    throw InputError(fmt::format("recheck attempts = {} must be between 0 (no rechecks) and 20", o.recheck.attempts));
  o.progress = !f.no_progress;
  o.quiet = f.quiet;
  if (f.resume) {
    if (f.resume->empty()) throw InputError("--resume: give a run_id (from summary.json) or \"latest\"");
    o.resume = *f.resume;
  }
  check_ranges(o);

  if (f.tables) {
    std::vector<TableJob> chosen;
    std::string rest = *f.tables;
    std::size_t start = 0;
    while (start <= rest.size()) {
      const std::size_t comma = std::min(rest.find(',', start), rest.size());
      const std::string want = rest.substr(start, comma - start);
      start = comma + 1;
      if (want.empty()) continue;
      auto it = std::find_if(o.tables.begin(), o.tables.end(), [&](const TableJob& t) {
        return t.name == want || t.target.display() == want || t.source.display() == want;
      });
      if (it == o.tables.end()) {
        std::vector<std::string> names;
        for (const auto& t : o.tables) names.push_back(t.name);
        throw InputError(fmt::format("--tables: '{}' is not a [[tables]] entry of the job (known: {})", want,
                                     fmt::join(names, ", ")));
      }
      if (std::none_of(chosen.begin(), chosen.end(), [&](const TableJob& t) { return t.name == it->name; }))
        chosen.push_back(*it);
    }
    if (chosen.empty()) throw InputError("--tables: give at least one table name");
    o.tables = std::move(chosen);
  }
  apply_scope(f, o);
}

}  // namespace recon

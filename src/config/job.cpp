// Job file (TOML) -> RunOptions. Validation here is everything that can be checked without a
// database; the engine checks tables and columns against the engines before any data moves.
#include "recon/core/did_you_mean.hpp"
#include "recon/config/job.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <xxhash.h>

#include "recon/core/duration.hpp"
#include "recon/core/sha256.hpp"
#include "recon/config/sql_filter.hpp"
#include "recon/config/toml_reader.hpp"
#include "job_aggregates.hpp"
#include "job_dms_csv.hpp"
#include "job_pii.hpp"
#include "recon/core/errors.hpp"

namespace recon {
namespace fs = std::filesystem;
using config_detail::TableReader;

TableRef TableRef::parse(const std::string& text) {
  // Split on the first dot outside double quotes; strip the quotes of each part.
  std::vector<std::string> parts(1);
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      if (quoted && i + 1 < text.size() && text[i + 1] == '"') {
        parts.back().push_back('"');
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (c == '.' && !quoted && parts.size() == 1) {
      parts.emplace_back();
    } else {
      parts.back().push_back(c);
    }
  }
  if (parts.size() == 1) return TableRef{"", parts[0]};
  return TableRef{parts[0], parts[1]};
}

namespace {

const std::vector<std::string> kTopKeys = {"source", "target", "check", "tables", "aggregates"};
const std::vector<std::string> kEndpointKeys = {"kind", "url", "password_env", "encrypt", "login_timeout"};
const std::vector<std::string> kCheckKeys = {"threads", "chunk_rows", "slo", "rules", "audit", "mode",
                                             "sample_rate", "seed", "retries", "out", "max_divergences", "recheck",
                                             "lock_timeout", "statement_timeout", "sample_cluster_rows",
                                             "incremental", "metrics_file", "emf", "heartbeat", "log_format", "fixup",
                                             "pii_key_env"};
const std::vector<std::string> kIncrementalKeys = {"keyset", "scrub_cycle"};
const std::vector<std::string> kRecheckKeys = {"attempts", "delay", "backoff", "max_keys", "all_tables"};
const std::vector<std::string> kTableKeys = {"name", "source", "target", "key", "columns", "ignore_columns",
                                             "column_map", "where", "source_where", "target_where",
                                             "trust_key", "chunk_rows", "slo", "json_columns", "time_rounding",
                                             "rules", "updated_at", "updated_at_zone", "lag", "recheck", "pii"};
fs::path resolve(const fs::path& base, const std::string& p) {
  fs::path path(p);
  return path.is_absolute() || base.empty() ? path : (base / path).lexically_normal();
}

/// A password with a raw '@' makes a URL ambiguous: libpq splits it at the first '@', so part of
/// the password would be taken for the host (and printed in its errors). Refused before any
/// connection, without printing the url.
void check_url_user_info(const TableReader& r, const std::string& url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return;
  const std::size_t start = scheme + 3;
  const std::size_t end = url.find_first_of("/?#", start);
  const std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  const std::size_t first = authority.find('@');
  if (first != std::string::npos && authority.find('@', first + 1) != std::string::npos)
    r.fail("url", "has more than one '@' before the host: percent-encode an '@' of the user or password as %40 "
                  "(better: keep the password out of the url with password_env)");
}

Endpoint read_endpoint(const toml::table& top, const std::string& name, const std::string& origin,
                       const fs::path& base) {
  const toml::node* node = top.get(name);
  if (!node || !node->is_table())
    throw InputError(fmt::format("{}: missing [{}] table (kind and url of the {} database)", origin, name, name));
  TableReader r(*node->as_table(), origin, "[" + name + "]");
  Endpoint ep;
  ep.line = r.line();
  const std::string kind = r.require_str("kind");
  const std::optional<EngineKind> parsed = parse_engine_kind(kind);
  if (kind == "csv")
    r.fail("kind", "\"csv\" is now \"dms_csv\": a folder of CSV files as AWS DMS writes them (docs/job-file.md)");
  if (!parsed) {
    const std::vector<std::string> kinds = engine_kind_names();
    const std::string hint = did_you_mean(kind, kinds);
    r.fail("kind", fmt::format("'{}' is not an engine this build reads{}; use one of {}", kind,
                               hint.empty() ? "" : " (did you mean '" + hint + "'?)", fmt::join(kinds, ", ")));
  }
  ep.kind = *parsed;
  ep.url = r.require_str("url");
  check_url_user_info(r, ep.url);
  // A file path is relative to the job file, not to wherever recon was started.
  if (ep.kind == EngineKind::Sqlite && ep.url.rfind("file:", 0) != 0) ep.url = resolve(base, ep.url).string();
  if (ep.kind == EngineKind::DmsCsv) ep.url = resolve(base, ep.url).string();
  ep.password_env = r.str("password_env").value_or("");
  if (!ep.password_env.empty()) {
    const char* pw = std::getenv(ep.password_env.c_str());
    if (!pw)
      r.fail("password_env", fmt::format("names {0}, but the environment variable {0} is not set; export it with the {1} password "
                                         "(secrets never go in the job file)", ep.password_env, name));
    ep.password = pw;
  }
  ep.encrypt = r.str("encrypt").value_or("request");
  if (ep.encrypt != "off" && ep.encrypt != "request" && ep.encrypt != "require")
    r.fail("encrypt", "must be \"off\", \"request\" or \"require\"");
  ep.login_timeout_s = static_cast<int>(r.integer("login_timeout").value_or(15));
  if (ep.kind != EngineKind::DmsCsv) {
    r.reject_unknown(kEndpointKeys);
    return ep;
  }
  config_detail::read_dms_csv_options(r, base, ep.dms_csv);
  std::vector<std::string> known = kEndpointKeys;
  known.insert(known.end(), config_detail::kDmsCsvKeys.begin(), config_detail::kDmsCsvKeys.end());
  r.reject_unknown(known);
  return ep;
}

std::int64_t duration_of(TableReader& r, const std::string& key, const std::string& text) {
  const auto us = parse_duration_us(text);
  if (!us) r.fail(key, fmt::format("'{}' is not a duration; write e.g. \"250ms\", \"5s\", \"5m\", \"1h\"", text));
  return *us;
}

std::vector<fs::path> rule_files(TableReader& r, const fs::path& base) {
  std::vector<fs::path> files;
  for (const auto& rule : r.strings("rules")) {
    files.push_back(resolve(base, rule));
    if (!base.empty() && !fs::exists(files.back()))
      r.fail("rules", fmt::format("names {}, which does not exist (paths are relative to the job file's folder)",
                                  files.back().string()));
  }
  return files;
}

/// updated_at = "col" (same name on both sides, through column_map) or { source = "…", target = "…" }.
void read_updated_at(TableReader& r, const toml::table& t, const std::string& origin, TableJob& job) {
  const toml::node* node = t.get("updated_at");
  if (node && node->is_table()) {
    TableReader u(*node->as_table(), origin, "updated_at");
    job.updated_at_source = u.str("source").value_or("");
    job.updated_at_target = u.str("target").value_or("");
    u.reject_unknown({"source", "target"});
    if (job.updated_at_source.empty() && job.updated_at_target.empty())
      u.fail("target", "is missing: name the update-time column of at least one side: updated_at = { source = \"…\", target = \"…\" }");
    r.sub_table("updated_at");  // mark as read
  } else if (auto col = r.str("updated_at")) {
    job.updated_at_target = *col;
    job.updated_at_source = *col;
    for (const auto& [src, tgt] : job.column_map)
      if (tgt == *col) job.updated_at_source = src;
  }
  if (auto zone = r.str("updated_at_zone")) {
    int h = 0, m = 0;
    char sign = 0;
    if (*zone == "UTC" || *zone == "utc") job.updated_at_offset_min = 0;
    else if (*zone == "local") job.updated_at_local = true;
    else if (std::sscanf(zone->c_str(), "%c%2d:%2d", &sign, &h, &m) == 3 && (sign == '+' || sign == '-') && h <= 14 && m < 60)
      job.updated_at_offset_min = (sign == '-' ? -1 : 1) * (h * 60 + m);
    else r.fail("updated_at_zone", "must be \"UTC\", \"local\" or an offset like \"-03:00\"");
  }
  if (auto lag = r.str("lag")) job.lag_us = duration_of(r, "lag", *lag);
  if (job.lag_us && job.updated_at_source.empty() && job.updated_at_target.empty())
    r.fail("lag", "needs updated_at = \"column\" (the update time of a row on each side)");
  if (!job.lag_us && (!job.updated_at_source.empty() || !job.updated_at_target.empty()))
    r.fail("updated_at", "is only used with a lag window: add lag = \"5m\" (how far CDC may trail)");
}

TableJob read_table(const toml::table& t, const std::string& origin, const fs::path& base, std::size_t index) {
  TableReader r(t, origin, fmt::format("[[tables]] #{}", index + 1));
  TableJob job;
  job.line = r.line();
  const std::string source = r.require_str("source");
  const std::string target = r.str("target").value_or(source);
  job.source = TableRef::parse(source);
  job.target = TableRef::parse(target);
  job.name = r.str("name").value_or(job.target.name);
  job.key = r.strings("key");
  job.columns = r.strings("columns");
  job.ignore_columns = r.strings("ignore_columns");
  job.json_columns = r.strings("json_columns");
  if (const toml::table* map = r.sub_table("column_map")) {
    for (const auto& [k, v] : *map) {
      if (!v.is_string())
        throw InputError(fmt::format("{}: column_map.{} must be a string naming the target column",
                                     config_detail::where(origin, v), k.str()));
      job.column_map[std::string(k.str())] = *v.value<std::string>();
    }
  }
  const auto both = config_detail::read_sql_filter(r, "where");  // each checked to be one boolean expression
  job.source_where = config_detail::read_sql_filter(r, "source_where").value_or(both.value_or(""));
  job.target_where = config_detail::read_sql_filter(r, "target_where").value_or(both.value_or(""));
  job.trust_key = r.boolean("trust_key").value_or(false);
  if (auto c = r.integer("chunk_rows")) {
    if (*c < 1) r.fail("chunk_rows", "must be at least 1");
    job.chunk_rows = *c;
  }
  if (auto s = r.number("slo")) {
    if (*s < 0 || *s > 1) r.fail("slo", "must be between 0 and 1, e.g. 0.9999");
    job.slo = *s;
  }
  if (auto tr = r.str("time_rounding")) {
    if (*tr == "half_even") job.time_rounding = TimeRounding::HalfEven;
    else if (*tr == "truncate") job.time_rounding = TimeRounding::Truncate;
    else r.fail("time_rounding", "must be \"half_even\" (PostgreSQL's input rounding) or \"truncate\"");
  }
  job.rules = rule_files(r, base);
  read_updated_at(r, t, origin, job);
  if (auto v = r.boolean("recheck")) job.recheck = *v;
  job.pii = read_pii(r, origin);
  r.reject_unknown(kTableKeys);
  return job;
}

void read_check(const toml::table& top, const std::string& origin, const fs::path& base, RunOptions& o) {
  const toml::node* node = top.get("check");
  if (!node) return;
  if (!node->is_table()) throw InputError(fmt::format("{}: [check] must be a table", config_detail::where(origin, *node)));
  TableReader r(*node->as_table(), origin, "[check]");
  if (auto v = r.integer("threads")) {
    if (*v < 1 || *v > 256) r.fail("threads", "must be between 1 and 256");
    o.threads = static_cast<int>(*v);
  }
  if (auto v = r.integer("chunk_rows")) {
    if (*v < 1) r.fail("chunk_rows", "must be at least 1");
    o.chunk_rows = *v;
  }
  if (auto v = r.number("slo")) {
    if (*v < 0 || *v > 1) r.fail("slo", "must be between 0 and 1, e.g. 0.9999");
    o.slo = *v;
  }
  o.rules = rule_files(r, base);
  if (const toml::table* rc = r.sub_table("recheck")) {
    TableReader q(*rc, origin, "[check.recheck]");
    if (auto v = q.integer("attempts")) {
      if (*v < 0 || *v > 20) q.fail("attempts", "must be between 0 (no rechecks) and 20");
      o.recheck.attempts = static_cast<int>(*v);
    }
    if (auto v = q.str("delay")) o.recheck.delay_us = duration_of(q, "delay", *v);
    if (auto v = q.number("backoff")) {
      if (*v < 1 || *v > 10) q.fail("backoff", "must be between 1 (fixed delay) and 10");
      o.recheck.backoff = *v;
    }
    if (auto v = q.integer("max_keys")) {
      if (*v < 0) q.fail("max_keys", "must be >= 0");
      o.recheck.max_keys = static_cast<std::size_t>(*v);
    }
    o.recheck.all_tables = q.boolean("all_tables").value_or(false);
    q.reject_unknown(kRecheckKeys);
  }
  if (auto v = r.str("audit")) o.audit_db = resolve(base, *v);
  if (auto v = r.str("out")) o.out_dir = resolve(base, *v);
  if (auto v = r.str("metrics_file")) o.metrics_file = resolve(base, *v);
  if (auto v = r.str("emf")) o.emf_file = resolve(base, *v);
  if (auto v = r.str("mode")) {
    if (*v == "full") o.mode = Mode::Full;
    else if (*v == "sample") o.mode = Mode::Sample;
    else if (*v == "incremental") o.mode = Mode::Incremental;
    else r.fail("mode", "must be \"full\", \"sample\" or \"incremental\"");
  }
  if (auto v = r.integer("sample_cluster_rows")) {
    if (*v < 1 || *v > 10'000'000) r.fail("sample_cluster_rows", "must be between 1 and 10000000");
    o.sample_cluster_rows = *v;
  }
  if (const toml::table* inc = r.sub_table("incremental")) {
    TableReader q(*inc, origin, "[check.incremental]");
    if (auto v = q.boolean("keyset")) o.incremental.keyset = *v;
    if (auto v = q.integer("scrub_cycle")) {
      if (*v < 0 || *v > 10'000) q.fail("scrub_cycle", "must be between 0 (no scrub) and 10000");
      o.incremental.scrub_cycle = static_cast<int>(*v);
    }
    q.reject_unknown(kIncrementalKeys);
  }
  if (auto v = r.number("sample_rate")) {
    if (*v <= 0 || *v > 1) r.fail("sample_rate", "must be in (0, 1], e.g. 0.05 for 5 %");
    o.sample_rate = *v;
  }
  if (auto v = r.integer("seed")) o.seed = static_cast<std::uint64_t>(*v);
  if (auto v = r.integer("retries")) {
    if (*v < 0 || *v > 20) r.fail("retries", "must be between 0 and 20");
    o.retries = static_cast<int>(*v);
  }
  if (auto v = r.integer("max_divergences")) {
    if (*v < 0) r.fail("max_divergences", "must be >= 0");
    o.max_divergences_per_table = static_cast<std::size_t>(*v);
  }
  // Both sides' statements get the same limits ("0s": none).
  for (const char* key : {"lock_timeout", "statement_timeout"}) {
    const auto v = r.str(key);
    if (!v) continue;
    const std::int64_t ms = (duration_of(r, key, *v) + 999) / 1000;
    for (Endpoint* ep : {&o.source, &o.target})
      (std::string(key) == "lock_timeout" ? ep->lock_timeout_ms : ep->statement_timeout_ms) = ms;
  }
  if (auto v = r.str("heartbeat")) o.heartbeat_us = duration_of(r, "heartbeat", *v);
  if (auto v = r.boolean("fixup")) o.write_fixup = *v;
  if (auto v = r.str("pii_key_env")) {
    if (v->empty()) r.fail("pii_key_env", "must name an environment variable, e.g. \"RECON_PII_KEY\"");
    o.pii_key_env = *v;
  }
  if (auto v = r.str("log_format")) {
    if (*v != "text" && *v != "json") r.fail("log_format", "must be \"text\" or \"json\"");
    o.log_json = *v == "json";
  }
  r.reject_unknown(kCheckKeys);
}

}  // namespace

RunOptions parse_job_text(const std::string& text, const std::string& origin, const fs::path& base_dir) {
  toml::table top;
  try {
    top = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}:{}: malformed TOML: {}", origin, e.source().begin.line,
                                 e.source().begin.column, e.description()));
  }
  for (const auto& [k, node] : top) {
    const std::string key(k.str());
    if (std::find(kTopKeys.begin(), kTopKeys.end(), key) == kTopKeys.end()) {
      const std::string hint = did_you_mean(key, kTopKeys);
      throw InputError(fmt::format("{}: unknown top-level key '{}'{}", config_detail::where(origin, node), key,
                                   hint.empty() ? " (expected [source], [target], [check], [[tables]])"
                                                : " — did you mean '" + hint + "'?"));
    }
  }
  RunOptions o;
  o.job_hash = fmt::format("{:016x}", XXH3_64bits(text.data(), text.size()));
  o.job_sha256 = sha256_hex(text);
  o.source = read_endpoint(top, "source", origin, base_dir);
  o.target = read_endpoint(top, "target", origin, base_dir);
  read_check(top, origin, base_dir, o);
  const toml::node* tables = top.get("tables");
  const toml::node* aggregates = top.get("aggregates");
  if (aggregates && (!aggregates->is_array_of_tables() || aggregates->as_array()->empty()))
    throw InputError(fmt::format("{}: aggregates must be [[aggregates]] entries", config_detail::where(origin, *aggregates)));
  if (!aggregates && (!tables || !tables->is_array_of_tables() || tables->as_array()->empty()))
    throw InputError(fmt::format("{}: no [[tables]] entries: add at least one [[tables]] with source = \"schema.table\"", origin));
  if (tables && !tables->is_array_of_tables())
    throw InputError(fmt::format("{}: tables must be [[tables]] entries", config_detail::where(origin, *tables)));
  std::size_t i = 0;
  if (tables)
    for (const auto& t : *tables->as_array()) o.tables.push_back(read_table(*t.as_table(), origin, base_dir, i++));
  i = 0;
  if (aggregates)  // after the tables: a group is compared like a row, keyed by group_by
    for (const auto& t : *aggregates->as_array())
      o.tables.push_back(config_detail::read_aggregate(*t.as_table(), origin, i++, rule_files, base_dir));
  for (std::size_t a = 0; a < o.tables.size(); ++a)
    for (std::size_t b = a + 1; b < o.tables.size(); ++b)
      if (o.tables[a].name == o.tables[b].name)
        throw InputError(fmt::format("{}:{}: two [[tables]] or [[aggregates]] entries are both named '{}'; give one a distinct name = \"…\"",
                                     origin, o.tables[b].line, o.tables[b].name));
  config_detail::resolve_pii_key(o, origin);
  if (o.audit_db.empty()) o.audit_db = (base_dir.empty() ? fs::path(".") : base_dir) / "recon-audit.db";
  return o;
}

RunOptions load_run_options(const CheckFlags& flags) {
  if (flags.config.empty()) throw InputError("recon check: --config JOB.toml is required (see recon check --help)");
  std::error_code ec;
  const fs::path job = fs::absolute(flags.config, ec);
  std::ifstream in(job, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot read the job file (does it exist? is it readable?)", flags.config.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  RunOptions o = parse_job_text(ss.str(), flags.config.string(), job.parent_path());
  o.job_file = job;
  apply_overrides(o, flags);
  return o;
}

}  // namespace recon

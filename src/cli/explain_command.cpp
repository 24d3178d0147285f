// `recon explain`: one key, both sides, every column, and the rules' chain of decisions — the
// on-call view of a single row. With --run it also shows what that run recorded for the key.
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "recon/engine/lookup.hpp"
#include "recon/core/duration.hpp"
#include "recon/engine/prepare.hpp"
#include "recon/rules/rules.hpp"
#include "explain_values.hpp"
#include "run_lookup.hpp"

namespace recon {
namespace po = boost::program_options;

void describe_explain(po::options_description& desc) {
  desc.add_options()
      ("table", po::value<std::string>()->required()->value_name("NAME"), "table (report name, source or target name)")
      ("key", po::value<std::string>()->required()->value_name("KEY"), "the row's key: a JSON array in key order ('[42]', '[\"SP\",7]'), or the bare value of a one-column key")
      ("config,c", po::value<std::string>()->value_name("JOB.toml"), "job file (required without --run; with --run: default the run's)")
      ("run", po::value<std::string>()->value_name("ID"), "also show what this run recorded for the key (\"latest\": the newest run)")
      ("audit", po::value<std::string>()->value_name("FILE"), "audit DB for --run; default: the job's, else ./recon-audit.db")
      ("reveal", "show the table's sensitive (pii) columns in clear, as read now from the engines (the audit keeps "
                 "tokens only, shown as such)")
      ("verbose,v", "list every rule considered, also those about other categories, columns or types");
}

namespace {

void print_chain(const TableContext& ctx, const Divergence& d, rules::ExplainDetail detail,
                 const rules::ValueText& show = {}) {
  std::cout << "rules (first match wins):\n";
  for (const auto& line : ctx.rules->explain(d, detail, show)) std::cout << "  " << line << "\n";
  const Finding& f = d.finding;
  std::cout << fmt::format("finding: {}  P{}  {}{}\n", f.category, f.severity,
                           f.status == Status::Tolerated ? "tolerate (counts as matched)" : action_name(f.action),
                           f.rule.empty() ? "" : fmt::format("  (rule '{}')", f.rule));
}

/// "repaired by apply X (update, 1 row) at T; undo: fixup/…", when an apply ran a statement for it.
void print_repair(AuditDb& audit, const StoredDivergence& stored) {
  const auto applied = audit.latest_apply(stored.id);
  if (!applied) {
    std::cout << "  repair: not applied (recon apply --run " << stored.run_id << ")\n";
    return;
  }
  const ApplyKeyRecord& k = applied->key;
  std::string what = k.outcome;
  if (k.outcome == "repaired") what = "repaired: both sides equal when re-read";
  else if (k.outcome == "still_divergent") what = "applied, but still different when re-read";
  else if (k.outcome == "conflict") what = "conflict: the target row had changed since the check, left as it was";
  else if (k.outcome == "rolled_back") what = "rolled back with its table (" + applied->apply_status + ")";
  std::cout << fmt::format("  repair: {} — apply {} ({} {} row{}) at {}{}\n", what, applied->apply_id, k.statement,
                           k.rows, k.rows == 1 ? "" : "s", applied->finished_at,
                           applied->undo_file.empty() ? "" : "; undo: " + applied->undo_file);
}

/// What a run recorded for a key, from the audit DB alone (no column names without the engines).
void print_recorded_offline(RunLookup& past, const std::string& table, const std::string& key) {
  auto stored = past.audit.find_divergence(past.run.run_id, table, key);
  if (!stored) stored = past.audit.find_divergence(past.run.run_id, table, "[\"" + key + "\"]");  // a bare text key
  if (!stored) {
    std::cout << fmt::format("run {}: no divergence recorded for {} key {}\n", past.run.run_id, table, key);
    return;
  }
  const Finding& f = stored->finding;
  std::cout << fmt::format("{} key {}\nrun {} recorded: {} — {} P{} {}, status {}\n", stored->table_name, stored->key_json,
                           past.run.run_id, category_name(stored->category), f.category, f.severity, action_name(f.action),
                           status_name(f.status));
  if (!f.explanation.empty()) std::cout << "  " << f.explanation << "\n";
  print_repair(past.audit, *stored);
  for (const auto& [label, values] : {std::pair{"source", &stored->source_values}, std::pair{"target", &stored->target_values}}) {
    std::string shown;
    for (std::size_t pos = 0; pos < values->size();) shown += (shown.empty() ? "" : ", ") + canon::to_display(canon::read_value(*values, pos));
    std::cout << fmt::format("  {}: {}\n", label, values->empty() ? "(absent)" : "[" + shown + "]");
  }
}

/// Every `recon recheck` of the divergence, oldest first: what the run's outcome became.
void print_rechecks(AuditDb& audit, const StoredDivergence& stored) {
  for (const RecheckSighting& r : audit.divergence_rechecks(stored.id))
    std::cout << fmt::format("  rechecked {} (recheck {}): {}{}\n", r.checked_at, r.recheck_id, r.status,
                             r.status == "open" || r.status == "tolerated" ? " — " + r.finding_category : "");
}

/// What the run recorded for the key, after its rechecks, and today's rules on those values.
void print_recorded(RunLookup& past, const TableContext& ctx, const std::string& key_json, rules::ExplainDetail detail) {
  const auto stored = past.audit.find_divergence(past.run.run_id, ctx.name, key_json);
  if (!stored) {
    std::cout << fmt::format("\nrun {}: no divergence recorded for this key (it matched, or its range was not compared)\n",
                             past.run.run_id);
    return;
  }
  const Finding& f = stored->finding;
  std::cout << fmt::format("\nrun {} recorded: {} — {} P{} {}, status {}{}\n", past.run.run_id, category_name(stored->category),
                           f.category, f.severity, action_name(f.action), status_name(f.status),
                           f.recheck_attempts ? fmt::format(", {} recheck look(s)", f.recheck_attempts) : "");
  if (!f.explanation.empty()) std::cout << "  " << f.explanation << "\n";
  print_rechecks(past.audit, *stored);
  print_repair(past.audit, *stored);
  Divergence d = stored->to_divergence();
  print_values(std::cout, ctx, d, !d.source_values.empty() || d.category != Category::MissingInSource,
               !d.target_values.empty() || d.category != Category::MissingInTarget);
  ctx.rules->evaluate(d);
  std::cout << "today's rules on the recorded values:\n";
  print_chain(ctx, d, detail);
  if (f.status == Status::InFlight || f.status == Status::Converged || f.status == Status::Suspended)
    std::cout << fmt::format("  status after the rechecks: {} (the rules decide open divergences only)\n", status_name(f.status));
}

std::string age_text(const std::string& when, const std::optional<double>& age_s) {
  if (when.empty()) return "-";
  if (!age_s) return when;
  return fmt::format("{} ({})", when, *age_s >= 0 ? format_duration_us(static_cast<std::int64_t>(*age_s * 1e6)) + " ago"
                                                  : "in the future");
}

/// The key on both sides now, decided as a run would (rules, then the lag window); the exit code.
/// Sensitive columns are masked unless `reveal`: rules decide on the values, people read masks.
int print_now(const KeyLookup& now, const TableContext& ctx, rules::ExplainDetail detail, bool reveal) {
  std::cout << "\nnow:\n";
  if (!now.source_present && !now.target_present) {
    std::cout << "  the key is on neither side\n";
    return kExitConsistent;
  }
  const privacy::TablePrivacy& privacy = *ctx.privacy;
  rules::ValueText show;
  if (!reveal && privacy.values_sensitive())
    show = [&privacy](std::uint32_t c, const canon::ValueView& v) { return privacy.shown_value(c, v); };
  Divergence shown = now.divergence;
  if (show) {
    shown.source_values = privacy.shown_values(shown.source_values);
    shown.target_values = privacy.shown_values(shown.target_values);
  }
  print_values(std::cout, ctx, shown, now.source_present, now.target_present);
  if (!now.source_updated_at.empty() || !now.target_updated_at.empty())
    std::cout << fmt::format("  updated_at: source {}, target {}\n", age_text(now.source_updated_at, now.source_age_s),
                             age_text(now.target_updated_at, now.target_age_s));
  if (now.equal) {
    std::cout << "both sides are equal now: no divergence\n";
    return kExitConsistent;
  }
  if (now.in_flight) {
    std::cout << fmt::format("{} now, but in flight: updated within the table's lag window of {} — CDC may still be "
                             "applying it; a run would count it neither matched nor divergent\n",
                             category_name(now.divergence.category), format_duration_us(*ctx.job->lag_us));
    print_chain(ctx, now.divergence, detail, show);
    return kExitConsistent;
  }
  std::cout << fmt::format("{} now\n", category_name(now.divergence.category));
  print_chain(ctx, now.divergence, detail, show);
  return now.divergence.finding.status == Status::Tolerated ? kExitConsistent : kExitDivergent;
}

/// The key --key names, in the engine's (clear) form. A table with sensitive key columns shows
/// keys masked and names them by token (summary.json's explain commands): such a key is the one
/// the run recorded under that token, so it needs --run.
std::string typed_key(RunLookup* past, const TableContext& ctx, const std::string& text) {
  if (!ctx.privacy->key_sensitive() || text.find("tok:") == std::string::npos) return parse_key(ctx, text);
  if (!past)
    throw InputError(fmt::format("--key {} is a token (how the audit keeps a sensitive key): give the run that "
                                 "recorded it with --run RUN, or type the key itself", text));
  const auto stored = past->audit.find_divergence(past->run.run_id, ctx.name, text);
  if (!stored)
    throw InputError(fmt::format("run {} recorded no divergence of table {} under the token key {}; copy the key "
                                 "from that run's summary.json or report", past->run.run_id, ctx.name, text));
  return stored->key;
}

const TableContext& find_table(const PreparedJob& job, const std::string& name) {
  for (const auto& ctx : job.contexts)
    if (ctx.name == name || ctx.job->target.display() == name || ctx.job->source.display() == name) return ctx;
  std::string names;
  for (const auto& ctx : job.contexts) names += (names.empty() ? "" : ", ") + ctx.name;
  throw InputError(fmt::format("--table '{}' is not a [[tables]] entry of the job (known: {})", name, names));
}

}  // namespace

int run_explain_command(const po::variables_map& vm) {
  std::unique_ptr<RunLookup> past;
  RunOptions opts;
  if (vm.count("run")) {
    past = open_run_lookup(vm);
    opts = past->opts;
  } else {
    if (!vm.count("config")) throw InputError("recon explain: give the job with --config JOB.toml (or a past run with --run ID)");
    CheckFlags flags;
    flags.config = vm["config"].as<std::string>();
    opts = load_run_options(flags);
  }
  PreparedJob job;
  try {
    job = prepare_job(opts);
  } catch (const ConnectorError& e) {
    // On call, an engine that is down must not hide what the run recorded.
    if (!past || e.login()) throw;
    std::cerr << fmt::format("recon: {} side unreachable ({}); showing what run {} recorded\n", side_name(e.side()),
                             redact_secrets(e.what()), past->run.run_id);
    print_recorded_offline(*past, vm["table"].as<std::string>(), vm["key"].as<std::string>());
    return kExitRuntime;
  }
  const TableContext& ctx = find_table(job, vm["table"].as<std::string>());
  const privacy::TablePrivacy& privacy = *ctx.privacy;
  const bool reveal = vm.count("reveal") > 0;
  const std::string key = typed_key(past.get(), ctx, vm["key"].as<std::string>());
  std::cout << fmt::format("{} key {}\n", ctx.name, canon::key_to_json(reveal ? key : privacy.shown_key(key)));

  const auto detail = vm.count("verbose") ? rules::ExplainDetail::All : rules::ExplainDetail::Relevant;
  if (past) print_recorded(*past, ctx, canon::key_to_json(privacy.token_key(key)), detail);
  return print_now(lookup_key(opts, ctx, *job.pool, key), ctx, detail, reveal);
}

}  // namespace recon

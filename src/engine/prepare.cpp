#include "recon/engine/prepare.hpp"

#include <future>
#include <tuple>

#include <fmt/format.h>

#include "recon/engine/columns.hpp"
#include "aggregate_rules.hpp"

namespace recon {

namespace {

/// One side's description of a table, retried like any step on a lost connection.
TableInfo describe(const RunOptions& opts, ConnectionPool& pool, Side side, const TableRef& table) {
  if (!table.query.empty() && !pool.get(0, side).reads_queries())
    throw InputError(fmt::format("the {} side ({}) cannot read a query; [[aggregates]] need an engine that does "
                                 "(postgres)", side_name(side), pool.get(0, side).endpoint()));
  return retry_on_lost_connection(opts, pool, 0, [&] { return pool.get(0, side).describe(table); });
}

/// Both sides' descriptions of one table pair; a side that needs the other's description (files
/// without types) is described second, from it.
std::pair<TableInfo, TableInfo> describe_pair(const RunOptions& opts, ConnectionPool& pool, const TableJob& job) {
  const bool source_after = pool.get(0, Side::Source).needs_other_description(job.source);
  const bool target_after = pool.get(0, Side::Target).needs_other_description(job.target);
  if (source_after && target_after)
    throw InputError(fmt::format("neither side can describe {} by itself (both are files without types); list the "
                                 "columns of one side in its `columns` setting", job.source.display()));
  auto from = [&](Side side, const TableRef& table, const TableInfo& other) {
    return retry_on_lost_connection(opts, pool, 0, [&] { return pool.get(0, side).describe_from(table, other); });
  };
  if (source_after) {
    TableInfo t = describe(opts, pool, Side::Target, job.target);
    return {from(Side::Source, job.source, t), std::move(t)};
  }
  TableInfo s = describe(opts, pool, Side::Source, job.source);
  if (target_after) return {s, from(Side::Target, job.target, s)};
  return {std::move(s), describe(opts, pool, Side::Target, job.target)};
}

/// Validated, ready-to-run tables. Every problem of every table is reported at once.
std::vector<TableContext> validate(const RunOptions& opts, ConnectionPool& pool) {
  std::vector<TableContext> contexts;
  std::vector<std::string> errors;
  for (const TableJob& job : opts.tables) {
    TableInfo s, t;
    try {
      std::tie(s, t) = describe_pair(opts, pool, job);
    } catch (const InputError& e) {
      errors.push_back(fmt::format("table {} (job line {}): {}", job.name, job.line, e.what()));
      continue;
    }
    Connector& src = pool.get(0, Side::Source);
    Connector& tgt = pool.get(0, Side::Target);
    TableContext ctx = resolve_table(job, s, t, opts, errors);
    ctx.target_dialect = tgt.dialect();
    ctx.compare_wire_bytes = same_wire_values(ctx, src, tgt);
    ctx.source_endpoint = src.endpoint();
    ctx.target_endpoint = tgt.endpoint();
    attach_privacy(opts, t, ctx, errors);
    contexts.push_back(std::move(ctx));
  }
  if (!errors.empty()) {
    std::string all = errors.front();
    for (std::size_t i = 1; i < errors.size(); ++i) all += "\n" + errors[i];
    throw InputError(fmt::format("{}{}", opts.job_file.empty() ? "" : opts.job_file.string() + ": ", all));
  }
  return contexts;
}

}  // namespace

void attach_privacy(const RunOptions& opts, const TableInfo& target, TableContext& ctx,
                    std::vector<std::string>& errors) {
  const TableJob& job = *ctx.job;
  if (job.pii.empty()) return;
  std::vector<std::optional<privacy::MaskKind>> keys(ctx.target_keys.size()), values(ctx.target_values.size());
  for (const PiiColumn& p : job.pii) {
    bool found = false;
    for (std::size_t i = 0; i < ctx.target_keys.size(); ++i)
      if (ctx.target_keys[i].name == p.column) keys[i] = p.mask;
    for (std::size_t i = 0; i < ctx.target_values.size(); ++i)
      if (ctx.target_values[i].name == p.column) values[i] = p.mask;
    for (const ColumnInfo& c : target.columns) found = found || c.name == p.column;
    if (!found)
      errors.push_back(fmt::format("table {} (job line {}): pii names column '{}', which target table {} does not "
                                   "have; pii uses target column names", job.name, job.line, p.column,
                                   job.target.display()));
  }
  ctx.privacy = std::make_shared<const privacy::TablePrivacy>(std::move(keys), std::move(values), opts.pii_key);
}

/// Every rule file of the job, parsed and validated before any connection is opened: the job's
/// [check].rules, and each table's own list.
JobRules::JobRules(const RunOptions& opts) : check(rules::load_rule_files(opts.rules)) {
    for (const TableJob& t : opts.tables) {
      if (t.aggregate) {  // its own files, then the built-in aggregate rules
        rules::RuleSet& set = per_aggregate.emplace(t.name, rules::load_rule_files(t.rules)).first->second;
        append_aggregate_rules(t, set);
      } else if (!t.rules.empty() && !per_table.count(t.rules)) {
        per_table.emplace(t.rules, rules::load_rule_files(t.rules));
      }
    }
}

void JobRules::attach(TableContext& ctx) {
    static const rules::RuleSet none;
    const TableJob& job = *ctx.job;
    const rules::RuleSet& own = job.aggregate ? per_aggregate.at(job.name)
                                : job.rules.empty() ? none : per_table.at(job.rules);
    std::vector<rules::RuleColumn> columns;
    for (std::size_t i = 0; i < ctx.target_values.size(); ++i)
      columns.push_back({ctx.target_values[i].name, ctx.select_values_target[i].compare_as});
    const std::vector<std::string> names = {ctx.name, job.target.display(), job.target.name, job.source.display(),
                                            job.source.name};
    compiled.push_back(std::make_unique<rules::TableRules>(own, check, names, std::move(columns)));
    ctx.rules = compiled.back().get();
    for (const auto& note : ctx.rules->notes()) ctx.notes.push_back(note);
}


PreparedJob prepare_job(const RunOptions& opts, std::size_t workers) {
  return prepare_job(opts, workers, std::make_unique<JobRules>(opts));
}

PreparedJob prepare_job(const RunOptions& opts, std::size_t workers, std::unique_ptr<JobRules> rules) {
  PreparedJob p;
  p.rules = std::move(rules);
  p.pool = std::make_unique<ConnectionPool>(opts, std::max<std::size_t>(workers, 1));
  ConnectionPool& pool = *p.pool;
  // Both logins at once (a SCRAM or TLS login is tens of milliseconds before anything can start);
  // a source failure is still the one reported when both fail.
  auto login = [&](Side side) { retry_on_lost_connection(opts, pool, 0, [&] { pool.get(0, side); }); };
  auto target = std::async(std::launch::async, login, Side::Target);
  login(Side::Source);
  target.get();
  p.contexts = validate(opts, pool);
  for (auto& ctx : p.contexts) p.rules->attach(ctx);
  return p;
}

}  // namespace recon

#pragma once
/// What `check`, `recheck` and `explain` share before any data moves: rule files parsed, both
/// engines connected, every table described, paired and given its rules.

#include <map>
#include <memory>
#include <vector>

#include "recon/config/job.hpp"
#include "recon/connector/connector.hpp"
#include "recon/engine/workers.hpp"
#include "recon/model/result.hpp"
#include "recon/rules/rules.hpp"

namespace recon {

/// Every rule file of a job, parsed once: [check].rules and each table's own list.
struct JobRules {
  explicit JobRules(const RunOptions& opts);
  /// Compiles the rules that apply to `ctx`, points ctx.rules at them and adds their notes.
  void attach(TableContext& ctx);

  rules::RuleSet check;
  std::map<std::vector<std::filesystem::path>, rules::RuleSet> per_table;
  /// Each [[aggregates]] entry's own files followed by its built-in rules, by name.
  std::map<std::string, rules::RuleSet> per_aggregate;
  std::vector<std::unique_ptr<rules::TableRules>> compiled;
};

struct PreparedJob {
  std::unique_ptr<JobRules> rules;  ///< owns what contexts[i].rules points to
  /// The connections: worker 0's are open (they described the tables); the others open on use.
  /// Refers to the RunOptions given to prepare_job, which must outlive it.
  std::unique_ptr<ConnectionPool> pool;
  std::vector<TableContext> contexts;  ///< one per opts.tables entry, in order
};

/// The table's pii columns (TableJob::pii) as masks of its key and compared columns, set on
/// ctx.privacy. A pii column the target does not have is an error appended to `errors` (a misspelt
/// name would leave personal data unmasked); one that exists but is not compared (ignored, one
/// side only) is never read, so there is nothing to mask. `target` is the target's description.
void attach_privacy(const RunOptions& opts, const TableInfo& target, TableContext& ctx,
                    std::vector<std::string>& errors);

/// Parses the rule files (InputError, before any connection), connects both sides at once
/// (ConnectorError), then describes and pairs every table. Logins and descriptions go through the
/// one retry path (retry_on_lost_connection). Every problem of every table is reported at once, as
/// one InputError naming the job file, table and column. `workers`: the pool's size.
PreparedJob prepare_job(const RunOptions& opts, std::size_t workers = 1);
/// The same with the job's rule files already parsed (a run checks them before it is recorded).
PreparedJob prepare_job(const RunOptions& opts, std::size_t workers, std::unique_ptr<JobRules> rules);

}  // namespace recon

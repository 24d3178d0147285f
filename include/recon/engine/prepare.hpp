#pragma once
/// What `check`, `recheck` and `explain` share before any data moves: rule files parsed, both
/// engines connected, every table described, paired and given its rules.

#include <map>
#include <memory>
#include <vector>

#include "recon/config/job.hpp"
#include "recon/connector/connector.hpp"
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
  std::vector<std::unique_ptr<rules::TableRules>> compiled;
};

struct PreparedJob {
  std::unique_ptr<JobRules> rules;  ///< owns what contexts[i].rules points to
  std::unique_ptr<Connector> source, target;
  std::vector<TableContext> contexts;  ///< one per opts.tables entry, in order
};

/// Parses the rule files (InputError, before any connection), connects both sides
/// (ConnectorError), then describes and pairs every table. Every problem of every table is reported
/// at once, as one InputError naming the job file, table and column.
PreparedJob prepare_job(const RunOptions& opts);

}  // namespace recon

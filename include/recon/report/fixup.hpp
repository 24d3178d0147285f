#pragma once
/// Fix-up SQL: per table, the statements that make the target equal to the source.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "recon/model/result.hpp"

namespace recon {

/// Writes <out_dir>/fixup/<table>.sql for every table it is told about, as a ResultSink; an
/// [[aggregates]] entry gets none (a group is no row to repair).
///
/// Contract:
///  - The statements are repair::GuardedSql's (recon/repair/guarded_sql.hpp): only what the rules
///    say to fix (Open, action fix; a changed row as an UPDATE of finding.fix_columns; escalated
///    rows never), each guarded by what recon observed on the target, with columns left out of the
///    guard marked on the line ("-- unguarded: …"). `recon apply` builds the same statements.
///  - The file is one transaction: DELETE for each missing_in_source row (WHERE on every key
///    column), UPDATE for each changed row, INSERT of key + compared columns for each
///    missing_in_target row, in that order (deletes first so a unique constraint on a non-key
///    column cannot trip over a row that is about to go), each group in key order.
///  - The header names the run, table, source and target (no passwords), the table's counts, the
///    statements in the file, and — when not zero — what was left out and why ("-- not fixed
///    here: 12 tolerated, 3 report-only, 1 escalated, 4 in flight, 2 suspended, 9 converged") and
///    how many changed rows are only partly fixed (some differing columns' rules do not say fix).
///  - Values are the source's, rendered for the target column (TableContext::target_keys /
///    target_values) in TableContext::target_dialect.
///  - Divergences are streamed to temp files, never held in memory; end_table writes the header
///    (counts are only known then) and renames the result into place, so a crash leaves no
///    half-written .sql. A table with no divergences still gets a file ("-- no divergences").
///  - end_table sets TableResult::fixup_sql to "fixup/<file>.sql", <file> by file_name_for: each
///    table of a run its own file, and TableResult::fixup_sha256 to the SHA-256 of the file.
///  - Tables may interleave (batches of several tables open at once); one thread calls it.
///  - I/O failures throw std::runtime_error naming the file.
class FixupWriter : public ResultSink {
 public:
  FixupWriter(std::filesystem::path out_dir, std::string run_id);
  ~FixupWriter() override;  ///< removes the temp files of tables that never reached end_table
  FixupWriter(const FixupWriter&) = delete;
  FixupWriter& operator=(const FixupWriter&) = delete;

  void begin_table(const TableContext& table) override;
  void divergences(const TableContext& table, const std::vector<Divergence>& batch) override;
  void end_table(const TableContext& table, TableResult& result) override;

  /// File name (without ".sql") for a report name; unique per name and the same in every run.
  ///  - A name of only a-z, 0-9, '_', '-', '.' (no leading '.', not ending like "-1a2b3c4d", at
  ///    most 200 bytes) is the file name as it is: "simulacoes" -> "simulacoes".
  ///  - Any other name is sanitised — characters other than letters, digits, '_', '-', '.' and
  ///    non-ASCII become '_', a leading '.' gets a '_' before it, cut to 200 bytes — and gets "-"
  ///    and the first 8 hex digits of the XXH3-64 of the exact name: "a b" -> "a_b-<hash>",
  ///    "A_B" -> "A_B-<hash>". So "a b", "a/b" and "a_b" are three files, names differing only in
  ///    case never share one on a case-insensitive file system, and no name leaves the folder.
  static std::string file_name_for(const std::string& table_name);

 private:
  struct Table;
  std::filesystem::path dir_;
  std::string run_id_;
  std::map<std::string, std::unique_ptr<Table>> open_;  ///< by report name
  /// File names given out in this run, ASCII-lowercased -> report name: begin_table throws
  /// std::runtime_error rather than let a second table write into one (a hash clash).
  std::map<std::string, std::string> files_;
};

}  // namespace recon

#pragma once
/// The demo dataset: two SQLite files with the consórcio model (clientes, produtos, grupos,
/// simulacoes) where the target is the source plus planted, exactly counted divergences.

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace recon {

struct DemoPlan {
  std::int64_t simulacoes = 300000;  ///< rows of simulacoes (clientes ~20k, produtos 50, grupos 2k)
  std::uint64_t seed = 42;           ///< same plan and seed -> byte-identical data
};

/// What was planted, per table name ("clientes", "produtos", "grupos", "simulacoes").
struct DemoTruth {
  /// {missing_in_target, missing_in_source, changed}: the exact counts a correct check reports.
  std::map<std::string, std::array<std::int64_t, 3>> planted;
  /// Rows whose target value is spelled differently but equal after canonicalisation
  /// ('1234.50' vs '1234.5', JSON key order and whitespace, 'T' and '.000000' in timestamps,
  /// a date written with a midnight time). A correct check counts them as matched.
  std::map<std::string, std::int64_t> respelled;
};

/// Writes `source_db` and `target_db` (replacing existing files) deterministically from `plan`.
/// Throws InputError when a file cannot be created (names it: check --out), std::runtime_error
/// on an unexpected SQLite failure while writing.
DemoTruth build_demo_databases(const std::filesystem::path& source_db,
                               const std::filesystem::path& target_db, const DemoPlan& plan);

/// The job file text comparing the two demo databases (the job format of docs/job-file.md): sqlite on both
/// sides, threads 2, chunk_rows 50000, slo 0.9999, the four tables keyed by id, and
/// simulacoes.parametros_entrada compared as JSON; with `rules_file`, [check].rules names it (the
/// shipped rules/default.toml, which classifies divergences and tolerates none).
std::string demo_job_toml(const std::filesystem::path& source_db, const std::filesystem::path& target_db,
                          const std::string& rules_file = "");

}  // namespace recon

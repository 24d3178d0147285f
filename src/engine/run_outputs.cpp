#include "recon/engine/run_outputs.hpp"

#include <iostream>

#include "recon/core/errors.hpp"
#include "recon/report/emf.hpp"
#include "recon/report/html_report.hpp"
#include "recon/report/metrics.hpp"
#include "recon/report/output_file.hpp"
#include "recon/report/summary.hpp"

namespace recon {
namespace fs = std::filesystem;

void write_run_files(const fs::path& out_dir, const RunResult& result) {
  write_summary(out_dir, result);
  write_metrics(out_dir, result);
}

bool write_scheduler_outputs(const RunOptions& opts, const RunResult& result) {
  try {
    if (!opts.metrics_file.empty()) {
      if (opts.metrics_file.has_parent_path()) report::create_readable_folders(opts.metrics_file.parent_path());
      // 0644 on purpose: node_exporter runs as another user, and the metrics hold no row values.
      report::write_file_atomically(opts.metrics_file, render_metrics(result), false, /*readable_by_all=*/true);
    }
    if (!opts.emf_file.empty()) append_emf(opts.emf_file, result);
  } catch (const std::exception& e) {
    std::cerr << "recon: " << redact_secrets(e.what()) << "\n";
    return false;
  }
  return true;
}

bool write_html_report(const fs::path& out_dir, const RunResult& result, AuditDb& audit) {
  try {
    std::vector<std::string> tables;
    for (const TableResult& t : result.tables) tables.push_back(t.name);
    write_report_html(out_dir, result, audit.table_trends(result.run_id, tables));
  } catch (const std::exception& e) {
    std::cerr << "recon: report.html not written: " << redact_secrets(e.what()) << "\n";
    return false;
  }
  return true;
}

}  // namespace recon

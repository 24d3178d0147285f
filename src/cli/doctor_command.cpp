// `recon doctor --config JOB [--tables a,b] [--json] [--role NAME]`: the read-only preflight
// (docs/doctor.md).
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <iostream>

#include "commands.hpp"
#include "recon/audit/audit_db.hpp"
#include "recon/config/job.hpp"
#include "recon/core/errors.hpp"
#include "recon/doctor/audit_entry.hpp"
#include "recon/doctor/doctor.hpp"
#include "recon/doctor/render.hpp"

namespace recon {
namespace po = boost::program_options;

void describe_doctor(po::options_description& desc) {
  desc.add_options()
      ("config,c", po::value<std::string>()->required()->value_name("JOB.toml"), "job file (required)")
      ("tables", po::value<std::string>()->value_name("a,b"), "only these [[tables]] (report name, source or target name); default: all")
      ("json", "one JSON object on stdout instead of the table (docs/doctor.md)")
      ("all", "one row per check; default: a table's OK and SKIP checks share one row")
      ("role", po::value<std::string>()->default_value("recon_reader")->value_name("NAME"), "the role the least-privilege statements create; the apply role is NAME_apply")
      ("audit", po::value<std::string>()->value_name("FILE"), "SQLite audit trail the run is recorded in; default: [check].audit or recon-audit.db beside the job file");
}

namespace {

/// The terminal's width when stdout is one, else doctor's default.
std::size_t output_width() {
  winsize w{};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col >= 60) return w.ws_col;
  return doctor::kDefaultWidth;
}

}  // namespace

int run_doctor_command(const po::variables_map& vm) {
  CheckFlags flags;
  flags.config = vm["config"].as<std::string>();
  if (vm.count("tables")) flags.tables = vm["tables"].as<std::string>();
  if (vm.count("audit")) flags.audit = vm["audit"].as<std::string>();
  const RunOptions opts = load_run_options(flags);  // a bad job file: InputError, exit 2, nothing written
  doctor::Options options;
  options.role = vm["role"].as<std::string>();
  // The name goes into GRANT statements as it is: only a plain identifier is accepted.
  const bool plain = !options.role.empty() && !std::isdigit(static_cast<unsigned char>(options.role[0])) &&
                     std::all_of(options.role.begin(), options.role.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                     });
  if (!plain) throw InputError("--role '" + options.role + "': give a plain name (letters, digits, _), e.g. recon_reader");
  const doctor::Report report = doctor::run_doctor(opts, options, flags.config.string());
  if (vm.count("json")) std::cout << doctor::render_json(report).dump(2) << "\n";
  else std::cout << doctor::render_text(report, output_width(), vm.count("all") > 0);
  std::cout.flush();
  // The entry is written after the report is out: a person sees the checks even when the audit
  // file cannot be written, and is told so.
  try {
    AuditDb audit;
    audit.open(opts.audit_db);
    audit.record_doctor_run(doctor::audit_record(report, opts));
    if (!vm.count("json")) std::cout << "audit:   " << opts.audit_db.string() << " (recon audit doctor lists doctor runs)\n";
  } catch (const std::exception& e) {
    std::cerr << "recon: warning: the doctor run was not recorded in the audit DB: " << redact_secrets(e.what()) << "\n";
  }
  return report.exit_code();
}

}  // namespace recon

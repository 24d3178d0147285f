// The subcommand table and the mapping of failures to exit codes (docs/cli.md).
#include "recon/cli/cli.hpp"

#include <sys/stat.h>

#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "recon/core/errors.hpp"
#include "recon/core/interrupt.hpp"


namespace recon {
namespace po = boost::program_options;

namespace {

struct Command {
  const char* name;
  const char* summary;
  void (*describe)(po::options_description&);
  int (*run)(const po::variables_map&);
  /// The option a bare argument fills (`recon show latest` = `recon show --run latest`), or none.
  const char* positional = nullptr;
};

const Command kCommands[] = {
    {"check", "compare the tables of a job file between source and target", describe_check, run_check_command},
    {"doctor", "read-only preflight of a job: logins, rights, indexes, collations, clocks, type self-test", describe_doctor, run_doctor_command},
    {"demo", "build two SQLite databases with planted divergences and check them", describe_demo, run_demo_command},
    {"recheck", "fetch a past run's open divergences again: converged, in flight, or still broken?", describe_recheck, run_recheck_command},
    {"explain", "one key on both sides, column by column, and the rules' chain of decisions", describe_explain, run_explain_command},
    {"apply", "apply a run's fix-up to the target: guarded, undoable, re-verified, recorded", describe_apply, run_apply_command},
    {"runs", "the newest runs in the audit DB: mode, status, index and counts per table", describe_runs, run_runs_command},
    {"show", "what one run found: its tables, findings, rechecks and repairs", describe_show, run_show_command, "run"},
    {"history", "one key of one table across runs: found, category, rechecked, repaired", describe_history, run_history_command},
    {"report", "a run's report.html: summary, findings by severity, per-column counts, index trends", describe_report, run_report_command, "run"},
    {"drill", "the source (or target) rows behind one group of an [[aggregates]] entry", describe_drill, run_drill_command},
    {"audit", "the audit DB itself: prune --keep 90d removes old runs (on record), verify walks its hash chain, doctor lists doctor runs", describe_audit, run_audit_command, "action"},
};

void print_usage(std::ostream& os) {
  os << "recon " RECON_VERSION_STRING " — data-consistency reconciliation and audit\n\n"
     << "usage: recon COMMAND [options]\n       recon COMMAND --help\n       recon --version\n\ncommands:\n";
  for (const auto& c : kCommands) os << fmt::format("  {:<8} {}\n", c.name, c.summary);
  os << "\nexit codes: 0 consistent (every table at or above its SLO), 1 divergent (a table below its SLO,\n"
        "            or a divergence a rule escalates), 2 bad input (nothing compared), 3 runtime failure\n"
        "            (partial results kept and marked; also a run stopped by SIGINT/SIGTERM). recheck/explain:\n"
        "            0 nothing open, 1 still divergent. apply: 0 every key it ran a statement for now matches,\n"
        "            1 otherwise (a conflict, a key still divergent, --strict rolled back). audit verify:\n"
        "            0 the hash chain is intact, 1 a record does not verify. doctor: 0 every check OK,\n"
        "            1 a warning or a failed check, 2 bad job or a table a run would refuse, 3 cannot connect.\n";
}

}  // namespace

int run_cli(int argc, char** argv) {
  install_interrupt_handlers();  // SIGINT/SIGTERM: stop cleanly, record what is known (exit 3)
  // Everything recon creates — output folders, summaries, fix-up SQL with real values, the audit DB
  // and its WAL — is owner-only (folders 0700, files 0600); the few files other programs read are
  // made readable on purpose (the stable metrics file, the EMF log).
  ::umask(S_IRWXG | S_IRWXO);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage(std::cout);
    return args.empty() ? kExitBadInput : kExitConsistent;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::cout << "recon " RECON_VERSION_STRING "\n";
    return kExitConsistent;
  }
  const Command* cmd = nullptr;
  for (const auto& c : kCommands)
    if (args[0] == c.name) cmd = &c;
  if (!cmd) {
    std::cerr << "recon: unknown command '" << args[0] << "'\n\n";
    print_usage(std::cerr);
    return kExitBadInput;
  }
  try {
    po::options_description desc(fmt::format("recon {} — {}\n\noptions", cmd->name, cmd->summary));
    desc.add_options()("help,h", "show this help");
    cmd->describe(desc);
    po::variables_map vm;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    po::positional_options_description positional;
    if (cmd->positional) positional.add(cmd->positional, 1);
    po::store(po::command_line_parser(rest).options(desc).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return kExitConsistent;
    }
    po::notify(vm);
    return cmd->run(vm);
  } catch (const po::error& e) {
    std::cerr << "recon " << cmd->name << ": " << e.what() << " (see recon " << cmd->name << " --help)\n";
    return kExitBadInput;
  } catch (const InputError& e) {
    std::cerr << "recon: error: " << redact_secrets(e.what()) << "\n";
    return kExitBadInput;
  } catch (const ConnectorError& e) {
    std::cerr << "recon: error: " << side_name(e.side()) << ": " << redact_secrets(e.what()) << "\n";
    return e.login() ? kExitBadInput : kExitRuntime;
  } catch (const std::exception& e) {
    std::cerr << "recon: error: " << redact_secrets(e.what()) << "\n";
    return kExitRuntime;
  }
}

}  // namespace recon

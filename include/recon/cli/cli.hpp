#pragma once
/// The command line: one table of subcommands (check, demo, ...), each a row with its options.
namespace recon {
/// Parses argv, runs the subcommand, returns the process exit code (docs/cli.md).
int run_cli(int argc, char** argv);
}  // namespace recon

// recon: data-consistency reconciliation. The subcommand table lives in src/cli/.
#include "recon/cli/cli.hpp"

int main(int argc, char** argv) { return recon::run_cli(argc, argv); }

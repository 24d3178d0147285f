#pragma once
/// Interruption: SIGINT / SIGTERM ask a run to stop. The first signal sets a flag that the engine
/// polls (no new ranges, no new tables, rechecks stop looking); what is known is then written and
/// the run ends as `interrupted`. A second signal ends the process at once (exit 3).

#include <chrono>

namespace recon {

/// Installs the SIGINT/SIGTERM handlers (idempotent). Called once by the CLI.
void install_interrupt_handlers();
/// True once a stop was asked for (a signal, or request_interrupt()).
bool interrupt_requested();
/// Asks for a stop as a signal would (tests; never exits the process).
void request_interrupt();
/// Forgets a request (tests).
void clear_interrupt();
/// Sleeps `duration`, or less when a stop is asked for meanwhile. True when it slept in full.
bool sleep_unless_interrupted(std::chrono::microseconds duration);

}  // namespace recon

#include "recon/core/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "recon/core/errors.hpp"

namespace recon {

namespace {

std::atomic<bool> g_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler may only touch lock-free atomics");

extern "C" void on_stop_signal(int) {
  if (g_requested.exchange(true)) _exit(kExitRuntime);  // the second signal: stop now
  constexpr char kMessage[] =
      "\nrecon: stopping: finishing the ranges in flight, then writing what is known (signal again to quit now)\n";
  const ssize_t ignored = write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  (void)ignored;
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking poll() returns EINTR and notices at once
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool interrupt_requested() { return g_requested.load(std::memory_order_relaxed); }

void request_interrupt() { g_requested = true; }

void clear_interrupt() { g_requested = false; }

bool sleep_unless_interrupted(std::chrono::microseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  constexpr auto kTick = std::chrono::milliseconds(50);
  while (!interrupt_requested()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now, kTick));
  }
  return false;
}

}  // namespace recon

#include "loopfront/util/signals.h"

#include <atomic>
#include <csignal>

namespace loopfront::util {
namespace {

std::atomic<int> stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "a signal handler may only touch lock-free atomics");

extern "C" void HandleStopSignal(int signal_number) {
  int expected = 0;
  if (!stop_signal.compare_exchange_strong(expected, signal_number)) {
    // Second signal: restore the default action and re-raise, so the process ends now.
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
  }
}

}  // namespace

void InstallStopHandlers() {
  struct sigaction action = {};
  action.sa_handler = HandleStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool StopRequested() { return stop_signal.load(std::memory_order_relaxed) != 0; }
int StopSignal() { return stop_signal.load(std::memory_order_relaxed); }
void RequestStop(int signal_number) {
  int expected = 0;
  stop_signal.compare_exchange_strong(expected, signal_number);
}
void RequestStopForTesting(int signal_number) { stop_signal.store(signal_number); }
void ClearStopRequest() { stop_signal.store(0); }

}  // namespace loopfront::util

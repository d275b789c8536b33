// Cooperative stop on SIGINT / SIGTERM (DESIGN §2.9): the handler only records the signal; long
// loops (searchers, the experiment runner) poll StopRequested() and finish what they are writing,
// then the runner exits with 128 + the signal number, as a shell would report it.
//
// Thread-safety: StopRequested() and StopSignal() are lock-free atomics, safe from any thread.
#pragma once

namespace loopfront::util {

// Installs the handlers (idempotent). The first signal requests a stop; a second one of the same
// kind falls back to the default action, so a user can always interrupt a stuck run.
void InstallStopHandlers();

bool StopRequested();
// The signal that requested the stop, 0 if none.
int StopSignal();
// Requests a stop as if `signal_number` had arrived, unless one is requested already (the MPI runner
// passes a signal that reached one rank on to the others).
void RequestStop(int signal_number);
// For tests: request a stop as if `signal_number` had arrived, or clear the request.
void RequestStopForTesting(int signal_number);
void ClearStopRequest();

}  // namespace loopfront::util

// The OpenMP side of ParallelFor (search/search_run.h): the only file of search/ that includes
// <omp.h>, so that OpenMP stays out of the public headers.
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>  // getenv, getloadavg (glibc)
#include <exception>
#include <mutex>

#include "loopfront/search/search_run.h"

namespace loopfront::search {
namespace {

// Processors the machine's load leaves idle: the online processors minus the 15-minute load
// average (+0.1, rounding down), at least 1. This is the rule libgomp applies to a team when
// dynamic adjustment is on (OpenMP 5.2 §2.4.1; libgomp's gomp_dynamic_max_threads in
// config/linux/proc.c), computed here for our own teams instead of switching on the process-wide
// dyn-var ICV. The load average moves slowly, so it is read at most once a second.
int IdleProcessors() {
  using Clock = std::chrono::steady_clock;
  static std::atomic<int> idle{0};  // 0 = never read
  static std::atomic<Clock::rep> read_at{0};
  const Clock::rep now = Clock::now().time_since_epoch().count();
  const int cached = idle.load(std::memory_order_relaxed);
  if (cached > 0 &&
      now - read_at.load(std::memory_order_relaxed) < std::chrono::nanoseconds(std::chrono::seconds(1)).count()) {
    return cached;
  }
  const int processors = omp_get_num_procs();
  int available = processors;
  double load[3];
  if (getloadavg(load, 3) == 3) {
    const auto busy = static_cast<int>(load[2] + 0.1);
    available = busy >= processors ? 1 : processors - busy;
  }
  idle.store(std::max(1, available), std::memory_order_relaxed);
  read_at.store(now, std::memory_order_relaxed);
  return std::max(1, available);
}

// The team for `threads` requested over `count` indices. When the machine is oversubscribed,
// fork-join barriers every few hundred microseconds would wait on descheduled threads, so the team
// shrinks to the idle processors. Bodies write only their own index's results, so the outcome
// never depends on the team size. A user who sets OMP_DYNAMIC (e.g. `false` to benchmark scaling)
// decides instead: then the team is as requested and the runtime applies the user's setting.
int TeamSize(int threads, std::int64_t count) {
  static const bool user_sets_dynamic = std::getenv("OMP_DYNAMIC") != nullptr;
  int team = static_cast<int>(std::min<std::int64_t>(threads, count));
  if (!user_sets_dynamic) team = std::min(team, IdleProcessors());
  return std::max(team, 1);
}

}  // namespace

void ParallelForRanges(int threads, std::int64_t count, util::FunctionRef<void(std::int64_t, std::int64_t)> body) {
  if (count <= 0) return;
  const int team = threads <= 1 ? 1 : TeamSize(threads, count);
  if (team <= 1) {
    body(0, count);
    return;
  }
  std::exception_ptr failure;
  std::once_flag failure_once;
#pragma omp parallel num_threads(team)
  {
    // The runtime may give fewer threads than asked (OMP_DYNAMIC, OMP_THREAD_LIMIT): split by the
    // team actually formed, in contiguous ranges as a static schedule would.
    const std::int64_t members = omp_get_num_threads();
    const std::int64_t member = omp_get_thread_num();
    const std::int64_t base = count / members;
    const std::int64_t extra = count % members;
    const std::int64_t begin = member * base + std::min(member, extra);
    const std::int64_t end = begin + base + (member < extra ? 1 : 0);
    if (begin < end) {
      try {
        body(begin, end);
      } catch (...) {
        std::call_once(failure_once, [&] { failure = std::current_exception(); });
      }
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace loopfront::search

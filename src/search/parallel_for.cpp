// The OpenMP side of ParallelFor (search/search_run.h): the only file of search/ that includes
// <omp.h>, so that OpenMP stays out of the public headers.
#include <omp.h>

#include <algorithm>
#include <exception>
#include <mutex>

#include "loopfront/search/search_run.h"

namespace loopfront::search {
namespace {

// The team for `threads` requested over `count` indices: exactly `threads` (never more members than
// indices). `--threads N` means N (issue #16): on a cluster node the user's allocated cores must
// be used, and on a shared machine a user who asks for 2 threads gets 2. OpenMP's dynamic
// adjustment (which may shrink a team to the processors the load average leaves idle) is off unless
// the user sets OMP_DYNAMIC=true; then the runtime applies it and the split below follows the team
// actually formed. Bodies write only their own index's results, so the outcome never depends on
// the team size.
int TeamSize(int threads, std::int64_t count) {
  return static_cast<int>(std::max<std::int64_t>(1, std::min<std::int64_t>(threads, count)));
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

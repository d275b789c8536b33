#include "loopfront/util/threads.h"

#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "loopfront/util/strings.h"

namespace loopfront::util {

int DefaultThreadCount() {
  int cpus = 0;
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof(mask), &mask) == 0) cpus = CPU_COUNT(&mask);
  if (cpus <= 0) cpus = static_cast<int>(std::thread::hardware_concurrency());
  cpus = std::max(cpus, 1);
  if (const char* omp = std::getenv("OMP_NUM_THREADS")) {
    // OMP_NUM_THREADS may be a list ("4,2" for nested levels); its first entry is ours.
    const std::optional<std::int64_t> requested = ParseInt64(Split(omp, ',').front());
    if (requested && *requested > 0) cpus = static_cast<int>(std::min<std::int64_t>(*requested, cpus));
  }
  return cpus;
}

}  // namespace loopfront::util

// How many threads loopfront uses by default: the CPUs this process may run on (its affinity
// mask, which Slurm and taskset set), capped by OMP_NUM_THREADS when that is set to a positive
// number. Always ≥ 1.
#pragma once

namespace loopfront::util {

int DefaultThreadCount();

}  // namespace loopfront::util

// An op spec (workload/op_spec.h: `matmul m=512 n=768 k=768`, as `--op` and a mapping's `op:`),
// built into a problem on the gemmini preset.
#include "fuzz_target.h"
#include "loopfront/arch/loader.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/workload/op_spec.h"

LOOPFRONT_FUZZ_TARGET(op_spec) {
  static const auto architecture = loopfront::arch::LoadArchitecture("gemmini");
  const auto op = loopfront::workload::ParseOpSpec(input);
  (void)loopfront::mapping::Problem::Build(op, architecture);
}

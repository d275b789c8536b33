// Uses the installed library the way a tool built on loopfront would: load a preset architecture,
// parse an op, compile the problem, parse a mapping in the one-line form and score it with the
// dataflow cost model. Prints `version <v> cycles <c> energy_pj <e>`; the test compares the cycles
// with `loopfront eval` of the same mapping (tests/golden/eval_table: 1,376,256).
#include <cstdio>
#include <exception>

#include "loopfront/arch/loader.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/version.h"
#include "loopfront/workload/op_spec.h"

int main() {
  using namespace loopfront;
  try {
    const arch::Architecture gemmini = arch::LoadArchitecture("gemmini");
    const workload::Op op = workload::ParseOpSpec("matmul m=512 n=768 k=768");
    const mapping::Problem problem = mapping::Problem::Build(op, gemmini);
    const mapping::Mapping mapping = mapping::ParseMapping(
        "DRAM[m2 n48] scratchpad*1[k48 | x:n16] accumulator*2[| y:k16] weight_reg[m256]", problem);
    const auto model = cost::BuiltinCostModels().Create("dataflow");
    const cost::Cost cost = model->Evaluate(problem, mapping);
    if (!cost.feasible) {
      std::fprintf(stderr, "consumer: the mapping is infeasible\n");
      return 1;
    }
    std::printf("version %s cycles %lld energy_pj %.6g\n", kVersion, static_cast<long long>(cost.cycles),
                cost.energy_pj);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "consumer: %s\n", error.what());
    return 1;
  }
}

// The problems the dataflow model's property tests run on (dataflow_score_test.cpp: EvaluateScore
// against Evaluate; dataflow_incremental_test.cpp: the incremental and well-formed entries against
// EvaluateScore): every preset architecture × a matmul, a bmm, a convolution (affine input), two
// vector ops and a packed-precision matmul.
#pragma once

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/arch/loader.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/workload/op_spec.h"

namespace loopfront::testing {

// Every preset of architectures/*.yaml.
inline constexpr std::string_view kDataflowPropertyPresets[] = {"gemmini",      "gemmini-ibert", "gemmini-survey-model",
                                                                "eyeriss-like", "simba-like",    "tpu-like"};

// Small enough that many sampled tiles fit the presets' buffers, so both feasible and infeasible
// mappings are drawn; BERT-like shapes otherwise (docs/mappings.md for the op specs). The last op
// is the only one that packs: 4-bit weights and 16-bit activations with 32-bit partial sums pack
// into every preset's 8-bit levels at ratios ≠ 1 (DESIGN §2.5, dataflow_precision_test.cpp).
inline std::vector<workload::Op> DataflowPropertyOps() {
  std::vector<workload::Op> ops;
  for (const std::string_view spec :
       {"matmul m=128 n=768 k=768", "bmm h=12 m=128 n=128 k=64", "conv c=16 m=32 p=14 q=14 r=3 s=3 stride=2",
        "softmax h=12 m=128 n=128", "layernorm m=128 n=768"}) {
    ops.push_back(workload::ParseOpSpec(std::string(spec)));
  }
  workload::Op packed = workload::ParseOpSpec("matmul m=128 n=768 k=768");
  packed.tensors[0].word_bits = 16;
  packed.tensors[1].word_bits = 4;
  packed.tensors[2].word_bits = 16;
  packed.accumulator_bits = 32;
  ops.push_back(packed);
  return ops;
}

// Calls `test(problem, seed)` on every preset × op above, in that order, with the seeds 1, 2, 3, …
// and the preset and op named in Catch's INFO. Checks that only the last op packs, so that a
// change to the problem list cannot drop the packed case silently.
template <typename Test>
void ForEachPropertyProblem(Test test) {
  std::uint64_t seed = 1;
  for (const std::string_view preset : kDataflowPropertyPresets) {
    const arch::Architecture architecture = arch::LoadArchitecture(preset);
    const std::vector<workload::Op> ops = DataflowPropertyOps();
    for (std::size_t op_idx = 0; op_idx < ops.size(); ++op_idx) {
      const mapping::Problem problem = mapping::Problem::Build(ops[op_idx], architecture);
      INFO(preset << ": op " << op_idx);
      CHECK(problem.packed() == (op_idx + 1 == ops.size()));
      test(problem, seed++);
    }
  }
}

}  // namespace loopfront::testing

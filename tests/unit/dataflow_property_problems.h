// The problems the dataflow model's property tests run on (dataflow_score_test.cpp: EvaluateScore
// against Evaluate; dataflow_incremental_test.cpp: the incremental and well-formed entries against
// EvaluateScore): every preset architecture × a matmul, a bmm, a convolution (affine input), two
// vector ops and a packed-precision matmul.
#pragma once

#include <string>
#include <string_view>
#include <vector>

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

}  // namespace loopfront::testing

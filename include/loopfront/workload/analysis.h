// Work counts of a workload, per op or per op class: the survey's Sec. 2.2 analysis behind
// `loopfront analyze` (Kim et al., arXiv 2302.14017).
//
// For each group: how many op executions it holds, MACs, FLOPs and bytes, summed over every
// execution (op count × per-execution value, so over all layers):
//   - MACs: contraction iteration points; FLOPs: 2 per MAC (survey Sec. 2.2) plus, for vector ops,
//     output elements × Σ ops_per_element over passes (DESIGN §2.1.1; defaults in op.h);
//   - bytes under ideal reuse: each op reads every input/weight tensor once and writes its output
//     once, at the tensor's word size (survey Sec. 2.2: an upper bound on reuse, a lower bound on
//     traffic);
//   - arithmetic intensity = FLOPs / bytes;
//   - params: Σ Op::parameters of the group's ops (model parameters, every layer and expert, biases
//     included, a tied embedding table once). Not multiplied by the op count (Op::parameters
//     already covers every layer) nor, in decode, by the steps: parameters are the model's.
//   - kv_cache_bytes: the KV cache the workload leaves behind: every tensor with data kv_cache
//     that a contraction (the attention matmuls Q×K^T and attention×V) reads, at its word size,
//     × the op count (one cache per layer), each tensor name once; it lands in the group of the
//     first op reading it (qk_matmul for K, av_matmul for V: class mha_act_to_act). Prefill: the
//     cache the prompt leaves; decode: the cache after the last step.
// Classes, in this order: the survey's Table 2 (mha_projection, mha_act_to_act, ffn_projection,
// other), then the classes of LLM ends (embedding, lm_head, moe_router), then total. Mixture-of-
// experts expert MLPs count as ffn_projection (op.h).
//
// Decode (AnalyzeTransformer with phase decode): the totals for generating seq_len tokens one at a
// time with a KV cache, starting from an empty cache: step t = 1 … seq_len runs the decode block
// with kv_len = t (the new token attends to itself and the t − 1 cached tokens). With a sliding
// window W the step attends to min(t, W) keys (TransformerSpec::AttendedKeys), so the steps with
// t ≥ W are identical. Every quantity is the exact sum over the steps, computed in closed form:
// with L = min(seq_len, W), step t's work is f(min(t, L)) with f affine on 1..L, and
//   Σ_{t=1..S} f(min(t, L)) = Σ_{t=1..L} f(t) + (S − L)·f(L).
// A group's count is layers × seq_len executions; params are one step's, kv_cache_bytes the final
// step's (L keys per sequence).
//
// Units: FLOPs and bytes are held in long double, which represents every integer below 2^64
// exactly (x86-64 80-bit extended precision), so integral totals print exactly; MACs and counts
// are int64 and overflow is a ConfigError (the workload is too large to count).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loopfront/workload/loader.h"
#include "loopfront/workload/transformer.h"
#include "loopfront/workload/workload.h"

namespace loopfront::workload {

enum class GroupBy : std::uint8_t { kOp, kClass };

// The name of the row that sums all others.
inline constexpr std::string_view kTotalGroup = "total";

struct WorkSummary {
  std::string group{};     // op name, class name, or "total"
  std::int64_t count = 0;  // op executions in the group
  std::int64_t macs = 0;
  long double flops = 0;
  long double bytes = 0;
  std::int64_t params = 0;         // parameter elements (see above)
  long double kv_cache_bytes = 0;  // bytes of the KV cache left behind (see above)

  // FLOPs per byte; 0 when the group moves no bytes.
  double ArithmeticIntensity() const;
  bool operator==(const WorkSummary&) const = default;
};

// One row per op in topological order (GroupBy::kOp) or per class in the order above
// (GroupBy::kClass, all seven classes even when empty), then the total row.
std::vector<WorkSummary> AnalyzeWorkload(const Workload& workload, GroupBy group_by);

// Prefill: AnalyzeWorkload of BuildTransformer(spec). Decode: the sum over the seq_len generation
// steps described above (spec.kv_len is ignored; the sliding window is honoured). The spec must be valid
// (CheckTransformerSpec).
std::vector<WorkSummary> AnalyzeTransformer(const TransformerSpec& spec, GroupBy group_by);

// AnalyzeTransformer for Transformer specs, AnalyzeWorkload of the op list otherwise.
std::vector<WorkSummary> AnalyzeWorkloadSpec(const WorkloadSpec& spec, GroupBy group_by);

}  // namespace loopfront::workload

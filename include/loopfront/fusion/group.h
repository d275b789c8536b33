// Fused groups and the rules that propose them (DESIGN §2.8).
//
// A fused group is a chain op₀ → op₁ → … → opₙ₋₁ of a workload graph whose intermediates
// Iⱼ (the output of opⱼ, read by opⱼ₊₁) stay on chip: they are never written to DRAM. A chain
// qualifies only when each intermediate has exactly one reader, the next member, and is not a
// result of the workload — otherwise its DRAM copy would still be needed.
//
// Candidate rules (DESIGN §2.8; the survey's Sec. 5.5 studies the first two):
//  - contraction → vector op(s): a contraction followed by one or two vector ops
//    (Q×K^T → softmax, W_out → add → LayerNorm, W2 → add → LayerNorm, W1 → GELU, ...);
//  - attention: contraction → softmax → contraction (Q×K^T → softmax → ×V);
//  - mlp: contraction → GELU or SiLU → contraction (W1 → GELU → W2).
// Members of a group run the same number of times (their `count`s are equal; a chain whose
// counts differ is not proposed).
//
// Chain dims. The dims of the members are linked through the intermediates: position p of Iⱼ's
// dims in opⱼ (its output) is the same dim as position p of Iⱼ's dims in opⱼ₊₁ (an input).
// A dim class that has one dim in EVERY member is a chain dim: the group's shared outer loops
// may only run over chain dims (DESIGN §2.8.1: attention b, h, m, plus the key dim; LayerNorm
// chains m, plus d_model). Whether a chain dim may be split by the shared loops depends on the
// architecture (a softmax's reduced dim needs whole rows unless `online_softmax`; a norm's reduced
// dim always does) and is decided by fusion::GroupModel.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/workload/workload.h"

namespace loopfront::fusion {

enum class GroupRule : std::uint8_t { kContractionVector, kAttention, kMlp };

std::string_view ToString(GroupRule rule);  // "contraction_vector", "attention", "mlp"

// Iⱼ: the output of members[j], read by members[j + 1].
struct Intermediate {
  std::string tensor;       // its name in the workload
  int producer_tensor = 0;  // index among members[j]'s tensors (its output)
  int consumer_tensor = 0;  // index among members[j + 1]'s tensors (an input or weight slot)
  bool operator==(const Intermediate&) const = default;
};

struct ChainDim {
  std::string name;              // the first member's name for it
  std::int64_t size = 1;         // equal in every member
  std::vector<int> member_dims;  // per member: the dim index in that member's op
  bool softmax_reduced = false;  // the reduced dim of a softmax member
  bool norm_reduced = false;     // the reduced dim of a LayerNorm / RMSNorm member
  bool operator==(const ChainDim&) const = default;
};

struct FusedGroup {
  GroupRule rule = GroupRule::kContractionVector;
  std::vector<workload::OpId> members;      // chain order, ≥ 2
  std::vector<Intermediate> intermediates;  // members.size() − 1 of them
  std::vector<ChainDim> chain_dims;         // in the first member's dim order
  std::int64_t count = 1;                   // executions of the group (= each member's count)

  // "attention(qk_matmul+softmax+av_matmul)", "mlp(ffn_w1+gelu+ffn_w2)", or "ffn_w1+gelu" for the
  // contraction → vector rule.
  std::string Label(const workload::Workload& workload) const;
  // Tensor indices of member `member`'s op that are intermediates of the group (as a bit mask).
  std::uint32_t IntermediateTensors(int member) const;
  bool operator==(const FusedGroup&) const = default;
};

// Every candidate group of `workload` by the rules above, ordered by the topological position of
// the first member, then by length. Sub-chains are candidates of their own (W_out → add and
// W_out → add → LayerNorm both are); the partition search picks at most one group per op.
std::vector<FusedGroup> FindCandidateGroups(const workload::Workload& workload);

}  // namespace loopfront::fusion

// Which candidate groups to fuse: the partition search over a workload graph (DESIGN §2.7.1, §2.8).
//
// Ops run one after another on the accelerator, so a plan's latency and energy are sums over its
// units (single ops and fused groups), each weighted by its count. The model front is the
// non-dominated set over every plan and every choice of one front point per unit.
//
// Dynamic programming along the topological order: F[p] is the front of the first p ops (by
// topological position). F[p+1] is the union of
//  - F[p] ⊕ count·front(op at position p) — the op runs alone, and
//  - for each candidate group whose last member sits at position p:
//    F[first] ⊕ count·front(group) ⊕ the ops between its first and last member that are not
//    members (they run alone, before the group: they never read an intermediate, since an
//    intermediate's only reader is the next member),
// pruned to its non-dominated points and thinned by pareto::ThinByLogGrid (both extremes kept).
// Groups are thus chosen as disjoint intervals of the topological order; the single-op plan is
// always a candidate, so fusion never loses a point that the plan without fusion has — up to the
// thinning, which SearchModel removes by merging the no-fusion front into the fused one.
//
// Payloads are plans: one PlanChoice per unit, naming the unit and the point of its front taken.
// Units are numbered op id for single ops and num_ops + group index for groups.
//
// Units: cycles and pJ. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loopfront/fusion/group.h"
#include "loopfront/pareto/front.h"
#include "loopfront/workload/workload.h"

namespace loopfront::fusion {

struct PlanChoice {
  std::uint32_t unit = 0;   // op id (< num_ops) or num_ops + group index
  std::uint32_t point = 0;  // index of the point taken in that unit's front
  bool operator==(const PlanChoice&) const = default;
};
using Plan = std::vector<PlanChoice>;

// The front of every plan of `workload` built from `groups` (candidates; may be empty: no
// fusion). `op_fronts[id]` is op `id`'s front per execution, `group_fronts[g]` group g's front per
// execution (nullptr or empty: the group is not available); payloads are point indices. Every op
// front must be non-empty (util::InternalError otherwise). `relative_cell` as in ThinByLogGrid.
pareto::Front<Plan> PartitionFront(const workload::Workload& workload, const std::vector<FusedGroup>& groups,
                                   const std::vector<const pareto::Front<std::uint32_t>*>& op_fronts,
                                   const std::vector<const pareto::Front<std::uint32_t>*>& group_fronts,
                                   double relative_cell);

// The groups a plan fuses, by topological position of their first member, joined by "; " — e.g.
// "attention(qk_matmul+softmax+av_matmul); ffn_w1+gelu" — or "none".
std::string PlanLabel(const Plan& plan, const workload::Workload& workload, const std::vector<FusedGroup>& groups);

// The group indices a plan fuses, by topological position of their first member.
std::vector<int> FusedGroupsOf(const Plan& plan, const workload::Workload& workload,
                               const std::vector<FusedGroup>& groups);

}  // namespace loopfront::fusion

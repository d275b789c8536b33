// The cost of a fused group, built from the single-op model (DESIGN §2.8.1; docs/fusion.md).
//
// There is no second cost model. A group's mapping is a SharedTiling (outer DRAM loops over chain
// dims, the same for every member) plus one ordinary mapping per member, and each member is scored
// by the normal cost model on a member Problem that encodes the fusion:
//  - Shared loops: the member's DRAM level starts with the shared loops (fixed order prefix and
//    fixed temporal factors, mapping/constraints.h); the member's own DRAM loops may only run over
//    dims that index no intermediate. Refetches of the group's external inputs across shared tiles
//    then follow from the normal stationarity rules.
//  - On-chip intermediates: each intermediate a member reads or writes is an on-chip tensor of its
//    Problem (mapping::ProblemOptions::on_chip_tensors), held at the member's level for it: a vector
//    member's engine level (Gemmini with I-BERT units: the accumulator), or for a contraction the
//    outermost level below DRAM that keeps the tensor's role (the accumulator for an output, the
//    scratchpad for a streamed input). It is kept at no level between DRAM and that level, and its
//    dims have no DRAM loop beyond the shared ones and no temporal loop above that level, so the
//    member's tile of it there is the whole shared tile (the data has nowhere else to live). Its DRAM
//    traffic disappears; the producer's updates and the consumer's reads on chip are still charged.
//  - On-chip moves: when the producer holds an intermediate at another level than the consumer
//    (softmax writes P in the accumulator, ×V streams it from the scratchpad), the move is charged
//    once per element: a read at the producer's level and a fill at the consumer's, at those levels'
//    energies per access and bandwidths (rounded up to whole accesses). DESIGN §2.8.1's example has
//    ×V read P from the accumulator; in this model that multicasts P into every accumulator bank
//    (one per PE column) and no useful tile fits, so the move is modelled instead (docs/fusion.md).
//  - Capacity: while a member runs, the live intermediates are the ones it reads and writes, all in
//    its own working set, so the member's normal capacity check is "intermediate tiles + member
//    working set ≤ usable capacity". When the vector unit overlaps the PE array, the other unit
//    works on another shared tile whose intermediates are live too: each member's capacity at a
//    level is reduced by the intermediate tiles the other unit's members hold there (spread evenly
//    over the level's instances).
//  - Whole rows: a softmax's or a norm's reduced dim is never split by the shared loops (and has no
//    loop above the engine's level), unless `online_softmax: true`, which lets the shared loops
//    split a softmax's rows at the price of one more pass (the rescale, 1 operation per element).
//  - Time and energy: member latencies and energies are totals over all shared tiles; a move is
//    added to its consumer's unit. Members on the same unit add up. With `overlap_vector_unit: true`
//    the PE-array members (A cycles) and the vector-unit members (B cycles) are pipelined over the T
//    shared tiles: max(A, B) + min(A, B)/T (the first tile of one stage and the last of the other
//    cannot overlap; T = 1 gives A + B). Energy adds up; static energy is re-charged over the
//    group's latency.
//
// The group's mapspace is the shared tilings × the members' constrained mapspaces: Tilings()
// enumerates and ranks the tilings, MemberProblems() gives the Problems and Constraints for one of
// them, so that the ordinary searchers search the members unchanged; CombineFronts() turns member
// fronts into the group's front for that tiling.
//
// Units: words of the level, cycles, pJ. Thread-safety: immutable after Build; const methods may
// run concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/arch/architecture.h"
#include "loopfront/fusion/group.h"
#include "loopfront/mapping/constraints.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/pareto/front.h"
#include "loopfront/workload/workload.h"

namespace loopfront::fusion {

// The shared outer loops of a group: per chain dim the number of shared tiles along it (a divisor of
// its size; 1 = not split), and the order of the split dims, outermost first.
struct SharedTiling {
  std::vector<std::int64_t> factors;  // one per FusedGroup::chain_dims entry
  std::vector<int> order;             // chain-dim indices with factor > 1, outermost first

  std::int64_t NumTiles() const;
  // "h12 m8" with the first member's dim names, or "none" for a single tile.
  std::string ToString(const FusedGroup& group) const;
  bool operator==(const SharedTiling&) const = default;
};

// One member, ready for an ordinary searcher.
struct MemberProblem {
  mapping::Problem problem;
  mapping::Constraints constraints;
};

// One point of a group's front for one tiling: which point of each member's front it combines.
using MemberChoice = std::vector<std::uint32_t>;

class GroupModel {
 public:
  // The model of `group` on `architecture`, or nullopt with the reason when the group cannot keep
  // its intermediates on chip there (a vector member on the host reading DRAM, an intermediate no
  // level below DRAM can hold).
  static std::optional<GroupModel> Build(const FusedGroup& group, const workload::Workload& workload,
                                         const arch::Architecture& architecture, std::string* why_not = nullptr);

  const FusedGroup& group() const { return group_; }
  int num_members() const { return static_cast<int>(members_.size()); }
  const workload::Op& member_op(int member) const { return members_[member].op; }
  bool on_vector_unit(int member) const { return members_[member].on_vector_unit; }
  // The levels holding intermediate `index` in its producer and in its consumer.
  int producer_level(int index) const { return links_[index].producer_level; }
  int consumer_level(int index) const { return links_[index].consumer_level; }
  // Whether the vector-unit members and the PE-array members are pipelined (see above).
  bool Pipelined() const;
  // Whether the chain dim may be split by the shared loops on this architecture.
  bool Splittable(int chain_dim) const;

  // Up to `max_tilings` candidate tilings, deterministic: every tiling whose intermediate tiles fit
  // their levels (a necessary condition) is ranked by an estimate of the DRAM traffic of the
  // members' external tensors under the shared loops alone (refetches by the stationarity rule,
  // times the overflow of a tensor's per-tile footprint over the on-chip level that would hold it),
  // ties by fewer tiles; the picks are spread over the ranking, densest at its best end.
  std::vector<SharedTiling> Tilings(int max_tilings) const;

  // Elements of intermediate `index` in one shared tile.
  std::int64_t IntermediateTileWords(int index, const SharedTiling& tiling) const;

  // The member Problems and Constraints for `tiling`; nullopt when the capacity left for a member
  // after the other unit's live intermediates is not positive.
  std::optional<std::vector<MemberProblem>> MemberProblems(const SharedTiling& tiling) const;

  // The on-chip moves of the intermediates between levels, per execution of the group, charged on
  // the PE-array side and on the vector-unit side (the consumer's unit).
  const pareto::Objectives& pe_moves() const { return pe_moves_; }
  const pareto::Objectives& vector_moves() const { return vector_moves_; }

  // The group's front for `tiling` from one front per member (objectives over all shared tiles, as
  // the searchers return them for MemberProblems' problems). Payload: the index of the point taken
  // in each member's front. Thinned by pareto::ThinByLogGrid(relative_cell). Empty when any member
  // front is empty.
  pareto::Front<MemberChoice> CombineFronts(const SharedTiling& tiling,
                                            const std::vector<const pareto::Front<mapping::Mapping>*>& member_fronts,
                                            double relative_cell) const;

  // The group's objectives from its members' objectives, by the time and energy rules above.
  pareto::Objectives CombineObjectives(const SharedTiling& tiling,
                                       const std::vector<pareto::Objectives>& member_objectives) const;

 private:
  struct Member {
    workload::Op op;
    arch::Architecture architecture;                              // with the keeps edits
    mapping::TensorMask intermediates = 0;                        // tensors of `op` that are intermediates
    std::vector<int> hold_level;                                  // per tensor: its level, or -1
    std::vector<std::optional<mapping::TensorMask>> fixed_keeps;  // per level
    bool on_vector_unit = false;
  };
  struct Link {
    int producer_level = 0;
    int consumer_level = 0;
  };

  GroupModel() = default;
  // Pipelined: the other unit's members' intermediates at each level, in words per instance.
  std::vector<std::int64_t> ReservedWords(int member, const SharedTiling& tiling) const;
  pareto::Objectives Pipeline(const pareto::Objectives& pe, const pareto::Objectives& vector, double tiles) const;

  FusedGroup group_;
  arch::Architecture architecture_;
  std::vector<Member> members_;
  std::vector<Link> links_;
  bool overlap_ = false;
  bool online_softmax_ = false;
  double static_energy_pj_per_cycle_ = 0.0;
  pareto::Objectives pe_moves_{};
  pareto::Objectives vector_moves_{};
};

}  // namespace loopfront::fusion

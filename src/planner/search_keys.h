// What one search of the whole-model planner depends on, as values: two searches with equal keys
// would return the same front, so the planner runs one and shares it (an op shape used by many ops
// and parts, a member search repeated by two groups of the same shape).
//
// Each key also has a stable text (ToString) from which the search's seed derives
// (DeriveSeed(seed, {FNV-1a(text)})). That text is frozen: changing it changes every whole-model
// front at a given seed (tests/golden/). Equality and hashing work on the fields.
//
// Private to src/planner/. Thread-safety: plain values.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/arch/architecture.h"
#include "loopfront/mapping/constraints.h"
#include "loopfront/mapping/limits.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/planner/model_search.h"
#include "loopfront/search/searcher.h"

namespace loopfront::planner {

// A search budget as a key (search::Budget has no equality of its own).
struct BudgetKey {
  explicit BudgetKey(const search::Budget& budget);

  std::int64_t max_evaluations = 0;
  double max_seconds = 0.0;
  std::int64_t max_stall_steps = 0;

  bool operator==(const BudgetKey&) const = default;
  std::string ToString() const;
};

// The parts of one storage level that fusion::GroupModel edits in a member's architecture.
struct LevelEditsKey {
  std::string name;
  std::int64_t capacity_words = -1;  // -1: unbounded
  arch::RoleMask keeps_roles = 0;

  bool operator==(const LevelEditsKey&) const = default;
};

// One level's constraints, over the problem's dims only.
struct LevelConstraintsKey {
  std::vector<int> order_prefix;
  std::vector<std::int64_t> temporal_factor;
  std::array<std::vector<std::int64_t>, mapping::kNumAxes> spatial_factor;
  std::optional<mapping::TensorMask> keeps;
  // Not in the text: GroupModel never fixes buffering, and the text is frozen. Compared anyway, so
  // that a future constraint on it cannot make two different searches share one front.
  std::optional<bool> double_buffered;
  // Likewise for the constraint kinds GroupModel never sets (order_inner, bounds, `rest`,
  // spatial_axes, must_keep, bypass), flattened: compared and hashed, not in the text.
  std::vector<std::int64_t> other_kinds;

  bool operator==(const LevelConstraintsKey&) const = default;
};

// What a member search adds to its op's shape: the tensors kept on chip, the architecture as the
// group model edited it, and the shared tiling's constraints.
struct MemberKey {
  mapping::TensorMask on_chip_tensors = 0;
  std::vector<LevelEditsKey> levels;
  std::vector<LevelConstraintsKey> constraints;

  bool operator==(const MemberKey&) const = default;
};

// One search: an op shape alone, or a member of a group under one tiling; and its budget.
struct SearchKey {
  OpShapeKey shape;
  std::optional<MemberKey> member;  // nullopt: an op search
  BudgetKey budget;

  // An op search of `op` (alone, on the whole architecture).
  static SearchKey ForOp(const workload::Op& op, const search::Budget& budget);
  // A member search of `problem` (built by GroupModel::MemberProblems) under `constraints`.
  static SearchKey ForMember(const mapping::Problem& problem, const mapping::Constraints& constraints,
                             const search::Budget& budget);

  bool operator==(const SearchKey&) const = default;
  // "op|<shape>|<budget>" or "member|<shape>|chip<mask>|<levels>|<constraints>|<budget>".
  std::string ToString() const;
};

struct SearchKeyHash {
  std::size_t operator()(const SearchKey& key) const noexcept;
};

}  // namespace loopfront::planner

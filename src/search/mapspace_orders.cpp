// The loop-order sub-space of the mapspace (mapspace.h, "orders"): per level, a permutation of the
// dims, outer → inner, between the dims an order constraint fixes first (order) and last
// (order_inner). Only loops of factor > 1 whose
// order is free are ever reordered, which is why the swap mutation reads the slot factors: swapping
// two dims without a loop at the level would change nothing. Enumeration of orders by index
// (Lehmer codes) is in mapspace_enumerate.cpp.
#include <array>
#include <utility>

#include "src/search/mapspace_internal.h"

namespace loopfront::search {
namespace {

using mapping::DimMask;
using mapping::kMaxDims;
using mapping::kMaxLevels;

}  // namespace

void Mapspace::SampleOrder(int level_idx, util::Rng& rng, Genome& genome) const {
  const LevelSpace& level = levels_[level_idx];
  std::array<std::uint8_t, kMaxDims>& order = genome.orders[level_idx];
  order = level.initial_order;
  // Fisher–Yates over the free positions.
  const int suffix_start = num_dims_ - level.num_fixed_suffix;
  for (int last = suffix_start - 1; last > level.num_fixed_order; --last) {
    const int pick = level.num_fixed_order +
                     static_cast<int>(rng.Below(static_cast<std::uint64_t>(last - level.num_fixed_order + 1)));
    std::swap(order[last], order[pick]);
  }
}

bool Mapspace::MutateSwapLoops(util::Rng& rng, Genome& genome) const {
  SlotFactors factors;
  ComputeSlotFactors(genome, factors);
  // Levels with two or more free-order loops of factor > 1: only those reorder anything.
  std::array<std::uint8_t, kMaxLevels> candidates_per_level{};
  int levels_with_pairs = 0;
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    const int slot = SlotId(level_idx, SlotKind::kTemporal);
    int count = 0;
    for (int position = levels_[level_idx].num_fixed_order; position < num_dims_; ++position) {
      const int dim = genome.orders[level_idx][position];
      count += ((order_dims_[level_idx] >> dim) & 1u) != 0 && factors[slot][dim] > 1;
    }
    candidates_per_level[level_idx] = static_cast<std::uint8_t>(count);
    levels_with_pairs += count >= 2;
  }
  if (levels_with_pairs == 0) return false;
  int level_pick = static_cast<int>(rng.Below(static_cast<std::uint64_t>(levels_with_pairs)));
  int level_idx = 0;
  for (; level_idx < num_levels_; ++level_idx) {
    if (candidates_per_level[level_idx] >= 2 && level_pick-- == 0) break;
  }
  const int count = candidates_per_level[level_idx];
  const int first = static_cast<int>(rng.Below(static_cast<std::uint64_t>(count)));
  int second = static_cast<int>(rng.Below(static_cast<std::uint64_t>(count - 1)));
  if (second >= first) ++second;
  const int slot = SlotId(level_idx, SlotKind::kTemporal);
  std::array<int, 2> positions{-1, -1};
  int seen = 0;
  for (int position = levels_[level_idx].num_fixed_order; position < num_dims_; ++position) {
    const int dim = genome.orders[level_idx][position];
    if (((order_dims_[level_idx] >> dim) & 1u) == 0 || factors[slot][dim] <= 1) continue;
    if (seen == first) positions[0] = position;
    if (seen == second) positions[1] = position;
    ++seen;
  }
  std::swap(genome.orders[level_idx][positions[0]], genome.orders[level_idx][positions[1]]);
  return true;
}

}  // namespace loopfront::search

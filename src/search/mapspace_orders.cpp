// The loop-order sub-space of the mapspace (mapspace.h, "orders"): per level, a permutation of the
// dims, outer → inner, between the dims an order constraint fixes first (order) and last
// (order_inner). Only loops of factor > 1 whose
// order is free are ever reordered, which is why the swap mutation reads the slot factors: swapping
// two dims without a loop at the level would change nothing. Enumeration of orders by index
// (Lehmer codes) is in mapspace_enumerate.cpp.
#include <array>
#include <bit>
#include <utility>

#include "src/search/mapspace_internal.h"

namespace loopfront::search {
namespace {

using mapping::DimMask;
using mapping::kMaxDims;
using mapping::kMaxLevels;

}  // namespace

void Mapspace::SampleOrders(util::Rng& rng, Genome& genome) const {
  // The generator and each order live in locals while shuffling: written through `genome`, the
  // byte swaps could alias the generator's state, which the compiler would then load and store
  // around every draw. The draws are the same, in the same order.
  util::Rng local_rng = rng;
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    const LevelSpace& level = levels_[level_idx];
    std::array<std::uint8_t, kMaxDims> order = level.initial_order;
    // Fisher–Yates over the free positions: the last of `count` free positions swaps with one of
    // them, for count = all of them down to 2. (Unsigned counts: with int ones sign-extended into
    // the 128-bit product of Below, the compiler carried a 128-bit induction variable.)
    std::uint8_t* free = order.data() + level.num_fixed_order;
    const auto num_free = static_cast<std::uint64_t>(num_dims_ - level.num_fixed_suffix - level.num_fixed_order);
    for (std::uint64_t count = num_free; count > 1; --count) std::swap(free[count - 1], free[local_rng.Below(count)]);
    genome.orders[level_idx] = order;
  }
  rng = local_rng;
}

void Mapspace::TemporalLoopDims(const Genome& genome, std::array<DimMask, kMaxLevels>& looped) const {
  // Per slot, the dims whose product there is > 1: a fixed factor > 1, or a free factor (a prime,
  // ≥ 2) in the slot. The same predicate as ComputeSlotFactors' products, on masks.
  static_assert(kMaxSlots <= 32, "one bit per slot");
  std::array<DimMask, kMaxSlots> dims_in_slot = fixed_slot_dims_;
  for (int dim = 0; dim < num_dims_; ++dim) {
    const int num_factors = dims_[dim].candidates[genome.padding[dim]].num_factors;
    std::uint32_t occupied = 0;
    for (int index = 0; index < num_factors; ++index) occupied |= 1u << genome.factor_slots[dim][index];
    for (; occupied != 0; occupied &= occupied - 1) {
      const int slot = std::countr_zero(occupied);
      dims_in_slot[slot] = static_cast<DimMask>(dims_in_slot[slot] | (1u << dim));
    }
  }
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    const int slot = SlotId(level_idx, SlotKind::kTemporal);
    DimMask temporal = dims_in_slot[slot];
    // ComputeSlotFactors' spatial fold: the spatial loops past kMaxSpatialLoopsPerLevel (x before
    // y, dims ascending) run temporally at the level.
    int spatial_loops = 0;
    for (int kind = 1; spatial_crowding_possible_ && kind < kSlotKinds; ++kind) {
      for (DimMask spatial = dims_in_slot[slot + kind]; spatial != 0; spatial &= static_cast<DimMask>(spatial - 1)) {
        if (++spatial_loops > mapping::kMaxSpatialLoopsPerLevel) {
          temporal = static_cast<DimMask>(temporal | (spatial & -spatial));
        }
      }
    }
    looped[level_idx] = temporal;
  }
}

bool Mapspace::MutateSwapLoops(util::Rng& rng, Genome& genome) const {
  // Per level, the free-order dims with a loop (temporal factor > 1): only swapping two of them
  // reorders anything.
  std::array<DimMask, kMaxLevels> swappable;
  TemporalLoopDims(genome, swappable);
  // Two or more: the mask less its lowest bit is not empty.
  const auto has_pair = [](DimMask dims) { return (dims & (dims - 1)) != 0; };
  int levels_with_pairs = 0;
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    swappable[level_idx] = static_cast<DimMask>(swappable[level_idx] & order_dims_[level_idx]);
    levels_with_pairs += has_pair(swappable[level_idx]);
  }
  if (levels_with_pairs == 0) return false;
  int level_pick = static_cast<int>(rng.Below(static_cast<std::uint64_t>(levels_with_pairs)));
  int level_idx = 0;
  for (; level_idx < num_levels_; ++level_idx) {
    if (has_pair(swappable[level_idx]) && level_pick-- == 0) break;
  }
  const DimMask dims = swappable[level_idx];
  const int count = std::popcount(dims);
  const int first = static_cast<int>(rng.Below(static_cast<std::uint64_t>(count)));
  int second = static_cast<int>(rng.Below(static_cast<std::uint64_t>(count - 1)));
  if (second >= first) ++second;
  // The first-th and second-th of those dims in the level's order (the free-order dims all sit
  // past the fixed prefix).
  std::array<int, 2> positions{-1, -1};
  int seen = 0;
  for (int position = levels_[level_idx].num_fixed_order; position < num_dims_; ++position) {
    const int dim = genome.orders[level_idx][position];
    if (((dims >> dim) & 1u) == 0) continue;
    if (seen == first) positions[0] = position;
    if (seen == second) positions[1] = position;
    ++seen;
  }
  std::swap(genome.orders[level_idx][positions[0]], genome.orders[level_idx][positions[1]]);
  return true;
}

}  // namespace loopfront::search

// Repair and fit of the mapspace (mapspace.h, Repair / CheckFit): a well-formed genome may still
// overflow a fanout or a capacity. Repair moves prime factors outward until it fits (which factor
// moves is drawn from the caller's rng, so repaired searches stay reproducible); CheckFit says,
// without changing anything, whether it fits. Both read the factor, keeps and buffering genes,
// never the orders. They share a file because CheckFit is exactly the test Repair establishes.
#include <array>
#include <cstdint>
#include <utility>

#include "loopfront/mapping/check.h"
#include "src/search/mapspace_internal.h"

namespace loopfront::search {
namespace {

using mapping::DimMask;
using mapping::kMaxDims;
using mapping::kMaxLevels;
using mapping::TensorMask;

}  // namespace

// The one way a factor changes slot in either direction (the factor mutation and Repair's spatial
// fold use it; Repair's fanout and capacity moves, always outward, use its one-way form
// move_outward). It lives beside Repair on purpose: in one translation unit GCC knows which
// registers the call keeps (-fipa-ra), and Repair runs measurably fewer instructions than with it
// defined elsewhere.
void Mapspace::MoveFactor(int dim, int index, int slot, Genome& genome) const {
  const PaddingCandidate& candidate = dims_[dim].candidates[genome.padding[dim]];
  std::array<std::uint8_t, kMaxFactorsPerDim>& slots = genome.factor_slots[dim];
  slots[index] = static_cast<std::uint8_t>(slot);
  // Restore the canonical order (slots non-decreasing within a run of equal primes).
  const std::int32_t prime = candidate.primes[index];
  while (index > 0 && candidate.primes[index - 1] == prime && slots[index - 1] > slots[index]) {
    std::swap(slots[index - 1], slots[index]);
    --index;
  }
  while (index + 1 < candidate.num_factors && candidate.primes[index + 1] == prime && slots[index + 1] < slots[index]) {
    std::swap(slots[index + 1], slots[index]);
    ++index;
  }
}

bool Mapspace::Repair(util::Rng& rng, Genome& genome) const {
  SlotFactors factors;
  bool computed = false;
  return RepairInto(rng, genome, factors, computed);
}

bool Mapspace::Repair(util::Rng& rng, Genome& genome, RepairedFactors& repaired) const {
  bool computed = false;
  const bool fits = RepairInto(rng, genome, repaired.factors_, computed);
  // Every move after ComputeSlotFactors updates the table with the genome, so on any return after
  // it the table is the genome's (where the mapspace makes it Decode's, RepairedFactors) but for
  // the `pass` loop: ComputeSlotFactors placed it by the reduced dim's loops before the moves, so it
  // is placed again by the repaired ones, as ComputeSlotFactors would on the repaired genome (the
  // pass dim has no genes, so no move touched its column, and only its temporal slots can differ
  // from the fixed factors).
  if (computed && pass_dim_ >= 0) {
    for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
      const int slot = SlotId(level_idx, SlotKind::kTemporal);
      repaired.factors_[slot][pass_dim_] = base_factors_[slot][pass_dim_];
    }
    repaired.factors_[SlotId(PassLevel(repaired.factors_), SlotKind::kTemporal)][pass_dim_] = dims_[pass_dim_].size;
  }
  repaired.valid_ = computed && repaired_factors_reusable_;
  return fits;
}

bool Mapspace::RepairInto(util::Rng& rng, Genome& genome, SlotFactors& factors, bool& computed) const {
  // Spatial loops beyond what a level holds: move their free factors to a temporal slot, as
  // ComputeSlotFactors folds them, so that the genome says what the mapping does.
  for (int level_idx = 0; spatial_crowding_possible_ && level_idx < num_levels_; ++level_idx) {
    int loops = 0;
    for (const SlotKind kind : {SlotKind::kSpatialX, SlotKind::kSpatialY}) {
      const int slot = SlotId(level_idx, kind);
      for (int dim = 0; dim < num_dims_; ++dim) {
        std::int64_t product = base_factors_[slot][dim];
        const PaddingCandidate& candidate = dims_[dim].candidates[genome.padding[dim]];
        for (int index = 0; index < candidate.num_factors; ++index) {
          if (genome.factor_slots[dim][index] == slot) product *= candidate.primes[index];
        }
        if (product <= 1 || ++loops <= mapping::kMaxSpatialLoopsPerLevel) continue;
        const int same_level = SlotId(level_idx, SlotKind::kTemporal);
        const int target = OpenSlotIndex(dim, same_level) >= 0 ? same_level : NearestOuterTemporalSlot(dim, level_idx);
        if (target < 0) return false;
        for (int index = 0; index < candidate.num_factors; ++index) {
          // MoveFactor keeps runs sorted, which may move a factor still in `slot` to `index` again.
          while (genome.factor_slots[dim][index] == slot) MoveFactor(dim, index, target, genome);
        }
      }
    }
  }
  // counts[dim][slot]: how many free factors of the dim the genome puts in the slot, counted in the
  // walk that computes the slot factors and kept up to date with every move, so that counting the
  // candidates of a move and finding the drawn one cost O(dims) plus one dim's factors instead of a
  // scan of every factor (the draws and the factor picked are those of the scan: dims ascending,
  // then factor index ascending).
  SlotCounts counts;
  ComputeSlotFactors(genome, factors, counts);
  computed = true;
  // The index of the `pick`-th free factor of `dim` (in index order) whose slot is in `slot_mask`
  // (bit s: slot s), a shift and a subtraction per factor rather than a slot's level and kind. The
  // counts the draw came from guarantee that factor exists, so the scan needs no bound.
  static_assert(kMaxSlots <= 32, "slot masks are 32-bit");
  auto find_factor = [&](int dim, int pick, std::uint32_t slot_mask) {
    const std::array<std::uint8_t, kMaxFactorsPerDim>& slots = genome.factor_slots[dim];
    int index = 0;
    while (true) {
      pick -= static_cast<int>((slot_mask >> slots[index]) & 1u);
      if (pick < 0) return index;
      ++index;
    }
  };
  // MoveFactor for a move outward (to a smaller slot, as every move of Repair is): the factor only
  // sinks within its run of equal primes, so the larger slots before it shift up by one and the
  // target takes their place — the genome MoveFactor's swaps give, with a store per step.
  auto move_outward = [&](int dim, int index, int target) {
    const int run_first = dims_[dim].candidates[genome.padding[dim]].run_first[index];
    std::array<std::uint8_t, kMaxFactorsPerDim>& slots = genome.factor_slots[dim];
    while (index > run_first && slots[index - 1] > target) {
      slots[index] = slots[index - 1];
      --index;
    }
    slots[index] = static_cast<std::uint8_t>(target);
  };
  // Fanout: move spatial factors out of an overflowing axis to a temporal slot of the same level,
  // or the nearest open one outward. Only the spatial slots that can hold a factor > 1 (Build's
  // list; every other one holds 1 in a well-formed genome and cannot overflow).
  for (int spatial_index = 0; spatial_index < num_spatial_slots_; ++spatial_index) {
    const int slot = spatial_slots_[spatial_index];
    const int level_idx = SlotLevel(slot);
    // Only the dims that can have a factor here (every other one is 1 in a well-formed genome).
    std::int64_t product = 1;
    for (DimMask dims = spatial_slot_dims_[slot]; dims != 0; dims &= static_cast<DimMask>(dims - 1)) {
      product *= factors[slot][__builtin_ctz(dims)];
    }
    while (product > slot_fanout_[slot]) {
      int count = 0;
      for (int dim = 0; dim < num_dims_; ++dim) count += counts[dim][slot];
      if (count == 0) return false;
      int pick = static_cast<int>(rng.Below(static_cast<std::uint64_t>(count)));
      int moved_dim = 0;
      while (pick >= counts[moved_dim][slot]) pick -= counts[moved_dim++][slot];
      const int moved_index = find_factor(moved_dim, pick, std::uint32_t{1} << slot);
      const int same_level = SlotId(level_idx, SlotKind::kTemporal);
      const int target =
          OpenSlotIndex(moved_dim, same_level) >= 0 ? same_level : NearestOuterTemporalSlot(moved_dim, level_idx);
      if (target < 0) return false;
      const std::int32_t prime = dims_[moved_dim].candidates[genome.padding[moved_dim]].primes[moved_index];
      move_outward(moved_dim, moved_index, target);
      --counts[moved_dim][slot];
      ++counts[moved_dim][target];
      factors[slot][moved_dim] /= prime;
      factors[target][moved_dim] *= prime;
      product /= prime;
    }
  }
  // Capacity, innermost level first: moving a factor from level ≥ l to a level < l leaves the
  // tiles of the levels above l unchanged, so one pass suffices.
  // inside[l][dim]: Π factors of the dim at levels ≥ l (rows of dims ≥ num_dims_ are never read),
  // for the levels l the pass has yet to reach (rows of levels it has left are no longer kept).
  std::array<std::array<std::int64_t, kMaxDims>, kMaxLevels + 1> inside;
  for (int dim = 0; dim < num_dims_; ++dim) {
    inside[num_levels_][dim] = 1;
    for (int level_idx = num_levels_ - 1; level_idx >= 0; --level_idx) {
      const int slot = SlotId(level_idx, SlotKind::kTemporal);
      inside[level_idx][dim] =
          inside[level_idx + 1][dim] * factors[slot][dim] * factors[slot + 1][dim] * factors[slot + 2][dim];
    }
  }
  // Per dim, its free factors at the current level or inside it, temporal and spatial; a dim with
  // no open temporal slot outside the level has no candidates and counts none.
  std::array<int, kMaxDims> temporal_inside;
  std::array<int, kMaxDims> spatial_inside;
  const bool packed = problem_.packed();
  for (int level_idx = num_levels_ - 1; level_idx >= 0; --level_idx) {
    const std::int64_t capacity = problem_.level(level_idx).UsableCapacity(DoubleBuffered(genome, level_idx));
    if (capacity == mapping::kUnboundedCapacity) continue;
    const TensorMask kept = genome.keeps[level_idx];
    // The slots at this level or inside it, temporal and spatial (the candidates' slots): the
    // temporal slots of levels ≥ l, every third bit from l's.
    static_assert(kSlotKinds == 3, "one temporal slot in every three");
    const std::uint32_t temporal_inside_slots =
        (std::uint32_t{0x49249249} << SlotId(level_idx, SlotKind::kTemporal)) & ((std::uint32_t{1} << num_slots_) - 1);
    const std::uint32_t spatial_inside_slots = (temporal_inside_slots << 1) | (temporal_inside_slots << 2);
    DimMask relevant_dims = 0;
    for (TensorMask mask = kept; mask != 0; mask &= static_cast<TensorMask>(mask - 1)) {
      relevant_dims = static_cast<DimMask>(relevant_dims | problem_.tensor_dims(__builtin_ctz(mask)));
    }
    // Σ temporal_inside and Σ spatial_inside over the relevant dims, once counted, then kept up to
    // date with every move.
    int temporal_count = 0;
    int spatial_count = 0;
    bool counted = false;
    // words[tensor]: a kept tensor's tile at this level in words (Problem::TileWordsAt's terms).
    // A move changes one dim's extent, so only the tiles of the tensors that read that dim are
    // computed again; the sum is taken afresh, in TileWordsAt's order, after each move.
    std::array<std::int64_t, mapping::kMaxTensors> words;
    const auto tensor_words = [&](int tensor) {
      const std::int64_t elements = mapping::TileWords(problem_, tensor, inside[level_idx]);
      return packed ? problem_.packing(level_idx, tensor).Words(elements) : elements;
    };
    for (TensorMask mask = kept; mask != 0; mask &= static_cast<TensorMask>(mask - 1)) {
      words[__builtin_ctz(mask)] = tensor_words(__builtin_ctz(mask));
    }
    while (true) {
      std::int64_t needed = 0;
      for (TensorMask mask = kept; mask != 0; mask &= static_cast<TensorMask>(mask - 1)) {
        needed += words[__builtin_ctz(mask)];
      }
      if (needed <= capacity) break;
      if (!counted) {
        counted = true;
        for (DimMask dims = relevant_dims; dims != 0; dims &= static_cast<DimMask>(dims - 1)) {
          const int dim = __builtin_ctz(dims);
          temporal_inside[dim] = 0;
          spatial_inside[dim] = 0;
          if (NearestOuterTemporalSlot(dim, level_idx) < 0) continue;
          for (int inner = level_idx; inner < num_levels_; ++inner) {
            const int slot = SlotId(inner, SlotKind::kTemporal);
            temporal_inside[dim] += counts[dim][slot];
            spatial_inside[dim] += counts[dim][slot + 1] + counts[dim][slot + 2];
          }
          temporal_count += temporal_inside[dim];
          spatial_count += spatial_inside[dim];
        }
      }
      // Candidates: free factors of relevant dims at this level or inside it that have an open
      // temporal slot outside; temporal ones first (they keep the parallelism).
      if (temporal_count + spatial_count == 0) return false;
      const bool temporal = temporal_count > 0;
      std::array<int, kMaxDims>& candidates = temporal ? temporal_inside : spatial_inside;
      int& candidate_count = temporal ? temporal_count : spatial_count;
      int pick = static_cast<int>(rng.Below(static_cast<std::uint64_t>(candidate_count)));
      DimMask dims = relevant_dims;
      int moved_dim = __builtin_ctz(dims);
      while (pick >= candidates[moved_dim]) {
        pick -= candidates[moved_dim];
        dims &= static_cast<DimMask>(dims - 1);
        moved_dim = __builtin_ctz(dims);
      }
      const int moved_index = find_factor(moved_dim, pick, temporal ? temporal_inside_slots : spatial_inside_slots);
      const int source = genome.factor_slots[moved_dim][moved_index];
      const int target = NearestOuterTemporalSlot(moved_dim, level_idx);
      const std::int32_t prime = dims_[moved_dim].candidates[genome.padding[moved_dim]].primes[moved_index];
      move_outward(moved_dim, moved_index, target);
      --counts[moved_dim][source];
      ++counts[moved_dim][target];
      --candidates[moved_dim];
      --candidate_count;
      factors[source][moved_dim] /= prime;
      factors[target][moved_dim] *= prime;
      // A move from level s ≥ l to level t < l takes the prime out of inside[] of the levels in
      // (t, s]; of those, the pass still reads (t, l]. Exact: the prime divides each of them.
      const int target_level = SlotLevel(target);
      for (int level = level_idx; level > target_level; --level) inside[level][moved_dim] /= prime;
      for (TensorMask mask = kept & tile_tensors_[moved_dim]; mask != 0; mask &= static_cast<TensorMask>(mask - 1)) {
        words[__builtin_ctz(mask)] = tensor_words(__builtin_ctz(mask));
      }
    }
  }
  return true;
}

mapping::Violation Mapspace::CheckFit(const Genome& genome) const {
  SlotFactors factors;
  ComputeSlotFactors(genome, factors);
  if (bounded_dims_ != 0 && !FactorsWithinBounds(factors)) return mapping::Violation::kFactorOutOfBounds;
  std::array<std::int64_t, kMaxDims> inside;
  inside.fill(1);
  for (int level_idx = num_levels_ - 1; level_idx >= 0; --level_idx) {
    for (const SlotKind kind : {SlotKind::kTemporal, SlotKind::kSpatialX, SlotKind::kSpatialY}) {
      const int slot = SlotId(level_idx, kind);
      std::int64_t product = 1;
      for (int dim = 0; dim < num_dims_; ++dim) {
        product *= factors[slot][dim];
        inside[dim] *= factors[slot][dim];
      }
      if (kind != SlotKind::kTemporal && product > slot_fanout_[slot]) return mapping::Violation::kFanoutExceeded;
    }
    const std::int64_t capacity = problem_.level(level_idx).UsableCapacity(DoubleBuffered(genome, level_idx));
    if (capacity == mapping::kUnboundedCapacity) continue;
    const std::int64_t needed = problem_.TileWordsAt(
        level_idx, genome.keeps[level_idx], [&](int tensor) { return mapping::TileWords(problem_, tensor, inside); });
    if (needed > capacity) return mapping::Violation::kCapacityExceeded;
  }
  return mapping::Violation::kNone;
}

}  // namespace loopfront::search

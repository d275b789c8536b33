// The mapspace's operations on a whole genome (mapspace.h): sampling, mutation, crossover,
// decoding, the well-formedness check and the debug text. Each sub-space has its own file —
// mapspace_build.cpp (Build, size), mapspace_factors.cpp (padding and factors), mapspace_orders.cpp,
// mapspace_keeps.cpp (keeps, bypass, buffering), mapspace_enumerate.cpp, mapspace_repair.cpp — and
// this file only composes them, in a fixed order of random draws: seeded searches reproduce their
// fronts only as long as every draw and its order stay as they are.
#include <fmt/format.h>

#include <array>
#include <string>
#include <string_view>

#include "src/search/mapspace_internal.h"

namespace loopfront::search {
namespace {

using mapping::DimMask;
using mapping::kMaxDims;
using mapping::kMaxLevels;
using mapping::TensorMask;

}  // namespace

void Mapspace::Sample(util::Rng& rng, Genome& genome) const {
  for (int dim = 0; dim < num_dims_; ++dim) {
    const int candidates = dims_[dim].num_candidates;
    genome.padding[dim] =
        static_cast<std::uint8_t>(candidates > 1 ? rng.Below(static_cast<std::uint64_t>(candidates)) : 0);
    SampleFactors(dim, rng, genome);
  }
  SampleOrders(rng, genome);
  SampleKeeps(rng, genome);
}

bool Mapspace::Mutate(MutationKind kind, util::Rng& rng, Genome& genome) const {
  switch (kind) {
    case MutationKind::kMoveFactor:
      return MutateMoveFactor(rng, genome);
    case MutationKind::kSwapLoops:
      return MutateSwapLoops(rng, genome);
    case MutationKind::kFlipBypass:
      return MutateFlipBypass(rng, genome);
    case MutationKind::kChangePadding:
      return MutateChangePadding(rng, genome);
  }
  return false;
}

bool Mapspace::Mutate(util::Rng& rng, Genome& genome) const {
  // Moving factors changes tile sizes and parallelism, the decisions that matter most (survey
  // Sec. 5.5); reordering, bypass and padding are rarer refinements.
  constexpr std::array<int, 4> kWeights{6, 2, 1, 1};
  constexpr int kTotalWeight = 10;
  int draw = static_cast<int>(rng.Below(kTotalWeight));
  int first_kind = 0;
  while (draw >= kWeights[first_kind]) draw -= kWeights[first_kind++];
  for (int attempt = 0; attempt < 4; ++attempt) {
    if (Mutate(static_cast<MutationKind>((first_kind + attempt) % 4), rng, genome)) return true;
  }
  return false;
}

void Mapspace::Crossover(const Genome& first, const Genome& second, util::Rng& rng, Genome& child) const {
  // One word of coins for every sub-space, interleaved (each dim; then per level its order and its
  // storage): split per sub-space, the draws and so the seeded fronts would change.
  const std::uint64_t coins = rng.Next();
  int coin = 0;
  for (int dim = 0; dim < num_dims_; ++dim) {
    const Genome& parent = ((coins >> coin++) & 1u) ? second : first;
    child.padding[dim] = parent.padding[dim];
    child.factor_slots[dim] = parent.factor_slots[dim];
  }
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    child.orders[level_idx] = (((coins >> coin++) & 1u) ? second : first).orders[level_idx];
    const Genome& storage_parent = ((coins >> coin++) & 1u) ? second : first;
    child.keeps[level_idx] = storage_parent.keeps[level_idx];
    const auto bit = static_cast<std::uint8_t>(1u << level_idx);
    child.double_buffered =
        static_cast<std::uint8_t>((child.double_buffered & ~bit) | (storage_parent.double_buffered & bit));
  }
  FixOnChipKeeps(rng, child);
}

void Mapspace::Decode(const Genome& genome, mapping::Mapping& mapping) const {
  SlotFactors factors;
  ComputeSlotFactors(genome, factors);
  DecodeFactors(genome, factors, mapping);
}

void Mapspace::Decode(const Genome& genome, const RepairedFactors& repaired, mapping::Mapping& mapping) const {
  if (repaired.valid_) {
    DecodeFactors(genome, repaired.factors_, mapping);
  } else {
    Decode(genome, mapping);
  }
}

void Mapspace::DecodeFactors(const Genome& genome, const SlotFactors& factors, mapping::Mapping& mapping) const {
  const int pass_level = pass_dim_ >= 0 ? PassLevel(factors) : -1;
  mapping.Reset(num_levels_);
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    mapping::LevelMapping& level = mapping.level(level_idx);
    const int temporal_slot = SlotId(level_idx, SlotKind::kTemporal);
    if (pass_dim_ < 0) {
      // Contractions (no pass loop): the loops of factor > 1, in the genome's order.
      for (int position = 0; position < num_dims_; ++position) {
        const int dim = genome.orders[level_idx][position];
        const std::int64_t factor = factors[temporal_slot][dim];
        if (factor > 1) level.AddTemporal(dim, factor);
      }
    } else {
      bool pass_pending = level_idx == pass_level && dims_[pass_dim_].size > 1;
      for (int position = 0; position < num_dims_; ++position) {
        const int dim = genome.orders[level_idx][position];
        if (dim == pass_dim_) continue;
        const std::int64_t factor = factors[temporal_slot][dim];
        if (factor <= 1) continue;
        if (pass_pending && dim == reduced_dim_) {
          level.AddTemporal(pass_dim_, dims_[pass_dim_].size);
          pass_pending = false;
        }
        level.AddTemporal(dim, factor);
      }
      // No temporal loop of the reduced dim here: the pass loop is the innermost temporal loop.
      if (pass_pending) level.AddTemporal(pass_dim_, dims_[pass_dim_].size);
    }
    level.SetKeeps(genome.keeps[level_idx]);
    level.SetDoubleBuffered(DoubleBuffered(genome, level_idx));
  }
  // Spatial loops, kept apart from the temporal ones by LevelMapping: only the slots that can hold
  // one, x before y at a level, dims ascending (as the loops were always added), and in a slot only
  // the dims that can have a factor there.
  for (int index = 0; index < num_spatial_slots_; ++index) {
    const int slot = spatial_slots_[index];
    mapping::LevelMapping& level = mapping.level(SlotLevel(slot));
    const mapping::Axis axis = SlotKindOf(slot) == SlotKind::kSpatialX ? mapping::Axis::kX : mapping::Axis::kY;
    for (DimMask dims = spatial_slot_dims_[slot]; dims != 0; dims &= static_cast<DimMask>(dims - 1)) {
      const int dim = __builtin_ctz(dims);
      if (factors[slot][dim] > 1) level.AddSpatial(dim, factors[slot][dim], axis);
    }
  }
}

mapping::Mapping Mapspace::Decode(const Genome& genome) const {
  mapping::Mapping mapping;
  Decode(genome, mapping);
  return mapping;
}

bool Mapspace::IsWellFormed(const Genome& genome, bool within_bounds) const {
  for (int dim = 0; dim < kMaxDims; ++dim) {
    if (dim >= num_dims_) {
      if (genome.padding[dim] != 0) return false;
      for (std::uint8_t slot : genome.factor_slots[dim]) {
        if (slot != 0) return false;
      }
      continue;
    }
    const DimSpace& dim_space = dims_[dim];
    if (genome.padding[dim] >= dim_space.num_candidates) return false;
    const PaddingCandidate& candidate = dim_space.candidates[genome.padding[dim]];
    for (int index = 0; index < kMaxFactorsPerDim; ++index) {
      const int slot = genome.factor_slots[dim][index];
      if (index >= candidate.num_factors) {
        if (slot != 0) return false;
        continue;
      }
      if (OpenSlotIndex(dim, slot) < 0) return false;
      if (index > 0 && candidate.primes[index - 1] == candidate.primes[index] &&
          genome.factor_slots[dim][index - 1] > slot) {
        return false;
      }
    }
    if (within_bounds && dim_space.bounded && !DimWithinBounds(dim, genome.padding[dim], genome.factor_slots[dim])) {
      return false;
    }
  }
  for (int level_idx = 0; level_idx < kMaxLevels; ++level_idx) {
    const auto& order = genome.orders[level_idx];
    if (level_idx >= num_levels_) {
      for (std::uint8_t dim : order) {
        if (dim != 0) return false;
      }
      if (genome.keeps[level_idx] != 0 || ((genome.double_buffered >> level_idx) & 1u) != 0) return false;
      continue;
    }
    const LevelSpace& level = levels_[level_idx];
    DimMask seen = 0;
    for (int position = 0; position < kMaxDims; ++position) {
      const int dim = order[position];
      if (position >= num_dims_) {
        if (dim != 0) return false;
        continue;
      }
      if (dim >= num_dims_ || ((seen >> dim) & 1u) != 0) return false;
      if (position < level.num_fixed_order && dim != level.fixed_order[position]) return false;
      const int suffix_index = position - (num_dims_ - level.num_fixed_suffix);
      if (suffix_index >= 0 && dim != level.fixed_suffix[suffix_index]) return false;
      seen = static_cast<DimMask>(seen | (1u << dim));
    }
    if (!level.buffering_choice && ((genome.double_buffered >> level_idx) & 1u) != 0) return false;
    const TensorMask keeps = genome.keeps[level_idx];
    if ((keeps & level.always_kept) != level.always_kept) return false;
    if ((keeps & ~(level.always_kept | level.choosable)) != 0) return false;
  }
  for (TensorMask pending = on_chip_; pending != 0; pending &= static_cast<TensorMask>(pending - 1)) {
    bool kept = false;
    for (int level_idx = 1; level_idx < num_levels_; ++level_idx) {
      kept |= ((genome.keeps[level_idx] >> __builtin_ctz(pending)) & 1u) != 0;
    }
    if (!kept) return false;
  }
  return true;
}

std::string Mapspace::Describe(const Genome& genome) const {
  std::string text;
  for (int dim = 0; dim < num_dims_; ++dim) {
    const PaddingCandidate& candidate = dims_[dim].candidates[genome.padding[dim]];
    text += fmt::format("{}{}=", dim == 0 ? "" : " ", problem_.dim_name(dim));
    if (candidate.padded_size != dims_[dim].size) text += fmt::format("[pad {}]", candidate.padded_size);
    for (int index = 0; index < candidate.num_factors; ++index) {
      const int slot = genome.factor_slots[dim][index];
      static constexpr std::string_view kKindNames[] = {"t", "x", "y"};
      text += fmt::format("{}{}@{}{}", index == 0 ? "" : ",", candidate.primes[index], kKindNames[slot % kSlotKinds],
                          SlotLevel(slot));
    }
  }
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    text += fmt::format(" | L{} order=", level_idx);
    for (int position = 0; position < num_dims_; ++position) {
      text += problem_.dim_name(genome.orders[level_idx][position]);
    }
    text += fmt::format(" keeps={:#x}", genome.keeps[level_idx]);
    if (levels_[level_idx].buffering_choice) text += DoubleBuffered(genome, level_idx) ? " *2" : " *1";
  }
  return text;
}

}  // namespace loopfront::search

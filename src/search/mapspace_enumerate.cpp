// Enumeration of the mapspace by index (mapspace.h, "Enumeration"), for the exhaustive searcher:
// each sub-space numbered in mixed radix — factor configurations over dims (a padding candidate,
// then the exponent distribution of each run of equal primes), loop orders over levels (Lehmer
// codes over the loops of factor > 1), keeps over tensors then buffering over levels. One file,
// because these numberings must agree with each other and with ComputeSize's count
// (mapspace_build.cpp) digit for digit; an index is deterministic, so threads split the range.
#include <array>

#include "src/search/mapspace_internal.h"

namespace loopfront::search {
namespace {

using internal::Factorial;
using mapping::DimMask;
using mapping::kMaxDims;
using mapping::TensorMask;

}  // namespace

void Mapspace::SetFactorConfig(std::uint64_t index, Genome& genome) const {
  for (int dim = 0; dim < num_dims_; ++dim) {
    const DimSpace& dim_space = dims_[dim];
    std::uint64_t digit = index % dim_space.num_choices;
    index /= dim_space.num_choices;
    int candidate_idx = 0;
    while (digit >= dim_space.candidates[candidate_idx].num_factorizations) {
      digit -= dim_space.candidates[candidate_idx].num_factorizations;
      ++candidate_idx;
    }
    genome.padding[dim] = static_cast<std::uint8_t>(candidate_idx);
    const PaddingCandidate& candidate = dim_space.candidates[candidate_idx];
    std::array<std::uint8_t, kMaxFactorsPerDim>& slots = genome.factor_slots[dim];
    if (dim_space.bounded) {
      slots = bounded_factorizations_[candidate.first_bounded + digit];
      continue;
    }
    internal::ForEachPrimeRun(candidate, [&](int first, int exponent) {
      const std::uint64_t radix = internal::NumCompositions(exponent, dim_space.num_slots);
      std::array<std::uint8_t, kMaxFactorsPerDim + 1> positions{};
      internal::UnrankComposition(digit % radix, exponent, dim_space.num_slots, positions.data());
      digit /= radix;
      for (int item = 0; item < exponent; ++item) slots[first + item] = dim_space.slots[positions[item]];
    });
    for (int rest = candidate.num_factors; rest < kMaxFactorsPerDim; ++rest) slots[rest] = 0;
  }
}

std::uint64_t Mapspace::NumOrders(const Genome& genome) const {
  SlotFactors factors;
  ComputeSlotFactors(genome, factors);
  std::uint64_t orders = 1;
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    const int slot = SlotId(level_idx, SlotKind::kTemporal);
    int count = 0;
    for (int dim = 0; dim < num_dims_; ++dim) count += ((order_dims_[level_idx] >> dim) & 1u) && factors[slot][dim] > 1;
    orders *= Factorial(count);
  }
  return orders;
}

void Mapspace::SetOrders(std::uint64_t index, Genome& genome) const {
  SlotFactors factors;
  ComputeSlotFactors(genome, factors);
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    const LevelSpace& level = levels_[level_idx];
    const int slot = SlotId(level_idx, SlotKind::kTemporal);
    std::array<std::uint8_t, kMaxDims>& order = genome.orders[level_idx];
    DimMask placed = 0;
    for (int position = 0; position < level.num_fixed_order; ++position) {
      order[position] = level.fixed_order[position];
      placed = static_cast<DimMask>(placed | (1u << level.fixed_order[position]));
    }
    std::array<std::uint8_t, kMaxDims> looping{};
    int count = 0;
    for (int dim = 0; dim < num_dims_; ++dim) {
      if (((order_dims_[level_idx] >> dim) & 1u) != 0 && factors[slot][dim] > 1) {
        looping[count++] = static_cast<std::uint8_t>(dim);
      }
    }
    const std::uint64_t radix = Factorial(count);
    std::uint64_t digit = index % radix;
    index /= radix;
    // Lehmer code: the digit in the factorial number system picks each next loop among those left.
    int position = level.num_fixed_order;
    for (int left = count; left > 0; --left) {
      const std::uint64_t block = Factorial(left - 1);
      const int pick = static_cast<int>(digit / block);
      digit %= block;
      order[position++] = looping[pick];
      placed = static_cast<DimMask>(placed | (1u << looping[pick]));
      for (int shift = pick; shift + 1 < left; ++shift) looping[shift] = looping[shift + 1];
    }
    DimMask suffix = 0;
    for (int index = 0; index < level.num_fixed_suffix; ++index) {
      suffix = static_cast<DimMask>(suffix | (1u << level.fixed_suffix[index]));
    }
    for (int dim = 0; dim < num_dims_; ++dim) {
      if (((placed >> dim) & 1u) == 0 && ((suffix >> dim) & 1u) == 0)
        order[position++] = static_cast<std::uint8_t>(dim);
    }
    for (int index = 0; index < level.num_fixed_suffix; ++index) order[position++] = level.fixed_suffix[index];
    for (int rest = num_dims_; rest < kMaxDims; ++rest) order[rest] = 0;
  }
}

void Mapspace::SetKeeps(std::uint64_t index, Genome& genome) const {
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    genome.keeps[level_idx] = levels_[level_idx].always_kept;
  }
  for (int tensor = 0; tensor < num_tensors_; ++tensor) {
    // The digit numbers the subsets of the tensor's bypass genes (bit i: its i-th choosable level
    // keeps it), skipping the empty subset when the tensor must be kept somewhere.
    const TensorKeepChoices choices = KeepChoices(tensor);
    std::uint64_t bits = index % choices.count + (choices.skips_empty ? 1 : 0);
    index /= choices.count;
    for (int level_idx = 1; level_idx < num_levels_; ++level_idx) {
      if (((levels_[level_idx].choosable >> tensor) & 1u) == 0) continue;
      if (bits & 1u) genome.keeps[level_idx] = static_cast<TensorMask>(genome.keeps[level_idx] | (1u << tensor));
      bits >>= 1;
    }
  }
  genome.double_buffered = 0;
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    if (!levels_[level_idx].buffering_choice) continue;
    if (index & 1u) genome.double_buffered = static_cast<std::uint8_t>(genome.double_buffered | (1u << level_idx));
    index >>= 1;
  }
}

}  // namespace loopfront::search

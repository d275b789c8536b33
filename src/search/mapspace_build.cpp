// Build and size of the mapspace (mapspace.h, Build and "Size"): from a problem and its
// constraints, the tables every other piece reads — per level the fixed orders, the keeps rules,
// the buffering choice and the fanouts; per dim the open slots, fixed factors and padding
// candidates (built in mapspace_factors.cpp); the hot-path lookups — and then the exact size of
// the space. The size lives here, not with enumeration, because it is computed once, at Build, by
// a dynamic program over the same tables; it must count exactly what mapspace_enumerate.cpp
// numbers, and the bypass and buffering factor of it is the storage sub-space's own count
// (CountBypassChoices, mapspace_keeps.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "loopfront/util/checked.h"
#include "loopfront/util/error.h"
#include "src/search/mapspace_internal.h"

namespace loopfront::search {
namespace {

using internal::Binomial;
using internal::ForEachPrimeRun;
using mapping::DimMask;
using mapping::kMaxDims;
using mapping::kMaxLevels;
using mapping::TensorMask;

__extension__ using Uint128 = unsigned __int128;

}  // namespace

Mapspace Mapspace::Build(const mapping::Problem& problem, const mapping::Constraints& constraints,
                         const MapspaceOptions& options) {
  Mapspace space;
  space.problem_ = problem;
  space.options_ = options;
  space.num_dims_ = problem.num_dims();
  space.num_levels_ = problem.num_levels();
  space.num_tensors_ = problem.num_tensors();
  space.num_slots_ = kSlotKinds * space.num_levels_;
  space.on_chip_ = static_cast<TensorMask>(problem.options().on_chip_tensors & problem.all_tensors());
  if (!(options.max_padding_waste >= 0.0 && options.max_padding_waste < 1.0)) {
    throw util::ConfigError(
        fmt::format("max_padding_waste: expected a fraction in [0, 1), got {}", options.max_padding_waste));
  }
  util::Diagnostics diagnostics;
  auto fail = [&](std::string message) { diagnostics.Add({.path = "mapspace", .message = std::move(message)}); };

  const TensorMask all_tensors = problem.all_tensors();
  // Vector ops on a vector engine (mapping/check.h): nothing inside the compute level, everything
  // kept at it. Contractions (and vector ops that cannot run) use every level.
  const bool vector_engine = problem.is_vector_op() && problem.compute_level() >= 0;
  space.compute_level_ = vector_engine ? problem.compute_level() : space.num_levels_ - 1;
  space.pass_dim_ = problem.pass_dim();
  space.reduced_dim_ = problem.is_vector_op() && problem.op().reduced_dim ? *problem.op().reduced_dim : -1;
  for (int level_idx = 0; level_idx < space.num_levels_; ++level_idx) {
    LevelSpace& level = space.levels_[level_idx];
    const mapping::LevelConstraints& constraint = constraints.levels[level_idx];
    level.num_fixed_order = static_cast<int>(constraint.order_prefix.size());
    DimMask order_dims = static_cast<DimMask>((1u << space.num_dims_) - 1);
    for (int position = 0; position < level.num_fixed_order; ++position) {
      level.fixed_order[position] = static_cast<std::uint8_t>(constraint.order_prefix[position]);
      order_dims = static_cast<DimMask>(order_dims & ~(1u << constraint.order_prefix[position]));
    }
    level.num_fixed_suffix = static_cast<int>(constraint.order_suffix.size());
    for (int position = 0; position < level.num_fixed_suffix; ++position) {
      level.fixed_suffix[position] = static_cast<std::uint8_t>(constraint.order_suffix[position]);
      order_dims = static_cast<DimMask>(order_dims & ~(1u << constraint.order_suffix[position]));
    }
    if (space.pass_dim_ >= 0) order_dims = static_cast<DimMask>(order_dims & ~(1u << space.pass_dim_));
    space.order_dims_[level_idx] = order_dims;
    if (level_idx > space.compute_level_) {
      level.always_kept = 0;
    } else if (vector_engine && level_idx == space.compute_level_ && level_idx > 0) {
      level.always_kept = all_tensors;
    } else if (level_idx == 0) {
      // DESIGN §2.4 / mapping::CheckStructure: the outermost level keeps every off-chip tensor.
      level.always_kept = static_cast<TensorMask>(all_tensors & ~space.on_chip_);
    } else if (constraint.keeps) {
      level.always_kept = *constraint.keeps;
    } else {
      level.always_kept =
          static_cast<TensorMask>((problem.level(level_idx).must_keep | constraint.must_keep) & all_tensors);
      level.choosable = static_cast<TensorMask>(problem.level(level_idx).may_keep & all_tensors & ~level.always_kept &
                                                ~constraint.bypass);
    }
    const arch::BufferingMask buffering = problem.level(level_idx).buffering;
    level.buffering_choice =
        buffering == (arch::kSingleBuffering | arch::kDoubleBuffering) && (constraint.double_buffered == std::nullopt);
    level.double_buffered =
        constraint.double_buffered.value_or(mapping::DefaultDoubleBuffered(problem.level(level_idx)));
    space.slot_fanout_[SlotId(level_idx, SlotKind::kTemporal)] = 1;
    space.slot_fanout_[SlotId(level_idx, SlotKind::kSpatialX)] = problem.level(level_idx).fanout[0];
    space.slot_fanout_[SlotId(level_idx, SlotKind::kSpatialY)] = problem.level(level_idx).fanout[1];
  }
  for (int tensor = 0; tensor < space.num_tensors_; ++tensor) {
    if (((space.on_chip_ >> tensor) & 1u) == 0) continue;
    bool keepable = false;
    for (int level_idx = 1; level_idx < space.num_levels_; ++level_idx) {
      keepable |= (((space.levels_[level_idx].always_kept | space.levels_[level_idx].choosable) >> tensor) & 1u) != 0;
    }
    if (!keepable) {
      fail(fmt::format("on-chip tensor {} can be kept at no level below {}", problem.tensor_name(tensor),
                       problem.level_name(0)));
    }
  }

  for (int slot = 0; slot < kMaxSlots; ++slot) space.base_factors_[slot].fill(1);
  for (int dim = 0; dim < space.num_dims_; ++dim) {
    DimSpace& dim_space = space.dims_[dim];
    dim_space.size = problem.dim_size(dim);
    const std::string_view dim_name = problem.dim_name(dim);
    if (dim == space.pass_dim_) {
      // No genes: Decode places the whole pass loop (see pass_dim_).
      dim_space.num_candidates = 1;
      dim_space.candidates[0].padded_size = dim_space.size;
      dim_space.num_choices = 1;
      continue;
    }
    if (dim_space.size > kMaxMapspaceDimSize) {
      fail(fmt::format("dim {} has size {}; the mapspace handles dims up to {}", dim_name, dim_space.size,
                       kMaxMapspaceDimSize));
      continue;
    }
    // Open slots and fixed factors.
    std::int64_t fixed_product = 1;
    for (int level_idx = 0; level_idx < space.num_levels_; ++level_idx) {
      const mapping::LevelConstraints& constraint = constraints.levels[level_idx];
      for (int kind = 0; kind < kSlotKinds; ++kind) {
        const int slot = SlotId(level_idx, static_cast<SlotKind>(kind));
        std::int64_t fixed = kind == 0 ? constraint.temporal_factor[dim] : constraint.spatial_factor[kind - 1][dim];
        // A bound that admits one factor on one slot is a fixed factor (`max: 1` closes the slot).
        const mapping::FactorBound bound = constraint.bounds[kind][dim];
        const bool no_spatial = constraint.bounds[static_cast<int>(mapping::FactorKind::kSpatial)][dim].max == 1;
        if (fixed == 0 && (bound.max == 1 || (kind > 0 && no_spatial))) fixed = 1;
        if (fixed == 0 && bound.max > 0 && bound.min == bound.max) fixed = bound.max;
        if (fixed > 0) {
          space.base_factors_[slot][dim] = fixed;
          // Checked: ResolveConstraints bounds the product of the `temporal`/`spatial_x`/`spatial_y`
          // numbers, but a `{min: A, max: A}` bound is a fixed factor here too, each up to 2^40, and
          // constraints built in code (fusion) pass no loader at all.
          const std::optional<std::int64_t> product = util::CheckedMul(fixed_product, fixed);
          if (!product) {
            fail(fmt::format("dim {} has fixed factors whose product overflows (above {} × {})", dim_name,
                             fixed_product, fixed));
            fixed_product = 0;
            break;
          }
          fixed_product = *product;
          if (!bound.Contains(fixed)) {
            fail(fmt::format("dim {} has a fixed factor {} at level {} ({}) outside its bounds", dim_name, fixed,
                             problem.level_name(level_idx), mapping::ToString(static_cast<mapping::FactorKind>(kind))));
          }
          continue;
        }
        if (bound.bounded()) space.bounds_[dim][level_idx][kind] = bound;
        const bool open = level_idx <= space.compute_level_ &&
                          (kind == 0 || (space.slot_fanout_[slot] > 1 &&
                                         ((problem.level(level_idx).spatial_dims[kind - 1] >> dim) & 1u) != 0 &&
                                         ((constraint.spatial_forbidden[kind - 1] >> dim) & 1u) == 0));
        if (open) dim_space.slots[dim_space.num_slots++] = static_cast<std::uint8_t>(slot);
      }
      if (fixed_product == 0) break;
      const mapping::FactorBound both_axes = constraint.bounds[static_cast<int>(mapping::FactorKind::kSpatial)][dim];
      if (both_axes.bounded() && both_axes.max != 1) {  // `max: 1` closed both spatial slots above
        space.bounds_[dim][level_idx][static_cast<int>(mapping::FactorKind::kSpatial)] = both_axes;
      }
    }
    if (fixed_product == 0) continue;  // reported above
    for (int level_idx = 0; level_idx < space.num_levels_; ++level_idx) {
      for (const mapping::FactorBound& bound : space.bounds_[dim][level_idx]) {
        if (bound.bounded()) dim_space.bounded = true;
      }
    }
    if (dim_space.bounded) space.bounded_dims_ = static_cast<DimMask>(space.bounded_dims_ | (1u << dim));
    // Padding candidates (mapspace_factors.cpp).
    const std::int64_t max_size = BuildPaddingCandidates(options.max_padding_waste, fixed_product, dim_space);
    if (dim_space.num_candidates == 0) {
      fail(fmt::format(
          "dim {} of size {} cannot be mapped: its fixed factors (product {}) divide no size from {} to {}{}", dim_name,
          dim_space.size, fixed_product, dim_space.size, std::max(max_size, dim_space.size),
          dim_space.num_slots == 0 ? " exactly, and every slot of the dim is fixed" : ""));
    }
    if (dim_space.bounded && dim_space.num_candidates > 0) {
      if (!space.BuildBoundedFactorizations(dim)) {
        fail(
            fmt::format("dim {} of size {} has factor bounds and more than {} ways to spread its factors (padding "
                        "candidates included) over {} slots; fix more of its factors, or lower --max-padding-waste",
                        dim_name, dim_space.size, kMaxBoundedFactorizations, dim_space.num_slots));
      } else if (dim_space.num_candidates == 0) {
        fail(
            fmt::format("dim {} of size {} cannot be mapped: no way to spread its factors (padded up to {}) satisfies "
                        "its factor bounds",
                        dim_name, dim_space.size, std::max(max_size, dim_space.size)));
      }
    }
  }
  diagnostics.ThrowIfAny();
  for (int dim = 0; dim < space.num_dims_; ++dim) {
    space.open_slot_index_[dim].fill(-1);
    const DimSpace& dim_space = space.dims_[dim];
    for (int index = 0; index < dim_space.num_slots; ++index) {
      space.open_slot_index_[dim][dim_space.slots[index]] = static_cast<std::int8_t>(index);
    }
    std::int8_t nearest = -1;
    for (int level_idx = 0; level_idx <= space.num_levels_; ++level_idx) {
      space.outer_temporal_slot_[dim][level_idx] = nearest;
      if (level_idx < space.num_levels_ && space.open_slot_index_[dim][SlotId(level_idx, SlotKind::kTemporal)] >= 0) {
        nearest = static_cast<std::int8_t>(SlotId(level_idx, SlotKind::kTemporal));
      }
    }
  }
  for (int level_idx = 0; level_idx < space.num_levels_; ++level_idx) {
    LevelSpace& level = space.levels_[level_idx];
    DimMask placed = 0;
    for (int position = 0; position < level.num_fixed_order; ++position) {
      level.initial_order[position] = level.fixed_order[position];
      placed = static_cast<DimMask>(placed | (1u << level.fixed_order[position]));
    }
    const int suffix_start = space.num_dims_ - level.num_fixed_suffix;
    for (int position = 0; position < level.num_fixed_suffix; ++position) {
      level.initial_order[suffix_start + position] = level.fixed_suffix[position];
      placed = static_cast<DimMask>(placed | (1u << level.fixed_suffix[position]));
    }
    int position = level.num_fixed_order;
    for (int dim = 0; dim < space.num_dims_; ++dim) {
      if (((placed >> dim) & 1u) == 0) level.initial_order[position++] = static_cast<std::uint8_t>(dim);
    }
  }
  for (int dim = 0; dim < space.num_dims_; ++dim) {
    DimSpace& dim_space = space.dims_[dim];
    for (int index = 0; index < dim_space.num_candidates; ++index) {
      PrimeRuns& runs = dim_space.runs[index];
      runs = PrimeRuns{};
      ForEachPrimeRun(dim_space.candidates[index], [&](int first, int exponent) {
        runs.first[runs.num_runs] = static_cast<std::uint8_t>(first);
        runs.exponent[runs.num_runs] = static_cast<std::uint8_t>(exponent);
        runs.compositions[runs.num_runs] = internal::NumCompositions(exponent, dim_space.num_slots);
        ++runs.num_runs;
      });
    }
  }
  space.BuildCompositionTables();
  for (int slot = 0; slot < space.num_slots_; ++slot) {
    for (int dim = 0; dim < space.num_dims_; ++dim) {
      if (space.base_factors_[slot][dim] > 1) {
        space.fixed_slot_dims_[slot] = static_cast<DimMask>(space.fixed_slot_dims_[slot] | (1u << dim));
      }
    }
  }
  for (int level_idx = 0; level_idx < space.num_levels_; ++level_idx) {
    int possible_loops = 0;
    for (const SlotKind kind : {SlotKind::kSpatialX, SlotKind::kSpatialY}) {
      const int slot = SlotId(level_idx, kind);
      for (int dim = 0; dim < space.num_dims_; ++dim) {
        if (space.open_slot_index_[dim][slot] < 0 && space.base_factors_[slot][dim] <= 1) continue;
        ++possible_loops;
        space.spatial_slot_dims_[slot] = static_cast<DimMask>(space.spatial_slot_dims_[slot] | (1u << dim));
      }
    }
    space.spatial_crowding_possible_ |= possible_loops > mapping::kMaxSpatialLoopsPerLevel;
    for (const SlotKind kind : {SlotKind::kSpatialX, SlotKind::kSpatialY}) {
      const int slot = SlotId(level_idx, kind);
      if (space.spatial_slot_dims_[slot] != 0)
        space.spatial_slots_[space.num_spatial_slots_++] = static_cast<std::uint8_t>(slot);
    }
  }
  space.repaired_factors_reusable_ = !space.spatial_crowding_possible_;
  for (int tensor = 0; tensor < space.num_tensors_; ++tensor) {
    DimMask tile_dims = problem.tensor_dims(tensor);
    if (((problem.affine_tensors() >> tensor) & 1u) != 0) {
      const mapping::AffineTable& table = problem.affine(tensor);
      for (int index = 0; index < table.num_indices; ++index) {
        for (int term = 0; term < table.indices[index].num_terms; ++term) {
          tile_dims = static_cast<DimMask>(tile_dims | (1u << table.indices[index].dims[term]));
        }
      }
    }
    for (int dim = 0; dim < space.num_dims_; ++dim) {
      if (((tile_dims >> dim) & 1u) != 0) {
        space.tile_tensors_[dim] = static_cast<mapping::TensorMask>(space.tile_tensors_[dim] | (1u << tensor));
      }
    }
  }
  space.ComputeSize();
  return space;
}

bool Mapspace::BuildBoundedFactorizations(int dim) {
  DimSpace& dim_space = dims_[dim];
  // Every padding candidate's distributions are enumerated: their total is what is bounded.
  std::uint64_t total = 0;
  for (int index = 0; index < dim_space.num_candidates; ++index) {
    total = internal::SaturatingAdd(total, dim_space.candidates[index].num_factorizations);
  }
  if (total > kMaxBoundedFactorizations) return false;
  int kept_candidates = 0;
  std::array<std::uint8_t, kMaxFactorsPerDim> slots{};
  for (int index = 0; index < dim_space.num_candidates; ++index) {
    PaddingCandidate candidate = dim_space.candidates[index];
    candidate.first_bounded = static_cast<std::uint32_t>(bounded_factorizations_.size());
    // Every exponent distribution, in SetFactorConfig's mixed radix over the runs of equal primes.
    for (std::uint64_t rank = 0; rank < candidate.num_factorizations; ++rank) {
      std::uint64_t digit = rank;
      slots.fill(0);
      ForEachPrimeRun(candidate, [&](int first, int exponent) {
        const std::uint64_t radix = internal::NumCompositions(exponent, dim_space.num_slots);
        std::array<std::uint8_t, kMaxFactorsPerDim + 1> positions{};
        internal::UnrankComposition(digit % radix, exponent, dim_space.num_slots, positions.data());
        digit /= radix;
        for (int item = 0; item < exponent; ++item) slots[first + item] = dim_space.slots[positions[item]];
      });
      dim_space.candidates[index] = candidate;  // DimWithinBounds reads the candidate's primes
      if (DimWithinBounds(dim, index, slots)) bounded_factorizations_.push_back(slots);
    }
    const std::uint64_t valid = bounded_factorizations_.size() - candidate.first_bounded;
    if (valid == 0) continue;
    candidate.num_factorizations = valid;
    candidate.log10_factorizations = std::log10(static_cast<double>(valid));
    dim_space.candidates[kept_candidates++] = candidate;
  }
  dim_space.num_candidates = kept_candidates;
  dim_space.num_choices = 0;
  for (int index = 0; index < kept_candidates; ++index) {
    dim_space.num_choices =
        internal::SaturatingAdd(dim_space.num_choices, dim_space.candidates[index].num_factorizations);
  }
  return true;
}

void Mapspace::ComputeSize() {
  // Factor configurations and bypass choices.
  size_.factor_configs = 1;
  size_.log10_factor_configs = 0.0;
  std::array<double, kMaxDims> log10_choices{};
  for (int dim = 0; dim < num_dims_; ++dim) {
    const DimSpace& dim_space = dims_[dim];
    size_.factor_configs = internal::SaturatingMultiply(size_.factor_configs, dim_space.num_choices);
    long double choices = 0;
    for (int index = 0; index < dim_space.num_candidates; ++index) {
      choices += std::pow(10.0L, static_cast<long double>(dim_space.candidates[index].log10_factorizations));
    }
    log10_choices[dim] = static_cast<double>(std::log10(choices));
    size_.log10_factor_configs += log10_choices[dim];
  }
  size_.bypass_choices = CountBypassChoices();

  // Orders: Σ over factor configurations of Π levels k_l!, by dynamic programming over dims on the
  // vector (k_0 .. k_{L-1}) written in base num_dims + 1.
  const int base = num_dims_ + 1;
  std::uint64_t num_states = 1;
  for (int level_idx = 0; level_idx < num_levels_ && num_states <= (1u << 20); ++level_idx) num_states *= base;
  const std::array<DimMask, kMaxLevels>& order_free_dims = order_dims_;
  const double log10_bypass = std::log10(static_cast<double>(size_.bypass_choices));
  if (num_states > (1u << 20)) {
    // Too many states: estimate the mean of Π k_l! over factor configurations by sampling them
    // uniformly (a padding candidate in proportion to its factorizations).
    util::Rng rng(util::DeriveSeed(0, {}));
    constexpr int kSamples = 4096;
    long double sum = 0;
    Genome genome;
    for (int sample = 0; sample < kSamples; ++sample) {
      for (int dim = 0; dim < num_dims_; ++dim) {
        const DimSpace& dim_space = dims_[dim];
        long double pick = static_cast<long double>(rng.Uniform());
        long double total = 0;
        for (int index = 0; index < dim_space.num_candidates; ++index) {
          total += std::pow(10.0L, static_cast<long double>(dim_space.candidates[index].log10_factorizations));
        }
        int chosen = dim_space.num_candidates - 1;
        for (int index = 0; index < dim_space.num_candidates; ++index) {
          const long double share =
              std::pow(10.0L, static_cast<long double>(dim_space.candidates[index].log10_factorizations)) / total;
          if (pick < share) {
            chosen = index;
            break;
          }
          pick -= share;
        }
        genome.padding[dim] = static_cast<std::uint8_t>(chosen);
        SampleFactors(dim, rng, genome);
      }
      sum += static_cast<long double>(NumOrders(genome));
    }
    size_.exact.reset();
    size_.log10 = size_.log10_factor_configs + static_cast<double>(std::log10(sum / kSamples)) + log10_bypass;
    return;
  }

  std::vector<std::uint64_t> state_step(num_levels_);
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    state_step[level_idx] = level_idx == 0 ? 1 : state_step[level_idx - 1] * base;
  }
  const int num_masks = 1 << num_levels_;
  std::vector<std::uint64_t> mask_step(num_masks, 0);
  for (int mask = 1; mask < num_masks; ++mask) {
    const int lowest = __builtin_ctz(static_cast<unsigned>(mask));
    mask_step[mask] = mask_step[mask & (mask - 1)] + state_step[lowest];
  }
  bool overflow = false;
  auto multiply = [&](Uint128 a, Uint128 b) {
    Uint128 product = 0;
    if (__builtin_mul_overflow(a, b, &product)) overflow = true;
    return product;
  };
  auto add = [&](Uint128 a, Uint128 b) {
    Uint128 sum = 0;
    if (__builtin_add_overflow(a, b, &sum)) overflow = true;
    return sum;
  };
  // Exact counts (128-bit, with an overflow flag) and long doubles for log10 beyond 2^128.
  std::vector<Uint128> exact(num_states, 0);
  std::vector<long double> approx(num_states, 0);
  exact[0] = 1;
  approx[0] = 1;
  std::vector<Uint128> next_exact(num_states);
  std::vector<long double> next_approx(num_states);
  std::vector<Uint128> mask_exact(num_masks);
  std::vector<long double> mask_approx(num_masks);
  std::vector<Uint128> run_exact(num_masks);
  std::vector<long double> run_approx(num_masks);
  std::vector<Uint128> ways_exact(num_masks);
  std::vector<long double> ways_approx(num_masks);
  for (int dim = 0; dim < num_dims_; ++dim) {
    const DimSpace& dim_space = dims_[dim];
    // Levels where the dim's order is free, and which of those have an open temporal slot / a
    // fixed temporal factor > 1.
    int counted_open = 0;
    int fixed_support = 0;
    for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
      if (((order_free_dims[level_idx] >> dim) & 1u) == 0) continue;
      const int slot = SlotId(level_idx, SlotKind::kTemporal);
      if (base_factors_[slot][dim] > 1) fixed_support |= 1 << level_idx;
      if (OpenSlotIndex(dim, slot) >= 0) counted_open |= 1 << level_idx;
    }
    const int other_slots = dim_space.num_slots - __builtin_popcount(static_cast<unsigned>(counted_open));
    std::fill(mask_exact.begin(), mask_exact.end(), 0);
    std::fill(mask_approx.begin(), mask_approx.end(), 0);
    for (int index = 0; index < dim_space.num_candidates; ++index) {
      const PaddingCandidate& candidate = dim_space.candidates[index];
      std::fill(run_exact.begin(), run_exact.end(), 0);
      std::fill(run_approx.begin(), run_approx.end(), 0);
      if (dim_space.bounded) {
        // The table lists the valid factor genes: count each by the levels its loops land on.
        for (std::uint64_t entry = 0; entry < candidate.num_factorizations; ++entry) {
          const auto& slots = bounded_factorizations_[candidate.first_bounded + entry];
          int support = fixed_support;
          for (int factor = 0; factor < candidate.num_factors; ++factor) {
            const int slot = slots[factor];
            if (SlotKindOf(slot) == SlotKind::kTemporal && ((counted_open >> SlotLevel(slot)) & 1) != 0) {
              support |= 1 << SlotLevel(slot);
            }
          }
          run_exact[support] += 1;
          run_approx[support] += 1;
        }
        for (int mask = 0; mask < num_masks; ++mask) {
          mask_exact[mask] = add(mask_exact[mask], run_exact[mask]);
          mask_approx[mask] += run_approx[mask];
        }
        continue;
      }
      run_exact[fixed_support] = 1;
      run_approx[fixed_support] = 1;
      ForEachPrimeRun(candidate, [&](int, int exponent) {
        // Ways to put `exponent` equal factors so that exactly the counted levels `support` get
        // some: C(e + o − 1, |support| + o − 1) (positive parts there, any amount in o others).
        std::fill(ways_exact.begin(), ways_exact.end(), 0);
        std::fill(ways_approx.begin(), ways_approx.end(), 0);
        for (int support = counted_open;; support = (support - 1) & counted_open) {
          const int parts = __builtin_popcount(static_cast<unsigned>(support)) + other_slots;
          const std::uint64_t ways = parts == 0 ? 0 : Binomial(exponent + other_slots - 1, parts - 1);
          ways_exact[support] = ways;
          ways_approx[support] = static_cast<long double>(ways);
          if (support == 0) break;
        }
        std::vector<Uint128> combined_exact(num_masks, 0);
        std::vector<long double> combined_approx(num_masks, 0);
        for (int mask = 0; mask < num_masks; ++mask) {
          if (run_approx[mask] == 0) continue;
          for (int support = counted_open;; support = (support - 1) & counted_open) {
            if (ways_approx[support] != 0) {
              combined_exact[mask | support] =
                  add(combined_exact[mask | support], multiply(run_exact[mask], ways_exact[support]));
              combined_approx[mask | support] += run_approx[mask] * ways_approx[support];
            }
            if (support == 0) break;
          }
        }
        run_exact.swap(combined_exact);
        run_approx.swap(combined_approx);
      });
      for (int mask = 0; mask < num_masks; ++mask) {
        mask_exact[mask] = add(mask_exact[mask], run_exact[mask]);
        mask_approx[mask] += run_approx[mask];
      }
    }
    std::fill(next_exact.begin(), next_exact.end(), 0);
    std::fill(next_approx.begin(), next_approx.end(), 0);
    for (std::uint64_t state = 0; state < num_states; ++state) {
      if (approx[state] == 0) continue;
      for (int mask = 0; mask < num_masks; ++mask) {
        if (mask_approx[mask] == 0) continue;
        const std::uint64_t target = state + mask_step[mask];
        next_exact[target] = add(next_exact[target], multiply(exact[state], mask_exact[mask]));
        next_approx[target] += approx[state] * mask_approx[mask];
      }
    }
    exact.swap(next_exact);
    approx.swap(next_approx);
  }
  Uint128 total_exact = 0;
  long double total_approx = 0;
  for (std::uint64_t state = 0; state < num_states; ++state) {
    if (approx[state] == 0) continue;
    std::uint64_t orders = 1;
    std::uint64_t rest = state;
    for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
      orders *= internal::Factorial(static_cast<int>(rest % base));
      rest /= base;
    }
    total_exact = add(total_exact, multiply(exact[state], orders));
    total_approx += approx[state] * static_cast<long double>(orders);
  }
  total_exact = multiply(total_exact, size_.bypass_choices);
  size_.log10 = static_cast<double>(std::log10(total_approx)) + log10_bypass;
  if (!overflow && total_exact <= std::numeric_limits<std::uint64_t>::max()) {
    size_.exact = static_cast<std::uint64_t>(total_exact);
    size_.log10 = std::log10(static_cast<double>(total_exact));
  } else {
    size_.exact.reset();
  }
}

}  // namespace loopfront::search

#include "loopfront/search/mapspace.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "loopfront/util/error.h"

namespace loopfront::search {
namespace {

using mapping::DimMask;
using mapping::kMaxDims;
using mapping::kMaxLevels;
using mapping::TensorMask;

__extension__ using Uint128 = unsigned __int128;

// Binomial coefficients C(n, k) for n < 64, saturated at UINT64_MAX (C(63, 31) < 2^63, so never).
constexpr int kBinomialRows = 64;
struct BinomialTable {
  std::uint64_t values[kBinomialRows][kBinomialRows] = {};
  constexpr BinomialTable() {
    for (int n = 0; n < kBinomialRows; ++n) {
      values[n][0] = 1;
      for (int k = 1; k <= n; ++k) values[n][k] = values[n - 1][k - 1] + (k < n ? values[n - 1][k] : 0);
    }
  }
};
constexpr BinomialTable kBinomials;

// C(n, k), 0 outside 0 ≤ k ≤ n.
std::uint64_t Binomial(int n, int k) {
  if (k < 0 || n < 0 || k > n) return 0;
  return kBinomials.values[n][k];
}

std::uint64_t SaturatingMultiply(std::uint64_t a, std::uint64_t b) {
  std::uint64_t product = 0;
  return __builtin_mul_overflow(a, b, &product) ? std::numeric_limits<std::uint64_t>::max() : product;
}
std::uint64_t SaturatingAdd(std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<std::uint64_t>::max() : sum;
}

constexpr std::uint64_t Factorial(int n) {
  std::uint64_t result = 1;
  for (int value = 2; value <= n; ++value) result *= static_cast<std::uint64_t>(value);
  return result;
}

// Ascending prime factors of `value` (trial division; values are below 2^31).
int PrimeFactors(std::int64_t value, std::array<std::int32_t, kMaxFactorsPerDim>& primes) {
  int count = 0;
  for (std::int64_t divisor = 2; divisor * divisor <= value; ++divisor) {
    while (value % divisor == 0) {
      primes[count++] = static_cast<std::int32_t>(divisor);
      value /= divisor;
    }
  }
  if (value > 1) primes[count++] = static_cast<std::int32_t>(value);
  return count;
}

int TwoAdicValuation(std::int64_t value) { return __builtin_ctzll(static_cast<unsigned long long>(value)); }

// Whether every prime factor of `value` is ≤ `bound`.
bool IsSmooth(std::int64_t value, std::int64_t bound) {
  for (std::int64_t divisor = 2; divisor <= bound && divisor * divisor <= value; ++divisor) {
    while (value % divisor == 0) value /= divisor;
  }
  return value <= bound;
}

std::int64_t LargestPrimeFactor(std::int64_t value) {
  std::int64_t largest = 1;
  for (std::int64_t divisor = 2; divisor * divisor <= value; ++divisor) {
    while (value % divisor == 0) {
      largest = divisor;
      value /= divisor;
    }
  }
  return value > 1 ? value : largest;
}

// How many numbers above a dim's size the smoothness scan looks at: it finds the records early
// (sizes of Transformer ops are small), and the bound keeps Build fast on odd huge dims.
constexpr std::int64_t kMaxPaddingScan = 4096;

// Sizes in (size, max_size] with "richer" factors than every smaller size, ascending: a record in
// the power of two they hold (what PE arrays and vector widths divide), or in smoothness (largest
// prime factor). E.g. 197 → 198, 200, 208, 216 with 10% waste.
std::vector<std::int64_t> RicherSizes(std::int64_t size, std::int64_t max_size) {
  std::vector<std::int64_t> sizes;
  // Records in the 2-adic valuation: for each j, the smallest multiple of 2^j at or above size.
  for (int bits = TwoAdicValuation(size) + 1; bits < 62; ++bits) {
    const std::int64_t step = std::int64_t{1} << bits;
    const std::int64_t multiple = (size + step - 1) / step * step;
    if (multiple > max_size) break;
    sizes.push_back(multiple);
  }
  std::int64_t best_largest_prime = LargestPrimeFactor(size);
  const std::int64_t scan_end = std::min(max_size, size + kMaxPaddingScan);
  for (std::int64_t candidate = size + 1; candidate <= scan_end && best_largest_prime > 2; ++candidate) {
    if (!IsSmooth(candidate, best_largest_prime - 1)) continue;
    best_largest_prime = LargestPrimeFactor(candidate);
    sizes.push_back(candidate);
  }
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

// The runs of equal primes of a candidate: calls body(first_index, exponent) per run.
template <typename Body>
inline void ForEachPrimeRun(const Mapspace::PaddingCandidate& candidate, Body body) {
  int first = 0;
  while (first < candidate.num_factors) {
    int end = first + 1;
    while (end < candidate.num_factors && candidate.primes[end] == candidate.primes[first]) ++end;
    body(first, end - first);
    first = end;
  }
}

// Stars and bars: `exponent` identical factors into `num_slots` slots, written as non-decreasing
// slot positions (0..num_slots-1) into positions[0..exponent]; positions[exponent] is scratch.
// Branch-free: the star/bar decisions of a uniform rank are unpredictable by design.
inline void UnrankComposition(std::uint64_t rank, int exponent, int num_slots, std::uint8_t* positions) {
  const int length = exponent + num_slots - 1;
  int bars_left = num_slots - 1;
  int slot_position = 0;
  int item = 0;
  for (int position = 0; position < length; ++position) {
    // Compositions with a star here: the remaining bars among the later positions (C(n, 0) = 1,
    // so once the bars are placed every position is a star).
    const std::uint64_t with_star = kBinomials.values[length - position - 1][bars_left];
    const bool bar = rank >= with_star;
    positions[item] = static_cast<std::uint8_t>(slot_position);
    item += !bar;
    rank -= bar ? with_star : 0;
    bars_left -= bar;
    slot_position += bar;
  }
}

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
      level.always_kept = static_cast<TensorMask>(problem.level(level_idx).must_keep & all_tensors);
      level.choosable = static_cast<TensorMask>(problem.level(level_idx).may_keep & all_tensors & ~level.always_kept);
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
        const std::int64_t fixed =
            kind == 0 ? constraint.temporal_factor[dim] : constraint.spatial_factor[kind - 1][dim];
        if (fixed > 0) {
          space.base_factors_[slot][dim] = fixed;
          fixed_product *= fixed;
          continue;
        }
        const bool open = level_idx <= space.compute_level_ &&
                          (kind == 0 || (space.slot_fanout_[slot] > 1 &&
                                         ((problem.level(level_idx).spatial_dims[kind - 1] >> dim) & 1u) != 0));
        if (open) dim_space.slots[dim_space.num_slots++] = static_cast<std::uint8_t>(slot);
      }
    }
    // Padding candidates: the size itself, then richer sizes within the waste limit, all divisible
    // by the fixed factors and leaving no free factor without an open slot.
    const auto max_size = static_cast<std::int64_t>(
        std::floor(static_cast<double>(dim_space.size) / (1.0 - options.max_padding_waste) + 1e-9));
    std::vector<std::int64_t> sizes{dim_space.size};
    if (max_size > dim_space.size) {
      for (std::int64_t richer : RicherSizes(dim_space.size, std::min(max_size, kMaxMapspaceDimSize))) {
        sizes.push_back(richer);
      }
      // With fixed factors, the smallest padded size they divide may be the only way to map the dim.
      const std::int64_t multiple = (dim_space.size + fixed_product - 1) / fixed_product * fixed_product;
      if (multiple <= max_size && std::find(sizes.begin(), sizes.end(), multiple) == sizes.end()) {
        sizes.push_back(multiple);
        std::sort(sizes.begin(), sizes.end());
      }
    }
    dim_space.num_candidates = 0;
    for (std::int64_t padded : sizes) {
      if (dim_space.num_candidates == kMaxPaddingCandidates) break;
      if (padded % fixed_product != 0) continue;
      PaddingCandidate candidate;
      candidate.padded_size = padded;
      candidate.num_factors = PrimeFactors(padded / fixed_product, candidate.primes);
      if (candidate.num_factors > 0 && dim_space.num_slots == 0) continue;
      candidate.num_factorizations = 1;
      ForEachPrimeRun(candidate, [&](int, int exponent) {
        candidate.num_factorizations = SaturatingMultiply(
            candidate.num_factorizations, Binomial(exponent + dim_space.num_slots - 1, dim_space.num_slots - 1));
        candidate.log10_factorizations +=
            std::log10(static_cast<double>(Binomial(exponent + dim_space.num_slots - 1, dim_space.num_slots - 1)));
      });
      dim_space.candidates[dim_space.num_candidates++] = candidate;
      dim_space.num_choices = SaturatingAdd(dim_space.num_choices, candidate.num_factorizations);
    }
    if (dim_space.num_candidates == 0) {
      fail(fmt::format(
          "dim {} of size {} cannot be mapped: its fixed factors (product {}) divide no size from {} to {}{}", dim_name,
          dim_space.size, fixed_product, dim_space.size, std::max(max_size, dim_space.size),
          dim_space.num_slots == 0 ? " exactly, and every slot of the dim is fixed" : ""));
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
    int possible_loops = 0;
    for (const SlotKind kind : {SlotKind::kSpatialX, SlotKind::kSpatialY}) {
      const int slot = SlotId(level_idx, kind);
      for (int dim = 0; dim < space.num_dims_; ++dim) {
        possible_loops += space.open_slot_index_[dim][slot] >= 0 || space.base_factors_[slot][dim] > 1;
      }
    }
    space.spatial_crowding_possible_ |= possible_loops > mapping::kMaxSpatialLoopsPerLevel;
  }
  space.ComputeSize();
  return space;
}

void Mapspace::ComputeSize() {
  // Factor configurations and bypass choices.
  size_.factor_configs = 1;
  size_.log10_factor_configs = 0.0;
  std::array<double, kMaxDims> log10_choices{};
  for (int dim = 0; dim < num_dims_; ++dim) {
    const DimSpace& dim_space = dims_[dim];
    size_.factor_configs = SaturatingMultiply(size_.factor_configs, dim_space.num_choices);
    long double choices = 0;
    for (int index = 0; index < dim_space.num_candidates; ++index) {
      choices += std::pow(10.0L, static_cast<long double>(dim_space.candidates[index].log10_factorizations));
    }
    log10_choices[dim] = static_cast<double>(std::log10(choices));
    size_.log10_factor_configs += log10_choices[dim];
  }
  size_.bypass_choices = 1;
  for (int tensor = 0; tensor < num_tensors_; ++tensor) {
    int choice_levels = 0;
    bool kept_for_sure = false;
    for (int level_idx = 1; level_idx < num_levels_; ++level_idx) {
      choice_levels += (levels_[level_idx].choosable >> tensor) & 1u;
      kept_for_sure |= ((levels_[level_idx].always_kept >> tensor) & 1u) != 0;
    }
    const std::uint64_t subsets = std::uint64_t{1} << choice_levels;
    const bool needs_one = ((on_chip_ >> tensor) & 1u) != 0 && !kept_for_sure;
    size_.bypass_choices *= needs_one ? subsets - 1 : subsets;
  }
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx)
    size_.bypass_choices <<= levels_[level_idx].buffering_choice;

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
      orders *= Factorial(static_cast<int>(rest % base));
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

int Mapspace::OpenSlotIndex(int dim, int slot) const { return open_slot_index_[dim][slot]; }

void Mapspace::ComputeSlotFactors(const Genome& genome, SlotFactors& factors) const {
  for (int slot = 0; slot < num_slots_; ++slot) factors[slot] = base_factors_[slot];
  for (int dim = 0; dim < num_dims_; ++dim) {
    const PaddingCandidate& candidate = dims_[dim].candidates[genome.padding[dim]];
    for (int index = 0; index < candidate.num_factors; ++index) {
      factors[genome.factor_slots[dim][index]][dim] *= candidate.primes[index];
    }
  }
  // A level holds at most kMaxSpatialLoopsPerLevel spatial loops (mapping/limits.h): spatial
  // factors beyond them (x before y, dims ascending — Decode's order) run temporally at the level.
  // Repair moves them there explicitly; until then every consumer sees the same mapping.
  for (int level_idx = 0; spatial_crowding_possible_ && level_idx < num_levels_; ++level_idx) {
    int loops = 0;
    for (const SlotKind kind : {SlotKind::kSpatialX, SlotKind::kSpatialY}) {
      const int slot = SlotId(level_idx, kind);
      for (int dim = 0; dim < num_dims_; ++dim) {
        if (factors[slot][dim] <= 1 || ++loops <= mapping::kMaxSpatialLoopsPerLevel) continue;
        factors[SlotId(level_idx, SlotKind::kTemporal)][dim] *= factors[slot][dim];
        factors[slot][dim] = 1;
      }
    }
  }
  if (pass_dim_ >= 0) factors[SlotId(PassLevel(factors), SlotKind::kTemporal)][pass_dim_] = dims_[pass_dim_].size;
}

int Mapspace::PassLevel(const SlotFactors& factors) const {
  if (reduced_dim_ < 0) return compute_level_;
  for (int level_idx = 0; level_idx < compute_level_; ++level_idx) {
    const int slot = SlotId(level_idx, SlotKind::kTemporal);
    if (factors[slot][reduced_dim_] > 1 || factors[slot + 1][reduced_dim_] > 1 || factors[slot + 2][reduced_dim_] > 1) {
      return level_idx;
    }
  }
  return compute_level_;
}

void Mapspace::SampleFactors(int dim, util::Rng& rng, Genome& genome) const {
  const DimSpace& dim_space = dims_[dim];
  const PaddingCandidate& candidate = dim_space.candidates[genome.padding[dim]];
  std::array<std::uint8_t, kMaxFactorsPerDim>& slots = genome.factor_slots[dim];
  const int num_slots = dim_space.num_slots;
  ForEachPrimeRun(candidate, [&](int first, int exponent) {
    // A uniform exponent distribution: a uniform rank among the C(e + s − 1, s − 1) compositions
    // (stars and bars), unranked — one draw instead of one per position.
    std::array<std::uint8_t, kMaxFactorsPerDim + 1> positions;
    const std::uint64_t compositions = Binomial(exponent + num_slots - 1, num_slots - 1);
    UnrankComposition(rng.Below(compositions), exponent, num_slots, positions.data());
    for (int item = 0; item < exponent; ++item) slots[first + item] = dim_space.slots[positions[item]];
  });
  for (int index = candidate.num_factors; index < kMaxFactorsPerDim; ++index) slots[index] = 0;
}

void Mapspace::SampleOrder(int level_idx, util::Rng& rng, Genome& genome) const {
  const LevelSpace& level = levels_[level_idx];
  std::array<std::uint8_t, kMaxDims>& order = genome.orders[level_idx];
  DimMask placed = 0;
  for (int position = 0; position < level.num_fixed_order; ++position) {
    order[position] = level.fixed_order[position];
    placed = static_cast<DimMask>(placed | (1u << level.fixed_order[position]));
  }
  int position = level.num_fixed_order;
  for (int dim = 0; dim < num_dims_; ++dim) {
    if (((placed >> dim) & 1u) == 0) order[position++] = static_cast<std::uint8_t>(dim);
  }
  // Fisher–Yates over the free positions.
  for (int last = num_dims_ - 1; last > level.num_fixed_order; --last) {
    const int pick = level.num_fixed_order +
                     static_cast<int>(rng.Below(static_cast<std::uint64_t>(last - level.num_fixed_order + 1)));
    std::swap(order[last], order[pick]);
  }
  for (int rest = num_dims_; rest < kMaxDims; ++rest) order[rest] = 0;
}

void Mapspace::FixOnChipKeeps(util::Rng& rng, Genome& genome) const {
  for (TensorMask pending = on_chip_; pending != 0; pending &= static_cast<TensorMask>(pending - 1)) {
    const int tensor = __builtin_ctz(pending);
    int choices = 0;
    bool kept = false;
    for (int level_idx = 1; level_idx < num_levels_; ++level_idx) {
      kept |= ((genome.keeps[level_idx] >> tensor) & 1u) != 0;
      choices += (levels_[level_idx].choosable >> tensor) & 1u;
    }
    if (kept || choices == 0) continue;
    int pick = static_cast<int>(rng.Below(static_cast<std::uint64_t>(choices)));
    for (int level_idx = 1; level_idx < num_levels_; ++level_idx) {
      if (((levels_[level_idx].choosable >> tensor) & 1u) == 0) continue;
      if (pick-- == 0) {
        genome.keeps[level_idx] = static_cast<TensorMask>(genome.keeps[level_idx] | (1u << tensor));
        break;
      }
    }
  }
}

void Mapspace::Sample(util::Rng& rng, Genome& genome) const {
  for (int dim = 0; dim < num_dims_; ++dim) {
    const int candidates = dims_[dim].num_candidates;
    genome.padding[dim] =
        static_cast<std::uint8_t>(candidates > 1 ? rng.Below(static_cast<std::uint64_t>(candidates)) : 0);
    SampleFactors(dim, rng, genome);
  }
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) SampleOrder(level_idx, rng, genome);
  const std::uint64_t coins = rng.Next();
  int coin = 0;
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    const LevelSpace& level = levels_[level_idx];
    TensorMask keeps = level.always_kept;
    for (TensorMask choice = level.choosable; choice != 0; choice &= static_cast<TensorMask>(choice - 1)) {
      if ((coins >> (coin++ & 63)) & 1u) keeps = static_cast<TensorMask>(keeps | (choice & -choice));
    }
    genome.keeps[level_idx] = keeps;
  }
  genome.double_buffered = 0;
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    if (levels_[level_idx].buffering_choice && ((coins >> (coin++ & 63)) & 1u) != 0) {
      genome.double_buffered = static_cast<std::uint8_t>(genome.double_buffered | (1u << level_idx));
    }
  }
  FixOnChipKeeps(rng, genome);
}

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

int Mapspace::NearestOuterTemporalSlot(int dim, int below_level) const {
  return outer_temporal_slot_[dim][below_level];
}

bool Mapspace::Mutate(MutationKind kind, util::Rng& rng, Genome& genome) const {
  switch (kind) {
    case MutationKind::kMoveFactor: {
      int total = 0;
      for (int dim = 0; dim < num_dims_; ++dim) {
        if (dims_[dim].num_slots >= 2) total += dims_[dim].candidates[genome.padding[dim]].num_factors;
      }
      if (total == 0) return false;
      int pick = static_cast<int>(rng.Below(static_cast<std::uint64_t>(total)));
      for (int dim = 0; dim < num_dims_; ++dim) {
        const DimSpace& dim_space = dims_[dim];
        if (dim_space.num_slots < 2) continue;
        const int factors = dim_space.candidates[genome.padding[dim]].num_factors;
        if (pick >= factors) {
          pick -= factors;
          continue;
        }
        const int current = OpenSlotIndex(dim, genome.factor_slots[dim][pick]);
        int target = static_cast<int>(rng.Below(static_cast<std::uint64_t>(dim_space.num_slots - 1)));
        if (target >= current) ++target;
        MoveFactor(dim, pick, dim_space.slots[target], genome);
        return true;
      }
      return false;
    }
    case MutationKind::kSwapLoops: {
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
    case MutationKind::kFlipBypass: {
      // Flippable bits: every choosable bit, except removing an on-chip tensor's only keep.
      auto flippable = [&](int level_idx, int tensor) {
        if (((levels_[level_idx].choosable >> tensor) & 1u) == 0) return false;
        if (((on_chip_ >> tensor) & 1u) == 0 || ((genome.keeps[level_idx] >> tensor) & 1u) == 0) return true;
        for (int other = 1; other < num_levels_; ++other) {
          if (other != level_idx && ((genome.keeps[other] >> tensor) & 1u) != 0) return true;
        }
        return false;
      };
      // Buffering genes are storage choices too: they flip here.
      int total = 0;
      for (int level_idx = 1; level_idx < num_levels_; ++level_idx) {
        for (int tensor = 0; tensor < num_tensors_; ++tensor) total += flippable(level_idx, tensor);
      }
      for (int level_idx = 0; level_idx < num_levels_; ++level_idx) total += levels_[level_idx].buffering_choice;
      if (total == 0) return false;
      int pick = static_cast<int>(rng.Below(static_cast<std::uint64_t>(total)));
      for (int level_idx = 1; level_idx < num_levels_; ++level_idx) {
        for (int tensor = 0; tensor < num_tensors_; ++tensor) {
          if (!flippable(level_idx, tensor) || pick-- != 0) continue;
          genome.keeps[level_idx] = static_cast<TensorMask>(genome.keeps[level_idx] ^ (1u << tensor));
          return true;
        }
      }
      for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
        if (!levels_[level_idx].buffering_choice || pick-- != 0) continue;
        genome.double_buffered = static_cast<std::uint8_t>(genome.double_buffered ^ (1u << level_idx));
        return true;
      }
      return false;
    }
    case MutationKind::kChangePadding: {
      int total = 0;
      for (int dim = 0; dim < num_dims_; ++dim) total += dims_[dim].num_candidates >= 2;
      if (total == 0) return false;
      int pick = static_cast<int>(rng.Below(static_cast<std::uint64_t>(total)));
      int dim = 0;
      for (; dim < num_dims_; ++dim) {
        if (dims_[dim].num_candidates >= 2 && pick-- == 0) break;
      }
      const DimSpace& dim_space = dims_[dim];
      int target = static_cast<int>(rng.Below(static_cast<std::uint64_t>(dim_space.num_candidates - 1)));
      if (target >= genome.padding[dim]) ++target;
      // Keep the tiling's shape: the old product of each open slot is the target for the new
      // primes, placed largest first where the most of that target is left (ties: lowest slot).
      std::array<double, kMaxSlots> room{};
      const PaddingCandidate& old_candidate = dim_space.candidates[genome.padding[dim]];
      for (int index = 0; index < dim_space.num_slots; ++index) room[index] = 1.0;
      for (int index = 0; index < old_candidate.num_factors; ++index) {
        room[OpenSlotIndex(dim, genome.factor_slots[dim][index])] *= old_candidate.primes[index];
      }
      const PaddingCandidate& new_candidate = dim_space.candidates[target];
      genome.padding[dim] = static_cast<std::uint8_t>(target);
      std::array<std::uint8_t, kMaxFactorsPerDim>& slots = genome.factor_slots[dim];
      for (int index = new_candidate.num_factors - 1; index >= 0; --index) {
        int best = 0;
        for (int open = 1; open < dim_space.num_slots; ++open) {
          if (room[open] > room[best]) best = open;
        }
        room[best] /= new_candidate.primes[index];
        slots[index] = dim_space.slots[best];
      }
      for (int index = new_candidate.num_factors; index < kMaxFactorsPerDim; ++index) slots[index] = 0;
      // Canonical order within runs of equal primes.
      ForEachPrimeRun(new_candidate, [&](int first, int exponent) {
        std::sort(slots.begin() + first, slots.begin() + first + exponent);
      });
      return true;
    }
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

bool Mapspace::Repair(util::Rng& rng, Genome& genome) const {
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
  SlotFactors factors;
  ComputeSlotFactors(genome, factors);
  // Fanout: move spatial factors out of an overflowing axis to a temporal slot of the same level,
  // or the nearest open one outward.
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    for (const SlotKind kind : {SlotKind::kSpatialX, SlotKind::kSpatialY}) {
      const int slot = SlotId(level_idx, kind);
      std::int64_t product = 1;
      for (int dim = 0; dim < num_dims_; ++dim) product *= factors[slot][dim];
      while (product > slot_fanout_[slot]) {
        int count = 0;
        for (int dim = 0; dim < num_dims_; ++dim) {
          const int num_factors = dims_[dim].candidates[genome.padding[dim]].num_factors;
          for (int index = 0; index < num_factors; ++index) count += genome.factor_slots[dim][index] == slot;
        }
        if (count == 0) return false;
        int pick = static_cast<int>(rng.Below(static_cast<std::uint64_t>(count)));
        int moved_dim = -1;
        int moved_index = -1;
        for (int dim = 0; dim < num_dims_ && moved_dim < 0; ++dim) {
          const int num_factors = dims_[dim].candidates[genome.padding[dim]].num_factors;
          for (int index = 0; index < num_factors; ++index) {
            if (genome.factor_slots[dim][index] == slot && pick-- == 0) {
              moved_dim = dim;
              moved_index = index;
              break;
            }
          }
        }
        const int same_level = SlotId(level_idx, SlotKind::kTemporal);
        const int target =
            OpenSlotIndex(moved_dim, same_level) >= 0 ? same_level : NearestOuterTemporalSlot(moved_dim, level_idx);
        if (target < 0) return false;
        const std::int32_t prime = dims_[moved_dim].candidates[genome.padding[moved_dim]].primes[moved_index];
        MoveFactor(moved_dim, moved_index, target, genome);
        factors[slot][moved_dim] /= prime;
        factors[target][moved_dim] *= prime;
        product /= prime;
      }
    }
  }
  // Capacity, innermost level first: moving a factor from level ≥ l to a level < l leaves the
  // tiles of the levels above l unchanged, so one pass suffices.
  std::array<std::array<std::int64_t, kMaxDims>, kMaxLevels + 1> inside{};  // Π factors at levels ≥ l
  auto recompute_inside = [&](int dim) {
    inside[num_levels_][dim] = 1;
    for (int level_idx = num_levels_ - 1; level_idx >= 0; --level_idx) {
      const int slot = SlotId(level_idx, SlotKind::kTemporal);
      inside[level_idx][dim] =
          inside[level_idx + 1][dim] * factors[slot][dim] * factors[slot + 1][dim] * factors[slot + 2][dim];
    }
  };
  for (int dim = 0; dim < num_dims_; ++dim) recompute_inside(dim);
  for (int level_idx = num_levels_ - 1; level_idx >= 0; --level_idx) {
    const std::int64_t capacity = problem_.level(level_idx).UsableCapacity(DoubleBuffered(genome, level_idx));
    if (capacity == mapping::kUnboundedCapacity) continue;
    const TensorMask kept = genome.keeps[level_idx];
    DimMask relevant_dims = 0;
    for (TensorMask mask = kept; mask != 0; mask &= static_cast<TensorMask>(mask - 1)) {
      relevant_dims = static_cast<DimMask>(relevant_dims | problem_.tensor_dims(__builtin_ctz(mask)));
    }
    while (true) {
      std::int64_t needed = 0;
      for (TensorMask mask = kept; mask != 0; mask &= static_cast<TensorMask>(mask - 1)) {
        std::int64_t tile = 1;
        for (DimMask dims = problem_.tensor_dims(__builtin_ctz(mask)); dims != 0;
             dims &= static_cast<DimMask>(dims - 1)) {
          tile *= inside[level_idx][__builtin_ctz(dims)];
        }
        needed += tile;
      }
      if (needed <= capacity) break;
      // Candidates: free factors of relevant dims at this level or inside it that have an open
      // temporal slot outside; temporal ones first (they keep the parallelism).
      int temporal_count = 0;
      int spatial_count = 0;
      for (DimMask dims = relevant_dims; dims != 0; dims &= static_cast<DimMask>(dims - 1)) {
        const int dim = __builtin_ctz(dims);
        if (NearestOuterTemporalSlot(dim, level_idx) < 0) continue;
        const int num_factors = dims_[dim].candidates[genome.padding[dim]].num_factors;
        for (int index = 0; index < num_factors; ++index) {
          const int slot = genome.factor_slots[dim][index];
          if (SlotLevel(slot) < level_idx) continue;
          if (SlotKindOf(slot) == SlotKind::kTemporal) {
            ++temporal_count;
          } else {
            ++spatial_count;
          }
        }
      }
      if (temporal_count + spatial_count == 0) return false;
      const bool temporal = temporal_count > 0;
      int pick = static_cast<int>(rng.Below(static_cast<std::uint64_t>(temporal ? temporal_count : spatial_count)));
      int moved_dim = -1;
      int moved_index = -1;
      for (DimMask dims = relevant_dims; dims != 0 && moved_dim < 0; dims &= static_cast<DimMask>(dims - 1)) {
        const int dim = __builtin_ctz(dims);
        if (NearestOuterTemporalSlot(dim, level_idx) < 0) continue;
        const int num_factors = dims_[dim].candidates[genome.padding[dim]].num_factors;
        for (int index = 0; index < num_factors; ++index) {
          const int slot = genome.factor_slots[dim][index];
          if (SlotLevel(slot) < level_idx || (SlotKindOf(slot) == SlotKind::kTemporal) != temporal) continue;
          if (pick-- == 0) {
            moved_dim = dim;
            moved_index = index;
            break;
          }
        }
      }
      const int source = genome.factor_slots[moved_dim][moved_index];
      const int target = NearestOuterTemporalSlot(moved_dim, level_idx);
      const std::int32_t prime = dims_[moved_dim].candidates[genome.padding[moved_dim]].primes[moved_index];
      MoveFactor(moved_dim, moved_index, target, genome);
      factors[source][moved_dim] /= prime;
      factors[target][moved_dim] *= prime;
      recompute_inside(moved_dim);
    }
  }
  return true;
}

mapping::Violation Mapspace::CheckFit(const Genome& genome) const {
  SlotFactors factors;
  ComputeSlotFactors(genome, factors);
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
    std::int64_t needed = 0;
    for (TensorMask mask = genome.keeps[level_idx]; mask != 0; mask &= static_cast<TensorMask>(mask - 1)) {
      std::int64_t tile = 1;
      for (DimMask dims = problem_.tensor_dims(__builtin_ctz(mask)); dims != 0;
           dims &= static_cast<DimMask>(dims - 1)) {
        tile *= inside[__builtin_ctz(dims)];
      }
      needed += tile;
    }
    if (needed > capacity) return mapping::Violation::kCapacityExceeded;
  }
  return mapping::Violation::kNone;
}

void Mapspace::Decode(const Genome& genome, mapping::Mapping& mapping) const {
  SlotFactors factors;
  ComputeSlotFactors(genome, factors);
  const int pass_level = pass_dim_ >= 0 ? PassLevel(factors) : -1;
  mapping = mapping::Mapping(num_levels_);
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    mapping::LevelMapping& level = mapping.level(level_idx);
    const int temporal_slot = SlotId(level_idx, SlotKind::kTemporal);
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
    for (const SlotKind kind : {SlotKind::kSpatialX, SlotKind::kSpatialY}) {
      const int slot = SlotId(level_idx, kind);
      const mapping::Axis axis = kind == SlotKind::kSpatialX ? mapping::Axis::kX : mapping::Axis::kY;
      for (int dim = 0; dim < num_dims_; ++dim) {
        if (factors[slot][dim] > 1) level.AddSpatial(dim, factors[slot][dim], axis);
      }
    }
    level.SetKeeps(genome.keeps[level_idx]);
    level.SetDoubleBuffered(DoubleBuffered(genome, level_idx));
  }
}

mapping::Mapping Mapspace::Decode(const Genome& genome) const {
  mapping::Mapping mapping;
  Decode(genome, mapping);
  return mapping;
}

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
    ForEachPrimeRun(candidate, [&](int first, int exponent) {
      const std::uint64_t radix = Binomial(exponent + dim_space.num_slots - 1, dim_space.num_slots - 1);
      std::array<std::uint8_t, kMaxFactorsPerDim + 1> positions{};
      UnrankComposition(digit % radix, exponent, dim_space.num_slots, positions.data());
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
    for (int dim = 0; dim < num_dims_; ++dim) {
      if (((placed >> dim) & 1u) == 0) order[position++] = static_cast<std::uint8_t>(dim);
    }
    for (int rest = num_dims_; rest < kMaxDims; ++rest) order[rest] = 0;
  }
}

void Mapspace::SetKeeps(std::uint64_t index, Genome& genome) const {
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx)
    genome.keeps[level_idx] = levels_[level_idx].always_kept;
  for (int tensor = 0; tensor < num_tensors_; ++tensor) {
    int choice_levels = 0;
    bool kept_for_sure = false;
    for (int level_idx = 1; level_idx < num_levels_; ++level_idx) {
      choice_levels += (levels_[level_idx].choosable >> tensor) & 1u;
      kept_for_sure |= ((levels_[level_idx].always_kept >> tensor) & 1u) != 0;
    }
    const std::uint64_t subsets = std::uint64_t{1} << choice_levels;
    const bool needs_one = ((on_chip_ >> tensor) & 1u) != 0 && !kept_for_sure;
    const std::uint64_t radix = needs_one ? subsets - 1 : subsets;
    std::uint64_t bits = index % radix + (needs_one ? 1 : 0);
    index /= radix;
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

bool Mapspace::IsWellFormed(const Genome& genome) const {
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

// The factor sub-space of the mapspace (mapspace.h, "padding" and "factors"): which size each dim
// is padded to, and in which slot (level × temporal | spatial x | spatial y) each of its prime
// factors lies. Padding and factors live together because a padding candidate is nothing but a
// different multiset of primes to distribute: the candidates are built here, and so are the factor
// sampling and the two mutations that move primes (move one factor, change the padding). The
// per-slot factor products every other piece reads (ComputeSlotFactors) are inline in
// mapspace_internal.h.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "src/search/mapspace_internal.h"

namespace loopfront::search {
namespace {

using internal::ForEachPrimeRun;
using internal::NumCompositions;
using mapping::DimMask;

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

}  // namespace

std::int64_t Mapspace::BuildPaddingCandidates(double max_padding_waste, std::int64_t fixed_product,
                                              DimSpace& dim_space) {
  // The size itself, then richer sizes within the waste limit, all divisible by the fixed factors
  // and leaving no free factor without an open slot.
  const std::int64_t max_size = mapping::MaxPaddedSize(dim_space.size, max_padding_waste);
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
    ForEachPrimeRun(candidate, [&](int first, int exponent) {
      for (int index = first; index < first + exponent; ++index)
        candidate.run_first[index] = static_cast<std::uint8_t>(first);
    });
    if (candidate.num_factors > 0 && dim_space.num_slots == 0) continue;
    candidate.num_factorizations = 1;
    ForEachPrimeRun(candidate, [&](int, int exponent) {
      const std::uint64_t compositions = NumCompositions(exponent, dim_space.num_slots);
      candidate.num_factorizations = internal::SaturatingMultiply(candidate.num_factorizations, compositions);
      candidate.log10_factorizations += std::log10(static_cast<double>(compositions));
    });
    dim_space.candidates[dim_space.num_candidates++] = candidate;
    dim_space.num_choices = internal::SaturatingAdd(dim_space.num_choices, candidate.num_factorizations);
  }
  return max_size;
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

bool Mapspace::DimWithinBounds(int dim, int padding, const std::array<std::uint8_t, kMaxFactorsPerDim>& slots) const {
  const PaddingCandidate& candidate = dims_[dim].candidates[padding];
  std::array<std::int64_t, kMaxSlots> product;
  for (int slot = 0; slot < num_slots_; ++slot) product[slot] = base_factors_[slot][dim];
  for (int index = 0; index < candidate.num_factors; ++index) product[slots[index]] *= candidate.primes[index];
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    const auto& bounds = bounds_[dim][level_idx];
    const int slot = SlotId(level_idx, SlotKind::kTemporal);
    if (!bounds[0].Contains(product[slot]) || !bounds[1].Contains(product[slot + 1]) ||
        !bounds[2].Contains(product[slot + 2]) || !bounds[3].Contains(product[slot + 1] * product[slot + 2])) {
      return false;
    }
  }
  return true;
}

bool Mapspace::FactorsWithinBounds(const SlotFactors& factors) const {
  for (DimMask dims = bounded_dims_; dims != 0; dims &= static_cast<DimMask>(dims - 1)) {
    const int dim = __builtin_ctz(dims);
    for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
      const auto& bounds = bounds_[dim][level_idx];
      const int slot = SlotId(level_idx, SlotKind::kTemporal);
      if (!bounds[0].Contains(factors[slot][dim]) || !bounds[1].Contains(factors[slot + 1][dim]) ||
          !bounds[2].Contains(factors[slot + 2][dim]) ||
          !bounds[3].Contains(factors[slot + 1][dim] * factors[slot + 2][dim])) {
        return false;
      }
    }
  }
  return true;
}

bool Mapspace::WithinBounds(const Genome& genome) const {
  if (bounded_dims_ == 0) return true;
  SlotFactors factors;
  ComputeSlotFactors(genome, factors);
  return FactorsWithinBounds(factors);
}

bool Mapspace::WithinBounds(const Genome& genome, const RepairedFactors& repaired) const {
  if (bounded_dims_ == 0) return true;
  return repaired.valid_ ? FactorsWithinBounds(repaired.factors_) : WithinBounds(genome);
}

void Mapspace::BuildCompositionTables() {
  for (auto& candidates : composition_table_offset_) {
    for (auto& offsets : candidates) offsets.fill(kNoCompositionTable);
  }
  composition_tables_.clear();
  // The tables built so far, by (open slots, exponent), for dims that share them.
  struct Table {
    std::array<std::uint8_t, kMaxSlots> slots;
    int num_slots;
    int exponent;
    std::uint32_t offset;
  };
  std::vector<Table> tables;
  // First come, first served in (dim, candidate, run) order, so that a Build always lays out the
  // same tables.
  for (int dim = 0; dim < num_dims_; ++dim) {
    const DimSpace& dim_space = dims_[dim];
    if (dim_space.bounded) continue;  // sampled from bounded_factorizations_
    const auto slot_of = [&dim_space](int position) { return dim_space.slots[position]; };
    for (int candidate = 0; candidate < dim_space.num_candidates; ++candidate) {
      const PrimeRuns& runs = dim_space.runs[candidate];
      for (int run = 0; run < runs.num_runs; ++run) {
        const int exponent = runs.exponent[run];
        if (exponent < 2 || exponent > kCompositionCopyBytes) continue;
        const auto shared = std::find_if(tables.begin(), tables.end(), [&](const Table& table) {
          return table.num_slots == dim_space.num_slots && table.exponent == exponent &&
                 std::equal(table.slots.begin(), table.slots.begin() + table.num_slots, dim_space.slots.begin());
        });
        if (shared != tables.end()) {
          composition_table_offset_[dim][candidate][run] = shared->offset;
          continue;
        }
        const std::uint64_t rows = runs.compositions[run];
        if (rows > (kCompositionTableBytes - composition_tables_.size()) / static_cast<std::uint64_t>(exponent)) {
          continue;
        }
        const auto offset = static_cast<std::uint32_t>(composition_tables_.size());
        // UnrankComposition writes one scratch byte past the run.
        std::array<std::uint8_t, kMaxFactorsPerDim + 1> row{};
        for (std::uint64_t rank = 0; rank < rows; ++rank) {
          internal::UnrankComposition(rank, exponent, dim_space.num_slots, slot_of, row.data());
          composition_tables_.insert(composition_tables_.end(), row.begin(), row.begin() + exponent);
        }
        tables.push_back({dim_space.slots, dim_space.num_slots, exponent, offset});
        composition_table_offset_[dim][candidate][run] = offset;
      }
    }
  }
  composition_tables_.resize(composition_tables_.size() + kCompositionCopyBytes, 0);
}

void Mapspace::SampleFactors(int dim, util::Rng& rng, Genome& genome) const {
  const DimSpace& dim_space = dims_[dim];
  const PaddingCandidate& candidate = dim_space.candidates[genome.padding[dim]];
  std::array<std::uint8_t, kMaxFactorsPerDim>& slots = genome.factor_slots[dim];
  if (dim_space.bounded) {
    // Uniform among the valid factor genes (the table Build enumerated).
    slots = bounded_factorizations_[candidate.first_bounded + rng.Below(candidate.num_factorizations)];
    return;
  }
  // Per run, a uniform exponent distribution: a uniform rank among the C(e + s − 1, s − 1)
  // compositions (stars and bars), one draw instead of one per position, then its row of the run's
  // composition table, or, without a table, unranked by the walk straight into the dim's open slots.
  // Both write past the run (a table copy kCompositionCopyBytes, the walk one scratch byte) into a
  // local row long enough for it; the next run overwrites that, and after the last run it is
  // cleared, so the genes past the factors stay 0.
  const PrimeRuns& runs = dim_space.runs[genome.padding[dim]];
  const auto& table_offsets = composition_table_offset_[dim][genome.padding[dim]];
  std::array<std::uint8_t, kMaxFactorsPerDim + kCompositionCopyBytes + 1> row{};
  const auto slot_of = [&dim_space](int position) { return dim_space.slots[position]; };
  for (int run = 0; run < runs.num_runs; ++run) {
    const std::uint64_t rank = rng.Below(runs.compositions[run]);
    std::uint8_t* out = row.data() + runs.first[run];
    if (table_offsets[run] != kNoCompositionTable) {
      std::memcpy(out, composition_tables_.data() + table_offsets[run] + rank * runs.exponent[run],
                  kCompositionCopyBytes);
    } else {
      internal::UnrankComposition(rank, runs.exponent[run], dim_space.num_slots, slot_of, out);
    }
  }
  std::memset(row.data() + candidate.num_factors, 0, kCompositionCopyBytes);
  std::copy_n(row.begin(), kMaxFactorsPerDim, slots.begin());
}

bool Mapspace::MutateMoveFactor(util::Rng& rng, Genome& genome) const {
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
    if (dim_space.bounded) {
      // A move that leaves the dim's bounds is undone and another drawn; a few tries, then give up
      // (Mutate then tries another kind).
      const std::array<std::uint8_t, kMaxFactorsPerDim> before = genome.factor_slots[dim];
      constexpr int kTries = 8;
      for (int attempt = 0; attempt < kTries; ++attempt) {
        const int index = attempt == 0 ? pick : static_cast<int>(rng.Below(static_cast<std::uint64_t>(factors)));
        const int current = OpenSlotIndex(dim, genome.factor_slots[dim][index]);
        int target = static_cast<int>(rng.Below(static_cast<std::uint64_t>(dim_space.num_slots - 1)));
        if (target >= current) ++target;
        MoveFactor(dim, index, dim_space.slots[target], genome);
        if (DimWithinBounds(dim, genome.padding[dim], genome.factor_slots[dim])) return true;
        genome.factor_slots[dim] = before;
      }
      return false;
    }
    const int current = OpenSlotIndex(dim, genome.factor_slots[dim][pick]);
    int target = static_cast<int>(rng.Below(static_cast<std::uint64_t>(dim_space.num_slots - 1)));
    if (target >= current) ++target;
    MoveFactor(dim, pick, dim_space.slots[target], genome);
    return true;
  }
  return false;
}

bool Mapspace::MutateChangePadding(util::Rng& rng, Genome& genome) const {
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
  ForEachPrimeRun(new_candidate,
                  [&](int first, int exponent) { std::sort(slots.begin() + first, slots.begin() + first + exponent); });
  // With bounds, the shape-keeping placement may leave them: then a uniform valid gene instead.
  if (dim_space.bounded && !DimWithinBounds(dim, target, slots)) {
    slots = bounded_factorizations_[new_candidate.first_bounded + rng.Below(new_candidate.num_factorizations)];
  }
  return true;
}

}  // namespace loopfront::search

// What the pieces of the mapspace share (src/search/mapspace_*.cpp; the manual is
// include/loopfront/search/mapspace.h): the counting helpers of the factor sub-space (binomials,
// stars and bars, runs of equal primes), factorials for loop orders, and the slot lookups that
// Mutate and Repair call per evaluation. Everything here is inline on purpose: these helpers sat in
// one translation unit with their callers before the split, and the hot path must keep inlining
// them.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>

#include "loopfront/search/mapspace.h"

namespace loopfront::search::internal {

// Binomial coefficients C(n, k) for n < 64, saturated at UINT64_MAX (C(63, 31) < 2^63, so never).
inline constexpr int kBinomialRows = 64;
struct BinomialTable {
  std::uint64_t values[kBinomialRows][kBinomialRows] = {};
  constexpr BinomialTable() {
    for (int n = 0; n < kBinomialRows; ++n) {
      values[n][0] = 1;
      for (int k = 1; k <= n; ++k) values[n][k] = values[n - 1][k - 1] + (k < n ? values[n - 1][k] : 0);
    }
  }
};
inline constexpr BinomialTable kBinomials;

// C(n, k), 0 outside 0 ≤ k ≤ n.
inline std::uint64_t Binomial(int n, int k) {
  if (k < 0 || n < 0 || k > n) return 0;
  return kBinomials.values[n][k];
}

inline std::uint64_t SaturatingMultiply(std::uint64_t a, std::uint64_t b) {
  std::uint64_t product = 0;
  return __builtin_mul_overflow(a, b, &product) ? std::numeric_limits<std::uint64_t>::max() : product;
}
inline std::uint64_t SaturatingAdd(std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<std::uint64_t>::max() : sum;
}

// n! for the loop counts of one level (n ≤ kMaxDims, far below 21! = the first to overflow).
constexpr std::uint64_t Factorial(int n) {
  std::uint64_t result = 1;
  for (int value = 2; value <= n; ++value) result *= static_cast<std::uint64_t>(value);
  return result;
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

// The exponent distributions of one run of `exponent` equal primes over `num_slots` open slots:
// C(e + s − 1, s − 1) (stars and bars). The factor sub-space counts, samples and enumerates by it.
inline std::uint64_t NumCompositions(int exponent, int num_slots) {
  return Binomial(exponent + num_slots - 1, num_slots - 1);
}

// Stars and bars: `exponent` identical factors into `num_slots` slots, unranked into non-decreasing
// slot positions p (0..num_slots-1), written as slot_of(p) into out[0..exponent]; out[exponent] is
// scratch. Branch-free: the star/bar decisions of a uniform rank are unpredictable by design. One
// star (a prime of exponent 1) needs no walk: its rank is its position.
template <typename SlotOf>
inline void UnrankComposition(std::uint64_t rank, int exponent, int num_slots, SlotOf slot_of, std::uint8_t* out) {
  if (exponent == 1) {
    out[0] = slot_of(static_cast<int>(rank));
    return;
  }
  const int length = exponent + num_slots - 1;
  int bars_left = num_slots - 1;
  int slot_position = 0;
  int item = 0;
  for (int position = 0; position < length; ++position) {
    // Compositions with a star here: the remaining bars among the later positions (C(n, 0) = 1,
    // so once the bars are placed every position is a star).
    const std::uint64_t with_star = kBinomials.values[length - position - 1][bars_left];
    const bool bar = rank >= with_star;
    out[item] = slot_of(slot_position);
    item += !bar;
    rank -= bar ? with_star : 0;
    bars_left -= bar;
    slot_position += bar;
  }
}

// The same, writing the slot positions themselves.
inline void UnrankComposition(std::uint64_t rank, int exponent, int num_slots, std::uint8_t* positions) {
  UnrankComposition(
      rank, exponent, num_slots, [](int position) { return static_cast<std::uint8_t>(position); }, positions);
}

}  // namespace loopfront::search::internal

namespace loopfront::search {

// Private members of Mapspace that several pieces call on the hot path: defined here, inline.
// ComputeSlotFactors belongs to the factor sub-space (mapspace_factors.cpp) but runs in every
// Repair and Decode: inline, those calls cost no call and no spill of the 768-byte table's address.

inline void Mapspace::ComputeSlotFactors(const Genome& genome, SlotFactors& factors) const {
  ComputeSlotFactorsImpl<false>(genome, factors, nullptr);
}

inline void Mapspace::ComputeSlotFactors(const Genome& genome, SlotFactors& factors, SlotCounts& counts) const {
  ComputeSlotFactorsImpl<true>(genome, factors, &counts);
}

template <bool kCount>
inline void Mapspace::ComputeSlotFactorsImpl(const Genome& genome, SlotFactors& factors, SlotCounts* counts) const {
  // One block copy of the slots in use (a row per slot), not a copy per row: this runs for every
  // Repair and Decode.
  std::memcpy(factors.data(), base_factors_.data(), sizeof(factors[0]) * static_cast<std::size_t>(num_slots_));
  for (int dim = 0; dim < num_dims_; ++dim) {
    const PaddingCandidate& candidate = dims_[dim].candidates[genome.padding[dim]];
    if constexpr (kCount) (*counts)[dim].fill(0);
    for (int index = 0; index < candidate.num_factors; ++index) {
      const int slot = genome.factor_slots[dim][index];
      factors[slot][dim] *= candidate.primes[index];
      if constexpr (kCount) ++(*counts)[dim][slot];
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

inline int Mapspace::OpenSlotIndex(int dim, int slot) const { return open_slot_index_[dim][slot]; }

inline int Mapspace::NearestOuterTemporalSlot(int dim, int below_level) const {
  return outer_temporal_slot_[dim][below_level];
}

}  // namespace loopfront::search

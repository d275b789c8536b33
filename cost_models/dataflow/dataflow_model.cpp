#include "cost_models/dataflow/dataflow_model.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <memory>
#include <type_traits>

#include "cost_models/dataflow/sliding_window.h"
#include "loopfront/mapping/check.h"
#include "loopfront/util/error.h"

namespace loopfront::cost {
namespace {

using mapping::kMaxDims;
using mapping::kMaxLevels;
using mapping::kMaxTensors;
using mapping::TensorMask;

using PerTensor = std::array<std::int64_t, kMaxTensors>;
using mapping::kSaturatedCount;

// Why the counts below stay inside an int64 (issue #15): the padded iteration space is at most
// 2^52 points (mapping/check.cpp), and every per-instance count of rules 5-7 (content, share,
// part, link transfers) is at most the padded points. Packing multiplies a count by up to
// 4096 (bits / word_bits) and saturates at kSaturatedCount, so a record may exceed this bound
// only through packing; such a mapping is infeasible (Violation::kCountOverflow). Below it, a
// level's sums of ≤ kMaxTensors × 2 counts stay below 2^62. Cycles from words / rate (rates
// ≥ 1e-6 by the loaders' kBandwidthRange) and a vector engine's cycles saturate at
// kSaturatedCount and are added with SaturatingAdd; a mapping whose cycles reach it is infeasible.
// Energies are doubles: counts < 2^58 × 1e9 pJ × 2^40 instances ≈ 3e38 pJ, finite.
constexpr std::int64_t kMaxRecordCount = std::int64_t{1} << 58;

// The violation of a mapping whose counts left the range the cost model computes in (see above).
mapping::CheckResult CountOverflowCheck(int level_idx, std::int64_t limit) {
  mapping::CheckResult check;
  check.violation = mapping::Violation::kCountOverflow;
  check.level = static_cast<std::int8_t>(level_idx);
  check.limit = limit;
  return check;
}

// Iterates the set bits of a tensor mask.
template <typename Function>
inline void ForEachTensor(TensorMask mask, Function function) {
  while (mask != 0) {
    function(__builtin_ctz(mask));
    mask &= static_cast<TensorMask>(mask - 1);
  }
}

// Whole physical accesses for `words` words (rule 8): ceil(words / vector_words), as
// (words + vector_words − 1) / vector_words, in one of three forms that rule 8 picks once per level
// (the level's width is fixed; rule 8 takes three per kept tensor). Levels move a power of two
// words per access (1, 2, 8 and 16 in the presets): one word is the words themselves, and wider
// powers of two a shift by `vector_shift` (mapping::LevelTable::vector_shift), where a 64-bit
// division costs tens of cycles. The shift is the division exactly, for any sign: a negative
// dividend is first raised by vector_words − 1, so that flooring truncates as `/` does (what
// compilers emit for a division by a constant power of two). Other widths divide.
inline std::int64_t AccessesByShift(std::int64_t words, std::int64_t vector_words, int vector_shift) {
  const std::int64_t dividend = words + vector_words - 1;
  return (dividend + ((dividend >> 63) & (vector_words - 1))) >> vector_shift;
}
inline std::int64_t AccessesByDivision(std::int64_t words, std::int64_t vector_words) {
  return (words + vector_words - 1) / vector_words;
}

// mapping::CyclesAtRate, inlined for whole words per cycle (every preset's bandwidths): rule 9 and
// the single-buffer stalls take up to three per level, and the call with its 64-bit division was
// 4.6% of an evaluation on bench/architectures/five_level.yaml (perf). A power-of-two rate (8, 16,
// 64 in the presets) divides by a shift, exact here because the dividend is positive (a limited
// whole-word rate has num ≥ 1: RateFromDouble on the loaders' kBandwidthRange).
inline std::int64_t WholeWordCyclesAtRate(std::int64_t words, mapping::Rate rate) {
  if (rate.unlimited() || words <= 0) return 0;  // as CyclesAtRate: most calls, at no call's cost
  if (rate.den != 1) return mapping::CyclesAtRate(words, rate);
  const std::int64_t dividend = words + rate.num - 1;
  if ((rate.num & (rate.num - 1)) == 0) return dividend >> std::countr_zero(static_cast<std::uint64_t>(rate.num));
  return dividend / rate.num;
}

// max(T, ceil(words / rate)) (rule 9), dividing only when the level is bandwidth bound:
// words / (num/den) > T  ⇔  words·den > T·num, exact in 128 bits.
inline std::int64_t BandwidthCycles(std::int64_t words, mapping::Rate rate, std::int64_t compute_cycles) {
  if (rate.unlimited()) return compute_cycles;
  __extension__ using Wide = __int128;
  if (static_cast<Wide>(words) * rate.den <= static_cast<Wide>(compute_cycles) * rate.num) return compute_cycles;
  return WholeWordCyclesAtRate(words, rate);
}

// Rule 9 as Timeloop v3.0.3 evaluates it (BufferLevel::ComputePerformance, in IEEE doubles), for
// one of a level's three bandwidths: `demand` is the per-tensor quotients double(words_t) / double(T)
// summed in problem-tensor order, and the level's cycles are ceil(T / slowdown) with slowdown =
// min(1, bandwidth / demand), taken only when bandwidth < demand. The max over the three bandwidths
// equals Timeloop's ceil(T / min of the slowdowns), as x ↦ ceil(T / x) is monotone in doubles.
// The result can exceed the exact max(T, ceil(words / rate)) by one cycle, when the exact quotient
// is an integer and rounding pushes the double just above it (validation README, rule 9:
// gemmini_ws_fp_rounding_m512n768k768). The rate is num / den; every bandwidth of the reference
// cases is an integer, for which this double is exactly Timeloop's.
inline std::int64_t TimeloopBandwidthCycles(double demand, mapping::Rate rate, std::int64_t compute_cycles) {
  if (rate.unlimited()) return compute_cycles;
  // x / 1.0 is x exactly in IEEE doubles: whole words per cycle (every preset) skip the division.
  const double bandwidth =
      rate.den == 1 ? static_cast<double>(rate.num) : static_cast<double>(rate.num) / static_cast<double>(rate.den);
  if (!(bandwidth < demand)) return compute_cycles;
  const double cycles = std::ceil(static_cast<double>(compute_cycles) / (bandwidth / demand));
  // Converting a double ≥ 2^63 would be undefined: saturate.
  return cycles >= static_cast<double>(kSaturatedCount) ? kSaturatedCount : static_cast<std::int64_t>(cycles);
}

// Products of the walk below, which may leave int64 only for a mapping whose padded iteration
// space does (the well-formed entry walks before it knows): unsigned, so that such a product wraps
// instead of being undefined. That mapping is then reported kIterationSpaceTooLarge and the
// wrapped products are never read; below 2^52 padded points no product wraps (each divides T × S).
inline std::int64_t WrappingMul(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b));
}

// What one level's own loops contribute to the analysis, independent of every other level: the
// unit that incremental evaluation reuses when a level's loops did not change.
struct LevelSummary {
  // Π of the level's temporal and spatial factors indexing t: the step of rule 1's tile from the
  // level below to this one; of its spatial factors indexing t (rel() of rule 5); and of its
  // temporal factors indexing the output (the steps of the output's part(i,t), rule 3, the only
  // part read). The products are the same in any order (they wrap, modulo 2^64).
  PerTensor tile_factor;
  PerTensor spatial_factor;
  std::int64_t output_temporal_factor;
  // For the tensors of temporal_indexed (indexed by a temporal loop > 1 here): Π of the level's
  // temporal factors from its outermost loop down to the innermost one > 1 indexing t, without the
  // `pass` loops for the output: this level's part of changes(i,t) of rule 4.
  PerTensor changes_within;
  TensorMask temporal_indexed;
  std::int64_t temporal_product;         // Π temporal factors
  std::int64_t temporal_output_product;  // the same without the `pass` loops
  std::int64_t spatial_product;          // Π spatial factors (the level's utilized fanout)
  bool overflow;                         // a product of the level's factors left int64
  // Π spatial factors per axis, saturated at kMaxPaddedIterationPoints as mapping::CheckStructure
  // computes them, against the fanouts.
  std::array<std::int64_t, mapping::kNumAxes> axis_product;
  // Rule 7 (read at the innermost level only): the tensors indexed by the fastest-varying spatial
  // loop > 1 of every axis that has one (MacOperandAccesses).
  TensorMask indexed_by_every_neighbour_step;
  // Π of the level's factors of each dim, for the affine tiles of rule 1 (filled only when the
  // problem has affine tensors).
  std::array<std::int64_t, kMaxDims> dim_factor;
};

// kHasPass: whether the problem has a `pass` dim (Problem::pass_dim, multi-pass vector ops). Without
// one the output's products equal the others, and the walk skips a dim and a tensor comparison
// per loop and per tensor (the walk is a third of an evaluation; this is about 5% fewer
// instructions on contractions, cost_models/dataflow/README.md). kAffine: whether the problem has
// affine tensors (Problem::affine_tensors), whose tiles need each dim's factors; without, the walk
// skips a test per loop.
template <bool kHasPass, bool kAffine>
void SummarizeLevel(const mapping::Problem& problem, const mapping::LevelMapping& level, LevelSummary& summary) {
  const int output = problem.output_tensor();
  const int pass_dim = problem.pass_dim();
  summary.tile_factor.fill(1);
  summary.spatial_factor.fill(1);
  summary.temporal_indexed = 0;
  summary.overflow = false;
  if constexpr (kAffine) summary.dim_factor.fill(1);
  std::int64_t temporal_product = 1;
  std::int64_t temporal_output_product = 1;
  // Rule 4: a factor-1 loop never matters, so it must not move the "innermost indexing loop" mark.
  for (const mapping::TemporalLoop& loop : level.temporal()) {
    if (loop.factor == 1) continue;
    summary.overflow |= __builtin_mul_overflow(temporal_product, loop.factor, &temporal_product);
    if constexpr (kHasPass) {
      if (loop.dim != pass_dim) temporal_output_product = WrappingMul(temporal_output_product, loop.factor);
    } else {
      temporal_output_product = temporal_product;
    }
    const TensorMask indexed = problem.dim_tensors(loop.dim);
    summary.temporal_indexed |= indexed;
    ForEachTensor(indexed, [&](int tensor) {
      if constexpr (kHasPass) {
        summary.changes_within[tensor] = tensor == output ? temporal_output_product : temporal_product;
      } else {
        summary.changes_within[tensor] = temporal_product;
      }
      summary.tile_factor[tensor] = WrappingMul(summary.tile_factor[tensor], loop.factor);
    });
    if constexpr (kAffine) summary.dim_factor[loop.dim] = WrappingMul(summary.dim_factor[loop.dim], loop.factor);
  }
  summary.output_temporal_factor = summary.tile_factor[output];
  std::int64_t spatial_product = 1;
  summary.axis_product = {1, 1};
  std::array<int, mapping::kNumAxes> fastest_dim{-1, -1};
  for (const mapping::SpatialLoop& loop : level.spatial()) {
    summary.overflow |= __builtin_mul_overflow(spatial_product, loop.factor, &spatial_product);
    std::int64_t& axis_product = summary.axis_product[static_cast<int>(loop.axis)];
    if (__builtin_mul_overflow(axis_product, loop.factor, &axis_product) ||
        axis_product > mapping::kMaxPaddedIterationPoints) {
      axis_product = mapping::kMaxPaddedIterationPoints;
    }
    if (loop.factor > 1) fastest_dim[static_cast<int>(loop.axis)] = loop.dim;
    ForEachTensor(problem.dim_tensors(loop.dim), [&](int tensor) {
      summary.spatial_factor[tensor] = WrappingMul(summary.spatial_factor[tensor], loop.factor);
      summary.tile_factor[tensor] = WrappingMul(summary.tile_factor[tensor], loop.factor);
    });
    if constexpr (kAffine) summary.dim_factor[loop.dim] = WrappingMul(summary.dim_factor[loop.dim], loop.factor);
  }
  std::int64_t level_product = 1;
  summary.overflow |= __builtin_mul_overflow(temporal_product, spatial_product, &level_product);
  summary.temporal_product = temporal_product;
  summary.temporal_output_product = temporal_output_product;
  summary.spatial_product = spatial_product;
  TensorMask indexed_by_every_neighbour_step = problem.all_tensors();
  for (const int dim : fastest_dim) {
    if (dim >= 0) indexed_by_every_neighbour_step &= problem.dim_tensors(dim);
  }
  summary.indexed_by_every_neighbour_step = indexed_by_every_neighbour_step;
}

// Per level and tensor, rule 1's tile in elements (mapping::TileTable's layout, without its zero-fill;
// WalkNest fills the columns of the problem's tensors).
struct TileRows {
  std::array<PerTensor, kMaxLevels + 1> words;
};

// What the walk over the loop nest knows at the top of each level (outermost first), and the tiles.
struct NestAnalysis {
  // changes(i,t) of rule 4: the product of the temporal factors of all levels outside i, from the
  // outermost loop down to the innermost one that indexes t. Row num_levels is changes(L,t) of
  // rule 7 (all temporal loops, the MACs as a level of tile 1).
  std::array<PerTensor, kMaxLevels + 1> changes;
  // Product of the temporal factors at levels outside i that index the output: part(i,t) of rule
  // 3 is tile(i,t) × this (= size(t) / Π spatial factors outside i indexing t, padding included).
  // Only the output's part is read (rule 6's first-read elision), so only its row is kept.
  std::array<std::int64_t, kMaxLevels + 1> output_temporal_outside;
  // inst(i) of rule 2; row num_levels is the number of utilized MACs.
  std::array<std::int64_t, kMaxLevels + 1> instances;
  // Π of the temporal factors of the levels outside i (with and without the `pass` loops); row
  // num_levels is T, and T without `pass` (below). Without a `pass` dim the two are equal, and the
  // walk writes only the first.
  std::array<std::int64_t, kMaxLevels + 1> temporal_outside_all;
  std::array<std::int64_t, kMaxLevels + 1> temporal_output_outside_all;
  // Whether a product of the factors of a level outside i left int64, or Π of their temporal
  // factors (temporal_outside_all) or of their spatial factors (instances) did: the rows of
  // too_large, kept so that an incremental walk can resume from any level.
  std::array<bool, kMaxLevels + 1> overflow_outside;
  // Whether T, the instances or T × instances left int64 or the padded iteration space (T × the
  // MACs' instances) exceeds kMaxPaddedIterationPoints; only the well-formed entry reads it.
  bool too_large;
  std::int64_t iterations;  // T: the product of all temporal factors
  // T without the loops over a vector op's `pass` dim: the output is written once, in the last
  // pass, so it counts as if `pass` had factor 1 (DESIGN §2.1.1). Equal to T for contractions.
  std::int64_t output_iterations;
  // Rule 1's tiles, and the extents of each dim at each level (for the affine tiles); row
  // num_levels is all 1. Not zero-filled: the walk writes every row it reads.
  TileRows tiles;
  std::array<std::array<std::int64_t, kMaxDims>, kMaxLevels + 1> extent;
};

// Per-level summaries and the analysis built from them, for one mapping: the scratch of one
// evaluation, or the memory of an incremental chain (DataflowIncrementalState).
struct NestCache {
  std::array<LevelSummary, kMaxLevels> summaries;
  NestAnalysis nest;
};

// Fills the summaries of the levels in `changed` and rebuilds what depends on them: the rows
// outer → inner from the outermost changed level, the tiles inner → outer from the innermost one.
// Rows and tiles of the unchanged part come from the cache; with `changed` = every level, it is
// the whole walk. Each row is computed from the same operands whichever way it is reached, so the
// result does not depend on the history of the cache. kHasPass, kAffine: as for SummarizeLevel.
template <bool kHasPass, bool kAffine>
void WalkNest(const mapping::Problem& problem, const mapping::Mapping& mapping, std::uint32_t changed,
              NestCache& cache) {
  const int num_levels = problem.num_levels();
  NestAnalysis& nest = cache.nest;
  if (changed == 0) return;  // the same loops as the cached mapping: everything is cached
  const int first = __builtin_ctz(changed);
  const int last = 31 - __builtin_clz(changed);
  for (std::uint32_t mask = changed; mask != 0; mask &= mask - 1) {
    const int level_idx = __builtin_ctz(mask);
    SummarizeLevel<kHasPass, kAffine>(problem, mapping.level(level_idx), cache.summaries[level_idx]);
  }
  if (first == 0) {
    nest.changes[0].fill(1);
    nest.output_temporal_outside[0] = 1;
    nest.instances[0] = 1;
    nest.temporal_outside_all[0] = 1;
    nest.temporal_output_outside_all[0] = 1;
    nest.overflow_outside[0] = false;
  }
  const int output = problem.output_tensor();
  // Rows and tiles of every slot, a fixed count the compiler unrolls: the columns past num_tensors
  // (factors 1, never indexed) are well defined and never read.
  for (int level_idx = first; level_idx < num_levels; ++level_idx) {
    const LevelSummary& summary = cache.summaries[level_idx];
    const std::int64_t all_temporal = nest.temporal_outside_all[level_idx];
    const std::int64_t all_temporal_output = kHasPass ? nest.temporal_output_outside_all[level_idx] : all_temporal;
    for (int tensor = 0; tensor < kMaxTensors; ++tensor) {
      const bool indexed = ((summary.temporal_indexed >> tensor) & 1u) != 0;
      const std::int64_t outside = kHasPass && tensor == output ? all_temporal_output : all_temporal;
      nest.changes[level_idx + 1][tensor] =
          indexed ? WrappingMul(outside, summary.changes_within[tensor]) : nest.changes[level_idx][tensor];
    }
    nest.output_temporal_outside[level_idx + 1] =
        WrappingMul(nest.output_temporal_outside[level_idx], summary.output_temporal_factor);
    // The products wrap (WrappingMul) and say whether they did.
    bool overflow = nest.overflow_outside[level_idx] | summary.overflow;
    overflow |=
        __builtin_mul_overflow(nest.instances[level_idx], summary.spatial_product, &nest.instances[level_idx + 1]);
    overflow |=
        __builtin_mul_overflow(all_temporal, summary.temporal_product, &nest.temporal_outside_all[level_idx + 1]);
    nest.overflow_outside[level_idx + 1] = overflow;
    if constexpr (kHasPass) {
      nest.temporal_output_outside_all[level_idx + 1] =
          WrappingMul(all_temporal_output, summary.temporal_output_product);
    }
  }
  nest.iterations = nest.temporal_outside_all[num_levels];
  nest.output_iterations = kHasPass ? nest.temporal_output_outside_all[num_levels] : nest.iterations;
  // The bound of mapping::CheckStructure: Π of every factor (= T × the MACs' instances) ≤ 2^52,
  // decided without wrapping. Every factor is ≥ 1, so Π of every factor leaves int64 iff one of
  // T, the instances or their product does (the rows above and the test here).
  std::int64_t points = 0;
  nest.too_large = nest.overflow_outside[num_levels] ||
                   __builtin_mul_overflow(nest.iterations, nest.instances[num_levels], &points) ||
                   points > mapping::kMaxPaddedIterationPoints;

  TileRows& tiles = nest.tiles;
  if (last == num_levels - 1) tiles.words[num_levels].fill(1);
  for (int level_idx = last; level_idx >= 0; --level_idx) {
    const LevelSummary& summary = cache.summaries[level_idx];
    for (int tensor = 0; tensor < kMaxTensors; ++tensor) {
      tiles.words[level_idx][tensor] = WrappingMul(tiles.words[level_idx + 1][tensor], summary.tile_factor[tensor]);
    }
  }
  if constexpr (kAffine) {
    // Rule 1 for an affine tensor: the bounding box of the positions (mapping::AffineBoxWords).
    if (last == num_levels - 1) nest.extent[num_levels].fill(1);
    for (int level_idx = last; level_idx >= 0; --level_idx) {
      for (int dim = 0; dim < kMaxDims; ++dim) {
        nest.extent[level_idx][dim] =
            WrappingMul(nest.extent[level_idx + 1][dim], cache.summaries[level_idx].dim_factor[dim]);
      }
      ForEachTensor(problem.affine_tensors(), [&](int tensor) {
        tiles.words[level_idx][tensor] = mapping::AffineBoxWords(problem.affine(tensor), nest.extent[level_idx]);
      });
    }
  }
}

// The first fanout a well-formed mapping exceeds, outermost level first and x before y, as
// mapping::CheckStructure reports it (an ok result when none).
mapping::CheckResult CheckFanouts(const mapping::Problem& problem, const NestCache& cache) {
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    const mapping::LevelTable& table = problem.level(level_idx);
    for (int axis = 0; axis < mapping::kNumAxes; ++axis) {
      const std::int64_t product = cache.summaries[level_idx].axis_product[axis];
      if (product > table.fanout[axis]) {
        mapping::CheckResult result;
        result.violation = mapping::Violation::kFanoutExceeded;
        result.level = static_cast<std::int8_t>(level_idx);
        result.axis = static_cast<mapping::Axis>(axis);
        result.value = product;
        result.limit = table.fanout[axis];
        return result;
      }
    }
  }
  return mapping::CheckResult{};
}

// Rule 7, the MAC operand rule: how many words C(t) the MACs under one instance of the innermost
// level access per distinct spatial position, and the words forwarded over neighbour links.
void MacOperandAccesses(const mapping::Problem& problem, const NestCache& cache, PerTensor& mac_accesses,
                        PerTensor& link_transfers) {
  const NestAnalysis& nest = cache.nest;
  const int num_tensors = problem.num_tensors();
  const std::int64_t iterations = nest.iterations;
  // The innermost loop of the nest is spatial iff the innermost level has a non-trivial spatial
  // loop; otherwise it is temporal (Timeloop inserts a trivial temporal loop when the level has
  // no loop at all). A MAC's neighbour along an axis differs in the fastest-varying loop of that
  // axis (taken as the last one listed): t can be forwarded along the axis iff that loop does not
  // index t. With one loop per axis (every reference case) this is "t is not indexed by every
  // spatial loop of the innermost level".
  const LevelSummary& innermost = cache.summaries[problem.num_levels() - 1];
  const std::int64_t innermost_fanout = innermost.spatial_product;
  const bool innermost_is_spatial = innermost_fanout > 1;
  const TensorMask indexed_by_every_neighbour_step = innermost.indexed_by_every_neighbour_step;
  for (int tensor = 0; tensor < num_tensors; ++tensor) {
    const bool latched = innermost_is_spatial && ((indexed_by_every_neighbour_step >> tensor) & 1u) == 0;
    if (latched) {
      // Neighbours along an axis that does not index t share its word; an unchanged word is
      // forwarded over links instead of re-read: C(t) = changes(L,t). The forwarded words are
      // the other accesses of every MAC under the instance.
      mac_accesses[tensor] = nest.changes[problem.num_levels()][tensor];
      link_transfers[tensor] = (iterations - mac_accesses[tensor]) * innermost_fanout;
    } else {
      // Every MAC cycle reads every operand and updates the output: C(t) = T.
      mac_accesses[tensor] = iterations;
      link_transfers[tensor] = 0;
    }
  }
}

// DESIGN §2.1.1: compute cycles = elements × Σ ops per element / lanes. Each lane handles
// output_iterations elements at the engine's cycles per element (mapping::Problem: operations /
// ops per cycle, or a host's per-function prices).
std::int64_t VectorComputeCycles(const mapping::Problem& problem, const NestAnalysis& nest) {
  const double exact = static_cast<double>(nest.output_iterations) * problem.vector_cycles_per_element();
  // Round up, but not a value that is an integer up to floating-point noise (3 × 1/3 ops).
  const double nearest = std::round(exact);
  const double cycles = std::fabs(exact - nearest) <= 1e-9 * std::max(1.0, exact) ? nearest : std::ceil(exact);
  // Up to 2^52 elements × 1e6 cycles each: saturate rather than convert a double ≥ 2^63.
  if (cycles >= static_cast<double>(kSaturatedCount)) return kSaturatedCount;
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(cycles));
}

// DESIGN §2.1.1, the vector engine's operand rule: every iteration (an element in a pass) reads
// its input elements; the output is written once per element, in the last pass. No neighbour
// forwarding.
void VectorEngineAccesses(const mapping::Problem& problem, const NestAnalysis& nest, PerTensor& engine_accesses) {
  for (int tensor = 0; tensor < problem.num_tensors(); ++tensor) {
    engine_accesses[tensor] = tensor == problem.output_tensor() ? nest.output_iterations : nest.iterations;
  }
}

// One tensor at one level as rules 5-7 count it, per instance, in words of the level: what the
// later steps of EvaluateScore (packing, rules 8 and 9, single-buffer stalls) read. Only records
// of kept tensors are written and read, so the table needs no zero-filling.
struct Record {
  std::int64_t tile_words;
  std::int64_t reads;
  std::int64_t fills;
  std::int64_t updates;
  std::int64_t link_transfers;
};

// Where the records of rules 5-7 live: EvaluateScore's small scratch table, or Evaluate's Cost
// (its TensorLevelCost records, which have the same fields). at(level, tensor) is the record.
class ScratchRecords {
 public:
  // User-provided, so that even value-initialization leaves the table unfilled (only the records
  // of kept tensors are ever written, then read).
  ScratchRecords() {}  // NOLINT(modernize-use-equals-default)
  Record& at(int level_idx, int tensor) { return table_[level_idx][tensor]; }
  const Record& at(int level_idx, int tensor) const { return table_[level_idx][tensor]; }

 private:
  std::array<std::array<Record, kMaxTensors>, kMaxLevels> table_;
};

class CostRecords {
 public:
  explicit CostRecords(Cost& cost) : cost_(cost) {}
  TensorLevelCost& at(int level_idx, int tensor) { return cost_.levels[level_idx].tensors[tensor]; }
  const TensorLevelCost& at(int level_idx, int tensor) const { return cost_.levels[level_idx].tensors[tensor]; }

 private:
  Cost& cost_;
};

// parent[i][t]: the level that serves level i's tiles of t (the next outer keeper), -1 if none.
using Parents = std::array<std::array<std::int8_t, kMaxTensors>, kMaxLevels>;
// Every entry -1: where rules 5-7 start (a constant, so that starting is one 32-byte copy).
constexpr Parents kNoParents = [] {
  Parents parents{};
  for (std::array<std::int8_t, kMaxTensors>& row : parents) row.fill(-1);
  return parents;
}();

// Cycles to move a single-buffered level's tiles to and from its parents (arch/architecture.h):
// per instance, its fills in and its partial sums out at its own bandwidths, and at each parent
// the words that parent exchanges with it at the parent's bandwidths; the slowest side bounds.
// Needs the per-level records of rules 5 and 6.
template <typename RecordTable>
std::int64_t SingleBufferStallCycles(const mapping::Problem& problem, int level_idx, const Parents& parent,
                                     const TileRows& tiles, const NestAnalysis& nest, const RecordTable& records) {
  const auto side_cycles = [](const mapping::LevelTable& table, std::int64_t read_words, std::int64_t write_words) {
    return std::max({WholeWordCyclesAtRate(read_words, table.read_bandwidth),
                     WholeWordCyclesAtRate(write_words, table.write_bandwidth),
                     WholeWordCyclesAtRate(read_words + write_words, table.shared_bandwidth)});
  };
  std::int64_t words_in = 0;
  std::int64_t words_out = 0;
  // Per parent level: its reads and updates serving this level.
  std::array<std::int64_t, kMaxLevels> parent_reads{};
  std::array<std::int64_t, kMaxLevels> parent_updates{};
  for (int tensor = 0; tensor < problem.num_tensors(); ++tensor) {
    const int parent_idx = parent[level_idx][tensor];
    if (parent_idx < 0) continue;
    const auto& here = records.at(level_idx, tensor);
    const auto& there = records.at(parent_idx, tensor);
    words_in += here.fills;
    parent_reads[parent_idx] += there.reads;
    if (tensor == problem.output_tensor()) {
      words_out +=
          problem.packing(level_idx, tensor).Words(tiles.words[level_idx][tensor] * nest.changes[level_idx][tensor]);
      parent_updates[parent_idx] += there.updates;
    }
  }
  std::int64_t cycles = side_cycles(problem.level(level_idx), words_out, words_in);
  for (int parent_idx = 0; parent_idx < level_idx; ++parent_idx) {
    // A level that serves none of this level's tensors takes 0 cycles (CyclesAtRate of 0 words).
    if ((parent_reads[parent_idx] | parent_updates[parent_idx]) == 0) continue;
    cycles =
        std::max(cycles, side_cycles(problem.level(parent_idx), parent_reads[parent_idx], parent_updates[parent_idx]));
  }
  return cycles;
}

// The records of the affine tensors (sliding_window.h), their parents, and the words the MACs
// forward to each other (rule 7's link transfers, into `mac_link_transfers`). Returns the
// violation when a walk of rule 4a would exceed kMaxSlidingLoops loops, else an ok result.
template <typename RecordTable>
mapping::CheckResult AffineTensorRecords(const mapping::Problem& problem, const mapping::Mapping& mapping,
                                         const TileRows& tiles, const NestAnalysis& nest, Parents& parent,
                                         RecordTable& records, PerTensor& mac_link_transfers) {
  const int num_levels = problem.num_levels();
  sliding_window::FlatNest flat_nest;
  sliding_window::BuildFlatNest(problem, mapping, flat_nest);
  bool innermost_is_spatial = false;
  for (const mapping::SpatialLoop& loop : mapping.level(num_levels - 1).spatial()) {
    innermost_is_spatial = innermost_is_spatial || loop.factor > 1;
  }
  for (TensorMask mask = problem.affine_tensors(); mask != 0; mask &= static_cast<TensorMask>(mask - 1)) {
    const int tensor = __builtin_ctz(mask);
    sliding_window::AffineCounts counts;
    sliding_window::CountAffineTensor(problem, mapping, flat_nest, tensor, nest.iterations, innermost_is_spatial,
                                      nest.instances, counts);
    if (counts.too_many_loops_level >= 0) {
      mapping::CheckResult check;
      check.violation = mapping::Violation::kTooManySlidingLoops;
      check.level = static_cast<std::int8_t>(counts.too_many_loops_level);
      check.tensor = static_cast<std::int8_t>(tensor);
      check.value = counts.too_many_loops;
      check.limit = mapping::kMaxSlidingLoops;
      return check;
    }
    mac_link_transfers[tensor] = counts.mac_link_transfers;
    int child_keeper = -1;
    for (int level_idx = num_levels - 1; level_idx >= 0; --level_idx) {
      if (!mapping.level(level_idx).Keeps(tensor)) continue;
      if (child_keeper >= 0) parent[child_keeper][tensor] = static_cast<std::int8_t>(level_idx);
      child_keeper = level_idx;
      // Rule 6 for an input or weight: reads = content (plus rule 5b's sender reads), fills = share.
      auto& record = records.at(level_idx, tensor);
      record.tile_words = tiles.words[level_idx][tensor];
      record.reads = counts.reads[level_idx];
      record.fills = counts.fills[level_idx];
      record.updates = 0;
      record.link_transfers = counts.link_transfers[level_idx];
    }
  }
  return mapping::CheckResult{};
}

// Precision (mapping::Problem::packing): turns the records' element counts into words of each
// level — the tile (rule 1) and every action count (rule 6), per instance, each rounded up once to
// whole words, before rule 8 rounds words to whole accesses. Rounding per action count, not per
// tile transfer: a level packs consecutive elements of a stream into its words, and rule 8 rounds
// per instance and action the same way (shared/validation/README.md).
template <typename RecordTable>
void PackRecords(const mapping::Problem& problem, const mapping::Mapping& mapping, RecordTable& records) {
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    ForEachTensor(mapping.level(level_idx).keeps(), [&](int tensor) {
      auto& record = records.at(level_idx, tensor);
      const mapping::Packing& packing = problem.packing(level_idx, tensor);
      if (packing.unpacked()) return;
      record.tile_words = packing.Words(record.tile_words);
      record.reads = packing.Words(record.reads);
      record.fills = packing.Words(record.fills);
      record.updates = packing.Words(record.updates);
      record.link_transfers = packing.Words(record.link_transfers);
    });
  }
}

// How much of mapping::CheckStructure an evaluation runs: all of it, or for a well-formed mapping
// (CostModel::EvaluateScoreWellFormed) only the rules such a mapping can break — the fanouts and
// the bound on the padded iteration space — which the walk over the nest has the numbers for.
enum class Structure { kCheck, kWellFormed };

// The whole evaluation, shared by Evaluate, EvaluateScore and their well-formed and incremental
// variants so that all compute every number with the same operations in the same order (Score
// must equal ScoreOf(Cost) bit for bit, and energy sums are order-sensitive). With kWholeCost,
// `cost` (default-constructed) receives the whole Cost; without, `cost` is unused and only the
// returned Score is computed, skipping the per-level and per-tensor fields no search reads.
// The walk over the nest recomputes the levels in `changed` and takes the others from `cache`
// (WalkNest); `walked` tells whether it ran, i.e. whether `cache` now holds this mapping's walk
// (an evaluation that stops at the structure check leaves the cache as it was).
template <bool kWholeCost>
Score EvaluateCore(const mapping::Problem& problem, const mapping::Mapping& mapping, Structure structure,
                   std::uint32_t changed, NestCache& cache, bool& walked, Cost* cost) {
  walked = false;
  const auto infeasible = [&](const mapping::CheckResult& check) {
    if constexpr (kWholeCost) *cost = InfeasibleCost(check);
    return Score{.feasible = false, .violation = check.violation};
  };
  if (problem.is_vector_op() && problem.compute_level() < 0) {
    // DESIGN §2.1.1: vector ops need a vector unit or a host.
    mapping::CheckResult check;
    check.violation = mapping::Violation::kUnsupportedOp;
    return infeasible(check);
  }
  // The structure, then the capacities on the walk's tiles: mapping::CheckMapping's order.
  mapping::CheckResult check;
  if (structure == Structure::kCheck) {
    check = mapping::CheckStructure(mapping, problem);
    if (!check.ok()) return infeasible(check);
  }
  const bool has_pass = problem.pass_dim() >= 0;
  const bool has_affine = problem.affine_tensors() != 0;
  if (has_pass && has_affine) {
    WalkNest<true, true>(problem, mapping, changed, cache);
  } else if (has_pass) {
    WalkNest<true, false>(problem, mapping, changed, cache);
  } else if (has_affine) {
    WalkNest<false, true>(problem, mapping, changed, cache);
  } else {
    WalkNest<false, false>(problem, mapping, changed, cache);
  }
  walked = true;
  if (structure == Structure::kWellFormed) {
    if (const mapping::CheckResult fanout = CheckFanouts(problem, cache); !fanout.ok()) return infeasible(fanout);
    if (cache.nest.too_large) {
      mapping::CheckResult too_large;
      too_large.violation = mapping::Violation::kIterationSpaceTooLarge;
      too_large.value = mapping::kMaxPaddedIterationPoints;  // CheckStructure's saturated count
      too_large.limit = mapping::kMaxPaddedIterationPoints;
      return infeasible(too_large);
    }
  }
  const NestAnalysis& nest = cache.nest;
  const TileRows& tiles = nest.tiles;
  if (mapping::CheckResult capacity = mapping::CheckCapacityOf(
          mapping, problem, [&](int level_idx, int tensor) { return tiles.words[level_idx][tensor]; });
      !capacity.ok()) {
    capacity.padding_waste = check.padding_waste;
    return infeasible(capacity);
  }

  const int num_levels = problem.num_levels();
  const int num_tensors = problem.num_tensors();
  const int output = problem.output_tensor();

  const bool is_vector_op = problem.is_vector_op();

  // Words each compute unit (a MAC, or a lane of the vector engine) exchanges with its innermost
  // keeping level per distinct spatial position: C(t) of rule 7.
  PerTensor compute_accesses{};
  PerTensor link_transfers{};
  std::int64_t compute_cycles = nest.iterations;
  if (is_vector_op) {
    VectorEngineAccesses(problem, nest, compute_accesses);
    compute_cycles = VectorComputeCycles(problem, nest);
  } else {
    MacOperandAccesses(problem, cache, compute_accesses, link_transfers);
  }

  // The single-buffered levels that stall the compute (honest buffering, arch/architecture.h), for
  // the stall loop below to visit. Found here as a mask, without a branch per level: whether a
  // level stalls follows the mapping's (random) buffering choice, and the per-level test the stall
  // loop used to make was mispredicted (13% of an evaluation's time, cost_models/dataflow/README.md).
  std::uint32_t stalling = 0;
  for (int level_idx = 0; level_idx < num_levels; ++level_idx) {
    if (problem.level(level_idx).Stalls(mapping.level(level_idx).double_buffered())) {
      stalling |= std::uint32_t{1} << level_idx;
    }
  }

  // Rules 5 and 6, per tensor, from the MACs outwards: each keeping level serves its child (the
  // next inner keeping level, or the MACs) and is served by its parent.
  Parents parent = kNoParents;
  // Evaluate writes the records straight into the Cost it returns; EvaluateScore into scratch.
  std::conditional_t<kWholeCost, CostRecords, ScratchRecords> records = [&] {
    if constexpr (kWholeCost) {
      return CostRecords(*cost);
    } else {
      return ScratchRecords();
    }
  }();
  // Affine tensors (convolution inputs) take rules 4a, 5a and 5b; a problem without one skips this.
  const TensorMask affine = problem.affine_tensors();
  if (affine != 0) {
    const mapping::CheckResult walk =
        AffineTensorRecords(problem, mapping, tiles, nest, parent, records, link_transfers);
    if (!walk.ok()) return infeasible(walk);
  }
  for (int tensor = 0; tensor < num_tensors; ++tensor) {
    if ((affine >> tensor) & 1u) continue;  // AffineTensorRecords
    const bool is_output = tensor == output;
    // Words one child instance exchanges with its parent over the whole run: share(child), or
    // C(t) for the MACs; `rel` accumulates the spatial factors indexing t between the two
    // (factors not indexing t multicast or reduce: one access per group).
    std::int64_t child_words = compute_accesses[tensor];
    std::int64_t rel = 1;
    int child_keeper = -1;
    for (int level_idx = num_levels - 1; level_idx >= 0; --level_idx) {
      rel *= cache.summaries[level_idx].spatial_factor[tensor];
      if (!mapping.level(level_idx).Keeps(tensor)) continue;
      if (child_keeper >= 0) parent[child_keeper][tensor] = static_cast<std::int8_t>(level_idx);
      child_keeper = level_idx;
      const std::int64_t tile = tiles.words[level_idx][tensor];
      const std::int64_t content = child_words * rel;
      const std::int64_t share = tile * nest.changes[level_idx][tensor];
      auto& record = records.at(level_idx, tensor);
      record.tile_words = tile;
      record.link_transfers = 0;
      if (is_output) {
        // First-read elision: the first update of each of the part(i,t) elements an instance
        // holds reads nothing, and the first delivery of each needs no fill.
        const std::int64_t part = tile * nest.output_temporal_outside[level_idx];
        record.updates = content;
        record.reads = content - part;
        record.fills = share - part;
      } else {
        record.updates = 0;
        record.reads = content;
        record.fills = share;
      }
      child_words = share;
      rel = 1;
    }
    // Zero fills at the outermost keeper (rule 6): the walk visits it last.
    if (child_keeper >= 0) records.at(child_keeper, tensor).fills = 0;
  }

  if (problem.packed()) {
    PackRecords(problem, mapping, records);
    // Only packing can push a record past kMaxRecordCount (see the top of this file).
    for (int level_idx = 0; level_idx < num_levels; ++level_idx) {
      bool overflow = false;
      ForEachTensor(mapping.level(level_idx).keeps(), [&](int tensor) {
        const auto& record = records.at(level_idx, tensor);
        overflow = overflow || (record.tile_words | record.reads | record.fills | record.updates |
                                record.link_transfers) >= kMaxRecordCount;
      });
      if (overflow) return infeasible(CountOverflowCheck(level_idx, kMaxRecordCount));
    }
  }

  if constexpr (kWholeCost) {
    cost->feasible = true;
    cost->check = check;
    cost->num_levels = num_levels;
    cost->num_tensors = num_tensors;
    cost->compute_cycles = compute_cycles;
    cost->link_transfers = link_transfers;  // zero past num_tensors
  }

  // Rules 8 and 9, per level.
  std::int64_t slowest_cycles = compute_cycles;
  int bounding_level = kComputeBound;
  double levels_energy_pj = 0.0;
  for (int level_idx = 0; level_idx < num_levels; ++level_idx) {
    const mapping::LevelTable& table = problem.level(level_idx);
    // Rule 9 follows Timeloop's double arithmetic on the levels with Timeloop's semantics: a
    // contraction (T = the compute cycles) on a level without honest buffering, and that has a
    // bandwidth at all (LevelTable::timeloop_bandwidth). Elsewhere (vector ops, honest buffering)
    // it stays exact.
    const bool timeloop_cycles = table.timeloop_bandwidth;
    std::int64_t read_words = 0;
    std::int64_t write_words = 0;
    // Rule 9's demands in Timeloop's doubles: per-tensor words / T, summed in tensor order.
    double read_demand = 0.0;
    double write_demand = 0.0;
    const double compute_cycles_double = static_cast<double>(compute_cycles);
    const double instances = static_cast<double>(nest.instances[level_idx]);
    const std::int64_t vector_words = table.vector_words;
    const int vector_shift = table.vector_shift;
    double energy_pj = 0.0;
    // Tensor order: the bits of the mask from the lowest, as the sums above require. `accesses`
    // rounds words to whole accesses in the form for the level's width (AccessesByShift).
    const auto charge = [&](auto accesses) {
      ForEachTensor(mapping.level(level_idx).keeps(), [&](int tensor) {
        auto& record = records.at(level_idx, tensor);
        read_words += record.reads;
        write_words += record.fills + record.updates;
        if (timeloop_cycles) {
          read_demand += static_cast<double>(record.reads) / compute_cycles_double;
          write_demand += static_cast<double>(record.fills + record.updates) / compute_cycles_double;
        }
        // Rule 8: whole physical accesses, rounded up per action, per tensor, per instance.
        const double energy_pj_per_instance = static_cast<double>(accesses(record.reads)) * table.read_pj +
                                              static_cast<double>(accesses(record.fills)) * table.write_pj +
                                              static_cast<double>(accesses(record.updates)) * table.update_pj;
        const double tensor_energy_pj = energy_pj_per_instance * instances;
        energy_pj += tensor_energy_pj;
        if constexpr (kWholeCost) {
          record.kept = true;
          record.instances = nest.instances[level_idx];
          record.energy_pj_per_instance = energy_pj_per_instance;
          record.energy_pj = tensor_energy_pj;
        }
      });
    };
    if (vector_words == 1) {
      charge([](std::int64_t words) { return words; });
    } else if (vector_shift >= 0) {
      charge([&](std::int64_t words) { return AccessesByShift(words, vector_words, vector_shift); });
    } else {
      charge([&](std::int64_t words) { return AccessesByDivision(words, vector_words); });
    }
    levels_energy_pj += energy_pj;
    // Rule 9: ceil(max(T, R/read_bw, W/write_bw, (R+W)/shared_bw)) per instance. On levels with
    // Timeloop's semantics, in Timeloop's doubles (TimeloopBandwidthCycles: its shared demand is
    // Wd + Rd); otherwise in exact integer arithmetic (T is an integer, so max(T, ceil(x)) =
    // ceil(max(T, x))), where for vector ops the engine's compute cycles take the place of T.
    const auto bandwidth_cycles = [&](std::int64_t words, double demand, mapping::Rate rate) {
      return timeloop_cycles ? TimeloopBandwidthCycles(demand, rate, compute_cycles)
                             : BandwidthCycles(words, rate, compute_cycles);
    };
    const std::int64_t read_cycles = bandwidth_cycles(read_words, read_demand, table.read_bandwidth);
    const std::int64_t write_cycles = bandwidth_cycles(write_words, write_demand, table.write_bandwidth);
    const std::int64_t shared_cycles =
        bandwidth_cycles(read_words + write_words, write_demand + read_demand, table.shared_bandwidth);
    const std::int64_t cycles = std::max({read_cycles, write_cycles, shared_cycles});
    if constexpr (kWholeCost) {
      LevelCost& level = cost->levels[level_idx];
      level.instances = nest.instances[level_idx];
      ForEachTensor(mapping.level(level_idx).keeps(),
                    [&](int tensor) { level.used_words += records.at(level_idx, tensor).tile_words; });
      level.read_words = read_words;
      level.write_words = write_words;
      level.energy_pj = energy_pj;
      level.cycles = cycles;
      level.bandwidth_bound = SlowestBandwidth(compute_cycles, read_cycles, write_cycles, shared_cycles);
    }
    if (cycles > slowest_cycles) {
      slowest_cycles = cycles;
      bounding_level = level_idx;
    }
  }

  // Honest single buffering (arch/architecture.h): the compute waits while the tiles of a
  // single-buffered level move, so their transfer time adds to the compute cycles.
  std::int64_t stalled_cycles = compute_cycles;
  int worst_stall_level = kComputeBound;
  std::int64_t worst_stall = 0;
  for (std::uint32_t mask = stalling; mask != 0; mask &= mask - 1) {
    const int level_idx = __builtin_ctz(mask);
    const std::int64_t stall = SingleBufferStallCycles(problem, level_idx, parent, tiles, nest, records);
    if constexpr (kWholeCost) {
      LevelCost& level = cost->levels[level_idx];
      level.stall_cycles = stall;
      level.cycles = std::max(level.cycles, mapping::SaturatingAdd(compute_cycles, stall));
    }
    stalled_cycles = mapping::SaturatingAdd(stalled_cycles, stall);
    if (worst_stall_level == kComputeBound || stall > worst_stall) {
      worst_stall_level = level_idx;
      worst_stall = stall;
    }
  }
  if (stalled_cycles > slowest_cycles) {
    slowest_cycles = stalled_cycles;
    bounding_level = worst_stall_level;
  }

  if (slowest_cycles >= kSaturatedCount) {
    return infeasible(CountOverflowCheck(bounding_level == kComputeBound ? -1 : bounding_level, kSaturatedCount));
  }
  std::int64_t cycles = 0;
  double mac_energy_pj = 0.0;
  double vector_energy_pj = 0.0;
  if (is_vector_op) {
    // DESIGN §2.1.1: padded elements are computed too; useful operations exclude them.
    const double padded_elements = static_cast<double>(nest.output_iterations * nest.instances[num_levels]);
    cycles = slowest_cycles;
    vector_energy_pj = padded_elements * problem.vector_energy_pj_per_element();
    if constexpr (kWholeCost) {
      const double passes = problem.pass_dim() >= 0 ? static_cast<double>(problem.dim_size(problem.pass_dim())) : 1.0;
      const double elements = static_cast<double>(problem.iteration_points()) / passes;
      cost->vector_ops = elements * problem.vector_ops_per_element();
      cost->utilization = cost->vector_ops / (static_cast<double>(problem.vector_lanes()) *
                                              problem.vector_ops_per_cycle_per_lane() * static_cast<double>(cycles));
    }
  } else {
    // DESIGN §2.5 rule 5: perfect overlap of levels (but single-buffered stalls), plus the array's
    // fill/drain once.
    cycles = slowest_cycles + problem.fill_latency_cycles();
    const std::int64_t mac_instances = nest.instances[num_levels];
    const std::int64_t padded_macs = compute_cycles * mac_instances;
    // Rule 8: MAC energy = MACs × energy per MAC; padded MACs are executed, so they are charged.
    mac_energy_pj = static_cast<double>(padded_macs) * problem.mac_energy_pj();
    if constexpr (kWholeCost) {
      cost->macs = problem.iteration_points();
      cost->mac_instances = mac_instances;
      cost->padded_macs = padded_macs;
      cost->utilization = static_cast<double>(cost->macs) /
                          (static_cast<double>(problem.mac_instances()) * static_cast<double>(cycles));
    }
  }
  const double static_energy_pj = static_cast<double>(cycles) * problem.static_energy_pj_per_cycle();
  const double energy_pj = levels_energy_pj + mac_energy_pj + vector_energy_pj + static_energy_pj;
  if constexpr (kWholeCost) {
    cost->bounding_level = bounding_level;
    cost->cycles = cycles;
    cost->mac_energy_pj = mac_energy_pj;
    cost->vector_energy_pj = vector_energy_pj;
    cost->static_energy_pj = static_energy_pj;
    cost->energy_pj = energy_pj;
    cost->edp_pj_cycles = energy_pj * static_cast<double>(cycles);
    cost->padding_waste = check.padding_waste;
  }
  return Score{.feasible = true, .violation = check.violation, .cycles = cycles, .energy_pj = energy_pj};
}

// Every level of a problem, as WalkNest's `changed`.
std::uint32_t AllLevels(const mapping::Problem& problem) {
  return static_cast<std::uint32_t>((std::uint64_t{1} << problem.num_levels()) - 1);
}

// Whether two levels have the same loops (what LevelSummary depends on; keeps and buffering do not
// enter the walk).
bool SameLoops(const mapping::LevelMapping& first, const mapping::LevelMapping& second) {
  return std::ranges::equal(first.temporal(), second.temporal()) &&
         std::ranges::equal(first.spatial(), second.spatial());
}

// The memory of one incremental chain: the loops of the last mapping walked and its walk.
class DataflowIncrementalState final : public IncrementalState {
 public:
  explicit DataflowIncrementalState(const mapping::Problem& problem) : problem_(&problem) {}

  Score Evaluate(const mapping::Problem& problem, const mapping::Mapping& mapping, Structure structure) {
    if (&problem != problem_) throw util::InternalError("an incremental state evaluated on another problem");
    std::uint32_t changed = AllLevels(problem);
    if (has_walk_ && mapping.num_levels() == problem.num_levels()) {
      changed = 0;
      for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
        if (!SameLoops(levels_[level_idx], mapping.level(level_idx))) changed |= std::uint32_t{1} << level_idx;
      }
    }
    bool walked = false;
    const Score score = EvaluateCore<false>(problem, mapping, structure, changed, cache_, walked, nullptr);
    reused_levels_ = 0;
    if (walked) {
      reused_levels_ = has_walk_ ? problem.num_levels() - std::popcount(changed) : 0;
      for (std::uint32_t mask = changed; mask != 0; mask &= mask - 1) {
        const int level_idx = __builtin_ctz(mask);
        levels_[level_idx] = mapping.level(level_idx);
      }
      has_walk_ = true;
    }
    return score;
  }

 private:
  const mapping::Problem* problem_;
  bool has_walk_ = false;  // whether cache_ holds the walk of levels_
  std::array<mapping::LevelMapping, kMaxLevels> levels_;
  NestCache cache_;
};

}  // namespace

Cost DataflowModel::Evaluate(const mapping::Problem& problem, const mapping::Mapping& mapping) const {
  // One named result on every path, so that it is constructed in place (NRVO) instead of copying
  // a few kilobytes per evaluation.
  Cost cost;
  NestCache cache;
  bool walked = false;
  EvaluateCore<true>(problem, mapping, Structure::kCheck, AllLevels(problem), cache, walked, &cost);
  return cost;
}

Score DataflowModel::EvaluateScore(const mapping::Problem& problem, const mapping::Mapping& mapping) const {
  NestCache cache;
  bool walked = false;
  return EvaluateCore<false>(problem, mapping, Structure::kCheck, AllLevels(problem), cache, walked, nullptr);
}

Score DataflowModel::EvaluateScoreWellFormed(const mapping::Problem& problem, const mapping::Mapping& mapping) const {
  NestCache cache;
  bool walked = false;
  return EvaluateCore<false>(problem, mapping, Structure::kWellFormed, AllLevels(problem), cache, walked, nullptr);
}

std::unique_ptr<IncrementalState> DataflowModel::NewIncrementalState(const mapping::Problem& problem) const {
  return std::make_unique<DataflowIncrementalState>(problem);
}

Score DataflowModel::EvaluateScoreIncremental(const mapping::Problem& problem, const mapping::Mapping& mapping,
                                              MappingForm form, IncrementalState* state) const {
  const bool well_formed = form == MappingForm::kWellFormed;
  if (state == nullptr)
    return well_formed ? EvaluateScoreWellFormed(problem, mapping) : EvaluateScore(problem, mapping);
  // NewIncrementalState made it: this model's states are DataflowIncrementalStates.
  return static_cast<DataflowIncrementalState*>(state)->Evaluate(
      problem, mapping, well_formed ? Structure::kWellFormed : Structure::kCheck);
}

}  // namespace loopfront::cost

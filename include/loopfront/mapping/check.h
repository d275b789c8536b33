// Validity of a mapping on a problem, as a value (never an exception): the first violation found,
// with the level, tensor, dim, axis and numbers involved, plus the padding waste of a valid
// mapping. Describe() turns it into a sentence for users; the hot path never builds strings.
//
// A mapping is valid when (checked in this order):
//  - it has one level per storage level of the architecture;
//  - vector ops on an architecture with a vector unit or a host: the levels inside the compute
//    level (Problem::compute_level) have no loop and keep nothing, and the compute level keeps
//    every tensor (the engine reads and writes there). Without either, the mapping is checked as
//    for a contraction; the cost models then report kUnsupportedOp;
//  - every loop names an existing dim and has a factor ≥ 1;
//  - per level and axis, the product of the spatial factors is ≤ the fanout on that axis, and
//    every spatial loop's dim is allowed on that axis (arch::StorageLevel::spatial_*_dim_roles);
//  - every level is single- or double-buffered as its architecture offers (honest buffering,
//    arch/architecture.h; elsewhere not double-buffered);
//  - every level keeps only tensors whose role it may hold, and, for contractions, every tensor
//    whose role it requires (arch::StorageLevel::required_roles); every tensor is kept at the outermost
//    level, except on-chip tensors (ProblemOptions::on_chip_tensors), which are kept at some level
//    but not the outermost one — so no tensor is kept nowhere;
//  - every dim is covered: the product of its factors is ≥ its size. A product above the size is
//    padding (imperfect factorization, DESIGN §2.4): valid, and the wasted fraction of the padded
//    iteration space is reported in `padding_waste`;
//  - per level and instance, Σ over kept tensors of the tile (rule 1 of
//    shared/validation/README.md) ≤ floor(capacity_words / multiple_buffering), or with honest
//    buffering ≤ the capacity (single-buffered) or floor(capacity / 2) (double-buffered).
// Thread-safety: pure functions; allocation-free except Describe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "loopfront/mapping/limits.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"

namespace loopfront::mapping {

// Padded iteration spaces above this are rejected (kIterationSpaceTooLarge) so that every count of
// the cost models fits in int64 (the same bound as Problem's on the real iteration space).
inline constexpr std::int64_t kMaxPaddedIterationPoints = std::int64_t{1} << 52;

enum class Violation : std::uint8_t {
  kNone,
  kLevelCountMismatch,       // value = mapping levels, limit = architecture levels
  kBadDim,                   // level, dim = the index found
  kBadFactor,                // level, dim, value = factor
  kFanoutExceeded,           // level, axis, value = spatial product, limit = fanout
  kSpatialDimNotAllowed,     // level, axis, dim
  kTensorNotAllowed,         // level, tensor: the level may not keep the tensor's role
  kTensorNotAtOutermost,     // tensor: not kept at the outermost level
  kOnChipTensorAtOutermost,  // tensor: an on-chip tensor kept at the outermost level
  kTensorKeptNowhere,        // tensor
  kDimNotCovered,            // dim, value = product of factors, limit = size
  kIterationSpaceTooLarge,   // value = padded iteration points (saturated), limit = the maximum
  kCapacityExceeded,         // level, value = words needed per instance, limit = usable words
  kLevelBelowComputeLevel,   // level: inside a vector op's compute level, but has loops or keeps
  kTensorNotAtComputeLevel,  // level, tensor: a vector op's tensor not kept at the compute level
  kBufferingNotOffered,      // level, value = 2 (double) or 1 (single): a buffering the level lacks
  kRequiredTensorBypassed,   // level, tensor: a contraction's tensor the level must keep, bypassed
  kFactorOutOfBounds,        // level, dim: a factor outside a constraint's bounds (search::Mapspace only)
  kTooManySlidingLoops,      // level, tensor, value = loops, limit = kMaxSlidingLoops (rule 4a's 2^n visits)
  kCountOverflow,            // level (-1: the compute), limit = the cap: cycles or words beyond the cost model's int64 counts
  kUnsupportedOp,            // the cost model cannot evaluate the op on this architecture; keep last
};
// Number of Violation values, for per-violation statistics (kUnsupportedOp is the last value).
inline constexpr int kNumViolations = static_cast<int>(Violation::kUnsupportedOp) + 1;

std::string_view ToString(Violation violation);

struct CheckResult {
  Violation violation = Violation::kNone;
  std::int8_t level = -1;
  std::int8_t tensor = -1;
  std::int8_t dim = -1;
  Axis axis = Axis::kX;
  std::int64_t value = 0;
  std::int64_t limit = 0;
  // Valid mappings: 1 − real iteration points / padded iteration points (0 for perfect).
  double padding_waste = 0.0;

  bool ok() const { return violation == Violation::kNone; }
};

// Per level and tensor, the tile in words (rule 1 of shared/validation/README.md): the product of
// the factors of all loops, temporal and spatial, at the level and inside it, that index the tensor.
struct TileTable {
  std::array<std::array<std::int64_t, kMaxTensors>, kMaxLevels + 1> words{};  // [num_levels] = 1
};

// Words of the bounding box of an affine tensor's tile when dim D spans `dim_extent[D]` consecutive
// values: Π over its indices of Σ coef × (dim_extent − 1) + 1 (validation README rule 1).
inline std::int64_t AffineBoxWords(const AffineTable& table, const std::array<std::int64_t, kMaxDims>& dim_extent) {
  std::int64_t words = 1;
  for (int index = 0; index < table.num_indices; ++index) {
    const IndexTable& entry = table.indices[index];
    std::int64_t extent = 1;
    for (int term = 0; term < entry.num_terms; ++term) {
      extent += entry.coefficients[term] * (dim_extent[entry.dims[term]] - 1);
    }
    words *= extent;
  }
  return words;
}

// Rule 1's tile of `tensor` when dim D spans `dim_extent[D]` values: the product of its dims'
// extents, or for an affine tensor the bounding box (AffineBoxWords).
inline std::int64_t TileWords(const Problem& problem, int tensor, const std::array<std::int64_t, kMaxDims>& dim_extent) {
  if (((problem.affine_tensors() >> tensor) & 1u) != 0) return AffineBoxWords(problem.affine(tensor), dim_extent);
  std::int64_t words = 1;
  for (DimMask dims = problem.tensor_dims(tensor); dims != 0; dims &= static_cast<DimMask>(dims - 1)) {
    words *= dim_extent[__builtin_ctz(dims)];
  }
  return words;
}

// Everything but capacity. Cheap: no tile computation.
CheckResult CheckStructure(const Mapping& mapping, const Problem& problem);

// Fills `tiles` for a mapping that passed CheckStructure.
void ComputeTiles(const Mapping& mapping, const Problem& problem, TileTable& tiles);

// The capacity rule on precomputed tiles (a structurally valid mapping).
CheckResult CheckCapacity(const Mapping& mapping, const Problem& problem, const TileTable& tiles);

// The same on tiles held elsewhere: `tile_words(level_idx, tensor)` is rule 1's tile in elements.
// Inline, for cost models that compute the tiles in their own walk over the nest.
template <typename TileWords>
CheckResult CheckCapacityOf(const Mapping& mapping, const Problem& problem, const TileWords& tile_words) {
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    const std::int64_t usable = problem.level(level_idx).UsableCapacity(mapping.level(level_idx).double_buffered());
    if (usable == kUnboundedCapacity) continue;
    // Tiles in words of the level (with precision, packed: Problem::packing).
    const std::int64_t needed = problem.TileWordsAt(level_idx, mapping.level(level_idx).keeps(),
                                                    [&](int tensor) { return tile_words(level_idx, tensor); });
    if (needed > usable) {
      CheckResult result;
      result.violation = Violation::kCapacityExceeded;
      result.level = static_cast<std::int8_t>(level_idx);
      result.value = needed;
      result.limit = usable;
      return result;
    }
  }
  return CheckResult{};
}

// Every rule above. `tiles`, when given, receives the tiles (valid only if the structure is).
CheckResult CheckMapping(const Mapping& mapping, const Problem& problem, TileTable* tiles = nullptr);

// A sentence naming the level, tensor, dim and numbers, e.g. "level GLB needs 12288 words per
// instance, more than its usable capacity of 8192 words (capacity / multiple_buffering)".
std::string Describe(const CheckResult& result, const Problem& problem);

}  // namespace loopfront::mapping

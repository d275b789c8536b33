// Compile-time limits of the mapping and cost-model value types.
//
// Mapping, Problem and Cost hold fixed-size arrays instead of vectors so that copying a mapping,
// evaluating it and returning its cost never touch the heap (DESIGN §5: millions of evaluations per
// second per core). These constants bound those arrays. They are generous for Transformer ops on
// the architectures of DESIGN §2.3: a GEMM has 3 dims and 3 tensors, a batched attention matmul 4
// dims, a vector op at most 5 dims (with its `pass` dim); the deepest preset has 6 storage levels.
// The op limits come from workload/limits.h, where the loaders check them with file positions;
// Problem::Build checks them again for ops built in code.
//
// Dims, tensors and levels are referred to by index everywhere on the hot path; sets of them are
// bit masks (bit d = dim d, bit t = tensor t).
#pragma once

#include <cstdint>

#include "loopfront/arch/limits.h"
#include "loopfront/workload/limits.h"

namespace loopfront::mapping {

inline constexpr int kMaxDims = workload::kMaxOpDims;
inline constexpr int kMaxTensors = workload::kMaxOpTensors;
inline constexpr int kMaxLevels = arch::kMaxStorageLevels;
// A level holds at most this many temporal loops (one per dim in practice, as in Timeloop).
inline constexpr int kMaxTemporalLoopsPerLevel = 8;
// A level holds at most this many spatial loops over both axes together.
inline constexpr int kMaxSpatialLoopsPerLevel = 4;

// An affine index (a convolution's W = P·Wstride + R·Wdilation) has at most this many terms; a
// tensor has at most kMaxDims indices.
inline constexpr int kMaxIndexTerms = workload::kMaxIndexTerms;
// The sliding-window analysis (validation README rule 4a) visits 2^n points for the n temporal
// loops of factor > 1 outside a level; Problem-level mappings with more such loops above a level
// keeping an affine tensor are reported infeasible (Violation::kTooManySlidingLoops).
inline constexpr int kMaxSlidingLoops = 20;

// Set of dims (bit d) and set of tensors (bit t).
using DimMask = std::uint16_t;
using TensorMask = std::uint8_t;

static_assert(kMaxDims <= 16, "DimMask must hold one bit per dim");
static_assert(kMaxTensors <= 8, "TensorMask must hold one bit per tensor");

}  // namespace loopfront::mapping

// The shape limits of one op: what the mapping layer's fixed-size arrays (mapping/limits.h) and
// the cost models' counting arithmetic can hold. They live here, in the workload layer, so that
// the workload loaders (op lists, op specs, Transformer specs, the importers) reject an op that
// exceeds them at load time, with the position of the key to change, instead of leaving it to
// Problem::Build, which knows no file. mapping/limits.h takes its array bounds from these.
//
// Thread-safety: constants.
#pragma once

#include <cstdint>
#include <string_view>

namespace loopfront::workload {

// Dims of one op, counting the synthetic `pass` dim of a multi-pass vector op (DESIGN §2.1.1): a
// GEMM has 3, a batched attention matmul 4, a convolution 7, a vector op at most 5 with its pass dim.
inline constexpr int kMaxOpDims = 8;
// Tensors of one op: two operands and an output, plus one spare (a bias or a gate).
inline constexpr int kMaxOpTensors = 4;
// Terms of one affine index (a convolution's W = P·Wstride + R·Wdilation has 2).
inline constexpr int kMaxIndexTerms = 4;
// The largest coefficient of an affine index (a stride or a dilation): 2^20 ≈ 1e6 is far beyond any
// published convolution, and keeps coefficient × (size − 1) inside int64 for sizes ≤ 2^40.
inline constexpr std::int64_t kMaxCoefficient = std::int64_t{1} << 20;
// The name of the synthetic dim over the passes of a multi-pass vector op; a vector op may not
// name one of its own dims so.
inline constexpr std::string_view kPassDimName = "pass";

// An op's iteration space (its dims' sizes multiplied, times its passes for a multi-pass vector
// op) stays below 2^52 points. Below 2^53 every per-execution count (MACs, FLOPs, bytes) is exact
// in a double as well as in an int64; the further factor of 2 leaves the cost models room for the
// per-instance × instances products of their access counts (mapping/problem.h).
inline constexpr std::int64_t kMaxIterationPoints = std::int64_t{1} << 52;

}  // namespace loopfront::workload

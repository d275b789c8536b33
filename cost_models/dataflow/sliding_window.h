// Sliding windows: the counts of an affine tensor (a convolution's input, whose width index is
// P·stride + R·dilation) at the levels that keep it, as Timeloop v3.0.3 computes them. These are
// rules 4a, 5a and 5b of shared/validation/README.md (rule 1's bounding-box tiles are
// mapping::ComputeTiles):
//  - 4a: the words delivered into a level come from Timeloop's sampled delta analysis: the visits
//    are {0,1}^n over the n temporal loops (factor > 1) outside the level, each weighted by
//    Π(b_k − 1) over its 1-bits; a visit delivers the part of the tile's box not in the previous
//    visit's box, or the whole box when the box moved along a new vector (the stride reset);
//  - 5a: children of one parent share words only if their tiles are identical, so the number of
//    distinct child offsets replaces rule 5's multicast factor;
//  - 5b: at a fanout (storage to storage, or the innermost level to the MACs when the innermost
//    loop is spatial) a child takes its new words from a mesh neighbour that received the same
//    words at the previous visit, when that saves reads; the sender reads its copy.
//
// Only tensors in Problem::affine_tensors() take this path; every other tensor keeps rules 4 and 5.
// Allocation-free: fixed-size arrays, at most 2^kMaxSlidingLoops visits per walk (a mapping with
// more temporal loops of factor > 1 above a keeping level is reported as
// Violation::kTooManySlidingLoops), and at most kMaxDistinctChildren children per distinct-offset
// count (beyond it, 5a counts every child as distinct and 5b uses no links).
#pragma once

#include <array>
#include <cstdint>

#include "loopfront/mapping/check.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"

namespace loopfront::cost::sliding_window {

inline constexpr int kMaxDistinctChildren = 4096;

// The whole loop nest, outermost first (level 0 temporal, level 0 spatial, level 1 temporal, …),
// with what rule 4a needs of each loop.
struct FlatNest {
  struct Loop {
    std::int8_t dim = 0;
    std::int8_t level = 0;
    bool spatial = false;
    mapping::Axis axis = mapping::Axis::kX;
    std::int64_t factor = 1;
    // Rule 4a's stride_k: the product of the factors of this dim's loops inside this loop.
    std::int64_t stride = 1;
  };
  static constexpr int kMaxLoops =
      mapping::kMaxLevels * (mapping::kMaxTemporalLoopsPerLevel + mapping::kMaxSpatialLoopsPerLevel);
  std::array<Loop, kMaxLoops> loops{};
  int num_loops = 0;
  std::array<int, mapping::kMaxLevels + 1> level_begin{};  // first loop of each level; [L] = num_loops
  std::array<int, mapping::kMaxLevels> spatial_begin{};    // first spatial loop of each level
  // F_D of rule 1 at level i: the product of dim D's factors at level i and inside; row L is all 1.
  std::array<std::array<std::int64_t, mapping::kMaxDims>, mapping::kMaxLevels + 1> extent{};
};

void BuildFlatNest(const mapping::Problem& problem, const mapping::Mapping& mapping, FlatNest& nest);

// The counts of one affine tensor, per instance of each level (levels that do not keep it: 0).
struct AffineCounts {
  std::array<std::int64_t, mapping::kMaxLevels> reads{};  // content, plus rule 5b's sender reads
  std::array<std::int64_t, mapping::kMaxLevels> fills{};  // share (0 at the outermost keeper)
  // Words the level's children took from a neighbour (rule 5b), per instance of the level.
  std::array<std::int64_t, mapping::kMaxLevels> link_transfers{};
  // The same between the MACs under one instance of the innermost level.
  std::int64_t mac_link_transfers = 0;
  // Set when a walk would exceed kMaxSlidingLoops: the level and the number of loops.
  int too_many_loops_level = -1;
  int too_many_loops = 0;
};

// `iterations` is T, `innermost_is_spatial` rule 7's test, `instances` inst(i) of rule 2 (row L: the
// MACs).
void CountAffineTensor(const mapping::Problem& problem, const mapping::Mapping& mapping, const FlatNest& nest,
                       int tensor, std::int64_t iterations, bool innermost_is_spatial,
                       const std::array<std::int64_t, mapping::kMaxLevels + 1>& instances, AffineCounts& counts);

}  // namespace loopfront::cost::sliding_window

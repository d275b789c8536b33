#include "cost_models/dataflow/sliding_window.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

namespace loopfront::cost::sliding_window {
namespace {

using mapping::kMaxDims;
using mapping::kMaxLevels;
// One value per index of the tensor (W, H, …), in tensor-index space.
using IndexVector = std::array<std::int64_t, kMaxDims>;
// One value per dim of the op.
using DimVector = std::array<std::int64_t, kMaxDims>;

// Σ coef × value_D per index of `table`.
void ProjectOffsets(const mapping::AffineTable& table, const DimVector& dim_offset, IndexVector& index_offset) {
  for (int index = 0; index < table.num_indices; ++index) {
    const mapping::IndexTable& entry = table.indices[index];
    std::int64_t offset = 0;
    for (int term = 0; term < entry.num_terms; ++term) offset += entry.coefficients[term] * dim_offset[entry.dims[term]];
    index_offset[index] = offset;
  }
}

// The words delivered at one visit (rule 4a), in index space: empty, a box, or a box minus a box
// that shares a corner with it (the previous box moved along two or more indices). A slab (a move
// along one index) is stored as its own box, so that equal sets have equal representations.
struct WordSet {
  bool empty = true;
  bool has_hole = false;
  IndexVector lo{};
  IndexVector hi{};
  IndexVector hole_lo{};
  IndexVector hole_hi{};
  std::int64_t words = 0;
};

// Whether a + shift_a and b + shift_b are the same set of words.
bool SameWords(const WordSet& a, const IndexVector& shift_a, const WordSet& b, const IndexVector& shift_b,
               int num_indices) {
  if (a.empty || b.empty || a.has_hole != b.has_hole || a.words != b.words) return false;
  for (int index = 0; index < num_indices; ++index) {
    const std::int64_t delta = shift_b[index] - shift_a[index];
    if (a.lo[index] != b.lo[index] + delta || a.hi[index] != b.hi[index] + delta) return false;
    if (a.has_hole && (a.hole_lo[index] != b.hole_lo[index] + delta || a.hole_hi[index] != b.hole_hi[index] + delta)) {
      return false;
    }
  }
  return true;
}

void WholeBox(const IndexVector& start, const IndexVector& extent, int num_indices, std::int64_t box_words,
              WordSet& set) {
  set.empty = false;
  set.has_hole = false;
  for (int index = 0; index < num_indices; ++index) {
    set.lo[index] = start[index];
    set.hi[index] = start[index] + extent[index] - 1;
  }
  set.words = box_words;
}

// The box at `start` minus the box at `previous` (same extents).
void BoxDifference(const IndexVector& start, const IndexVector& previous, const IndexVector& extent, int num_indices,
                   std::int64_t box_words, WordSet& set) {
  std::int64_t overlap_words = 1;
  int moved_indices = 0;
  int moved_index = 0;
  for (int index = 0; index < num_indices; ++index) {
    const std::int64_t move = start[index] - previous[index];
    overlap_words *= std::max<std::int64_t>(0, extent[index] - std::abs(move));
    if (move != 0) {
      ++moved_indices;
      moved_index = index;
    }
  }
  WholeBox(start, extent, num_indices, box_words, set);
  if (overlap_words == 0) return;  // disjoint: the whole box is new
  set.words = box_words - overlap_words;
  if (moved_indices == 1) {
    const std::int64_t move = start[moved_index] - previous[moved_index];
    if (move > 0) {
      set.lo[moved_index] = previous[moved_index] + extent[moved_index];
    } else {
      set.hi[moved_index] = previous[moved_index] - 1;
    }
    return;
  }
  set.has_hole = true;
  for (int index = 0; index < num_indices; ++index) {
    set.hole_lo[index] = std::max(start[index], previous[index]);
    set.hole_hi[index] = std::min(start[index], previous[index]) + extent[index] - 1;
  }
}

// Number of distinct values of Σ digit_l × step_l with digit_l in [0, factor_l).
std::int64_t DistinctSums(const std::array<std::int64_t, FlatNest::kMaxLoops>& steps,
                          const std::array<std::int64_t, FlatNest::kMaxLoops>& factors, int count) {
  if (count == 0) return 1;
  std::int64_t combinations = 1;
  for (int loop = 0; loop < count; ++loop) combinations *= factors[loop];
  if (count == 1 || combinations > kMaxDistinctChildren) return combinations;
  std::array<std::int64_t, kMaxDistinctChildren> sums;
  int num_sums = 1;
  sums[0] = 0;
  for (int loop = 0; loop < count; ++loop) {
    const int previous = num_sums;
    for (std::int64_t digit = 1; digit < factors[loop]; ++digit) {
      for (int entry = 0; entry < previous; ++entry) sums[num_sums++] = sums[entry] + digit * steps[loop];
    }
  }
  std::sort(sums.begin(), sums.begin() + num_sums);
  return std::unique(sums.begin(), sums.begin() + num_sums) - sums.begin();
}

// D(a,b,t) of rule 5a: distinct offsets among the children that the spatial loops at levels
// first … last−1 feed from one instance of `first`. A dim appears in one index only
// (workload::CheckOp), so the offsets of different indices vary independently.
std::int64_t DistinctOffsets(const mapping::AffineTable& table, const FlatNest& nest, int first, int last) {
  std::int64_t distinct = 1;
  for (int index = 0; index < table.num_indices; ++index) {
    const mapping::IndexTable& entry = table.indices[index];
    std::array<std::int64_t, FlatNest::kMaxLoops> steps;
    std::array<std::int64_t, FlatNest::kMaxLoops> factors;
    int count = 0;
    for (int level_idx = first; level_idx < last; ++level_idx) {
      for (int loop_idx = nest.spatial_begin[level_idx]; loop_idx < nest.level_begin[level_idx + 1]; ++loop_idx) {
        const FlatNest::Loop& loop = nest.loops[loop_idx];
        if (loop.factor == 1) continue;
        for (int term = 0; term < entry.num_terms; ++term) {
          if (entry.dims[term] != loop.dim) continue;
          steps[count] = entry.coefficients[term] * loop.stride;
          factors[count] = loop.factor;
          ++count;
        }
      }
    }
    distinct *= DistinctSums(steps, factors, count);
  }
  return distinct;
}

// The children of one instance of level `level_idx` (its spatial loops), numbered as Timeloop
// numbers them (rule 5b): mixed radix over the Y loops, then the X loops, each in listed order,
// the last fastest; the mesh position is (index mod fanout_x, index div fanout_x).
class Children {
 public:
  Children(const mapping::Problem& problem, const FlatNest& nest, int level_idx, int tensor)
      : table_(problem.affine(tensor)), fanout_x_(problem.level(level_idx).fanout[0]) {
    for (const mapping::Axis axis : {mapping::Axis::kY, mapping::Axis::kX}) {
      for (int loop_idx = nest.spatial_begin[level_idx]; loop_idx < nest.level_begin[level_idx + 1]; ++loop_idx) {
        const FlatNest::Loop& loop = nest.loops[loop_idx];
        if (loop.axis != axis || loop.factor == 1) continue;
        digits_[num_digits_++] = loop;
        count_ *= loop.factor;
      }
    }
    // Radix of the offset keys: the largest offset along each index, plus one.
    DimVector largest{};
    for (int digit = 0; digit < num_digits_; ++digit) {
      largest[digits_[digit].dim] += (digits_[digit].factor - 1) * digits_[digit].stride;
    }
    ProjectOffsets(table_, largest, key_radix_);
    for (int index = 0; index < table_.num_indices; ++index) ++key_radix_[index];
  }

  std::int64_t count() const { return count_; }

  // The offset of child `child` along each index of the tensor.
  void Offset(std::int64_t child, IndexVector& offset) const {
    DimVector dim_offset{};
    for (int digit = num_digits_ - 1; digit >= 0; --digit) {
      const FlatNest::Loop& loop = digits_[digit];
      dim_offset[loop.dim] += (child % loop.factor) * loop.stride;
      child /= loop.factor;
    }
    ProjectOffsets(table_, dim_offset, offset);
  }

  std::int64_t Key(const IndexVector& offset) const {
    std::int64_t key = 0;
    for (int index = 0; index < table_.num_indices; ++index) key = key * key_radix_[index] + offset[index];
    return key;
  }

  // Calls `visit(neighbour)` for the left, right, lower and upper neighbours that exist.
  template <typename Function>
  void ForEachNeighbour(std::int64_t child, Function visit) const {
    const std::int64_t column = child % fanout_x_;
    if (column > 0) visit(child - 1);
    if (column + 1 < fanout_x_ && child + 1 < count_) visit(child + 1);
    if (child >= fanout_x_) visit(child - fanout_x_);
    if (child + fanout_x_ < count_) visit(child + fanout_x_);
  }

 private:
  const mapping::AffineTable& table_;
  std::int64_t fanout_x_ = 1;
  std::array<FlatNest::Loop, mapping::kMaxSpatialLoopsPerLevel> digits_{};
  int num_digits_ = 0;
  std::int64_t count_ = 1;
  IndexVector key_radix_{};
};

// Rule 5b at one visit: the reads of one instance of the fanout level when children may take
// `words` from a neighbour that received `previous` at the previous visit, and the children that
// do. Returns false when links would not save reads.
bool LinkReads(const Children& children, const WordSet& words, const WordSet& previous, int num_indices,
               std::int64_t distinct_without_links, std::int64_t& reads, std::int64_t& linked_children) {
  std::array<std::int64_t, kMaxDistinctChildren> keys;
  int num_keys = 0;
  linked_children = 0;
  IndexVector own{};
  IndexVector other{};
  for (std::int64_t child = 0; child < children.count(); ++child) {
    children.Offset(child, own);
    bool linked = false;
    children.ForEachNeighbour(child, [&](std::int64_t neighbour) {
      if (linked) return;
      children.Offset(neighbour, other);
      linked = SameWords(words, own, previous, other, num_indices);
    });
    if (linked) {
      ++linked_children;
    } else {
      keys[num_keys++] = children.Key(own);
    }
  }
  std::sort(keys.begin(), keys.begin() + num_keys);
  const std::int64_t distinct = std::unique(keys.begin(), keys.begin() + num_keys) - keys.begin();
  if (linked_children == 0 || distinct >= distinct_without_links) return false;
  reads = words.words * distinct;
  return true;
}

// What a walk over the visits of rule 4a adds up.
struct WalkResult {
  std::int64_t share = 0;           // Σ w × delivered words (rule 4a)
  std::int64_t parent_reads = 0;    // with a link test: Σ w × the fanout level's reads (rule 5b)
  std::int64_t link_transfers = 0;  // with a link test: Σ w × words taken from neighbours
  int too_many_loops = 0;           // > 0: the walk was not done, this many loops
};

// Walks the visits of rule 4a for the tiles of `tensor` at level `receiver` (num_levels: a MAC,
// one word, delivered whole at every visit as rule 5b says), over the temporal loops of levels
// 0 … receiver − 1. With `children` (the fanout of receiver − 1), also runs rule 5b's link test
// against `distinct` (rule 5a's D of that fanout).
void Walk(const mapping::Problem& problem, const FlatNest& nest, int tensor, int receiver, const Children* children,
          std::int64_t distinct, WalkResult& result) {
  const mapping::AffineTable& table = problem.affine(tensor);
  const int num_indices = table.num_indices;
  const bool to_macs = receiver == problem.num_levels();
  const mapping::DimMask tensor_dims = problem.tensor_dims(tensor);
  std::array<int, FlatNest::kMaxLoops> loops;
  int num_loops = 0;
  int last_indexing = -1;
  for (int level_idx = 0; level_idx < receiver; ++level_idx) {
    for (int loop_idx = nest.level_begin[level_idx]; loop_idx < nest.spatial_begin[level_idx]; ++loop_idx) {
      const FlatNest::Loop& loop = nest.loops[loop_idx];
      if (loop.factor == 1) continue;
      if ((tensor_dims >> loop.dim) & 1u) last_indexing = num_loops;
      loops[num_loops++] = loop_idx;
    }
  }
  // Loops inside the innermost indexing one leave the box where it is: their visits deliver
  // nothing (rule 4's dropped run). The MACs read a word at every visit, so they keep them.
  if (!to_macs) num_loops = last_indexing + 1;
  if (num_loops > mapping::kMaxSlidingLoops) {
    result.too_many_loops = num_loops;
    return;
  }
  // Rule 1's box: Σ coef × (F_D − 1) + 1 per index.
  DimVector last_position{};
  for (int dim = 0; dim < problem.num_dims(); ++dim) last_position[dim] = nest.extent[receiver][dim] - 1;
  IndexVector extent{};
  ProjectOffsets(table, last_position, extent);
  std::int64_t box_words = 1;
  for (int index = 0; index < num_indices; ++index) {
    ++extent[index];
    box_words *= extent[index];
  }
  IndexVector start{};
  IndexVector previous_start{};
  IndexVector remembered_move{};
  bool remembered = false;
  WordSet words;
  WordSet previous_words;
  const std::uint64_t num_visits = std::uint64_t{1} << num_loops;
  for (std::uint64_t visit = 0; visit < num_visits; ++visit) {
    DimVector dim_offset{};
    std::int64_t weight = 1;
    for (int position = 0; position < num_loops; ++position) {
      if (((visit >> (num_loops - 1 - position)) & 1u) == 0) continue;
      const FlatNest::Loop& loop = nest.loops[loops[position]];
      dim_offset[loop.dim] += loop.stride;
      weight *= loop.factor - 1;
    }
    ProjectOffsets(table, dim_offset, start);
    if (visit == 0 || to_macs) {
      WholeBox(start, extent, num_indices, box_words, words);
    } else {
      bool moved = false;
      bool same_move = true;
      for (int index = 0; index < num_indices; ++index) {
        const std::int64_t move = start[index] - previous_start[index];
        moved = moved || move != 0;
        same_move = same_move && move == remembered_move[index];
      }
      if (!moved) {
        words.empty = true;
        words.words = 0;
      } else if (!remembered || same_move) {
        BoxDifference(start, previous_start, extent, num_indices, box_words, words);
        for (int index = 0; index < num_indices; ++index) remembered_move[index] = start[index] - previous_start[index];
        remembered = true;
      } else {
        // A move along a new vector: Timeloop's reset on stride change reloads the whole box.
        WholeBox(start, extent, num_indices, box_words, words);
        remembered = false;
      }
    }
    result.share += weight * words.words;
    if (children != nullptr && !words.empty) {
      std::int64_t reads = words.words * distinct;
      std::int64_t linked_children = 0;
      if (!previous_words.empty &&
          LinkReads(*children, words, previous_words, num_indices, distinct, reads, linked_children)) {
        result.link_transfers += weight * words.words * linked_children;
      }
      result.parent_reads += weight * reads;
    }
    previous_words = words;
    previous_start = start;
  }
}

}  // namespace

void BuildFlatNest(const mapping::Problem& problem, const mapping::Mapping& mapping, FlatNest& nest) {
  const int num_levels = problem.num_levels();
  int num_loops = 0;
  for (int level_idx = 0; level_idx < num_levels; ++level_idx) {
    const mapping::LevelMapping& level = mapping.level(level_idx);
    nest.level_begin[level_idx] = num_loops;
    for (const mapping::TemporalLoop& loop : level.temporal()) {
      nest.loops[num_loops++] = {.dim = loop.dim,
                                 .level = static_cast<std::int8_t>(level_idx),
                                 .spatial = false,
                                 .axis = mapping::Axis::kX,
                                 .factor = loop.factor,
                                 .stride = 1};
    }
    nest.spatial_begin[level_idx] = num_loops;
    for (const mapping::SpatialLoop& loop : level.spatial()) {
      nest.loops[num_loops++] = {.dim = loop.dim,
                                 .level = static_cast<std::int8_t>(level_idx),
                                 .spatial = true,
                                 .axis = loop.axis,
                                 .factor = loop.factor,
                                 .stride = 1};
    }
  }
  nest.level_begin[num_levels] = num_loops;
  nest.num_loops = num_loops;
  // Strides and extents from the innermost loop outwards.
  DimVector inside;
  inside.fill(1);
  nest.extent[num_levels] = inside;
  for (int level_idx = num_levels - 1; level_idx >= 0; --level_idx) {
    for (int loop_idx = nest.level_begin[level_idx + 1] - 1; loop_idx >= nest.level_begin[level_idx]; --loop_idx) {
      FlatNest::Loop& loop = nest.loops[loop_idx];
      loop.stride = inside[loop.dim];
      inside[loop.dim] *= loop.factor;
    }
    nest.extent[level_idx] = inside;
  }
}

void CountAffineTensor(const mapping::Problem& problem, const mapping::Mapping& mapping, const FlatNest& nest,
                       int tensor, std::int64_t iterations, bool innermost_is_spatial,
                       const std::array<std::int64_t, mapping::kMaxLevels + 1>& instances, AffineCounts& counts) {
  const int num_levels = problem.num_levels();
  const mapping::AffineTable& table = problem.affine(tensor);
  const mapping::DimMask tensor_dims = problem.tensor_dims(tensor);
  const auto fans_out_over_tensor = [&](int level_idx) {
    for (int loop_idx = nest.spatial_begin[level_idx]; loop_idx < nest.level_begin[level_idx + 1]; ++loop_idx) {
      const FlatNest::Loop& loop = nest.loops[loop_idx];
      if (loop.factor > 1 && ((tensor_dims >> loop.dim) & 1u) != 0) return true;
    }
    return false;
  };
  std::array<int, kMaxLevels> keepers{};
  int num_keepers = 0;
  for (int level_idx = 0; level_idx < num_levels; ++level_idx) {
    if (mapping.level(level_idx).Keeps(tensor)) keepers[num_keepers++] = level_idx;
  }
  // From the outermost keeper inwards: each keeper's reads are its child's deliveries.
  for (int keeper = 0; keeper < num_keepers; ++keeper) {
    const int level_idx = keepers[keeper];
    const bool last = keeper + 1 == num_keepers;
    const int child = last ? num_levels : keepers[keeper + 1];
    const std::int64_t distinct = DistinctOffsets(table, nest, level_idx, child);
    // Rule 5b: a direct fanout to a keeping level, or to the MACs when the innermost loop is
    // spatial; only spatial loops over the tensor's dims can give children different words.
    // For storage children the test can only succeed when some spatial loop there moves the
    // tensor (equal offsets would need equal delivered sets at consecutive visits); a MAC's word
    // can stay put, which is rule 7's latching.
    const bool direct = last ? level_idx == num_levels - 1 && innermost_is_spatial : child == level_idx + 1;
    std::optional<Children> children;
    if (direct && (last || fans_out_over_tensor(level_idx))) {
      children.emplace(problem, nest, level_idx, tensor);
      if (children->count() < 2 || children->count() > kMaxDistinctChildren) children.reset();
    }
    if (last && !children) {
      // Rule 5a for the MACs: every MAC cycle reads its word.
      counts.reads[level_idx] += iterations * distinct;
      continue;
    }
    WalkResult walk;
    Walk(problem, nest, tensor, child, children ? &*children : nullptr, distinct, walk);
    if (walk.too_many_loops > 0) {
      counts.too_many_loops_level = child == num_levels ? level_idx : child;
      counts.too_many_loops = walk.too_many_loops;
      return;
    }
    const std::int64_t reads = children ? walk.parent_reads : walk.share * distinct;
    counts.reads[level_idx] += reads;
    if (last) {
      counts.mac_link_transfers = walk.link_transfers;
    } else {
      counts.fills[child] = walk.share;
      counts.link_transfers[level_idx] = walk.link_transfers;
      // The sender reads its copy: Timeloop adds link transfers / (instances of the child level)
      // to each child's reads (rule 5b).
      counts.reads[child] += walk.link_transfers * instances[level_idx] / instances[child];
    }
  }
}

}  // namespace loopfront::cost::sliding_window

// A mapping of one op onto one architecture (DESIGN §2.4): for each storage level, outermost
// first, an ordered list of temporal loops (dim, factor) outer → inner, the spatial loops
// (dim, factor, axis) that spread the level's work over the fanout below it, and the set of
// tensors the level keeps (the others bypass it), and at a level with honest buffering
// (arch/architecture.h) whether it is double-buffered.
//
// The full loop nest, outermost first, is: level 0 temporal, level 0 spatial, level 1 temporal,
// level 1 spatial, … (shared/validation/README.md, "mapping[]"). The product of a dim's factors
// over all levels covers the dim's size: exactly (perfect factorization) or with padding (the
// padded iterations are computed and reported as waste, see CheckMapping).
//
// Dims and tensors are referred to by their index in the op (Problem::DimIndex); levels by
// position. A Mapping is a fixed-size value (no heap): copyable with memcpy, comparable, hashable
// (MappingHash). Loops of factor 1 are allowed and change nothing.
// Invariant kept by the API: entries past the used count are default-valued, so that the defaulted
// operator== compares only meaningful content.
//
// One-line text form (ToString / ParseMapping):
//   mapping   := level (' ' level)*                 one per storage level, outermost first
//   level     := NAME buffering? keeps? '[' temporals? ('|' spatials?)? ']'
//   buffering := '*2' | '*1'                        double- or single-buffered; printed on levels
//                                                    with honest buffering; omitted = double if the
//                                                    level offers it (DefaultDoubleBuffered)
//   keeps     := '{' (TENSOR (',' TENSOR)*)? '}'     omitted = every tensor the level may keep
//   temporals := DIM FACTOR (' ' DIM FACTOR)*       outer → inner, e.g. `m4 n2`
//   spatials  := AXIS ':' DIM FACTOR (' ' ...)*     AXIS is x or y, e.g. `x:n16 y:k16`
// e.g. `DRAM[N48] scratchpad{A,B}[K48 | x:N16] accumulator{Z}[| y:K16] weight_reg{B}[]`.
// Thread-safety: a Mapping is a plain value; share const instances freely.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "loopfront/mapping/limits.h"
#include "loopfront/mapping/problem.h"

namespace loopfront::mapping {

struct TemporalLoop {
  std::int8_t dim = 0;
  std::int32_t factor = 1;
  bool operator==(const TemporalLoop&) const = default;
};

struct SpatialLoop {
  std::int8_t dim = 0;
  Axis axis = Axis::kX;
  std::int32_t factor = 1;
  bool operator==(const SpatialLoop&) const = default;
};

// The loops and kept tensors of one storage level.
class LevelMapping {
 public:
  std::span<const TemporalLoop> temporal() const { return {temporal_.data(), num_temporal_}; }
  std::span<const SpatialLoop> spatial() const { return {spatial_.data(), num_spatial_}; }
  // Mutable views for searchers that change factors or reorder loops in place.
  std::span<TemporalLoop> mutable_temporal() { return {temporal_.data(), num_temporal_}; }
  std::span<SpatialLoop> mutable_spatial() { return {spatial_.data(), num_spatial_}; }
  TensorMask keeps() const { return keeps_; }
  // Meaningful only at a level with honest buffering (LevelTable::buffering ≠ 0); false elsewhere.
  bool double_buffered() const { return double_buffered_; }
  void SetDoubleBuffered(bool double_buffered) { double_buffered_ = double_buffered; }
  bool Keeps(int tensor) const { return (keeps_ >> tensor) & 1u; }

  // Append as the innermost temporal loop / another spatial loop. Throw util::InternalError when
  // the level is full (kMaxTemporalLoopsPerLevel, kMaxSpatialLoopsPerLevel), the dim is not below
  // kMaxDims or the factor is not in [1, 2^31): callers that take user input check first and report
  // a ConfigError. Inline, because the mapspace's Decode appends every loop of every mapping a
  // search evaluates: the checks are a few compares, the throwing path is out of line.
  void AddTemporal(int dim, std::int64_t factor) {
    if (num_temporal_ >= kMaxTemporalLoopsPerLevel || !LoopFits(dim, factor)) [[unlikely]] {
      InsertTemporal(num_temporal_, dim, factor);  // throws, naming what is wrong
      return;
    }
    temporal_[num_temporal_++] =
        TemporalLoop{.dim = static_cast<std::int8_t>(dim), .factor = static_cast<std::int32_t>(factor)};
  }
  void AddSpatial(int dim, std::int64_t factor, Axis axis) {
    if (num_spatial_ >= kMaxSpatialLoopsPerLevel || !LoopFits(dim, factor)) [[unlikely]] {
      ThrowBadSpatial(dim, factor);
    }
    spatial_[num_spatial_++] =
        SpatialLoop{.dim = static_cast<std::int8_t>(dim), .axis = axis, .factor = static_cast<std::int32_t>(factor)};
  }
  // Insert at `position` (0 = outermost) / remove the loop at `position`.
  void InsertTemporal(int position, int dim, std::int64_t factor);
  void EraseTemporal(int position);
  void EraseSpatial(int position);
  void ClearLoops();
  // No loops, no keeps, single-buffered (a default LevelMapping), clearing only the entries in use.
  void Clear();
  void SetKeeps(TensorMask keeps) { keeps_ = keeps; }
  void SetKeep(int tensor, bool keep) {
    keeps_ = static_cast<TensorMask>(keep ? (keeps_ | (1u << tensor)) : (keeps_ & ~(1u << tensor)));
  }

  bool operator==(const LevelMapping&) const = default;

 private:
  static constexpr bool LoopFits(int dim, std::int64_t factor) {
    return dim >= 0 && dim < kMaxDims && factor >= 1 && factor <= std::numeric_limits<std::int32_t>::max();
  }
  [[noreturn]] void ThrowBadSpatial(int dim, std::int64_t factor) const;

  std::array<TemporalLoop, kMaxTemporalLoopsPerLevel> temporal_{};
  std::array<SpatialLoop, kMaxSpatialLoopsPerLevel> spatial_{};
  std::uint8_t num_temporal_ = 0;
  std::uint8_t num_spatial_ = 0;
  TensorMask keeps_ = 0;
  bool double_buffered_ = false;
};

class Mapping {
 public:
  Mapping() = default;
  // `num_levels` empty levels that keep nothing. Throws util::InternalError above kMaxLevels.
  explicit Mapping(int num_levels);

  // Makes this Mapping(num_levels) in place: clears only the levels and loops in use, instead of
  // building and copying a whole (about 1 KB) Mapping; what the mapspace's Decode does per genome.
  // Throws util::InternalError above kMaxLevels.
  void Reset(int num_levels);

  int num_levels() const { return num_levels_; }
  const LevelMapping& level(int level_idx) const { return levels_[level_idx]; }
  LevelMapping& level(int level_idx) { return levels_[level_idx]; }

  // Product of the factors of `dim` over every loop of every level (≥ size when padded).
  std::int64_t DimProduct(int dim) const;

  bool operator==(const Mapping&) const = default;
  std::size_t Hash() const;

 private:
  std::array<LevelMapping, kMaxLevels> levels_{};
  int num_levels_ = 0;
};

struct MappingHash {
  std::size_t operator()(const Mapping& mapping) const { return mapping.Hash(); }
};

// Whether a mapping that does not say double-buffers the level: where the level offers double
// buffering (honestly), it does.
bool DefaultDoubleBuffered(const LevelTable& level);

// A mapping with one level per storage level of the problem's architecture, keeping at each level
// every tensor the level may keep, with the default buffering, and no loops.
Mapping EmptyMapping(const Problem& problem);

// The one-line form described at the top of this file. Names come from the problem.
std::string ToString(const Mapping& mapping, const Problem& problem);

// Parses the one-line form. Throws util::ConfigError (with `source` as the file name, which may be
// empty) naming the offending token: unknown level/dim/tensor, wrong level order or count, a
// factor that is not a positive integer, too many loops on a level, malformed brackets.
Mapping ParseMapping(std::string_view text, const Problem& problem, std::string_view source = "");

}  // namespace loopfront::mapping

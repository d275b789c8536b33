#include "loopfront/mapping/check.h"

#include <fmt/format.h>

namespace loopfront::mapping {
namespace {

CheckResult Fail(Violation violation) { return CheckResult{.violation = violation}; }

// Every loop, temporal or spatial, names an existing dim and has a factor of at least 1.
inline CheckResult CheckLoop(int level_idx, int dim, std::int64_t factor, int num_dims) {
  CheckResult result;
  if (dim < 0 || dim >= num_dims) {
    result = Fail(Violation::kBadDim);
  } else if (factor < 1) {
    result = Fail(Violation::kBadFactor);
    result.value = factor;
  } else {
    return result;
  }
  result.level = static_cast<std::int8_t>(level_idx);
  result.dim = static_cast<std::int8_t>(dim);
  return result;
}

std::string_view AxisName(Axis axis) { return ToString(axis); }

// Local so that this module does not depend on the workload module's implementation file.
std::string_view RoleName(workload::TensorRole role) {
  switch (role) {
    case workload::TensorRole::kInput:
      return "input";
    case workload::TensorRole::kWeight:
      return "weight";
    case workload::TensorRole::kOutput:
      return "output";
  }
  return "unknown";
}

}  // namespace

std::string_view ToString(Violation violation) {
  switch (violation) {
    case Violation::kNone:
      return "none";
    case Violation::kLevelCountMismatch:
      return "level_count_mismatch";
    case Violation::kBadDim:
      return "bad_dim";
    case Violation::kBadFactor:
      return "bad_factor";
    case Violation::kFanoutExceeded:
      return "fanout_exceeded";
    case Violation::kSpatialDimNotAllowed:
      return "spatial_dim_not_allowed";
    case Violation::kTensorNotAllowed:
      return "tensor_not_allowed";
    case Violation::kTensorNotAtOutermost:
      return "tensor_not_at_outermost";
    case Violation::kOnChipTensorAtOutermost:
      return "on_chip_tensor_at_outermost";
    case Violation::kTensorKeptNowhere:
      return "tensor_kept_nowhere";
    case Violation::kDimNotCovered:
      return "dim_not_covered";
    case Violation::kIterationSpaceTooLarge:
      return "iteration_space_too_large";
    case Violation::kCapacityExceeded:
      return "capacity_exceeded";
    case Violation::kCountOverflow:
      return "count_overflow";
    case Violation::kUnsupportedOp:
      return "unsupported_op";
    case Violation::kLevelBelowComputeLevel:
      return "level_below_compute_level";
    case Violation::kTensorNotAtComputeLevel:
      return "tensor_not_at_compute_level";
    case Violation::kBufferingNotOffered:
      return "buffering_not_offered";
    case Violation::kRequiredTensorBypassed:
      return "required_tensor_bypassed";
    case Violation::kFactorOutOfBounds:
      return "factor_out_of_bounds";
    case Violation::kTooManySlidingLoops:
      return "too_many_sliding_loops";
  }
  return "unknown";
}

CheckResult CheckStructure(const Mapping& mapping, const Problem& problem) {
  const int num_levels = problem.num_levels();
  const int num_dims = problem.num_dims();
  if (mapping.num_levels() != num_levels) {
    CheckResult result = Fail(Violation::kLevelCountMismatch);
    result.value = mapping.num_levels();
    result.limit = num_levels;
    return result;
  }
  std::array<std::int64_t, kMaxDims> dim_product;
  dim_product.fill(1);
  bool saturated = false;
  auto multiply = [&](int dim, std::int64_t factor) {
    if (__builtin_mul_overflow(dim_product[dim], factor, &dim_product[dim]) ||
        dim_product[dim] > kMaxPaddedIterationPoints) {
      dim_product[dim] = kMaxPaddedIterationPoints;
      saturated = true;
    }
  };
  // Vector ops without a vector engine have no compute level (-1): nothing to enforce here.
  const int compute_level = problem.compute_level() >= 0 ? problem.compute_level() : num_levels - 1;
  const bool vector_engine = problem.is_vector_op() && problem.compute_level() >= 0;
  const TensorMask all_tensors = problem.all_tensors();
  TensorMask kept_anywhere = 0;
  for (int level_idx = 0; level_idx < num_levels; ++level_idx) {
    const LevelMapping& level = mapping.level(level_idx);
    const LevelTable& table = problem.level(level_idx);
    if (level_idx > compute_level) {
      bool occupied = level.keeps() != 0;
      for (const TemporalLoop& loop : level.temporal()) occupied |= loop.factor != 1;
      for (const SpatialLoop& loop : level.spatial()) occupied |= loop.factor != 1;
      if (occupied) {
        CheckResult result = Fail(Violation::kLevelBelowComputeLevel);
        result.level = static_cast<std::int8_t>(level_idx);
        return result;
      }
    }
    for (const TemporalLoop& loop : level.temporal()) {
      if (const CheckResult bad = CheckLoop(level_idx, loop.dim, loop.factor, num_dims); !bad.ok()) return bad;
      multiply(loop.dim, loop.factor);
    }
    std::array<std::int64_t, kNumAxes> axis_product{1, 1};
    for (const SpatialLoop& loop : level.spatial()) {
      if (const CheckResult bad = CheckLoop(level_idx, loop.dim, loop.factor, num_dims); !bad.ok()) return bad;
      const int axis = static_cast<int>(loop.axis);
      // Factor-1 loops occupy nothing and are allowed on any axis.
      if (loop.factor > 1 && ((table.spatial_dims[axis] >> loop.dim) & 1u) == 0) {
        CheckResult result = Fail(Violation::kSpatialDimNotAllowed);
        result.level = static_cast<std::int8_t>(level_idx);
        result.dim = loop.dim;
        result.axis = loop.axis;
        return result;
      }
      axis_product[axis] = std::min<std::int64_t>(axis_product[axis] * loop.factor, kMaxPaddedIterationPoints);
      multiply(loop.dim, loop.factor);
    }
    for (int axis = 0; axis < kNumAxes; ++axis) {
      if (axis_product[axis] > table.fanout[axis]) {
        CheckResult result = Fail(Violation::kFanoutExceeded);
        result.level = static_cast<std::int8_t>(level_idx);
        result.axis = static_cast<Axis>(axis);
        result.value = axis_product[axis];
        result.limit = table.fanout[axis];
        return result;
      }
    }
    const arch::BufferingMask buffering = level.double_buffered() ? arch::kDoubleBuffering : arch::kSingleBuffering;
    if (table.buffering != 0 ? (table.buffering & buffering) == 0 : level.double_buffered()) {
      CheckResult result = Fail(Violation::kBufferingNotOffered);
      result.level = static_cast<std::int8_t>(level_idx);
      result.value = level.double_buffered() ? 2 : 1;
      return result;
    }
    const TensorMask keeps = level.keeps();
    if ((keeps & ~(table.may_keep & all_tensors)) != 0) {
      CheckResult result = Fail(Violation::kTensorNotAllowed);
      result.level = static_cast<std::int8_t>(level_idx);
      result.tensor = static_cast<std::int8_t>(__builtin_ctz(keeps & ~(table.may_keep & all_tensors)));
      return result;
    }
    if (const TensorMask bypassed = table.must_keep & all_tensors & ~keeps; bypassed != 0) {
      CheckResult result = Fail(Violation::kRequiredTensorBypassed);
      result.level = static_cast<std::int8_t>(level_idx);
      result.tensor = static_cast<std::int8_t>(__builtin_ctz(bypassed));
      return result;
    }
    kept_anywhere = static_cast<TensorMask>(kept_anywhere | keeps);
  }
  const TensorMask on_chip = problem.options().on_chip_tensors & all_tensors;
  const TensorMask outermost = num_levels > 0 ? mapping.level(0).keeps() : TensorMask{0};
  if (const TensorMask missing = all_tensors & ~on_chip & ~outermost; missing != 0) {
    CheckResult result = Fail(Violation::kTensorNotAtOutermost);
    result.tensor = static_cast<std::int8_t>(__builtin_ctz(missing));
    return result;
  }
  if (const TensorMask misplaced = on_chip & outermost; misplaced != 0) {
    CheckResult result = Fail(Violation::kOnChipTensorAtOutermost);
    result.tensor = static_cast<std::int8_t>(__builtin_ctz(misplaced));
    return result;
  }
  if (vector_engine) {
    if (const TensorMask missing = all_tensors & ~mapping.level(compute_level).keeps(); missing != 0) {
      CheckResult result = Fail(Violation::kTensorNotAtComputeLevel);
      result.level = static_cast<std::int8_t>(compute_level);
      result.tensor = static_cast<std::int8_t>(__builtin_ctz(missing));
      return result;
    }
  }
  if (const TensorMask nowhere = all_tensors & ~kept_anywhere; nowhere != 0) {
    CheckResult result = Fail(Violation::kTensorKeptNowhere);
    result.tensor = static_cast<std::int8_t>(__builtin_ctz(nowhere));
    return result;
  }
  std::int64_t padded_points = 1;
  for (int dim = 0; dim < num_dims; ++dim) {
    if (dim_product[dim] < problem.dim_size(dim)) {
      CheckResult result = Fail(Violation::kDimNotCovered);
      result.dim = static_cast<std::int8_t>(dim);
      result.value = dim_product[dim];
      result.limit = problem.dim_size(dim);
      return result;
    }
    if (__builtin_mul_overflow(padded_points, dim_product[dim], &padded_points) ||
        padded_points > kMaxPaddedIterationPoints) {
      saturated = true;
      padded_points = kMaxPaddedIterationPoints;
    }
  }
  if (saturated) {
    CheckResult result = Fail(Violation::kIterationSpaceTooLarge);
    result.value = padded_points;
    result.limit = kMaxPaddedIterationPoints;
    return result;
  }
  CheckResult result;
  result.padding_waste = 1.0 - static_cast<double>(problem.iteration_points()) / static_cast<double>(padded_points);
  return result;
}

namespace {

void ComputeAffineTiles(const Mapping& mapping, const Problem& problem, TileTable& tiles) {
  // Rule 1 for an affine tensor: Π over its indices of Σ coef × (F_D − 1) + 1, where F_D is the
  // product of dim D's factors at the level and inside it (the bounding box of the positions).
  std::array<std::int64_t, kMaxDims> dim_product;
  dim_product.fill(1);
  for (int level_idx = problem.num_levels() - 1; level_idx >= 0; --level_idx) {
    const LevelMapping& level = mapping.level(level_idx);
    for (const TemporalLoop& loop : level.temporal()) dim_product[loop.dim] *= loop.factor;
    for (const SpatialLoop& loop : level.spatial()) dim_product[loop.dim] *= loop.factor;
    for (TensorMask mask = problem.affine_tensors(); mask != 0; mask &= static_cast<TensorMask>(mask - 1)) {
      const int tensor = __builtin_ctz(mask);
      tiles.words[level_idx][tensor] = AffineBoxWords(problem.affine(tensor), dim_product);
    }
  }
}

}  // namespace

void ComputeTiles(const Mapping& mapping, const Problem& problem, TileTable& tiles) {
  const int num_levels = problem.num_levels();
  // Whole fixed-size rows are copied (entries past num_tensors are unused): cheaper than
  // variable-length copies on this hot path.
  tiles.words[num_levels].fill(1);
  for (int level_idx = num_levels - 1; level_idx >= 0; --level_idx) {
    std::array<std::int64_t, kMaxTensors> tile = tiles.words[level_idx + 1];
    const LevelMapping& level = mapping.level(level_idx);
    for (const TemporalLoop& loop : level.temporal()) {
      for (TensorMask mask = problem.dim_tensors(loop.dim); mask != 0; mask &= static_cast<TensorMask>(mask - 1)) {
        tile[__builtin_ctz(mask)] *= loop.factor;
      }
    }
    for (const SpatialLoop& loop : level.spatial()) {
      for (TensorMask mask = problem.dim_tensors(loop.dim); mask != 0; mask &= static_cast<TensorMask>(mask - 1)) {
        tile[__builtin_ctz(mask)] *= loop.factor;
      }
    }
    tiles.words[level_idx] = tile;
  }
  if (problem.affine_tensors() != 0) ComputeAffineTiles(mapping, problem, tiles);
}

CheckResult CheckCapacity(const Mapping& mapping, const Problem& problem, const TileTable& tiles) {
  return CheckCapacityOf(mapping, problem, [&](int level_idx, int tensor) { return tiles.words[level_idx][tensor]; });
}

CheckResult CheckMapping(const Mapping& mapping, const Problem& problem, TileTable* tiles) {
  CheckResult result = CheckStructure(mapping, problem);
  if (!result.ok()) return result;
  TileTable local_tiles;
  TileTable& table = tiles != nullptr ? *tiles : local_tiles;
  ComputeTiles(mapping, problem, table);
  CheckResult capacity = CheckCapacity(mapping, problem, table);
  capacity.padding_waste = result.padding_waste;
  return capacity;
}

std::string Describe(const CheckResult& result, const Problem& problem) {
  auto level_name = [&](int level_idx) {
    return level_idx >= 0 && level_idx < problem.num_levels() ? std::string(problem.level_name(level_idx))
                                                              : fmt::format("#{}", level_idx);
  };
  auto dim_name = [&](int dim) {
    return dim >= 0 && dim < problem.num_dims() ? std::string(problem.dim_name(dim)) : fmt::format("#{}", dim);
  };
  auto tensor_name = [&](int tensor) {
    return tensor >= 0 && tensor < problem.num_tensors() ? std::string(problem.tensor_name(tensor))
                                                         : fmt::format("#{}", tensor);
  };
  switch (result.violation) {
    case Violation::kNone:
      return result.padding_waste > 0.0 ? fmt::format("valid, with padding: {:.2f}% of the iterations are padding",
                                                      100.0 * result.padding_waste)
                                        : "valid";
    case Violation::kLevelCountMismatch:
      return fmt::format("the mapping has {} levels but the architecture has {}", result.value, result.limit);
    case Violation::kBadDim:
      return fmt::format("level {} has a loop over dim index {}, which the op does not have", level_name(result.level),
                         result.dim);
    case Violation::kBadFactor:
      return fmt::format("level {} has a loop over {} with factor {}; factors must be ≥ 1", level_name(result.level),
                         dim_name(result.dim), result.value);
    case Violation::kFanoutExceeded:
      return fmt::format("level {} unrolls {} ways on axis {}, more than its fanout of {}", level_name(result.level),
                         result.value, AxisName(result.axis), result.limit);
    case Violation::kSpatialDimNotAllowed:
      return fmt::format("level {} may not unroll dim {} ({}) on axis {}", level_name(result.level),
                         dim_name(result.dim), arch::ToString(problem.dim_role(result.dim)), AxisName(result.axis));
    case Violation::kTensorNotAllowed:
      return fmt::format("level {} may not keep tensor {} (role {})", level_name(result.level),
                         tensor_name(result.tensor), RoleName(problem.tensor_role(result.tensor)));
    case Violation::kTensorNotAtOutermost:
      return fmt::format("tensor {} must be kept at the outermost level {}", tensor_name(result.tensor), level_name(0));
    case Violation::kOnChipTensorAtOutermost:
      return fmt::format("tensor {} stays on chip (a fused intermediate) but is kept at the outermost level {}",
                         tensor_name(result.tensor), level_name(0));
    case Violation::kTensorKeptNowhere:
      return fmt::format("tensor {} is kept at no level", tensor_name(result.tensor));
    case Violation::kDimNotCovered:
      return fmt::format("dim {} of size {} is covered only {} times by the product of its factors",
                         dim_name(result.dim), result.limit, result.value);
    case Violation::kIterationSpaceTooLarge:
      return fmt::format("the padded iteration space exceeds {} points", result.limit);
    case Violation::kCapacityExceeded:
      return fmt::format(
          "level {} needs {} words per instance, more than its usable capacity of {} words ({})",
          level_name(result.level), result.value, result.limit,
          result.level >= 0 && result.level < problem.num_levels() && problem.level(result.level).buffering != 0
              ? "the whole capacity single-buffered, half of it double-buffered"
              : "capacity / multiple_buffering");
    case Violation::kLevelBelowComputeLevel:
      return fmt::format(
          "level {} is inside level {}, where the vector engine computes: it must have no loops and keep nothing",
          level_name(result.level), level_name(problem.compute_level()));
    case Violation::kTensorNotAtComputeLevel:
      return fmt::format("tensor {} must be kept at level {}, where the vector engine reads and writes",
                         tensor_name(result.tensor), level_name(result.level));
    case Violation::kRequiredTensorBypassed:
      return fmt::format(
          "level {} must keep tensor {} (role {}): the architecture's `required_keeps` stage it "
          "there for the PE array",
          level_name(result.level), tensor_name(result.tensor), RoleName(problem.tensor_role(result.tensor)));
    case Violation::kTooManySlidingLoops:
      return fmt::format(
          "level {} keeps the convolution input {} under {} temporal loops of factor > 1, more than the {} "
          "that the sliding-window analysis visits (2^n points)",
          level_name(result.level), tensor_name(result.tensor), result.value, result.limit);
    case Violation::kBufferingNotOffered: {
      const bool offers_choice =
          result.level >= 0 && result.level < problem.num_levels() && problem.level(result.level).buffering != 0;
      return fmt::format("level {} is {}-buffered, which its architecture does not offer{}", level_name(result.level),
                         result.value == 2 ? "double" : "single",
                         offers_choice ? "" : " (it has no `buffering` key: Timeloop's idealized buffering)");
    }
    case Violation::kFactorOutOfBounds:
      return fmt::format("a factor of dim {} at level {} is outside the bounds of the search's constraints",
                         dim_name(result.dim), level_name(result.level));
    case Violation::kCountOverflow:
      return fmt::format(
          "{} needs {} or more cycles or words, beyond what the cost model counts (a bandwidth or a rate too slow "
          "for its traffic)",
          result.level >= 0 ? fmt::format("level {}", level_name(result.level)) : std::string("the compute"),
          result.limit);
    case Violation::kUnsupportedOp:
      if (problem.is_vector_op() && problem.compute_level() < 0) {
        return fmt::format("op {} is a vector op, but the architecture has neither a vector unit nor a host",
                           problem.op().name);
      }
      return fmt::format("the cost model cannot evaluate op {} on this architecture", problem.op().name);
  }
  return "unknown violation";
}

}  // namespace loopfront::mapping

#include "loopfront/mapping/constraints.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <tuple>

#include "loopfront/io/yaml_reader.h"
#include "loopfront/util/checked.h"
#include "loopfront/util/ranges.h"
#include "loopfront/util/strings.h"

namespace loopfront::mapping {

std::string_view ToString(FactorKind kind) {
  switch (kind) {
    case FactorKind::kTemporal:
      return "temporal";
    case FactorKind::kSpatialX:
      return "spatial_x";
    case FactorKind::kSpatialY:
      return "spatial_y";
    case FactorKind::kSpatial:
      return "spatial";
  }
  return "?";
}

namespace {

template <typename Value>
Positioned<Value> At(const io::YamlValue& node, Value value) {
  return Positioned<Value>{
      .value = std::move(value),
      .where = util::Diagnostic{
          .file = node.file(), .line = node.line(), .column = node.column(), .path = node.path(), .message = ""}};
}

// One `temporal`, `spatial_x`, `spatial_y` or `spatial` map: each dim's value is a positive
// number (fixed), `{min: A, max: B}` (bounds) or `rest`. `kind` says where a
// value goes; `spatial` numbers become bounds with min = max (no single slot holds them).
void ParseFactors(const io::YamlValue& value, FactorKind kind, LevelConstraintsSpec& level) {
  const std::optional<io::YamlMap> map = value.AsOpenMap();
  if (!map) return;
  const int index = static_cast<int>(kind);
  for (const io::YamlMap::Entry& entry : map->entries()) {
    const std::optional<std::string> dim = entry.key.AsString();
    if (!dim) continue;
    const io::YamlValue& factor = entry.value;
    if (factor.IsMap()) {
      const std::optional<io::YamlMap> bounds = factor.AsMap({"min", "max"});
      if (!bounds) continue;
      FactorBoundSpec spec{.dim = At(entry.key, *dim), .bound = {}};
      bool ok = true;
      if (const auto min = bounds->Get("min")) {
        const std::optional<std::int64_t> read = min->AsIntIn(util::kCountRange);
        ok &= read.has_value();
        spec.bound.min = read.value_or(1);
      }
      if (const auto max = bounds->Get("max")) {
        const std::optional<std::int64_t> read = max->AsIntIn(util::kCountRange);
        ok &= read.has_value();
        spec.bound.max = read.value_or(0);
      }
      if (!ok) continue;
      if (spec.bound.max > 0 && spec.bound.min > spec.bound.max) {
        factor.ErrorExpected("bounds with min ≤ max", fmt::format("; min {} > max {}", spec.bound.min, spec.bound.max));
        continue;
      }
      if (!bounds->Has("min") && !bounds->Has("max")) {
        factor.ErrorExpected("bounds {min: A, max: B} (either may be left out, not both)");
        continue;
      }
      level.bounds[index].push_back(std::move(spec));
      continue;
    }
    if (factor.IsScalar() && !factor.LooksLikeInt() && factor.Text() == "rest") {
      level.remainder[index].push_back(At(entry.key, *dim));
      continue;
    }
    if (!factor.IsScalar() || !factor.LooksLikeInt()) {
      factor.ErrorExpected("a positive factor, bounds {min: A, max: B} or `rest` (what the other levels leave)");
      continue;
    }
    const std::optional<std::int64_t> fixed = factor.AsIntIn(util::kCountRange);
    if (!fixed) continue;
    if (kind == FactorKind::kSpatial) {
      level.bounds[index].push_back({.dim = At(entry.key, *dim), .bound = {.min = *fixed, .max = *fixed}});
    } else if (kind == FactorKind::kTemporal) {
      level.temporal.emplace_back(At(entry.key, *dim), *fixed);
    } else {
      level.spatial[index - 1].emplace_back(At(entry.key, *dim), *fixed);
    }
  }
}

std::vector<Positioned<std::string>> ParseNames(const io::YamlValue& value) {
  std::vector<Positioned<std::string>> names;
  const std::optional<std::vector<io::YamlValue>> items = value.AsList();
  if (!items) return names;
  for (const io::YamlValue& item : *items) {
    if (const std::optional<std::string> name = item.AsString()) names.push_back(At(item, *name));
  }
  return names;
}

}  // namespace

ConstraintsSpec ParseConstraints(const io::YamlValue& root) {
  ConstraintsSpec spec;
  if (root.IsNull()) return spec;
  const std::optional<io::YamlMap> top = root.AsMap({"levels"});
  if (!top) return spec;
  const std::optional<io::YamlValue> levels = top->Get("levels");
  if (!levels) return spec;
  const std::optional<io::YamlMap> level_map = levels->AsOpenMap();
  if (!level_map) return spec;
  for (const io::YamlMap::Entry& entry : level_map->entries()) {
    const std::optional<std::string> name = entry.key.AsString();
    if (!name) continue;
    LevelConstraintsSpec level;
    level.level = At(entry.key, *name);
    const std::optional<io::YamlMap> keys =
        entry.value.AsMap({"order", "order_inner", "temporal", "spatial_x", "spatial_y", "spatial", "spatial_axes",
                           "keeps", "must_keep", "bypass", "buffering"});
    if (!keys) continue;
    if (const auto order = keys->Get("order")) level.order = ParseNames(*order);
    if (const auto order_inner = keys->Get("order_inner")) level.order_inner = ParseNames(*order_inner);
    if (const auto temporal = keys->Get("temporal")) ParseFactors(*temporal, FactorKind::kTemporal, level);
    if (const auto spatial_x = keys->Get("spatial_x")) ParseFactors(*spatial_x, FactorKind::kSpatialX, level);
    if (const auto spatial_y = keys->Get("spatial_y")) ParseFactors(*spatial_y, FactorKind::kSpatialY, level);
    if (const auto spatial = keys->Get("spatial")) ParseFactors(*spatial, FactorKind::kSpatial, level);
    if (const auto axes = keys->Get("spatial_axes")) {
      if (const std::optional<io::YamlMap> map = axes->AsOpenMap()) {
        for (const io::YamlMap::Entry& axis_entry : map->entries()) {
          const std::optional<std::string> dim = axis_entry.key.AsString();
          const std::optional<std::string> axis = axis_entry.value.AsChoice({"x", "y"});
          if (dim && axis) {
            level.spatial_axes.emplace_back(At(axis_entry.key, *dim), *axis == "x" ? Axis::kX : Axis::kY);
          }
        }
      }
    }
    if (const auto keeps = keys->Get("keeps")) level.keeps = ParseNames(*keeps);
    if (const auto must_keep = keys->Get("must_keep")) level.must_keep = ParseNames(*must_keep);
    if (const auto bypass = keys->Get("bypass")) level.bypass = ParseNames(*bypass);
    if (const auto buffering = keys->Get("buffering")) {
      if (const std::optional<std::string> choice = buffering->AsChoice({"single", "double"})) {
        level.buffering = At(*buffering, *choice);
      }
    }
    spec.levels.push_back(std::move(level));
  }
  return spec;
}

ConstraintsSpec LoadConstraintsFile(const std::string& path, util::Diagnostics& diagnostics) {
  const io::YamlDocument document = io::YamlDocument::LoadFile(path, diagnostics);
  return document.ok() ? ParseConstraints(document.root()) : ConstraintsSpec{};
}

ConstraintsSpec LoadConstraintsFile(const std::string& path) {
  util::Diagnostics diagnostics;
  ConstraintsSpec spec = LoadConstraintsFile(path, diagnostics);
  diagnostics.ThrowIfAny();
  return spec;
}

namespace {

void SortByPosition(std::vector<util::Diagnostic>& diagnostics) {
  // In file order, as every loader reports (DESIGN §4).
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const util::Diagnostic& a, const util::Diagnostic& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
}

}  // namespace

Constraints LoadConstraints(const std::string& path, const mapping::Problem& problem, const ResolveOptions& options) {
  util::Diagnostics load_diagnostics;
  const ConstraintsSpec spec = LoadConstraintsFile(path, load_diagnostics);
  std::vector<util::Diagnostic> diagnostics = load_diagnostics.items();
  try {
    Constraints constraints = ResolveConstraints(spec, problem, options);
    if (diagnostics.empty()) return constraints;
  } catch (const util::ConfigError& error) {
    diagnostics.insert(diagnostics.end(), error.diagnostics().begin(), error.diagnostics().end());
  }
  SortByPosition(diagnostics);
  throw util::ConfigError(std::move(diagnostics));
}

std::int64_t MaxPaddedSize(std::int64_t size, double max_padding_waste) {
  // The 1e-9 keeps an exact quotient (size 90 at waste 0.1 → 100) from rounding down.
  return static_cast<std::int64_t>(std::floor(static_cast<double>(size) / (1.0 - max_padding_waste) + 1e-9));
}

namespace {

// A factor that fixes part of a dim's iterations, where it was written: what the fit check of
// ResolveConstraints multiplies. `kind` is a FactorKind; `exact` marks a `{min: A, max: A}` bound
// or a `spatial` number (a fixed factor on the same slot wins over it, as in the mapspace).
struct FixedFactor {
  int dim = 0;
  int level = 0;
  int kind = 0;
  bool exact = false;
  std::int64_t factor = 1;
  util::Diagnostic where;
};

// Whether some size in [size, max_size] is a multiple of `divisor` (the smallest one above size).
bool DividesASize(std::int64_t divisor, std::int64_t size, std::int64_t max_size) {
  if (divisor > max_size) return false;
  const std::int64_t multiple = (size + divisor - 1) / divisor * divisor;  // ≤ size + divisor ≤ 2 max_size
  return multiple <= max_size;
}

// Reports, per dim, the first fixed factor (in the order they were resolved) after which the
// dim's fixed factors divide no size the mapspace may pad it to — the same sizes as
// search::Mapspace::BuildPaddingCandidates, which otherwise refuses the dim without a position.
// Per level the fixed part is the temporal factor times the spatial one: a `spatial` number (x × y
// together) where given, else the spatial_x and spatial_y factors.
void CheckFixedFactorsFit(const std::vector<FixedFactor>& fixed_factors, const mapping::Problem& problem,
                          double max_padding_waste, std::vector<util::Diagnostic>& diagnostics) {
  for (int dim = 0; dim < problem.num_dims(); ++dim) {
    // The pass dim of a vector op has no factors to choose: the mapspace places it whole.
    if (dim == problem.pass_dim()) continue;
    const std::int64_t size = problem.dim_size(dim);
    const std::int64_t max_size = std::max(size, MaxPaddedSize(size, max_padding_waste));
    // [level][kind]: 0 = not fixed.
    std::array<std::array<std::int64_t, kNumFactorKinds>, mapping::kMaxLevels> fixed{};
    std::array<std::array<std::int64_t, kNumFactorKinds>, mapping::kMaxLevels> exact{};
    for (const FixedFactor& entry : fixed_factors) {
      if (entry.dim != dim) continue;
      (entry.exact ? exact : fixed)[entry.level][entry.kind] = entry.factor;
      std::vector<std::string> factors;
      std::optional<std::int64_t> product = 1;
      auto take = [&](std::int64_t factor) {
        if (factor <= 1) return;
        factors.push_back(std::to_string(factor));
        product = product ? util::CheckedMul(*product, factor) : std::nullopt;
      };
      for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
        auto slot = [&](FactorKind kind) {
          const int index = static_cast<int>(kind);
          return fixed[level_idx][index] > 0 ? fixed[level_idx][index] : exact[level_idx][index];
        };
        take(slot(FactorKind::kTemporal));
        if (const std::int64_t both_axes = exact[level_idx][static_cast<int>(FactorKind::kSpatial)]; both_axes > 0) {
          take(both_axes);
        } else {
          take(slot(FactorKind::kSpatialX));
          take(slot(FactorKind::kSpatialY));
        }
      }
      if (product && DividesASize(*product, size, max_size)) continue;
      util::Diagnostic diagnostic = entry.where;
      diagnostic.message = fmt::format(
          "expected fixed factors of dim '{}' whose product divides its size {}{}, got {} (product {})",
          problem.dim_name(dim), size,
          max_size > size
              ? fmt::format(" or a padded size up to {} (max_padding_waste {})", max_size, max_padding_waste)
              : fmt::format(" (max_padding_waste {} allows no padding)", max_padding_waste),
          util::Join(factors, " × "), product ? std::to_string(*product) : std::string("above 2^63"));
      diagnostics.push_back(std::move(diagnostic));
      break;  // one report per dim: the factors after it only add to the same product
    }
  }
}

}  // namespace

Constraints ResolveConstraints(const ConstraintsSpec& spec, const mapping::Problem& problem,
                               const ResolveOptions& options) {
  std::vector<util::Diagnostic> diagnostics;
  auto error = [&](const util::Diagnostic& where, std::string message) {
    util::Diagnostic diagnostic = where;
    diagnostic.message = std::move(message);
    diagnostics.push_back(std::move(diagnostic));
  };
  std::vector<std::string> dim_names;
  for (int dim = 0; dim < problem.num_dims(); ++dim) dim_names.emplace_back(problem.dim_name(dim));
  std::vector<std::string> tensor_names;
  for (int tensor = 0; tensor < problem.num_tensors(); ++tensor) tensor_names.emplace_back(problem.tensor_name(tensor));
  const std::vector<std::string> level_names = problem.arch().LevelNames();
  auto find_dim = [&](const Positioned<std::string>& name) {
    const int dim = problem.DimIndex(name.value);
    if (dim < 0) {
      error(name.where,
            fmt::format("expected a dim of op {} ({}), got '{}'{}", problem.op().name, util::Join(dim_names, ", "),
                        name.value, util::DidYouMeanHint(name.value, dim_names)));
    }
    return dim;
  };

  // The product of each dim's fixed factors over every level, checked as it grows: the mapspace
  // multiplies them in int64, and a product above 2^40 (util::kMaxCount, above any dim) could only
  // be mapped by padding a dim more than a thousandfold. Reported at the factor that crosses it.
  std::array<std::int64_t, mapping::kMaxDims> fixed_product{};
  fixed_product.fill(1);
  auto add_fixed = [&](int dim, std::int64_t factor, const util::Diagnostic& where) {
    const std::optional<std::int64_t> product = util::CheckedMul(fixed_product[dim], factor);
    if (!product || *product > util::kMaxCount) {
      error(where, fmt::format("expected fixed factors of dim '{}' whose product over all levels is at most {}, got "
                               "{} × {}",
                               problem.dim_name(dim), util::kMaxCount, fixed_product[dim], factor));
      return false;
    }
    fixed_product[dim] = *product;
    return true;
  };

  // Every fixed factor with its position, for the fit check after the loop (resolve time only: the
  // resolved Constraints keep no positions).
  std::vector<FixedFactor> fixed_factors;

  Constraints constraints;
  for (const LevelConstraintsSpec& level_spec : spec.levels) {
    const int level_idx = problem.LevelIndex(level_spec.level.value);
    if (level_idx < 0) {
      error(level_spec.level.where,
            fmt::format("expected a level of architecture {} ({}), got '{}'{}", problem.arch().name,
                        util::Join(level_names, ", "), level_spec.level.value,
                        util::DidYouMeanHint(level_spec.level.value, level_names)));
      continue;
    }
    LevelConstraints& level = constraints.levels[level_idx];
    const mapping::LevelTable& table = problem.level(level_idx);

    mapping::DimMask ordered = 0;
    for (const Positioned<std::string>& name : level_spec.order) {
      const int dim = find_dim(name);
      if (dim < 0) continue;
      if ((ordered >> dim) & 1u) {
        error(name.where, fmt::format("expected each dim once in the order, got '{}' twice", name.value));
        continue;
      }
      ordered = static_cast<mapping::DimMask>(ordered | (1u << dim));
      level.order_prefix.push_back(dim);
    }
    for (const auto& [name, factor] : level_spec.temporal) {
      const int dim = find_dim(name);
      if (dim >= 0 && add_fixed(dim, factor, name.where)) {
        level.temporal_factor[dim] = factor;
        fixed_factors.push_back({.dim = dim,
                                 .level = level_idx,
                                 .kind = static_cast<int>(FactorKind::kTemporal),
                                 .exact = false,
                                 .factor = factor,
                                 .where = name.where});
      }
    }
    for (int axis = 0; axis < mapping::kNumAxes; ++axis) {
      std::int64_t product = 1;
      for (const auto& [name, factor] : level_spec.spatial[axis]) {
        const int dim = find_dim(name);
        if (dim < 0) continue;
        if (factor > 1 && ((table.spatial_dims[axis] >> dim) & 1u) == 0) {
          error(name.where,
                fmt::format("expected a dim that level {} may unroll on axis {}, got '{}' (role {})",
                            problem.level_name(level_idx), mapping::ToString(static_cast<mapping::Axis>(axis)),
                            name.value, arch::ToString(problem.dim_role(dim))));
          continue;
        }
        if (!add_fixed(dim, factor, name.where)) continue;
        product = util::CheckedMul(product, factor).value_or(util::kMaxCount + 1);
        if (product > table.fanout[axis]) {
          error(name.where, fmt::format("expected spatial factors on axis {} of level {} with a product ≤ its fanout "
                                        "{}, got {}",
                                        mapping::ToString(static_cast<mapping::Axis>(axis)),
                                        problem.level_name(level_idx), table.fanout[axis], product));
        }
        level.spatial_factor[axis][dim] = factor;
        fixed_factors.push_back(
            {.dim = dim, .level = level_idx, .kind = axis + 1, .exact = false, .factor = factor, .where = name.where});
      }
    }
    for (const Positioned<std::string>& name : level_spec.order_inner) {
      const int dim = find_dim(name);
      if (dim < 0) continue;
      if ((ordered >> dim) & 1u) {
        error(name.where, fmt::format("expected each dim once in order and order_inner, got '{}' twice", name.value));
        continue;
      }
      ordered = static_cast<mapping::DimMask>(ordered | (1u << dim));
      level.order_suffix.push_back(dim);
    }
    for (const auto& [name, axis] : level_spec.spatial_axes) {
      const int dim = find_dim(name);
      if (dim < 0) continue;
      const int other = 1 - static_cast<int>(axis);
      // (A fanout of 1 on the axis is accepted: the dim then cannot unroll at the level at all.)
      if (((table.spatial_dims[static_cast<int>(axis)] >> dim) & 1u) == 0) {
        error(name.where, fmt::format("expected a dim that level {} may unroll on axis {}, got '{}'",
                                      problem.level_name(level_idx), mapping::ToString(axis), name.value));
        continue;
      }
      if (level.spatial_factor[other][dim] > 1) {
        error(name.where, fmt::format("expected '{}' only along {} at level {}, got a spatial_{} factor too",
                                      name.value, mapping::ToString(axis), problem.level_name(level_idx),
                                      mapping::ToString(static_cast<mapping::Axis>(other))));
        continue;
      }
      level.spatial_forbidden[other] = static_cast<mapping::DimMask>(level.spatial_forbidden[other] | (1u << dim));
    }
    // Whether `dim` may take a factor above 1 in a slot of `kind` at this level.
    auto slot_usable = [&](FactorKind kind, int dim) {
      auto axis_usable = [&](int axis) {
        return table.fanout[axis] > 1 && ((table.spatial_dims[axis] >> dim) & 1u) != 0 &&
               ((level.spatial_forbidden[axis] >> dim) & 1u) == 0;
      };
      switch (kind) {
        case FactorKind::kTemporal:
          return true;
        case FactorKind::kSpatialX:
          return axis_usable(0);
        case FactorKind::kSpatialY:
          return axis_usable(1);
        case FactorKind::kSpatial:
          return axis_usable(0) || axis_usable(1);
      }
      return false;
    };
    for (int kind = 0; kind < kNumFactorKinds; ++kind) {
      const auto factor_kind = static_cast<FactorKind>(kind);
      const std::int64_t fanout = factor_kind == FactorKind::kTemporal  ? 0
                                  : factor_kind == FactorKind::kSpatial ? table.fanout[0] * table.fanout[1]
                                                                        : table.fanout[kind - 1];
      for (const FactorBoundSpec& bound : level_spec.bounds[kind]) {
        const int dim = find_dim(bound.dim);
        if (dim < 0) continue;
        if (level.bounds[kind][dim].bounded()) {
          error(bound.dim.where,
                fmt::format("expected each dim once in {}, got '{}' twice", ToString(factor_kind), bound.dim.value));
          continue;
        }
        if (bound.bound.min > 1 && !slot_usable(factor_kind, dim)) {
          error(bound.dim.where,
                fmt::format("expected a dim that level {} may unroll in {}, got '{}' with min {} (role {})",
                            problem.level_name(level_idx), ToString(factor_kind), bound.dim.value, bound.bound.min,
                            arch::ToString(problem.dim_role(dim))));
          continue;
        }
        if (fanout > 0 && bound.bound.min > fanout) {
          error(bound.dim.where, fmt::format("expected a minimum ≤ the fanout {} of level {} in {}, got {}", fanout,
                                             problem.level_name(level_idx), ToString(factor_kind), bound.bound.min));
          continue;
        }
        level.bounds[kind][dim] = bound.bound;
        if (bound.bound.max > 0 && bound.bound.min == bound.bound.max) {
          fixed_factors.push_back({.dim = dim,
                                   .level = level_idx,
                                   .kind = kind,
                                   .exact = true,
                                   .factor = bound.bound.max,
                                   .where = bound.dim.where});
        }
      }
    }
    for (int kind = 0; kind < kNumFactorKinds; ++kind) {
      const auto factor_kind = static_cast<FactorKind>(kind);
      for (const Positioned<std::string>& name : level_spec.remainder[kind]) {
        const int dim = find_dim(name);
        if (dim < 0) continue;
        if (!slot_usable(factor_kind, dim)) {
          error(name.where, fmt::format("expected `rest` where dim '{}' may go, got level {}'s {} (role {})",
                                        name.value, problem.level_name(level_idx), ToString(factor_kind),
                                        arch::ToString(problem.dim_role(dim))));
          continue;
        }
        level.remainder[kind] = static_cast<mapping::DimMask>(level.remainder[kind] | (1u << dim));
      }
    }
    // Tensor names or roles → a mask; each problem reported at the name.
    auto resolve_tensors = [&](const std::vector<Positioned<std::string>>& names) {
      mapping::TensorMask mask = 0;
      for (const Positioned<std::string>& name : names) {
        mapping::TensorMask named = 0;
        if (const int tensor = problem.TensorIndex(name.value); tensor >= 0) {
          named = static_cast<mapping::TensorMask>(1u << tensor);
        } else if (const std::optional<workload::TensorRole> role = [&]() -> std::optional<workload::TensorRole> {
                     if (name.value == "input") return workload::TensorRole::kInput;
                     if (name.value == "weight") return workload::TensorRole::kWeight;
                     if (name.value == "output") return workload::TensorRole::kOutput;
                     return std::nullopt;
                   }()) {
          for (int tensor = 0; tensor < problem.num_tensors(); ++tensor) {
            if (problem.tensor_role(tensor) == *role) named = static_cast<mapping::TensorMask>(named | (1u << tensor));
          }
        } else {
          std::vector<std::string> choices = tensor_names;
          for (const char* role_name : {"input", "weight", "output"}) choices.emplace_back(role_name);
          error(name.where,
                fmt::format("expected a tensor of op {} or a role ({}), got '{}'{}", problem.op().name,
                            util::Join(choices, ", "), name.value, util::DidYouMeanHint(name.value, choices)));
          continue;
        }
        mask = static_cast<mapping::TensorMask>(mask | named);
      }
      return mask;
    };
    // The tensors of `names` that level_idx may not keep, reported at their names.
    auto check_keepable = [&](const std::vector<Positioned<std::string>>& names) {
      mapping::TensorMask ok = 0;
      for (const Positioned<std::string>& name : names) {
        const mapping::TensorMask named = resolve_tensors({name});
        if (const mapping::TensorMask forbidden = named & static_cast<mapping::TensorMask>(~table.may_keep);
            forbidden != 0) {
          error(name.where,
                fmt::format("expected tensors level {} may keep, got '{}' (tensor {} has a role the "
                            "level does not hold)",
                            problem.level_name(level_idx), name.value, problem.tensor_name(__builtin_ctz(forbidden))));
          continue;
        }
        ok = static_cast<mapping::TensorMask>(ok | named);
      }
      return ok;
    };
    const mapping::TensorMask on_chip = problem.options().on_chip_tensors & problem.all_tensors();
    const auto off_chip = static_cast<mapping::TensorMask>(problem.all_tensors() & ~on_chip);
    if (level_spec.keeps) {
      const mapping::TensorMask keeps = check_keepable(*level_spec.keeps);
      if (level_idx == 0 && keeps != off_chip && !level_spec.keeps->empty()) {
        util::Diagnostic where = level_spec.keeps->front().where;
        error(where, fmt::format("expected the outermost level {} to keep exactly the off-chip tensors, got a "
                                 "different set; omit `keeps` there",
                                 problem.level_name(0)));
      }
      if (const mapping::TensorMask missing = table.must_keep & ~keeps; missing != 0) {
        error(level_spec.keeps->empty() ? level_spec.level.where : level_spec.keeps->front().where,
              fmt::format("expected keeps that include tensor {}, which level {} must keep for the PE array "
                          "(the architecture's `required_keeps`), got a set without it",
                          problem.tensor_name(__builtin_ctz(missing)), problem.level_name(level_idx)));
      }
      level.keeps = keeps;
      for (const auto* partial : {&level_spec.must_keep, &level_spec.bypass}) {
        if (*partial && !(*partial)->empty()) {
          error((*partial)->front().where,
                "expected either `keeps` (the exact set) or `must_keep`/`bypass` at a level, got both");
        }
      }
    } else {
      if (level_spec.must_keep) {
        level.must_keep = check_keepable(*level_spec.must_keep);
        for (const Positioned<std::string>& name : *level_spec.must_keep) {
          const mapping::TensorMask named = resolve_tensors({name});
          if (level_idx == 0 && (named & on_chip) != 0) {
            error(name.where, fmt::format("expected an off-chip tensor at the outermost level {}, got '{}', which "
                                          "this op keeps on chip",
                                          problem.level_name(0), name.value));
          }
        }
      }
      if (level_spec.bypass) {
        for (const Positioned<std::string>& name : *level_spec.bypass) {
          const mapping::TensorMask named = resolve_tensors({name});
          if (named == 0) continue;
          if ((named & level.must_keep) != 0) {
            error(name.where, fmt::format("expected '{}' in must_keep or bypass, not both", name.value));
          } else if (level_idx == 0 && (named & off_chip) != 0) {
            error(name.where, fmt::format("expected a tensor the outermost level {} may bypass, got '{}': it keeps "
                                          "every off-chip tensor",
                                          problem.level_name(0), name.value));
          } else if ((named & table.must_keep) != 0) {
            error(name.where, fmt::format("expected a tensor level {} may bypass, got '{}', which it must keep for "
                                          "the PE array (the architecture's `required_keeps`)",
                                          problem.level_name(level_idx), name.value));
          } else {
            level.bypass = static_cast<mapping::TensorMask>(level.bypass | named);
          }
        }
      }
    }
    if (level_spec.buffering) {
      const bool double_buffered = level_spec.buffering->value == "double";
      const arch::BufferingMask wanted = double_buffered ? arch::kDoubleBuffering : arch::kSingleBuffering;
      if ((table.buffering & wanted) == 0) {
        error(level_spec.buffering->where,
              fmt::format("expected a buffering level {} offers ({}), got '{}'", problem.level_name(level_idx),
                          table.buffering == 0                        ? "none: it has no `buffering` key"
                          : table.buffering == arch::kSingleBuffering ? "single"
                          : table.buffering == arch::kDoubleBuffering ? "double"
                                                                      : "single, double",
                          level_spec.buffering->value));
      } else {
        level.double_buffered = double_buffered;
      }
    }
  }
  if (options.max_padding_waste) {
    CheckFixedFactorsFit(fixed_factors, problem, *options.max_padding_waste, diagnostics);
  }
  if (!diagnostics.empty()) {
    SortByPosition(diagnostics);
    throw util::ConfigError(std::move(diagnostics));
  }
  return constraints;
}

std::vector<ConstraintViolation> CheckConstraints(const mapping::Mapping& mapping, const Constraints& constraints,
                                                  const mapping::Problem& problem) {
  std::vector<ConstraintViolation> violations;
  for (int level_idx = 0; level_idx < problem.num_levels() && level_idx < mapping.num_levels(); ++level_idx) {
    const LevelConstraints& constraint = constraints.levels[level_idx];
    const LevelMapping& level = mapping.level(level_idx);
    auto fail = [&](std::string message) { violations.push_back({level_idx, std::move(message)}); };
    for (int dim = 0; dim < problem.num_dims(); ++dim) {
      const std::string_view dim_name = problem.dim_name(dim);
      std::int64_t temporal = 1;
      for (const TemporalLoop& loop : level.temporal()) temporal *= loop.dim == dim ? loop.factor : 1;
      std::array<std::int64_t, kNumAxes> spatial{1, 1};
      for (const SpatialLoop& loop : level.spatial()) {
        spatial[static_cast<int>(loop.axis)] *= loop.dim == dim ? loop.factor : 1;
      }
      const std::array<std::int64_t, kNumFactorKinds> by_kind{temporal, spatial[0], spatial[1],
                                                              spatial[0] * spatial[1]};
      for (int kind = 0; kind < kNumFactorKinds; ++kind) {
        const FactorBound& bound = constraint.bounds[kind][dim];
        if (!bound.Contains(by_kind[kind])) {
          fail(fmt::format("has the {} factor {} for {}, outside its bounds (min {}, max {})",
                           ToString(static_cast<FactorKind>(kind)), by_kind[kind], dim_name, bound.min,
                           bound.max == 0 ? std::string("none") : std::to_string(bound.max)));
        }
      }
      if (constraint.temporal_factor[dim] > 0 && temporal != constraint.temporal_factor[dim]) {
        fail(fmt::format("has the temporal factor {} for {}, not the fixed {}", temporal, dim_name,
                         constraint.temporal_factor[dim]));
      }
      for (int axis = 0; axis < kNumAxes; ++axis) {
        const std::string_view axis_name = ToString(static_cast<Axis>(axis));
        if (constraint.spatial_factor[axis][dim] > 0 && spatial[axis] != constraint.spatial_factor[axis][dim]) {
          fail(fmt::format("has the spatial_{} factor {} for {}, not the fixed {}", axis_name, spatial[axis], dim_name,
                           constraint.spatial_factor[axis][dim]));
        }
        if (((constraint.spatial_forbidden[axis] >> dim) & 1u) != 0 && spatial[axis] > 1) {
          fail(fmt::format("unrolls {} along {}, which spatial_axes forbids", dim_name, axis_name));
        }
      }
    }
    // order / order_inner: the listed dims that loop here are the first / last loops, in order.
    std::vector<int> loop_dims;
    for (const TemporalLoop& loop : level.temporal()) loop_dims.push_back(loop.dim);
    auto check_end = [&](const std::vector<int>& listed, bool first, const char* key) {
      std::vector<int> looping;
      for (const int dim : listed) {
        if (std::find(loop_dims.begin(), loop_dims.end(), dim) != loop_dims.end()) looping.push_back(dim);
      }
      const std::size_t offset = first ? 0 : loop_dims.size() - looping.size();
      if (!std::equal(looping.begin(), looping.end(), loop_dims.begin() + static_cast<std::ptrdiff_t>(offset))) {
        std::vector<std::string> names;
        for (const int dim : listed) names.emplace_back(problem.dim_name(dim));
        fail(fmt::format("has temporal loops that do not {} with [{}] ({})", first ? "start" : "end",
                         util::Join(names, ", "), key));
      }
    };
    if (!constraint.order_prefix.empty()) check_end(constraint.order_prefix, true, "order");
    if (!constraint.order_suffix.empty()) check_end(constraint.order_suffix, false, "order_inner");
    auto tensors = [&](TensorMask mask) {
      std::vector<std::string> names;
      for (int tensor = 0; tensor < problem.num_tensors(); ++tensor) {
        if ((mask >> tensor) & 1u) names.emplace_back(problem.tensor_name(tensor));
      }
      return util::Join(names, ", ");
    };
    if (constraint.keeps && level.keeps() != *constraint.keeps) {
      fail(fmt::format("keeps [{}], not [{}]", tensors(level.keeps()), tensors(*constraint.keeps)));
    }
    if (const auto missing = static_cast<TensorMask>(constraint.must_keep & ~level.keeps()); missing != 0) {
      fail(fmt::format("bypasses {}, which it must keep", tensors(missing)));
    }
    if (const auto kept = static_cast<TensorMask>(constraint.bypass & level.keeps()); kept != 0) {
      fail(fmt::format("keeps {}, which it must bypass", tensors(kept)));
    }
    if (constraint.double_buffered && level.double_buffered() != *constraint.double_buffered) {
      fail(fmt::format("is {}-buffered, not {}-buffered", level.double_buffered() ? "double" : "single",
                       *constraint.double_buffered ? "double" : "single"));
    }
  }
  return violations;
}

}  // namespace loopfront::mapping

#include "loopfront/mapping/constraints.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "loopfront/io/yaml_reader.h"
#include "loopfront/util/strings.h"

namespace loopfront::mapping {
namespace {

template <typename Value>
Positioned<Value> At(const io::YamlValue& node, Value value) {
  return Positioned<Value>{
      .value = std::move(value),
      .where = util::Diagnostic{
          .file = node.file(), .line = node.line(), .column = node.column(), .path = node.path(), .message = ""}};
}

std::vector<std::pair<Positioned<std::string>, std::int64_t>> ParseFactors(const io::YamlValue& value) {
  std::vector<std::pair<Positioned<std::string>, std::int64_t>> factors;
  const std::optional<io::YamlMap> map = value.AsOpenMap();
  if (!map) return factors;
  for (const io::YamlMap::Entry& entry : map->entries()) {
    const std::optional<std::string> dim = entry.key.AsString();
    const std::optional<std::int64_t> factor = entry.value.AsPositiveInt();
    if (dim && factor) factors.emplace_back(At(entry.key, *dim), *factor);
  }
  return factors;
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
        entry.value.AsMap({"order", "temporal", "spatial_x", "spatial_y", "keeps", "buffering"});
    if (!keys) continue;
    if (const auto order = keys->Get("order")) level.order = ParseNames(*order);
    if (const auto temporal = keys->Get("temporal")) level.temporal = ParseFactors(*temporal);
    if (const auto spatial_x = keys->Get("spatial_x")) level.spatial[0] = ParseFactors(*spatial_x);
    if (const auto spatial_y = keys->Get("spatial_y")) level.spatial[1] = ParseFactors(*spatial_y);
    if (const auto keeps = keys->Get("keeps")) level.keeps = ParseNames(*keeps);
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

Constraints LoadConstraints(const std::string& path, const mapping::Problem& problem) {
  util::Diagnostics load_diagnostics;
  const ConstraintsSpec spec = LoadConstraintsFile(path, load_diagnostics);
  std::vector<util::Diagnostic> diagnostics = load_diagnostics.items();
  try {
    Constraints constraints = ResolveConstraints(spec, problem);
    if (diagnostics.empty()) return constraints;
  } catch (const util::ConfigError& error) {
    diagnostics.insert(diagnostics.end(), error.diagnostics().begin(), error.diagnostics().end());
  }
  SortByPosition(diagnostics);
  throw util::ConfigError(std::move(diagnostics));
}

Constraints ResolveConstraints(const ConstraintsSpec& spec, const mapping::Problem& problem) {
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
      if (dim >= 0) level.temporal_factor[dim] = factor;
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
        product *= factor;
        if (product > table.fanout[axis]) {
          error(name.where, fmt::format("expected spatial factors on axis {} of level {} with a product ≤ its fanout "
                                        "{}, got {}",
                                        mapping::ToString(static_cast<mapping::Axis>(axis)),
                                        problem.level_name(level_idx), table.fanout[axis], product));
        }
        level.spatial_factor[axis][dim] = factor;
      }
    }
    if (level_spec.keeps) {
      mapping::TensorMask keeps = 0;
      for (const Positioned<std::string>& name : *level_spec.keeps) {
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
        if (const mapping::TensorMask forbidden = named & static_cast<mapping::TensorMask>(~table.may_keep);
            forbidden != 0) {
          error(name.where,
                fmt::format("expected tensors level {} may keep, got '{}' (tensor {} has a role the "
                            "level does not hold)",
                            problem.level_name(level_idx), name.value, problem.tensor_name(__builtin_ctz(forbidden))));
          continue;
        }
        keeps = static_cast<mapping::TensorMask>(keeps | named);
      }
      const mapping::TensorMask on_chip = problem.options().on_chip_tensors & problem.all_tensors();
      const auto off_chip = static_cast<mapping::TensorMask>(problem.all_tensors() & ~on_chip);
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
  if (!diagnostics.empty()) {
    SortByPosition(diagnostics);
    throw util::ConfigError(std::move(diagnostics));
  }
  return constraints;
}

}  // namespace loopfront::mapping

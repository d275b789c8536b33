#include "loopfront/timeloop/constraints.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "loopfront/io/yaml_reader.h"
#include "loopfront/util/strings.h"

namespace loopfront::timeloop {
namespace {

using io::YamlMap;
using io::YamlValue;
using mapping::FactorBound;
using mapping::FactorKind;
using mapping::LevelConstraintsSpec;
using mapping::Positioned;

Positioned<std::string> At(const YamlValue& node, std::string value) {
  return Positioned<std::string>{
      .value = std::move(value),
      .where = util::Diagnostic{
          .file = node.file(), .line = node.line(), .column = node.column(), .path = node.path(), .message = ""}};
}

std::string Where(const util::Diagnostic& where) {
  return fmt::format("{}:{}:{}", where.file, where.line, where.column);
}

// One term of a Timeloop `factors` string: `M=4`, `M<=4`, `M>=2`, `M=0` (the rest) or the mapper's `M4`.
struct FactorTerm {
  std::string dim;
  enum class Relation : std::uint8_t { kEqual, kAtMost, kAtLeast } relation = Relation::kEqual;
  std::int64_t value = 0;
};

// The terms of a `factors` value: a string of space-separated terms, or a list of such strings.
std::optional<std::vector<FactorTerm>> ReadFactorTerms(const YamlValue& value) {
  std::vector<YamlValue> strings;
  if (value.IsList()) {
    strings = value.AsList().value_or(std::vector<YamlValue>{});
  } else {
    strings.push_back(value);
  }
  std::vector<FactorTerm> terms;
  bool ok = true;
  for (const YamlValue& item : strings) {
    const std::optional<std::string> text = item.AsString();
    if (!text) {
      ok = false;
      continue;
    }
    for (const std::string& token : util::Split(*text, ' ')) {
      if (token.empty()) continue;
      FactorTerm term;
      std::string number;
      if (const std::size_t at = token.find_first_of("<>="); at != std::string::npos) {
        term.dim = token.substr(0, at);
        std::string relation = token.substr(at, token.size() > at + 1 && token[at + 1] == '=' ? 2 : 1);
        number = token.substr(at + relation.size());
        if (relation == "<=") {
          term.relation = FactorTerm::Relation::kAtMost;
        } else if (relation == ">=") {
          term.relation = FactorTerm::Relation::kAtLeast;
        } else if (relation != "=") {
          term.dim.clear();  // `<` or `>` alone: reported below
        }
      } else {
        std::size_t digits = token.size();
        while (digits > 0 && std::isdigit(static_cast<unsigned char>(token[digits - 1])) != 0) --digits;
        term.dim = token.substr(0, digits);
        number = token.substr(digits);
      }
      const std::optional<std::int64_t> parsed = util::ParseInt64(number);
      const bool valid_dim =
          !term.dim.empty() && (std::isalpha(static_cast<unsigned char>(term.dim[0])) != 0 || term.dim[0] == '_');
      if (!valid_dim || !parsed || *parsed < 0 || *parsed > std::numeric_limits<std::int32_t>::max() ||
          (*parsed == 0 && term.relation != FactorTerm::Relation::kEqual)) {
        item.ErrorExpected("factors such as \"M=4\", \"M<=4\", \"M>=2\", \"M=0\" (the rest) or \"M4\"",
                           fmt::format("; '{}' is not one", token));
        ok = false;
        continue;
      }
      term.value = *parsed;
      terms.push_back(std::move(term));
    }
  }
  if (!ok) return std::nullopt;
  return terms;
}

// A permutation's dims as written, innermost first: a string of one-letter dims, dims separated
// by spaces, or a list (the mapping importer reads `permutation` the same way).
std::optional<std::vector<std::string>> ReadPermutationNames(const YamlValue& value) {
  std::vector<std::string> names;
  if (value.IsList()) {
    for (const YamlValue& item : value.AsList().value_or(std::vector<YamlValue>{})) {
      const std::optional<std::string> name = item.AsString();
      if (!name) return std::nullopt;
      names.push_back(*name);
    }
  } else {
    const std::optional<std::string> text = value.AsString();
    if (!text) return std::nullopt;
    if (text->find(' ') != std::string::npos) {
      for (const std::string& name : util::Split(*text, ' ')) {
        if (!name.empty()) names.push_back(name);
      }
    } else {
      for (const char character : *text) names.emplace_back(1, character);
    }
  }
  for (std::size_t index = 0; index < names.size(); ++index) {
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(index), names[index]) !=
        names.begin() + static_cast<std::ptrdiff_t>(index)) {
      value.ErrorExpected("each dim at most once, innermost first", fmt::format("; '{}' is given twice", names[index]));
      return std::nullopt;
    }
  }
  return names;
}

// Builds the spec: one LevelConstraintsSpec per level, in order of first mention; remembers where
// each (level, kind, dim) and each permutation was constrained, to report a second one.
class Merger {
 public:
  // Reads what `spec` holds already (an earlier constraints key), so that a second file's
  // constraint of the same thing is reported too.
  explicit Merger(mapping::ConstraintsSpec& spec) : spec_(spec) {
    for (std::size_t index = 0; index < spec_.levels.size(); ++index) {
      const LevelConstraintsSpec& level = spec_.levels[index];
      const std::string& name = level.level.value;
      index_.emplace(name, index);
      auto factor = [&](FactorKind kind, const Positioned<std::string>& dim) {
        seen_.emplace(std::make_pair(name, fmt::format("the {} factor of '{}'", mapping::ToString(kind), dim.value)),
                      dim.where);
      };
      for (const auto& [dim, value] : level.temporal) factor(FactorKind::kTemporal, dim);
      for (int axis = 0; axis < mapping::kNumAxes; ++axis) {
        for (const auto& [dim, value] : level.spatial[axis]) factor(static_cast<FactorKind>(axis + 1), dim);
      }
      for (int kind = 0; kind < mapping::kNumFactorKinds; ++kind) {
        for (const auto& bound : level.bounds[kind]) factor(static_cast<FactorKind>(kind), bound.dim);
        for (const auto& dim : level.remainder[kind]) factor(static_cast<FactorKind>(kind), dim);
      }
      if (!level.order_inner.empty())
        seen_.emplace(std::make_pair(name, "the temporal permutation"), level.order_inner.front().where);
      if (!level.spatial_axes.empty()) {
        seen_.emplace(std::make_pair(name, "the spatial permutation"), level.spatial_axes.front().first.where);
      }
      if (level.must_keep && !level.must_keep->empty())
        seen_.emplace(std::make_pair(name, "keep"), level.must_keep->front().where);
      if (level.bypass && !level.bypass->empty())
        seen_.emplace(std::make_pair(name, "bypass"), level.bypass->front().where);
    }
  }

  LevelConstraintsSpec& Level(const YamlValue& where, const std::string& name) {
    const auto found = index_.find(name);
    if (found != index_.end()) return spec_.levels[found->second];
    index_.emplace(name, spec_.levels.size());
    LevelConstraintsSpec level;
    level.level = At(where, name);
    spec_.levels.push_back(std::move(level));
    return spec_.levels.back();
  }

  // Whether (level, what) is new; otherwise reports the second one at `where`.
  bool First(const std::string& level, const std::string& what, const YamlValue& where) {
    const auto [found, inserted] = seen_.emplace(std::make_pair(level, what), At(where, what).where);
    if (!inserted) {
      where.Error(fmt::format("expected {} of target '{}' constrained once, got it again (first at {})", what, level,
                              Where(found->second)));
    }
    return inserted;
  }

 private:
  mapping::ConstraintsSpec& spec_;
  std::map<std::string, std::size_t> index_;
  std::map<std::pair<std::string, std::string>, util::Diagnostic> seen_;
};

// The factors of one target in one kind of slot. `axis_of` gives, for a spatial entry with a
// split, each permutation dim's axis (FactorKind::kSpatialX / kSpatialY); other dims use `kind`.
void AddFactors(const YamlValue& factors, FactorKind kind, const std::map<std::string, FactorKind>& axis_of,
                const std::string& level_name, Merger& merger, LevelConstraintsSpec& level) {
  const std::optional<std::vector<FactorTerm>> terms = ReadFactorTerms(factors);
  if (!terms) return;
  // Per dim: its `=` value, or its bounds.
  struct DimFactor {
    std::optional<std::int64_t> equal;
    FactorBound bound;
  };
  std::vector<std::pair<std::string, DimFactor>> dims;
  for (const FactorTerm& term : *terms) {
    auto found = std::find_if(dims.begin(), dims.end(), [&](const auto& entry) { return entry.first == term.dim; });
    if (found == dims.end()) {
      dims.emplace_back(term.dim, DimFactor{});
      found = dims.end() - 1;
    }
    DimFactor& factor = found->second;
    const bool had_bound = factor.bound.bounded();
    switch (term.relation) {
      case FactorTerm::Relation::kEqual:
        if (factor.equal || had_bound) {
          factors.ErrorExpected(fmt::format("'{}' once with `=`, or with `<=`/`>=` bounds", term.dim),
                                fmt::format("; got '{}' again", term.dim));
          continue;
        }
        factor.equal = term.value;
        break;
      case FactorTerm::Relation::kAtMost:
      case FactorTerm::Relation::kAtLeast: {
        const bool at_most = term.relation == FactorTerm::Relation::kAtMost;
        if (factor.equal || (at_most ? factor.bound.max > 0 : factor.bound.min > 1)) {
          factors.ErrorExpected(fmt::format("'{}' once with `=`, or with `<=`/`>=` bounds", term.dim),
                                fmt::format("; got '{}' again", term.dim));
          continue;
        }
        (at_most ? factor.bound.max : factor.bound.min) = term.value;
        break;
      }
    }
  }
  for (const auto& [dim, factor] : dims) {
    const auto axis = axis_of.find(dim);
    const FactorKind dim_kind = axis == axis_of.end() ? kind : axis->second;
    const int index = static_cast<int>(dim_kind);
    if (!merger.First(level_name, fmt::format("the {} factor of '{}'", mapping::ToString(dim_kind), dim), factors)) {
      continue;
    }
    if (factor.bound.max > 0 && factor.bound.min > factor.bound.max) {
      factors.ErrorExpected(fmt::format("bounds of '{}' with {}>= ≤ {}<=", dim, dim, dim),
                            fmt::format("; got {}>={} and {}<={}", dim, factor.bound.min, dim, factor.bound.max));
      continue;
    }
    const Positioned<std::string> name = At(factors, dim);
    if (!factor.equal) {
      level.bounds[index].push_back({.dim = name, .bound = factor.bound});
    } else if (*factor.equal == 0) {
      level.remainder[index].push_back(name);
    } else if (dim_kind == FactorKind::kTemporal) {
      level.temporal.emplace_back(name, *factor.equal);
    } else if (dim_kind == FactorKind::kSpatial) {
      level.bounds[index].push_back({.dim = name, .bound = {.min = *factor.equal, .max = *factor.equal}});
    } else {
      level.spatial[index - 1].emplace_back(name, *factor.equal);
    }
  }
}

void AddTensors(const YamlValue& list, std::optional<std::vector<Positioned<std::string>>>& names) {
  const std::optional<std::vector<YamlValue>> items = list.AsList();
  if (!items) return;
  if (!names) names.emplace();
  for (const YamlValue& item : *items) {
    if (const std::optional<std::string> name = item.AsString()) names->push_back(At(item, *name));
  }
}

// One constraint of one level: `type` as Timeloop names it, the entry's keys in `entry`.
void ReadConstraint(const YamlValue& target, const std::string& level_name, const std::string& type,
                    const YamlMap& entry, Merger& merger) {
  // Keys Timeloop reads that loopfront's mapspace has no counterpart for.
  for (const char* key : {"max_overbooked_proportion", "no_link_transfer", "no_multicast_no_reduction", "no_reuse"}) {
    if (const std::optional<YamlValue> value = entry.Get(key)) {
      value->Error(fmt::format("expected no `{}`: loopfront's mapspace cannot express this Timeloop constraint", key));
    }
  }
  auto misplaced = [&](const char* key, const char* where) {
    if (const std::optional<YamlValue> value = entry.Get(key)) {
      value->Error(fmt::format("expected `{}` only in a {} constraint, got it in a `type: {}` one", key, where, type));
    }
  };
  if (type == "utilization") {
    entry.self().Error(
        "expected type temporal, spatial, datatype or bypass, got 'utilization': a minimum utilization of a "
        "level's fanout bounds a product of several dims' spatial factors, which loopfront's mapspace "
        "(factors per dim) cannot express; bound the dims' `spatial` factors instead");
    return;
  }
  misplaced("min", "`type: utilization`");
  LevelConstraintsSpec& level = merger.Level(target, level_name);
  if (type == "datatype" || type == "bypass") {
    misplaced("factors", "temporal or spatial");
    misplaced("permutation", "temporal or spatial");
    misplaced("split", "`type: spatial`");
    if (const std::optional<YamlValue> keep = entry.Get("keep")) {
      if (merger.First(level_name, "keep", *keep)) AddTensors(*keep, level.must_keep);
    }
    if (const std::optional<YamlValue> bypass = entry.Get("bypass")) {
      if (merger.First(level_name, "bypass", *bypass)) AddTensors(*bypass, level.bypass);
    }
    return;
  }
  misplaced("keep", "datatype or bypass");
  misplaced("bypass", "datatype or bypass");
  const bool spatial = type == "spatial";
  if (!spatial) misplaced("split", "`type: spatial`");
  std::optional<std::vector<std::string>> permutation;
  const std::optional<YamlValue> permutation_value = entry.Get("permutation");
  if (permutation_value) {
    permutation = ReadPermutationNames(*permutation_value);
    if (permutation && !merger.First(level_name, fmt::format("the {} permutation", type), *permutation_value)) {
      permutation.reset();
    }
  }
  std::map<std::string, FactorKind> axis_of;
  if (spatial) {
    if (const std::optional<YamlValue> split_value = entry.Get("split")) {
      const std::optional<std::int64_t> split = split_value->AsIntIn(util::kNonNegativeCountRange);
      if (!permutation_value) {
        split_value->Error("expected `split` with a `permutation` (it splits the permutation's dims between x and y)");
      } else if (split && permutation) {
        if (*split > static_cast<std::int64_t>(permutation->size())) {
          split_value->ErrorExpected(
              fmt::format("a split from 0 to {} (the permutation's length)", permutation->size()), "");
        } else {
          for (std::size_t position = 0; position < permutation->size(); ++position) {
            axis_of.emplace((*permutation)[position], static_cast<std::int64_t>(position) < *split
                                                          ? FactorKind::kSpatialX
                                                          : FactorKind::kSpatialY);
          }
        }
      }
    }
  }
  if (const std::optional<YamlValue> factors = entry.Get("factors")) {
    AddFactors(*factors, spatial ? FactorKind::kSpatial : FactorKind::kTemporal, axis_of, level_name, merger, level);
  }
  if (spatial) {
    // The split's axes, for the dims the factors leave free to unroll (a dim fixed to 1 has no axis
    // to keep to; Timeloop permutations often list every dim).
    auto fixed_to_one = [&](const std::string& dim, FactorKind kind) {
      const int axis = static_cast<int>(kind) - 1;
      for (const auto& [name, factor] : level.spatial[axis]) {
        if (name.value == dim && factor == 1) return true;
      }
      return false;
    };
    if (permutation_value) {
      for (const auto& [dim, kind] : axis_of) {
        if (fixed_to_one(dim, kind)) continue;
        level.spatial_axes.emplace_back(At(*permutation_value, dim),
                                        kind == FactorKind::kSpatialX ? mapping::Axis::kX : mapping::Axis::kY);
      }
    }
    return;
  }
  if (permutation) {
    // Innermost first in Timeloop; order_inner lists outer → inner.
    for (auto dim = permutation->rbegin(); dim != permutation->rend(); ++dim) {
      level.order_inner.push_back(At(*permutation_value, *dim));
    }
  }
}

const std::vector<std::string> kTargetKeys = {"target",
                                              "type",
                                              "factors",
                                              "permutation",
                                              "split",
                                              "keep",
                                              "bypass",
                                              "min",
                                              "max_overbooked_proportion",
                                              "no_link_transfer",
                                              "no_multicast_no_reduction",
                                              "no_reuse"};
const std::vector<std::string> kTypes = {"temporal", "spatial", "datatype", "bypass", "utilization"};

}  // namespace

void ReadConstraintsKey(const io::YamlValue& value, mapping::ConstraintsSpec& spec) {
  std::optional<YamlValue> targets;
  if (value.IsList()) {
    targets = value;
  } else {
    const std::optional<YamlMap> map = value.AsMap({"version", "targets"});
    if (!map) return;
    targets = map->Require("targets", "the list of constraints, each with a target and a type");
  }
  if (!targets) return;
  Merger merger(spec);
  for (const YamlValue& item : targets->AsList().value_or(std::vector<YamlValue>{})) {
    const std::optional<YamlMap> entry = item.AsMap(kTargetKeys);
    if (!entry) continue;
    const std::optional<YamlValue> target = entry->Require("target", "a storage level's name");
    const std::optional<YamlValue> type_value = entry->Require("type", util::Join(kTypes, ", "));
    const std::optional<std::string> target_name = target ? target->AsString() : std::nullopt;
    const std::optional<std::string> type = type_value ? type_value->AsChoice(kTypes) : std::nullopt;
    if (!target_name || !type) continue;
    ReadConstraint(*target, *target_name, *type, *entry, merger);
  }
}

void ReadNodeConstraints(const std::string& level_name, const io::YamlValue& constraints,
                         mapping::ConstraintsSpec& spec) {
  const std::optional<YamlMap> map = constraints.AsMap({"temporal", "spatial", "dataspace"});
  if (!map) return;
  Merger merger(spec);
  for (const char* part : {"temporal", "spatial", "dataspace"}) {
    const std::optional<YamlValue> value = map->Get(part);
    if (!value) continue;
    const std::optional<YamlMap> entry = value->AsMap(kTargetKeys);
    if (!entry) continue;
    for (const char* key : {"target", "type"}) {
      if (const std::optional<YamlValue> extra = entry->Get(key)) {
        extra->Error(
            fmt::format("expected no `{}` in a node's constraints (the node is the target, the key the type)", key));
      }
    }
    ReadConstraint(constraints, level_name, std::string(part) == "dataspace" ? "datatype" : part, *entry, merger);
  }
}

void CheckMappingConstraints(const ImportedDesign& design, util::Diagnostics& diagnostics) {
  const mapping::Problem& problem = design.problem;
  for (const mapping::ConstraintViolation& violation :
       mapping::CheckConstraints(design.mapping, design.resolved_constraints, problem)) {
    const std::string_view level_name = problem.level_name(violation.level);
    util::Diagnostic target;
    for (const LevelConstraintsSpec& level : design.constraints.levels) {
      if (level.level.value == level_name) target = level.level.where;
    }
    const std::vector<Source>& entries = design.mapping_sources[static_cast<std::size_t>(violation.level)];
    util::Diagnostic diagnostic = target;
    if (!entries.empty()) {
      diagnostic = util::Diagnostic{.file = entries.front().file,
                                    .line = entries.front().line,
                                    .column = entries.front().column,
                                    .path = "mapping"};
    }
    diagnostic.message =
        fmt::format("expected a mapping that satisfies the constraints of target '{}' ({}), got one where level {} {}",
                    level_name, Where(target), level_name, violation.message);
    diagnostics.Add(std::move(diagnostic));
  }
}

}  // namespace loopfront::timeloop

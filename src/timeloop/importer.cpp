#include "loopfront/timeloop/importer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>

#include "loopfront/io/yaml_reader.h"
#include "loopfront/mapping/limits.h"
#include "loopfront/timeloop/constraints.h"
#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"

namespace loopfront::timeloop {
namespace {

using io::YamlMap;
using io::YamlValue;

// `action_counts` (Accelergy's input, which `export timeloop` writes beside the design) is accepted
// and not used, so that `--timeloop DIR/*.yaml` reads an export back.
const std::vector<std::string> kTopLevelKeys = {"architecture",
                                                "problem",
                                                "mapping",
                                                "ERT",
                                                "ART",
                                                "action_counts",
                                                "constraints",
                                                "architecture_constraints",
                                                "mapspace_constraints"};
const std::vector<std::string> kStorageClasses = {"DRAM", "SRAM", "regfile", "smartbuffer_SRAM", "smartbuffer_RF"};
const std::vector<std::string> kComputeClasses = {"intmac", "fpmac", "mac"};
const std::vector<std::string> kNodeAttributeKeys = {"version", "technology", "global_cycle_seconds"};
const std::vector<std::string> kStorageAttributeKeys = {
    "depth", "width",          "block_size",      "datawidth",        "word_bits",          "meshX",
    "meshY", "read_bandwidth", "write_bandwidth", "shared_bandwidth", "multiple_buffering", "cluster_size"};
const std::vector<std::string> kComputeAttributeKeys = {"meshX", "meshY", "datawidth", "word_bits"};

Source SourceOf(const YamlValue& value, std::string what) {
  return Source{.file = value.file(), .line = value.line(), .column = value.column(), .what = std::move(what)};
}

// `X[a..b]` → ("X", b - a + 1); a plain `X` → ("X", 1). nullopt when the text is neither.
std::optional<std::pair<std::string, std::int64_t>> ParseRangedName(const std::string& text) {
  static const std::regex kPattern(R"(^([A-Za-z_][A-Za-z0-9_\-]*)(\[([0-9]+)\.\.([0-9]+)\])?$)");
  std::smatch match;
  if (!std::regex_match(text, match, kPattern)) return std::nullopt;
  if (!match[2].matched) return std::make_pair(match[1].str(), std::int64_t{1});
  const std::optional<std::int64_t> low = util::ParseInt64(match[3].str());
  const std::optional<std::int64_t> high = util::ParseInt64(match[4].str());
  if (!low || !high || *high < *low) return std::nullopt;
  return std::make_pair(match[1].str(), *high - *low + 1);
}

// `[[R, Wdilation], [P, Wstride]]`: a projection rank on one line.
std::string TermsText(const YamlValue& rank) {
  if (!rank.IsList()) return rank.Text();
  std::vector<std::string> terms;
  for (const YamlValue& term : rank.AsList().value_or(std::vector<YamlValue>{})) {
    std::vector<std::string> factors;
    for (const YamlValue& factor :
         term.IsList() ? term.AsList().value_or(std::vector<YamlValue>{}) : std::vector<YamlValue>{term}) {
      factors.push_back(factor.Text());
    }
    terms.push_back("[" + util::Join(factors, ", ") + "]");
  }
  return "[" + util::Join(terms, ", ") + "]";
}

// The top-level keys of all files, each with the file that gave it.
class MergedKeys {
 public:
  void Add(const YamlValue& key, const YamlValue& value) {
    const std::string name = key.Text();
    if (const auto found = values_.find(name); found != values_.end()) {
      key.Error(
          fmt::format("expected each top-level key in one file only, got '{}' in both {} and {} (Timeloop "
                      "merges the top-level keys of its input files)",
                      name, found->second.file(), key.file()));
      return;
    }
    values_.emplace(name, value);
  }
  std::optional<YamlValue> Get(const std::string& name) const {
    const auto found = values_.find(name);
    return found == values_.end() ? std::nullopt : std::optional<YamlValue>(found->second);
  }

 private:
  std::map<std::string, YamlValue> values_;
};

// One storage level or the MAC array as read from a `local` entry.
struct Component {
  std::string name;
  YamlValue node;
};

class Importer {
 public:
  explicit Importer(ImportedDesign& design) : design_(design) {}

  void ReadArchitecture(const YamlValue& value) {
    if (value.HasKey("nodes")) {
      value.Error(
          "expected the v0.4 subtree/local form, got the v0.4 tree form (nodes:), which is not "
          "supported yet");
      return;
    }
    const std::optional<YamlMap> map = value.AsMap({"version", "subtree", "local"});
    if (!map) return;
    if (const std::optional<YamlValue> version = map->Require("version", "the format version, 0.4")) {
      if (version->Text() != "0.4") {
        version->ErrorExpected("0.4 (the v0.4 subtree/local form)", "; the v0.3 form is not supported yet");
      }
    }
    ReadNode(map->self(), *map, 1);
    if (!mac_) value.Error("expected a compute local (class intmac, fpmac or mac) for the MAC array, got none");
    if (design_.architecture.levels.empty()) value.Error("expected at least one storage level, got none");
  }

  void ReadEnergies(const std::optional<YamlValue>& ert, const YamlValue& architecture) {
    std::map<std::string, std::pair<YamlValue, std::map<std::string, double>>> tables;  // component → actions
    if (!ert) {
      architecture.Error(
          "expected an ERT (Accelergy's energy table, top-level key ERT) in one of the files, "
          "got none");
      return;
    }
    const std::optional<YamlMap> map = ert->AsMap({"version", "tables"});
    if (!map) return;
    const std::optional<YamlValue> tables_value = map->Require("tables", "one table per component");
    const std::optional<std::vector<YamlValue>> items = tables_value ? tables_value->AsList() : std::nullopt;
    for (const YamlValue& item : items.value_or(std::vector<YamlValue>{})) {
      const std::optional<YamlMap> table = item.AsMap({"name", "actions"});
      if (!table) continue;
      const std::optional<YamlValue> name_value = table->Require("name", "the component's path");
      const std::optional<std::string> path = name_value ? name_value->AsString() : std::nullopt;
      if (!path) continue;
      // The last dotted segment (outside brackets) names the component: `system.PE[1..4].RF[1..16]`.
      std::size_t start = 0;
      int depth = 0;
      for (std::size_t index = 0; index < path->size(); ++index) {
        const char character = (*path)[index];
        if (character == '[') ++depth;
        if (character == ']') --depth;
        if (character == '.' && depth == 0 && index + 1 < path->size() && (*path)[index + 1] != '.') start = index + 1;
      }
      const auto ranged = ParseRangedName(path->substr(start));
      if (!ranged || !(components_.count(ranged->first) > 0)) {
        name_value->ErrorExpected(
            fmt::format("a component of the architecture ({})", util::Join(ComponentNames(), ", ")),
            ranged ? util::DidYouMeanHint(ranged->first, ComponentNames()) : "");
        continue;
      }
      std::map<std::string, double> actions;
      const std::optional<YamlValue> actions_value = table->Require("actions", "the energy of each action");
      const std::optional<std::vector<YamlValue>> action_items = actions_value ? actions_value->AsList() : std::nullopt;
      for (const YamlValue& action_item : action_items.value_or(std::vector<YamlValue>{})) {
        const std::optional<YamlMap> action = action_item.AsMap({"name", "arguments", "energy"});
        if (!action) continue;
        const std::optional<YamlValue> action_name = action->Require("name", "the action");
        const std::optional<YamlValue> energy_value = action->Require("energy", "its energy in pJ");
        const std::optional<std::string> action_text = action_name ? action_name->AsString() : std::nullopt;
        const double energy = energy_value ? energy_value->AsNonNegativeDouble().value_or(-1.0) : -1.0;
        if (const std::optional<YamlValue> arguments = action->Get("arguments");
            arguments && !(arguments->IsMap() && arguments->Keys().empty()) && !arguments->IsNull()) {
          arguments->ErrorExpected("no arguments ({})", "; actions with arguments are not supported yet");
        }
        if (!action_text || energy < 0.0) continue;
        if (actions.count(*action_text) > 0) {
          action_name->Error(fmt::format("expected each action once per table, got '{}' twice", *action_text));
          continue;
        }
        static const std::set<std::string> kUsed = {"read", "write", "update", "compute"};
        if (kUsed.count(*action_text) == 0 && energy > 0.0) {
          energy_value->ErrorExpected(fmt::format("0 for action '{}'", *action_text),
                                      "; loopfront only prices read, write, update and compute; leakage and other "
                                      "actions are not supported yet");
        }
        actions[*action_text] = energy;
      }
      if (tables.count(ranged->first) > 0) {
        name_value->Error(fmt::format("expected one table per component, got a second one for '{}'", ranged->first));
        continue;
      }
      tables.emplace(ranged->first, std::make_pair(item, std::move(actions)));
    }
    // Every level and the MACs need their actions.
    auto energy_of = [&](const Component& component, const std::string& action, Source& source) -> double {
      const auto table = tables.find(component.name);
      if (table == tables.end()) {
        component.node.Error(fmt::format("expected an ERT table for '{}', got none", component.name));
        return 0.0;
      }
      source = SourceOf(table->second.first, "ERT table " + component.name);
      const auto found = table->second.second.find(action);
      if (found == table->second.second.end()) {
        table->second.first.Error(
            fmt::format("expected an ERT entry for action '{}' of level '{}', got none", action, component.name));
        return 0.0;
      }
      return found->second;
    };
    design_.level_energy_sources.resize(storage_.size());
    for (std::size_t level_idx = 0; level_idx < storage_.size(); ++level_idx) {
      if (tables.count(storage_[level_idx].name) == 0) {
        storage_[level_idx].node.Error(
            fmt::format("expected an ERT table for level '{}', got none", storage_[level_idx].name));
        continue;
      }
      arch::ActionEnergy& energy = design_.architecture.levels[level_idx].energy_per_access;
      Source& source = design_.level_energy_sources[level_idx];
      energy.read_pj = energy_of(storage_[level_idx], "read", source);
      energy.write_pj = energy_of(storage_[level_idx], "write", source);
      energy.update_pj = energy_of(storage_[level_idx], "update", source);
    }
    if (mac_) design_.architecture.mac.energy_pj_per_mac = energy_of(*mac_, "compute", design_.mac_energy_source);
  }

  // Turns arch::CheckArchitecture's messages (`levels[2].mesh_x: ...`) into diagnostics at the
  // local entry of that level.
  void CheckArchitecture(const YamlValue& architecture) {
    for (const std::string& problem : arch::CheckArchitecture(design_.architecture)) {
      const YamlValue* at = &architecture;
      static const std::regex kLevel(R"(^levels\[([0-9]+)\])");
      std::smatch match;
      if (std::regex_search(problem, match, kLevel)) {
        const std::size_t level_idx = std::stoul(match[1].str());
        if (level_idx < storage_.size()) at = &storage_[level_idx].node;
      } else if (problem.starts_with("pe_array") && mac_) {
        at = &mac_->node;
      }
      at->Error(problem);
    }
  }

  bool ReadProblem(const YamlValue& value) {
    const std::optional<YamlMap> map = value.AsMap({"version", "shape", "instance"});
    if (!map) return false;
    const std::optional<YamlValue> shape_value = map->Require("shape", "the problem's dims and data spaces");
    const std::optional<YamlMap> shape =
        shape_value ? shape_value->AsMap({"name", "dimensions", "coefficients", "data_spaces"}) : std::nullopt;
    if (!shape) return false;
    design_.problem_source = SourceOf(*shape_value, "problem.shape");
    workload::Op& op = design_.op;
    op.kind = workload::OpKind::kContraction;
    op.name = "timeloop";
    if (const std::optional<YamlValue> name = shape->Get("name")) {
      if (const std::optional<std::string> text = name->AsString()) op.name = *text;
    }
    std::vector<std::string> dim_names;
    if (const std::optional<YamlValue> dims = shape->Require("dimensions", "the list of dim names")) {
      for (const YamlValue& dim : dims->AsList().value_or(std::vector<YamlValue>{})) {
        if (const std::optional<std::string> name = dim.AsString()) {
          if (std::find(dim_names.begin(), dim_names.end(), *name) != dim_names.end()) {
            dim.ErrorExpected("each dim once", "");
            continue;
          }
          dim_names.push_back(*name);
          op.dims.push_back(workload::Dim{.name = *name, .size = 1});
        }
      }
    }
    std::vector<std::string> coefficient_names;
    if (const std::optional<YamlValue> coefficients = shape->Get("coefficients")) {
      for (const YamlValue& item : coefficients->AsList().value_or(std::vector<YamlValue>{})) {
        const std::optional<YamlMap> coefficient = item.AsMap({"name", "default"});
        if (!coefficient) continue;
        if (const std::optional<YamlValue> name = coefficient->Require("name", "the coefficient's name")) {
          if (const std::optional<std::string> text = name->AsString()) coefficient_names.push_back(*text);
        }
        if (const std::optional<YamlValue> default_value = coefficient->Get("default")) default_value->AsInt();
      }
    }
    bool ok = true;
    std::vector<std::pair<workload::Tensor, YamlValue>> operands;
    std::optional<workload::Tensor> output;
    std::optional<YamlValue> data_spaces_value = shape->Require("data_spaces", "the tensors");
    std::vector<YamlValue> data_spaces =
        data_spaces_value ? data_spaces_value->AsList().value_or(std::vector<YamlValue>{}) : std::vector<YamlValue>{};
    for (const YamlValue& item : data_spaces) {
      const std::optional<YamlMap> space = item.AsMap({"name", "projection", "read_write"});
      if (!space) {
        ok = false;
        continue;
      }
      workload::Tensor tensor;
      if (const std::optional<YamlValue> name = space->Require("name", "the data space's name")) {
        tensor.name = name->AsString().value_or("");
      }
      if (const std::optional<YamlValue> projection = space->Require("projection", "one term list per rank")) {
        ok = ReadProjection(*projection, tensor, dim_names) && ok;
      }
      bool read_write = false;
      if (const std::optional<YamlValue> flag = space->Get("read_write")) read_write = flag->AsBool().value_or(false);
      if (read_write) {
        if (output) {
          item.ErrorExpected("one read_write data space (the output)",
                             fmt::format("; '{}' is one already", output->name));
          ok = false;
        }
        tensor.role = workload::TensorRole::kOutput;
        output = tensor;
      } else {
        operands.emplace_back(tensor, item);
      }
    }
    if (data_spaces_value && (!output || operands.size() != 2)) {
      data_spaces_value->ErrorExpected(
          "three data spaces: two operands and one `read_write: true` output (an einsum)",
          fmt::format("; got {} operand(s) and {} output(s)", operands.size(), output ? 1 : 0));
      ok = false;
    }
    if (ok && output && operands.size() == 2) {
      operands[0].first.role = workload::TensorRole::kInput;
      operands[1].first.role = workload::TensorRole::kWeight;
      op.tensors = {operands[0].first, operands[1].first, *output};
    }
    if (const std::optional<YamlValue> instance_value = map->Require("instance", "the dims' sizes")) {
      if (const std::optional<YamlMap> instance = instance_value->AsOpenMap()) {
        for (const YamlMap::Entry& entry : instance->entries()) {
          const std::string name = entry.key.Text();
          const auto dim = std::find(dim_names.begin(), dim_names.end(), name);
          if (dim != dim_names.end()) {
            op.dims[static_cast<std::size_t>(dim - dim_names.begin())].size = entry.value.AsPositiveInt().value_or(1);
          } else if (std::find(coefficient_names.begin(), coefficient_names.end(), name) != coefficient_names.end()) {
            entry.value.AsInt();
          } else {
            std::vector<std::string> names = dim_names;
            names.insert(names.end(), coefficient_names.begin(), coefficient_names.end());
            entry.key.ErrorExpected(fmt::format("a dim or coefficient of the shape ({})", util::Join(names, ", ")),
                                    util::DidYouMeanHint(name, names));
            ok = false;
          }
        }
      }
    }
    return ok && !op.dims.empty();
  }

  void ReadMapping(const YamlValue& value) {
    const mapping::Problem& problem = design_.problem;
    design_.mapping = mapping::Mapping(problem.num_levels());
    design_.mapping_sources.assign(static_cast<std::size_t>(problem.num_levels()), {});
    for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
      design_.mapping.level(level_idx).SetKeeps(static_cast<mapping::TensorMask>((1u << problem.num_tensors()) - 1u));
    }
    std::map<std::pair<int, std::string>, YamlValue> seen;
    const std::vector<std::string> level_names = design_.architecture.LevelNames();
    for (const YamlValue& item : value.AsList().value_or(std::vector<YamlValue>{})) {
      const std::optional<YamlMap> entry =
          item.AsMap({"target", "type", "factors", "permutation", "split", "keep", "bypass"});
      if (!entry) continue;
      const std::optional<YamlValue> target = entry->Require("target", "a storage level's name");
      const std::optional<YamlValue> type_value = entry->Require("type", "temporal, spatial or datatype");
      const std::optional<std::string> target_name = target ? target->AsString() : std::nullopt;
      const std::optional<std::string> type =
          type_value ? type_value->AsChoice({"temporal", "spatial", "datatype"}) : std::nullopt;
      if (!target_name || !type) continue;
      const int level_idx = design_.architecture.LevelIndex(*target_name);
      if (level_idx < 0) {
        target->ErrorExpected(fmt::format("a storage level ({})", util::Join(level_names, ", ")),
                              util::DidYouMeanHint(*target_name, level_names));
        continue;
      }
      const auto key = std::make_pair(level_idx, *type);
      if (const auto found = seen.find(key); found != seen.end()) {
        item.Error(fmt::format("expected one {} entry per target, got a second one for '{}' (the first is at {}:{})",
                               *type, *target_name, found->second.line(), found->second.column()));
        continue;
      }
      seen.emplace(key, item);
      design_.mapping_sources[static_cast<std::size_t>(level_idx)].push_back(
          SourceOf(item, fmt::format("{} {}", *target_name, *type)));
      mapping::LevelMapping& level = design_.mapping.level(level_idx);
      if (*type == "datatype") {
        ReadKeeps(*entry, level);
      } else {
        for (const char* key_name : {"keep", "bypass"}) {
          if (const std::optional<YamlValue> misplaced = entry->Get(key_name)) {
            misplaced->Error(fmt::format("expected `{}` only in a `type: datatype` entry", key_name));
          }
        }
        ReadLoops(*entry, *type == "spatial", level);
      }
    }
  }

 private:
  std::vector<std::string> ComponentNames() const {
    std::vector<std::string> names;
    for (const auto& [name, component] : components_) names.push_back(name);
    return names;
  }

  void ReadNode(const YamlValue& node, const YamlMap& map, std::int64_t instances) {
    if (const std::optional<YamlValue> locals = map.Get("local")) {
      for (const YamlValue& item : locals->AsList().value_or(std::vector<YamlValue>{})) ReadLocal(item, instances);
    }
    if (const std::optional<YamlValue> subtrees = map.Get("subtree")) {
      const std::vector<YamlValue> items = subtrees->AsList().value_or(std::vector<YamlValue>{});
      if (items.size() > 1) {
        subtrees->ErrorExpected("one subtree per node", "; heterogeneous subtrees are not supported yet");
        return;
      }
      for (const YamlValue& item : items) {
        const std::optional<YamlMap> subtree = item.AsMap({"name", "attributes", "local", "subtree"});
        if (!subtree) continue;
        std::int64_t count = 1;
        if (const std::optional<YamlValue> name = subtree->Require("name", "the subtree's name, e.g. PE[1..16]")) {
          const std::optional<std::string> text = name->AsString();
          const auto ranged = text ? ParseRangedName(*text) : std::nullopt;
          if (!ranged) {
            if (text) name->ErrorExpected("a name, optionally with a range such as PE[1..16]");
          } else {
            count = ranged->second;
          }
        }
        if (const std::optional<YamlValue> attributes = subtree->Get("attributes")) {
          attributes->AsMap(kNodeAttributeKeys);
        }
        ReadNode(item, *subtree, instances * count);
      }
    }
    (void)node;
  }

  void ReadLocal(const YamlValue& item, std::int64_t outer_instances) {
    const std::optional<YamlMap> local = item.AsMap({"name", "class", "attributes"});
    if (!local) return;
    const std::optional<YamlValue> name_value = local->Require("name", "the component's name, e.g. RF[1..16]");
    const std::optional<YamlValue> class_value = local->Require("class", "the component's class");
    const std::optional<std::string> name_text = name_value ? name_value->AsString() : std::nullopt;
    const std::optional<std::string> class_name = class_value ? class_value->AsString() : std::nullopt;
    const auto ranged = name_text ? ParseRangedName(*name_text) : std::nullopt;
    if (name_text && !ranged) name_value->ErrorExpected("a name, optionally with a range such as RF[1..16]");
    if (!ranged || !class_name) return;
    const bool storage =
        std::find(kStorageClasses.begin(), kStorageClasses.end(), *class_name) != kStorageClasses.end();
    const bool compute =
        std::find(kComputeClasses.begin(), kComputeClasses.end(), *class_name) != kComputeClasses.end();
    if (!storage && !compute) {
      std::vector<std::string> classes = kStorageClasses;
      classes.insert(classes.end(), kComputeClasses.begin(), kComputeClasses.end());
      components_.emplace(ranged->first, item);  // so that its ERT table is not reported as well
      class_value->ErrorExpected(fmt::format("a class loopfront models ({})", util::Join(classes, ", ")),
                                 util::DidYouMeanHint(*class_name, classes).empty()
                                     ? "; other components (networks, compound components) are not supported yet"
                                     : util::DidYouMeanHint(*class_name, classes));
      return;
    }
    if (components_.count(ranged->first) > 0) {
      name_value->ErrorExpected("a name used once", fmt::format("; '{}' is used already", ranged->first));
      return;
    }
    components_.emplace(ranged->first, item);
    const std::int64_t instances = outer_instances * ranged->second;
    std::optional<YamlMap> attributes;
    if (const std::optional<YamlValue> value = local->Get("attributes")) {
      attributes = value->AsMap(storage ? kStorageAttributeKeys : kComputeAttributeKeys);
    }
    auto get = [&](const std::string& key) -> std::optional<YamlValue> {
      return attributes ? attributes->Get(key) : std::nullopt;
    };
    std::int64_t mesh_x = instances;
    std::int64_t mesh_y = 1;
    const std::optional<YamlValue> mesh_x_value = get("meshX");
    const std::optional<YamlValue> mesh_y_value = get("meshY");
    if (mesh_y_value) mesh_y = mesh_y_value->AsPositiveInt().value_or(1);
    if (mesh_x_value) {
      mesh_x = mesh_x_value->AsPositiveInt().value_or(1);
    } else {
      mesh_x = std::max<std::int64_t>(1, instances / mesh_y);
    }
    if (mesh_x * mesh_y != instances) {
      (mesh_x_value   ? *mesh_x_value
       : mesh_y_value ? *mesh_y_value
                      : item)
          .ErrorExpected(fmt::format("meshX × meshY = the instances of '{}' ({})", ranged->first, instances),
                         fmt::format("; got {} × {}", mesh_x, mesh_y));
    }
    if (compute) {
      if (mac_) {
        item.ErrorExpected("one compute local (the MAC array)", fmt::format("; '{}' is one already", mac_->name));
        return;
      }
      mac_ = Component{.name = ranged->first, .node = item};
      design_.mac_source = SourceOf(item, fmt::format("{}, class {}", *name_text, *class_name));
      design_.architecture.mac.instances = instances;
      design_.architecture.mac.mesh_x = mesh_x;
      design_.architecture.mac.mesh_y = mesh_y;
      return;
    }
    if (mac_) {
      item.ErrorExpected("storage levels before the compute local (outermost first)", "");
      return;
    }
    arch::StorageLevel level;
    level.name = ranged->first;
    level.instances = instances;
    level.mesh_x = mesh_x;
    level.mesh_y = mesh_y;
    std::optional<std::int64_t> word_bits;
    const std::optional<YamlValue> word_bits_value = get("word_bits");
    const std::optional<YamlValue> datawidth_value = get("datawidth");
    if (word_bits_value) word_bits = word_bits_value->AsPositiveInt();
    if (datawidth_value) {
      const std::optional<std::int64_t> datawidth = datawidth_value->AsPositiveInt();
      if (word_bits && datawidth && *datawidth != *word_bits) {
        datawidth_value->ErrorExpected(fmt::format("the same value as word_bits ({})", *word_bits));
      }
      if (!word_bits) word_bits = datawidth;
    }
    if (!word_bits_value && !datawidth_value) item.Error("expected attributes.word_bits or datawidth, got neither");
    level.word_bits = static_cast<int>(word_bits.value_or(8));
    std::optional<std::int64_t> width;
    if (const std::optional<YamlValue> value = get("width")) width = value->AsPositiveInt();
    if (const std::optional<YamlValue> value = get("block_size")) {
      level.vector_words = value->AsPositiveInt().value_or(1);
      if (width && *width != level.vector_words * level.word_bits) {
        value->ErrorExpected(fmt::format("width / word_bits ({} / {})", *width, level.word_bits));
      }
    } else if (width) {
      if (*width % level.word_bits != 0) {
        get("width")->ErrorExpected(fmt::format("a multiple of word_bits ({})", level.word_bits));
      }
      level.vector_words = std::max<std::int64_t>(1, *width / level.word_bits);
    }
    if (const std::optional<YamlValue> value = get("depth")) {
      if (const std::optional<std::int64_t> depth = value->AsPositiveInt())
        level.capacity_words = *depth * level.vector_words;
    }
    const std::pair<const char*, std::optional<double>*> bandwidths[] = {
        {"read_bandwidth", &level.read_bandwidth_words_per_cycle},
        {"write_bandwidth", &level.write_bandwidth_words_per_cycle},
        {"shared_bandwidth", &level.shared_bandwidth_words_per_cycle}};
    for (const auto& [key, bandwidth] : bandwidths) {
      if (const std::optional<YamlValue> value = get(key)) *bandwidth = value->AsPositiveDouble();
    }
    if (const std::optional<YamlValue> value = get("multiple_buffering")) {
      if (const std::optional<double> buffering = value->AsDouble()) {
        if (*buffering >= 1.0) {
          level.multiple_buffering = *buffering;
        } else {
          value->ErrorExpected("a number ≥ 1");
        }
      }
    }
    if (const std::optional<YamlValue> value = get("cluster_size")) {
      if (const std::optional<std::int64_t> cluster = value->AsPositiveInt(); cluster && *cluster != 1) {
        value->ErrorExpected("1", "; cluster_size above 1 is not supported yet");
      }
    }
    design_.level_sources.push_back(SourceOf(item, fmt::format("{}, class {}", *name_text, *class_name)));
    storage_.push_back(Component{.name = level.name, .node = item});
    design_.architecture.levels.push_back(std::move(level));
  }

  // A single-index projection: one list per rank, each holding one term `[DIM]`.
  bool ReadProjection(const YamlValue& projection, workload::Tensor& tensor, const std::vector<std::string>& dims) {
    const std::optional<std::vector<YamlValue>> ranks = projection.AsList();
    if (!ranks) return false;
    bool ok = true;
    for (const YamlValue& rank : *ranks) {
      const std::vector<YamlValue> terms =
          rank.IsList() ? rank.AsList().value_or(std::vector<YamlValue>{}) : std::vector<YamlValue>{};
      const bool single = terms.size() == 1 && terms[0].IsList() && terms[0].Keys().empty() &&
                          terms[0].AsList().value_or(std::vector<YamlValue>{}).size() == 1;
      if (!single) {
        rank.Error(
            fmt::format("data space '{}' has an affine projection {} (a sum of terms or a term with a "
                        "coefficient); loopfront reads single-index projections only — convolutions are not "
                        "supported yet",
                        tensor.name, TermsText(rank)));
        return false;
      }
      const YamlValue dim_value = terms[0].AsList()->front();
      const std::optional<std::string> dim_name = dim_value.AsString();
      if (!dim_name) {
        ok = false;
        continue;
      }
      const auto found = std::find(dims.begin(), dims.end(), *dim_name);
      if (found == dims.end()) {
        dim_value.ErrorExpected(fmt::format("a dim of the shape ({})", util::Join(dims, ", ")),
                                util::DidYouMeanHint(*dim_name, dims));
        ok = false;
        continue;
      }
      tensor.dims.push_back(static_cast<int>(found - dims.begin()));
    }
    return ok;
  }

  std::vector<std::string> TensorNames() const {
    std::vector<std::string> names;
    for (int tensor = 0; tensor < design_.problem.num_tensors(); ++tensor) {
      names.emplace_back(design_.problem.tensor_name(tensor));
    }
    return names;
  }

  void ReadKeeps(const YamlMap& entry, mapping::LevelMapping& level) {
    std::map<int, std::string> listed;  // tensor → the key that listed it
    for (const char* key : {"keep", "bypass"}) {
      const std::optional<YamlValue> value = entry.Get(key);
      if (!value) continue;
      for (const YamlValue& item : value->AsList().value_or(std::vector<YamlValue>{})) {
        const std::optional<std::string> name = item.AsString();
        if (!name) continue;
        const int tensor = design_.problem.TensorIndex(*name);
        if (tensor < 0) {
          item.ErrorExpected(fmt::format("a data space ({})", util::Join(TensorNames(), ", ")),
                             util::DidYouMeanHint(*name, TensorNames()));
          continue;
        }
        if (const auto found = listed.find(tensor); found != listed.end()) {
          item.ErrorExpected(fmt::format("'{}' in keep or bypass, not both", *name));
          continue;
        }
        listed.emplace(tensor, key);
        level.SetKeep(tensor, std::string(key) == "keep");
      }
    }
  }

  // "M=4 N=2" or "M4 N2" → factor per dim (absent dims 1).
  std::optional<std::vector<std::int64_t>> ReadFactors(const YamlValue& value) {
    const mapping::Problem& problem = design_.problem;
    std::vector<std::int64_t> factors(static_cast<std::size_t>(problem.num_dims()), 1);
    const std::optional<std::string> text = value.AsString();
    if (!text) return std::nullopt;
    std::vector<std::string> dim_names;
    for (int dim = 0; dim < problem.num_dims(); ++dim) dim_names.emplace_back(problem.dim_name(dim));
    bool ok = true;
    std::set<int> seen;
    for (const std::string& token : util::Split(*text, ' ')) {
      if (token.empty()) continue;
      std::string name;
      std::string number;
      if (const std::size_t equals = token.find('='); equals != std::string::npos) {
        name = token.substr(0, equals);
        number = token.substr(equals + 1);
      } else {
        std::size_t digits = token.size();
        while (digits > 0 && std::isdigit(static_cast<unsigned char>(token[digits - 1])) != 0) --digits;
        name = token.substr(0, digits);
        number = token.substr(digits);
      }
      const int dim = problem.DimIndex(name);
      const std::optional<std::int64_t> factor = util::ParseInt64(number);
      if (dim < 0 || !factor || *factor < 1 || *factor > std::numeric_limits<std::int32_t>::max()) {
        value.ErrorExpected(fmt::format("factors such as \"{0}=4\" or \"{0}4\" over the dims ({1})", dim_names.front(),
                                        util::Join(dim_names, ", ")),
                            dim < 0 ? fmt::format("; '{}' is not a dim{}", name, util::DidYouMeanHint(name, dim_names))
                                    : fmt::format("; '{}' is not a positive factor", number));
        ok = false;
        continue;
      }
      if (!seen.insert(dim).second) {
        value.ErrorExpected(fmt::format("each dim once, got '{}' twice", name));
        ok = false;
        continue;
      }
      factors[static_cast<std::size_t>(dim)] = *factor;
    }
    return ok ? std::optional(factors) : std::nullopt;
  }

  // Innermost first: a string of one-letter dims ("NHMK"), dims separated by spaces, or a list.
  std::optional<std::vector<int>> ReadPermutation(const YamlValue& value) {
    const mapping::Problem& problem = design_.problem;
    std::vector<std::string> names;
    if (value.IsList()) {
      for (const YamlValue& item : value.AsList().value_or(std::vector<YamlValue>{})) {
        names.push_back(item.AsString().value_or(""));
      }
    } else {
      const std::string text = value.AsString().value_or("");
      if (text.find(' ') != std::string::npos) {
        for (const std::string& name : util::Split(text, ' ')) {
          if (!name.empty()) names.push_back(name);
        }
      } else {
        for (const char character : text) names.emplace_back(1, character);
      }
    }
    std::vector<int> dims;
    std::vector<std::string> dim_names;
    for (int dim = 0; dim < problem.num_dims(); ++dim) dim_names.emplace_back(problem.dim_name(dim));
    for (const std::string& name : names) {
      const int dim = problem.DimIndex(name);
      if (dim < 0 || std::find(dims.begin(), dims.end(), dim) != dims.end()) {
        value.ErrorExpected(
            fmt::format("each dim at most once, innermost first, from ({})", util::Join(dim_names, ", ")),
            dim < 0 ? fmt::format("; '{}' is not a dim{}", name, util::DidYouMeanHint(name, dim_names))
                    : fmt::format("; '{}' is given twice", name));
        return std::nullopt;
      }
      dims.push_back(dim);
    }
    return dims;
  }

  void ReadLoops(const YamlMap& entry, bool spatial, mapping::LevelMapping& level) {
    const mapping::Problem& problem = design_.problem;
    std::optional<std::vector<std::int64_t>> factors(std::vector<std::int64_t>(problem.num_dims(), 1));
    if (const std::optional<YamlValue> value = entry.Get("factors")) factors = ReadFactors(*value);
    std::vector<int> permutation;
    std::optional<YamlValue> permutation_value = entry.Get("permutation");
    if (permutation_value) {
      const std::optional<std::vector<int>> read = ReadPermutation(*permutation_value);
      if (!read) return;
      permutation = *read;
    }
    std::int64_t split = static_cast<std::int64_t>(permutation.size());
    if (const std::optional<YamlValue> value = entry.Get("split")) {
      if (!spatial) {
        value->Error("expected `split` only in a `type: spatial` entry");
      } else {
        split = value->AsNonNegativeInt().value_or(split);
      }
    }
    if (!factors) return;
    // Dims the permutation leaves out with a factor above 1 have no place in the loop nest.
    for (int dim = 0; dim < problem.num_dims(); ++dim) {
      if ((*factors)[static_cast<std::size_t>(dim)] > 1 &&
          std::find(permutation.begin(), permutation.end(), dim) == permutation.end()) {
        (permutation_value ? *permutation_value : entry.self())
            .ErrorExpected(fmt::format("a permutation that places '{}' (its factor is {})", problem.dim_name(dim),
                                       (*factors)[static_cast<std::size_t>(dim)]));
        return;
      }
    }
    const std::size_t limit = spatial ? mapping::kMaxSpatialLoopsPerLevel : mapping::kMaxTemporalLoopsPerLevel;
    std::size_t count = 0;
    for (const int dim : permutation) count += (*factors)[static_cast<std::size_t>(dim)] > 1 ? 1 : 0;
    if (count > limit) {
      entry.self().ErrorExpected(fmt::format("at most {} loops of factor above 1", limit),
                                 fmt::format("; got {}", count));
      return;
    }
    if (spatial) {
      for (std::size_t position = 0; position < permutation.size(); ++position) {
        const int dim = permutation[position];
        const std::int64_t factor = (*factors)[static_cast<std::size_t>(dim)];
        if (factor > 1) {
          level.AddSpatial(dim, factor,
                           static_cast<std::int64_t>(position) < split ? mapping::Axis::kX : mapping::Axis::kY);
        }
      }
      return;
    }
    // Timeloop writes the permutation innermost first; loopfront lists loops outermost first.
    for (auto dim = permutation.rbegin(); dim != permutation.rend(); ++dim) {
      const std::int64_t factor = (*factors)[static_cast<std::size_t>(*dim)];
      if (factor > 1) level.AddTemporal(*dim, factor);
    }
  }

  ImportedDesign& design_;
  std::map<std::string, YamlValue> components_;
  std::vector<Component> storage_;
  std::optional<Component> mac_;
};

}  // namespace

std::string Source::ToString() const {
  return what.empty() ? fmt::format("{}:{}:{}", file, line, column)
                      : fmt::format("{}:{}:{} ({})", file, line, column, what);
}

ImportedDesign ImportTimeloop(const std::vector<std::filesystem::path>& files, const ImportOptions& options) {
  util::Diagnostics diagnostics;
  if (files.empty()) throw util::ConfigError("expected at least one Timeloop YAML file, got none");
  std::vector<std::unique_ptr<io::YamlDocument>> documents;
  MergedKeys merged;
  for (const std::filesystem::path& file : files) {
    documents.push_back(std::make_unique<io::YamlDocument>(io::YamlDocument::LoadFile(file.string(), diagnostics)));
    if (!documents.back()->ok()) continue;
    const YamlValue root = documents.back()->root();
    const std::optional<YamlMap> map = root.AsOpenMap();
    if (!map) continue;
    for (const YamlMap::Entry& entry : map->entries()) {
      const std::string key = entry.key.Text();
      if (std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), key) == kTopLevelKeys.end()) {
        entry.key.ErrorExpected(fmt::format("a top-level key loopfront imports ({})", util::Join(kTopLevelKeys, ", ")),
                                util::DidYouMeanHint(key, kTopLevelKeys).empty()
                                    ? fmt::format("; Timeloop's '{}' is not supported yet", key)
                                    : util::DidYouMeanHint(key, kTopLevelKeys));
        continue;
      }
      merged.Add(entry.key, entry.value);
    }
  }
  diagnostics.ThrowIfAny();

  ImportedDesign design;
  for (const std::filesystem::path& file : files) design.files.push_back(file.string());
  Importer importer(design);
  const std::string first_file = files.front().string();
  auto missing = [&](const std::string& key, const std::string& what) {
    diagnostics.Add(util::Diagnostic{
        .file = first_file,
        .line = 1,
        .column = 1,
        .path = key,
        .message = fmt::format("expected the top-level key '{}' ({}) in one of the files, got none", key, what)});
  };
  const std::optional<YamlValue> architecture = merged.Get("architecture");
  const std::optional<YamlValue> problem = merged.Get("problem");
  const std::optional<YamlValue> mapping_value = merged.Get("mapping");
  if (!architecture) missing("architecture", "Timeloop's architecture");
  if (!problem) missing("problem", "Timeloop's problem");
  if (!mapping_value && options.mapping_required) missing("mapping", "Timeloop's mapping");
  bool problem_ok = false;
  if (architecture) {
    importer.ReadArchitecture(*architecture);
    // Without levels (an architecture refused as a whole) every ERT table would be reported too.
    if (!design.architecture.levels.empty()) importer.ReadEnergies(merged.Get("ERT"), *architecture);
    design.architecture.name = "timeloop";
    if (diagnostics.empty()) importer.CheckArchitecture(*architecture);
  }
  if (problem) problem_ok = importer.ReadProblem(*problem);
  if (!diagnostics.empty() || !problem_ok) {
    diagnostics.ThrowIfAny();
    throw util::InternalError("the Timeloop problem was refused without a diagnostic");
  }
  try {
    design.problem = mapping::Problem::Build(design.op, design.architecture);
  } catch (const util::ConfigError& error) {
    for (const util::Diagnostic& diagnostic : error.diagnostics())
      problem->Error(diagnostic.path + ": " + diagnostic.message);
    diagnostics.ThrowIfAny();
  }
  if (mapping_value) {
    importer.ReadMapping(*mapping_value);
  } else {
    design.has_mapping = false;
    design.mapping = mapping::Mapping(design.problem.num_levels());
    design.mapping_sources.assign(static_cast<std::size_t>(design.problem.num_levels()), {});
  }
  // Constraints (timeloop/constraints.h): every key merged, then checked against the problem.
  for (const char* key : {"architecture_constraints", "mapspace_constraints", "constraints"}) {
    if (const std::optional<YamlValue> value = merged.Get(key)) ReadConstraintsKey(*value, design.constraints);
  }
  if (diagnostics.empty() && !design.constraints.empty()) {
    try {
      design.resolved_constraints = mapping::ResolveConstraints(design.constraints, design.problem);
    } catch (const util::ConfigError& error) {
      for (const util::Diagnostic& diagnostic : error.diagnostics()) diagnostics.Add(diagnostic);
    }
    if (diagnostics.empty() && design.has_mapping) CheckMappingConstraints(design, diagnostics);
  }
  diagnostics.ThrowIfAny();
  return design;
}

}  // namespace loopfront::timeloop

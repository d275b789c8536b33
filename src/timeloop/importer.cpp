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
#include "loopfront/util/checked.h"
#include "loopfront/util/ranges.h"
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
                                                "ERT_summary",
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
    const std::optional<YamlMap> map = value.AsMap({"version", "subtree", "local", "nodes"});
    if (!map) return;
    const std::optional<YamlValue> version = map->Require("version", "the format version, 0.3 or 0.4");
    const std::string version_text = version ? version->Text() : "0.4";
    if (version && version_text != "0.3" && version_text != "0.4") {
      version->ErrorExpected("0.3 (the subtree/local form) or 0.4 (the subtree/local form or the tree form, nodes:)");
      return;
    }
    if (const std::optional<YamlValue> nodes = map->Get("nodes")) {
      if (map->Has("subtree") || map->Has("local")) {
        nodes->Error("expected either the tree form (nodes:) or the subtree/local form, got both");
        return;
      }
      if (version_text != "0.4") {
        version->ErrorExpected("0.4 for the tree form (nodes:)");
        return;
      }
      form_ = Form::kV04Tree;
      TreeState state;
      ReadTreeNodes(*nodes, state);
    } else {
      form_ = version_text == "0.3" ? Form::kV03Subtree : Form::kV04Subtree;
      ReadNode(map->self(), *map, 1);
    }
    if (!mac_) value.Error("expected a compute component (class intmac, fpmac or mac) for the MAC array, got none");
    if (design_.architecture.levels.empty()) value.Error("expected at least one storage level, got none");
  }

  // Tree form: restricts the keeps of the levels read from `!Parallel` branches to the data spaces
  // each branch keeps (timeloopfe bypasses every other data space in a branch), now that the
  // problem names them: sets the roles those levels may keep. ReadMapping makes the same data
  // spaces the mapping's default keeps there.
  void ApplyParallelKeeps() {
    const workload::Op& op = design_.op;
    std::vector<std::string> names;
    for (const workload::Tensor& tensor : op.tensors) names.push_back(tensor.name);
    for (const auto& [level_idx, items] : parallel_keeps_) {
      arch::RoleMask roles = 0;
      for (const YamlValue& item : items) {
        const std::string name = item.Text();
        const auto found = std::find(names.begin(), names.end(), name);
        if (found == names.end()) {
          item.ErrorExpected(fmt::format("a data space of the problem ({})", util::Join(names, ", ")),
                             util::DidYouMeanHint(name, names));
          continue;
        }
        const auto tensor = static_cast<std::size_t>(found - names.begin());
        roles = static_cast<arch::RoleMask>(roles | arch::RoleBit(op.tensors[tensor].role));
      }
      design_.architecture.levels[level_idx].keeps_roles = roles;
    }
  }

  // The component a table names: the last dotted segment (outside brackets) of its path, e.g.
  // `system.PE[1..4].RF[1..16]` → RF. Reports a path naming no component of the architecture.
  std::optional<std::string> TableComponent(const YamlValue& name_value) const {
    const std::optional<std::string> path = name_value.AsString();
    if (!path) return std::nullopt;
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
      name_value.ErrorExpected(fmt::format("a component of the architecture ({})", util::Join(ComponentNames(), ", ")),
                               ranged ? util::DidYouMeanHint(ranged->first, ComponentNames()) : "");
      return std::nullopt;
    }
    return ranged->first;
  }

  // Energies from `ERT` (Accelergy's energy reference table) or, without one, `ERT_summary` (its
  // summary: `table_summary` entries whose actions give `energy`, or for actions with arguments
  // `average_energy`/`max_energy`/`min_energy`, of which Timeloop's price — the most expensive
  // argument, topology.cpp's ParseAccelergyERT — is max_energy). Both given: ERT wins, as the
  // complete table Accelergy writes the summary from.
  void ReadEnergies(const std::optional<YamlValue>& ert, const std::optional<YamlValue>& summary,
                    const YamlValue& architecture) {
    std::map<std::string, std::pair<YamlValue, std::map<std::string, double>>> tables;  // component → actions
    if (!ert && !summary) {
      architecture.Error(
          "expected an ERT (Accelergy's energy table, top-level key ERT, or its summary ERT_summary) in one of "
          "the files, got none");
      return;
    }
    const bool from_summary = !ert;
    const YamlValue& table_value = ert ? *ert : *summary;
    const char* list_key = from_summary ? "table_summary" : "tables";
    const std::optional<YamlMap> map = table_value.AsMap({"version", list_key});
    if (!map) return;
    const std::optional<YamlValue> tables_value = map->Require(list_key, "one table per component");
    const std::optional<std::vector<YamlValue>> items = tables_value ? tables_value->AsList() : std::nullopt;
    for (const YamlValue& item : items.value_or(std::vector<YamlValue>{})) {
      const std::optional<YamlMap> table =
          from_summary ? item.AsMap({"name", "actions", "primitive_estimation(s)"}) : item.AsMap({"name", "actions"});
      if (!table) continue;
      const std::optional<YamlValue> name_value = table->Require("name", "the component's path");
      const std::optional<std::string> component = name_value ? TableComponent(*name_value) : std::nullopt;
      if (!component) continue;
      std::map<std::string, double> actions;
      const std::optional<YamlValue> actions_value = table->Require("actions", "the energy of each action");
      const std::optional<std::vector<YamlValue>> action_items = actions_value ? actions_value->AsList() : std::nullopt;
      for (const YamlValue& action_item : action_items.value_or(std::vector<YamlValue>{})) {
        const std::optional<YamlMap> action =
            from_summary ? action_item.AsMap({"name", "energy", "average_energy", "max_energy", "min_energy"})
                         : action_item.AsMap({"name", "arguments", "energy"});
        if (!action) continue;
        const std::optional<YamlValue> action_name = action->Require("name", "the action");
        std::optional<YamlValue> energy_value;
        if (from_summary && action->Has("max_energy")) {
          energy_value = action->Get("max_energy");
          if (const std::optional<YamlValue> both = action->Get("energy")) {
            both->ErrorExpected("energy or max_energy (with average_energy and min_energy), not both");
          }
          for (const char* key : {"average_energy", "min_energy"}) {
            if (const std::optional<YamlValue> value = action->Get(key)) value->AsDoubleIn(util::kEnergyPjRange);
          }
        } else if (from_summary && (action->Has("average_energy") || action->Has("min_energy"))) {
          action_item.Error(
              "expected max_energy beside average_energy and min_energy (Timeloop prices an action with "
              "arguments at its most expensive one), got none");
        } else {
          energy_value = action->Require("energy", "its energy in pJ");
        }
        const std::optional<std::string> action_text = action_name ? action_name->AsString() : std::nullopt;
        const double energy = energy_value ? energy_value->AsDoubleIn(util::kEnergyPjRange).value_or(-1.0) : -1.0;
        if (const std::optional<YamlValue> arguments = from_summary ? std::nullopt : action->Get("arguments");
            arguments && !(arguments->IsMap() && arguments->Keys().empty()) && !arguments->IsNull()) {
          arguments->ErrorExpected("no arguments ({})",
                                   "; actions with arguments are not supported yet (ERT_summary's max_energy is)");
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
      if (tables.count(*component) > 0) {
        name_value->Error(fmt::format("expected one table per component, got a second one for '{}'", *component));
        continue;
      }
      tables.emplace(*component, std::make_pair(item, std::move(actions)));
    }
    const std::string table_kind = from_summary ? "ERT_summary" : "ERT";
    // Every level and the MACs need their actions.
    auto energy_of = [&](const Component& component, const std::string& action, Source& source) -> double {
      const auto table = tables.find(component.name);
      if (table == tables.end()) {
        component.node.Error(fmt::format("expected an {} table for '{}', got none", table_kind, component.name));
        return 0.0;
      }
      source = SourceOf(table->second.first, table_kind + " table " + component.name);
      const auto found = table->second.second.find(action);
      if (found == table->second.second.end()) {
        table->second.first.Error(fmt::format("expected an {} entry for action '{}' of level '{}', got none",
                                              table_kind, action, component.name));
        return 0.0;
      }
      return found->second;
    };
    design_.level_energy_sources.resize(storage_.size());
    for (std::size_t level_idx = 0; level_idx < storage_.size(); ++level_idx) {
      if (tables.count(storage_[level_idx].name) == 0) {
        storage_[level_idx].node.Error(
            fmt::format("expected an {} table for level '{}', got none", table_kind, storage_[level_idx].name));
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

  // Areas from `ART` (Accelergy's area reference table: `tables` of `name` + `area`, µm² per
  // instance of the component): each level's and the MACs' area_um2. Without an ART every area is
  // 0 (not given); with one, every level and the MACs need an entry.
  void ReadAreas(const std::optional<YamlValue>& art) {
    design_.level_area_sources.assign(storage_.size(), Source{});
    if (!art) return;
    const std::optional<YamlMap> map = art->AsMap({"version", "tables"});
    if (!map) return;
    const std::optional<YamlValue> tables_value = map->Require("tables", "one entry per component");
    std::map<std::string, std::pair<YamlValue, double>> areas;  // component → its entry and area
    for (const YamlValue& item :
         tables_value ? tables_value->AsList().value_or(std::vector<YamlValue>{}) : std::vector<YamlValue>{}) {
      const std::optional<YamlMap> entry = item.AsMap({"name", "area"});
      if (!entry) continue;
      const std::optional<YamlValue> name_value = entry->Require("name", "the component's path");
      const std::optional<YamlValue> area_value = entry->Require("area", "its area in µm² per instance");
      const std::optional<std::string> component = name_value ? TableComponent(*name_value) : std::nullopt;
      std::optional<double> area = area_value ? area_value->AsNonNegativeDouble() : std::nullopt;
      if (area && *area > arch::kMaxAreaUm2) {
        area_value->ErrorExpected(fmt::format("an area from 0 to {:g} µm² per instance", arch::kMaxAreaUm2));
        area.reset();
      }
      if (!component || !area) continue;
      if (!areas.emplace(*component, std::make_pair(item, *area)).second) {
        name_value->Error(fmt::format("expected one ART entry per component, got a second one for '{}'", *component));
      }
    }
    auto area_of = [&](const Component& component, Source& source) -> double {
      const auto found = areas.find(component.name);
      if (found == areas.end()) {
        component.node.Error(fmt::format("expected an ART entry for '{}', got none", component.name));
        return 0.0;
      }
      source = SourceOf(found->second.first, "ART entry " + component.name);
      return found->second.second;
    };
    for (std::size_t level_idx = 0; level_idx < storage_.size(); ++level_idx) {
      design_.architecture.levels[level_idx].area_um2 =
          area_of(storage_[level_idx], design_.level_area_sources[level_idx]);
    }
    if (mac_) design_.architecture.mac.area_um2 = area_of(*mac_, design_.mac_area_source);
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
    // Timeloop's coefficients: a name and a `default` (1 when absent), overridden by `instance`.
    std::vector<std::string> coefficient_names;
    std::map<std::string, std::int64_t> coefficient_values;
    if (const std::optional<YamlValue> coefficients = shape->Get("coefficients")) {
      for (const YamlValue& item : coefficients->AsList().value_or(std::vector<YamlValue>{})) {
        const std::optional<YamlMap> coefficient = item.AsMap({"name", "default"});
        if (!coefficient) continue;
        std::optional<std::string> text;
        if (const std::optional<YamlValue> name = coefficient->Require("name", "the coefficient's name")) {
          text = name->AsString();
          if (text) coefficient_names.push_back(*text);
        }
        std::int64_t default_value = 1;
        if (const std::optional<YamlValue> value = coefficient->Get("default")) {
          default_value = value->AsIntIn(util::kCountRange).value_or(1);
        }
        if (text) coefficient_values[*text] = default_value;
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
        ok = ReadProjection(*projection, tensor, dim_names, coefficient_names) && ok;
      }
      bool read_write = false;
      if (const std::optional<YamlValue> flag = space->Get("read_write")) read_write = flag->AsBool().value_or(false);
      if (read_write && tensor.IsAffine()) {
        // Rules 1, 4a, 5a and 5b (shared/validation/README.md) cover read-only affine tensors only.
        item.Error(fmt::format("data space '{}' is the output (read_write) and has an affine projection; "
                               "loopfront supports affine projections on the operands only",
                               tensor.name));
        ok = false;
      }
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
            op.dims[static_cast<std::size_t>(dim - dim_names.begin())].size = entry.value.AsIntIn(util::kCountRange).value_or(1);
          } else if (std::find(coefficient_names.begin(), coefficient_names.end(), name) != coefficient_names.end()) {
            if (const std::optional<std::int64_t> value = entry.value.AsIntIn(util::kCountRange)) coefficient_values[name] = *value;
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
    for (workload::Tensor& tensor : op.tensors) {
      for (std::vector<workload::IndexTerm>& index : tensor.affine_indices) {
        for (workload::IndexTerm& term : index) {
          if (!term.coefficient_name.empty()) term.coefficient = coefficient_values[term.coefficient_name];
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
    // A `!Parallel` branch keeps its own data spaces only (ApplyParallelKeeps).
    for (const auto& [level_idx, items] : parallel_keeps_) {
      mapping::TensorMask mask = 0;
      for (const YamlValue& item : items) {
        const int tensor = problem.TensorIndex(item.Text());
        if (tensor >= 0) mask = static_cast<mapping::TensorMask>(mask | (1u << tensor));
      }
      design_.mapping.level(static_cast<int>(level_idx)).SetKeeps(mask);
    }
    std::map<std::pair<int, std::string>, YamlValue> seen;
    const std::vector<std::string> level_names = design_.architecture.LevelNames();
    for (const YamlValue& item : value.AsList().value_or(std::vector<YamlValue>{})) {
      const std::optional<YamlMap> entry =
          item.AsMap({"target", "type", "factors", "permutation", "split", "keep", "bypass"});
      if (!entry) continue;
      const std::optional<YamlValue> target = entry->Require("target", "a storage level's name");
      const std::optional<YamlValue> type_value = entry->Require("type", "temporal, spatial, datatype or bypass");
      const std::optional<std::string> target_name = target ? target->AsString() : std::nullopt;
      const std::optional<std::string> type =
          type_value ? type_value->AsChoice({"temporal", "spatial", "datatype", "bypass"}) : std::nullopt;
      if (!target_name || !type) continue;
      const int level_idx = design_.architecture.LevelIndex(*target_name);
      if (level_idx < 0) {
        target->ErrorExpected(fmt::format("a storage level ({})", util::Join(level_names, ", ")),
                              util::DidYouMeanHint(*target_name, level_names));
        continue;
      }
      // `type: bypass` is Timeloop's older name for a datatype entry (same keep/bypass keys).
      const std::string kind = *type == "bypass" ? "datatype" : *type;
      const auto key = std::make_pair(level_idx, kind);
      if (const auto found = seen.find(key); found != seen.end()) {
        item.Error(fmt::format("expected one {} entry per target, got a second one for '{}' (the first is at {}:{})",
                               kind, *target_name, found->second.line(), found->second.column()));
        continue;
      }
      seen.emplace(key, item);
      design_.mapping_sources[static_cast<std::size_t>(level_idx)].push_back(
          SourceOf(item, fmt::format("{} {}", *target_name, *type)));
      mapping::LevelMapping& level = design_.mapping.level(level_idx);
      if (kind == "datatype") {
        ReadKeeps(*entry, level);
      } else {
        for (const char* key_name : {"keep", "bypass"}) {
          if (const std::optional<YamlValue> misplaced = entry->Get(key_name)) {
            misplaced->Error(fmt::format("expected `{}` only in a `type: datatype` (or bypass) entry", key_name));
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
      for (const YamlValue& item : locals->AsList().value_or(std::vector<YamlValue>{})) {
        if (const std::optional<YamlMap> local = item.AsMap({"name", "class", "attributes"})) {
          ReadComponent(item, *local, instances, std::nullopt);
        }
      }
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

  // The tree form (`nodes:`): a list of tagged nodes, outermost first. `state` carries the mesh
  // that the `spatial` fanouts read so far multiply, and the last storage level read.
  struct TreeState {
    std::int64_t mesh_x = 1;
    std::int64_t mesh_y = 1;
    std::string last_storage;  // the level whose fanout a container's spatial spreads over
  };

  void ReadTreeNodes(const YamlValue& nodes, TreeState& state) {
    for (const YamlValue& item : nodes.AsList().value_or(std::vector<YamlValue>{})) {
      const std::string tag = item.Tag();
      if (tag == "!Container") {
        ReadContainer(item, state);
      } else if (tag == "!Component") {
        ReadTreeComponent(item, state);
      } else if (tag == "!Hierarchical") {
        // A nested list of nodes continuing the same hierarchy.
        if (const std::optional<YamlMap> map = item.AsMap({"nodes"})) {
          if (const std::optional<YamlValue> inner = map->Require("nodes", "the nodes, outermost first")) {
            ReadTreeNodes(*inner, state);
          }
        }
      } else if (tag == "!Parallel") {
        ReadParallel(item, state);
      } else {
        item.Error(fmt::format("expected a node tagged !Container, !Component, !Hierarchical or !Parallel, got {}{}",
                               tag.empty() ? "an untagged node" : "'" + tag + "'",
                               tag == "!Pipelined" ? "; pipelined branches are not supported"
                               : tag == "!Nothing"
                                   ? "; a placeholder (!Nothing) is read only as a branch of a !Parallel"
                                   : ""));
      }
    }
  }

  // `spatial: {meshX, meshY}`: multiplies the instances of this node and of everything after it.
  void ReadSpatial(const YamlMap& map, TreeState& state) {
    const std::optional<YamlValue> spatial = map.Get("spatial");
    if (!spatial) return;
    const std::optional<YamlMap> mesh = spatial->AsMap({"meshX", "meshY"});
    if (!mesh) return;
    // Each meshX/meshY is ≤ 2^40, but nested levels multiply them: the instances of a node
    // (mesh_x × mesh_y) are kept ≤ 2^40 (util::kMaxCount, like every count) so that neither the
    // products here nor the instance count read from them can overflow int64. Reported at the key
    // that crosses the bound; the state is left as it was.
    auto multiply = [&](const char* key, std::int64_t& extent, std::int64_t other) {
      const std::optional<YamlValue> value = mesh->Get(key);
      if (!value) return;
      const std::optional<std::int64_t> factor = value->AsIntIn(util::kCountRange);
      if (!factor) return;
      const std::optional<std::int64_t> product = util::CheckedMul(extent, *factor);
      const std::optional<std::int64_t> instances = product ? util::CheckedMul(*product, other) : std::nullopt;
      if (!instances || *instances > util::kMaxCount) {
        value->ErrorExpected(fmt::format("a {} whose product with the enclosing meshes (meshX × meshY instances) is "
                                         "at most {}",
                                         key, util::kMaxCount),
                             fmt::format(" under enclosing meshes of {} × {} instances", state.mesh_x, state.mesh_y));
        return;
      }
      extent = *product;
    };
    multiply("meshX", state.mesh_x, state.mesh_y);
    multiply("meshY", state.mesh_y, state.mesh_x);
  }

  // What loopfront does not model in a tree node: sparse optimizations and (a container's) networks.
  static void RefuseTreeExtras(const YamlMap& map, bool container) {
    if (const std::optional<YamlValue> sparse = map.Get("sparse_optimizations")) {
      if (!(sparse->IsMap() && sparse->Keys().empty()) && !sparse->IsNull()) {
        sparse->ErrorExpected("no sparse_optimizations", "; sparse optimizations are not modelled");
      }
    }
    if (container && map.Has("networks")) {
      const YamlValue networks = *map.Get("networks");
      if (!(networks.IsList() && networks.AsList().value_or(std::vector<YamlValue>{}).empty()) && !networks.IsNull()) {
        networks.ErrorExpected("no networks", "; network components with their own energies are not modelled");
      }
    }
  }

  std::string NodeName(const YamlMap& map) const {
    const std::optional<YamlValue> name = map.Require("name", "the node's name");
    return name ? name->AsString().value_or("") : "";
  }

  void ReadContainer(const YamlValue& item, TreeState& state) {
    const std::optional<YamlMap> map =
        item.AsMap({"name", "attributes", "spatial", "constraints", "sparse_optimizations", "networks"});
    if (!map) return;
    const std::string name = NodeName(*map);
    if (const std::optional<YamlValue> attributes = map->Get("attributes")) attributes->AsMap(kNodeAttributeKeys);
    RefuseTreeExtras(*map, /*container=*/true);
    ReadSpatial(*map, state);
    if (const std::optional<YamlValue> constraints = map->Get("constraints")) {
      design_.node_constraints.push_back(
          NodeConstraints{.node = name, .level = state.last_storage, .container = true, .value = *constraints});
    }
  }

  void ReadTreeComponent(const YamlValue& item, TreeState& state) {
    const std::optional<YamlMap> map =
        item.AsMap({"name", "class", "subclass", "attributes", "spatial", "constraints", "sparse_optimizations",
                    "required_actions", "area_share", "enabled"});
    if (!map) return;
    RefuseTreeExtras(*map, /*container=*/false);
    if (const std::optional<YamlValue> enabled = map->Get("enabled"); enabled && !enabled->AsBool().value_or(true)) {
      // timeloopfe drops a disabled component; its ERT and ART tables, if any, are ignored.
      if (const std::optional<YamlValue> name = map->Get("name")) components_.emplace(name->Text(), item);
      return;
    }
    ReadSpatial(*map, state);
    const std::optional<std::string> level = ReadComponent(item, *map, 1, std::make_pair(state.mesh_x, state.mesh_y));
    if (level) state.last_storage = *level;
    if (const std::optional<YamlValue> constraints = map->Get("constraints")) {
      design_.node_constraints.push_back(NodeConstraints{.node = map->Get("name") ? map->Get("name")->Text() : "",
                                                         .level = level.value_or(""),
                                                         .container = false,
                                                         .value = *constraints});
    }
  }

  // `!Parallel`: storage components side by side, each keeping its own data spaces
  // (`constraints: {dataspace: {keep: [...]}}`). timeloopfe bypasses every other data space in a
  // branch, so Timeloop sees them as consecutive levels; so does loopfront, in the listed order. A
  // `!Nothing` branch only names data spaces that bypass them all.
  void ReadParallel(const YamlValue& item, TreeState& state) {
    const std::optional<YamlMap> map = item.AsMap({"nodes"});
    if (!map) return;
    const std::optional<YamlValue> nodes = map->Require("nodes", "the branches side by side");
    if (!nodes) return;
    std::map<std::string, YamlValue> kept;  // data space → the item keeping it
    for (const YamlValue& branch : nodes->AsList().value_or(std::vector<YamlValue>{})) {
      const std::string tag = branch.Tag();
      // `!Nothing`: a branch for the data spaces that bypass every level of the !Parallel.
      const bool nothing = tag == "!Nothing";
      const std::optional<YamlMap> branch_map = tag == "!Component" || nothing ? branch.AsOpenMap() : std::nullopt;
      const std::optional<YamlValue> class_value = branch_map ? branch_map->Get("class") : std::nullopt;
      const bool storage = class_value && std::find(kStorageClasses.begin(), kStorageClasses.end(),
                                                    class_value->Text()) != kStorageClasses.end();
      if (!storage && !nothing) {
        branch.Error(
            fmt::format("expected storage components (!Component of class {}) side by side in a !Parallel, got {}; "
                        "loopfront's levels form one chain, so a branch holding a hierarchy or the compute is not "
                        "supported",
                        util::Join(kStorageClasses, ", "),
                        tag == "!Component" ? fmt::format("class '{}'", class_value ? class_value->Text() : "")
                                            : (tag.empty() ? std::string("an untagged node") : "'" + tag + "'")));
        continue;
      }
      if (!branch_map) continue;
      if (branch_map->Has("spatial")) {
        branch_map->Get("spatial")->Error(
            "expected no spatial fanout inside a !Parallel branch (it would replicate one branch only), got one");
        continue;
      }
      // The branch's keep list: required, and disjoint from its peers' (as timeloopfe requires).
      std::vector<YamlValue> keeps;
      const std::optional<YamlValue> constraints = branch_map->Get("constraints");
      util::Diagnostics quiet;
      const std::optional<YamlMap> constraint_map =
          constraints ? constraints->ReportingTo(quiet).AsOpenMap() : std::nullopt;
      const std::optional<YamlValue> dataspace = constraint_map ? constraint_map->Get("dataspace") : std::nullopt;
      const std::optional<YamlMap> dataspace_map = dataspace ? dataspace->AsOpenMap() : std::nullopt;
      const std::optional<YamlValue> keep = dataspace_map ? dataspace_map->Get("keep") : std::nullopt;
      if (!keep || !keep->IsList()) {
        branch.Error(
            "expected a !Parallel branch to say which data spaces it keeps (constraints: {dataspace: "
            "{keep: [...]}}), got none");
        continue;
      }
      for (const YamlValue& name : keep->AsList().value_or(std::vector<YamlValue>{})) {
        const YamlValue reported = name.ReportingTo(item.diagnostics());
        if (!reported.AsString()) continue;
        if (const auto [found, inserted] = kept.emplace(reported.Text(), reported); !inserted) {
          reported.ErrorExpected("each data space kept by one branch of a !Parallel",
                                 fmt::format("; '{}' is kept at line {} too", reported.Text(), found->second.line()));
          continue;
        }
        keeps.push_back(reported);
      }
      if (nothing) continue;
      const std::size_t level_idx = design_.architecture.levels.size();
      ReadTreeComponent(branch, state);
      if (design_.architecture.levels.size() == level_idx + 1) parallel_keeps_.emplace(level_idx, std::move(keeps));
    }
  }

  // Attribute spellings per form: the v0.3 form writes `word-bits`, `block-size`, ... (Timeloop's
  // buffer.cpp reads both those and a few synonyms); the v0.4 forms write `word_bits`,
  // `block_size`, ... The key of the map below is the v0.4 name the code reads.
  std::vector<std::string> Spellings(const std::string& key) const {
    if (form_ != Form::kV03Subtree) return {key};
    static const std::map<std::string, std::vector<std::string>> kV03 = {
        {"word_bits", {"word-bits", "word_width", "word_bits"}},
        {"block_size", {"block-size", "n_words", "block_size"}},
        {"width", {"width", "memory_width"}},
        {"depth", {"depth", "memory_depth"}},
        {"cluster_size", {"cluster-size", "cluster_size"}},
        {"multiple_buffering", {"multiple-buffering", "multiple_buffering"}}};
    const auto found = kV03.find(key);
    return found == kV03.end() ? std::vector<std::string>{key} : found->second;
  }

  // A component's attributes, checked against the form's keys. v0.3 attributes that only feed
  // Timeloop's or Accelergy's own energy and area estimates (replaced by the ERT and ART) are
  // accepted and unused; any other unknown attribute is refused by name.
  std::optional<YamlMap> ReadAttributes(const YamlValue& value, bool storage) const {
    if (form_ != Form::kV03Subtree) {
      std::vector<std::string> keys = storage ? kStorageAttributeKeys : kComputeAttributeKeys;
      if (form_ == Form::kV04Tree) {
        // The tree form gives the fanout with `spatial:`, not with attributes.
        std::erase_if(keys, [](const std::string& key) { return key == "meshX" || key == "meshY"; });
      }
      return value.AsMap(keys);
    }
    static const std::vector<std::string> kStorage = {"word-bits",
                                                      "word_width",
                                                      "word_bits",
                                                      "datawidth",
                                                      "block-size",
                                                      "n_words",
                                                      "block_size",
                                                      "width",
                                                      "memory_width",
                                                      "depth",
                                                      "memory_depth",
                                                      "entries",
                                                      "sizeKB",
                                                      "cluster-size",
                                                      "cluster_size",
                                                      "multiple-buffering",
                                                      "multiple_buffering",
                                                      "read_bandwidth",
                                                      "write_bandwidth",
                                                      "shared_bandwidth",
                                                      "instances",
                                                      "meshX",
                                                      "meshY"};
    static const std::vector<std::string> kCompute = {"datawidth", "word-bits", "word_bits",
                                                      "instances", "meshX",     "meshY"};
    static const std::vector<std::string> kEstimatesOnly = {"technology", "type",    "num-ports",
                                                            "num-banks",  "n_banks", "latency"};
    const std::optional<YamlMap> map = value.AsOpenMap();
    if (!map) return std::nullopt;
    const std::vector<std::string>& known = storage ? kStorage : kCompute;
    bool ok = true;
    for (const YamlMap::Entry& entry : map->entries()) {
      const std::string key = entry.key.Text();
      if (std::find(known.begin(), known.end(), key) != known.end() ||
          std::find(kEstimatesOnly.begin(), kEstimatesOnly.end(), key) != kEstimatesOnly.end()) {
        continue;
      }
      entry.key.ErrorExpected(fmt::format("a v0.3 {} attribute loopfront models ({})", storage ? "storage" : "compute",
                                          util::Join(known, ", ")),
                              util::DidYouMeanHint(key, known).empty()
                                  ? fmt::format("; Timeloop's '{}' is not modelled", key)
                                  : util::DidYouMeanHint(key, known));
      ok = false;
    }
    if (!ok) return map;  // the unknown keys are reported; read the others
    std::vector<std::string> keys = known;
    keys.insert(keys.end(), kEstimatesOnly.begin(), kEstimatesOnly.end());
    return value.AsMap(keys);
  }

  // One storage level or the MAC array. `outer_instances` is the product of the enclosing
  // subtrees' ranges (subtree forms); `tree_mesh` is the mesh the tree form's spatial fanouts give.
  // Returns the storage level's name (nullopt for the MACs or on an error).
  std::optional<std::string> ReadComponent(const YamlValue& item, const YamlMap& local, std::int64_t outer_instances,
                                           std::optional<std::pair<std::int64_t, std::int64_t>> tree_mesh) {
    const std::optional<YamlValue> name_value = local.Require("name", "the component's name, e.g. RF[1..16]");
    const std::optional<YamlValue> class_value = local.Require("class", "the component's class");
    const std::optional<std::string> name_text = name_value ? name_value->AsString() : std::nullopt;
    const std::optional<std::string> class_name = class_value ? class_value->AsString() : std::nullopt;
    const auto ranged = name_text ? ParseRangedName(*name_text) : std::nullopt;
    if (name_text && !ranged) name_value->ErrorExpected("a name, optionally with a range such as RF[1..16]");
    if (!ranged || !class_name) return std::nullopt;
    if (tree_mesh && ranged->second != 1) {
      name_value->ErrorExpected("a plain name in the tree form", "; give the instances with spatial: {meshX, meshY}");
      return std::nullopt;
    }
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
      return std::nullopt;
    }
    if (components_.count(ranged->first) > 0) {
      name_value->ErrorExpected("a name used once", fmt::format("; '{}' is used already", ranged->first));
      return std::nullopt;
    }
    components_.emplace(ranged->first, item);
    std::int64_t instances = tree_mesh ? tree_mesh->first * tree_mesh->second : outer_instances * ranged->second;
    std::optional<YamlMap> attributes;
    if (const std::optional<YamlValue> value = local.Get("attributes")) attributes = ReadAttributes(*value, storage);
    auto get = [&](const std::string& key) -> std::optional<YamlValue> {
      if (!attributes) return std::nullopt;
      std::optional<YamlValue> found;
      for (const std::string& spelling : Spellings(key)) {
        const std::optional<YamlValue> value = attributes->Get(spelling);
        if (!value) continue;
        if (found) {
          value->ErrorExpected(fmt::format("one spelling of {} ({})", key, util::Join(Spellings(key), ", ")),
                               fmt::format("; '{}' is given already", found->path()));
          continue;
        }
        found = value;
      }
      return found;
    };
    // v0.3 `instances` (Timeloop's buffer.cpp: it replaces the count the ranges give).
    if (const std::optional<YamlValue> value = form_ == Form::kV03Subtree ? get("instances") : std::nullopt) {
      if (const std::optional<std::int64_t> count = value->AsIntIn(util::kCountRange)) {
        if (instances != 1 && *count != instances) {
          value->ErrorExpected(fmt::format("the instances the names' ranges give ({})", instances));
        }
        instances = *count;
      }
    }
    std::int64_t mesh_x = instances;
    std::int64_t mesh_y = 1;
    const std::optional<YamlValue> mesh_x_value = tree_mesh ? std::nullopt : get("meshX");
    const std::optional<YamlValue> mesh_y_value = tree_mesh ? std::nullopt : get("meshY");
    if (tree_mesh) {
      mesh_x = tree_mesh->first;
      mesh_y = tree_mesh->second;
    } else if (mesh_x_value && mesh_y_value) {
      mesh_x = mesh_x_value->AsIntIn(util::kCountRange).value_or(1);
      mesh_y = mesh_y_value->AsIntIn(util::kCountRange).value_or(1);
    } else if (mesh_x_value) {
      // Timeloop's ValidateTopology: meshY = instances / meshX.
      mesh_x = mesh_x_value->AsIntIn(util::kCountRange).value_or(1);
      mesh_y = std::max<std::int64_t>(1, instances / mesh_x);
    } else if (mesh_y_value) {
      mesh_y = mesh_y_value->AsIntIn(util::kCountRange).value_or(1);
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
        item.ErrorExpected("one compute component (the MAC array)", fmt::format("; '{}' is one already", mac_->name));
        return std::nullopt;
      }
      mac_ = Component{.name = ranged->first, .node = item};
      design_.mac_source = SourceOf(item, fmt::format("{}, class {}", *name_text, *class_name));
      design_.architecture.mac.instances = instances;
      design_.architecture.mac.mesh_x = mesh_x;
      design_.architecture.mac.mesh_y = mesh_y;
      return std::nullopt;
    }
    if (mac_) {
      item.ErrorExpected("storage levels before the compute component (outermost first)", "");
      return std::nullopt;
    }
    arch::StorageLevel level;
    level.name = ranged->first;
    level.instances = instances;
    level.mesh_x = mesh_x;
    level.mesh_y = mesh_y;
    std::optional<std::int64_t> word_bits;
    const std::optional<YamlValue> word_bits_value = get("word_bits");
    const std::optional<YamlValue> datawidth_value = get("datawidth");
    if (word_bits_value) word_bits = word_bits_value->AsIntIn(util::kCountRange);
    if (datawidth_value) {
      const std::optional<std::int64_t> datawidth = datawidth_value->AsIntIn(util::kCountRange);
      if (word_bits && datawidth && *datawidth != *word_bits) {
        datawidth_value->ErrorExpected(fmt::format("the same value as word_bits ({})", *word_bits));
      }
      if (!word_bits) word_bits = datawidth;
    }
    if (!word_bits_value && !datawidth_value) {
      item.Error(form_ == Form::kV03Subtree ? "expected attributes.word-bits or datawidth, got neither"
                                            : "expected attributes.word_bits or datawidth, got neither");
    }
    level.word_bits = static_cast<int>(word_bits.value_or(8));
    std::optional<std::int64_t> width;
    const std::optional<YamlValue> width_value = get("width");
    if (width_value) width = width_value->AsIntIn(util::kCountRange);
    if (const std::optional<YamlValue> value = get("block_size")) {
      level.vector_words = value->AsIntIn(util::kCountRange).value_or(1);
      if (width && *width != level.vector_words * level.word_bits) {
        value->ErrorExpected(fmt::format("width / word_bits ({} / {})", *width, level.word_bits),
                             "; a width of several blocks (cluster_size above 1) is not supported yet");
      }
    } else if (width && form_ == Form::kV03Subtree) {
      // v0.3 (buffer.cpp): block-size defaults to 1 and width sets cluster-size = width / word-bits.
      if (*width != level.word_bits) {
        width_value->ErrorExpected(fmt::format("word-bits ({}) without block-size", level.word_bits),
                                   "; a width of several words makes cluster-size above 1, which is not "
                                   "supported yet — give block-size = width / word-bits");
      }
    } else if (width) {
      if (*width % level.word_bits != 0) {
        width_value->ErrorExpected(fmt::format("a multiple of word_bits ({})", level.word_bits));
      }
      level.vector_words = std::max<std::int64_t>(1, *width / level.word_bits);
    }
    // Capacity: depth blocks; v0.3 also `entries` words or `sizeKB` kilobytes (buffer.cpp).
    const std::optional<YamlValue> depth_value = get("depth");
    const std::optional<YamlValue> entries_value = form_ == Form::kV03Subtree ? get("entries") : std::nullopt;
    const std::optional<YamlValue> size_kb_value = form_ == Form::kV03Subtree ? get("sizeKB") : std::nullopt;
    if ((depth_value ? 1 : 0) + (entries_value ? 1 : 0) + (size_kb_value ? 1 : 0) > 1) {
      (entries_value ? *entries_value : *size_kb_value)
          .ErrorExpected("one of depth, entries and sizeKB", "; they all give the capacity");
    } else if (depth_value) {
      if (const std::optional<std::int64_t> depth = depth_value->AsIntIn(util::kCountRange))
        level.capacity_words = *depth * level.vector_words;
    } else if (entries_value) {
      if (const std::optional<std::int64_t> entries = entries_value->AsIntIn(util::kCountRange)) level.capacity_words = *entries;
    } else if (size_kb_value) {
      if (const std::optional<std::int64_t> size_kb = size_kb_value->AsIntIn(util::kCountRange)) {
        level.capacity_words = *size_kb * 1024 * 8 / level.word_bits;
      }
    }
    const std::pair<const char*, std::optional<double>*> bandwidths[] = {
        {"read_bandwidth", &level.read_bandwidth_words_per_cycle},
        {"write_bandwidth", &level.write_bandwidth_words_per_cycle},
        {"shared_bandwidth", &level.shared_bandwidth_words_per_cycle}};
    for (const auto& [key, bandwidth] : bandwidths) {
      if (const std::optional<YamlValue> value = get(key)) *bandwidth = value->AsDoubleIn(util::kBandwidthRange);
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
      if (const std::optional<std::int64_t> cluster = value->AsIntIn(util::kCountRange); cluster && *cluster != 1) {
        value->ErrorExpected("1", "; cluster_size above 1 is not supported yet");
      }
    }
    design_.level_sources.push_back(SourceOf(item, fmt::format("{}, class {}", *name_text, *class_name)));
    storage_.push_back(Component{.name = level.name, .node = item});
    design_.architecture.levels.push_back(std::move(level));
    return ranged->first;
  }

  // A projection: one list per rank, each a sum of terms `[DIM]` or `[DIM, COEFFICIENT]` (Timeloop's
  // problem shape). A rank of one term `[DIM]` is a plain index; any other rank makes the tensor
  // affine (workload::Tensor::affine_indices, a convolution's sliding window). A term that
  // multiplies two dims, or names a dim twice in one tensor, is refused naming the data space.
  bool ReadProjection(const YamlValue& projection, workload::Tensor& tensor, const std::vector<std::string>& dims,
                      const std::vector<std::string>& coefficients) {
    const std::optional<std::vector<YamlValue>> ranks = projection.AsList();
    if (!ranks) return false;
    bool ok = true;
    bool affine = false;
    std::vector<std::vector<workload::IndexTerm>> indices;
    for (const YamlValue& rank : *ranks) {
      const std::vector<YamlValue> terms =
          rank.IsList() ? rank.AsList().value_or(std::vector<YamlValue>{}) : std::vector<YamlValue>{};
      if (terms.empty()) {
        rank.ErrorExpected(fmt::format("a list of terms [DIM] or [DIM, COEFFICIENT] (data space '{}')", tensor.name),
                           "");
        ok = false;
        continue;
      }
      std::vector<workload::IndexTerm> index;
      for (const YamlValue& term : terms) {
        const std::vector<YamlValue> parts =
            term.IsList() && term.Keys().empty() ? term.AsList().value_or(std::vector<YamlValue>{}) : std::vector<YamlValue>{};
        std::vector<std::string> names;
        for (const YamlValue& part : parts) names.push_back(part.AsString().value_or(""));
        const auto is_dim = [&](const std::string& name) {
          return std::find(dims.begin(), dims.end(), name) != dims.end();
        };
        const auto is_coefficient = [&](const std::string& name) {
          return std::find(coefficients.begin(), coefficients.end(), name) != coefficients.end();
        };
        if (names.size() == 2 && is_dim(names[0]) && is_dim(names[1])) {
          term.Error(fmt::format("data space '{}' has a projection term {} that multiplies two dims; loopfront "
                                 "reads terms [DIM] and [DIM, COEFFICIENT] only",
                                 tensor.name, TermsText(rank)));
          ok = false;
          continue;
        }
        if (names.empty() || names.size() > 2 || std::any_of(names.begin(), names.end(), [](const std::string& name) {
              return name.empty();
            })) {
          term.ErrorExpected(fmt::format("a term [DIM] or [DIM, COEFFICIENT] (data space '{}')", tensor.name), "");
          ok = false;
          continue;
        }
        if (!is_dim(names[0])) {
          parts[0].ErrorExpected(fmt::format("a dim of the shape ({})", util::Join(dims, ", ")),
                                 util::DidYouMeanHint(names[0], dims));
          ok = false;
          continue;
        }
        workload::IndexTerm parsed{.dim = static_cast<int>(std::find(dims.begin(), dims.end(), names[0]) - dims.begin())};
        if (names.size() == 2) {
          if (!is_coefficient(names[1])) {
            parts[1].ErrorExpected(
                fmt::format("a coefficient of the shape ({})", coefficients.empty() ? "none" : util::Join(coefficients, ", ")),
                util::DidYouMeanHint(names[1], coefficients));
            ok = false;
            continue;
          }
          parsed.coefficient_name = names[1];
        }
        if (std::find(tensor.dims.begin(), tensor.dims.end(), parsed.dim) != tensor.dims.end()) {
          term.Error(fmt::format("data space '{}' names dim '{}' twice in its projection {}; loopfront supports each "
                                 "dim once per data space",
                                 tensor.name, names[0], TermsText(rank)));
          ok = false;
          continue;
        }
        tensor.dims.push_back(parsed.dim);
        index.push_back(std::move(parsed));
      }
      affine = affine || index.size() != 1 || !index.front().coefficient_name.empty();
      indices.push_back(std::move(index));
    }
    if (affine) tensor.affine_indices = std::move(indices);
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
        split = value->AsIntIn(util::kNonNegativeCountRange).value_or(split);
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

  // The architecture's form, which decides the attribute spellings.
  enum class Form { kV03Subtree, kV04Subtree, kV04Tree };

  ImportedDesign& design_;
  Form form_ = Form::kV04Subtree;
  std::map<std::size_t, std::vector<YamlValue>> parallel_keeps_;  // tree form: level → the data spaces its branch keeps
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
    if (!design.architecture.levels.empty()) {
      importer.ReadEnergies(merged.Get("ERT"), merged.Get("ERT_summary"), *architecture);
      importer.ReadAreas(merged.Get("ART"));
    }
    design.architecture.name = "timeloop";
    if (diagnostics.empty()) importer.CheckArchitecture(*architecture);
  }
  if (problem) problem_ok = importer.ReadProblem(*problem);
  if (problem_ok) importer.ApplyParallelKeeps();
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
  // The tree form's node constraints, for the level each constrains (a container's: its spatial
  // fanout, that of the storage level before it).
  for (const NodeConstraints& node : design.node_constraints) {
    if (node.level.empty()) {
      node.value.Error(
          fmt::format("expected constraints on a storage component or on a container below one, got "
                      "them on '{}', which constrains no storage level",
                      node.node));
      continue;
    }
    if (node.container) {
      for (const char* part : {"temporal", "dataspace"}) {
        if (node.value.HasKey(part)) {
          node.value.Error(
              fmt::format("expected only `spatial` constraints on a container (its fanout), got `{}` on "
                          "'{}'; put them on a storage component",
                          part, node.node));
        }
      }
    }
    ReadNodeConstraints(node.level, node.value, design.constraints);
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

#include "loopfront/experiment/experiment.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <set>

#include "loopfront/arch/loader.h"
#include "loopfront/arch/overrides.h"
#include "loopfront/io/param_reader.h"
#include "loopfront/util/checked.h"
#include "loopfront/util/error.h"
#include "loopfront/util/hash.h"
#include "loopfront/util/ranges.h"
#include "loopfront/util/strings.h"
#include "loopfront/workload/loader.h"
#include "loopfront/workload/shape_sweep.h"

namespace loopfront::experiment {
namespace {

const std::vector<std::string> kFusionChoices = {"none", "auto"};

// A value or a list of values (a sweep); an empty list is an error. Elements keep their positions.
std::vector<io::YamlValue> ValuesOf(const io::YamlValue& value) {
  if (!value.IsList()) return {value};
  std::optional<std::vector<io::YamlValue>> items = value.AsList();
  if (!items) return {};
  if (items->empty()) value.ErrorExpected("a value or a non-empty list of values to sweep");
  return *items;
}

// Re-reports `error`'s diagnostics: those with a file of their own (a workload or architecture file)
// as they are, the others at `at`, prefixed with `prefix`. Identical messages are reported once.
void Reposition(const util::ConfigError& error, const io::YamlValue& at, const std::string& prefix,
                std::set<std::string>& reported) {
  for (const util::Diagnostic& diagnostic : error.diagnostics()) {
    util::Diagnostic moved = diagnostic;
    if (diagnostic.file.empty() || diagnostic.line == 0) {
      // A registry's message names its key ("searcher: expected ..."): the position says it already.
      std::string message = diagnostic.message;
      std::vector<std::string> keys = util::Split(at.path(), '.');
      if (keys.empty()) keys.emplace_back();
      if (diagnostic.path.empty() && message.starts_with(keys.back() + ": ")) {
        message = message.substr(keys.back().size() + 2);
      }
      const std::string path = diagnostic.path == keys.back() ? std::string() : diagnostic.path;
      moved = util::Diagnostic{.file = at.file(),
                               .line = at.line(),
                               .column = at.column(),
                               .path = at.path(),
                               .message = prefix + (path.empty() ? "" : path + ": ") + message};
    }
    if (reported.insert(moved.ToString()).second) at.diagnostics().Add(std::move(moved));
  }
}

// Calls `visit` with every combination of one index per axis (the last axis varying fastest).
void ForEachCombination(const std::vector<std::size_t>& sizes,
                        const std::function<void(const std::vector<std::size_t>&)>& visit) {
  for (const std::size_t size : sizes) {
    if (size == 0) return;
  }
  std::vector<std::size_t> combination(sizes.size(), 0);
  while (true) {
    visit(combination);
    std::size_t axis = sizes.size();
    while (axis > 0) {
      --axis;
      if (++combination[axis] < sizes[axis]) break;
      combination[axis] = 0;
      if (axis == 0) return;
    }
    if (sizes.empty()) return;
  }
}

// One swept workload key (`sweep: {transformer.heads: [4, 8]}`) with its values, each as flow YAML.
struct WorkloadAxis {
  std::string key;
  io::YamlValue at;
  std::vector<std::string> values;
};

// The entry's `sweep:` keys; false when any is unreadable (reported). The entry's own keys
// (`seq_len`, `batch`, `phase`, `kv_len`) set those values already: sweeping them too is an error.
bool ReadWorkloadSweep(const io::YamlValue& value, const io::YamlMap& entry, std::vector<WorkloadAxis>& axes) {
  std::optional<io::YamlMap> sweep = value.AsOpenMap();
  if (!sweep) return false;
  if (sweep->entries().empty()) value.ErrorExpected("a mapping of dotted keys transformer.KEY to values to sweep");
  bool ok = !sweep->entries().empty();
  for (const io::YamlMap::Entry& item : sweep->entries()) {
    std::optional<std::string> key = item.key.AsString();
    if (!key) {
      ok = false;
      continue;
    }
    if (!key->starts_with(workload::kSweepKeyPrefix) || key->size() == workload::kSweepKeyPrefix.size()) {
      item.key.ErrorExpected("a dotted workload key transformer.KEY (e.g. transformer.heads, transformer.moe.experts)");
      ok = false;
      continue;
    }
    const std::string own = key->substr(workload::kSweepKeyPrefix.size());
    if (entry.Has(own)) {
      item.key.ErrorExpected(fmt::format("a key the entry does not set itself, got '{}'", *key),
                             fmt::format("; the entry's own key '{}' sets it: give the values there", own));
      ok = false;
      continue;
    }
    WorkloadAxis axis{.key = *key, .at = item.key, .values = {}};
    for (const io::YamlValue& swept : ValuesOf(item.value)) {
      // A list inside the list is one value: a per-layer key (`[[12, 6, 12, 8, 10, 6]]`).
      axis.values.push_back(swept.IsScalar() ? swept.Text() : swept.FlowText());
    }
    if (axis.values.empty()) ok = false;
    axes.push_back(std::move(axis));
  }
  return ok;
}

// Reports `error` (from loading a swept workload) at the sweep key each problem concerns: the key
// that is its path (or whose last component ends it), else the key its message names; a problem
// of the swept workload that names no key at `sweep`; any other (the workload as written, the
// entry's values) as Reposition does. A problem is reported once per key and text, with the
// settings of the first combination that shows it.
void RepositionSwept(const util::ConfigError& error, const std::vector<WorkloadAxis>& axes, const io::YamlValue& sweep,
                     const std::optional<io::YamlValue>& blocks_only, const io::YamlValue& model,
                     std::set<std::string>& reported) {
  for (const util::Diagnostic& diagnostic : error.diagnostics()) {
    if (!diagnostic.file.empty() && diagnostic.line != 0) {
      Reposition(util::ConfigError(std::vector<util::Diagnostic>{diagnostic}), model, "", reported);
      continue;
    }
    // The problem itself, without the title naming the settings (workload/shape_sweep.h).
    const std::string marker = " is not valid: ";
    const std::size_t title_end = diagnostic.message.find(marker);
    const std::string problem =
        title_end == std::string::npos ? diagnostic.message : diagnostic.message.substr(title_end + marker.size());
    const WorkloadAxis* axis_at = nullptr;
    for (const WorkloadAxis& axis : axes) {
      const std::string last = util::Split(axis.key, '.').back();
      if (diagnostic.path == axis.key || diagnostic.path.ends_with("." + last)) axis_at = &axis;
    }
    for (const WorkloadAxis& axis : axes) {
      if (axis_at == nullptr && problem.find(util::Split(axis.key, '.').back()) != std::string::npos) axis_at = &axis;
    }
    const io::YamlValue* at = axis_at != nullptr ? &axis_at->at : nullptr;
    if (at == nullptr && blocks_only && diagnostic.path == "blocks_only") at = &*blocks_only;
    if (at == nullptr && title_end != std::string::npos) at = &sweep;
    if (at == nullptr) {
      Reposition(util::ConfigError(std::vector<util::Diagnostic>{diagnostic}), model, "", reported);
      continue;
    }
    const bool own_path = (axis_at != nullptr && diagnostic.path == axis_at->key) || diagnostic.path == "blocks_only";
    const std::string path = own_path || diagnostic.path.empty() ? std::string() : diagnostic.path + ": ";
    if (!reported.insert(fmt::format("{}:{}:{}{}", at->line(), at->column(), path, problem)).second) continue;
    at->Error(path + diagnostic.message);
  }
}

void ReadWorkloads(const io::YamlValue& value, Experiment& experiment) {
  std::optional<std::vector<io::YamlValue>> entries = value.AsList();
  if (!entries) return;
  if (entries->empty()) value.ErrorExpected("a non-empty list of workloads");
  std::set<std::string> reported;
  for (const io::YamlValue& entry_value : *entries) {
    std::optional<io::YamlMap> entry =
        entry_value.AsMap({"model", "seq_len", "batch", "phase", "kv_len", "kv_buckets", "sweep", "blocks_only"});
    if (!entry) continue;
    std::optional<io::YamlValue> model = entry->Require("model", "a workload preset name or file");
    if (!model) continue;
    bool ok = true;
    std::vector<std::pair<std::string, io::YamlValue>> models;
    for (const io::YamlValue& item : ValuesOf(*model)) {
      if (std::optional<std::string> text = item.AsString()) {
        models.emplace_back(*text, item);
      } else {
        ok = false;
      }
    }
    auto read_ints = [&](const std::string& key) {
      std::vector<std::optional<std::int64_t>> values;
      if (std::optional<io::YamlValue> given = entry->Get(key)) {
        for (const io::YamlValue& item : ValuesOf(*given)) {
          // kv_buckets becomes an int bucket count; the others are token and sequence counts.
          std::optional<std::int64_t> number =
              item.AsIntIn(key == "kv_buckets" ? util::kKvBucketsRange : util::kCountRange);
          if (!number) ok = false;
          values.push_back(number);
        }
      } else {
        values.emplace_back(std::nullopt);
      }
      return values;
    };
    const std::vector<std::optional<std::int64_t>> seq_lens = read_ints("seq_len");
    const std::vector<std::optional<std::int64_t>> batches = read_ints("batch");
    const std::vector<std::optional<std::int64_t>> kv_lens = read_ints("kv_len");
    const std::vector<std::optional<std::int64_t>> kv_buckets = read_ints("kv_buckets");
    std::vector<std::optional<workload::Phase>> phases;
    if (std::optional<io::YamlValue> given = entry->Get("phase")) {
      for (const io::YamlValue& item : ValuesOf(*given)) {
        std::optional<std::string> text = item.AsChoice(workload::PhaseNames());
        if (!text) {
          ok = false;
          continue;
        }
        phases.push_back(workload::ParsePhase(*text));
      }
    } else {
      phases.emplace_back(std::nullopt);
    }
    bool blocks_only = false;
    const std::optional<io::YamlValue> blocks_only_value = entry->Get("blocks_only");
    if (const std::optional<io::YamlValue>& given = blocks_only_value) {
      if (std::optional<bool> flag = given->AsBool()) {
        blocks_only = *flag;
      } else {
        ok = false;
      }
    }
    std::vector<WorkloadAxis> axes;
    const std::optional<io::YamlValue> sweep = entry->Get("sweep");
    if (sweep && !ReadWorkloadSweep(*sweep, *entry, axes)) ok = false;
    if (!ok) {
      // The values are not all readable; still check the workloads themselves.
      for (const auto& [name, at] : models) {
        try {
          workload::LoadWorkloadSpec(name);
        } catch (const util::ConfigError& error) {
          Reposition(error, at, "", reported);
        }
      }
      continue;
    }
    std::vector<std::size_t> sizes = {models.size(), seq_lens.size(), batches.size(),
                                      phases.size(), kv_lens.size(),  kv_buckets.size()};
    for (const WorkloadAxis& axis : axes) sizes.push_back(axis.values.size());
    ForEachCombination(sizes, [&](const std::vector<std::size_t>& at) {
      ModelRequest request{.model = models[at[0]].first,
                           .seq_len = seq_lens[at[1]],
                           .batch = batches[at[2]],
                           .phase = phases[at[3]],
                           .kv_len = kv_lens[at[4]],
                           .kv_buckets = static_cast<int>(kv_buckets[at[5]].value_or(workload::kDefaultKvBuckets)),
                           .sweep = {},
                           .blocks_only = blocks_only};
      for (std::size_t axis = 0; axis < axes.size(); ++axis) {
        request.sweep.push_back({axes[axis].key, axes[axis].values[at[6 + axis]]});
      }
      try {
        workload::LoadSweptWorkloadSpec(
            request.model, request.sweep,
            workload::WorkloadOverrides{
                .seq_len = request.seq_len, .batch = request.batch, .phase = request.phase, .kv_len = request.kv_len},
            request.blocks_only);
        experiment.workloads.push_back(request);
      } catch (const util::ConfigError& error) {
        if (sweep || blocks_only) {
          const io::YamlValue& sweep_at = sweep ? *sweep : *blocks_only_value;
          RepositionSwept(error, axes, sweep_at, blocks_only_value, models[at[0]].second, reported);
        } else {
          Reposition(error, models[at[0]].second, "", reported);
        }
      }
    });
  }
}

void ReadArchitectures(const io::YamlValue& value, Experiment& experiment) {
  std::optional<std::vector<io::YamlValue>> entries = value.AsList();
  if (!entries) return;
  if (entries->empty()) value.ErrorExpected("a non-empty list of architectures");
  for (const io::YamlValue& entry_value : *entries) {
    std::set<std::string> reported;
    std::optional<io::YamlMap> entry = entry_value.AsMap({"arch", "sweep"});
    if (!entry) continue;
    std::optional<io::YamlValue> arch_value = entry->Require("arch", "an architecture preset name or file");
    if (!arch_value) continue;
    std::optional<std::string> name = arch_value->AsString();
    if (!name) continue;
    ArchitectureChoice base{.arch = *name, .sweep = {}, .architecture = {}};
    try {
      base.architecture = arch::LoadArchitecture(*name);
    } catch (const util::ConfigError& error) {
      Reposition(error, *arch_value, "", reported);
      continue;
    }
    std::optional<io::YamlValue> sweep_value = entry->Get("sweep");
    if (!sweep_value) {
      experiment.architectures.push_back(std::move(base));
      continue;
    }
    std::optional<io::YamlMap> sweep = sweep_value->AsOpenMap();
    if (!sweep) continue;
    struct Axis {
      std::string key;
      io::YamlValue at;
      std::vector<io::YamlValue> values;
    };
    std::vector<Axis> axes;
    bool ok = true;
    for (const io::YamlMap::Entry& item : sweep->entries()) {
      std::optional<std::string> key = item.key.AsString();
      if (!key) {
        ok = false;
        continue;
      }
      Axis axis{.key = *key, .at = item.key, .values = {}};
      for (const io::YamlValue& swept : ValuesOf(item.value)) {
        if (!swept.IsScalar()) {
          swept.ErrorExpected("a scalar value (a number, a word or true/false)");
          ok = false;
          continue;
        }
        axis.values.push_back(swept);
      }
      if (axis.values.empty()) ok = false;
      axes.push_back(std::move(axis));
    }
    if (!ok) continue;
    std::vector<std::size_t> sizes;
    for (const Axis& axis : axes) sizes.push_back(axis.values.size());
    ForEachCombination(sizes, [&](const std::vector<std::size_t>& at) {
      std::vector<arch::Override> overrides;
      ArchitectureChoice choice{.arch = base.arch, .sweep = {}, .architecture = {}};
      for (std::size_t axis = 0; axis < axes.size(); ++axis) {
        const io::YamlValue& swept = axes[axis].values[at[axis]];
        overrides.push_back({axes[axis].key, swept.Text(), axes[axis].at});
        choice.sweep.emplace_back(axes[axis].key, swept.Text());
      }
      if (std::optional<arch::Architecture> architecture =
              arch::ApplyOverrides(base.architecture, base.arch, overrides, *sweep_value, reported)) {
        choice.architecture = std::move(*architecture);
        experiment.architectures.push_back(std::move(choice));
      }
    });
  }
}

// The canonical text of a plug-in's `params:` mapping, for point ids: `key=value` in flow YAML,
// sorted, comma-separated.
std::string ParamsText(const io::YamlValue& params) {
  std::vector<std::string> assignments;
  // Read a second time (the registry read it first and reported its problems).
  util::Diagnostics reported_already;
  const std::optional<io::YamlMap> entries = params.ReportingTo(reported_already).AsOpenMap();
  if (!entries) return "";
  for (const io::YamlMap::Entry& entry : entries->entries()) {
    assignments.push_back(fmt::format("{}={}", entry.key.FlowText(), entry.value.FlowText()));
  }
  std::sort(assignments.begin(), assignments.end());
  return util::Join(assignments, ",");
}

void ReadSearch(const io::YamlValue& value, Experiment& experiment) {
  std::optional<io::YamlMap> search = value.AsMap({"searcher", "params", "objectives", "budget", "seed", "tilings"});
  if (!search) return;
  SearchSettings& settings = experiment.search;
  std::optional<io::YamlValue> searcher_value = search->Get("searcher");
  if (searcher_value) {
    if (std::optional<std::string> name = searcher_value->AsString()) settings.searcher = *name;
  }
  std::optional<io::YamlValue> params = search->Get("params");
  std::set<std::string> reported;
  try {
    util::Diagnostics& diagnostics = value.diagnostics();
    const std::size_t before = diagnostics.size();
    std::unique_ptr<search::Searcher> searcher =
        params ? io::CreateFromYaml(search::BuiltinSearchers(), settings.searcher, *params)
               : search::BuiltinSearchers().Create(settings.searcher);
    if (searcher && searcher->fixed_schedule()) {
      // An experiment searches whole models: a fixed matmul schedule cannot map their vector ops
      // (planner/model_search.h refuses it too; said here, at load time, with the position).
      (searcher_value ? *searcher_value : value)
          .ErrorExpected("a searcher of the mapspace (random, genetic, annealing or exhaustive)",
                         "; an experiment searches whole models, and " + settings.searcher +
                             " is a fixed schedule of one matmul: use it on one op, with `loopfront search --op ... "
                             "--searcher " +
                             settings.searcher + "` or `--baseline " + settings.searcher + "`");
    } else if (searcher && diagnostics.size() == before) {
      experiment.searcher = std::move(searcher);
    }
  } catch (const util::ConfigError& error) {
    Reposition(error, searcher_value ? *searcher_value : value, "", reported);
  }
  if (params && params->IsMap()) settings.params_text = ParamsText(*params);
  if (std::optional<io::YamlValue> objectives = search->Get("objectives")) {
    std::vector<std::string> names;
    for (const io::YamlValue& item : ValuesOf(*objectives)) {
      if (std::optional<std::string> name = item.AsString()) names.push_back(*name);
    }
    const std::string text = util::Join(names, ",");
    const std::optional<search::Objective> objective = search::ParseObjective(text);
    if (!objective || *objective != search::Objective::kLatencyEnergy) {
      objectives->Error(
          fmt::format("expected [latency, energy] (an experiment finds latency-energy fronts), got '{}'", text));
    }
  }
  if (std::optional<io::YamlValue> budget_value = search->Get("budget")) {
    if (std::optional<io::YamlMap> budget = budget_value->AsMap({"evaluations", "seconds", "stall"})) {
      search::Budget read{.max_evaluations = 0, .max_seconds = 0.0, .max_stall_steps = 0};
      bool readable = true;  // a limit out of its range is reported as such, not also as "no limit"
      if (auto evaluations = budget->Get("evaluations")) {
        const std::optional<std::int64_t> number = evaluations->AsIntIn(util::kNonNegativeCountRange);
        readable = readable && number.has_value();
        read.max_evaluations = number.value_or(0);
      }
      if (auto seconds = budget->Get("seconds")) {
        const std::optional<double> number = seconds->AsDoubleIn(util::kSecondsRange);
        readable = readable && number.has_value();
        read.max_seconds = number.value_or(0.0);
      }
      if (auto stall = budget->Get("stall")) {
        const std::optional<std::int64_t> number = stall->AsIntIn(util::kNonNegativeCountRange);
        readable = readable && number.has_value();
        read.max_stall_steps = number.value_or(0);
      }
      if (readable && read.max_evaluations == 0 && read.max_seconds == 0.0 && read.max_stall_steps == 0) {
        budget_value->ErrorExpected("a budget with at least one positive limit (evaluations, seconds or stall)");
      }
      settings.budget = read;
    }
  }
  if (std::optional<io::YamlValue> seed = search->Get("seed")) {
    if (std::optional<std::int64_t> number = seed->AsIntIn(util::kSeedRange))
      settings.seed = static_cast<std::uint64_t>(*number);
  }
  if (std::optional<io::YamlValue> tilings = search->Get("tilings")) {
    if (std::optional<std::int64_t> number = tilings->AsPositiveInt()) {
      if (*number > 10000) {
        tilings->ErrorExpected("at most 10000 tilings");
      } else {
        settings.tilings = static_cast<int>(*number);
      }
    }
  }
}

// A plug-in chosen in the file (`cost_model:`, `baseline:`) and the canonical text of its parameters.
template <typename Interface>
struct PluginChoice {
  std::string name;
  std::string params_text{};            // canonical `key=value,...` text of `params:`; empty: none
  std::unique_ptr<Interface> plugin{};  // null when the choice has problems (reported)
};

// `<key>: <name>`, or `<key>: {name: <name>, params: {...}}` with the plug-in's declared
// parameters: an unknown name lists the valid ones (with "did you mean"), parameters are checked as
// `search.params` are; every problem is reported at its position.
template <typename Interface>
PluginChoice<Interface> ReadPlugin(const io::YamlValue& value, const io::YamlValue& root,
                                   const util::Registry<Interface>& registry) {
  PluginChoice<Interface> choice;
  if (value.IsMap()) {
    std::optional<io::YamlMap> map = value.AsMap({"name", "params"});
    if (!map) return choice;
    std::optional<io::YamlValue> name_value = map->Require("name", "a " + registry.kind().key + " name");
    if (!name_value) return choice;
    std::optional<std::string> name = name_value->AsChoice(registry.Names());
    if (!name) return choice;
    choice.name = *name;
    std::optional<io::YamlValue> params = map->Get("params");
    if (!params) {
      choice.plugin = registry.Create(*name);
      return choice;
    }
    util::Diagnostics& diagnostics = root.diagnostics();
    const std::size_t before = diagnostics.size();
    std::unique_ptr<Interface> plugin = io::CreateFromYaml(registry, *name, *params);
    if (diagnostics.size() == before) choice.plugin = std::move(plugin);
    if (params->IsMap()) choice.params_text = ParamsText(*params);
    return choice;
  }
  std::optional<std::string> name = value.AsString();
  if (!name) return choice;
  choice.name = *name;
  try {
    choice.plugin = registry.Create(choice.name);
  } catch (const util::ConfigError& error) {
    std::set<std::string> reported;
    Reposition(error, value, "", reported);
  }
  return choice;
}

// `cost_model:` as ReadPlugin reads it; absent: the default model.
void ReadCostModel(const std::optional<io::YamlValue>& value, const io::YamlValue& root, Experiment& experiment) {
  const cost::CostModelRegistry& registry = cost::BuiltinCostModels();
  if (!value) {
    experiment.cost_model = registry.Create(experiment.cost_model_name);
    return;
  }
  PluginChoice<cost::CostModel> choice = ReadPlugin(*value, root, registry);
  if (!choice.name.empty()) experiment.cost_model_name = choice.name;
  experiment.cost_params_text = choice.params_text;
  experiment.cost_model = std::move(choice.plugin);
}

// `baseline:` as ReadPlugin reads it, a searcher (planner/baseline_model.h); absent: none.
void ReadBaseline(const io::YamlValue& value, const io::YamlValue& root, Experiment& experiment) {
  PluginChoice<search::Searcher> choice = ReadPlugin(value, root, search::BuiltinSearchers());
  experiment.baseline.name = choice.name;
  experiment.baseline.params_text = choice.params_text;
  experiment.baseline.searcher = std::move(choice.plugin);
}

// `random_mappings: {ops: [...], samples: N}`; every op must exist in every workload of the sweep.
void ReadRandomMappings(const io::YamlValue& value, Experiment& experiment) {
  std::optional<io::YamlMap> map = value.AsMap({"ops", "samples"});
  if (!map) return;
  RandomMappings& random = experiment.random_mappings;
  if (auto samples = map->Require("samples", "the number of random valid mappings per op")) {
    random.samples = samples->AsIntIn(util::kCountRange).value_or(0);
  }
  std::optional<io::YamlValue> ops = map->Require("ops", "a list of op names");
  if (!ops) return;
  std::vector<std::pair<std::string, io::YamlValue>> names;
  for (const io::YamlValue& item : ValuesOf(*ops)) {
    if (std::optional<std::string> name = item.AsString()) names.emplace_back(*name, item);
  }
  std::set<std::string> reported;
  for (const ModelRequest& request : experiment.workloads) {
    try {
      const ResolvedModel model = ResolveModel(request);
      const workload::Workload& workload = model.parts.front().workload;
      std::vector<std::string> op_names;
      for (std::size_t id = 0; id < workload.NumOps(); ++id) op_names.push_back(workload.op(id).name);
      for (const auto& [name, at] : names) {
        if (std::find(op_names.begin(), op_names.end(), name) != op_names.end()) continue;
        if (!reported.insert(model.identity.model + "/" + name).second) continue;
        at.Error(fmt::format("expected an op of workload '{}' ({}), got '{}'{}", model.identity.model,
                             util::Join(op_names, ", "), name, util::DidYouMeanHint(name, op_names)));
      }
    } catch (const util::ConfigError&) {
      // Reported with the workload.
    }
  }
  for (const auto& [name, at] : names) random.ops.push_back(name);
}

// How many values a key sweeps: a list's length, else 1 (read without reporting: the readers report).
std::int64_t SweptCount(const std::optional<io::YamlValue>& value) {
  if (!value || !value->IsList()) return 1;
  util::Diagnostics ignored;
  const std::optional<std::vector<io::YamlValue>> items = value->ReportingTo(ignored).AsList();
  return items ? std::max<std::int64_t>(1, static_cast<std::int64_t>(items->size())) : 1;
}

// The points an experiment expands into, counted from its lists' lengths alone (nothing is loaded
// or allocated per point), overflow-checked: nullopt beyond 2^63 - 1.
struct PointCount {
  std::optional<std::int64_t> workloads = 0;
  std::optional<std::int64_t> architectures = 0;
  std::int64_t fusions = 1;
  std::optional<std::int64_t> total() const {
    if (!workloads || !architectures) return std::nullopt;
    return util::CheckedProduct({*workloads, *architectures, fusions});
  }
};

// Σ over a list's entries of the product of their swept keys' counts; `keys` empty: every key of `sweep:`.
std::optional<std::int64_t> CountEntries(const io::YamlValue& list, const std::vector<std::string>& keys) {
  util::Diagnostics ignored;
  const std::optional<std::vector<io::YamlValue>> entries = list.ReportingTo(ignored).AsList();
  if (!entries) return 0;
  std::optional<std::int64_t> sum = 0;
  for (const io::YamlValue& entry_value : *entries) {
    const std::optional<io::YamlMap> entry = entry_value.ReportingTo(ignored).AsOpenMap();
    if (!entry) continue;
    std::optional<std::int64_t> product = 1;
    for (const std::string& key : keys) {
      if (product) product = util::CheckedMul(*product, SweptCount(entry->Get(key)));
    }
    if (const std::optional<io::YamlValue> sweep = entry->Get("sweep")) {
      if (const std::optional<io::YamlMap> axes = sweep->ReportingTo(ignored).AsOpenMap()) {
        for (const io::YamlMap::Entry& axis : axes->entries()) {
          if (product) product = util::CheckedMul(*product, SweptCount(axis.value));
        }
      }
    }
    if (!product || !sum) return std::nullopt;
    sum = util::CheckedAdd(*sum, *product);
  }
  return sum;
}

std::string CountText(const std::optional<std::int64_t>& count) {
  return count ? std::to_string(*count) : std::string("more than 9223372036854775807");
}

// A name that is one safe file-name component (the default output folder is results/<name>): a
// letter or digit, then letters, digits, `.`, `_`, `-`, `+`; at most 128 characters.
bool IsSafeName(const std::string& name) {
  if (name.empty() || name.size() > 128 || !std::isalnum(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char character) {
    return std::isalnum(static_cast<unsigned char>(character)) || character == '.' || character == '_' ||
           character == '-' || character == '+';
  });
}

nlohmann::ordered_json OptionalNumber(const std::optional<std::int64_t>& value) {
  if (!value) return nullptr;
  return *value;
}

}  // namespace

Experiment ReadExperimentDocument(const io::YamlDocument& document, const std::string& default_name,
                                  const LoadLimits& limits) {
  const io::YamlValue root = document.root();
  util::Diagnostics& diagnostics = root.diagnostics();
  Experiment experiment;
  experiment.name = default_name;
  experiment.file = document.file();
  std::optional<io::YamlMap> map = root.AsMap({"name", "workloads", "architectures", "search", "fusion", "cost_model",
                                               "baseline", "threads", "output", "random_mappings"});
  if (map) {
    if (auto name = map->Get("name")) {
      if (std::optional<std::string> text = name->AsString()) {
        if (IsSafeName(*text)) {
          experiment.name = *text;
        } else {
          name->ErrorExpected(
              "a name usable as a folder name (a letter or digit, then letters, digits, '.', '_', '-', '+'; at most "
              "128 characters)",
              "; the default output folder is results/<name>");
        }
      }
    }
    // Counted before anything is expanded: a few lines can describe billions of points.
    PointCount count;
    const std::optional<io::YamlValue> workloads = map->Get("workloads");
    const std::optional<io::YamlValue> architectures = map->Get("architectures");
    if (workloads)
      count.workloads = CountEntries(*workloads, {"model", "seq_len", "batch", "phase", "kv_len", "kv_buckets"});
    if (architectures) count.architectures = CountEntries(*architectures, {});
    count.fusions = SweptCount(map->Get("fusion"));
    const std::optional<std::int64_t> total = count.total();
    const bool too_many = !total || *total > limits.max_points;
    if (too_many) {
      (workloads ? *workloads : root)
          .Error(fmt::format("expected at most {} points (raise the limit with --max-points), got {}: {} workloads × "
                             "{} architectures × {} fusion settings",
                             limits.max_points, CountText(total), CountText(count.workloads),
                             CountText(count.architectures), count.fusions));
    }
    if (workloads && !too_many) {
      ReadWorkloads(*workloads, experiment);
    } else if (!workloads) {
      map->Require("workloads", "a list of workloads");
    }
    if (architectures && !too_many) {
      ReadArchitectures(*architectures, experiment);
    } else if (!architectures) {
      map->Require("architectures", "a list of architectures");
    }
    if (auto search = map->Get("search")) {
      ReadSearch(*search, experiment);
    } else {
      experiment.searcher = search::BuiltinSearchers().Create(experiment.search.searcher);
    }
    if (auto fusion = map->Get("fusion")) {
      for (const io::YamlValue& item : ValuesOf(*fusion)) {
        if (std::optional<std::string> choice = item.AsChoice(kFusionChoices)) experiment.fusions.push_back(*choice);
      }
    } else {
      experiment.fusions = {"auto"};
    }
    ReadCostModel(map->Get("cost_model"), root, experiment);
    if (auto baseline = map->Get("baseline")) ReadBaseline(*baseline, root, experiment);
    if (auto threads = map->Get("threads")) {
      // 0 = every CPU this process may use (util::DefaultThreadCount), else as `--threads`.
      if (std::optional<std::int64_t> number = threads->AsIntIn(util::IntRange{0, util::kThreadsRange.max})) {
        experiment.threads = static_cast<int>(*number);
      }
    }
    if (auto output = map->Get("output")) experiment.output = output->AsString().value_or("");
    if (auto random = map->Get("random_mappings")) ReadRandomMappings(*random, experiment);
  }
  if (experiment.output.empty()) experiment.output = "results/" + experiment.name;
  diagnostics.ThrowIfAny();
  return experiment;
}

Experiment LoadExperiment(const std::string& path, const LoadLimits& limits) {
  util::Diagnostics diagnostics;
  const io::YamlDocument document = io::YamlDocument::LoadFile(path, diagnostics);
  diagnostics.ThrowIfAny();
  return ReadExperimentDocument(document, DefaultName(path), limits);
}

std::string DefaultName(const std::string& path) {
  const std::string stem = std::filesystem::path(path).stem().string();
  // A stem holds no '/', but "." or a leading dot would make results/<name> the results folder itself
  // or a hidden one.
  return stem.empty() || stem.front() == '.' ? "experiment" + stem : stem;
}

std::string PointId(const nlohmann::ordered_json& config) {
  return fmt::format("{:012x}", util::Fnv1a64(config.dump()) >> 16);
}

std::vector<Point> ExpandPoints(const Experiment& experiment) {
  std::vector<Point> points;
  for (const ModelRequest& request : experiment.workloads) {
    for (const ArchitectureChoice& choice : experiment.architectures) {
      for (const std::string& fusion : experiment.fusions) {
        Point point;
        point.index = static_cast<std::int64_t>(points.size());
        point.workload = request;
        point.architecture = &choice;
        point.fusion = fusion;
        nlohmann::ordered_json sweep = nlohmann::ordered_json::object();
        for (const auto& [key, value] : choice.sweep) sweep[key] = value;
        const search::Budget& budget = experiment.search.budget;
        point.config = {
            {"model", request.model},
            {"seq_len", OptionalNumber(request.seq_len)},
            {"batch", OptionalNumber(request.batch)},
            {"phase", request.phase ? nlohmann::ordered_json(std::string(workload::ToString(*request.phase)))
                                    : nlohmann::ordered_json(nullptr)},
            {"kv_len", OptionalNumber(request.kv_len)},
            {"kv_buckets", request.kv_buckets},
            {"arch", choice.arch},
            {"sweep", sweep},
            {"fusion", fusion},
            {"searcher", experiment.search.searcher},
            {"params", experiment.search.params_text},
            {"objectives", std::string(search::ToString(experiment.search.objective))},
            {"cost_model", experiment.cost_model_name},
            {"budget",
             {{"evaluations", budget.max_evaluations},
              {"seconds", budget.max_seconds},
              {"stall", budget.max_stall_steps}}},
            {"seed", experiment.search.seed},
            {"tilings", experiment.search.tilings},
        };
        // Only when given, so that the ids of points without cost-model parameters stay as they were.
        if (!experiment.cost_params_text.empty()) point.config["cost_params"] = experiment.cost_params_text;
        // Likewise only with a baseline: the ids of points without one stay as they were.
        if (experiment.baseline.searcher) {
          point.config["baseline"] = {{"name", experiment.baseline.name}, {"params", experiment.baseline.params_text}};
        }
        // Only when set, so that the ids of points without them stay as they were.
        if (request.blocks_only) point.config["blocks_only"] = true;
        if (!request.sweep.empty()) {
          nlohmann::ordered_json workload_sweep = nlohmann::ordered_json::object();
          for (const workload::KeySetting& setting : request.sweep) workload_sweep[setting.key] = setting.value;
          point.config["workload_sweep"] = workload_sweep;
        }
        if (!experiment.random_mappings.ops.empty()) {
          point.config["random_mappings"] = {{"ops", experiment.random_mappings.ops},
                                             {"samples", experiment.random_mappings.samples}};
        }
        point.id = PointId(point.config);
        points.push_back(std::move(point));
      }
    }
  }
  return points;
}

void ApplySearchOverrides(Experiment& experiment, const SearchOverrides& overrides) {
  search::Budget& budget = experiment.search.budget;
  if (overrides.budget_evaluations) {
    budget.max_evaluations = *overrides.budget_evaluations;
    // A quick run samples no more random mappings per op than it evaluates per search.
    experiment.random_mappings.samples = std::min(experiment.random_mappings.samples, *overrides.budget_evaluations);
    if (!overrides.budget_seconds) budget.max_seconds = 0.0;
  }
  if (overrides.budget_seconds) {
    budget.max_seconds = *overrides.budget_seconds;
    if (!overrides.budget_evaluations) budget.max_evaluations = 0;
  }
  if (budget.max_evaluations == 0 && budget.max_seconds == 0.0 && budget.max_stall_steps == 0) {
    throw util::ConfigError("--budget-evals 0 and --budget-seconds 0: expected at least one positive limit");
  }
  if (overrides.seed) experiment.search.seed = *overrides.seed;
}

}  // namespace loopfront::experiment

// An experiment (DESIGN §2.9; every key documented in docs/experiments.md): one YAML file that
// describes a sweep of workloads × architectures × fusion settings, searched with one searcher
// and cost model. Reading it checks everything a run would need — every preset name, every swept
// architecture key and value (each swept architecture goes through the normal architecture
// checks), the searcher and its parameters, the cost model — and reports every problem at once as
// `file:line:col: key.path: message` (io/yaml_reader.h), through one util::ConfigError.
//
// Expansion: the points are the cross product, in a stable order: workload entries in file order,
// each expanded over its listed values (model × seq_len × batch × phase × kv_len × kv_buckets × its
// swept `transformer.*` keys in file order, the last varying fastest; workload/shape_sweep.h); then architecture entries in file order, each over its sweep keys in file
// order; then the fusion settings in file order. A point's id is FNV-1a 64 of the canonical JSON
// text of its resolved configuration (workload request and, when given, its swept workload keys,
// architecture name and swept values,
// fusion, searcher and parameters, objectives, cost model, budget, seed, tilings, and the random
// mapping sampling, the cost model's parameters and the baseline when there are any), its top 48
// bits as 12 hex digits. It does not depend on the output directory, the thread count or the point's position, so
// a rerun with the same settings finds the same ids (resume); different settings collide with
// probability ~n²/2⁴⁹ for n points.
//
// Units: budget seconds in s; architecture values in the units of their keys (docs/architectures.md).
// Thread-safety: an Experiment is immutable after loading; its searcher and cost model are used
// concurrently through their const interfaces.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loopfront/arch/architecture.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/experiment/model_input.h"
#include "loopfront/io/yaml_reader.h"
#include "loopfront/search/searcher.h"
#include "loopfront/util/ranges.h"

namespace loopfront::experiment {

// The top-level key that identifies an experiment document (`loopfront validate`).
inline constexpr std::string_view kExperimentKey = "workloads";

// One architecture of the sweep: a preset or file with zero or more swept keys set.
struct ArchitectureChoice {
  std::string arch;                                        // as written: preset name or path
  std::vector<std::pair<std::string, std::string>> sweep;  // dotted key → value text, in file order
  arch::Architecture architecture;                         // with the sweep applied, checked
};

struct SearchSettings {
  std::string searcher = "genetic";
  std::string params_text{};  // canonical `key=value,...` text of search.params (sorted keys)
  search::Objective objective = search::Objective::kLatencyEnergy;
  search::Budget budget{
      .max_evaluations = planner::kDefaultModelOpEvaluations, .max_seconds = 0.0, .max_stall_steps = 0};
  std::uint64_t seed = 1;
  int tilings = planner::kDefaultScreenedTilings;
};

// Random valid mappings sampled per op (survey Sec. 5.5.1, Fig. 19): for each named op of each
// point's workload (its first part: the prefill pass, or the first decode bucket), `samples`
// mappings drawn uniformly from the op's mapspace that fit every buffer and fanout, with their EDP
// relative to the best EDP known for the op (the samples' and the search front's). Empty `ops`:
// none.
struct RandomMappings {
  std::vector<std::string> ops{};
  std::int64_t samples = 0;
};

// The schedule each point's model is also evaluated under (planner/baseline_model.h): a searcher
// with its parameters, e.g. gemmini_default. No searcher: no baseline.
struct BaselineSettings {
  std::string name{};
  std::string params_text{};  // canonical `key=value,...` text of baseline.params; empty: none
  std::shared_ptr<const search::Searcher> searcher{};
};

struct Experiment {
  std::string name;
  std::string file;  // the YAML file it was read from
  std::vector<ModelRequest> workloads;
  std::vector<ArchitectureChoice> architectures;
  std::vector<std::string> fusions;  // "none" / "auto"
  SearchSettings search;
  std::string cost_model_name = "dataflow";
  std::string cost_params_text{};  // canonical `key=value,...` text of cost_model.params; empty: none
  int threads = 0;                 // 0 = util::DefaultThreadCount()
  std::string output;              // directory; default "results/<name>"
  RandomMappings random_mappings{};
  BaselineSettings baseline{};
  std::shared_ptr<const search::Searcher> searcher;
  std::shared_ptr<const cost::CostModel> cost_model;
};

// Limits of what an experiment file may ask for, checked before anything is expanded.
struct LoadLimits {
  // The points it may expand into (util::kDefaultMaxPoints; `--max-points` on run and validate). The
  // count (workload combinations × architecture combinations × fusion settings, overflow-checked) is
  // taken from the lists' lengths before any workload or architecture is loaded.
  std::int64_t max_points = util::kDefaultMaxPoints;
};

// Reads and checks an experiment file; throws util::ConfigError with every problem found. The
// `name:` must be one safe file-name component (a letter or digit, then letters, digits, `.`, `_`,
// `-`, `+`; ≤ 128 characters), since the default output folder is results/<name>.
Experiment LoadExperiment(const std::string& path, const LoadLimits& limits = {});
// The same for an already loaded document (`loopfront validate`).
Experiment ReadExperimentDocument(const io::YamlDocument& document, const std::string& default_name,
                                  const LoadLimits& limits = {});
// The name of an experiment file without `name:`: its stem, prefixed with `experiment` when it is
// empty or starts with a dot (`.hidden.yaml` → `experiment.hidden`).
std::string DefaultName(const std::string& path);

// Command-line overrides of an experiment's search (`loopfront run`, `loopfront reproduce`): they
// replace the file's values for a quick or scaled run without editing it, and enter the points'
// resolved configurations, hence their ids.
struct SearchOverrides {
  std::optional<std::int64_t> budget_evaluations{};
  std::optional<double> budget_seconds{};
  std::optional<std::uint64_t> seed{};
};

// Applies `overrides`. Like `search`, an evaluation count alone drops the file's time limit and a
// time limit alone its evaluation count; an evaluation count also caps the random mappings sampled
// per op. Throws util::ConfigError when no budget limit is left.
void ApplySearchOverrides(Experiment& experiment, const SearchOverrides& overrides);

// One point of the sweep.
struct Point {
  std::int64_t index = 0;  // position in the expansion
  std::string id;          // 12 hex digits
  ModelRequest workload;
  const ArchitectureChoice* architecture = nullptr;  // into Experiment::architectures
  std::string fusion;
  nlohmann::ordered_json config;  // the canonical resolved configuration the id hashes
};

// The points of `experiment` in the stable order described above. The pointers in the points refer
// to `experiment`, which must outlive them.
std::vector<Point> ExpandPoints(const Experiment& experiment);

// The id format: the top 48 bits of util::Fnv1a64 of the canonical config, as 12 lowercase hex digits.
std::string PointId(const nlohmann::ordered_json& config);

}  // namespace loopfront::experiment

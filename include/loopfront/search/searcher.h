// The searcher plug-in interface (DESIGN §2.6) and the registry of searchers by name.
//
// A Searcher explores a Mapspace with a cost model and returns the Pareto front of the mappings it
// evaluated, for the objectives asked:
//  - `latency,energy` (the default): the (latency, energy) front;
//  - `latency`, `energy` or `edp`: the front of the best point(s) by that scalar (the points of
//    minimal value, non-dominated among themselves; usually one).
// Budgets: evaluations, wall seconds and steps without improvement (a step is a searcher's unit of
// progress: a batch of samples, a generation, a round of annealing moves); whichever is reached
// first ends the search, as does a stop request (SIGINT/SIGTERM, util/signals.h). "Improvement" is
// a change of the front for the pair, a better best value for a scalar.
//
// Determinism: with an evaluation budget (and no time budget) the same seed gives a bit-identical
// result for any thread count: every random stream is derived from (seed, step, index) or (seed,
// chain) with util::DeriveSeed, work is split into batches whose results enter the archive in
// index order. A time budget or a stop request ends the search at a machine-dependent point.
//
// Parallelism: OpenMP over the individuals / samples / chains of a step, `threads` of them
// (0 = util::DefaultThreadCount()). With threads = 1 no OpenMP region is entered at all, so a
// searcher may run inside a TBB task (the whole-model search does; never nest OpenMP inside TBB).
//
// Searchers live in mappers/<name>/ and are registered explicitly, by name, in mappers/register.cpp
// (name = folder = YAML value `searcher: <name>` = the class <Name>Searcher), each with declared
// parameters (util/params.h), in a util::Registry. Thread-safety: a Searcher is immutable; Search
// is const and may run concurrently on different mapspaces.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/check.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/pareto/front.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/util/error.h"
#include "loopfront/util/registry.h"

namespace loopfront::search {

enum class Objective : std::uint8_t { kLatency, kEnergy, kEdp, kLatencyEnergy };

std::string_view ToString(Objective objective);  // "latency", "energy", "edp", "latency,energy"
// Accepts the names above (and "energy,latency"); nullopt otherwise.
std::optional<Objective> ParseObjective(std::string_view text);
std::vector<std::string> ObjectiveNames();
// ParseObjective, adding "<path>: expected one of latency, energy, …, got 'X'; did you mean …" to
// `diagnostics` when the text is none of them (the CLI's --objectives, the Python module's objectives=).
std::optional<Objective> ParseObjective(std::string_view text, std::string_view path, util::Diagnostics& diagnostics);

// The scalar a single objective minimizes (latency in cycles, energy in pJ, EDP in pJ × cycles);
// for the pair, the EDP (what a front's knee minimizes).
double ScalarObjective(Objective objective, const pareto::Objectives& objectives);

// Evaluations when the caller gives no budget: a few seconds at most for a BERT op on two cores.
inline constexpr std::int64_t kDefaultMaxEvaluations = 400'000;

struct Budget {
  std::int64_t max_evaluations = kDefaultMaxEvaluations;  // 0 = unlimited
  double max_seconds = 0.0;                               // 0 = unlimited
  std::int64_t max_stall_steps = 0;                       // steps without improvement; 0 = unlimited
};

struct SearchOptions {
  Objective objective = Objective::kLatencyEnergy;
  Budget budget{};
  std::uint64_t seed = 1;
  int threads = 0;  // 0 = util::DefaultThreadCount()
};

enum class StopReason : std::uint8_t { kEvaluations, kSeconds, kStall, kExhausted, kInterrupted };
std::string_view ToString(StopReason reason);  // "evaluations", "seconds", "stall", "exhausted", "interrupted"

inline constexpr int kNumViolations = static_cast<int>(mapping::Violation::kUnsupportedOp) + 1;

struct SearchStatistics {
  std::string searcher;
  std::int64_t evaluations = 0;        // cost-model evaluations (exhaustive: mappings visited)
  std::int64_t valid_evaluations = 0;  // feasible ones
  std::int64_t steps = 0;              // batches, generations or rounds
  double wall_seconds = 0.0;
  int threads = 1;
  MapspaceSize mapspace_size{};
  StopReason stop_reason = StopReason::kEvaluations;
  std::array<std::int64_t, kNumViolations> invalid_by_violation{};  // why the invalid ones were

  double valid_fraction() const {
    return evaluations > 0 ? static_cast<double>(valid_evaluations) / static_cast<double>(evaluations) : 0.0;
  }
  double evaluations_per_second() const {
    return wall_seconds > 0 ? static_cast<double>(evaluations) / wall_seconds : 0.0;
  }
};

// Why a search's invalid evaluations were invalid, "reason count" by violation, comma separated
// ("capacity 12, padding 3"), or "none". Errors of the planner and every report print it.
std::string InvalidReasons(const SearchStatistics& statistics);

struct SearchResult {
  pareto::Front<mapping::Mapping> front;
  SearchStatistics statistics;
};

class StepSearch;  // search/ask_tell.h

class Searcher {
 public:
  virtual ~Searcher() = default;
  // Throws util::ConfigError only for a request the searcher refuses as a whole (exhaustive on a
  // mapspace above its limit); infeasible mappings are counted, never thrown.
  virtual SearchResult Search(const Mapspace& mapspace, const cost::CostModel& cost_model,
                              const SearchOptions& options) const = 0;
  virtual std::string_view name() const = 0;
  // A search of `mapspace` as steps (search/ask_tell.h), or nullptr for a searcher without steps
  // (has_steps() false). Only the objective, seed and threads of `options` matter, plus the
  // evaluation budget where the searcher splits it up front (annealing's chains).
  virtual std::unique_ptr<StepSearch> Steps(const Mapspace& mapspace, const SearchOptions& options) const;
  virtual bool has_steps() const { return false; }
  // Whether the searcher is a fixed schedule (one mapping chosen by rules, budget and seed ignored,
  // e.g. gemmini_default) rather than a search of the mapspace: it cannot be expected to reach the
  // optimum, and the whole-model search refuses it (it would have to map vector ops and fused
  // groups, which a matmul schedule does not).
  virtual bool fixed_schedule() const { return false; }
};

// The searchers by name: `searcher: <name>` in YAML, `--searcher NAME --param NAME=VALUE` on the
// command line.
using SearcherRegistry = util::Registry<Searcher>;
inline const util::RegistryKind kSearcherKind{.key = "searcher", .param_flag = "--param"};

// Registers every searcher of mappers/ (defined in mappers/register.cpp).
void RegisterBuiltinSearchers(SearcherRegistry& registry);

// The registry with every built-in searcher, built on first use (thread-safe initialization).
const SearcherRegistry& BuiltinSearchers();

}  // namespace loopfront::search

// The cost-model plug-in interface (DESIGN §2.5) and the registry of cost models by name.
//
// A CostModel scores one mapping of one op on one architecture (a mapping::Problem compiled once
// per op × architecture). Contract of Evaluate, relied on by every searcher:
//  - const and re-entrant: searchers call it concurrently from many threads on one instance;
//  - allocation-free and string-free (it fills a fixed-size Cost);
//  - an infeasible mapping is a value (Cost::feasible == false with the reason), never an
//    exception; only a bug may throw (util::InternalError).
//
// Cost models live in cost_models/<name>/ and are registered explicitly, by name, in
// cost_models/register.cpp (no static self-registration: a static library's linker would drop
// it). The name is snake_case and equals the folder name and the YAML value `cost_model: <name>`.
// A cost model may declare parameters (util/params.h); its factory receives their values.
#pragma once

#include <memory>
#include <string_view>

#include "loopfront/cost/cost.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/util/registry.h"

namespace loopfront::cost {

// What a cost model remembers between evaluations of one chain of related mappings (a searcher
// that mutates one gene at a time), so that it can recompute only what a change touches
// (CostModel::EvaluateScoreIncremental). Created by CostModel::NewIncrementalState for one
// Problem, it belongs to one chain: one state per thread, never shared (it is mutated by every
// evaluation). Allocated once; evaluating through it allocates nothing.
class IncrementalState {
 public:
  virtual ~IncrementalState() = default;
  // How many levels of the last evaluated mapping the last evaluation took from the state
  // instead of recomputing them (0 on the first evaluation, or when every level changed): for
  // tests and statistics, not for results.
  int reused_levels() const { return reused_levels_; }

 protected:
  int reused_levels_ = 0;
};

// What a caller guarantees of the mapping it evaluates: nothing (EvaluateScore's contract), or
// that it is well-formed (EvaluateScoreWellFormed's contract: decoded by a search::Mapspace).
enum class MappingForm { kAny, kWellFormed };

class CostModel {
 public:
  virtual ~CostModel() = default;

  virtual Cost Evaluate(const mapping::Problem& problem, const mapping::Mapping& mapping) const = 0;
  // The search's view of Evaluate: ScoreOf(Evaluate(problem, mapping)), bit for bit, under the same
  // contract. The default does exactly that; a model overrides it with a path that skips what a
  // search never reads (the per-level records), as the inner loop of every searcher calls this
  // (through EvaluateScoreWellFormed, whose default it is).
  virtual Score EvaluateScore(const mapping::Problem& problem, const mapping::Mapping& mapping) const;
  // EvaluateScore for a mapping known to be well-formed: it passes every rule of
  // mapping::CheckStructure except, perhaps, the fanouts and the bound on the padded iteration
  // space — what search::Mapspace::Decode guarantees of every mapping it decodes. Equal to
  // EvaluateScore(problem, mapping) bit for bit on such mappings (every violation they can have,
  // fanout, iteration space, capacity and the model's own, is reported the same); on others the
  // result is unspecified. The default is EvaluateScore; a model may skip the structure checks.
  virtual Score EvaluateScoreWellFormed(const mapping::Problem& problem, const mapping::Mapping& mapping) const;

  // Incremental evaluation (opt-in). NewIncrementalState returns the memory of one evaluation
  // chain on `problem`, or nullptr when the model has none (the default). EvaluateScoreIncremental
  // equals EvaluateScore(problem, mapping) (form kAny) or EvaluateScoreWellFormed(problem, mapping)
  // (form kWellFormed, same precondition) bit for bit, for any history of the state; it reuses
  // what the state holds of the previous mapping evaluated through it (a model's per-level partial
  // results) and updates the state. `state` must come from this model's NewIncrementalState for
  // this `problem`, or be nullptr (then it is the non-incremental entry of `form`, the default).
  // Thread-safety: const and re-entrant like EvaluateScore, but a state is used by one thread at a
  // time (one state per chain and thread).
  virtual std::unique_ptr<IncrementalState> NewIncrementalState(const mapping::Problem& problem) const;
  virtual Score EvaluateScoreIncremental(const mapping::Problem& problem, const mapping::Mapping& mapping,
                                         MappingForm form, IncrementalState* state) const;

  // The registered name (snake_case, = folder name) and a one-line description.
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
};

// The cost models by name: `cost_model: <name>` (or `{name: <name>, params: {...}}`) in YAML,
// `--cost-model NAME --cost-param NAME=VALUE` on the command line.
using CostModelRegistry = util::Registry<CostModel>;
inline const util::RegistryKind kCostModelKind{.key = "cost_model", .param_flag = "--cost-param"};

// Registers every cost model of cost_models/ (defined in cost_models/register.cpp).
void RegisterBuiltinCostModels(CostModelRegistry& registry);

// The registry with every built-in cost model, built on first use (thread-safe initialization).
const CostModelRegistry& BuiltinCostModels();

}  // namespace loopfront::cost

#include "mappers/annealing/annealing_searcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "loopfront/search/search_run.h"
#include "loopfront/util/error.h"

namespace loopfront::search {
namespace {

struct Chain {
  explicit Chain(std::uint64_t seed) : rng(seed) {}

  util::Rng rng;
  double latency_weight = 0.5;
  std::int64_t budget = 0;  // moves left (INT64_MAX: unlimited)
  Genome current;
  double current_value = std::numeric_limits<double>::infinity();
  Genome best;
  double best_value = std::numeric_limits<double>::infinity();
  double temperature = 0.0;
  std::int64_t moves_since_restart = 0;
  bool started = false;
  pareto::Front<mapping::Mapping> archive;
  // Per round: counts and whether the chain's archive (pair) or best value (scalar) improved.
  std::int64_t evaluations = 0;
  std::int64_t valid_evaluations = 0;
  std::array<std::int64_t, kNumViolations> invalid_by_violation{};
  bool improved = false;
  mapping::Mapping scratch;
};

}  // namespace

std::vector<util::ParamSpec> AnnealingSearcher::Params() {
  return {
      {"chains", util::ParamType::kInt, 8, 1, 4096, "independent chains (spread over latency weights for the pair)"},
      {"initial_temperature", util::ParamType::kDouble, 0.05, 1e-9, 100,
       "starting temperature, in units of ln(objective)"},
      {"final_temperature", util::ParamType::kDouble, 0.0005, 1e-12, 100,
       "temperature reached after steps_per_restart moves"},
      {"steps_per_restart", util::ParamType::kInt, 4000, 1, 1'000'000'000,
       "moves of one cooling schedule; then the chain restarts from its best state"},
      {"round_moves", util::ParamType::kInt, 512, 1, 1'000'000,
       "moves of every chain between synchronizations (budget checks, stall counting)"},
      {"repair", util::ParamType::kBool, 1, 0, 1, "repair fanout and capacity overflows of every move"},
  };
}

AnnealingSearcher::AnnealingSearcher(const util::ParamValues& params)
    : chains_(params.Int("chains")),
      initial_temperature_(params.Double("initial_temperature")),
      final_temperature_(params.Double("final_temperature")),
      steps_per_restart_(params.Int("steps_per_restart")),
      round_moves_(params.Int("round_moves")),
      repair_(params.Bool("repair")) {
  if (final_temperature_ > initial_temperature_) {
    throw util::ConfigError(
        {util::Diagnostic{.path = "--param final_temperature",
                          .message = fmt::format("expected at most initial_temperature ({}), got {}",
                                                 initial_temperature_, final_temperature_)}});
  }
}

SearchResult AnnealingSearcher::Search(const Mapspace& mapspace, const cost::CostModel& cost_model,
                                       const SearchOptions& options) const {
  SearchRun run(mapspace, options, kName);
  // Geometric cooling: T_k = T_0 · α^k reaches the final temperature after steps_per_restart moves.
  const double cooling =
      std::pow(final_temperature_ / initial_temperature_, 1.0 / static_cast<double>(steps_per_restart_));
  const std::optional<double> scalar_weight = ScalarLatencyWeight(options.objective);
  const bool scalar = scalar_weight.has_value();
  std::vector<Chain> chains;
  chains.reserve(static_cast<std::size_t>(chains_));
  const std::int64_t total_budget = run.RemainingEvaluations();
  const bool unlimited = total_budget == std::numeric_limits<std::int64_t>::max();
  for (std::int64_t chain_idx = 0; chain_idx < chains_; ++chain_idx) {
    Chain& chain = chains.emplace_back(util::DeriveSeed(options.seed, {static_cast<std::uint64_t>(chain_idx)}));
    chain.latency_weight = scalar         ? *scalar_weight
                           : chains_ == 1 ? 0.5
                                          : static_cast<double>(chain_idx) / static_cast<double>(chains_ - 1);
    chain.budget = unlimited ? total_budget : total_budget / chains_ + (chain_idx < total_budget % chains_ ? 1 : 0);
  }

  // Evaluates the chain's candidate and archives it; returns its objective value.
  auto evaluate = [&](Chain& chain, const Genome& genome) {
    const Evaluation evaluation = EvaluateGenome(mapspace, cost_model, genome, chain.scratch);
    ++chain.evaluations;
    --chain.budget;
    if (!evaluation.feasible) {
      ++chain.invalid_by_violation[static_cast<int>(evaluation.violation)];
      return std::numeric_limits<double>::infinity();
    }
    ++chain.valid_evaluations;
    const double value = WeightedLogObjective(chain.latency_weight, evaluation);
    if (chain.archive.WouldInsert(evaluation.objectives)) {
      chain.archive.Insert(evaluation.objectives, chain.scratch);
      if (!scalar) chain.improved = true;
    }
    return value;
  };

  auto run_chain_round = [&](Chain& chain) {
    chain.evaluations = 0;
    chain.valid_evaluations = 0;
    chain.invalid_by_violation.fill(0);
    chain.improved = false;
    for (std::int64_t move = 0; move < round_moves_ && chain.budget > 0; ++move) {
      if (!chain.started) {
        mapspace.Sample(chain.rng, chain.current);
        if (repair_) mapspace.Repair(chain.rng, chain.current);
        chain.current_value = evaluate(chain, chain.current);
        chain.best = chain.current;
        chain.best_value = chain.current_value;
        chain.temperature = initial_temperature_;
        chain.started = true;
        if (scalar && std::isfinite(chain.current_value)) chain.improved = true;
        continue;
      }
      Genome candidate = chain.current;
      mapspace.Mutate(chain.rng, candidate);
      if (repair_) mapspace.Repair(chain.rng, candidate);
      const double value = evaluate(chain, candidate);
      const double delta = value - chain.current_value;
      // Metropolis acceptance; an infeasible current state accepts anything feasible.
      const bool accept =
          delta <= 0.0 || (std::isfinite(value) && chain.rng.Uniform() < std::exp(-delta / chain.temperature));
      if (accept) {
        chain.current = candidate;
        chain.current_value = value;
        if (value < chain.best_value) {
          chain.best = candidate;
          chain.best_value = value;
          if (scalar) chain.improved = true;
        }
      }
      chain.temperature *= cooling;
      if (++chain.moves_since_restart >= steps_per_restart_) {
        chain.moves_since_restart = 0;
        chain.temperature = initial_temperature_;
        chain.current = chain.best;
        chain.current_value = chain.best_value;
      }
    }
  };

  while (!run.ShouldStop()) {
    ParallelFor(run.threads(), chains_, [&](std::int64_t chain_idx) { run_chain_round(chains[chain_idx]); });
    bool improved = false;
    bool any_budget = false;
    for (const Chain& chain : chains) {
      run.AddCounts(chain.evaluations, chain.valid_evaluations, chain.invalid_by_violation);
      improved |= chain.improved;
      any_budget |= chain.budget > 0;
    }
    run.EndStep(improved);
    if (!any_budget) break;
  }
  // Each chain's archive, merged in chain order (deterministic for any thread count).
  for (const Chain& chain : chains) run.MergeArchive(chain.archive);
  return run.Finish();
}

}  // namespace loopfront::search

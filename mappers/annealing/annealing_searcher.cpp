#include "mappers/annealing/annealing_searcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <span>

#include "loopfront/search/ask_tell.h"
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
  // best_value when the current cooling schedule began, and how many schedules in a row ended
  // without improving it.
  double best_value_at_restart = std::numeric_limits<double>::infinity();
  std::int64_t stalled_schedules = 0;
  bool started = false;
  bool resample = false;  // the next move is a fresh sample (restart_stall reached)
  // The lowest value the chain has evaluated, across fresh samples: what the stall budget counts.
  double record_value = std::numeric_limits<double>::infinity();
  pareto::Front<mapping::Mapping> archive;
  // Per round: counts and whether the chain's archive (pair) or record value (scalar) improved.
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
       "moves of one cooling schedule; then the chain restarts from its best state (or a fresh sample: "
       "restart_stall)"},
      {"round_moves", util::ParamType::kInt, 512, 1, 1'000'000,
       "moves of every chain between synchronizations (budget checks, stall counting)"},
      {"repair", util::ParamType::kBool, 1, 0, 1, "repair fanout and capacity overflows of every move"},
      {"restart_stall", util::ParamType::kInt, kDefaultRestartStall, 0, 1'000'000'000,
       "cooling schedules in a row that do not improve a chain's best before it restarts from a fresh sample "
       "(0 = never)"},
  };
}

AnnealingSearcher::AnnealingSearcher(const util::ParamValues& params)
    : settings_{.chains = params.Int("chains"),
                .initial_temperature = params.Double("initial_temperature"),
                .final_temperature = params.Double("final_temperature"),
                .steps_per_restart = params.Int("steps_per_restart"),
                .round_moves = params.Int("round_moves"),
                .repair = params.Bool("repair"),
                .restart_stall = params.Int("restart_stall")} {
  if (settings_.final_temperature > settings_.initial_temperature) {
    throw util::ConfigError(
        {util::Diagnostic{.path = "--param final_temperature",
                          .message = fmt::format("expected at most initial_temperature ({}), got {}",
                                                 settings_.initial_temperature, settings_.final_temperature)}});
  }
}

namespace {

// Steps (search/ask_tell.h): one move of every chain with budget left. A move is Propose (the
// chain's first sample, then a mutation of its current state), an evaluation, and Take (the
// Metropolis decision, cooling, restarts from the best state or a fresh sample); Search runs a round's
// moves of each chain back to back with the same two functions.
class AnnealingSteps final : public StepSearch {
 public:
  AnnealingSteps(const Mapspace& mapspace, const SearchOptions& options, const AnnealingSettings& settings,
                 std::int64_t total_budget)
      : mapspace_(mapspace), settings_(settings) {
    // Geometric cooling: T_k = T_0 · α^k reaches the final temperature after steps_per_restart moves.
    cooling_ = std::pow(settings.final_temperature / settings.initial_temperature,
                        1.0 / static_cast<double>(settings.steps_per_restart));
    const std::optional<double> scalar_weight = ScalarLatencyWeight(options.objective);
    scalar_ = scalar_weight.has_value();
    const std::int64_t num_chains = settings.chains;
    const bool unlimited = total_budget == std::numeric_limits<std::int64_t>::max();
    chains_.reserve(static_cast<std::size_t>(num_chains));
    for (std::int64_t chain_idx = 0; chain_idx < num_chains; ++chain_idx) {
      Chain& chain = chains_.emplace_back(util::DeriveSeed(options.seed, {static_cast<std::uint64_t>(chain_idx)}));
      chain.latency_weight = scalar_          ? *scalar_weight
                             : num_chains == 1 ? 0.5
                                               : static_cast<double>(chain_idx) / static_cast<double>(num_chains - 1);
      chain.budget =
          unlimited ? total_budget : total_budget / num_chains + (chain_idx < total_budget % num_chains ? 1 : 0);
    }
  }

  std::vector<Chain>& chains() { return chains_; }

  // The chain's next candidate; a repaired one leaves its slot factors in `repaired`.
  void Propose(Chain& chain, Genome& candidate, Mapspace::RepairedFactors& repaired) const {
    if (!chain.started || chain.resample) {
      mapspace_.Sample(chain.rng, candidate);
    } else {
      candidate = chain.current;
      mapspace_.Mutate(chain.rng, candidate);
    }
    if (settings_.repair) mapspace_.Repair(chain.rng, candidate, repaired);
  }

  // The chain takes its candidate's evaluation: counts, archive, then the Metropolis decision.
  // `decoded` is the candidate's mapping when the caller has it (Search's rounds decode to evaluate);
  // null, the candidate is decoded only if the archive takes it (ask/tell).
  void Take(Chain& chain, const Genome& candidate, const Evaluation& evaluation,
            const mapping::Mapping* decoded) const {
    ++chain.evaluations;
    --chain.budget;
    double value = std::numeric_limits<double>::infinity();
    if (!evaluation.feasible) {
      ++chain.invalid_by_violation[static_cast<int>(evaluation.violation)];
    } else {
      ++chain.valid_evaluations;
      value = WeightedLogObjective(chain.latency_weight, evaluation);
      if (value < chain.record_value) {
        chain.record_value = value;
        if (scalar_) chain.improved = true;
      }
      if (chain.archive.WouldInsert(evaluation.objectives)) {
        if (decoded == nullptr) {
          mapspace_.Decode(candidate, chain.scratch);
          decoded = &chain.scratch;
        }
        chain.archive.Insert(evaluation.objectives, *decoded);
        if (!scalar_) chain.improved = true;
      }
    }
    if (!chain.started || chain.resample) {
      // A fresh start: the sample is the chain's state and its best (a resampled chain forgets its
      // old best; its archive keeps every point found).
      chain.current = candidate;
      chain.current_value = value;
      chain.best = candidate;
      chain.best_value = value;
      chain.best_value_at_restart = value;
      chain.temperature = settings_.initial_temperature;
      chain.started = true;
      chain.resample = false;
      return;
    }
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
      }
    }
    chain.temperature *= cooling_;
    if (++chain.moves_since_restart >= settings_.steps_per_restart) {
      chain.moves_since_restart = 0;
      chain.temperature = settings_.initial_temperature;
      chain.stalled_schedules = chain.best_value < chain.best_value_at_restart ? 0 : chain.stalled_schedules + 1;
      chain.best_value_at_restart = chain.best_value;
      if (settings_.restart_stall > 0 && chain.stalled_schedules >= settings_.restart_stall) {
        // The chain sits in a basin it has not improved for restart_stall schedules: re-annealing
        // from its best would keep it there, so its next move is a fresh sample.
        chain.stalled_schedules = 0;
        chain.resample = true;
      } else {
        chain.current = chain.best;
        chain.current_value = chain.best_value;
      }
    }
  }

  // Search's round of one chain: up to round_moves moves, back to back.
  void RunRound(Chain& chain, const cost::CostModel& cost_model) const {
    StartRound(chain);
    Genome candidate;
    Mapspace::RepairedFactors repaired;
    for (std::int64_t move = 0; move < settings_.round_moves && chain.budget > 0; ++move) {
      repaired.Clear();
      Propose(chain, candidate, repaired);
      const Evaluation evaluation = EvaluateGenome(mapspace_, cost_model, candidate, repaired, chain.scratch);
      Take(chain, candidate, evaluation, &chain.scratch);
    }
  }

  // Adds the round's counts of the chains to the run; whether any improved.
  bool EndRound(std::span<const std::size_t> chain_indices, SearchRun& run) const {
    bool improved = false;
    for (const std::size_t chain_idx : chain_indices) {
      const Chain& chain = chains_[chain_idx];
      run.AddCounts(chain.evaluations, chain.valid_evaluations, chain.invalid_by_violation);
      improved |= chain.improved;
    }
    return improved;
  }

  void Ask(std::int64_t limit, int threads, std::vector<Genome>& batch) override {
    asked_.clear();
    for (std::size_t chain_idx = 0; chain_idx < chains_.size(); ++chain_idx) {
      if (static_cast<std::int64_t>(asked_.size()) >= limit) break;
      if (chains_[chain_idx].budget > 0) asked_.push_back(chain_idx);
    }
    batch.resize(asked_.size());
    // The caller evaluates the batch later, maybe changed: the factors are not handed on.
    ParallelFor(threads, static_cast<std::int64_t>(asked_.size()), [&](std::int64_t index) {
      Mapspace::RepairedFactors unused;
      Propose(chains_[asked_[index]], batch[index], unused);
    });
  }

  bool Tell(std::span<const Genome> batch, std::span<const Evaluation> evaluations, SearchRun& run) override {
    for (std::size_t index = 0; index < batch.size(); ++index) {
      Chain& chain = chains_[asked_[index]];
      StartRound(chain);
      Take(chain, batch[index], evaluations[index], nullptr);
    }
    return EndRound(asked_, run);
  }

  // Each chain's archive, merged in chain order (deterministic for any thread count).
  void Finish(SearchRun& run) const override {
    for (const Chain& chain : chains_) run.MergeArchive(chain.archive);
  }

 private:
  static void StartRound(Chain& chain) {
    chain.evaluations = 0;
    chain.valid_evaluations = 0;
    chain.invalid_by_violation.fill(0);
    chain.improved = false;
  }

  const Mapspace& mapspace_;
  AnnealingSettings settings_;
  double cooling_ = 1.0;
  bool scalar_ = false;
  std::vector<Chain> chains_;
  std::vector<std::size_t> asked_;  // the chains of the batch asked last, in batch order
};

}  // namespace

std::unique_ptr<StepSearch> AnnealingSearcher::Steps(const Mapspace& mapspace, const SearchOptions& options) const {
  const std::int64_t budget = options.budget.max_evaluations > 0 ? options.budget.max_evaluations
                                                                  : std::numeric_limits<std::int64_t>::max();
  return std::make_unique<AnnealingSteps>(mapspace, options, settings_, budget);
}

SearchResult AnnealingSearcher::Search(const Mapspace& mapspace, const cost::CostModel& cost_model,
                                       const SearchOptions& options) const {
  SearchRun run(mapspace, options, kName);
  AnnealingSteps steps(mapspace, options, settings_, run.RemainingEvaluations());
  std::vector<Chain>& chains = steps.chains();
  std::vector<std::size_t> all_chains(chains.size());
  std::iota(all_chains.begin(), all_chains.end(), std::size_t{0});
  // One team for all the rounds (search_run.h): no parallel region, and its barrier, per round.
  WithParallelTeam(run.threads(), [&] {
    while (!run.ShouldStop()) {
      ParallelFor(run.threads(), static_cast<std::int64_t>(chains.size()),
                  [&](std::int64_t chain_idx) { steps.RunRound(chains[chain_idx], cost_model); });
      run.EndStep(steps.EndRound(all_chains, run));
      bool any_budget = false;
      for (const Chain& chain : chains) any_budget |= chain.budget > 0;
      if (!any_budget) break;
    }
  });
  steps.Finish(run);
  return run.Finish();
}

}  // namespace loopfront::search

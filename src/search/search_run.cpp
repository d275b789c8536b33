#include "loopfront/search/search_run.h"

#include <cmath>

#include "loopfront/util/signals.h"
#include "loopfront/util/threads.h"

namespace loopfront::search {

namespace {

// EvaluateGenome with or without Repair's slot factors (`repaired` null: none).
Evaluation Evaluate(const Mapspace& mapspace, const cost::CostModel& cost_model, const Genome& genome,
                    const Mapspace::RepairedFactors* repaired, mapping::Mapping& mapping, cost::Cost* cost) {
  if (repaired != nullptr) {
    mapspace.Decode(genome, *repaired, mapping);
  } else {
    mapspace.Decode(genome, mapping);
  }
  if (mapspace.has_factor_bounds() &&
      !(repaired != nullptr ? mapspace.WithinBounds(genome, *repaired) : mapspace.WithinBounds(genome))) {
    // Repair moves factors without looking at bounds (mapspace.h): such a mapping is not in the space.
    if (cost != nullptr) {
      *cost = cost::Cost{};
      cost->check.violation = mapping::Violation::kFactorOutOfBounds;
    }
    return Evaluation{.feasible = false, .violation = mapping::Violation::kFactorOutOfBounds};
  }
  // The searchers' inner loop: only the score, unless the caller asks for the whole Cost. A decoded
  // mapping is well-formed (mapspace.h), so the model may skip the structure rules it cannot break.
  const cost::Score score = cost != nullptr ? cost::ScoreOf(*cost = cost_model.Evaluate(mapspace.problem(), mapping))
                                            : cost_model.EvaluateScoreWellFormed(mapspace.problem(), mapping);
  Evaluation evaluation;
  evaluation.feasible = score.feasible;
  evaluation.violation = score.violation;
  if (score.feasible) evaluation.objectives = {static_cast<double>(score.cycles), score.energy_pj};
  return evaluation;
}

}  // namespace

Evaluation EvaluateGenome(const Mapspace& mapspace, const cost::CostModel& cost_model, const Genome& genome,
                          mapping::Mapping& mapping, cost::Cost* cost) {
  return Evaluate(mapspace, cost_model, genome, nullptr, mapping, cost);
}

Evaluation EvaluateGenome(const Mapspace& mapspace, const cost::CostModel& cost_model, const Genome& genome,
                          const Mapspace::RepairedFactors& repaired, mapping::Mapping& mapping) {
  return Evaluate(mapspace, cost_model, genome, &repaired, mapping, nullptr);
}

double WeightedLogObjective(double latency_weight, const Evaluation& evaluation) {
  if (!evaluation.feasible) return std::numeric_limits<double>::infinity();
  return latency_weight * std::log(evaluation.objectives.latency_cycles) +
         (1.0 - latency_weight) * std::log(evaluation.objectives.energy_pj);
}

std::optional<double> ScalarLatencyWeight(Objective objective) {
  switch (objective) {
    case Objective::kLatency:
      return 1.0;
    case Objective::kEnergy:
      return 0.0;
    case Objective::kEdp:
      return 0.5;
    case Objective::kLatencyEnergy:
      return std::nullopt;
  }
  return std::nullopt;
}

SearchRun::SearchRun(const Mapspace& mapspace, const SearchOptions& options, std::string_view searcher_name)
    : mapspace_(mapspace),
      options_(options),
      threads_(options.threads > 0 ? options.threads : util::DefaultThreadCount()),
      start_(std::chrono::steady_clock::now()) {
  statistics_.searcher = std::string(searcher_name);
  statistics_.threads = threads_;
  statistics_.mapspace_size = mapspace.size();
}

std::int64_t SearchRun::RemainingEvaluations() const {
  if (options_.budget.max_evaluations <= 0) return std::numeric_limits<std::int64_t>::max();
  return std::max<std::int64_t>(0, options_.budget.max_evaluations - statistics_.evaluations);
}

bool SearchRun::Count(const Evaluation& evaluation) {
  ++statistics_.evaluations;
  if (!evaluation.feasible) {
    ++statistics_.invalid_by_violation[static_cast<int>(evaluation.violation)];
    return false;
  }
  ++statistics_.valid_evaluations;
  return true;
}

bool SearchRun::Take(const Objectives& objectives, const mapping::Mapping& mapping) {
  archive_.Insert(objectives, mapping);
  if (options_.objective == Objective::kLatencyEnergy) return true;
  const double value = ScalarObjective(options_.objective, objectives);
  if (value < best_scalar_) {
    best_scalar_ = value;
    return true;
  }
  return false;
}

bool SearchRun::Record(const Evaluation& evaluation, const mapping::Mapping& mapping) {
  if (!Count(evaluation) || !archive_.WouldInsert(evaluation.objectives)) return false;
  return Take(evaluation.objectives, mapping);
}

bool SearchRun::Record(const Evaluation& evaluation, const Genome& genome) {
  if (!Count(evaluation) || !archive_.WouldInsert(evaluation.objectives)) return false;
  // Decoding is deterministic, so the archive gets the mapping the evaluation was of.
  mapspace_.Decode(genome, decoded_);
  return Take(evaluation.objectives, decoded_);
}

bool SearchRun::MergeArchive(const pareto::Front<mapping::Mapping>& front) {
  bool improved = false;
  for (const auto& point : front.points()) {
    if (!archive_.Insert(point.objectives, point.payload)) continue;
    if (options_.objective == Objective::kLatencyEnergy) {
      improved = true;
      continue;
    }
    const double value = ScalarObjective(options_.objective, point.objectives);
    if (value < best_scalar_) {
      best_scalar_ = value;
      improved = true;
    }
  }
  return improved;
}

void SearchRun::AddCounts(std::int64_t evaluations, std::int64_t valid_evaluations,
                          const std::array<std::int64_t, kNumViolations>& invalid_by_violation) {
  statistics_.evaluations += evaluations;
  statistics_.valid_evaluations += valid_evaluations;
  for (int violation = 0; violation < kNumViolations; ++violation) {
    statistics_.invalid_by_violation[violation] += invalid_by_violation[violation];
  }
}

void SearchRun::RecordInfeasible(mapping::Violation violation, std::int64_t count) {
  statistics_.evaluations += count;
  statistics_.invalid_by_violation[static_cast<int>(violation)] += count;
}

void SearchRun::EndStep(bool improved) {
  ++statistics_.steps;
  stall_steps_ = improved ? 0 : stall_steps_ + 1;
}

bool SearchRun::ShouldStop() {
  const Budget& budget = options_.budget;
  if (exhausted_) {
    statistics_.stop_reason = StopReason::kExhausted;
    return true;
  }
  if (budget.max_evaluations > 0 && statistics_.evaluations >= budget.max_evaluations) {
    statistics_.stop_reason = StopReason::kEvaluations;
    return true;
  }
  if (budget.max_stall_steps > 0 && stall_steps_ >= budget.max_stall_steps) {
    statistics_.stop_reason = StopReason::kStall;
    return true;
  }
  if (budget.max_seconds > 0 &&
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() >= budget.max_seconds) {
    statistics_.stop_reason = StopReason::kSeconds;
    return true;
  }
  if (util::StopRequested()) {
    statistics_.stop_reason = StopReason::kInterrupted;
    return true;
  }
  return false;
}

SearchResult SearchRun::Finish() {
  statistics_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (exhausted_) statistics_.stop_reason = StopReason::kExhausted;
  SearchResult result;
  result.statistics = statistics_;
  if (options_.objective == Objective::kLatencyEnergy || archive_.empty()) {
    result.front = archive_;
    return result;
  }
  // Scalar objective: the minimum is attained on the front (a dominating point is no worse in
  // latency, energy and their product), so filtering the front loses nothing.
  double best = std::numeric_limits<double>::infinity();
  for (const auto& point : archive_.points())
    best = std::min(best, ScalarObjective(options_.objective, point.objectives));
  for (const auto& point : archive_.points()) {
    if (ScalarObjective(options_.objective, point.objectives) == best)
      result.front.Insert(point.objectives, point.payload);
  }
  return result;
}

}  // namespace loopfront::search

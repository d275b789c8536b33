// What every searcher of mappers/ shares: evaluating a genome, running a batch in parallel
// deterministically, and the bookkeeping of one run (budget, statistics, archive).
//
// A SearchRun owns the (latency, energy) archive of every feasible mapping evaluated. Searchers
// evaluate a batch in parallel (ParallelFor), then hand the results to the run *in index order*
// with Record, so that the archive, the statistics and the stop decision do not depend on the
// thread count. Finish turns the archive into the result for the requested objective.
//
// Thread-safety: ParallelFor and EvaluateGenome are safe from any thread; a SearchRun is used by
// the searcher's controlling thread only (between parallel regions).
#pragma once

#include <omp.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <limits>
#include <mutex>

#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/pareto/front.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/search/searcher.h"

namespace loopfront::search {

// Runs body(index) for index in [0, count): a plain loop for threads ≤ 1 (no OpenMP region, so
// that callers inside TBB tasks stay cheap and never nest runtimes), else an OpenMP parallel for
// with a static schedule over at most `threads` threads. Bodies write only their own index's
// results, so the outcome never depends on the team size; that lets the runtime shrink the team
// when the machine is oversubscribed (dynamic adjustment, OpenMP 5.2 §2.4.1: libgomp subtracts
// the load average), where fork-join barriers every few hundred microseconds would otherwise wait
// on descheduled threads. A user who sets OMP_DYNAMIC (e.g. `false` to benchmark scaling) decides
// instead. The first exception thrown by a body is rethrown after the loop.
template <typename Body>
void ParallelFor(int threads, std::int64_t count, Body&& body) {
  if (threads <= 1 || count <= 1) {
    for (std::int64_t index = 0; index < count; ++index) body(index);
    return;
  }
  static const bool user_sets_dynamic = std::getenv("OMP_DYNAMIC") != nullptr;
  std::exception_ptr failure;
  std::once_flag failure_once;
  const int was_dynamic = omp_get_dynamic();
  if (!user_sets_dynamic) omp_set_dynamic(1);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t index = 0; index < count; ++index) {
    try {
      body(index);
    } catch (...) {
      std::call_once(failure_once, [&] { failure = std::current_exception(); });
    }
  }
  omp_set_dynamic(was_dynamic);
  if (failure) std::rethrow_exception(failure);
}

// The outcome of one evaluation, small enough to keep per individual.
struct Evaluation {
  bool feasible = false;
  mapping::Violation violation = mapping::Violation::kNone;
  pareto::Objectives objectives{};
};

// Decodes `genome` into `mapping` and evaluates it. Allocation-free.
Evaluation EvaluateGenome(const Mapspace& mapspace, const cost::CostModel& cost_model, const Genome& genome,
                          mapping::Mapping& mapping);

// The value a searcher minimizes for an objective, in log space so that latency and energy are
// comparable: weight × ln(latency) + (1 − weight) × ln(energy). +inf for an infeasible evaluation.
double WeightedLogObjective(double latency_weight, const Evaluation& evaluation);

// The latency weight that makes WeightedLogObjective order points like a scalar objective:
// latency 1, energy 0, EDP ½ (ln L + ln E = 2 × the ½-weighted sum). The pair has none: nullopt.
std::optional<double> ScalarLatencyWeight(Objective objective);

class SearchRun {
 public:
  SearchRun(const Mapspace& mapspace, const SearchOptions& options, std::string_view searcher_name);

  int threads() const { return threads_; }
  const SearchOptions& options() const { return options_; }
  std::int64_t evaluations() const { return statistics_.evaluations; }
  // Evaluations the budget still allows (INT64_MAX when unlimited).
  std::int64_t RemainingEvaluations() const;

  // Records one evaluation, in the deterministic order of the search. Returns whether it improved
  // the result (changed the front; for a scalar objective, lowered the best value). The mapping is
  // copied only when the archive takes it.
  bool Record(const Evaluation& evaluation, const mapping::Mapping& mapping);
  // Records `count` evaluations known to be infeasible for `violation` without building them (the
  // exhaustive searcher prunes whole subspaces).
  void RecordInfeasible(mapping::Violation violation, std::int64_t count);

  // Adds evaluations counted elsewhere (per chain, per task) in bulk.
  void AddCounts(std::int64_t evaluations, std::int64_t valid_evaluations,
                 const std::array<std::int64_t, kNumViolations>& invalid_by_violation);

  // Ends a step; `improved` = some Record of the step returned true.
  void EndStep(bool improved);
  // Whether the search must stop now (evaluation, time or stall budget reached, or a stop
  // request); the reason is kept for the statistics.
  bool ShouldStop();
  // Marks the end of a finite space (exhaustive).
  void MarkExhausted() { exhausted_ = true; }

  const pareto::Front<mapping::Mapping>& archive() const { return archive_; }
  // Merges a front found elsewhere (an annealing chain's archive, an exhaustive task's) into the
  // archive, in its order; returns whether that improved the result (as Record).
  bool MergeArchive(const pareto::Front<mapping::Mapping>& front);
  double best_scalar() const { return best_scalar_; }

  // The result for the objective: the archive, or the front of its best point(s) for a scalar.
  SearchResult Finish();

 private:
  const Mapspace& mapspace_;
  SearchOptions options_;
  int threads_ = 1;
  std::chrono::steady_clock::time_point start_;
  pareto::Front<mapping::Mapping> archive_;
  double best_scalar_ = std::numeric_limits<double>::infinity();
  std::int64_t stall_steps_ = 0;
  bool exhausted_ = false;
  SearchStatistics statistics_;
};

}  // namespace loopfront::search

// What every searcher of mappers/ shares: evaluating a genome, running a batch in parallel
// deterministically, and the bookkeeping of one run (budget, statistics, archive).
//
// A SearchRun owns the (latency, energy) archive of every feasible mapping evaluated. Searchers
// evaluate a batch in parallel (ParallelFor), then hand the results to the run *in index order*
// with Record, so that the archive, the statistics and the stop decision do not depend on the
// thread count. Finish turns the archive into the result for the requested objective.
//
// Thread-safety: ParallelFor and EvaluateGenome are safe from any thread; a SearchRun is used by
// one thread at a time: the searcher's controlling thread between parallel loops, or one member of
// a loop that the controlling thread waits for (genetic's Tell records on one member while the
// controlling thread sorts the children).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/pareto/front.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/search/searcher.h"
#include "loopfront/util/function_ref.h"

namespace loopfront::search {

// Runs body(begin, end) over contiguous ranges that partition [0, count) (src/search/parallel_for.cpp,
// the only file that includes the OpenMP header). threads ≤ 1: body(0, count) on the calling
// thread, no OpenMP region, so that callers inside TBB tasks stay cheap and never nest runtimes.
// Otherwise:
// - inside WithParallelTeam's body, on its thread: the team shares the loop in chunks (up to 8 per
//   member; each member starts on its own contiguous share, then takes what is left of the
//   others'), and the call returns when every chunk is done, without waiting for a member that
//   took none;
// - elsewhere: one OpenMP region of exactly min(threads, count) threads, one range each.
// Teams are never shrunk by loopfront: the process-wide OpenMP dynamic setting is never changed, so
// OpenMP's dynamic adjustment shrinks them only when the user sets OMP_DYNAMIC=true. The first
// exception thrown by a body is rethrown after the loop.
void ParallelForRanges(int threads, std::int64_t count, util::FunctionRef<void(std::int64_t, std::int64_t)> body);

// Runs body() on the calling thread with a team of `threads` threads (one OpenMP region) waiting for
// its loops: every ParallelForRanges/ParallelFor with threads > 1 that body makes on this thread is
// shared by the team, whatever its own `threads`. What a search's step loop runs in: a region per
// loop ends at a barrier that waits for every member, so on a loaded machine each step waited a
// scheduler slice for a descheduled member; a team waits at that barrier once. Between loops the
// members spin for up to 200 µs, then sleep. threads ≤ 1, or already inside a team on this thread:
// just body(). body's exception is rethrown after the team has left.
void WithParallelTeam(int threads, util::FunctionRef<void()> body);

// Whether a loop started here would be shared by a team of two or more that is already waiting
// (inside WithParallelTeam's body, on its thread, not within a chunk). For loops too short to pay
// for a region of their own: elsewhere they are better run on the calling thread.
bool InParallelTeam();

// Runs body(index) for index in [0, count) over ParallelForRanges: one indirect call per range, none
// per index. Bodies write only their own index's results, so the outcome never depends on the
// team size (nor on the thread count).
template <typename Body>
void ParallelFor(int threads, std::int64_t count, Body&& body) {
  if (threads <= 1 || count <= 1) {
    for (std::int64_t index = 0; index < count; ++index) body(index);
    return;
  }
  ParallelForRanges(threads, count, [&body](std::int64_t begin, std::int64_t end) {
    for (std::int64_t index = begin; index < end; ++index) body(index);
  });
}

// The outcome of one evaluation, small enough to keep per individual.
struct Evaluation {
  bool feasible = false;
  mapping::Violation violation = mapping::Violation::kNone;
  pareto::Objectives objectives{};
};

// Decodes `genome` into `mapping` and evaluates it; with `cost`, also the cost model's whole Cost
// (a genome outside the constraints' factor bounds is not evaluated: an infeasible Cost whose
// violation is kFactorOutOfBounds). Allocation-free.
Evaluation EvaluateGenome(const Mapspace& mapspace, const cost::CostModel& cost_model, const Genome& genome,
                          mapping::Mapping& mapping, cost::Cost* cost = nullptr);
// The same evaluation, decoding from `repaired` when it holds the genome's slot factors (a searcher's
// loop body that has just repaired the genome: Mapspace::RepairedFactors).
Evaluation EvaluateGenome(const Mapspace& mapspace, const cost::CostModel& cost_model, const Genome& genome,
                          const Mapspace::RepairedFactors& repaired, mapping::Mapping& mapping);

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
  // copied only when the archive takes it; given the genome, it is decoded only then (most
  // evaluations never enter the archive, so a batch needs no decoded mappings).
  bool Record(const Evaluation& evaluation, const mapping::Mapping& mapping);
  bool Record(const Evaluation& evaluation, const Genome& genome);
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
  using Objectives = pareto::Objectives;
  // Record's parts: counts an evaluation (returns whether it is feasible); inserts a point the
  // archive would take (WouldInsert checked once, not again per overload) and says whether that
  // improved the result.
  bool Count(const Evaluation& evaluation);
  bool Take(const Objectives& objectives, const mapping::Mapping& mapping);

  const Mapspace& mapspace_;
  SearchOptions options_;
  int threads_ = 1;
  std::chrono::steady_clock::time_point start_;
  pareto::Front<mapping::Mapping> archive_;
  double best_scalar_ = std::numeric_limits<double>::infinity();
  std::int64_t stall_steps_ = 0;
  bool exhausted_ = false;
  SearchStatistics statistics_;
  mapping::Mapping decoded_;  // Record(evaluation, genome)'s decoding
};

}  // namespace loopfront::search

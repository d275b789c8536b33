// Searches as steps (ask/tell, after Timeloop's Next/Report and the ask/tell loops of Python
// optimizers): a searcher proposes a batch of genomes, someone evaluates them, the searcher takes
// the evaluations and proposes the next batch. Searcher::Search runs the same steps with loopfront's
// own cost model (RunSteps); AskTell lets a caller outside the library (the Python module's
// `searcher(...)`) evaluate the batches itself — with another cost model, a simulator, or loopfront's.
//
// One code path: random, genetic and annealing implement StepSearch, and their Search is RunSteps
// over it (random and genetic propose and evaluate each genome in one parallel loop, RunProposedSteps;
// annealing runs each chain's moves back to back inside a round, with the same per-move
// Propose/Take functions its steps use, so that a round is one parallel loop, not one per move).
// So an ask/tell loop that evaluates every asked batch with EvaluateGenome and asks at most the
// evaluations left of a budget gets exactly Search's front for the same seed and evaluation budget.
//
// Steps of each searcher (what Ask returns):
//   random     one batch of `batch_size` uniform samples (repaired when `repair`)
//   genetic    one generation: the initial population, then `population` children
//   annealing  one move of every chain: its first sample, then a mutation of its current state
// Exhaustive and gemmini_default have no steps (an enumeration and a fixed schedule): AskTell
// refuses them with a util::ConfigError naming the searchers that have.
//
// Thread-safety: a StepSearch and an AskTell are used by one thread at a time; Ask proposes in
// parallel (ParallelFor) and is deterministic for any thread count.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/pareto/front.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/search/search_run.h"
#include "loopfront/search/searcher.h"

namespace loopfront::search {

// One search in progress, step by step (Searcher::Steps creates it for a mapspace and options).
class StepSearch {
 public:
  virtual ~StepSearch() = default;
  // The genomes of the next step into `batch` (resized): at most `limit` (≥ 1) of them, proposed over
  // `threads`. Empty when the search has nothing left to propose.
  virtual void Ask(std::int64_t limit, int threads, std::vector<Genome>& batch) = 0;
  // The evaluations of the batch last asked, in its order, with the genomes as evaluated (a caller
  // may have changed them); records them in `run` (its archive and counts; SearchRun::Record decodes
  // a genome only when the archive takes it). Returns whether the step improved the result
  // (SearchRun::Record's rule).
  virtual bool Tell(std::span<const Genome> batch, std::span<const Evaluation> evaluations, SearchRun& run) = 0;
  // Puts into `run`'s archive what the search keeps elsewhere (annealing: its chains' archives, in
  // chain order). Called once, before SearchRun::Finish.
  virtual void Finish(SearchRun& run) const { (void)run; }
};

// Runs `steps` until `run` says stop: Ask (at most the evaluations left), evaluate the batch in
// parallel with EvaluateGenome, Tell, SearchRun::EndStep. Returns the run's result.
SearchResult RunSteps(StepSearch& steps, const Mapspace& mapspace, const cost::CostModel& cost_model, SearchRun& run);

// The loop of RunSteps and RunProposedSteps: `begin_step(limit, batch)` fills or sizes the step's
// batch (at most `limit` genomes; empty when the search has nothing left), then each genome is
// `propose(index, genome, repaired)`d and evaluated in one parallel loop, then told to `steps`. The
// loops of all the steps run in one thread team (WithParallelTeam). `repaired` comes in empty; a
// propose that repairs the genome last (Mapspace::Repair with it) leaves its slot factors there, and
// the evaluation decodes from them instead of recomputing them.
// Each range proposes kProposeBlock genomes, then evaluates them: sampling and repair, then decoding
// and the cost model, each stay in the instruction cache for a block. One genome at a time, their
// code together overflowed a 32 KiB L1i (callgrind's cache simulation of random search on W_Q: 7.5
// L1i misses per evaluated mapping against 0.02 with two loops per step) and ran 4–5% slower.
// 16: the blocks' slot factors (16 × 1.5 KiB on the stack) stay within a 48 KiB L1d, and a block
// amortizes the switch over 16 genomes.
inline constexpr std::int64_t kProposeBlock = 16;
template <typename BeginStep, typename Propose>
SearchResult RunStepLoop(StepSearch& steps, const Mapspace& mapspace, const cost::CostModel& cost_model, SearchRun& run,
                         BeginStep begin_step, Propose propose) {
  std::vector<Genome> batch;
  std::vector<Evaluation> evaluations;
  // One team for all the steps: its members wait between steps (while Tell runs) instead of
  // joining a new parallel region every step.
  WithParallelTeam(run.threads(), [&] {
    while (!run.ShouldStop()) {
      begin_step(run.RemainingEvaluations(), batch);
      if (batch.empty()) break;
      const auto count = static_cast<std::int64_t>(batch.size());
      // Grown, never shrunk: the storage is reused from step to step.
      if (evaluations.size() < batch.size()) evaluations.resize(batch.size());
      // Each range decodes into one mapping of its own: the batch keeps no mappings (Tell decodes
      // the few the archive takes), so a step's working set is its genomes alone (and the slot
      // factors of one block).
      ParallelForRanges(run.threads(), count, [&](std::int64_t begin, std::int64_t end) {
        mapping::Mapping mapping;
        std::array<Mapspace::RepairedFactors, kProposeBlock> repaired;
        for (std::int64_t block = begin; block < end; block += kProposeBlock) {
          const std::int64_t block_end = std::min(end, block + kProposeBlock);
          for (std::int64_t index = block; index < block_end; ++index) {
            Mapspace::RepairedFactors& factors = repaired[index - block];
            factors.Clear();
            propose(index, batch[index], factors);
          }
          for (std::int64_t index = block; index < block_end; ++index) {
            evaluations[index] = EvaluateGenome(mapspace, cost_model, batch[index], repaired[index - block], mapping);
          }
        }
      });
      const bool improved = steps.Tell(batch, std::span(evaluations).first(batch.size()), run);
      run.EndStep(improved);
    }
  });
  steps.Finish(run);
  return run.Finish();
}

// RunSteps for steps whose genomes are proposed one by one, independently of each other (random's
// samples, genetic's children): proposing and evaluating each genome share one parallel loop per step instead of
// two, a hand-out and wait less per step (a generation of 64 children is only tens of microseconds of
// work per thread). The same genomes, evaluations and Tell as RunSteps, so the same result.
// `Steps` is a StepSearch with BeginAsk(limit, batch), which sizes the step's batch (at most
// `limit`; empty when the search has nothing left), and Propose(index, genome, repaired) const, safe
// to call concurrently, which fills `repaired` when it repairs the genome last (RunStepLoop).
template <typename Steps>
SearchResult RunProposedSteps(Steps& steps, const Mapspace& mapspace, const cost::CostModel& cost_model,
                              SearchRun& run) {
  return RunStepLoop(
      steps, mapspace, cost_model, run,
      [&steps](std::int64_t limit, std::vector<Genome>& batch) { steps.BeginAsk(limit, batch); },
      [&steps](std::int64_t index, Genome& genome, Mapspace::RepairedFactors& repaired) {
        steps.Propose(index, genome, repaired);
      });
}

// A search driven from outside: Ask gives the genomes to evaluate, Tell takes their evaluations.
// No budget: the caller decides when to stop. The names of the searchers with steps: StepSearcherNames.
class AskTell {
 public:
  // The searcher `name` of BuiltinSearchers with `params` (NAME=VALUE, as `--param`); throws
  // util::ConfigError for an unknown searcher or parameter ("did you mean"), and for a searcher
  // without steps.
  AskTell(std::shared_ptr<const Mapspace> mapspace, std::string_view name, const std::vector<std::string>& params,
          Objective objective, std::uint64_t seed, int threads);
  ~AskTell();
  AskTell(const AskTell&) = delete;
  AskTell& operator=(const AskTell&) = delete;

  // The next batch: at most `limit` genomes (limit ≤ 0: the searcher's whole step). Throws
  // util::ConfigError when the last batch was not told yet.
  const std::vector<Genome>& Ask(std::int64_t limit = 0);
  // The evaluations of the batch last asked, in order (the genomes as evaluated). Throws
  // util::ConfigError when no batch is waiting or the counts differ from the batch asked.
  void Tell(std::span<const Genome> genomes, std::span<const Evaluation> evaluations);

  bool waiting() const { return waiting_; }
  const Mapspace& mapspace() const { return *mapspace_; }
  std::string_view searcher() const { return searcher_->name(); }
  // Evaluations told so far, and the statistics of the run (steps = batches told).
  std::int64_t evaluations() const { return run_->evaluations(); }
  // The result so far for the objective: the front of every feasible evaluation told (a scalar
  // objective: its best point(s)), as Searcher::Search returns it.
  SearchResult Result() const;

 private:
  std::shared_ptr<const Mapspace> mapspace_;
  std::unique_ptr<Searcher> searcher_;
  std::unique_ptr<SearchRun> run_;
  std::unique_ptr<StepSearch> steps_;
  std::vector<Genome> batch_;
  bool waiting_ = false;
};

// The registered searchers that have steps (AskTell takes them), in registration order.
std::vector<std::string> StepSearcherNames();

}  // namespace loopfront::search

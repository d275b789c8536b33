#include "mappers/random/random_searcher.h"

#include <algorithm>

#include "loopfront/search/ask_tell.h"
#include "loopfront/search/search_run.h"
#include "loopfront/util/signals.h"

namespace loopfront::search {

std::vector<pareto::Objectives> SampleValidMappings(const Mapspace& mapspace, const cost::CostModel& cost_model,
                                                    util::Rng& rng, std::int64_t samples, std::int64_t max_draws) {
  std::vector<pareto::Objectives> kept;
  kept.reserve(static_cast<std::size_t>(std::max<std::int64_t>(0, samples)));
  Genome genome;
  mapping::Mapping mapping;
  for (std::int64_t draw = 0; draw < max_draws && static_cast<std::int64_t>(kept.size()) < samples; ++draw) {
    if ((draw & 1023) == 0 && util::StopRequested()) break;
    // The searcher's draw without repair (RandomSteps::Propose).
    mapspace.Sample(rng, genome);
    if (!mapspace.Fits(genome)) continue;
    const Evaluation evaluation = EvaluateGenome(mapspace, cost_model, genome, mapping);
    if (evaluation.feasible) kept.push_back(evaluation.objectives);
  }
  return kept;
}

std::vector<util::ParamSpec> RandomSearcher::Params() {
  return {
      {"batch_size", util::ParamType::kInt, 4096, 1, 1'000'000,
       "samples per step, evaluated in parallel and archived in index order"},
      {"repair", util::ParamType::kBool, 1, 0, 1, "repair fanout and capacity overflows instead of evaluating them"},
  };
}

RandomSearcher::RandomSearcher(const util::ParamValues& params)
    : batch_size_(params.Int("batch_size")), repair_(params.Bool("repair")) {}

namespace {

// Steps (search/ask_tell.h): batch b holds samples drawn from DeriveSeed(seed, {b, i}).
class RandomSteps final : public StepSearch {
 public:
  RandomSteps(const Mapspace& mapspace, std::uint64_t seed, std::int64_t batch_size, bool repair)
      : mapspace_(mapspace), seed_(seed), batch_size_(batch_size), repair_(repair) {}

  // Sizes `batch` for the next step (at most `limit` samples); Propose then fills it.
  void BeginAsk(std::int64_t limit, std::vector<Genome>& batch) const {
    batch.resize(static_cast<std::size_t>(std::min(batch_size_, limit)));
  }

  // Sample `index` of the batch begun: its own stream, so samples may be drawn concurrently, in any
  // order. A repaired sample leaves its slot factors in `repaired` (RunStepLoop decodes from them).
  void Propose(std::int64_t index, Genome& genome, Mapspace::RepairedFactors& repaired) const {
    util::Rng rng(util::DeriveSeed(seed_, {batch_index_, static_cast<std::uint64_t>(index)}));
    mapspace_.Sample(rng, genome);
    if (repair_) mapspace_.Repair(rng, genome, repaired);
  }

  void Ask(std::int64_t limit, int threads, std::vector<Genome>& batch) override {
    BeginAsk(limit, batch);
    // The caller evaluates the batch later, maybe changed: the factors are not handed on.
    ParallelFor(threads, static_cast<std::int64_t>(batch.size()), [&](std::int64_t index) {
      Mapspace::RepairedFactors unused;
      Propose(index, batch[index], unused);
    });
  }

  bool Tell(std::span<const Genome> batch, std::span<const Evaluation> evaluations, SearchRun& run) override {
    bool improved = false;
    for (std::size_t index = 0; index < batch.size(); ++index) improved |= run.Record(evaluations[index], batch[index]);
    ++batch_index_;
    return improved;
  }

 private:
  const Mapspace& mapspace_;
  std::uint64_t seed_;
  std::int64_t batch_size_;
  bool repair_;
  std::uint64_t batch_index_ = 0;
};

}  // namespace

std::unique_ptr<StepSearch> RandomSearcher::Steps(const Mapspace& mapspace, const SearchOptions& options) const {
  return std::make_unique<RandomSteps>(mapspace, options.seed, batch_size_, repair_);
}

SearchResult RandomSearcher::Search(const Mapspace& mapspace, const cost::CostModel& cost_model,
                                    const SearchOptions& options) const {
  SearchRun run(mapspace, options, kName);
  RandomSteps steps(mapspace, options.seed, batch_size_, repair_);
  // Each sample is drawn and evaluated in one parallel loop (the samples Ask gives, so the same front).
  return RunProposedSteps(steps, mapspace, cost_model, run);
}

}  // namespace loopfront::search

#include "mappers/random/random_searcher.h"

#include <algorithm>

#include "loopfront/search/search_run.h"
#include "loopfront/util/signals.h"

namespace loopfront::search {
namespace {

// One uniform sample of the mapspace: the searcher's draw, shared by both ways of sampling.
void DrawSample(const Mapspace& mapspace, util::Rng& rng, bool repair, Genome& genome) {
  mapspace.Sample(rng, genome);
  if (repair) mapspace.Repair(rng, genome);
}

}  // namespace

std::vector<pareto::Objectives> SampleValidMappings(const Mapspace& mapspace, const cost::CostModel& cost_model,
                                                    util::Rng& rng, std::int64_t samples, std::int64_t max_draws) {
  std::vector<pareto::Objectives> kept;
  kept.reserve(static_cast<std::size_t>(std::max<std::int64_t>(0, samples)));
  Genome genome;
  mapping::Mapping mapping;
  for (std::int64_t draw = 0; draw < max_draws && static_cast<std::int64_t>(kept.size()) < samples; ++draw) {
    if ((draw & 1023) == 0 && util::StopRequested()) break;
    DrawSample(mapspace, rng, /*repair=*/false, genome);
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

SearchResult RandomSearcher::Search(const Mapspace& mapspace, const cost::CostModel& cost_model,
                                    const SearchOptions& options) const {
  SearchRun run(mapspace, options, kName);
  const auto batch_size = static_cast<std::size_t>(batch_size_);
  std::vector<Evaluation> evaluations(batch_size);
  std::vector<mapping::Mapping> mappings(batch_size);
  for (std::uint64_t batch = 0; !run.ShouldStop(); ++batch) {
    const std::int64_t count = std::min<std::int64_t>(batch_size_, run.RemainingEvaluations());
    ParallelFor(run.threads(), count, [&](std::int64_t index) {
      util::Rng rng(util::DeriveSeed(options.seed, {batch, static_cast<std::uint64_t>(index)}));
      Genome genome;
      DrawSample(mapspace, rng, repair_, genome);
      evaluations[index] = EvaluateGenome(mapspace, cost_model, genome, mappings[index]);
    });
    bool improved = false;
    for (std::int64_t index = 0; index < count; ++index) improved |= run.Record(evaluations[index], mappings[index]);
    run.EndStep(improved);
  }
  return run.Finish();
}

}  // namespace loopfront::search

#include "mappers/random/random_searcher.h"

#include <algorithm>

#include "loopfront/search/search_run.h"

namespace loopfront::search {

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
      mapspace.Sample(rng, genome);
      if (repair_) mapspace.Repair(rng, genome);
      evaluations[index] = EvaluateGenome(mapspace, cost_model, genome, mappings[index]);
    });
    bool improved = false;
    for (std::int64_t index = 0; index < count; ++index) improved |= run.Record(evaluations[index], mappings[index]);
    run.EndStep(improved);
  }
  return run.Finish();
}

}  // namespace loopfront::search

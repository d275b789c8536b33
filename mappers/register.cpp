// The one registration table of searchers (shared/STYLE.md: explicit registration). Add a line
// here for every folder of mappers/; a test checks that every folder is registered.
#include "loopfront/search/searcher.h"
#include "mappers/annealing/annealing_searcher.h"
#include "mappers/exhaustive/exhaustive_searcher.h"
#include "mappers/gemmini_default/gemmini_default_searcher.h"
#include "mappers/genetic/genetic_searcher.h"
#include "mappers/random/random_searcher.h"

namespace loopfront::search {
namespace {

template <typename SearcherType>
SearcherRegistry::Entry EntryFor() {
  return {.name = std::string(SearcherType::kName),
          .description = std::string(SearcherType::kDescription),
          .params = SearcherType::Params(),
          .factory = [](const util::ParamValues& params) { return std::make_unique<SearcherType>(params); }};
}

}  // namespace

void RegisterBuiltinSearchers(SearcherRegistry& registry) {
  registry.Register(EntryFor<RandomSearcher>());
  registry.Register(EntryFor<GeneticSearcher>());
  registry.Register(EntryFor<AnnealingSearcher>());
  registry.Register(EntryFor<ExhaustiveSearcher>());
  registry.Register(EntryFor<GemminiDefaultSearcher>());
}

}  // namespace loopfront::search
